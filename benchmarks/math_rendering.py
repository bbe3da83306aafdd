"""Ways of rendering the site's math compared on one page: elements, bytes sent, blocking time.

Usage: .venv/bin/python benchmarks/math_rendering.py [--page activations] [--runs 3]
       [--raw-site DIR] [--screenshots DIR]

The site is built once with every hook but the math one (``--raw-site`` reuses such a build), so
each formula is still TeX in arithmatex's ``<span|div class="arithmatex">``. Then one page
(default: activations, the chapter that scored lowest on a phone) is typeset each way and
served beside the others, at ``<page>--<way>/``, with the stylesheets and fonts that way needs:

- ``chtml``: MathJax 4 CHTML with hidden assistive MathML, New Computer Modern web fonts (the
  site's renderer until this comparison);
- ``svg``: MathJax 4 SVG, one font cache per page (each glyph's path once, ``<use>`` elsewhere);
- ``mathjax-mml``: MathJax 4's MathML, drawn by the browser (MathML Core: Chromium 109+,
  Firefox, Safari) in a served OpenType MATH font (Noto Sans Math);
- ``temml``: Temml's MathML, same font;
- ``temml-plain-code``: as ``temml``, with every code block's highlighting and line anchors
  removed (its text kept): what the code blocks' markup costs, beside what the math costs.

Lighthouse (as ``tools/lighthouse.py`` runs it, phone form factor) audits every way ``--runs``
times, the ways taking turns so that a change of load falls on all of them alike, and the
table shows per way: the elements of the page (Lighthouse's DOM size) and how many of them are
math, the page's HTML gzipped, all bytes sent (gzipped, as the server sends them), and the
median run's total blocking time and Performance, with the range of Performance over the runs.
``--screenshots DIR`` saves each way's first formulas in the light and the dark scheme, to look
at. The comparison's packages (MathJax, Temml, the font) are pinned here and installed on first
use into .cache/math-rendering, whatever the site itself uses. This is a benchmark: it prints
figures, and a busy machine lowers every score, so compare the ways within one run.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGES_DIR = ROOT / ".cache" / "math-rendering"
MODULES = PACKAGES_DIR / "node_modules"
PACKAGES = ["mathjax@4.1.3", "temml@0.13.5", "@fontsource/noto-sans-math@5.3.0"]
RENDERER = Path(__file__).with_name("math_rendering.cjs")
MATH_HOOK = "hooks/mathml.py"
WAYS = ["chtml", "svg", "mathjax-mml", "temml", "temml-plain-code"]
MATH_FONT = MODULES / "@fontsource" / "noto-sans-math" / "files"
MATH_FONT_FILE = "noto-sans-math-latin-400-normal.woff2"  # the whole font, despite its name
# MathJax's MathML in the math font; no unicode-range (fontsource's CSS limits it to Latin).
MATHML_CSS = f"""@font-face {{ font-family: "Noto Sans Math"; font-display: swap;
  src: local("Noto Sans Math"), url("{MATH_FONT_FILE}") format("woff2"); }}
math {{ font-family: "Noto Sans Math", math; }}
.arithmatex > math[display="block"] {{ overflow-x: auto; overflow-y: hidden; }}
"""
STYLESHEET = re.compile(r'<link rel="stylesheet" href="(?:\.\./)*assets/mathjax/chtml\.css">')
CODE = re.compile(r"(<pre[^>]*>)(.*?)(</pre>)", re.DOTALL)


def load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


lighthouse = load(ROOT / "tools" / "lighthouse.py", "lighthouse")
math_hook = load(ROOT / MATH_HOOK, "math_hook")


def ensure_packages() -> None:
    installed = MODULES / ".installed"
    if installed.is_file() and installed.read_text(encoding="utf-8").split() == PACKAGES:
        return
    lighthouse.npm_install(PACKAGES_DIR, PACKAGES)
    installed.write_text("\n".join(PACKAGES) + "\n", encoding="utf-8")


def build_raw_site(into: Path) -> Path:
    """The site built with every hook but the math one: formulas stay TeX."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(into), strict=False)
    hooks = list(config["hooks"])
    if MATH_HOOK not in hooks:
        raise SystemExit(f"{MATH_HOOK} is not among mkdocs.yml's hooks: {hooks}")
    config = load_config(
        str(ROOT / "mkdocs.yml"),
        site_dir=str(into),
        strict=False,
        hooks=[h for h in hooks if h != MATH_HOOK],
    )
    build(config)
    return into


