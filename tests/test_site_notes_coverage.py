"""Nothing of the workshop notes is dropped: the built site holds every part of them.

What the notes hold is kept in ``tests/notes_checklist.toml`` (taken once from the notes; its
header says how), so the test needs nothing outside the repository. Each entry must be found
in the built site:

* every section title (Markdown heading), on some page;
* every question and pointer of the Q&A list, in the notes' wording, on the questions page;
* every table row label (first cell), in a table cell of some page;
* every link, on the further-reading page.

Text is compared after normalising case, whitespace, punctuation and Markdown emphasis, so
"**4. Popular Frameworks for Deep Learning**" matches a heading "Popular Frameworks for Deep
Learning". Typos the site corrects visibly are listed in ``VISIBLE_FIXES``.
"""

from __future__ import annotations

import html
import re
import tomllib
from functools import cache
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT

pytestmark = [pytest.mark.slow]

CHECKLIST = ROOT / "tests" / "notes_checklist.toml"
PARTS = ("section_titles", "questions", "table_row_labels", "links")

# The notes' wording -> the site's visibly corrected wording (both normalised).
VISIBLE_FIXES = {"what batch size in training": "what is batch size in training"}


@cache
def checklist() -> dict[str, list[str]]:
    """The four lists of ``notes_checklist.toml``, by name."""
    with CHECKLIST.open("rb") as f:
        data = tomllib.load(f)
    return {part: list(data[part]) for part in PARTS}


def normalise(text: str) -> str:
    """Lower case, HTML entities decoded, arrows and punctuation as spaces, spaces collapsed.

    >>> normalise("**4. Popular Frameworks for Deep Learning**")
    'popular frameworks for deep learning'
    >>> normalise("Deep Learning &rarr; Day-1 &rarr; 08-09-2025")
    'deep learning day 1 08 09 2025'
    """
    text = html.unescape(text).replace("\u2019", "'").lower()
    text = re.sub(r"[^0-9a-z]+", " ", text).strip()
    text = re.sub(r"^\d+ (?=[a-z])", "", text)  # a section number such as "4."
    for wrong, right in VISIBLE_FIXES.items():
        text = text.replace(wrong, right)
    return text


# --- reading the site ----------------------------------------------------------------------


@cache
def page_soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf8"), "html.parser")


def content_pages(site: Path) -> dict[str, Path]:
    """The built chapter pages, by slug (``index`` for home), without the 404 page."""
    pages = {"index": site / "index.html"}
    for page in sorted(site.glob("*/index.html")):
        pages[page.parent.name] = page
    return {slug: page for slug, page in pages.items() if page.is_file()}


def page_text(path: Path) -> str:
    """The normalised text of a page's article (navigation and footer left out)."""
    soup = page_soup(path)
    article = soup.find("article") or soup
    return " " + normalise(article.get_text(" ")) + " "


def contains(haystack: str, needle: str) -> bool:
    return f" {normalise(needle)} " in haystack


# --- the checklist itself ---------------------------------------------------------------------


def test_the_checklist_holds_every_part_of_the_notes() -> None:
    parts = {part: [normalise(item) for item in items] for part, items in checklist().items()}
    assert "popular frameworks for deep learning" in parts["section_titles"]
    assert "back propagation" in parts["section_titles"]
    assert "how to count the total number of parameters defining a nn" in parts["questions"]
    assert any(q.startswith("loss functions") for q in parts["questions"])
    assert "feature engineering" in parts["table_row_labels"]
    assert "mxnet" in parts["table_row_labels"]
    assert "https://keras.io/api/losses/" in checklist()["links"]
    for part, items in parts.items():
        assert all(items), f"{part}: an entry normalises to nothing"
        assert len(set(items)) == len(items), f"{part}: an entry is listed twice"
    assert all(re.fullmatch(r"https?://\S+", url) for url in checklist()["links"])


# --- the site against the notes --------------------------------------------------------------


def test_every_section_title_of_the_notes_is_on_the_site(site: Path) -> None:
    texts = {slug: page_text(page) for slug, page in content_pages(site).items()}
    missing = [
        title
        for title in checklist()["section_titles"]
        if not any(contains(text, title) for text in texts.values())
    ]
    assert missing == [], f"section titles of the notes found on no page: {missing}"


def test_every_question_of_the_notes_is_on_the_questions_page(site: Path) -> None:
    text = page_text(site / "questions" / "index.html")
    missing = [item for item in checklist()["questions"] if not contains(text, item)]
    assert missing == [], f"Q&A items of the notes missing from questions.md: {missing}"


def test_every_table_row_label_of_the_notes_is_in_a_table_of_the_site(site: Path) -> None:
    cells = [
        " " + normalise(cell.get_text(" ")) + " "
        for page in content_pages(site).values()
        for cell in page_soup(page).select("article table td, article table th")
    ]
    missing = [
        label
        for label in checklist()["table_row_labels"]
        if not any(contains(cell, label) for cell in cells)
    ]
    assert missing == [], f"table rows of the notes found in no table of the site: {missing}"


def test_every_link_of_the_notes_is_on_the_further_reading_page(site: Path) -> None:
    soup = page_soup(site / "further-reading" / "index.html")
    article = soup.find("article") or soup
    hrefs = {str(a.get("href")) for a in article.find_all("a")}
    text = article.get_text(" ")
    missing = [url for url in checklist()["links"] if url not in hrefs and url not in text]
    assert missing == [], f"links of the notes missing from further-reading.md: {missing}"
