"""The built site, checked in a real browser: Debian's Chromium driven by Playwright.

Every page of the built site (found by walking it, not listed here) is loaded directly and
reached by instant navigation, in light and dark mode, at desktop and phone widths. One browser
serves the whole module; the pages are visited once, by session fixtures that record what
each check needs, and each test below asserts one property over all pages, naming the pages
that fail it. Screenshots land in artifacts/screenshots/ for a person to look at.

Without Chromium the tests skip locally and fail in CI (CI=true), where `.ci/run` installs it.
"""

from __future__ import annotations

import http.server
import os
import re
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urlparse
from urllib.request import urlopen

import pytest
from conftest import DOCS, ROOT, load_tool, nav_pages

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
    # Any host but the test server fails at once, offline or not; the request is still seen.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
# Classes mkdocs-jupyter gives a notebook's cells and outputs.
NOTEBOOK_MARKER = "jp-OutputArea"
TIMEOUT_MS = 20_000
# The dark scheme changes colours only, so axe runs all its rules in light mode and, in dark
# mode, the rules that depend on colour.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]

# --------------------------------------------------------------------------- browser and server


def find_chromium() -> str | None:
    """The Chromium to drive: the one tools/handout_pdf.py prints with ($CHROME_PATH, as for
    Lighthouse, else chromium or chromium-browser on the PATH)."""
    chromium: str | None = load_tool("handout_pdf").chromium_path()
    return chromium


def skip_or_fail(reason: str) -> None:
    """Skip where a developer may lack the browser; in CI, a missing browser is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the browser tests must run; .ci/run installs chromium)")
    pytest.skip(reason)


def public_url(site: Path) -> str:
    """The site's public address (``site_url``), as its home page names it."""
    html = (site / "index.html").read_text(encoding="utf-8")
    found = re.search(r'<link rel="canonical" href="([^"]+)"', html)
    assert found, "the home page has no canonical link: is site_url set in mkdocs.yml?"
    return found[1]


def site_handler(site: Path, public: str) -> type[http.server.SimpleHTTPRequestHandler]:
    """Serve ``site`` as if at its public address.

    Material's instant navigation follows only links listed in sitemap.xml, which names pages
    by their public address; like `mkdocs serve`, this server rewrites that to its own.
    """

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(site), **kwargs)

        def do_GET(self) -> None:
            if self.path != "/sitemap.xml":
                super().do_GET()
                return
            local = f"http://{self.headers['Host']}/"
            body = (site / "sitemap.xml").read_bytes().replace(public.encode(), local.encode())
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test output clean; the browser records what failed."""

    return Handler


class QuietServer(http.server.ThreadingHTTPServer):
    """A server that lets the browser hang up mid-response (it cancels a request when it
    navigates away) without printing a traceback; any other error is still printed."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    """The built site, served on 127.0.0.1 at a free port for the whole session."""
    server = QuietServer(("127.0.0.1", 0), site_handler(site, public_url(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session."""
    chromium = find_chromium()
    if chromium is None:
        skip_or_fail("Chromium not found (looked at $CHROME_PATH, chromium, chromium-browser)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Playwright for Python is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def site_pages(site: Path) -> list[str]:
    """Every page of the built site as a path relative to its root ('', 'neuron/', ...)."""
    pages = [p.parent.relative_to(site).as_posix() for p in site.rglob("index.html")]
    return sorted(("" if p == "." else f"{p}/") for p in pages)


@pytest.fixture(scope="session")
def pages(site: Path) -> list[str]:
    found = site_pages(site)
    assert "" in found, f"no home page among {found}"
    assert "neuron/" in found, f"no neuron page among {found}"
    return found


def shot_name(page: str, scheme: str, viewport: str) -> str:
    slug = page.strip("/").replace("/", "-") or "index"
    return f"{slug}-{scheme}-{viewport}.png"


# --------------------------------------------------------------------------- what a visit records


@dataclass
class Traffic:
    """What the browser reported while a page was open."""

    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)


