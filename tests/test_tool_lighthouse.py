"""The Lighthouse benchmark's offline parts: the theme's floor page, the gzip server, the pages
found in the built site, the table it prints, and argument errors.

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
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from conftest import load_tool

PAGE = """<!doctype html><html><head><title>{title}</title>
<link rel="stylesheet" href="assets/main.css"></head><body>
<nav class="md-nav">the navigation</nav>
<article class="md-content__inner md-typeset">{article}</article>
<script src="assets/bundle.js"></script></body></html>"""


lighthouse = load_tool("lighthouse")
SITE_URL = "https://example.org/course/"


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
    locs = "".join(f"<url><loc>{SITE_URL}{path}{'/' if path else ''}</loc></url>" for path in pages)
    (tmp_path / "sitemap.xml").write_text(f"<urlset>{locs}</urlset>", encoding="utf-8")
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


def test_every_page_of_the_sitemap_is_audited_home_first(site: Path) -> None:
    assert lighthouse.site_pages(site) == ["", "maths/", "fewer-maths/", "notebooks/demo/"]


def test_a_site_without_a_sitemap_or_with_a_page_missing_is_an_error(site: Path) -> None:
    (site / "notebooks" / "demo" / "index.html").unlink()
    with pytest.raises(ValueError, match=r"lists notebooks/demo/, which has no index\.html"):
        lighthouse.site_pages(site)
    (site / "sitemap.xml").unlink()
    with pytest.raises(ValueError, match=r"sitemap\.xml is missing"):
        lighthouse.site_pages(site)


def test_pages_filter_keeps_the_matching_pages_and_rejects_a_pattern_matching_none() -> None:
    pages = ["", "maths/", "fewer-maths/", "notebooks/demo/"]
    assert lighthouse.matching(pages, None) == pages
    assert lighthouse.matching(pages, ["notebooks/*", "maths"]) == ["maths/", "notebooks/demo/"]
    assert lighthouse.matching(pages, [""]) == [""]
    with pytest.raises(ValueError, match="--pages 'nope' matches no page; the pages are: '', "):
        lighthouse.matching(pages, ["maths", "nope"])


def fake_report(
    performance: int, accessibility: int = 100, tbt: float = 0.0, paint: float = 180.4
) -> dict[str, Any]:
    """What Lighthouse's JSON holds of what the table reads."""
    failing = {"color-contrast": {"score": 0}} if accessibility < 100 else {}
    categories = {c: {"score": 1.0, "auditRefs": []} for c in lighthouse.CATEGORIES}
    categories["performance"]["score"] = performance / 100
    categories["accessibility"] = {
        "score": accessibility / 100,
        "auditRefs": [{"id": "color-contrast", "weight": 7}, {"id": "unweighted", "weight": 0}],
    }
    return {
        "categories": categories,
        "audits": {
            "total-blocking-time": {"numericValue": tbt},
            "largest-contentful-paint": {"numericValue": 2345.6},
            "metrics": {"details": {"items": [{"observedFirstContentfulPaint": paint}]}},
            "unweighted": {"score": 0},
            "color-contrast": {"score": 1},
            **failing,
        },
    }


def test_a_row_shows_medians_the_gap_to_the_floor_and_categories_below_100() -> None:
    mobile = [
        fake_report(91, tbt=380, paint=1230),
        fake_report(88, tbt=500),
        fake_report(93, tbt=300),
    ]
    desktop = [fake_report(100, accessibility=96)]
    line = lighthouse.row("activations/", mobile, desktop, floor=99)
    cells = line.split()
    # the median of three runs is the run scoring 91; its blocking time and paints are shown
    assert cells[:8] == ["activations/", "91", "100", "-8", "380", "2346", "1230", "88-93"]
    assert line.endswith("desktop a11y 96 (color-contrast)")
    assert len(line.split("  desktop")[0]) == len(lighthouse.HEADER.split("  other")[0])


def test_a_page_at_every_target_has_no_notes_and_is_not_short() -> None:
    good = ([fake_report(97)], [fake_report(100)])
    line = lighthouse.row("/", *good, floor=100)
    assert line.split() == ["/", "97", "100", "-3", "0", "2346", "180", "1"]
    slow = ([fake_report(94)], [fake_report(100)])
    inaccessible = ([fake_report(99, accessibility=98)], [fake_report(100)])
    results = {"": good, "maths/": slow, "notebooks/demo/": inaccessible}
    assert lighthouse.short_of_target(results) == ["maths/", "notebooks/demo/"]


def test_runs_below_one_is_an_error_naming_the_flag(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["lighthouse.py", "site", "--runs", "0"])
    with pytest.raises(SystemExit) as stopped:
        lighthouse.main()
    assert stopped.value.code == 2
    assert "--runs must be at least 1, got 0" in capsys.readouterr().err


def test_a_pages_pattern_matching_nothing_is_an_error_before_any_audit(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["lighthouse.py", str(site), "--pages", "typo"])
    monkeypatch.setattr(lighthouse, "ensure_lighthouse", lambda: pytest.fail("Lighthouse ran"))
    with pytest.raises(SystemExit) as stopped:
        lighthouse.main()
    assert stopped.value.code == 2
    assert "--pages 'typo' matches no page" in capsys.readouterr().err


def test_the_cpu_slowdown_is_the_calculators_at_its_anchor_points() -> None:
    # Lighthouse's throttling calculator: 150 -> 1x, 800 -> 2x, 1300 -> 3x, 1533 -> 4x, 2000 -> 6x
    anchors = {150: 1.0, 800: 2.0, 1300: 3.0, 1533: 4.0, 2000: 6.0}
    assert {i: round(lighthouse.cpu_slowdown(i), 2) for i in anchors} == anchors
    assert lighthouse.cpu_slowdown(20) == 1.0  # a host slower than the phone: no slowdown


def test_the_cpu_slowdown_rises_with_the_host_and_has_no_jump() -> None:
    values = [lighthouse.cpu_slowdown(i) for i in range(0, 2500)]
    assert all(b >= a for a, b in pairwise(values))
    assert max(b - a for a, b in pairwise(values)) < 0.01


def test_a_phone_audit_takes_the_slowdown_and_a_desktop_audit_keeps_its_preset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    commands: list[list[str]] = []

    def run(command: list[str], **kwargs: Any) -> Any:
        commands.append(command)
        return type("Done", (), {"stdout": '{"categories": {}}'})()

    monkeypatch.setattr(lighthouse.subprocess, "run", run)
    lighthouse.audit(Path("lh"), "http://x/", "mobile", 2.137)
    lighthouse.audit(Path("lh"), "http://x/", "mobile")
    lighthouse.audit(Path("lh"), "http://x/", "desktop", 2.137)
    flags = [[arg for arg in c if "throttling" in arg or "preset" in arg] for c in commands]
    assert flags == [["--throttling.cpuSlowdownMultiplier=2.14"], [], ["--preset=desktop"]]


@pytest.mark.parametrize(
    ("value", "message"),
    [("fast", "must be 'auto' or a number, got 'fast'"), ("0.5", "must be at least 1, got 0.5")],
)
def test_a_cpu_slowdown_that_is_no_multiplier_is_an_error_naming_the_flag(
    value: str, message: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["lighthouse.py", "site", "--cpu-slowdown", value])
    with pytest.raises(SystemExit) as stopped:
        lighthouse.main()
    assert stopped.value.code == 2
    assert f"--cpu-slowdown {message}" in capsys.readouterr().err
