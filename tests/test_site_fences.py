"""Every Python code block on the site runs in the tests, or says why it does not.

pytest-markdown-docs runs the top-level ``python`` fences of docs/**/*.md, but silently skips
fences nested in admonitions, details and content tabs. This guard finds every Python fence,
nested or not, and accepts it only if it is

* collected by pytest-markdown-docs (so it runs as a test), or
* executed at build time by markdown-exec (``exec="on"``; the strict-build test then fails on
  any error), or
* marked ``notest`` and either only includes named sections of ``snippets/<module>.py``
  (which ``tests/test_<module>.py`` tests), with at most ``from snippets.<module> import``
  lines between them, or gives a ``reason="..."``.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import excerpt_imports
import pytest
from conftest import DOCS, ROOT
from markdown_it import MarkdownIt
from pytest_markdown_docs.plugin import FenceSyntax, extract_fence_tests

FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\n]*)$")
PY_LANGS = {"py", "python", "python3", "pycon"}
INCLUDE_LINE = re.compile(r'^--8<-- "snippets/(?P<module>\w+)\.py:(?P<section>[\w-]+)"$')


@dataclass(frozen=True)
class Fence:
    path: Path
    line: int  # 1-based line of the opening fence
    indent: str
    info: str
    body: list[str]

    @property
    def lang(self) -> str:
        info = self.info.strip().strip("{}").split()
        return info[0].lstrip(".") if info else ""

    @property
    def words(self) -> set[str]:
        return set(self.info.strip().strip("{}").split())

    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def find_fences(path: Path) -> list[Fence]:
    """All fenced code blocks of a Markdown file, at any indentation."""
    fences: list[Fence] = []
    lines = path.read_text(encoding="utf8").splitlines()
    i = 0
    while i < len(lines):
        opening = FENCE_OPEN.match(lines[i])
        if not opening:
            i += 1
            continue
        indent, marker = opening["indent"], opening["fence"]
        body: list[str] = []
        j = i + 1
        closing = re.compile(rf"^{re.escape(indent)}{re.escape(marker)}\s*$")
        while j < len(lines) and not closing.match(lines[j]):
            body.append(lines[j][len(indent) :])
            j += 1
        fences.append(Fence(path, i + 1, indent, opening["info"], body))
        i = j + 1
    return fences


def collected_lines(path: Path) -> set[int]:
    """Opening-fence lines (1-based) that pytest-markdown-docs turns into tests."""
    parser = MarkdownIt(config="commonmark")
    tests = extract_fence_tests(
        parser, path.read_text(encoding="utf8"), 0, path, fence_syntax=FenceSyntax.superfences
    )
    return {test.start_line for test in tests}  # start_line is the fence's own 1-based line


def python_fences() -> list[Fence]:
    return [
        fence
        for path in sorted(DOCS.rglob("*.md"))
        for fence in find_fences(path)
        if fence.lang in PY_LANGS
    ]


def imports_from_snippets(code: str) -> bool:
    """Whether ``code`` is nothing but ``from snippets.<module> import ...`` statements: the
    helpers an included section uses from the rest of its module, so that the copy runs."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return False
    return all(
        isinstance(node, ast.ImportFrom) and (node.module or "").startswith("snippets.")
        for node in tree.body
    )


def verdict(fence: Fence, collected: set[int]) -> str | None:
    """None when the fence is run or excused; otherwise what is wrong with it."""
    if "notest" in fence.words:
        lines = [line.strip() for line in fence.body if line.strip()]
        includes = [INCLUDE_LINE.match(line) for line in lines]
        others = [line for line, match in zip(lines, includes, strict=True) if not match]
        if any(includes) and imports_from_snippets("\n".join(others)):
            includes = [match for match in includes if match]
            for match in includes:
                assert match is not None
                module = match["module"]
                if not (ROOT / "tests" / f"test_{module}.py").is_file():
                    return f"includes snippets/{module}.py, which has no tests/test_{module}.py"
            return None
        if re.search(r'reason="[^"]{10,}"', fence.info):
            return None
        return 'is marked notest without a reason="..." (or is not only snippet includes)'
    if re.search(r'\bexec="(on|true|yes|1)"', fence.info):
        return None
    if fence.line in collected:
        return None
    return "is neither collected by pytest-markdown-docs (nested?) nor exec'd nor notest"


def test_docs_have_python_fences() -> None:
    fences = python_fences()
    assert len(fences) >= 5, "the guard found almost no fences: is its pattern broken?"


def test_every_python_fence_runs_or_says_why_not() -> None:
    problems = []
    by_file: dict[Path, set[int]] = {}
    for fence in python_fences():
        if fence.path not in by_file:
            by_file[fence.path] = collected_lines(fence.path)
        problem = verdict(fence, by_file[fence.path])
        if problem:
            problems.append(f"{fence.where()} {problem}")
    assert problems == []


def _write(tmp_path: Path, text: str) -> Path:
    page = tmp_path / "page.md"
    page.write_text(text)
    return page


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("```python\nprint(1)\n```\n", True),
        ("!!! note\n    ```python\n    print(1)\n    ```\n", False),
        ('!!! note\n    ```python exec="on"\n    print(1)\n    ```\n', True),
        ('=== "Keras"\n    ```{ .python notest }\n    import keras\n    ```\n', False),
        (
            '=== "Keras"\n    ```{ .python notest reason="Keras is not installed here" }\n'
            "    import keras\n    ```\n",
            True,
        ),
        ('```{ .python notest }\n--8<-- "snippets/neuron.py:numpy_neuron"\n```\n', True),
        ('```{ .python notest }\n--8<-- "snippets/nonexistent.py:x"\n```\n', False),
        (
            '```{ .python notest }\n--8<-- "snippets/neuron.py:imports"\n'
            "from snippets.neuron import _activation\n"
            '--8<-- "snippets/neuron.py:numpy_neuron"\n```\n',
            True,
        ),
        ('```{ .python notest }\n--8<-- "snippets/neuron.py:numpy_neuron"\nprint(1)\n```\n', False),
    ],
)
def test_guard_tells_run_from_unrun(tmp_path: Path, text: str, ok: bool) -> None:
    page = _write(tmp_path, text)
    (fence,) = [f for f in find_fences(page) if f.lang in PY_LANGS]
    assert (verdict(fence, collected_lines(page)) is None) is ok


def test_excerpts_import_what_their_sections_use() -> None:
    found = [e for page in excerpt_imports.pages() for e in excerpt_imports.excerpts(page)]
    assert len(found) >= 50, "the excerpt check found almost no excerpts: is its pattern broken?"
    stale = [f"{e.where()} should read:\n{e.expected}" for e in found if e.body != e.expected]
    assert stale == [], "run `python3 tests/excerpt_imports.py` to update:\n" + "\n".join(stale)


def test_excerpt_check_finds_a_stale_import(tmp_path: Path) -> None:
    page = _write(
        tmp_path,
        '```{ .python notest title="snippets/neuron.py" }\n'
        '--8<-- "snippets/neuron.py:imports"\n'
        "from snippets.neuron import _no_such_helper\n\n"
        '--8<-- "snippets/neuron.py:numpy_neuron"\n```\n',
    )
    (excerpt,) = excerpt_imports.excerpts(page)
    assert excerpt.body != excerpt.expected
    assert "_no_such_helper" not in excerpt.expected
    assert excerpt.expected.startswith('--8<-- "snippets/neuron.py:imports"\n')
    assert excerpt_imports.rewrite(page)
    assert page.read_text().count("_no_such_helper") == 0
