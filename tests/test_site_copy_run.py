"""Every Python block of the built site runs where a reader pastes it.

The fence tests run each block inside its build session, as the author sees it. This test
does what a reader does: it takes each Python block from the *built* HTML, as the copy button
copies it (the text of ``pre > code``; on notebook pages, mkdocs-jupyter's copy text of each
cell), and runs it in a fresh ``__main__`` namespace, in a process where only the package and
its dependencies are imported. A block passes when

* it runs alone; or
* its title (the filename bar above it) contains the word "continues", and it runs after the
  page's earlier blocks, in order, in one namespace; or
* its title says "needs a GPU": then it runs alone where CUDA is present and is skipped, with
  that reason, elsewhere; likewise a title saying "needs keras" (or "needs jax, flax and
  optax"), for code of another framework: it runs alone where those modules are installed.

Notebook pages run their cells in order, as Jupyter does: the first cell (the setup cell, the
only one allowed IPython magics) in an in-process IPython kernel, every other cell as plain
Python, so a cell that needs a magic fails.

Each run is a child forked from this warm interpreter, which has already imported NumPy,
PyTorch, scikit-learn and every module of the package: one interpreter start per block would
take minutes. The code reference page (signatures and source listings) is out of scope.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.metadata
import importlib.util
import json
import os
import pkgutil
import re
import select
import signal
import sys
import tempfile
import time
import traceback
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from excerpt_imports import unbound_names
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

pytestmark = [pytest.mark.slow]

SKIPPED_PAGES = ("reference/",)  # mkdocstrings' signatures and source listings
CONTINUES, NEEDS_GPU = "continues", "needs a gpu"
NEEDS_MODULES = re.compile(r"\bneeds ([\w.]+(?:(?:, | and )[\w.]+)*)")
TIMEOUT_S = 120.0
JOBS = 2


@dataclass(frozen=True)
class Block:
    """One Python block of a built page, as the copy button copies it."""

    page: str  # the page's folder in the site, e.g. "neuron/"
    number: int  # 1-based, in page order
    title: str
    code: str
    notebook: bool = False

    @property
    def continues(self) -> bool:
        return CONTINUES in self.title.lower().split()

    @property
    def needs_gpu(self) -> bool:
        return NEEDS_GPU in " ".join(self.title.lower().split())

    @property
    def needs_modules(self) -> list[str]:
        """The modules a title such as "Flax NNX (needs jax, flax and optax)" names."""
        match = NEEDS_MODULES.search(self.title)
        if match is None or self.needs_gpu:
            return []
        return re.split(r", | and ", match[1])

    def missing_modules(self) -> list[str]:
        return [name for name in self.needs_modules if importlib.util.find_spec(name) is None]

    def head(self, lines: int = 3) -> str:
        shown = [line for line in self.code.splitlines() if line.strip()][:lines]
        return "\n".join(f"    | {line}" for line in shown)


def page_blocks(html: str, page: str) -> list[Block]:
    """The Python blocks of one built page, in order."""
    soup = BeautifulSoup(html, "html.parser")
    if soup.select_one(".jupyter-wrapper"):
        cells = soup.select(".jupyter-wrapper .jp-CodeCell .clipboard-copy-txt")
        return [
            Block(page, n, "", cell.get_text(), notebook=True) for n, cell in enumerate(cells, 1)
        ]
    blocks: list[Block] = []
    for div in soup.select("article div.language-python.highlight"):
        code = div.select_one("pre > code")
        if code is None:
            continue
        title = div.select_one("span.filename")
        blocks.append(
            Block(page, len(blocks) + 1, title.get_text() if title else "", code.get_text())
        )
    return blocks


def site_blocks(site: Path) -> list[Block]:
    """Every Python block of the built site, page by page, the code reference left out."""
    blocks = []
    for path in sorted(site.rglob("index.html")):
        page = path.parent.relative_to(site).as_posix() + "/"
        page = "" if page == "./" else page
        if page.startswith(SKIPPED_PAGES):
            continue
        blocks.extend(page_blocks(path.read_text(encoding="utf8"), page))
    return blocks


# --- Running blocks in forked children -----------------------------------------------------


def warm_up() -> None:
    """Import what the blocks import, once, in the parent that the children fork from."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    import matplotlib.pyplot
    import numpy
    import sklearn.datasets
    import torch

    import snippets

    torch.set_num_threads(1)
    for module in pkgutil.iter_modules(snippets.__path__, "snippets."):
        importlib.import_module(module.name)
    del matplotlib, numpy, sklearn


