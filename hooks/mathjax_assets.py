"""MkDocs hook: typeset every formula with MathJax 4 at build time.

MathJax and its font (New Computer Modern, woff2) come from npm (``npm ci`` puts them in
``node_modules/``); nothing is committed and nothing is loaded from a CDN. arithmatex (generic
mode) leaves each formula as TeX in a ``<span class="arithmatex">`` (inline) or
``<div class="arithmatex">`` (display). After each page is rendered, this hook sends those
formulas to MathJax running in Node (``hooks/mathjax_render.cjs``) and puts the CHTML markup
it returns in their place.

Why at build time rather than in the reader's browser: MathJax's browser bundle is 1.2 MB and
typesetting a math-heavy page blocks a phone's main thread for seconds; typeset HTML costs the
reader nothing, cannot race Material's instant navigation, and a TeX error fails the build.
The pages share one stylesheet, ``assets/mathjax/chtml.css`` (listed in ``extra_css``), written
after the last page, next to the web fonts it names.
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
MATHJAX = ROOT / "node_modules" / "mathjax"
FONTS = ROOT / "node_modules" / "@mathjax" / "mathjax-newcm-font" / "chtml" / "woff2"
RENDERER = Path(__file__).with_name("mathjax_render.cjs")
SITE_PREFIX = "assets/mathjax"
FONT_DIR = "woff2"  # relative to the stylesheet, as mathjax_render.cjs sets chtml.fontURL
STYLESHEET = f"{SITE_PREFIX}/chtml.css"

# arithmatex's generic output: the element holds nothing but the (HTML-escaped) TeX.
FORMULA = re.compile(r'<(?P<tag>span|div) class="arithmatex">(?P<tex>.*?)</(?P=tag)>', re.DOTALL)


class MathJaxProcess:
    """One Node process running MathJax for a whole build (starting it costs ~0.5 s)."""

    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None:
            raise PluginError("Node.js is needed to typeset the math: `node` not found on PATH.")
        if not (MATHJAX / "node-main.cjs").is_file():
            raise PluginError(
                f"MathJax is missing from {MATHJAX}. Run `npm ci` (or `make install`)."
            )
        self.process = subprocess.Popen(
            [node, str(RENDERER), str(MATHJAX)],
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
            raise PluginError(
                "MathJax (node hooks/mathjax_render.cjs) stopped; see its error above."
            )
        reply: dict[str, Any] = json.loads(line)
        return reply

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=10)


_mathjax: MathJaxProcess | None = None


def _running() -> MathJaxProcess:
    global _mathjax
    if _mathjax is None:
        _mathjax = MathJaxProcess()
    return _mathjax


def _stop() -> None:
    global _mathjax
    if _mathjax is not None:
        _mathjax.close()
        _mathjax = None


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
    # Without delimiters (a bare \begin{align}...\end{align}), MathJax would display it.
    return tex, True


def on_files(files: Files, config: MkDocsConfig) -> Files:
    fonts = sorted(FONTS.glob("*.woff2"))
    if not fonts:
        raise PluginError(
            f"MathJax's fonts are missing from {FONTS}. Run `npm ci` (or `make install`)."
        )
    for path in fonts:
        src_uri = f"{SITE_PREFIX}/{FONT_DIR}/{path.name}"
        files.append(File.generated(config, src_uri, abs_src_path=str(path)))
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
    typeset = iter(reply["html"])
    return FORMULA.sub(lambda m: f"{opening_tag(m['tag'])}{next(typeset)}</{m['tag']}>", output)


def opening_tag(tag: str) -> str:
    """The element around a typeset formula. A display formula wider than the page scrolls
    sideways, so a keyboard user must be able to focus it (WCAG 2.1.1; axe's
    scrollable-region-focusable): every display formula is focusable, as MathJax's own
    accessibility explorer makes every formula. Set here rather than by a script measuring
    widths in the browser, because pages render off-screen blocks lazily
    (``content-visibility`` in extra.css), so their widths are unknown until scrolled to."""
    focusable = ' tabindex="0"' if tag == "div" else ""
    return f'<{tag} class="arithmatex"{focusable}>'


def on_post_build(config: MkDocsConfig) -> None:
    css = _running().ask({"stylesheet": True})["css"]
    _stop()
    # Show the text at once in a fallback font rather than nothing while a math font loads.
    css = with_font_display_swap(css)
    target = Path(config.site_dir) / STYLESHEET
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(re.sub(r"\n\s*", " ", css).strip() + "\n", encoding="utf-8")


def with_font_display_swap(css: str) -> str:
    """Every ``@font-face`` rule of MathJax's stylesheet with ``font-display: swap``.

    >>> with_font_display_swap('@font-face /* MJX-NCM-N */ { font-family: MJX-NCM-N; }')
    '@font-face /* MJX-NCM-N */ { font-display: swap; font-family: MJX-NCM-N; }'
    """
    return re.sub(r"(@font-face\s*(?:/\*[^*]*\*/\s*)?\{)", r"\1 font-display: swap;", css)


def on_build_error(error: Exception) -> None:
    _stop()
