"""Print the handout page of a built site to a PDF, with Chromium (the browser tests' one).

    python tools/handout_pdf.py site            # writes site/handout/deep-learning-day-1.pdf
    python tools/handout_pdf.py site -o x.pdf

The page is served from a local address (nothing else is reached), printed in the print media
type once its fonts and figures have loaded, with page numbers in the footer and the headings as
the PDF's outline. ``make handout`` builds the site and runs this. The test suite prints it into
the site it builds and checks (tests/conftest.py), which is the site CI publishes.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PDF_NAME = "deep-learning-day-1.pdf"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
FOOTER = (
    '<div style="font-size:8px;width:100%;text-align:center;color:#666">'
    'Deep Learning, Day 1 - <span class="pageNumber"></span> / <span class="totalPages"></span>'
    "</div>"
)


def chromium_path() -> str | None:
    """The Chromium to print with: $CHROME_PATH, else chromium or chromium-browser on the PATH."""
    candidates = [os.environ.get("CHROME_PATH"), shutil.which("chromium")]
    candidates.append(shutil.which("chromium-browser"))
    return next((c for c in candidates if c and Path(c).is_file()), None)


def find_chromium() -> str:
    chromium = chromium_path()
    if chromium is None:
        raise SystemExit("handout_pdf: Chromium not found (set CHROME_PATH or install chromium)")
    return chromium


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No request log on the terminal."""


@contextmanager
def served(site: Path) -> Iterator[str]:
    """The folder ``site`` served on 127.0.0.1 at a free port."""
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def print_handout(site: Path, output: Path, chromium: str | None = None) -> Path:
    """Print ``site``'s handout page to ``output``; returns ``output``."""
    from playwright.sync_api import sync_playwright

    if not (site / "handout" / "index.html").is_file():
        raise SystemExit(f"handout_pdf: {site}/handout/index.html not found: build the site first")
    with served(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium or find_chromium(), args=CHROMIUM_ARGS
        )
        page = browser.new_page()
        page.goto(base + "handout/", wait_until="load")
        page.emulate_media(media="print", color_scheme="light")
        # Figures load lazily and web fonts on first use: wait for both before printing.
        page.evaluate(
            "async () => { for (const img of document.images) { img.loading = 'eager'; "
            "if (!img.complete) await new Promise((r) => { img.onload = img.onerror = r; }); } "
            "await document.fonts.ready; }"
        )
        output.parent.mkdir(parents=True, exist_ok=True)
        page.pdf(
            path=str(output),
            format="A4",
            margin={"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"},
            display_header_footer=True,
            header_template="<span></span>",
            footer_template=FOOTER,
            outline=True,
            tagged=True,
        )
        browser.close()
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the built site (mkdocs build -d SITE)")
    parser.add_argument("-o", "--output", type=Path, help=f"default: SITE/handout/{PDF_NAME}")
    args = parser.parse_args(argv)
    output = args.output or args.site / "handout" / PDF_NAME
    print(print_handout(args.site, output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