def _fresh_main() -> dict[str, object]:
    """A new ``__main__`` module's namespace, as ``python3 file.py`` gives a script."""
    main = types.ModuleType("__main__")
    sys.modules["__main__"] = main
    return main.__dict__


def _error(block: Block, exc: BaseException) -> str:
    """The exception and the line of the block it came from."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == _name(block)]
    where = f" (line {frames[-1].lineno})" if frames else ""
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return f"{text}{where}"


def _name(block: Block) -> str:
    return f"<{block.page or 'home'} block {block.number}>"


def _run_plain(block: Block, namespace: dict[str, object]) -> str | None:
    try:
        code = compile(block.code, _name(block), "exec")
        exec(code, namespace)
    except BaseException as exc:  # the block's own error, whatever it is, is the result
        return _error(block, exc)
    return _unbound_globals(block.code, namespace)


def _unbound_globals(source: str, namespace: dict[str, object]) -> str | None:
    """The NameError a reader would get on calling what the block defines.

    A block that only defines a function runs even when the function's body uses a name the
    block never imports; the reader finds out on the first call. So every global name that the
    functions and classes of the block look up must exist once the block has run.
    """
    missing = sorted(name for name in unbound_names(source) if name not in namespace)
    if not missing:
        return None
    names = ", ".join(repr(name) for name in missing)
    return f"NameError on first call: it uses {names}, which the block neither defines nor imports"


def _run_sequence(blocks: list[Block]) -> list[str | None]:
    """Run ``blocks`` in order in one namespace; the error of each, or None."""
    namespace = _fresh_main()
    results: list[str | None] = []
    shell = None
    for block in blocks:
        if block.notebook and block.number == 1:
            from ipykernel.inprocess.manager import InProcessKernelManager

            manager: Any = InProcessKernelManager()  # ipykernel has no type hints
            manager.start_kernel()
            shell = manager.kernel.shell
            outcome = shell.run_cell(block.code, silent=True)
            error = outcome.error_before_exec or outcome.error_in_exec
            results.append(None if error is None else _error(block, error))
            namespace = shell.user_ns
            continue
        results.append(_run_plain(block, namespace))
    return results


def _child(blocks: list[Block], write_fd: int, workdir: str) -> None:
    """In the forked child: run ``blocks`` in sequence, write the results, never return."""
    status = 0
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.chdir(workdir)
        signal.signal(signal.SIGALRM, _timeout)
        signal.alarm(int(TIMEOUT_S))
        results = _run_sequence(blocks)
        with os.fdopen(write_fd, "w") as pipe:
            json.dump(results, pipe)
    except BaseException:
        status = 1
    finally:
        os._exit(status)


def _timeout(signum: int, frame: object) -> None:
    raise TimeoutError(f"still running after {TIMEOUT_S:.0f} s")


@dataclass
class _Job:
    blocks: list[Block]
    pid: int
    fd: int
    started: float
    data: bytearray = field(default_factory=bytearray)


def run_sequences(sequences: list[list[Block]], jobs: int = JOBS) -> list[list[str | None]]:
    """Run each list of blocks in its own forked child, ``jobs`` at a time.

    Returns, for each sequence, the error of each of its blocks (None where it ran).
    """
    results: list[list[str | None]] = [[] for _ in sequences]
    pending = list(enumerate(sequences))
    running: dict[int, tuple[int, _Job]] = {}
    sys.stdout.flush()
    sys.stderr.flush()
    with tempfile.TemporaryDirectory(prefix="copy-run-") as workdir:
        while pending or running:
            while pending and len(running) < jobs:
                index, blocks = pending.pop(0)
                read_fd, write_fd = os.pipe()
                pid = os.fork()
                if pid == 0:  # the child
                    os.close(read_fd)
                    _child(blocks, write_fd, workdir)
                os.close(write_fd)
                running[read_fd] = (index, _Job(blocks, pid, read_fd, time.monotonic()))
            ready, _, _ = select.select(list(running), [], [], 1.0)
            for fd in ready:
                index, job = running[fd]
                chunk = os.read(fd, 65536)
                if chunk:
                    job.data.extend(chunk)
                    continue
                del running[fd]
                os.close(fd)
                _, status = os.waitpid(job.pid, 0)
                results[index] = _decode(job, status)
            for fd, (index, job) in list(running.items()):
                if time.monotonic() - job.started > TIMEOUT_S + 10:
                    os.kill(job.pid, signal.SIGKILL)
                    os.waitpid(job.pid, 0)
                    os.close(fd)
                    del running[fd]
                    results[index] = [f"killed after {TIMEOUT_S + 10:.0f} s"] * len(job.blocks)
    return results


def _decode(job: _Job, status: int) -> list[str | None]:
    try:
        decoded = json.loads(job.data.decode())
    except ValueError:
        decoded = None
    if not isinstance(decoded, list) or len(decoded) != len(job.blocks):
        return [f"the run died (wait status {status})"] * len(job.blocks)
    return decoded


# --- The rules -------------------------------------------------------------------------------

PACKAGE = "dl-day-one-snippets"


@functools.cache
def declared_modules() -> frozenset[str]:
    """The top-level modules a reader has after ``pip install`` of the package: the standard
    library, ``snippets`` and the modules of the package's declared (non-extra) dependencies."""
    requirements = [Requirement(r) for r in importlib.metadata.requires(PACKAGE) or []]
    names = {canonicalize_name(r.name) for r in requirements if r.marker is None}
    modules = {
        module
        for module, dists in importlib.metadata.packages_distributions().items()
        if any(canonicalize_name(dist) in names for dist in dists)
    }
    return frozenset({*sys.stdlib_module_names, "snippets", *modules})


