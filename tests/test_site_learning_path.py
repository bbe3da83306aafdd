"""The chapters form a learning path: each comes after the chapters it needs, and says how long
it takes to read.

Each chapter names its prerequisites in front matter (``requires: [neuron, activations]``, the
file names without ``.md``). The nav's order is the path (hooks/reading_time.py reads the same
nav); the reading times under the titles are computed by that hook at build time.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import DOCS, load_hook, nav_pages

LINK = re.compile(r"\]\((?:\.\./)*([\w-]+)\.md(?:#[\w-]*)?\)")
NOT_CHAPTERS = load_hook("reading_time").NOT_CHAPTERS


def learning_path() -> list[str]:
    """The chapters in nav order, as file names without ``.md``."""
    return [
        page.file.removesuffix(".md")
        for page in nav_pages()
        if page.sections and not NOT_CHAPTERS & set(page.sections)
    ]


def front_matter(chapter: str) -> dict[str, Any]:
    text = (DOCS / f"{chapter}.md").read_text(encoding="utf8")
    if not text.startswith("---\n"):
        return {}
    meta: dict[str, Any] = yaml.safe_load(text[4 : text.index("\n---\n", 4)]) or {}
    return meta


def test_the_path_goes_from_the_unit_up() -> None:
    path = learning_path()
    assert path.index("neuron") < path.index("activations") < path.index("backpropagation")
    assert path.index("backpropagation") < path.index("optimizers") < path.index("tiny-network")
    assert path.index("tiny-network") < path.index("architectures")


def prerequisite_problems(
    chapter: str, path: list[str], requires: list[str], linked: set[str]
) -> list[str]:
    """What is wrong with ``chapter``'s prerequisites on ``path``: each must be a chapter,
    come earlier, and be linked from the chapter (so a reader can go back to it)."""
    problems = []
    for needed in requires:
        if needed not in path:
            problems.append(f"{chapter} requires {needed}, which is not a chapter of the nav")
        elif path.index(needed) > path.index(chapter):
            problems.append(f"{chapter} comes before {needed}, which it requires")
        if needed not in linked:
            problems.append(f"{chapter} requires {needed} but never links to it")
    return problems


@pytest.mark.parametrize("chapter", learning_path())
def test_every_prerequisite_comes_earlier_and_is_linked(chapter: str) -> None:
    meta = front_matter(chapter)
    assert "requires" in meta, f"{chapter}.md has no `requires:` front matter (use [] for none)"
    linked = set(LINK.findall((DOCS / f"{chapter}.md").read_text(encoding="utf8")))
    assert prerequisite_problems(chapter, learning_path(), meta["requires"], linked) == []


def test_prerequisite_problems_are_found() -> None:
    path = ["neuron", "activations"]
    assert prerequisite_problems("activations", path, ["neuron"], {"neuron"}) == []
    assert prerequisite_problems("neuron", path, ["activations"], {"activations"}) == [
        "neuron comes before activations, which it requires"
    ]
    assert prerequisite_problems("activations", path, ["neuron"], set()) == [
        "activations requires neuron but never links to it"
    ]
    assert prerequisite_problems("activations", path, ["tensors"], {"tensors"}) == [
        "activations requires tensors, which is not a chapter of the nav"
    ]


@pytest.mark.slow
def test_every_chapter_shows_its_reading_time(site: Path) -> None:
    missing = []
    for chapter in learning_path():
        soup = BeautifulSoup((site / chapter / "index.html").read_text(), "html.parser")
        title = soup.select_one("article h1")
        line = title.find_next_sibling() if title else None
        if line is None or "reading-time" not in (line.get("class") or []):
            missing.append(chapter)
        elif not re.search(r"About \d+ min to read and run: [\d,]+ words", line.get_text()):
            missing.append(f"{chapter}: {line.get_text()!r}")
    assert missing == []


@pytest.mark.slow
def test_the_home_page_shows_the_days_total(site: Path) -> None:
    text = BeautifulSoup((site / "index.html").read_text(), "html.parser").get_text(" ")
    text = re.sub(r"\s+", " ", text)
    assert re.search(r"about \d+ h \d\d min \([\d,]+ words", text), "no total reading time"
    assert "reading-time:" not in text, "a placeholder was left on the page"


def shown_minutes(site: Path, chapter: str) -> int:
    """The reading time under a built chapter's title."""
    soup = BeautifulSoup((site / chapter / "index.html").read_text(), "html.parser")
    line = soup.select_one(".reading-time")
    assert line is not None, f"{chapter} shows no reading time"
    found = re.search(r"About (\d+) min", line.get_text())
    assert found, line.get_text()
    return int(found[1])


@pytest.mark.slow
def test_the_day_plan_adds_up_the_chapters_and_exercises(site: Path) -> None:
    sessions = front_matter("plan")["sessions"]
    soup = BeautifulSoup((site / "plan" / "index.html").read_text(), "html.parser")
    rows = [
        [cell.get_text(" ").strip() for cell in row.select("td")]
        for row in soup.select("article table")[0].select("tbody tr")
    ]
    session_rows = [row for row in rows if re.match(r"\d+\. ", row[1])]
    assert len(session_rows) == len(sessions) >= 5
    for row, session in zip(session_rows, sessions, strict=True):
        chapters = [uri.removesuffix(".md") for uri in session["chapters"]]
        expected = sum(shown_minutes(site, c) for c in chapters) + session["exercise_minutes"]
        assert int(row[3]) == expected, f"{row[1]}: {row[3]} min shown, {expected} computed"
    covered = [uri.removesuffix(".md") for s in sessions for uri in s["chapters"]]
    assert covered == learning_path(), "the sessions cover the learning path, in its order"


# Terms of classical machine learning that the first two chapters use to compare with deep
# learning: a reader who knows no machine learning gets a definition on hover.
CLASSICAL_TERMS = {
    "why-deep-learning": {"SVM", "MFCCs", "logistic regression", "k-nearest neighbours"},
    "dl-vs-ml": {"logistic regression", "random forest", "gradient boosting", "SHAP values"},
}


@pytest.mark.slow
@pytest.mark.parametrize("chapter", sorted(CLASSICAL_TERMS))
def test_the_first_chapters_define_the_classical_terms_they_use(site: Path, chapter: str) -> None:
    soup = BeautifulSoup((site / chapter / "index.html").read_text(), "html.parser")
    glossed = {abbr.get_text() for abbr in soup.select("article abbr[title]")}
    assert CLASSICAL_TERMS[chapter] - glossed == set()
