"""The built site loads nothing from another host: no CDN scripts, fonts, styles or images.

Plain outbound links in the text (``<a href>``) are fine: the reader chooses to follow them.
Everything the browser fetches by itself must be relative or on the site's own host.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, load_hook

pytestmark = [pytest.mark.slow]

# Attributes through which a browser loads a resource without the reader clicking.
LOADING_ATTRS = {
    "script": ["src"],
    "img": ["src", "srcset"],
    "source": ["src", "srcset"],
    "iframe": ["src"],
    "video": ["src", "poster"],
    "audio": ["src"],
    "embed": ["src"],
    "object": ["data"],
    "input": ["src"],
}
LOADING_LINK_RELS = {
    "stylesheet",
    "icon",
    "preload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
    "modulepreload",
    "manifest",
    "apple-touch-icon",
}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")
JS_REMOTE = re.compile(r"""["'`](?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^"'`\s]*["'`]""", re.I)


def is_external(url: str) -> bool:
    parsed = urlparse(url.strip())
    return bool(parsed.netloc) or parsed.scheme in {"http", "https"}


def external_loads_in_html(html: str | BeautifulSoup) -> list[str]:
    soup = html if isinstance(html, BeautifulSoup) else BeautifulSoup(html, "html.parser")
    found = []
    for tag, attrs in LOADING_ATTRS.items():
        for element in soup.find_all(tag):
            for attr in attrs:
                for url in re.split(r",\s*", str(element.get(attr) or "")):
                    candidate = url.split(" ")[0]
                    if candidate and is_external(candidate):
                        found.append(f"<{tag} {attr}={candidate}>")
    for link in soup.find_all("link"):
        rels = set(link.get("rel") or [])
        href = str(link.get("href") or "")
        if rels & LOADING_LINK_RELS and is_external(href):
            found.append(f"<link rel={' '.join(rels)} href={href}>")
    for style in soup.find_all("style"):
        found += [u for u in css_urls(style.get_text()) if is_external(u)]
    return found


def css_urls(css: str) -> list[str]:
    return [a or b for a, b in CSS_URL.findall(css)]


def html_pages(site: Path) -> list[Path]:
    pages = sorted(site.rglob("*.html"))
    assert pages, f"no HTML in {site}"
    return pages


def test_no_page_loads_anything_from_another_host(built_pages: dict[str, BeautifulSoup]) -> None:
    problems = {
        page: loads for page, soup in built_pages.items() if (loads := external_loads_in_html(soup))
    }
    assert problems == {}


def test_no_stylesheet_imports_from_another_host(site: Path) -> None:
    problems = {
        str(css.relative_to(site)): external
        for css in site.rglob("*.css")
        if (external := [u for u in css_urls(css.read_text(encoding="utf8")) if is_external(u)])
    }
    assert problems == {}


def test_math_is_typeset_at_build_time_with_a_self_hosted_font(site: Path) -> None:
    math = site / "assets" / "math"
    fonts = {path.name for path in math.glob("*.woff2")}
    assert fonts == {"noto-sans-math.woff2"}
    assert (math / "noto-sans-math.woff2").read_bytes()[:4] == b"wOF2"
    css = (math / "temml.css").read_text()
    named = set(re.findall(r'url\("([\w.-]+\.woff2)"\)', css))
    assert named == fonts, "the stylesheet names the font the site serves, and only it"
    assert css.count("font-display: swap") == css.count("@font-face") == 1
    neuron = (site / "neuron" / "index.html").read_text()
    assert neuron.count("<math") >= 10
    assert "assets/math/temml.css" in neuron
    assert "<mjx-" not in neuron, "no MathJax markup is left"


def test_the_math_font_holds_every_character_of_every_formula(site: Path) -> None:
    """The site serves the font cut down to its formulas' characters (hooks/mathml.py): a
    character left out would be drawn in another font."""
    from fontTools.ttLib import TTFont

    served = site / "assets" / "math" / "noto-sans-math.woff2"
    full = load_hook("mathml").FONT / load_hook("mathml").FONT_FILE
    cmap, in_full = (set(TTFont(str(font)).getBestCmap()) for font in (served, full))
    shown: set[str] = set()
    for page in site.rglob("*.html"):
        for formula in re.findall(r"<math\b.*?</math>", page.read_text(encoding="utf8"), re.S):
            shown |= set(html.unescape(re.sub(r"<[^>]*>", "", formula)))
    assert len(shown) > 100
    assert {c for c in shown if ord(c) in in_full - cmap} == set()
    assert served.stat().st_size < full.stat().st_size / 4


def test_no_web_fonts_or_emoji_cdn_configured(site: Path) -> None:
    for page in html_pages(site):
        html = page.read_text(encoding="utf8")
        assert "fonts.googleapis.com" not in html, page
        assert "fonts.gstatic.com" not in html, page
        assert "twemoji" not in html, page


def test_our_own_theme_files_name_no_remote_resource() -> None:
    """Our overrides, scripts and stylesheets (not the minified theme) name no remote URL."""
    ours = [
        *ROOT.joinpath("overrides").rglob("*.html"),
        *ROOT.joinpath("docs").rglob("*.js"),
        *ROOT.joinpath("docs").rglob("*.css"),
    ]
    assert ours, "no override or stylesheet found: is the layout different?"
    for path in ours:
        text = path.read_text(encoding="utf8")
        assert JS_REMOTE.findall(text) == [], path
        assert [u for u in css_urls(text) if is_external(u)] == [], path


@pytest.mark.parametrize(
    ("html", "n_external"),
    [
        ('<script src="https://cdn.example.com/x.js"></script>', 1),
        ('<script src="//cdn.example.com/x.js"></script>', 1),
        ('<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">', 1),
        ('<img src="http://example.com/a.png" alt="a">', 1),
        ('<style>@import "https://example.com/a.css";</style>', 1),
        ('<a href="https://example.com">a plain outbound link</a>', 0),
        ('<script src="../assets/mathjax/tex-chtml.js"></script>', 0),
        ('<link rel="canonical" href="https://example.com/page/">', 0),
    ],
)
def test_detector_tells_loads_from_links(html: str, n_external: int) -> None:
    assert len(external_loads_in_html(html)) == n_external