def undeclared_imports(block: Block) -> str | None:
    """Why the block would fail where only the package and its dependencies are installed."""
    try:
        tree = ast.parse(block.code)
    except SyntaxError:
        return None  # running it reports the error
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module.split(".")[0])
    extra = sorted(imported - declared_modules() - set(block.needs_modules))
    if not extra:
        return None
    return (
        f"imports {', '.join(extra)}, which {PACKAGE} does not depend on: a reader who "
        "installed the package has no such module (or title the block 'needs ...')"
    )


@dataclass(frozen=True)
class Verdict:
    block: Block
    kind: str  # "alone", "continues", "notebook", "gpu-skipped", "module-skipped", "fails"
    error: str | None = None

    def describe(self) -> str:
        where = f"{self.block.page or 'home page'} block {self.block.number}"
        title = f' (title "{self.block.title}")' if self.block.title else ""
        return f"{where}{title}: {self.error}\n{self.block.head()}"


def notebook_magic(block: Block) -> str | None:
    """Why a notebook cell other than the setup cell would not paste into plain Python."""
    if block.number == 1:
        return None
    try:
        tree = ast.parse(block.code)
    except SyntaxError as exc:
        return f"not plain Python (IPython magics belong in the setup cell only): {exc.msg}"
    if any(isinstance(node, ast.Name) and node.id == "get_ipython" for node in ast.walk(tree)):
        return "calls get_ipython(), which plain Python lacks (keep it in the setup cell)"
    return None


