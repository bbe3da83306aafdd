"""MkDocs hook: every code block is focusable from the build (``tabindex="0"`` on its ``<code>``).

A code block wider than the page scrolls sideways, so a keyboard user must be able to focus it
(WCAG 2.1.1; axe's scrollable-region-focusable). Material sets that attribute on a block it
sees overflow, and removes it from one that does not, when it sets the block up; with
``content.lazy`` (mkdocs.yml) it sets a block up only when the block comes into view, so until
then the attribute written here keeps a block further down the page reachable by keyboard.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

# Pygments' block, as pymdownx.highlight writes it: <pre><span></span><code>.
CODE_BLOCK = re.compile(r"(<pre\b[^>]*>(?:<span></span>)?)<code>")


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """
    >>> on_page_content('<pre><span></span><code>x = 1</code></pre> <code>y</code>', *[None] * 3)
    '<pre><span></span><code tabindex="0">x = 1</code></pre> <code>y</code>'
    """
    return CODE_BLOCK.sub(r'\1<code tabindex="0">', html)
