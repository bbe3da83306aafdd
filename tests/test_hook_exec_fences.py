"""hooks/exec_fences.py: markdown-exec's Python fences, run once and their output kept until
their code, their session's earlier code or what they import changes.

The page-naming of errors is tested on a real build (test_site_build.py,
``test_a_block_that_raises_fails_the_build_naming_its_page``)."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import markdown_exec
import pytest
from conftest import ROOT, load_hook

COUNTED = "import os\nwith open(os.environ['FENCE_RUNS'], 'a') as f:\n    f.write('x')\n"


@pytest.fixture
def hook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """The hook with its cache in ``tmp_path``, on a page of its own; ``FENCE_RUNS`` names a
    file that the fences below append to, so that a test can count how many ran."""
    module = load_hook("exec_fences")
    monkeypatch.setattr(module, "CACHE", tmp_path / "cache")
    monkeypatch.setenv("FENCE_RUNS", str(tmp_path / "runs"))
    yield module
    sys.modules.pop("exec_fences_hook", None)


def build(hook: ModuleType, fences: list[tuple[str, str]]) -> list[str]:
    """What a build of one page with ``fences`` (code, session) prints, as the hook runs it
    for markdown-exec: a new build starts with no session state, as ``on_config`` does."""
    for store in (hook._globals, hook._history, hook._not_run):
        store.clear()
    hook._fence.page, hook._fence.n = "page.md", 0
    return [hook.run(code, session=session) for code, session in fences]


def runs(tmp_path: Path) -> int:
    path = tmp_path / "runs"
    return len(path.read_text()) if path.exists() else 0


def test_a_fence_runs_once_and_its_output_is_kept(hook: ModuleType, tmp_path: Path) -> None:
    fences = [(COUNTED + "print(6 * 7)", ""), (COUNTED + "print('two', 'words', end='!')", "")]
    assert build(hook, fences) == ["42\n", "two words!"]
    assert runs(tmp_path) == 2
    assert build(hook, fences) == ["42\n", "two words!"]
    assert runs(tmp_path) == 2  # both kept
    assert build(hook, [fences[0], (COUNTED + "print(7 * 7)", "")]) == ["42\n", "49\n"]
    assert runs(tmp_path) == 3  # only the edited one ran


def test_a_session_replays_its_kept_fences_before_one_that_changed(
    hook: ModuleType, tmp_path: Path
) -> None:
    first = (COUNTED + "x = 20\nprint(x)", "s")
    assert build(hook, [first, ("print(x + 1)", "s")]) == ["20\n", "21\n"]
    assert runs(tmp_path) == 1
    assert build(hook, [first, ("print(x + 2)", "s")]) == ["20\n", "22\n"]  # x replayed
    assert runs(tmp_path) == 2
    assert build(hook, [(COUNTED + "x = 30\nprint(x)", "s"), ("print(x + 2)", "s")]) == [
        "30\n",
        "32\n",
    ]  # the second fence's code is unchanged, but the session's earlier code is not


def test_the_key_follows_the_snippets_modules_a_fence_imports(
    hook: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deps = sys.modules[hook.snippet_modules.__module__]
    copy = tmp_path / "snippets"
    shutil.copytree(ROOT / "snippets", copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(deps, "SNIPPETS", copy)
    code = ["from snippets.losses import mse"]
    key = hook.fence_key(code)
    (copy / "deploy.py").write_text("# not imported by the fence\n", encoding="utf8")
    assert hook.fence_key(code) == key
    (copy / "activations.py").write_text("# imported through losses\n", encoding="utf8")
    assert hook.fence_key(code) != key


def test_the_key_follows_the_files_a_fence_names(hook: ModuleType, tmp_path: Path) -> None:
    data = tmp_path / "data.txt"
    data.write_text("one", encoding="utf8")
    code = [f"print(open({str(data)!r}).read())"]
    key = hook.fence_key(code)
    data.write_text("two", encoding="utf8")
    assert hook.fence_key(code) != key
    assert hook.named_files('open("CITATION.cff")') == {ROOT / "CITATION.cff"}


def test_a_fence_that_raises_is_reported_with_its_line_and_never_kept(
    hook: ModuleType, tmp_path: Path
) -> None:
    fence = (COUNTED + "raise ValueError('boom')", "")
    for attempt in (1, 2):
        with pytest.raises(markdown_exec.ExecutionError) as raised:
            build(hook, [fence])
        assert runs(tmp_path) == attempt
    assert "raise ValueError('boom')" in str(raised.value)  # the line, not only its number
    assert "ValueError: boom" in str(raised.value)
    assert "exec_fences" not in str(raised.value)  # the hook's own frame is left out
    assert not list((tmp_path / "cache").rglob("*.json"))


def test_markdown_exec_renders_python_fences_through_the_hook(
    hook: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    for language in ("python", "py"):  # put back after the test
        monkeypatch.setitem(markdown_exec.formatters, language, markdown_exec.formatters[language])
    hook.on_config(type("Config", (), {"mdx_configs": {}})())
    for language in ("python", "py"):
        assert markdown_exec.formatters[language] is hook.format_python
