"""MkDocs hook: let executed fences carry pytest-markdown-docs' ``continuation`` word.

A fence that continues an earlier block's session is marked with the bare word
``continuation`` so that pytest-markdown-docs runs it with the earlier block's state. markdown-exec
does not know that word: it keeps it as an extra option and writes it back onto the fences it
generates, which then render as literal backticks. This hook wraps markdown-exec's validator so
that the word is dropped before markdown-exec sees it. (markdown-exec shares state through
``session="..."``, which every such block also carries.)

It also names the page in markdown-exec's warning about a block that raised: the warning itself
names only the block (``<code block: n28>``), which on a site of thirty pages says little.
"""

from __future__ import annotations

import logging
from typing import Any

import markdown_exec
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

TEST_ONLY_WORDS = ("continuation",)


def validator(
    language: str, inputs: dict[str, str], options: dict[str, Any], attrs: dict[str, Any], md: Any
) -> bool:
    """markdown-exec's validator, minus the words that only pytest-markdown-docs reads."""
    for word in TEST_ONLY_WORDS:
        inputs.pop(word, None)
    return bool(markdown_exec.validator(language, inputs, options, attrs, md))


class NamePage(logging.Filter):
    """Puts the page being rendered in front of markdown-exec's messages about a block."""

    page: str | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        if self.page and "code block" in str(record.msg):
            record.msg = f"{self.page}: {record.msg}"
        return True


NAME_PAGE = NamePage()


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    fences = config.mdx_configs.get("pymdownx.superfences", {}).get("custom_fences", [])
    for fence in fences:
        if fence.get("validator") is markdown_exec.validator:
            fence["validator"] = validator
    # markdown-exec logs through "mkdocs.plugins.markdown_exec.*" once its MkDocs plugin is
    # loaded (as it is by now), "markdown_exec.*" before: the filter goes on each.
    for name in list(logging.root.manager.loggerDict):
        if name.startswith(("markdown_exec", "mkdocs.plugins.markdown_exec")):
            logging.getLogger(name).addFilter(NAME_PAGE)
    return config


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    NAME_PAGE.page = f"docs/{page.file.src_uri}"
    return markdown