def render(way: str, formulas: list[dict[str, Any]]) -> dict[str, Any]:
    engine = "temml" if way.startswith("temml") else way
    done = subprocess.run(
        ["node", str(RENDERER), engine, str(MODULES), str(MODULES)],
        input=json.dumps({"math": formulas}),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"rendering {way} failed:\n{done.stderr}")
    reply: dict[str, Any] = json.loads(done.stdout)
    return reply


def plain_code(page: str) -> str:
    """Every ``<pre>`` block with its text only: no token spans, no line anchors."""
    return CODE.sub(lambda m: m[1] + re.sub(r"<[^>]+>", "", m[2]) + m[3], page)


def typeset(raw: str, way: str, assets: Path) -> str:
    """The page ``raw`` with its formulas typeset ``way``; the stylesheet and fonts that way
    needs are written into ``assets`` (the page links ``../assets/math-bench/<way>/math.css``)."""
    matches = list(math_hook.FORMULA.finditer(raw))
    formulas = []
    for m in matches:
        tex, display = math_hook.tex_of(m["tex"])
        formulas.append({"tex": tex, "display": display})
    reply = render(way, formulas)
    markup = iter(reply["html"])
    page = math_hook.FORMULA.sub(
        lambda m: f"{math_hook.opening_tag(m['tag'])}{next(markup)}</{m['tag']}>", raw
    )
    assets.mkdir(parents=True, exist_ok=True)
    if way == "chtml":
        css = re.sub(
            r"(@font-face\s*(?:/\*[^*]*\*/\s*)?\{)", r"\1 font-display: swap;", reply["css"]
        )
        fonts = MODULES / "@mathjax" / "mathjax-newcm-font" / "chtml" / "woff2"
        shutil.copytree(fonts, assets / "woff2", dirs_exist_ok=True)
    elif way == "svg":
        css = reply["css"]
    elif way == "mathjax-mml":
        css = MATHML_CSS
        shutil.copy(MATH_FONT / MATH_FONT_FILE, assets / MATH_FONT_FILE)
    else:  # Temml's own stylesheet for this font, as the site serves it
        css = math_hook.stylesheet((MODULES / "temml" / "dist" / "Temml-NotoSans.css").read_text())
        shutil.copy(MATH_FONT / MATH_FONT_FILE, assets / math_hook.SERVED_FONT)
    (assets / "math.css").write_text(css, encoding="utf-8")
    link = f'<link rel="stylesheet" href="../assets/math-bench/{way}/math.css">'
    page, found = STYLESHEET.subn(link, page, count=1)
    if not found:
        page = page.replace("</head>", link + "</head>", 1)
    if "extra" in reply:
        page = re.sub(r"(<body[^>]*>)", lambda m: m[1] + reply["extra"], page, count=1)
    if way.endswith("plain-code"):
        page = plain_code(page)
    return page


class ElementCounter(HTMLParser):
    """Counts a page's elements, and those inside its formulas (an ``arithmatex`` element, or
    the SVG font cache) separately."""

    def __init__(self) -> None:
        super().__init__()
        self.elements = 0
        self.math = 0
        self.depth = 0  # inside a formula: how deep

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements += 1
        if self.depth:
            self.math += 1
            self.depth += 1
        elif any(
            (k == "class" and "arithmatex" in (v or "").split())
            or (k == "id" and v == "MJX-SVG-global-cache")
            for k, v in attrs
        ):
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1


