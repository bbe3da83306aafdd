"""MkDocs hook: typeset every formula at build time as MathML, with Temml.

arithmatex (generic mode) leaves each formula as TeX in a ``<span class="arithmatex">`` (inline)
or ``<div class="arithmatex">`` (display). After each page is rendered, this hook sends those
formulas to Temml running in Node (``hooks/mathml_render.cjs``) and puts the MathML it returns in
their place. The browser draws MathML itself (MathML Core: Chromium 109+, Firefox, Safari) in
an OpenType MATH font the site serves: Noto Sans Math. Temml, its stylesheet and the font come
from npm (``npm ci`` puts them in ``node_modules/``); nothing is committed and nothing is loaded
from a CDN, pages load no math script, and a TeX error fails the build.

Why MathML rather than MathJax's CHTML or SVG: a formula is a handful of MathML elements the
browser lays out natively and reads aloud as math, where CHTML drew every glyph as elements of
its own and added hidden MathML for screen readers beside them, which made the math pages
the slowest on a phone; ``benchmarks/math_rendering.py`` measures the ways side by side on one
page. Why Temml rather than MathJax's MathML output: Temml writes MathML Core, which Chromium
draws as written (``\\mathbb{R}`` becomes the double-struck character itself), where Chromium
ignores the ``mathvariant`` attributes MathJax writes (a bold vector became a plain letter).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parent.parent
TEMML = ROOT / "node_modules" / "temml"
TEMML_CSS = TEMML / "dist" / "Temml-NotoSans.css"
FONT = ROOT / "node_modules" / "@fontsource" / "noto-sans-math" / "files"
# Despite "latin" in its name, fontsource's file holds the whole font (every math symbol and
# the MATH table); only fontsource's own CSS limits it to Latin, and the site does not use it.
FONT_FILE = "noto-sans-math-latin-400-normal.woff2"
RENDERER = Path(__file__).with_name("mathml_render.cjs")
SITE_PREFIX = "assets/math"
STYLESHEET = f"{SITE_PREFIX}/temml.css"
SERVED_FONT = "noto-sans-math.woff2"
# Temml's stylesheet for Noto Sans Math names the font as a .ttf file beside it.
FONT_FACE_SRC = re.compile(r"src:\s*url\('NotoSansMath-Regular\.ttf'\);")

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
    files.append(File.generated(config, f"{SITE_PREFIX}/{SERVED_FONT}", abs_src_path=str(font)))
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
    typeset = iter(reply["mathml"])
    return FORMULA.sub(lambda m: f"{opening_tag(m['tag'])}{next(typeset)}</{m['tag']}>", output)


def opening_tag(tag: str) -> str:
    """The element around a typeset formula. A display formula wider than the page scrolls
    sideways, so a keyboard user must be able to focus it (WCAG 2.1.1; axe's
    scrollable-region-focusable): every display formula is focusable. Set here rather than by
    a script measuring widths in the browser, because pages render off-screen blocks lazily
    (``content-visibility`` in extra.css), so their widths are unknown until scrolled to."""
    focusable = ' tabindex="0"' if tag == "div" else ""
    return f'<{tag} class="arithmatex"{focusable}>'


def on_post_build(config: MkDocsConfig) -> None:
    _stop()


def on_build_error(error: Exception) -> None:
    _stop()