def judge(blocks: list[Block], cuda: bool, jobs: int = JOBS) -> list[Verdict]:
    """Apply the rules to ``blocks`` (any number of pages) and return one verdict per block."""
    pages: dict[str, list[Block]] = {}
    for block in blocks:
        pages.setdefault(block.page, []).append(block)
    notebooks = [b for b in pages.values() if b[0].notebook]
    alone = [
        b
        for b in blocks
        if not b.notebook and (cuda or not b.needs_gpu) and not b.missing_modules()
    ]
    runs = run_sequences([[b] for b in alone] + notebooks, jobs)
    alone_error = {b: r[0] for b, r in zip(alone, runs, strict=False)}
    notebook_error = {
        b: error
        for cells, r in zip(notebooks, runs[len(alone) :], strict=True)
        for b, error in zip(cells, r, strict=True)
    }
    # A page runs in sequence only up to its last block that failed alone.
    sequences = []
    for page_blocks_ in pages.values():
        failed = [i for i, b in enumerate(page_blocks_) if alone_error.get(b)]
        if failed:
            sequences.append(page_blocks_[: failed[-1] + 1])
    in_sequence = {
        b: error
        for seq, r in zip(sequences, run_sequences(sequences, jobs), strict=True)
        for b, error in zip(seq, r, strict=True)
    }
    verdicts = []
    for block in blocks:
        undeclared = undeclared_imports(block)
        if undeclared:
            verdicts.append(Verdict(block, "fails", undeclared))
        elif block.notebook:
            error = notebook_magic(block) or notebook_error[block]
            verdicts.append(Verdict(block, "fails" if error else "notebook", error))
        elif block.needs_gpu and not cuda:
            verdicts.append(Verdict(block, "gpu-skipped", "needs a GPU; no CUDA device here"))
        elif block.missing_modules():
            missing = ", ".join(block.missing_modules())
            verdicts.append(Verdict(block, "module-skipped", f"needs {missing}: not installed"))
        elif alone_error[block] is None:
            verdicts.append(Verdict(block, "alone"))
        elif not block.continues:
            ran_after = " (it runs after the page's earlier blocks: title it 'continues')"
            hint = ran_after if in_sequence.get(block) is None else ""
            verdicts.append(Verdict(block, "fails", f"alone: {alone_error[block]}{hint}"))
        elif in_sequence[block] is None:
            verdicts.append(Verdict(block, "continues"))
        else:
            verdicts.append(Verdict(block, "fails", f"after the page: {in_sequence[block]}"))
    return verdicts


def figures(verdicts: list[Verdict]) -> dict[str, int]:
    counts = {"blocks": len(verdicts)}
    for verdict in verdicts:
        counts[verdict.kind] = counts.get(verdict.kind, 0) + 1
    return counts


# --- The tests -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def blocks(site: Path) -> list[Block]:
    return site_blocks(site)


@pytest.fixture(scope="module")
def warm() -> None:
    """The imports the children inherit (each child replaces ``__main__`` in its own copy)."""
    warm_up()


def test_every_python_block_runs_where_a_reader_pastes_it(blocks: list[Block], warm: None) -> None:
    import torch

    assert len(blocks) >= 100, "almost no Python blocks found: did the page markup change?"
    verdicts = judge(blocks, cuda=torch.cuda.is_available())
    print("copy-run figures:", figures(verdicts))
    failures = [v.describe() for v in verdicts if v.kind == "fails"]
    assert not failures, f"{len(failures)} blocks do not run as copied:\n\n" + "\n\n".join(failures)


def test_gpu_blocks_run_on_a_gpu(blocks: list[Block], warm: None) -> None:
    import torch

    gpu_blocks = [b for b in blocks if b.needs_gpu]
    if not torch.cuda.is_available():
        pytest.skip(f"{len(gpu_blocks)} block(s) titled 'needs a GPU'; no CUDA device here")
    verdicts = judge(gpu_blocks, cuda=True)
    assert [v.describe() for v in verdicts if v.kind == "fails"] == []