def count_elements(page: str) -> tuple[int, int]:
    """(elements, of which inside formulas) in the page's markup."""
    counter = ElementCounter()
    counter.feed(page)
    return counter.elements, counter.math


def screenshots(base: str, page: str, into: Path) -> None:
    from playwright.sync_api import sync_playwright

    into.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("CHROME_PATH", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu"],
        )
        for scheme in ("light", "dark"):
            context = browser.new_context(
                color_scheme=scheme, viewport={"width": 900, "height": 1100}
            )
            tab = context.new_page()
            for way in WAYS[:4]:
                tab.goto(f"{base}{page}--{way}/")
                tab.evaluate("document.fonts.ready")
                tab.locator("div.arithmatex").first.scroll_into_view_if_needed()
                tab.wait_for_timeout(300)
                tab.screenshot(path=str(into / f"{way}-{scheme}.png"))
            context.close()
        browser.close()
    print(f"Screenshots of each way, light and dark: {into}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", default="activations", help="the page to compare")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse audits per way")
    parser.add_argument("--raw-site", type=Path, help="a site built without the math hook")
    parser.add_argument("--screenshots", type=Path, help="save light and dark screenshots here")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error(f"--runs must be at least 1, got {args.runs}")
    ensure_packages()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        if args.raw_site:
            shutil.copytree(args.raw_site, site)
        else:
            build_raw_site(site)
        pages = {
            p.parent.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
            for p in site.rglob("index.html")
        }
        name = args.page.strip("/")
        if name not in pages:
            parser.error(f"--page {name!r} is not a page of the site")
        raw = pages[name]
        print(f"Page {name}/: {len(math_hook.FORMULA.findall(raw))} formulas")
        typeset_pages = {}
        for way in WAYS:
            typeset_pages[way] = typeset(raw, way, site / "assets" / "math-bench" / way)
            target = site / f"{name}--{way}" / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(typeset_pages[way], encoding="utf-8")
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lighthouse.gzip_handler(site))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        if args.screenshots:
            screenshots(base, name, args.screenshots)
        tool = lighthouse.ensure_lighthouse()
        load_before = os.getloadavg()[0]
        reports: dict[str, list[dict[str, Any]]] = {way: [] for way in WAYS}
        for _ in range(args.runs):
            for way in WAYS:
                reports[way].append(lighthouse.audit(tool, f"{base}{name}--{way}/", "mobile"))
        server.shutdown()
    print(
        f"Load average (1 min) before and after the audits: {load_before:.1f} / "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; Lighthouse mobile, {args.runs} runs"
    )
    print(
        f"{'way':18}{'DOM':>7}{'markup':>8}{'math':>7}{'HTML gz KB':>11}{'sent KB':>9}"
        f"{'TBT ms':>8}{'perf':>6}{'range':>8}{'a11y':>6}"
    )
    for way in WAYS:
        elements, math = count_elements(typeset_pages[way])
        html_kb = len(gzip.compress(typeset_pages[way].encode("utf-8"))) / 1024
        median = lighthouse.median_report(reports[way])
        scores = sorted(lighthouse.score(r) for r in reports[way])
        tbt = statistics.median(
            r["audits"]["total-blocking-time"]["numericValue"] for r in reports[way]
        )
        dom = median["audits"]["dom-size-insight"].get("numericValue", float("nan"))
        sent = median["audits"]["total-byte-weight"]["numericValue"] / 1024
        print(
            f"{way:18}{dom:>7.0f}{elements:>8}{math:>7}{html_kb:>11.1f}{sent:>9.0f}{tbt:>8.0f}"
            f"{lighthouse.score(median):>6}{f'{scores[0]}-{scores[-1]}':>8}"
            f"{lighthouse.score(median, 'accessibility'):>6}"
        )
    print(
        "DOM: the elements Lighthouse counts (after the theme's scripts ran); markup: the"
        " elements of the page as served; math: those inside formulas"
    )


if __name__ == "__main__":
    main()
