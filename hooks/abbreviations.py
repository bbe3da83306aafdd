"""MkDocs hook: the glossary's abbreviations (``docs/includes/abbreviations.md``) on every page.

Each ``*[TERM]: definition`` line of that file becomes a hover tooltip wherever TERM appears
in a page's text (Python-Markdown's ``abbr`` extension, shown by Material's
``content.tooltips``). The file is handed to ``abbr`` as its ``glossary`` option rather than
appended to every page's Markdown (pymdownx.snippets' ``auto_append``): appended text is
parsed again for every piece of Markdown converted, and mkdocstrings converts each docstring
of the code reference separately, 660 conversions of 58 extra lines each, which took 15 s of
a 45 s build. A glossary costs one substitution pass per page.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

ABBREVIATIONS = Path(__file__).resolve().parent.parent / "docs" / "includes" / "abbreviations.md"
DEFINITION = re.compile(r"^\*\[(?P<term>[^\]]+)\]:\s*(?P<title>.+?)\s*$")


def read_glossary(path: Path) -> dict[str, str]:
    """TERM -> definition for each ``*[TERM]: definition`` line; any other line is an error."""
    glossary: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        found = DEFINITION.match(line)
        if found is None:
            raise PluginError(f"{path.name}:{number}: expected '*[TERM]: definition', got {line!r}")
        glossary[found["term"]] = found["title"]
    return glossary


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if "abbr" not in config.markdown_extensions:
        raise PluginError("the abbreviations hook needs the 'abbr' Markdown extension")
    config.mdx_configs.setdefault("abbr", {})["glossary"] = read_glossary(ABBREVIATIONS)
    return config
