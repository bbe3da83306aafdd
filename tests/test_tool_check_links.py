"""The outbound-link checker's offline parts: collecting links, the report, argument errors.

`tools/check_links.py` requests every link over the network (`make links`); nothing here
touches the network: the checking function is replaced by a fake where the CLI is exercised.
"""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest
from conftest import load_tool

check_links = load_tool("check_links")

PAGE = """
<html><body>
  <a href="https://arxiv.org/abs/1412.6980">Adam</a>
  <a href="https://arxiv.org/abs/1412.6980#section-2">Adam again, with a fragment</a>
  <a href="http://neuralnetworksanddeeplearning.com/chap2.html">Nielsen</a>
  <a href="../glossary/#epoch">internal, relative</a>
  <a href="#check-yourself">internal anchor</a>
  <a href="mailto:someone@example.org">mail</a>
  <a href="https://dl-day-one.github.io/course/questions/">own host</a>
  <a>no href</a>
  <img src="https://example.org/not-a-link.png" alt="an image is not a link">
  <link rel="canonical" href="https://example.org/not-an-anchor/">
</body></html>
"""


def test_external_links_keeps_only_outbound_http_anchors() -> None:
    links = check_links.external_links(PAGE, own_host="dl-day-one.github.io")
    assert links == {
        "https://arxiv.org/abs/1412.6980",
        "http://neuralnetworksanddeeplearning.com/chap2.html",
    }


def test_own_host_is_external_when_not_named() -> None:
    links = check_links.external_links(PAGE)
    assert "https://dl-day-one.github.io/course/questions/" in links


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://d2l.ai/", True),
        ("http://example.org/a?b=c", True),
        ("//cdn.example.org/x.js", False),  # scheme-relative: not an explicit outbound http link
        ("ftp://example.org/file", False),
        ("index.html", False),
        ("#top", False),
        ("mailto:a@b.c", False),
    ],
)
def test_is_external(url: str, expected: bool) -> None:
    assert check_links.is_external(url) is expected


def test_collect_links_maps_each_url_to_the_pages_that_hold_it(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<a href="https://d2l.ai/">d2l</a>')
    (tmp_path / "a" / "index.html").write_text(
        '<a href="https://d2l.ai/">d2l</a><a href="https://keras.io/api/losses/">keras</a>'
    )
    (tmp_path / "style.css").write_text('a { background: url("https://example.org/x.png") }')
    found = check_links.collect_links(tmp_path)
    assert found == {
        "https://d2l.ai/": [str(Path("a/index.html")), "index.html"],
        "https://keras.io/api/losses/": [str(Path("a/index.html"))],
    }


def test_collect_links_rejects_a_missing_or_empty_site(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"site must be the folder of a built site.*nowhere"):
        check_links.collect_links(tmp_path / "nowhere")
    with pytest.raises(ValueError, match="has none"):
        check_links.collect_links(tmp_path)


def test_result_ok_is_2xx_or_3xx() -> None:
    result = check_links.Result
    assert result("u", 200, "").ok
    assert result("u", 301, "").ok
    assert not result("u", 404, "").ok
    assert not result("u", None, "timeout").ok


def test_main_reports_failures_with_a_nonzero_exit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "index.html").write_text(
        '<a href="https://good.example/">g</a><a href="https://gone.example/">x</a>'
    )
    statuses = {"https://good.example/": 200, "https://gone.example/": 404}
    monkeypatch.setattr(
        check_links, "check", lambda url, timeout: check_links.Result(url, statuses[url], "")
    )
    assert check_links.main([str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "404" in out
    assert "https://gone.example/" in out
    assert "2 links checked, 1 failed" in out

    statuses["https://gone.example/"] = 200
    assert check_links.main([str(tmp_path)]) == 0


def test_main_rejects_bad_arguments(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<p>no links</p>")
    with pytest.raises(SystemExit):
        check_links.main([str(tmp_path), "--timeout", "0"])
    with pytest.raises(SystemExit):
        check_links.main([str(tmp_path), "--workers", "0"])
    with pytest.raises(SystemExit):
        check_links.main([str(tmp_path / "missing")])


def test_check_turns_network_errors_into_a_result() -> None:
    # A URL with an unsupported port never reaches the network: urllib fails locally.
    result = check_links.check("http://localhost:0/", timeout=1.0)
    assert result.status is None
    assert not result.ok
    assert result.detail


def test_doctests_of_the_checker_pass() -> None:
    failures, attempted = doctest.testmod(check_links)
    assert attempted > 0
    assert failures == 0
