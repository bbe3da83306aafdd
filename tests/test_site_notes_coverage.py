"""Nothing of the workshop notes is dropped: the built site holds every part of them.

The notes (``../shared/seeds/000_c6081e8a86dede96.txt``, beside the clone) are parsed at test
time, and each of these must be found in the built site:

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
import sys
from functools import cache
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT

pytestmark = [pytest.mark.slow]

NOTES = ROOT.parent / "shared" / "seeds" / "000_c6081e8a86dede96.txt"

# The notes' wording -> the site's visibly corrected wording (both normalised).
VISIBLE_FIXES = {"what batch size in training": "what is batch size in training"}

URL = re.compile(r"https?://[^\s)\]>]+")


def notes_text() -> str:
    if not NOTES.is_file():
        pytest.fail(
            f"the workshop notes are missing: expected {NOTES} (the shared/ folder beside the "
            "clone). This test checks the site against them and cannot run without them."
        )
    return NOTES.read_text(encoding="utf8")


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


# --- parsing the notes ---------------------------------------------------------------------


def section_titles(notes: str) -> list[str]:
    """The text of every Markdown heading of the notes."""
    return [m[1] for m in re.finditer(r"^#{1,6}\s+(.+?)\s*$", notes, re.M)]


def qa_items(notes: str) -> list[str]:
    """Every item of the notes' Q&A part: the pointers, the questions and their sub-answers.

    The part runs from the "Important Pointers" heading to the first link list. A list item
    may continue on the next line (indented by one space); nested items are indented by tabs.
    """
    start = notes.index("## Important Pointers")
    end = notes.index("- [Python-Machine-Learning-Book]")
    items: list[str] = []
    for line in notes[start:end].splitlines()[1:]:
        stripped = line.strip()
        if not stripped or set(stripped) <= {"-"}:
            continue
        if stripped.startswith("- "):
            items.append(stripped[2:])
        elif line.startswith(" ") and not line.startswith("  ") and items:
            items[-1] += " " + stripped  # the continuation of the item above
        else:
            items.append(stripped)  # a plain paragraph among the pointers
    return items


def table_row_labels(notes: str) -> list[str]:
    """The first cell of every body row of every Markdown table of the notes."""
    labels = []
    for line in notes.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.lstrip().startswith("|") or len(cells) < 2:
            continue
        if set(cells[0]) <= {"-", ":", " "}:  # the separator row
            continue
        labels.append(cells[0])
    header_labels = {"**aspect**", "framework"}  # first cells of the header rows
    return [label for label in labels if label.lower() not in header_labels]


def links(notes: str) -> list[str]:
    """Every URL of the notes, in Markdown links or bare, in order, without duplicates."""
    return list(dict.fromkeys(URL.findall(notes)))


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


# --- the parser itself, on the real notes ----------------------------------------------------


def test_the_notes_parse_into_the_expected_parts() -> None:
    notes = notes_text()
    titles = [normalise(t) for t in section_titles(notes)]
    assert "popular frameworks for deep learning" in titles
    assert "back propagation" in titles
    questions = [normalise(q) for q in qa_items(notes)]
    assert "how to count the total number of parameters defining a nn" in questions
    assert "for o p layers multiclass classification softmax" in questions
    assert any(q.startswith("loss functions") and "is the actual loss" in q for q in questions)
    labels = [normalise(label) for label in table_row_labels(notes)]
    assert "feature engineering" in labels
    assert "mxnet" in labels
    assert "aspect" not in labels
    assert "framework" not in labels
    urls = links(notes)
    assert "https://keras.io/api/losses/" in urls
    assert "http://neuralnetworksanddeeplearning.com/chap2.html" in urls
    assert all(not url.endswith(")") for url in urls)


def test_a_notes_file_that_is_missing_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "NOTES", Path("/nonexistent/notes.txt"))
    with pytest.raises(pytest.fail.Exception, match="notes are missing"):
        notes_text()


# --- the site against the notes --------------------------------------------------------------


def test_every_section_title_of_the_notes_is_on_the_site(site: Path) -> None:
    texts = {slug: page_text(page) for slug, page in content_pages(site).items()}
    missing = [
        title
        for title in section_titles(notes_text())
        if not any(contains(text, title) for text in texts.values())
    ]
    assert missing == [], f"section titles of the notes found on no page: {missing}"


def test_every_question_of_the_notes_is_on_the_questions_page(site: Path) -> None:
    text = page_text(site / "questions" / "index.html")
    missing = [item for item in qa_items(notes_text()) if not contains(text, item)]
    assert missing == [], f"Q&A items of the notes missing from questions.md: {missing}"


def test_every_table_row_label_of_the_notes_is_in_a_table_of_the_site(site: Path) -> None:
    cells = [
        " " + normalise(cell.get_text(" ")) + " "
        for page in content_pages(site).values()
        for cell in page_soup(page).select("article table td, article table th")
    ]
    missing = [
        label
        for label in table_row_labels(notes_text())
        if not any(contains(cell, label) for cell in cells)
    ]
    assert missing == [], f"table rows of the notes found in no table of the site: {missing}"


def test_every_link_of_the_notes_is_on_the_further_reading_page(site: Path) -> None:
    soup = page_soup(site / "further-reading" / "index.html")
    article = soup.find("article") or soup
    hrefs = {str(a.get("href")) for a in article.find_all("a")}
    text = article.get_text(" ")
    missing = [url for url in links(notes_text()) if url not in hrefs and url not in text]
    assert missing == [], f"links of the notes missing from further-reading.md: {missing}"
