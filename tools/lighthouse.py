"""Lighthouse scores of every page of the built site, phone and desktop, beside the theme's floor.

Usage: .venv/bin/python tools/lighthouse.py [SITE_DIR] [--runs N] [--floor-runs N]
       [--pages PATTERN ...] [--cpu-slowdown auto|X]

Without SITE_DIR the site is built first (``mkdocs build --strict`` into a temporary folder).
The site is served on 127.0.0.1 with gzip, as GitHub Pages serves it, and Lighthouse 13 (from
npm, pinned, installed on first use into .cache/lighthouse) audits, with the same Chromium as the
browser tests ($CHROME_PATH, else /usr/bin/chromium), every page the build lists in its
``sitemap.xml`` (every page of the navigation: chapters, notebooks, reference), each as a phone
and as a desktop. ``--pages`` keeps only the pages whose path matches one of the shell-style
patterns (``--pages activations 'notebooks/*'``; ``''`` is the home page).
Targets: mobile Performance >= 95, desktop 100, Accessibility, Best Practices and SEO 100.

The theme's floor is audited too: the home page with its article replaced by one heading and
one sentence (made in memory, served at /__theme_floor__.html; the site on disk is not touched).
It keeps everything the theme brings (header, navigation, search, its stylesheets and
JavaScript), so the gap between it and a page is what the page's own content costs, measured in
the same run, on the same machine, under the same load.

**CPU calibration.** Lighthouse slows the CPU 4x for a phone, which turns a high-end desktop
(its ``benchmarkIndex`` 1500-2000) into a mid-tier phone; on a slower host the same 4x emulates
a slower phone than intended, and Lighthouse warns so in its report ("The tested device appears
to have a slower CPU than Lighthouse expects"). By default (``--cpu-slowdown auto``) one audit of
the floor reads the host's ``benchmarkIndex`` first, and the phone audits use the multiplier
that Lighthouse's documentation points to for it (``cpu_slowdown``: 2x at 800, 3x at 1300, 4x
at about 1530). ``--cpu-slowdown 4`` gives Lighthouse's default. The desktop audits keep
Lighthouse's desktop preset (no CPU slowdown).

**The host's first paint.** The table's "paint ms" is when Chromium really painted first in
the median phone run (Lighthouse's observed First Contentful Paint, before its simulation of a
slow phone). On a small virtual machine the first paint sometimes comes a second or two after
the page has loaded (``DOMContentLoaded``) whatever the page: the theme's floor measured 90-99
on one idle machine, and a plain HTML page did not show it in six runs. Lighthouse's
simulation then counts all the page's start-up work before that paint into the largest paint,
about 3.1 s instead of 1.6 s, which costs 7-9 points. A row whose paint is above 1000 ms met
that; rerun it.

This is a benchmark, not a test: it prints figures. Lighthouse simulates a slow phone from
the timings it observes, so a busy machine gives lower Performance scores than an idle one,
and two runs on the same machine can differ by 10 points or more. An audit runs N times and
the run with the median Performance score is printed. With about 30 pages and two form factors
an audit takes 15-30 s, so the default is one run per page (a full pass takes about half an
hour) and three of the floor, split between the start and the end of the pass so that a change
of load during the pass shows as a spread of the floor; rerun the pages that fall short with
``--pages ... --runs 3`` for their median.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE_DIR = ROOT / ".cache" / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
LIGHTHOUSE_VERSION = "13.5.0"
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --no-first-run --disable-quic --disable-sync"
)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
SHORT = {"accessibility": "a11y", "best-practices": "best practices", "seo": "SEO"}
MOBILE_TARGET = 95
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".xml", ".svg")
FLOOR_PATH = "__theme_floor__.html"
ARTICLE = re.compile(r'(<article class="md-content__inner md-typeset">).*?(</article>)', re.S)


def build_site(into: Path) -> Path:
    site = into / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(site)]
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    return site


def theme_floor(home: str) -> str:
    """The home page's HTML with its article emptied to one heading and one sentence.

    The page sits beside the home page (same folder), so its relative links still resolve.
    """
    floor, found = ARTICLE.subn(
        r"\1<h1>Theme floor</h1><p>The theme with an empty article.</p>\2", home, count=1
    )
    if not found:
        raise ValueError(
            'the home page has no <article class="md-content__inner md-typeset">: '
            "not a page built with Material for MkDocs?"
        )
    return floor


def gzip_handler(site: Path) -> type[http.server.SimpleHTTPRequestHandler]:
    """Serve ``site``, gzipping text as GitHub Pages does (Lighthouse counts bytes sent), and
    the theme's floor at /__theme_floor__.html."""
    floor = theme_floor((site / "index.html").read_text(encoding="utf-8")).encode("utf-8")

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(site), **kwargs)

        def send_head(self) -> Any:
            wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
            if self.path.split("?")[0] == f"/{FLOOR_PATH}":
                return self.send_body(floor, "text/html", wants_gzip)
            path = Path(self.translate_path(self.path))
            if path.is_dir():
                path = path / "index.html"
            if not (wants_gzip and path.is_file() and path.suffix in COMPRESSIBLE):
                return super().send_head()
            return self.send_body(path.read_bytes(), self.guess_type(str(path)), wants_gzip)

        def send_body(self, body: bytes, content_type: str, wants_gzip: bool) -> None:
            if wants_gzip:
                body = gzip.compress(body)
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            if wants_gzip:
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return None

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the figures are the output."""

    return Handler


def installed_version() -> str | None:
    package = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "package.json"
    if not (LIGHTHOUSE.is_file() and package.is_file()):
        return None
    return str(json.loads(package.read_text(encoding="utf-8"))["version"])


def npm_install(prefix: Path, packages: list[str]) -> None:
    """Install pinned npm ``packages`` into ``prefix`` (a cache folder, not the project's)."""
    print(f"Installing {' '.join(packages)} into {prefix} ...", flush=True)
    prefix.mkdir(parents=True, exist_ok=True)
    command = ["npm", "install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error"]
    subprocess.run([*command, "--prefix", str(prefix), *packages], check=True)


def ensure_lighthouse() -> Path:
    if installed_version() != LIGHTHOUSE_VERSION:
        npm_install(LIGHTHOUSE_DIR, [f"lighthouse@{LIGHTHOUSE_VERSION}"])
    return LIGHTHOUSE


def site_pages(site: Path) -> list[str]:
    """Every page of the built site as a URL path relative to its root (``""`` for the home
    page, ``"activations/"`` for a chapter), in the order of the ``sitemap.xml`` that MkDocs
    writes with one ``<loc>`` per page."""
    sitemap = site / "sitemap.xml"
    if not sitemap.is_file():
        raise ValueError(f"{sitemap} is missing: not a site built by MkDocs?")
    locs = re.findall(r"<loc>\s*(.*?)\s*</loc>", sitemap.read_text(encoding="utf-8"))
    if not locs:
        raise ValueError(f"{sitemap} lists no page")
    home = min(locs, key=len)  # MkDocs writes site_url before every path: the home page's URL
    strays = [loc for loc in locs if not loc.startswith(home)]
    if strays:
        raise ValueError(f"{sitemap}: {strays[0]} is not under the home page's URL {home}")
    pages = [loc.removeprefix(home) for loc in locs]
    missing = [page for page in pages if not (site / page / "index.html").is_file()]
    if missing:
        raise ValueError(f"{sitemap} lists {missing[0] or '/'}, which has no index.html in {site}")
    return pages


def matching(pages: list[str], patterns: list[str] | None) -> list[str]:
    """The pages whose path (without its trailing slash) matches one of the shell-style
    ``patterns``; all of them without patterns. A pattern that matches no page is an error,
    so a typo does not silently audit nothing."""
    if patterns is None:
        return pages
    unmatched = [p for p in patterns if not any(fnmatch(page.rstrip("/"), p) for page in pages)]
    if unmatched:
        raise ValueError(
            f"--pages {unmatched[0]!r} matches no page; the pages are: "
            + ", ".join(page or "''" for page in pages)
        )
    return [page for page in pages if any(fnmatch(page.rstrip("/"), p) for p in patterns)]


def cpu_slowdown(benchmark_index: float) -> float:
    """The phone audits' CPU multiplier for a host of this ``benchmarkIndex``: the formula of
    the calculator that Lighthouse's docs/throttling.md links to
    (lighthouse-cpu-throttling-calculator.vercel.app), linear between 150 (1x), 800 (2x),
    1300 (3x) and 1533 (4x), and 1x at the least.

    >>> [round(cpu_slowdown(i), 2) for i in (100, 800, 870, 1300, 1533, 2000)]
    [1.0, 2.0, 2.14, 3.0, 4.0, 6.0]
    """
    if benchmark_index >= 1300:
        return 3 + (benchmark_index - 1300) / 233
    if benchmark_index >= 800:
        return 2 + (benchmark_index - 800) / 500
    return max(1.0, 1 + (benchmark_index - 150) / 650)


def audit(
    lighthouse: Path, url: str, form_factor: str, slowdown: float | None = None
) -> dict[str, Any]:
    """One Lighthouse run; ``slowdown`` sets a phone run's CPU multiplier (None: Lighthouse's)."""
    command = [
        str(lighthouse),
        url,
        "--quiet",
        "--output=json",
        "--output-path=stdout",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    elif slowdown is not None:
        command.append(f"--throttling.cpuSlowdownMultiplier={slowdown:.2f}")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def score(report: dict[str, Any], category: str = "performance") -> int:
    return round(100 * (report["categories"][category]["score"] or 0))


def median_report(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """The report with the median Performance score (the upper one of an even count)."""
    return sorted(reports, key=score)[len(reports) // 2]


def below_100(report: dict[str, Any]) -> list[str]:
    """Accessibility, Best Practices and SEO when below 100, each with its failing audits."""
    notes = []
    for category in CATEGORIES[1:]:
        if (value := score(report, category)) == 100:
            continue
        failing = sorted(
            ref["id"]
            for ref in report["categories"][category]["auditRefs"]
            if (result := report["audits"][ref["id"]])["score"] is not None
            and result["score"] < 1
            and ref.get("weight", 0) > 0
        )
        notes.append(f"{SHORT[category]} {value} ({', '.join(failing)})")
    return notes


def metric_ms(report: dict[str, Any], key: str) -> str:
    return f"{report['audits'][key]['numericValue']:.0f}"


def observed_paint_ms(report: dict[str, Any]) -> str:
    """When the host's Chromium painted first, unthrottled (see the module's docstring)."""
    return (
        f"{report['audits']['metrics']['details']['items'][0]['observedFirstContentfulPaint']:.0f}"
    )


HEADER = (
    f"{'page':34}{'mobile':>7}{'desktop':>8}{'vs floor':>9}{'TBT ms':>8}{'LCP ms':>8}"
    f"{'paint ms':>9}{'runs':>6}  other categories below 100"
)


def row(name: str, mobile: list[dict[str, Any]], desktop: list[dict[str, Any]], floor: int) -> str:
    """One line of the table: the median mobile and desktop Performance, the mobile score's gap
    to the floor's, the median mobile run's blocking time, largest paint and observed first
    paint, the range of mobile scores when there were several runs, and any other category
    below 100."""
    phone, computer = median_report(mobile), median_report(desktop)
    scores = sorted(score(r) for r in mobile)
    spread = f"{scores[0]}-{scores[-1]}" if len(scores) > 1 else "1"
    notes = [f"mobile {n}" for n in below_100(phone)] + [
        f"desktop {n}" for n in below_100(computer)
    ]
    line = (
        f"{name:34}{score(phone):>7}{score(computer):>8}{score(phone) - floor:>+9}"
        f"{metric_ms(phone, 'total-blocking-time'):>8}"
        f"{metric_ms(phone, 'largest-contentful-paint'):>8}{observed_paint_ms(phone):>9}{spread:>6}"
    )
    return (line + "  " + "; ".join(notes)).rstrip()


def short_of_target(
    results: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]],
) -> list[str]:
    """The pages whose median falls short of a target: mobile Performance 95, desktop 100,
    the other categories 100."""
    short = []
    for page, (mobile, desktop) in results.items():
        phone, computer = median_report(mobile), median_report(desktop)
        if (
            score(phone) < MOBILE_TARGET
            or score(computer) < 100
            or below_100(phone) + below_100(computer)
        ):
            short.append(page)
    return short


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", type=Path, help="a built site (default: build one)")
    parser.add_argument("--runs", type=int, default=1, help="audits per page and form factor")
    parser.add_argument(
        "--floor-runs", type=int, default=3, help="audits of the theme's floor per form factor"
    )
    parser.add_argument(
        "--pages", nargs="+", metavar="PATTERN", help="only the pages matching these patterns"
    )
    parser.add_argument(
        "--cpu-slowdown",
        default="auto",
        metavar="auto|X",
        help="the phone audits' CPU multiplier: auto (calibrated to this machine, the default) "
        "or a number (4 is Lighthouse's default)",
    )
    args = parser.parse_args()
    if args.cpu_slowdown != "auto":
        try:
            args.cpu_slowdown = float(args.cpu_slowdown)
        except ValueError:
            parser.error(f"--cpu-slowdown must be 'auto' or a number, got {args.cpu_slowdown!r}")
        if not args.cpu_slowdown >= 1:
            parser.error(f"--cpu-slowdown must be at least 1, got {args.cpu_slowdown}")
    for flag in ("runs", "floor_runs"):
        if getattr(args, flag) < 1:
            parser.error(
                f"--{flag.replace('_', '-')} must be at least 1, got {getattr(args, flag)}"
            )
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site if args.site else build_site(Path(tmp))
        try:
            pages = matching(site_pages(site), args.pages)
        except ValueError as error:
            parser.error(str(error))
        lighthouse = ensure_lighthouse()
        load_before = os.getloadavg()[0]
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), gzip_handler(site))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"

        slowdown, index = args.cpu_slowdown, None
        if slowdown == "auto":
            index = audit(lighthouse, base + FLOOR_PATH, "mobile")["environment"]["benchmarkIndex"]
            slowdown = cpu_slowdown(index)

        def audits(path: str, runs: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
            mobile = [audit(lighthouse, base + path, "mobile", slowdown) for _ in range(runs)]
            desktop = [audit(lighthouse, base + path, "desktop") for _ in range(runs)]
            print(f"audited {path or '/'}: mobile {[score(r) for r in mobile]}", file=sys.stderr)
            return mobile, desktop

        # Half the floor's runs before the pages and half after: a change of load shows.
        first = audits(FLOOR_PATH, (args.floor_runs + 1) // 2)
        results = {page: audits(page, args.runs) for page in pages}
        last = audits(FLOOR_PATH, args.floor_runs // 2) if args.floor_runs > 1 else ([], [])
        server.shutdown()
    floor = (first[0] + last[0], first[1] + last[1])
    floor_mobile = score(median_report(floor[0]))
    cores = os.cpu_count()
    print(
        f"Load average (1 min) before and after: {load_before:.1f} / {os.getloadavg()[0]:.1f}"
        f" on {cores} cores; the floor's mobile scores: {sorted(score(r) for r in floor[0])}"
    )
    calibration = f"benchmarkIndex {index:.0f}, calibrated" if index is not None else "as given"
    print(f"Phone CPU slowdown: {slowdown:.2f}x ({calibration}; Lighthouse's default is 4x)")
    print(HEADER)
    print(row("floor (the theme alone)", *floor, floor_mobile))
    for page, (mobile, desktop) in results.items():
        print(row(page or "/", mobile, desktop, floor_mobile))
    short = short_of_target(results)
    print(
        f"Short of a target (mobile {MOBILE_TARGET}, desktop and other categories 100): "
        + (", ".join(page or "/" for page in short) if short else "none")
    )


if __name__ == "__main__":
    main()