@dataclass
class Visit:
    """What one page showed after a direct load, in light and dark mode, at desktop width."""

    title: str = ""
    traffic: Traffic = field(default_factory=Traffic)
    math_problems: list[str] = field(default_factory=list)
    image_problems: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    copy_problems: list[str] = field(default_factory=list)
    code_blocks: int = 0
    axe: list[str] = field(default_factory=list)
    schemes: list[str] = field(default_factory=list)
    notebook_problems: list[str] = field(default_factory=list)


def watch(page: Any, base_url: str) -> Traffic:
    """Record console errors, failed requests and requests that leave the test server."""
    traffic = Traffic()
    local = urlparse(base_url).netloc

    def on_console(message: Any) -> None:
        if message.type == "error":
            traffic.console_errors.append(message.text)

    def on_request(request: Any) -> None:
        url = urlparse(request.url)
        if url.scheme in {"http", "https", "ws", "wss"} and url.netloc != local:
            traffic.foreign_requests.append(request.url)

    def on_response(response: Any) -> None:
        if response.status >= 400:
            traffic.failed_requests.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: traffic.console_errors.append(f"uncaught: {error}"))
    page.on("request", on_request)
    page.on("response", on_response)
    page.on(
        "requestfailed",
        lambda request: traffic.failed_requests.append(f"{request.failure} {request.url}"),
    )
    return traffic


# Math checks run in the page. A formula is typeset when its MathML (a <math> element drawn in
# the site's math font) is inside its arithmatex element; TeX delimiters left in the visible
# text mean one was missed.
MATH_PROBLEMS_JS = """
() => {
  const problems = [];
  const formulas = [...document.querySelectorAll(".md-content .arithmatex")];
  const raw = formulas.filter((el) => !el.querySelector(":scope > math"));
  if (raw.length) {
    const first = raw[0].textContent.slice(0, 60);
    problems.push(`${raw.length} of ${formulas.length} formulas not typeset, first: ${first}`);
  }
  const article = document.querySelector(".md-content");
  const copy = article.cloneNode(true);
  copy.querySelectorAll("pre, code, math, script, style").forEach((el) => el.remove());
  for (const delimiter of ["$$", "\\\\(", "\\\\["]) {
    const at = copy.textContent.indexOf(delimiter);
    const around = copy.textContent.slice(Math.max(0, at - 30), at + 30);
    if (at >= 0) problems.push(`raw ${delimiter} in the text: ...${around}...`);
  }
  // Without a math font the browser draws MathML in whatever font it finds.
  if (formulas.length) {
    const family = getComputedStyle(formulas[0].querySelector("math") || article).fontFamily;
    if (!family.includes("NotoSans Math")) problems.push(`math drawn in ${family}`);
  }
  return problems;
}
"""

IMAGE_PROBLEMS_JS = """
async () => {
  const images = [...document.querySelectorAll("img")];
  // Lazy images below the fold load only when scrolled to: ask for them now.
  images.forEach((img) => { img.loading = "eager"; });
  await Promise.all(images.map((img) => img.decode().catch(() => null)));
  const problems = [];
  for (const img of images) {
    const name = img.getAttribute("src").slice(0, 80);
    if (!(img.getAttribute("alt") || "").trim()) problems.push(`no alt text: ${name}`);
    if (!img.complete || img.naturalWidth === 0) problems.push(`did not load: ${name}`);
  }
  return problems;
}
"""

LINKS_AND_IDS_JS = """
() => ({
  links: [...document.querySelectorAll("a[href]")].map((a) => a.href),
  ids: [...document.querySelectorAll("[id]")].map((el) => el.id),
})
"""

