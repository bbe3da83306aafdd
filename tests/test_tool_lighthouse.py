"""The Lighthouse benchmark's offline parts: the theme's floor page, the gzip server, the choice
of pages and argument errors.

`tools/lighthouse.py` runs Lighthouse (`make lighthouse`) and prints scores; nothing here
runs Lighthouse or a browser.
"""

from __future__ import annotations

import gzip
import http.server
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import load_tool

PAGE = """<!doctype html><html><head><title>{title}</title>
<link rel="stylesheet" href="assets/main.css"></head><body>
<nav class="md-nav">the navigation</nav>
<article class="md-content__inner md-typeset">{article}</article>
<script src="assets/bundle.js"></script></body></html>"""


lighthouse = load_tool("lighthouse")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A three-page site: home, a page with formulas, a notebook page."""
    pages = {
        "": PAGE.format(title="Home", article="<h1>Home</h1><p>Welcome.</p>"),
        "maths": PAGE.format(
            title="Maths", article='<div class="arithmatex">x</div>' * 3 + "<p>sum</p>"
        ),
        "fewer-maths": PAGE.format(title="Less", article='<div class="arithmatex">y</div>'),
        "notebooks/demo": PAGE.format(title="Demo", article='<div class="jp-OutputArea">1</div>'),
    }
    for path, html in pages.items():
        folder = tmp_path / path
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.html").write_text(html, encoding="utf-8")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "main.css").write_text("body { margin: 0 }\n" * 50, encoding="utf-8")
    return tmp_path


@pytest.fixture
def served(site: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lighthouse.gzip_handler(site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def get(url: str, gzipped: bool) -> tuple[bytes, str | None]:
    headers = {"Accept-Encoding": "gzip"} if gzipped else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as response:
        return response.read(), response.headers.get("Content-Encoding")


def test_theme_floor_empties_the_article_and_keeps_the_theme(site: Path) -> None:
    home = (site / "index.html").read_text(encoding="utf-8")
    floor = lighthouse.theme_floor(home)
    assert "Welcome." not in floor
    assert "<h1>Theme floor</h1>" in floor
    kept_outside_article = lighthouse.ARTICLE.sub("", home)
    assert lighthouse.ARTICLE.sub("", floor) == kept_outside_article
    assert 'href="assets/main.css"' in floor
    assert 'src="assets/bundle.js"' in floor


def test_theme_floor_of_a_page_without_materials_article_is_an_error() -> None:
    with pytest.raises(ValueError, match="no <article"):
        lighthouse.theme_floor("<html><body><main>no article here</main></body></html>")


def test_server_gzips_text_and_serves_the_floor_from_memory(site: Path, served: str) -> None:
    body, encoding = get(served + "assets/main.css", gzipped=True)
    assert encoding == "gzip"
    assert gzip.decompress(body) == (site / "assets" / "main.css").read_bytes()

    plain, encoding = get(served + "assets/main.css", gzipped=False)
    assert encoding is None
    assert plain == (site / "assets" / "main.css").read_bytes()

    for gzipped in (True, False):
        body, encoding = get(served + lighthouse.FLOOR_PATH, gzipped)
        html = gzip.decompress(body) if encoding == "gzip" else body
        assert (encoding == "gzip") is gzipped
        assert b"<h1>Theme floor</h1>" in html
        assert b"Welcome." not in html
    assert not (site / lighthouse.FLOOR_PATH).exists()


def test_pages_to_audit_are_the_floor_home_most_math_and_a_notebook(site: Path) -> None:
    assert lighthouse.pages_to_audit(site) == {
        "floor": lighthouse.FLOOR_PATH,
        "home": "",
        "math": "maths/",
        "notebook": "notebooks/demo/",
    }


def test_runs_below_one_is_an_error_naming_the_flag(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["lighthouse.py", "site", "--runs", "0"])
    with pytest.raises(SystemExit) as stopped:
        lighthouse.main()
    assert stopped.value.code == 2
    assert "--runs must be at least 1, got 0" in capsys.readouterr().err
