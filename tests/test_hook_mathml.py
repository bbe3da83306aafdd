"""hooks/mathml.py: TeX becomes MathML at build time (Temml in Node), a TeX error fails the
build naming the page, and the site serves the math font its stylesheet names.

These run the hook's functions on small pages; tests/test_site_offline.py and the browser
tests check the built site.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from conftest import load_hook
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

mathml = load_hook("mathml")


@pytest.fixture
def hook() -> Iterator[Any]:
    yield mathml
    mathml.on_post_build(MkDocsConfig())  # stops the Node process


def typeset(hook: Any, html: str, page: str = "notes.md") -> str:
    url = page.removesuffix(".md") + "/"
    result: str = hook.on_post_page(
        html, SimpleNamespace(file=SimpleNamespace(src_uri=page), url=url), None
    )
    return result


def test_formulas_become_mathml_core_that_chromium_draws_as_written(hook: Any) -> None:
    html = (
        '<p>With <span class="arithmatex">\\(\\mathbf{w} \\in \\mathbb{R}^n, a &lt; b\\)</span>'
        ":</p>"
        '<div class="arithmatex">\\[\\frac{1}{1 + e^{-z}}\\]</div>'
    )
    soup = BeautifulSoup(typeset(hook, html), "html.parser")
    inline, display = soup.select(".arithmatex")
    assert inline.name == "span"
    assert not inline.has_attr("tabindex")
    assert display.get("tabindex") == "0", "a display formula can be focused to scroll it"
    assert [child.name for child in inline.find_all(recursive=False)] == ["math"]
    assert [child.name for child in display.find_all(recursive=False)] == ["math"]
    inline_math, display_math = inline.find("math"), display.find("math")
    assert isinstance(inline_math, Tag)
    assert isinstance(display_math, Tag)
    assert display_math.get("display") == "block"
    assert inline_math.get("display") is None
    # Bold and double-struck letters are the Unicode characters themselves, not a mathvariant
    # attribute (which Chromium ignores); no TeX is left in the text.
    text = inline_math.get_text()
    assert "\U0001d430" in text  # MATHEMATICAL BOLD SMALL W
    assert "\u211d" in text  # DOUBLE-STRUCK CAPITAL R
    assert "<" in text
    assert "mathvariant" not in str(soup)
    assert "\\" not in soup.get_text()
    assert display.find("mfrac") is not None


def test_a_page_with_formulas_preloads_the_math_font(hook: Any) -> None:
    html = '<html><head></head><body><span class="arithmatex">\\(x\\)</span></body></html>'
    soup = BeautifulSoup(typeset(hook, html, page="chapters/activations.md"), "html.parser")
    links = soup.select('head link[rel="preload"]')
    assert [(link["href"], link["as"], link.has_attr("crossorigin")) for link in links] == [
        (f"../../{mathml.SITE_PREFIX}/{mathml.SERVED_FONT}", "font", True)
    ]


def test_a_page_without_formulas_is_left_as_it_is(hook: Any) -> None:
    html = "<p>No math, only $5 and a <code>\\(</code>.</p>"
    assert typeset(hook, html) == html


@pytest.mark.parametrize("tex", ["\\frac{1}{", "\\notamacro{x}"])
def test_a_tex_error_fails_the_build_naming_the_page_and_the_formula(hook: Any, tex: str) -> None:
    html = f'<span class="arithmatex">\\({tex}\\)</span>'
    with pytest.raises(PluginError, match=f"TeX error on chapter.md: {re.escape(tex)}"):
        typeset(hook, html, page="chapter.md")
    # The next page gets a fresh renderer.
    assert "<math" in typeset(hook, '<span class="arithmatex">\\(x\\)</span>')


def test_the_math_stylesheet_names_the_font_the_site_serves() -> None:
    """Temml's stylesheet for Noto Sans Math, with its font pointed at the file on_post_build
    serves beside it (tests/test_site_offline.py checks the built site has both)."""
    css = mathml.stylesheet(mathml.TEMML_CSS.read_text(encoding="utf-8"))
    assert re.findall(r'url\("([\w.-]+\.woff2)"\)', css) == [mathml.SERVED_FONT]
    assert "NotoSansMath-Regular.ttf" not in css
    assert 'font-family: "NotoSans Math", math' in css  # Temml's rule that uses the font
    assert (mathml.FONT / mathml.FONT_FILE).read_bytes()[:4] == b"wOF2"


def test_a_temml_stylesheet_that_names_its_font_otherwise_is_an_error() -> None:
    with pytest.raises(PluginError, match="no longer names its font"):
        mathml.stylesheet("@font-face { src: url('Other.woff2'); }")


def test_the_font_cut_keeps_the_characters_asked_for_and_their_math_variants() -> None:
    from fontTools.ttLib import TTFont

    full = mathml.FONT / mathml.FONT_FILE
    cut = mathml.font_subset(full, {"x", "\u2211", "("})
    font = TTFont(io.BytesIO(cut))
    assert {ord("x"), 0x2211, ord("(")} <= set(font.getBestCmap()) < {*range(128), 0x2211}
    assert "MATH" in font  # the sizes of the sum and the parenthesis, for display and stretching
    variants = font["MATH"].table.MathVariants.VertGlyphCoverage.glyphs
    assert any(name.startswith("summation") or "2211" in name for name in variants), variants
    assert len(cut) < full.stat().st_size / 10