# axe-core's cost grows with the number of elements on the page, checked or not, and a
# page's elements are mostly the tokens of its highlighted code (one per word, plus one per
# line number): the code reference page has 60,000. So axe runs last, on a slimmed copy of the
# page: each code block keeps its text as one plain run (its token colours are checked by
# CODE_CONTRAST_JS before). Formulas are MathML, a few elements each, which axe checks as they
# are.
SLIM_FOR_AXE_JS = """
() => {
  for (const pre of document.querySelectorAll(".md-content pre")) {
    for (const code of pre.querySelectorAll(":scope > code, :scope > span")) {
      code.textContent = code.textContent;
    }
  }
}
"""

AXE_JS = """
async (rules) => {
  const options = { resultTypes: ["violations"] };
  if (rules) options.runOnly = { type: "rule", values: rules };
  // Material's "Copied to clipboard" toast, fading out after the copy buttons were clicked:
  // its colours mid-fade are not the ones a reader can read it in.
  const result = await axe.run({ exclude: [[".md-dialog"]] }, options);
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => {
      const where = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ");
      return `${v.id} (${v.impact}): ${v.help}; at ${where}`;
    });
}
"""

# The WCAG AA contrast (4.5:1 for text of code's size) of every distinct colour of highlighted
# code against the code block's background, as axe's color-contrast rule computes it.
CODE_CONTRAST_JS = """
() => {
  const rgba = (css) => css.match(/[\\d.]+/g).map(Number);
  // A translucent colour over the background, as the reader sees it.
  const over = ([r, g, b, a = 1], bg) => [r, g, b].map((c, i) => c * a + bg[i] * (1 - a));
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map((c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const seen = new Map();
  // Code hidden in a closed admonition has no settled colours; it is checked once opened.
  const blocks = [...document.querySelectorAll(".md-content pre > code")];
  const shown = blocks.filter((c) => c.checkVisibility());
  for (const code of shown) {
    const background = rgba(getComputedStyle(code).backgroundColor);
    for (const token of code.querySelectorAll("span[class]")) {
      if (!token.textContent.trim() || token.children.length) continue;
      const color = getComputedStyle(token).color;
      const key = `${color} on ${background}`;
      if (seen.has(key)) continue;
      const l1 = luminance(over(rgba(color), background));
      const l2 = luminance(background.slice(0, 3));
      const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
      const text = `code token .${token.className} ${key}: ${ratio.toFixed(2)}:1`;
      seen.set(key, ratio < 4.5 ? text : "");
    }
  }
  return [...seen.values()].filter(Boolean);
}
"""

NOTEBOOK_PROBLEMS_JS = """
() => {
  const outputs = [...document.querySelectorAll(".jp-OutputArea-output")];
  if (!outputs.length) return ["no cell outputs on the page"];
  const problems = [];
  outputs.forEach((out, i) => {
    const box = out.getBoundingClientRect();
    const empty = !out.textContent.trim() && !out.querySelector("img, svg, table");
    if (box.height === 0 || empty) problems.push(`output ${i} is empty or hidden`);
  });
  for (const img of document.querySelectorAll(".jp-OutputArea-output img")) {
    if (img.naturalWidth === 0) problems.push("an output image did not load");
  }
  return problems;
}
"""


def tagged(page: Any, problems: list[str]) -> list[str]:
    """Problems, each prefixed by the colour scheme the page shows."""
    return [f"[{scheme_of(page)}] {problem}" for problem in problems]


def scheme_of(page: Any) -> str:
    return str(page.evaluate("document.body.getAttribute('data-md-color-scheme')"))


def toggle_scheme(page: Any) -> None:
    """Click the header's light/dark toggle (the one label of the pair that is shown)."""
    before = scheme_of(page)
    page.locator("form[data-md-component=palette] label:not([hidden])").first.click()
    page.wait_for_function(
        "before => document.body.getAttribute('data-md-color-scheme') !== before", arg=before
    )
    # Move off the toggle so its tooltip closes, and let the colour transitions finish:
    # axe and the screenshots must see the final colours.
    page.mouse.move(0, VIEWPORTS["desktop"]["height"] - 1)
    settle(page)


