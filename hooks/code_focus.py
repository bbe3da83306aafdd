"""MkDocs hook: every code block, notebook cell and table is focusable from the build
(``tabindex="0"``).

A block wider than the page scrolls sideways, so a keyboard user must be able to focus it
(WCAG 2.1.1; axe's scrollable-region-focusable). Material sets that attribute on a code block it
sees overflow, and removes it from one that does not, when it sets the block up; with
``content.lazy`` (mkdocs.yml) it sets a block up only when the block comes into view, so until
then the attribute written here keeps a block further down the page reachable by keyboard.
Material does nothing of the kind for Markdown tables and notebook cells (``highlight-ipynb``,
nbconvert's code cells), so those keep the build's attribute. Measuring them in the browser
instead (a ResizeObserver reading each one's width, as a script of ours did) laid out, on every
page load, blocks that ``content-visibility`` had spared, and cost more blocking time on a phone
than a tab stop too many on a table that happens to fit.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

# Pygments' block, as pymdownx.highlight writes it (<pre><span></span><code>), a table without
# attributes (Markdown's, and mkdocstrings' parameter tables on the reference pages; Pygments'
# class="highlighttable" holds a code block, which is matched already) and nbconvert's code
# cell.
SCROLLERS = re.compile(
    r"(<pre\b[^>]*>(?:<span></span>)?<code|<table|<div class=\"highlight-ipynb[^\"]*\")>"
)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """
    >>> on_page_content('<pre><span></span><code>x = 1</code></pre> <code>y</code>', *[None] * 3)
    '<pre><span></span><code tabindex="0">x = 1</code></pre> <code>y</code>'
    >>> on_page_content('<table><tr><td>1</td></tr></table><table class="x">', *[None] * 3)
    '<table tabindex="0"><tr><td>1</td></tr></table><table class="x">'
    >>> on_page_content('<div class="highlight-ipynb hl-python"><pre>x</pre></div>', *[None] * 3)
    '<div class="highlight-ipynb hl-python" tabindex="0"><pre>x</pre></div>'
    """
    return SCROLLERS.sub(r'\1 tabindex="0">', html)
