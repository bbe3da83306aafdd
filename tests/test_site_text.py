"""The visible text of every built page holds no markup that failed to render.

Two leaks this test was written for: a backslash-quote (an admonition title written as
``"The notes say \\"x\\""``; Python-Markdown keeps the backslash) and a ``$`` that arithmatex did
not take as math (``$a = $ b``: a space before the closing dollar), which the reader sees as raw
TeX. Code blocks and typeset formulas are left out: a dollar or a backslash is at home there.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

pytestmark = [pytest.mark.slow]

# What may legitimately hold a `$` or a `\"`: code, typeset math, and what the reader never sees.
NOT_PROSE = "pre, code, script, style, .arithmatex, math, .highlight"
LEAKS = {
    "a backslash-quote": re.compile(r'\\"'),
    "a dollar sign (math that was not typeset)": re.compile(r"\$"),
}


def visible_text(html: str | BeautifulSoup) -> str:
    """The article's text, without code blocks, inline code and typeset formulas (the tree is
    read, not changed: the site tests share one parse of each page)."""
    soup = html if isinstance(html, BeautifulSoup) else BeautifulSoup(html, "html.parser")
    article = soup.select_one("article") or soup
    hidden = {id(element) for element in article.select(NOT_PROSE)}
    words = [
        str(text)
        for text in article.find_all(string=True)
        if not any(id(parent) in hidden for parent in text.parents)
    ]
    # Titles of admonitions and <summary> elements are in the article's text; so is alt text,
    # which a reader of a screen reader hears.
    alts = " ".join(str(img.get("alt", "")) for img in article.select("img"))
    return " ".join(words) + " " + alts


def leaks_in(text: str) -> list[str]:
    """Each leak found in ``text``, with 40 characters of context either side."""
    found = []
    for what, pattern in LEAKS.items():
        for match in pattern.finditer(text):
            context = " ".join(text[max(match.start() - 40, 0) : match.end() + 40].split())
            found.append(f"{what}: ...{context}...")
    return found


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<article><p class="admonition-title">The notes say \\"x\\"</p></article>', 2),
        ("<article><p>giving $\\infty/\\infty = $ NaN</p></article>", 2),
        ('<article><p>ok</p><pre><code>print(\'$\', "\\"")</code></pre></article>', 0),
        ('<article><p>a <span class="arithmatex">\\(x\\)</span> b</p></article>', 0),
        ("<article><p>cost <code>$HOME</code></p></article>", 0),
    ],
)
def test_the_check_finds_leaks_in_prose_and_not_in_code_or_math(html: str, expected: int) -> None:
    assert len(leaks_in(visible_text(html))) == expected


def test_no_page_shows_a_backslash_quote_or_a_stray_dollar(
    built_pages: dict[str, BeautifulSoup],
) -> None:
    assert len(built_pages) >= 15
    leaks = {
        page: found for page, soup in built_pages.items() if (found := leaks_in(visible_text(soup)))
    }
    assert leaks == {}