# Open what hides a code block from the reader until clicked: a collapsed admonition, a tab.
REVEAL_JS = """
(code) => {
  for (let el = code; el; el = el.parentElement) {
    if (el.tagName === "DETAILS") el.open = true;
    if (el.classList.contains("tabbed-block")) {
      const index = [...el.parentElement.children].indexOf(el);
      el.closest(".tabbed-set").querySelectorAll(":scope > input")[index].click();
    }
  }
}
"""


# Clipboard calls, capped at 5 s: without focus they can wait forever, and evaluate would too.
CLIPBOARD_JS = """
(op) => Promise.race([
  op === "write" ? navigator.clipboard.writeText("") : navigator.clipboard.readText(),
  new Promise((_, reject) => setTimeout(() => reject(new Error("clipboard timed out")), 5000)),
])
"""


SHOW_EVERY_CODE_BLOCK_JS = (
    """async () => {
  const reveal = """
    + REVEAL_JS
    + """;
  for (const code of document.querySelectorAll(".md-content pre > code")) {
    reveal(code);
    code.scrollIntoView({ block: "center" });
    for (let i = 0; i < 2; i++) await new Promise(requestAnimationFrame);
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  window.scrollTo(0, 0);
}"""
)


def check_copy_buttons(page: Any) -> tuple[int, list[str]]:
    """Every code block has a copy button, and clicking one puts its block's code on the
    clipboard. The machinery is the same for all blocks, so two are clicked: the first, and
    the first one hidden until the reader opens it (in a collapsed admonition or a tab).
    Material sets a block up (its button) as it comes into view (``content.lazy``), so each
    block is first shown and scrolled to, as a reader would."""
    blocks = page.locator(".md-content pre > code")
    first_hidden = blocks.evaluate_all("codes => codes.findIndex((c) => !c.checkVisibility())")
    page.evaluate(SHOW_EVERY_CODE_BLOCK_JS)
    survey = blocks.evaluate_all(
        """codes => ({
          count: codes.length,
          without: codes.flatMap((c, i) =>
            c.parentElement.querySelector("button[data-clipboard-target]") ? [] : [i]),
        })"""
    )
    problems = [f"code block {i} has no copy button" for i in survey["without"]]
    for i in sorted({0, first_hidden} - {-1} - set(survey["without"])):
        if i >= survey["count"]:
            continue
        block = blocks.nth(i)
        button = block.locator("xpath=..").locator("button[data-clipboard-target]")
        block.evaluate(REVEAL_JS)
        if not button.is_visible():
            problems.append(f"code block {i}: its copy button cannot be reached")
            continue
        page.evaluate("navigator.clipboard.writeText('')")
        button.click()
        copied = page.evaluate("navigator.clipboard.readText()")
        # The code's text as written; line anchors and annotation markers hold no text.
        shown = block.evaluate("code => code.textContent")
        if copied.rstrip() != shown.rstrip():
            problems.append(f"code block {i}: copied {copied[:40]!r}, shows {shown[:40]!r}")
    return survey["count"], problems


def settle(page: Any) -> None:
    """Wait (up to 3 s) for web fonts (the math font) and CSS transitions, for what axe and the
    screenshots see to be final. Endless animations (Material's pulsing annotation markers)
    are not waited for."""
    page.evaluate(
        """async () => {
          // Two frames: the styles are recomputed and any transition they start is running.
          for (let i = 0; i < 2; i++) await new Promise(requestAnimationFrame);
          const finite = document.getAnimations().filter(
            (a) => a.playState === "running" && a.effect.getComputedTiming().endTime !== Infinity);
          const done = Promise.all([
            document.fonts.ready, ...finite.map((a) => a.finished.catch(() => null))]);
          await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 3000))]);
        }"""
    )


