"""MkDocs hook: markdown-exec's Python fences, with their output cached, their page named in
errors and pytest-markdown-docs' ``continuation`` word dropped.

**Cache.** The fences that train models are most of a warm build. This hook registers its own
``run`` for Python through markdown-exec's public extension points (``formatters`` and
``base_format``, as markdown-exec's own formatters are written), which keeps each fence's printed
output in ``.cache/fences/<page>/<n>.json`` under a key that hashes the fence's code and that of
the fences before it in its ``session``, every ``snippets`` module those import (directly or
not; hooks/snippet_deps.py), every file of the repository the code names in a string, the
installed distributions' versions, Python's and ``$SNIPPETS_DEVICE``. A fence whose key matches
is not run; a fence of the same session that misses first replays, silently, the code of the
cached fences before it, so it sees the state it would have seen. A fence that raises is never
cached, and a clean checkout (CI) runs every fence.

**Errors.** markdown-exec's warning about a block that raised names only the block
(``<code block: n28>``); the page is put in front of it.

**continuation.** A fence that continues an earlier block's session is marked with the bare word
``continuation`` so that pytest-markdown-docs runs it with the earlier block's state.
markdown-exec would keep it as an extra option and write it back onto the fences it generates,
which then render as literal backticks; the validator drops it first.
"""

from __future__ import annotations

import ast
import hashlib
import json
import linecache
import logging
import os
import re
import sys
import traceback
from functools import cache
from importlib.metadata import distributions
from io import StringIO
from pathlib import Path
from types import ModuleType
from typing import Any

import markdown_exec
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from snippet_deps import snippet_modules, sources_key, write_atomically

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "fences"
TEST_ONLY_WORDS = ("continuation",)
INSTALLED = {f"{d.metadata['Name']}=={d.version}" for d in distributions()}
DEVICE = os.getenv("SNIPPETS_DEVICE", "")
ENVIRONMENT = "\n".join([*sorted(INSTALLED), sys.version, DEVICE]).encode()

_globals: dict[str, dict[str, Any]] = {}  # session -> the globals its fences share
_history: dict[str, list[str]] = {}  # session -> the code of its fences so far
_not_run: dict[str, list[str]] = {}  # session -> code of cached fences not run yet


class Fence:
    """Where the fence being run is: its page and its number on the page."""

    page = ""
    n = 0


_fence = Fence()


def validator(
    language: str, inputs: dict[str, str], options: dict[str, Any], attrs: dict[str, Any], md: Any
) -> bool:
    """markdown-exec's validator, minus the words that only pytest-markdown-docs reads."""
    for word in TEST_ONLY_WORDS:
        inputs.pop(word, None)
    return bool(markdown_exec.validator(language, inputs, options, attrs, md))


@cache
def named_files(code: str) -> frozenset[Path]:
    """The repository's files that ``code`` names in a string literal.

    >>> [p.name for p in named_files('open("CITATION.cff")\\nx = "not a file"')]
    ['CITATION.cff']
    """
    strings = {n.value for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Constant)}
    return frozenset(ROOT / s for s in strings if isinstance(s, str) and s
                     and "\n" not in s and len(s) < 200 and (ROOT / s).is_file())  # fmt: skip


def fence_key(codes: list[str]) -> str:
    """The key of the last of ``codes``, a session's fences in order (or one fence alone)."""
    head = hashlib.sha256(ENVIRONMENT)
    for code in codes:
        head.update(code.encode() + b"\0")
    files = set().union(*map(named_files, codes))
    for path in sorted(files):
        head.update(path.read_bytes())
    return sources_key(head.digest(), set().union(*map(cached_snippet_modules, codes)))


cached_snippet_modules = cache(snippet_modules)


def execute(code: str, session: str, **extra: Any) -> str:
    """Run ``code`` as markdown-exec does: in the session's globals, ``print`` captured."""
    name = f"<code block: {_fence.page} n{_fence.n}>"
    linecache.cache[name] = (len(code), None, code.splitlines(keepends=True), name)
    namespace = _globals.setdefault(session, {}) if session else {}
    namespace["__name__"] = module = re.sub(r"\W+", "_", name)
    sys.modules[module] = ModuleType(module)  # some libraries (dataclasses) look it up
    buffer = StringIO()
    namespace["print"] = lambda *texts, end="\n", **_: buffer.write(" ".join(map(str, texts)) + end)
    try:
        exec(compile(code, name, "exec"), namespace)
    except Exception as error:
        trace = traceback.TracebackException.from_exception(error)
        del trace.stack[0]  # this function's own frame
        block = markdown_exec.code_block("python", "".join(trace.format()), **extra)
        raise markdown_exec.ExecutionError(block) from error
    return buffer.getvalue()


def format_python(**options: Any) -> str:
    """markdown-exec's formatter for Python, with ``run`` below (markdown-exec's own
    formatters are ``base_format`` with their language's ``run``)."""
    return str(markdown_exec.base_format(language="python", run=run, **options))


def run(code: str, returncode: int = 0, session: str = "", id: str = "", **extra: Any) -> str:
    """markdown-exec's ``run`` for Python fences, with the cache described above."""
    _fence.n += 1
    history = _history.setdefault(session, []) if session else []
    history.append(code)
    key = fence_key(history)
    slot = CACHE / _fence.page / f"{_fence.n}.json"
    cached = json.loads(slot.read_text(encoding="utf8")) if slot.is_file() else {}
    if cached.get("key") == key:
        if session:
            _not_run.setdefault(session, []).append(code)
        return str(cached["output"])
    for earlier in _not_run.pop(session, []) if session else []:
        execute(earlier, session)
    output = execute(code, session, **extra)
    slot.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(slot, json.dumps({"key": key, "output": output}).encode())
    return output


class NamePage(logging.Filter):
    """Puts the page being rendered in front of markdown-exec's messages about a block."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _fence.page and "code block" in str(record.msg):
            record.msg = f"docs/{_fence.page}: {record.msg}"
        return True


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    fences = config.mdx_configs.get("pymdownx.superfences", {}).get("custom_fences", [])
    for fence in fences:
        if fence.get("validator") is markdown_exec.validator:
            fence["validator"] = validator
    for language in ("python", "py"):
        markdown_exec.formatters[language] = format_python
    for store in (_globals, _history, _not_run):  # a `mkdocs serve` rebuild starts afresh
        store.clear()
    named_files.cache_clear()
    cached_snippet_modules.cache_clear()
    # markdown-exec logs through "mkdocs.plugins.markdown_exec.*" once its MkDocs plugin is
    # loaded (as it is by now), "markdown_exec.*" before: the filter goes on each.
    for name in list(logging.root.manager.loggerDict):
        if name.startswith(("markdown_exec", "mkdocs.plugins.markdown_exec")):
            logging.getLogger(name).addFilter(NamePage())
    return config


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    _fence.page, _fence.n = page.file.src_uri, 0
    return markdown
