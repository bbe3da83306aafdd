"""Lighthouse scores of the built site: Performance, Accessibility, Best Practices, SEO.

Usage: .venv/bin/python tools/lighthouse.py [SITE_DIR] [--runs N]

Without SITE_DIR the site is built first (``mkdocs build --strict`` into a temporary folder).
The site is served on 127.0.0.1 with gzip, as GitHub Pages serves it, and Lighthouse 13 (from
npm, pinned, installed on first use into .cache/lighthouse) audits, with the same Chromium as the
browser tests ($CHROME_PATH, else /usr/bin/chromium), the home page, the page with the most
formulas and, when there is one, a notebook page, each as a phone and as a desktop.
Targets: mobile Performance >= 95, Accessibility, Best Practices and SEO 100.

A fourth page is audited first: the theme's floor, the home page with its article replaced by
one heading and one sentence (made in memory, served at /__theme_floor__.html; the site on disk
is not touched). It keeps everything the theme brings (header, navigation, search, its
stylesheets and JavaScript), so the gap between it and a chapter is what the chapter's own
content costs: a reference point for what the theme alone scores on this machine (runs vary, so
compare medians).

This is a benchmark, not a test: it prints figures. Lighthouse simulates a slow phone from
the timings it observes, so a busy machine gives lower Performance scores than an idle one,
and two runs on the same machine can differ by 10 points or more. Each audit therefore runs
N times (default 3) and the run with the median Performance score is printed, with the range.
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
METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
}
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


def ensure_lighthouse() -> Path:
    if installed_version() != LIGHTHOUSE_VERSION:
        print(f"Installing Lighthouse {LIGHTHOUSE_VERSION} into .cache/lighthouse ...", flush=True)
        LIGHTHOUSE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                "--prefix",
                str(LIGHTHOUSE_DIR),
                f"lighthouse@{LIGHTHOUSE_VERSION}",
            ],
            check=True,
        )
    return LIGHTHOUSE


def pages_to_audit(site: Path) -> dict[str, str]:
    """Name -> path: the theme's floor, the home page, the page with most formulas, a
    notebook page if any."""
    html = {
        p.parent.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
        for p in site.rglob("index.html")
    }
    chosen = {"floor": FLOOR_PATH, "home": ""}
    most_math = max(html, key=lambda page: html[page].count('class="arithmatex"'))
    chosen["math"] = f"{most_math}/"
    notebooks = sorted(page for page, text in html.items() if "jp-OutputArea" in text)
    if notebooks:
        chosen["notebook"] = f"{notebooks[0]}/"
    return chosen


def audit(lighthouse: Path, url: str, form_factor: str) -> dict[str, Any]:
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
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def summary(report: dict[str, Any]) -> str:
    scores = [round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES]
    metrics = [
        f"{short} {report['audits'][key].get('displayValue', '?')}"
        for key, short in METRICS.items()
    ]
    failing = sorted(
        audit["id"]
        for c in CATEGORIES[1:]
        for ref in report["categories"][c]["auditRefs"]
        if (audit := report["audits"][ref["id"]])["score"] is not None
        and audit["score"] < 1
        and ref.get("weight", 0) > 0
    )
    line = "  ".join(f"{score:>4}" for score in scores) + "   " + ", ".join(metrics)
    return line + (f"\n{'':36}failing: {', '.join(failing)}" if failing else "")


def median_run(
    lighthouse: Path, url: str, form_factor: str, runs: int
) -> tuple[dict[str, Any], str]:
    """The report with the median Performance score of ``runs`` audits, and the range."""
    reports = [audit(lighthouse, url, form_factor) for _ in range(runs)]
    reports.sort(key=lambda r: r["categories"]["performance"]["score"] or 0)
    scores = [round(100 * (r["categories"]["performance"]["score"] or 0)) for r in reports]
    return reports[len(reports) // 2], f"perf over {runs} runs: {scores[0]}-{scores[-1]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", type=Path, help="a built site (default: build one)")
    parser.add_argument("--runs", type=int, default=3, help="audits per page and device")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error(f"--runs must be at least 1, got {args.runs}")
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site if args.site else build_site(Path(tmp))
        lighthouse = ensure_lighthouse()
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), gzip_handler(site))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        print(f"{'page':36}{'perf':>4}  {'a11y':>4}  {'b.p.':>4}  {'seo':>4}")
        for name, path in pages_to_audit(site).items():
            for form_factor in ("mobile", "desktop"):
                report, spread = median_run(lighthouse, base + path, form_factor, args.runs)
                label = f"{name} ({path or '/'}) {form_factor}"
                print(f"{label:36}{summary(report)}   ({spread})", flush=True)
        server.shutdown()


if __name__ == "__main__":
    main()