def screenshots(page: Any, path: str) -> None:
    """The page's first screen in its current scheme, at desktop width and at phone width."""
    scheme = "light" if scheme_of(page) == "default" else "dark"
    for viewport, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        settle(page)
        # The first screen of the page: full-page shots of pages 15,000 pixels long cost
        # minutes over the whole site, more than CI's budget allows. PNG: what image
        # viewers (and the review tools here) all read.
        name = shot_name(path, scheme, viewport)
        page.screenshot(path=str(SCREENSHOTS / name))
    page.set_viewport_size(VIEWPORTS["desktop"])


# --------------------------------------------------------------------------- the visits


@pytest.fixture(scope="session")
def visits(browser: Any, base_url: str, pages: list[str]) -> dict[str, Visit]:
    """Load every page directly and record everything the tests check.

    Each page is loaded once, at desktop width in light mode: the checks, code colours,
    screenshots at desktop and phone width; the toggle to dark: code colours, screenshots;
    the copy buttons; axe's colour rules; the toggle back to light; all of axe's rules.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for stale in SCREENSHOTS.glob("*.png"):
        stale.unlink()
    context = browser.new_context(
        viewport=VIEWPORTS["desktop"],
        color_scheme="light",
        permissions=["clipboard-read", "clipboard-write"],
    )
    context.set_default_timeout(TIMEOUT_MS)
    results: dict[str, Visit] = {}
    for path in pages:
        page = context.new_page()
        visit = Visit(traffic=watch(page, base_url))
        page.goto(base_url + path, wait_until="load")
        # The site lays out the article's blocks only as they near the screen
        # (content-visibility in extra.css), and a block not laid out keeps the colours it
        # had when it was last shown: its colour transitions do not run. A reader scrolling
        # to it sees it laid out and settled, so the colour checks and axe get it that way.
        laid_out = (
            ":is(.md-typeset, .handout-chapter) > * { content-visibility: visible !important; }"
        )
        page.add_style_tag(content=laid_out)
        settle(page)
        visit.title = page.title()
        visit.math_problems = page.evaluate(MATH_PROBLEMS_JS)
        visit.image_problems = page.evaluate(IMAGE_PROBLEMS_JS)
        found = page.evaluate(LINKS_AND_IDS_JS)
        visit.links, visit.ids = found["links"], set(found["ids"])
        if page.locator(f".{NOTEBOOK_MARKER}").count():
            visit.notebook_problems = page.evaluate(NOTEBOOK_PROBLEMS_JS)
        # The page as loaded, in each scheme: code colours and screenshots.
        for _ in range(2):
            visit.schemes.append(scheme_of(page))
            visit.axe += tagged(page, page.evaluate(CODE_CONTRAST_JS))
            screenshots(page, path)
            if len(visit.schemes) == 1:
                toggle_scheme(page)
        visit.code_blocks, visit.copy_problems = check_copy_buttons(page)
        # axe on the slimmed page: the colour rules in dark mode, then every rule in light.
        # Back at the top first: scrolling down hides the tabs, and axe must not see them fade.
        page.evaluate("window.scrollTo(0, 0)")
        settle(page)
        page.evaluate(SLIM_FOR_AXE_JS)
        page.add_script_tag(path=str(AXE))
        visit.axe += tagged(page, page.evaluate(AXE_JS, COLOUR_RULES))
        toggle_scheme(page)
        visit.axe += tagged(page, page.evaluate(AXE_JS, None))
        page.close()
        results[path] = visit
    context.close()
    return results


@dataclass
class Arrival:
    """A page reached by clicking a link on the page before it, without a reload."""

    instant: bool
    math_problems: list[str]
    traffic: Traffic


CLICK_LINK_JS = """
(target) => {
  const links = [...document.querySelectorAll("a[href]")].filter((a) => a.href === target);
  // Prefer the navigation's own link, as a reader would use; it may sit in a collapsed section.
  let link = links.find((a) => a.closest(".md-nav, .md-tabs")) || links[0];
  if (!link) {
    link = document.createElement("a");
    link.href = target;
    document.querySelector(".md-content").append(link);
  }
  window.__sameDocument = true;
  link.click();
}
"""


SITEMAP_READ_JS = """
() => performance.getEntriesByType("resource").some(
  (entry) => new URL(entry.name).pathname === "/sitemap.xml" && entry.responseEnd > 0)
