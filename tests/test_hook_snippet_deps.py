"""hooks/snippet_deps.py: the ``snippets`` modules a source depends on, which the figures and
notebooks hooks key their caches on."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT, load_hook


@pytest.fixture(scope="module")
def deps() -> ModuleType:
    return load_hook("snippet_deps")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from snippets.losses import mse", {"losses"}),
        ("from snippets import losses as l, neuron", {"losses", "neuron"}),
        ("from snippets import (\n    losses,\n    neuron,\n)", {"losses", "neuron"}),
        ("import snippets.device as d, numpy", {"device"}),
        ("def f():\n    from snippets.deploy import predict", {"deploy"}),  # runs when f does
        ("from . import losses\nfrom .neuron import neuron", {"losses", "neuron"}),
        ("import numpy\nfrom snippetsx import y\n# from snippets import losses", set()),
        ("x = '''\nfrom snippets import losses\n'''", set()),  # text, not an import
    ],
)
def test_imported_names_reads_every_kind_of_import(
    deps: ModuleType, source: str, expected: set[str]
) -> None:
    assert deps.imported_names(source) == expected


def test_an_import_only_type_checkers_see_is_not_a_dependency(deps: ModuleType) -> None:
    source = (
        "import typing\nfrom typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from snippets.deploy import DeployReport\n"
        "if typing.TYPE_CHECKING:\n    from snippets import architectures\n"
        "else:\n    from snippets import neuron\n"
    )
    assert deps.imported_names(source) == {"neuron"}


def test_snippet_modules_follow_imports_through_other_snippets(deps: ModuleType) -> None:
    modules = deps.snippet_modules("from snippets.losses import mse\n")
    assert modules == {"__init__", "losses", "activations", "_validate"}  # losses -> activations


def test_imports_inside_functions_count_unless_asked_for_what_an_import_runs(
    deps: ModuleType,
) -> None:
    """workflow.py imports deploy for its annotations (TYPE_CHECKING) and in run_workflow."""
    source = "from snippets.workflow import early_stopping"
    assert "deploy" in deps.snippet_modules(source)
    on_import = deps.snippet_modules(source, in_functions=False)
    assert "deploy" not in on_import
    assert {"workflow", "device", "_validate"} <= on_import
    method = (
        "class A:\n    from snippets import losses\n    def f(self):\n        import snippets.io"
    )
    assert deps.imported_names(method, in_functions=False) == {"losses"}  # a class body runs


def test_the_functions_of_a_called_module_count_with_what_their_imports_run(
    deps: ModuleType,
) -> None:
    """Each figure of figures.py imports what it draws from in its body; drawing them all
    runs those imports, not the ones inside the functions of the modules they import."""
    source = "from snippets.figures import FIGURES"
    assert deps.snippet_modules(source, in_functions=False) == {"__init__", "figures"}
    drawn = deps.snippet_modules(source, in_functions=False, called=frozenset({"figures"}))
    assert {"activations", "dl_vs_ml", "tiny_network", "workflow", "backprop"} <= drawn
    assert "deploy" not in drawn  # imported inside workflow.run_workflow, which no figure calls
    assert deps.drawn_modules(source) == drawn  # what the figures hook and drawing program use


def test_sources_key_changes_with_the_head_and_with_each_module(
    deps: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "snippets"
    shutil.copytree(ROOT / "snippets", copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(deps, "SNIPPETS", copy)
    key = deps.sources_key(b"head", ["losses", "activations"])
    assert key == deps.sources_key(b"head", ["activations", "losses"])  # order does not matter
    assert key != deps.sources_key(b"other head", ["losses", "activations"])
    (copy / "deploy.py").write_text("# not one of the modules\n", encoding="utf8")
    assert deps.sources_key(b"head", ["losses", "activations"]) == key
    (copy / "activations.py").write_text("# edited\n", encoding="utf8")
    assert deps.sources_key(b"head", ["losses", "activations"]) != key


# ---- writing: atomic, and never into another writer's file -------------------------------


def test_concurrent_writers_of_one_path_leave_one_whole_file(
    deps: ModuleType, tmp_path: Path
) -> None:
    """Two builds making the same product at once (a figure, an executed fence): each renames
    its own file into place, so the file is always one writer's whole output (with one shared
    ``.partial`` name, one writer truncates the file the other is writing or renames it into
    place half-written)."""
    target = tmp_path / "losses.svg"
    contents = [bytes([65 + k]) * 2_000_000 for k in range(2)]
    errors: list[BaseException] = []

    def write(data: bytes) -> None:
        try:
            for _ in range(25):
                deps.write_atomically(target, data)
                assert target.read_bytes() in contents
        except BaseException as error:  # reported in the test's thread
            errors.append(error)

    writers = [threading.Thread(target=write, args=(data,)) for data in contents]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    assert errors == []
    assert target.read_bytes() in contents
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


def test_a_failed_write_leaves_neither_a_file_nor_a_temporary_one(
    deps: ModuleType, tmp_path: Path
) -> None:
    target = tmp_path / "losses.svg"
    target.mkdir()  # os.replace cannot put a file over a folder
    with pytest.raises(IsADirectoryError):
        deps.write_atomically(target, b"<svg/>")
    assert [path.name for path in tmp_path.iterdir()] == ["losses.svg"]


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="no process priorities on Windows")
def test_a_background_child_yields_to_the_build(deps: ModuleType) -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        deps.in_background(child.pid)
        own = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, child.pid) == min(19, own + 10)
    finally:
        child.kill()
        child.wait()
    deps.in_background(child.pid)  # ended: nothing to lower, and no error
