"""What a cached build product depends on in ``snippets/``, a key that hashes it, how a
product is written into a cache (``write_atomically``) and how the processes that make one
in the background give way to the build (``in_background``).

Not a hook itself: the hooks that cache what they make import it (MkDocs puts a hook's
folder on ``sys.path`` while loading it), and so does hooks/draw_figures.py. An executed
notebook, a drawn figure or an executed fence stays valid while the source that made it and
every ``snippets`` module that source imports, directly or through other snippets, are
unchanged; editing a module it does not import leaves it valid.
Imports are read from the syntax tree, so an import that only type checkers see
(``if TYPE_CHECKING:``) is not a dependency. One inside a function is, unless the caller
asks for the modules that an import runs (``in_functions=False``) and checks what a call
imports itself, as hooks/draw_figures.py does (there the figures' own functions are called,
so their imports count: ``called``).
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import os
import secrets
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

SNIPPETS = Path(__file__).resolve().parent.parent / "snippets"
TYPE_CHECKING = {"TYPE_CHECKING", "typing.TYPE_CHECKING"}


def _runtime_imports(
    nodes: Iterable[ast.AST], in_functions: bool
) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in nodes:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If) and ast.unparse(node.test) in TYPE_CHECKING:
            yield from _runtime_imports(node.orelse, in_functions)
        elif in_functions or not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from _runtime_imports(ast.iter_child_nodes(node), in_functions)


@cache
def imported_names(source: str, in_functions: bool = True) -> set[str]:
    """The names under ``snippets`` that ``source`` itself imports (modules or not); with
    ``in_functions=False``, only those its import runs (none inside a function's body).

    Example:
        >>> sorted(imported_names("from snippets import losses as l, neuron\\n"
        ...                       "import snippets.device\\nfrom snippets.backprop import train"))
        ['backprop', 'device', 'losses', 'neuron']
    """
    names: set[str] = set()
    for node in _runtime_imports([ast.parse(source)], in_functions):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[1] for a in node.names if a.name.startswith("snippets.")}
            continue
        module = node.module or ""
        if node.level:  # relative: only a module of snippets itself imports so
            module = f"snippets.{module}".rstrip(".")
        if module == "snippets":
            names |= {alias.name for alias in node.names}
        elif module.startswith("snippets."):
            names.add(module.split(".")[1])
    return names


def snippet_modules(
    source: str, in_functions: bool = True, called: frozenset[str] = frozenset()
) -> set[str]:
    """The ``snippets`` modules that ``source`` imports, directly or through other snippets
    (``__init__`` always: every import of the package runs it). With ``in_functions=False``,
    only those that importing ``source`` runs; a function may import more when it is called,
    except in the modules named in ``called``, whose functions' imports count too (a caller
    that runs those functions, as drawing every figure of ``figures`` does)."""
    found: set[str] = {"__init__"}
    pending = [(source, in_functions)]
    while pending:
        text, inside = pending.pop()
        for name in imported_names(text, inside):
            path = SNIPPETS / f"{name}.py"
            if name not in found and path.is_file():
                found.add(name)
                pending.append((path.read_text(encoding="utf8"), in_functions or name in called))
    return found


def drawn_modules(program: str) -> set[str]:
    """The ``snippets`` modules that drawing every figure runs, for ``program`` (the source of
    hooks/draw_figures.py): what its imports run, and what each figure of ``figures`` imports
    in its body. The figures hook keys the figures on these, and the drawing program checks
    that a figure imports nothing else."""
    return snippet_modules(program, in_functions=False, called=frozenset({"figures"}))


def sources_key(head: bytes, modules: Iterable[str]) -> str:
    """A short hash of ``head`` and of the source of each ``snippets`` module in ``modules``."""
    digest = hashlib.sha256(head)
    for name in sorted(modules):
        digest.update(name.encode() + b"\0" + (SNIPPETS / f"{name}.py").read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` under a name no other writer uses, then rename it: a reader
    never sees half a file, and two builds (or two threads) that make the same product at once
    never write into one file (a fixed ``{path}.partial`` would be shared, and one writer would
    rename the other's half-written file into place)."""
    partial = path.with_name(f"{path.name}.{os.getpid()}-{secrets.token_hex(4)}.partial")
    try:
        with open(partial, "xb") as out:  # "x": fails rather than share a file
            out.write(data)
        os.replace(partial, path)
    finally:
        if partial.exists():
            partial.unlink()


BACKGROUND_NICENESS = 10  # added to the build's own (Unix niceness: 0 to 19, higher yields)


def in_background(pid: int) -> None:
    """Lower the scheduling priority of the child process ``pid`` (a notebook's kernel, the
    figure drawer) below the build's, where the system has priorities (not Windows). On a
    machine with few cores the build's own work, the pages and their fences, then goes first,
    and the children run on what it leaves idle, as they did not at equal priority: four busy
    processes on two cores gave the build half a core, and the cold build ended with one core
    idle while the build rendered the last pages alone."""
    if hasattr(os, "setpriority"):
        # It may have ended already, or belong to another user.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            niceness = os.getpriority(os.PRIO_PROCESS, 0) + BACKGROUND_NICENESS
            os.setpriority(os.PRIO_PROCESS, pid, min(19, niceness))
