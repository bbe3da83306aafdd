"""Keep the helper imports of the pages' excerpts of ``snippets/`` in step with the modules.

A page shows a section of ``snippets/<module>.py`` in a block that copies and runs alone:

    ```{ .python notest title="snippets/neuron.py" }
    --8<-- "snippets/neuron.py:imports"
    from snippets.neuron import _as_vector

    --8<-- "snippets/neuron.py:numpy_neuron"
    ```

The module's ``imports`` section first, then one import of the names the shown sections use
from the rest of their module (private helpers, constants), then the sections. When a module's
helpers change, the import line must follow: ``python3 tests/excerpt_imports.py`` rewrites it
in every page, ``--check`` only reports the blocks whose line is not what their sections need
(tests/test_site_fences.py runs that check).
"""

from __future__ import annotations

import builtins
import dis
import re
import sys
import types
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(
    r'^(?P<indent>[ \t]*)(?P<open>```\{ \.python notest title="snippets/\w+\.py" \}\n)'
    r"(?P<body>.*?)(?P<close>^(?P=indent)```)",
    re.S | re.M,
)
INCLUDE = re.compile(r'^--8<-- "snippets/(?P<module>\w+)\.py:(?P<section>[\w-]+)"$')
MARKER = re.compile(r"^\s*# --8<-- \[(start|end):[\w-]+\]\s*$")
LINE_LENGTH = 100


def section(module: str, name: str) -> str:
    """The lines of a named section, as pymdownx.snippets includes them (markers dropped)."""
    source = (ROOT / "snippets" / f"{module}.py").read_text(encoding="utf8")
    match = re.search(rf"# --8<-- \[start:{name}\]\n(.*?)# --8<-- \[end:{name}\]", source, re.S)
    if match is None:
        raise ValueError(f"snippets/{module}.py has no section {name!r}")
    return "".join(line for line in match[1].splitlines(True) if not MARKER.match(line))


def unbound_names(code: str) -> set[str]:
    """Global names that ``code`` reads (at the top or in its functions and classes) but
    neither defines nor imports, builtins aside."""
    top = compile(code, "<excerpt>", "exec")
    bound = {
        i.argval for i in dis.get_instructions(top) if i.opname in {"STORE_NAME", "STORE_GLOBAL"}
    }
    unbound: set[str] = set()
    stack = [top]
    while stack:
        code_object = stack.pop()
        instructions = list(dis.get_instructions(code_object))
        own = (
            set()
            if code_object is top
            else {i.argval for i in instructions if i.opname == "STORE_NAME"}
        )
        for instruction in instructions:
            name = instruction.argval
            if (
                instruction.opname in {"LOAD_GLOBAL", "LOAD_NAME"}
                and isinstance(name, str)
                and name not in bound | own
                and not hasattr(builtins, name)
            ):
                unbound.add(name)
        stack.extend(c for c in code_object.co_consts if isinstance(c, types.CodeType))
    return unbound


def _isort_key(name: str) -> tuple[int, str]:
    """ruff's order inside one import: constants, then classes, then the rest."""
    bare = name.lstrip("_")
    return (0 if name.isupper() else 1 if bare[:1].isupper() else 2, name)


def import_line(module: str, names: set[str]) -> str:
    ordered = sorted(names, key=_isort_key)
    line = f"from snippets.{module} import {', '.join(ordered)}"
    if len(line) <= LINE_LENGTH:
        return line
    return f"from snippets.{module} import (\n" + "".join(f"    {n},\n" for n in ordered) + ")"


@dataclass(frozen=True)
class Excerpt:
    page: Path
    line: int  # 1-based line of the opening fence
    body: str  # as written
    expected: str  # as it should be

    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def excerpts(page: Path) -> list[Excerpt]:
    """The page's blocks of includes from ``snippets/``, each with the body it should have."""
    text = page.read_text(encoding="utf8")
    found = []
    for match in FENCE.finditer(text):
        indent = match["indent"]
        lines = [line[len(indent) :] for line in match["body"].splitlines()]
        includes = [m for m in (INCLUDE.match(line.strip()) for line in lines) if m]
        modules = {m["module"] for m in includes}
        if not includes or includes[0]["section"] != "imports" or len(modules) != 1:
            continue
        (module,) = modules
        code = "".join(section(module, m["section"]) for m in includes)
        body = [includes[0][0]]
        names = unbound_names(code)
        if names:
            body += [*import_line(module, names).splitlines(), ""]
        body += [m[0] for m in includes[1:]]
        expected = "".join(f"{indent}{line}\n" if line else "\n" for line in body)
        line = text.count("\n", 0, match.start()) + 1
        found.append(Excerpt(page, line, match["body"], expected))
    return found


def pages() -> list[Path]:
    return sorted((ROOT / "docs").rglob("*.md"))


def rewrite(page: Path) -> bool:
    """Give every excerpt of ``page`` the import line it needs; True if the page changed."""
    text = page.read_text(encoding="utf8")

    def fix(match: re.Match[str]) -> str:
        line = text.count("\n", 0, match.start()) + 1
        for excerpt in excerpts(page):
            if excerpt.line == line:
                return match["indent"] + match["open"] + excerpt.expected + match["close"]
        return match[0]

    new = FENCE.sub(fix, text)
    if new != text:
        page.write_text(new, encoding="utf8")
    return new != text


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        stale = [e for page in pages() for e in excerpts(page) if e.body != e.expected]
        for excerpt in stale:
            print(f"{excerpt.where()}: should read\n{excerpt.expected}")
        return 1 if stale else 0
    if argv:
        print(__doc__)
        return 2
    for page in pages():
        if rewrite(page):
            print(f"rewrote {page.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