"""


@pytest.fixture(scope="session")
def arrivals(
    browser: Any, base_url: str, pages: list[str], visits: dict[str, Visit]
) -> dict[str, Arrival]:
    """Walk the site by instant navigation: each page is reached from the previous one."""
    context = browser.new_context(viewport=VIEWPORTS["desktop"], color_scheme="light")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    traffic = watch(page, base_url)
    # Instant navigation starts once Material has read the sitemap; a click before that is an
    # ordinary page load (Material's design, not a fault), so wait until it has arrived and
    # let the first page settle (on a busy machine "network idle" alone was not enough).
    page.goto(base_url + pages[-1], wait_until="networkidle")
    page.wait_for_function(SITEMAP_READ_JS)
    settle(page)
    results: dict[str, Arrival] = {}
    for path in pages:
        seen = {name: len(getattr(traffic, name)) for name in vars(traffic)}
        page.evaluate(CLICK_LINK_JS, base_url + path)
        page.wait_for_function(
            "([url, title]) => location.href === url && document.title === title",
            arg=[base_url + path, visits[path].title],
        )
        instant = bool(page.evaluate("window.__sameDocument === true"))
        # What the browser reported since the click, and only that.
        since = Traffic(**{name: getattr(traffic, name)[n:] for name, n in seen.items()})
        results[path] = Arrival(instant, page.evaluate(MATH_PROBLEMS_JS), since)
    context.close()
    return results


def failures(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{page or '/'}: {'; '.join(problems)}" for page, problems in found.items())


# --------------------------------------------------------------------------- the tests


def test_pages_were_found(pages: list[str]) -> None:
    assert len(pages) >= 15, pages


def test_no_console_errors(visits: dict[str, Visit]) -> None:
    found = {p: v.traffic.console_errors for p, v in visits.items() if v.traffic.console_errors}
    assert not found, failures(found)


def test_no_failed_requests(visits: dict[str, Visit]) -> None:
    found = {p: v.traffic.failed_requests for p, v in visits.items() if v.traffic.failed_requests}
    assert not found, failures(found)


def test_no_request_leaves_the_local_server(visits: dict[str, Visit]) -> None:
    found = {p: v.traffic.foreign_requests for p, v in visits.items() if v.traffic.foreign_requests}
    assert not found, failures(found)


def test_math_is_typeset_on_direct_load(visits: dict[str, Visit]) -> None:
    found = {p: v.math_problems for p, v in visits.items() if v.math_problems}
    assert not found, failures(found)


def test_the_math_pages_have_math(site: Path) -> None:
    """Guards the math checks against passing vacuously."""
    html = (site / "neuron" / "index.html").read_text(encoding="utf-8")
    assert html.count('class="arithmatex"') >= 10


def test_instant_navigation_reaches_every_page_without_reload(
    arrivals: dict[str, Arrival],
) -> None:
    reloaded = [p or "/" for p, a in arrivals.items() if not a.instant]
    assert not reloaded, f"a full page load instead of instant navigation: {reloaded}"


def test_math_is_typeset_after_instant_navigation(arrivals: dict[str, Arrival]) -> None:
    found = {p: a.math_problems for p, a in arrivals.items() if a.math_problems}
    assert not found, failures(found)


def test_instant_navigation_is_clean(arrivals: dict[str, Arrival]) -> None:
    found = {
        p: a.traffic.console_errors + a.traffic.failed_requests + a.traffic.foreign_requests
        for p, a in arrivals.items()
    }
    found = {p: problems for p, problems in found.items() if problems}
    assert not found, failures(found)


def test_images_have_alt_text_and_load(visits: dict[str, Visit]) -> None:
    found = {p: v.image_problems for p, v in visits.items() if v.image_problems}
    assert not found, failures(found)


def test_internal_links_and_anchors_resolve(
    base_url: str, site: Path, visits: dict[str, Visit]
) -> None:
    broken: dict[str, list[str]] = {}
    fetched: dict[str, bool] = {}
    for path, visit in visits.items():
        for href in visit.links:
            target, fragment = urldefrag(href)
            if not target.startswith(base_url):
                continue
            target_path = target[len(base_url) :]
            if target_path in visits:
                ids = visits[target_path].ids
                if fragment and unquote(fragment) not in ids:
                    broken.setdefault(path, []).append(f"no #{fragment} on {target_path or '/'}")
                continue
            # Not a page: a download, an asset, the sitemap. It must be served.
            if target not in fetched:
                try:
                    with urlopen(target, timeout=10) as response:
                        fetched[target] = response.status == 200
                except OSError:
                    fetched[target] = False
            if not fetched[target]:
                broken.setdefault(path, []).append(f"cannot fetch {target_path}")
    assert not broken, failures(broken)


def test_code_blocks_copy_their_code(visits: dict[str, Visit]) -> None:
    assert visits["neuron/"].code_blocks > 0, "the neuron page should show code"
    found = {p: v.copy_problems for p, v in visits.items() if v.copy_problems}
    assert not found, failures(found)


def test_no_serious_accessibility_violations(visits: dict[str, Visit]) -> None:
    found = {p: v.axe for p, v in visits.items() if v.axe}
    assert not found, failures(found)


def test_toggle_switches_between_light_and_dark_on_every_page(visits: dict[str, Visit]) -> None:
    wrong = {p: v.schemes for p, v in visits.items() if v.schemes != ["default", "slate"]}
    assert not wrong, wrong


def test_dark_mode_persists_across_navigation(browser: Any, base_url: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS["desktop"], color_scheme="light")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(base_url, wait_until="networkidle")
    page.wait_for_function(SITEMAP_READ_JS)
    assert scheme_of(page) == "default"
    toggle_scheme(page)
    assert scheme_of(page) == "slate"
    page.evaluate(CLICK_LINK_JS, base_url + "neuron/")
    page.wait_for_url(base_url + "neuron/")
    assert scheme_of(page) == "slate", "instant navigation lost the dark scheme"
    page.goto(base_url + "glossary/", wait_until="load")
    assert scheme_of(page) == "slate", "a full page load lost the dark scheme"
    toggle_scheme(page)
    page.reload(wait_until="load")
    assert scheme_of(page) == "default", "switching back to light did not persist"
    context.close()


def search_results(browser: Any, base_url: str, query: str) -> list[str]:
    """The pages (paths relative to the site) the search box lists for ``query``, best first."""
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(base_url, wait_until="load")
    # Typed key by key: Material searches on key events, which fill() does not send.
    page.locator(".md-search__input").press_sequentially(query)
    page.locator(".md-search-result__item").first.wait_for()
    hrefs = page.eval_on_selector_all(
        ".md-search-result__link", "links => links.map((a) => a.href)"
    )
    context.close()
    # Links carry the query to highlight (?h=...); the page is the path.
    return list(dict.fromkeys(urlparse(h).path.lstrip("/") for h in hrefs))


def chapter_pages() -> set[str]:
    """The site paths of the chapters: every page of the nav outside Notebooks and Reference."""
    return {
        page.file.removesuffix(".md") + "/"
        for page in nav_pages()
        if page.file != "index.md" and not {"Notebooks", "Reference"} & set(page.sections)
    }


# Headings whose permalink (the hidden pilcrow) starts a line of its own: an empty line.
LONE_PERMALINKS_JS = """
() => [...document.querySelectorAll("article :is(h1, h2, h3, h4) > .headerlink")].filter((a) => {
  const text = document.createRange();
  text.setStart(a.parentElement, 0);
  text.setEndBefore(a);
  const lines = [...text.getClientRects()].filter((r) => r.width > 0);
  return lines.length && a.getBoundingClientRect().top >= lines[lines.length - 1].bottom - 2;
}).map((a) => a.parentElement.textContent.trim())
"""


@pytest.mark.parametrize("path", ["", "tensors/", "optimizers/", "questions/"])
def test_no_heading_ends_in_an_empty_line_on_a_touch_screen(
    browser: Any, base_url: str, path: str
) -> None:
    """On a phone, where these titles' last words just fit, the invisible permalink must not
    wrap onto a line of its own under them (docs/stylesheets/extra.css)."""
    context = browser.new_context(viewport=VIEWPORTS["phone"], has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(base_url + path)
    assert page.evaluate("matchMedia('(hover: none)').matches")
    lone = page.evaluate(LONE_PERMALINKS_JS)
    headings = page.locator("article :is(h1, h2, h3, h4) > .headerlink").count()
    page.close()
    context.close()
    assert headings >= 3, path
    assert lone == [], path


LAYOUT_SHIFT_JS = """
window.__layoutShift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.__layoutShift += entry.value;
  }
}).observe({type: "layout-shift", buffered: true});
"""


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("path", ["", "plan/", "glossary/", "activations/"])
def test_a_page_does_not_jump_while_it_loads(
    base_url: str, browser: Any, path: str, viewport: str
) -> None:
    """The layout shift of a load stays under 0.1 (web.dev's "good"): blocks laid out only near
    the screen (content-visibility in extra.css) must not be painted as placeholders on the
    first screen and then push what is below them. The plan's timetable did (0.16 on a phone)."""
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    context.add_init_script(LAYOUT_SHIFT_JS)
    page = context.new_page()
    page.goto(base_url + path, wait_until="load")
    page.wait_for_timeout(1000)  # the shifts of the first frames after the load are counted too
    shift = page.evaluate("window.__layoutShift")
    context.close()
    assert shift < 0.1, (path, viewport, shift)


def test_the_chapters_are_read_from_the_nav() -> None:
    chapters = chapter_pages()
    assert {"neuron/", "backpropagation/", "questions/"} <= chapters
    assert "reference/" not in chapters
    assert not any(page.startswith("notebooks/") for page in chapters)


@pytest.mark.parametrize(
    "query", ["sigmoid", "softmax", "cross-entropy", "epoch", "backpropagation"]
)
def test_search_lists_a_chapter_first(browser: Any, base_url: str, query: str) -> None:
    """A concept's chapter outranks the code reference, whose docstrings name it too."""
    results = search_results(browser, base_url, query)
    assert results, f"no result for {query!r}"
    first, then = results[0], results[1:4]
    assert first in chapter_pages(), f"{query!r}: first result {first}, then {then}"


def test_search_finds_the_backpropagation_chapter(browser: Any, base_url: str) -> None:
    assert "backpropagation/" in search_results(browser, base_url, "backpropagation")


def test_search_finds_a_term_from_the_questions_page(browser: Any, base_url: str) -> None:
    assert "questions/" in search_results(browser, base_url, "epoch")


def test_notebooks_render_with_their_outputs(site: Path, visits: dict[str, Visit]) -> None:
    notebooks = [p for p in visits if NOTEBOOK_MARKER in (site / p / "index.html").read_text()]
    if not notebooks:
        assert not (DOCS / "notebooks").is_dir(), "docs/notebooks/ exists but no page shows output"
        pytest.skip("the site has no notebook pages yet")
    found = {p: visits[p].notebook_problems for p in notebooks if visits[p].notebook_problems}
    assert not found, failures(found)


def test_every_page_has_four_screenshots(pages: list[str], visits: dict[str, Visit]) -> None:
    expected = {
        shot_name(p, scheme, viewport)
        for p in pages
        for scheme in ("light", "dark")
        for viewport in VIEWPORTS
    }
    missing = sorted(name for name in expected if not (SCREENSHOTS / name).is_file())
    assert not missing, missing
