"""MkDocs hook: let executed fences carry pytest-markdown-docs' ``continuation`` word.

A fence that continues an earlier block's session is marked with the bare word
``continuation`` so that pytest-markdown-docs runs it with the earlier block's state. markdown-exec
does not know that word: it keeps it as an extra option and writes it back onto the fences it
generates, which then render as literal backticks. This hook wraps markdown-exec's validator so
that the word is dropped before markdown-exec sees it. (markdown-exec shares state through
``session="..."``, which every such block also carries.)
"""

from __future__ import annotations

from typing import Any

import markdown_exec
from mkdocs.config.defaults import MkDocsConfig

TEST_ONLY_WORDS = ("continuation",)


def validator(
    language: str, inputs: dict[str, str], options: dict[str, Any], attrs: dict[str, Any], md: Any
) -> bool:
    """markdown-exec's validator, minus the words that only pytest-markdown-docs reads."""
    for word in TEST_ONLY_WORDS:
        inputs.pop(word, None)
    return bool(markdown_exec.validator(language, inputs, options, attrs, md))


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    fences = config.mdx_configs.get("pymdownx.superfences", {}).get("custom_fences", [])
    for fence in fences:
        if fence.get("validator") is markdown_exec.validator:
            fence["validator"] = validator
    return config
