"""MkDocs hook: typeset every formula at build time as MathML, with Temml.

arithmatex (generic mode) leaves each formula as TeX in a ``<span class="arithmatex">`` (inline)
or ``<div class="arithmatex">`` (display). After each page is rendered, this hook sends those
formulas to Temml running in Node (``hooks/mathml_render.cjs``) and puts the MathML it returns in
their place. The browser draws MathML itself (MathML Core: Chromium 109+, Firefox, Safari) in
an OpenType MATH font the site serves: Noto Sans Math. Temml, its stylesheet and the font come
from npm (``npm ci`` puts them in ``node_modules/``); nothing is committed and nothing is loaded
from a CDN, pages load no math script, and a TeX error fails the build.

The font is served cut down to the characters of the site's formulas (and the glyphs its MATH
table builds them from: stretchy brackets, radicals, primes), with fontTools: about 30 KB
instead of 270 KB, which a phone otherwise downloads before a chapter's first formulas settle
into their font (Lighthouse counted that as the chapters' largest paint). The cut is kept in
``.cache/math-font/`` under a hash of the characters, the font and fontTools' version.

Why MathML rather than MathJax's CHTML or SVG: a formula is a handful of MathML elements the
browser lays out natively and reads aloud as math, where CHTML drew every glyph as elements of
its own and added hidden MathML for screen readers beside them, which made the math pages
the slowest on a phone; ``benchmarks/math_rendering.py`` measures the ways side by side on one
page. Why Temml rather than MathJax's MathML output: Temml writes MathML Core, which Chromium
draws as written (``\\mathbb{R}`` becomes the double-struck character itself), where Chromium
ignores the ``mathvariant`` attributes MathJax writes (a bold vector became a plain letter).
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from fontTools import subset
from fontTools import version as fonttools_version
from fontTools.ttLib import TTFont
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url
from snippet_deps import write_atomically

ROOT = Path(__file__).resolve().parent.parent
TEMML = ROOT / "node_modules" / "temml"
TEMML_CSS = TEMML / "dist" / "Temml-NotoSans.css"
FONT = ROOT / "node_modules" / "@fontsource" / "noto-sans-math" / "files"
# Despite "latin" in its name, fontsource's file holds the whole font (every math symbol and
# the MATH table); only fontsource's own CSS limits it to Latin, and the site does not use it.
FONT_FILE = "noto-sans-math-latin-400-normal.woff2"
CACHE = ROOT / ".cache" / "math-font"
RENDERER = Path(__file__).with_name("mathml_render.cjs")
SITE_PREFIX = "assets/math"
STYLESHEET = f"{SITE_PREFIX}/temml.css"
SERVED_FONT = "noto-sans-math.woff2"
# Temml's stylesheet for Noto Sans Math names the font as a .ttf file beside it.
FONT_FACE_SRC = re.compile(r"src:\s*url\('NotoSansMath-Regular\.ttf'\);")

_characters: set[str] = set()  # every character of the typeset formulas (a serve keeps adding)
# Characters the browser draws that no formula's text holds: the radical sign of <msqrt> and
# <mroot>, and the mathematical italic a one-letter <mi> is drawn as (MathML Core's
# text-transform: math-auto), Latin (with the Planck constant, italic h's place) and Greek.
DRAWN = {chr(c) for c in [0x221A, *range(0x1D434, 0x1D468), 0x210E, *range(0x1D6E2, 0x1D71C)]}

# arithmatex's generic output: the element holds nothing but the (HTML-escaped) TeX.
FORMULA = re.compile(r'<(?P<tag>span|div) class="arithmatex">(?P<tex>.*?)</(?P=tag)>', re.DOTALL)


class Temml:
    """One Node process running Temml for a whole build."""

    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None:
            raise PluginError("Node.js is needed to typeset the math: `node` not found on PATH.")
        if not (TEMML / "dist" / "temml.cjs").is_file():
            raise PluginError(f"Temml is missing from {TEMML}. Run `npm ci` (or `make install`).")
        self.process = subprocess.Popen(
            [node, str(RENDERER), str(TEMML)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise PluginError("Temml (node hooks/mathml_render.cjs) stopped; see its error above.")
        reply: dict[str, Any] = json.loads(line)
        return reply

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=10)


_temml: Temml | None = None


def _running() -> Temml:
    global _temml
    if _temml is None:
        _temml = Temml()
    return _temml


def _stop() -> None:
    global _temml
    if _temml is not None:
        _temml.close()
        _temml = None


def tex_of(escaped: str) -> tuple[str, bool]:
    """The TeX inside one arithmatex element, without its delimiters, and whether it is
    display math (``\\[...\\]``) rather than inline (``\\(...\\)``).

    >>> tex_of("\\\\(a &lt; b\\\\)")
    ('a < b', False)
    """
    tex = html.unescape(escaped).strip()
    for display, (opening, closing) in ((False, ("\\(", "\\)")), (True, ("\\[", "\\]"))):
        if tex.startswith(opening) and tex.endswith(closing):
            return tex[len(opening) : -len(closing)], display
    # Without delimiters (a bare \begin{align}...\end{align}), display it, as MathJax did.
    return tex, True


def stylesheet(temml_css: str) -> str:
    r"""Temml's stylesheet for Noto Sans Math, pointed at the font the site serves, which is
    shown at once in a fallback font rather than nothing while it loads, and not downloaded
    where the reader's system has it.

    >>> css = stylesheet("@font-face { src: url('NotoSansMath-Regular.ttf'); }")
    >>> print(*css.split("; "), sep="\n")
    @font-face { src: local("Noto Sans Math"), url("noto-sans-math.woff2") format("woff2")
    font-display: swap
    }
    """
    src = f'src: local("Noto Sans Math"), url("{SERVED_FONT}") format("woff2"); font-display: swap;'
    css, found = FONT_FACE_SRC.subn(src, temml_css)
    if found != 1:
        raise PluginError(
            f"{TEMML_CSS} no longer names its font as url('NotoSansMath-Regular.ttf'): "
            "update hooks/mathml.py for this version of Temml."
        )
    return css


def on_files(files: Files, config: MkDocsConfig) -> Files:
    font = FONT / FONT_FILE
    if not (font.is_file() and TEMML_CSS.is_file()):
        raise PluginError(
            f"The math font ({font}) or Temml's stylesheet ({TEMML_CSS}) is missing. "
            "Run `npm ci` (or `make install`)."
        )
    css = stylesheet(TEMML_CSS.read_text(encoding="utf-8"))
    files.append(File.generated(config, STYLESHEET, content=css))
    return files


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    formulas = list(FORMULA.finditer(output))
    if not formulas:
        return output
    request = []
    for m in formulas:
        tex, display = tex_of(m["tex"])
        request.append({"tex": tex, "display": display})
    reply = _running().ask({"math": request})
    if "error" in reply:
        _stop()
        raise PluginError(f"TeX error on {page.file.src_uri}: {reply['error']}")
    for mathml in reply["mathml"]:
        _characters.update(characters(mathml))
    typeset = iter(reply["mathml"])
    output = FORMULA.sub(lambda m: f"{opening_tag(m['tag'])}{next(typeset)}</{m['tag']}>", output)
    return output.replace("</head>", preload(page.url) + "</head>", 1)


def preload(page_url: str) -> str:
    """The link that fetches the math font with the page's stylesheets, on a page with math:
    without it the browser asks for the font only once it lays a formula out, shows the
    formulas in a fallback font meanwhile, and the swap moved the activations page by 0.04
    (layout shift, measured in Chromium; 0 with it).

    >>> preload("activations/").split('"')[:4]
    ['<link rel=', 'preload', ' href=', '../assets/math/noto-sans-math.woff2']
    """
    href = get_relative_url(f"{SITE_PREFIX}/{SERVED_FONT}", page_url)
    return f'<link rel="preload" href="{href}" as="font" type="font/woff2" crossorigin>\n'


def opening_tag(tag: str) -> str:
    """The element around a typeset formula. A display formula wider than the page scrolls
    sideways, so a keyboard user must be able to focus it (WCAG 2.1.1; axe's
    scrollable-region-focusable): every display formula is focusable. Set here rather than by
    a script measuring widths in the browser, because pages render off-screen blocks lazily
    (``content-visibility`` in extra.css), so their widths are unknown until scrolled to."""
    focusable = ' tabindex="0"' if tag == "div" else ""
    return f'<{tag} class="arithmatex"{focusable}>'


def characters(mathml: str) -> set[str]:
    """The characters a formula shows (its spaces too, which the math font also draws).

    >>> sorted(characters("<math><mi>&#x211D;</mi><mo>&lt;</mo><mspace/><mn>2</mn></math>"))
    ['2', '<', '\u211d']
    """
    return set(html.unescape(re.sub(r"<[^>]*>", "", mathml)))


def font_subset(font: Path, keep: set[str]) -> bytes:
    """``font`` (WOFF2) cut down to the characters ``keep``, with its layout features and its
    MATH table (fontTools keeps the glyphs that table builds the kept characters from)."""
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    cut = TTFont(str(font))
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(map(ord, keep)))
    subsetter.subset(cut)
    buffer = io.BytesIO()
    cut.save(buffer)
    return buffer.getvalue()


def on_post_build(config: MkDocsConfig) -> None:
    _stop()
    font = FONT / FONT_FILE
    keep = "".join(sorted(_characters | DRAWN))
    digest = hashlib.sha256(f"{keep}\0{fonttools_version}".encode() + font.read_bytes())
    kept = CACHE / f"{digest.hexdigest()[:20]}.woff2"
    if not kept.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        for old in CACHE.glob("*.woff2"):
            old.unlink(missing_ok=True)
        write_atomically(kept, font_subset(font, set(keep)))
    served = Path(config.site_dir) / SITE_PREFIX / SERVED_FONT
    served.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(kept, served)


def on_build_error(error: Exception) -> None:
    _stop()
