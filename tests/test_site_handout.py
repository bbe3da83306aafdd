"""The handout: every chapter of the core path on one page (hooks/handout.py), and its PDF
(tools/handout_pdf.py), printed with the browser tests' Chromium."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from conftest import load_hook, load_tool
from pypdf import PdfReader
from test_site_browser import find_chromium, skip_or_fail
from test_site_learning_path import learning_path

pytestmark = [pytest.mark.slow]


def handout(site: Path) -> BeautifulSoup:
    return BeautifulSoup((site / "handout" / "index.html").read_text(), "html.parser")


def test_the_handout_holds_every_chapter_in_order(site: Path) -> None:
    sections = handout(site).select("section.handout-chapter")
    assert [section.h1["id"] for section in sections if section.h1] == learning_path()


def test_the_handout_leaves_out_going_further_and_keeps_the_math(site: Path) -> None:
    page = handout(site)
    summaries = [s.get_text(" ").strip().lower() for s in page.select(".handout-chapter summary")]
    assert not any(s.startswith("going further") for s in summaries)
    assert page.select(".handout-chapter img[src*='figures/']"), "no figure in the handout"
    # Nor the chapters' links to the code reference, which the handout does not hold.
    assert not page.select(".handout-chapter .chapter-code")


def test_every_link_within_the_handout_has_its_target(site: Path) -> None:
    page = handout(site)
    for section in page.select("section.handout-chapter"):
        slug = str(section.h1["id"]) if section.h1 else ""
        strays = [e["id"] for e in section.find_all(id=True) if not str(e["id"]).startswith(slug)]
        assert strays == [], f"{slug}: ids without the chapter's prefix"
    ids = {element["id"] for element in page.find_all(id=True)}
    targets = {str(a["href"])[1:] for a in page.select(".md-content a[href^='#']")}
    assert targets - ids == set(), "links within the handout that lead nowhere"


def test_every_formula_of_the_handout_is_typeset(site: Path) -> None:
    formulas = handout(site).select(".handout-chapter .arithmatex")
    assert len(formulas) >= 100
    assert [f for f in formulas if f.find("math") is None] == []


def test_links_between_chapters_become_links_within_the_handout() -> None:
    hook = load_hook("handout")
    html = (
        '<article class="md-content__inner"><h1 id="x">T</h1><p id="a">'
        '<a href="#a">here</a> <a href="../neuron/#b">neuron</a> <a href="../glossary/">g</a>'
        "</p><details><summary>Going further: more</summary>x</details></article>"
    )
    section = str(hook.chapter_section(html, "activations", {"activations", "neuron"}))
    assert 'id="activations"' in section
    assert 'href="#activations--a"' in section
    assert 'href="#neuron--b"' in section
    assert 'href="../glossary/"' in section
    assert "Going further" not in section


def test_a_tab_keeps_its_label_after_the_prefix() -> None:
    """Material's tabs script fails on a page whose labels name ids that are not there."""
    html = (
        '<article class="md-content__inner"><h1 id="t">T</h1><div class="tabbed-set">'
        '<input id="__tabbed_1_1" name="__tabbed_1" type="radio">'
        '<label for="__tabbed_1_1">PyTorch</label></div></article>'
    )
    section = str(load_hook("handout").chapter_section(html, "frameworks", {"frameworks"}))
    assert 'id="frameworks--__tabbed_1_1"' in section
    assert 'for="frameworks--__tabbed_1_1"' in section
    assert 'name="frameworks--__tabbed_1"' in section


def test_a_chapter_is_parsed_again_only_when_its_page_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hook = load_hook("handout")
    monkeypatch.setattr(hook, "CACHE", tmp_path / "cache")
    page = tmp_path / "site" / "neuron" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text('<article class="md-content__inner"><h1 id="n">One</h1></article>')
    parsed: list[str] = []
    chapter_section = hook.chapter_section

    def counted(html: str, slug: str, slugs: set[str]) -> Any:
        parsed.append(slug)
        return chapter_section(html, slug, slugs)

    monkeypatch.setattr(hook, "chapter_section", counted)
    first = hook.cached_section(tmp_path / "site", "neuron", {"neuron"})
    assert hook.cached_section(tmp_path / "site", "neuron", {"neuron"}) == first
    assert parsed == ["neuron"]
    page.write_text('<article class="md-content__inner"><h1 id="n">Two</h1></article>')
    assert "Two" in hook.cached_section(tmp_path / "site", "neuron", {"neuron"})
    assert parsed == ["neuron", "neuron"]
    assert len(list((tmp_path / "cache").iterdir())) == 1  # the old copy is gone


@pytest.mark.browser
def test_the_pdf_has_every_chapter(site: Path) -> None:
    """The build's handout PDF (tests/conftest.py prints it with tools/handout_pdf.py)."""
    if find_chromium() is None:
        skip_or_fail("Chromium not found (looked at $CHROME_PATH, chromium, chromium-browser)")
    reader = PdfReader(site / "handout" / load_tool("handout_pdf").PDF_NAME)
    chapters = handout(site).select("section.handout-chapter h1")
    assert len(reader.pages) > len(chapters), "each chapter starts on a page of its own"
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    missing = [h1.get_text(" ").strip() for h1 in chapters if h1.get_text(" ").strip() not in text]
    assert missing == [], f"chapters missing from the PDF: {missing}"
    outline_titles = {item.title for item in reader.outline if not isinstance(item, list)}
    assert {"Handout"} <= outline_titles, "the PDF has no outline of its headings"