# --- The runner itself, on synthetic pages -----------------------------------------------------


def _page(*blocks: tuple[str, str]) -> str:
    """A built page holding ``blocks`` of (title, code), marked up as Material marks them up."""
    parts = []
    for title, code in blocks:
        bar = f'<span class="filename">{title}</span>' if title else ""
        lines = "".join(f"<span>{line}\n</span>" for line in code.splitlines())
        parts.append(
            f'<div class="language-python highlight">{bar}<pre><code>{lines}</code></pre></div>'
        )
    return "<html><body><article>" + "".join(parts) + "</article></body></html>"


def test_runner_tells_alone_continued_and_broken_blocks_apart(warm: None) -> None:
    html = _page(
        ("", "import math\nx = math.sqrt(4.0)"),
        ("", "print(x + 1)"),  # needs the block above and does not say so
        ("continues the block above", "assert x == 2.0"),
        ("continues the block above", "assert x == 3.0"),  # continues, but is wrong
        ("needs a GPU", "import torch\ntorch.ones(1, device='cuda')"),
        ("", "def f(:\n    pass"),
        ("", "def g():\n    return undefined_name"),  # runs, then fails when called
        ("Other framework (needs no_such_module_here)", "import no_such_module_here"),
        ("Plain math (needs math and json)", "import math, json"),
        ("", "import pytest"),  # installed here, but not a dependency of the package
    )
    blocks = page_blocks(html, "synthetic/")
    assert [b.code.splitlines()[0] for b in blocks][:2] == ["import math", "print(x + 1)"]
    verdicts = judge(blocks, cuda=False, jobs=2)
    assert [v.kind for v in verdicts] == [
        "alone",
        "fails",
        "continues",
        "fails",
        "gpu-skipped",
        "fails",
        "fails",
        "module-skipped",
        "alone",
        "fails",
    ]
    assert "NameError: name 'x' is not defined" in (verdicts[1].error or "")
    assert "title it 'continues'" in (verdicts[1].error or "")
    assert "AssertionError" in (verdicts[3].error or "")
    assert "SyntaxError" in (verdicts[5].error or "")
    assert "it uses 'undefined_name'" in (verdicts[6].error or "")
    assert "no_such_module_here" in (verdicts[7].error or "")
    assert "imports pytest, which dl-day-one-snippets does not depend on" in (
        verdicts[9].error or ""
    )
    assert "synthetic/ block 2" in verdicts[1].describe()
    assert "print(x + 1)" in verdicts[1].describe()


def test_runner_stops_a_block_that_never_ends(warm: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "TIMEOUT_S", 1.0)
    (verdict,) = judge(page_blocks(_page(("", "while True:\n    pass")), "loop/"), cuda=False)
    assert verdict.kind == "fails"
    assert "TimeoutError" in (verdict.error or "")


def test_runner_runs_notebook_cells_in_order_and_refuses_late_magics(warm: None) -> None:
    def cell(code: str) -> str:
        return f'<div class="jp-CodeCell"><div class="clipboard-copy-txt">{code}</div></div>'

    html = (
        '<div class="jupyter-wrapper">'
        + cell("%config InlineBackend.figure_formats = ['svg']\nimport math")
        + cell("y = math.pi")
        + cell("%time z = y")
        + cell("get_ipython().run_line_magic('time', 'z = y')")
        + "</div>"
    )
    verdicts = judge(page_blocks(html, "notebooks/n/"), cuda=False)
    assert [v.kind for v in verdicts] == ["notebook", "notebook", "fails", "fails"]
    assert "setup cell" in (verdicts[2].error or "")
    assert "get_ipython" in (verdicts[3].error or "")
