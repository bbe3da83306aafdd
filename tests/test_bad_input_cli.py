"""The command line tells the truth about bad input, as a real process (issue 15).

Usage errors found before any work exit 2 with one line; a failure of the work exits 1
with one line (the traceback behind --debug); nothing prints a traceback by accident.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import torch
from rich.console import Console as RichConsole

from snippets.__main__ import EXAMPLES, MAX_EPOCHS, Example, main

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1"}


def _snippets(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "snippets", *args],
        cwd=ROOT,
        env={**ENV, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _usage_error(proc: subprocess.CompletedProcess[str], message: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.startswith("snippets: error: ")
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_version() -> None:
    proc = _snippets("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == "snippets 0.1.0"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "neuron", "--seed", "4294967296"], "--seed: must be <= 4294967295, got 4294967296"),
        (["run", "tiny-network", "--epochs", "1000000000"], f"--epochs: must be <= {MAX_EPOCHS}"),
        (["run", "backprop-xor", "--device", "cpu"], "does not take --device (it runs on the CPU only)"),
        (["run", "tiny-network", "--threads", "100000"], "--threads: must be <= 1024"),
    ],
)  # fmt: skip
def test_out_of_range_options_are_refused_at_parse_time(args: list[str], message: str) -> None:
    _usage_error(_snippets(*args), message)


def test_save_onto_an_existing_file_is_refused_before_training(tmp_path: Path) -> None:
    existing = tmp_path / "model"
    existing.write_text("precious")
    start = time.perf_counter()
    proc = _snippets("run", "workflow-classification", "--save", str(existing))
    _usage_error(proc, "exists and is not a directory")
    assert existing.read_text() == "precious"
    assert time.perf_counter() - start < 30  # no nine steps were run (they take longer)


def test_save_where_nothing_can_be_written_is_refused_before_training(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    _usage_error(
        _snippets("run", "workflow-regression", "--save", str(blocker / "sub" / "dir")),
        "--save: cannot write into",
    )


@pytest.mark.parametrize("content", [b"not a model", b"", b"PK\x03\x04 truncated zip"])
def test_predict_on_a_corrupt_model_file_is_a_usage_error(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "model.pt").write_bytes(content)
    (tmp_path / "rows.csv").write_text("1,2\n")
    _usage_error(
        _snippets("predict", str(tmp_path), str(tmp_path / "rows.csv")),
        "is not a model saved by this package",
    )


def test_predict_on_a_foreign_torch_file_is_a_usage_error(tmp_path: Path) -> None:
    torch.save({"weights": torch.zeros(3)}, tmp_path / "model.pt")
    _usage_error(_snippets("predict", str(tmp_path)), "is not a model saved by this package")


def test_json_into_a_closed_pipe_exits_quietly() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "snippets", "run", "neuron", "--json", "--device", "cpu"],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    assert proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first byte, as with `| head -c 0`
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141
    assert stderr == ""


def test_json_through_head_prints_the_start_and_no_traceback() -> None:
    proc = subprocess.run(
        f"{sys.executable} -m snippets run neuron --json --device cpu | head -c 20",
        shell=True,
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.stdout == '{\n  "example": "neur'
    assert "Traceback" not in proc.stderr
    assert "BrokenPipeError" not in proc.stderr


@pytest.mark.parametrize("name", ["backprop-xor", "gradient-descent", "dl-vs-ml", "neuron"])
def test_a_bogus_device_variable_is_refused_by_every_example(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SNIPPETS_DEVICE", "warp-drive")
    assert main(["run", name]) == 2
    err = capsys.readouterr().err
    assert err == (
        "snippets: error: SNIPPETS_DEVICE: unknown device 'warp-drive'; "
        "expected one of cpu, cuda, mps\n"
    )


def test_every_example_that_takes_no_device_refuses_the_flag_the_same_way(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("backprop-xor", "gradient-descent", "dl-vs-ml"):
        assert main(["run", name, "--device", "cpu"]) == 2
        expected = f"example {name!r} does not take --device (it runs on the CPU only)"
        assert expected in capsys.readouterr().err


def test_usage_errors_come_before_any_work(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[object] = []
    monkeypatch.setattr("snippets.workflow.run_workflow", lambda **kw: calls.append(kw))
    (tmp_path / "file").write_text("")
    assert main(["run", "workflow-classification", "--save", str(tmp_path / "file")]) == 2
    assert main(["run", "workflow-classification", "--device", "tpu"]) == 2
    assert calls == []
    assert capsys.readouterr().err.count("\n") == 2


def test_a_failure_of_the_work_is_exit_1_not_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # backprop.train called with a seed only: a TypeError inside, a bug, not bad input.
    broken = Example("broken", "fails inside", "snippets.backprop:train")
    monkeypatch.setitem(EXAMPLES, broken.name, broken)
    assert main(["run", "broken"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("snippets: failed: TypeError: ")
    assert err.endswith("(rerun with --debug for the traceback)\n")
    assert err.count("\n") == 1
    assert main(["run", "broken", "--debug"]) == 1
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_a_diverging_example_is_a_failure_that_says_why(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hot = Example(
        "hot", "lr far too large", "snippets.tiny_network:train_tiny_network", {"lr": 1e6}
    )
    monkeypatch.setitem(EXAMPLES, hot.name, hot)
    assert main(["run", "hot", "--epochs", "2", "--device", "cpu"]) == 1
    assert "snippets: failed: ValueError: training diverged" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (["run", "tiny-network", "--epochs", "2", "--device", "cpu"], "val accuracy"),  # a bar
        (["run", "gradient-descent"], "gradient-descent"),  # no progress reports: a pulse
    ],
)
def test_a_terminal_shows_progress(
    argv: list[str], shown: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = io.StringIO()

    def console(**options: Any) -> RichConsole:
        if options.pop("stderr", False):
            return RichConsole(file=screen, force_terminal=True, width=120)
        return RichConsole(file=io.StringIO(), **options)

    monkeypatch.setattr("snippets.__main__.Console", console)
    assert main(argv) == 0
    assert shown in screen.getvalue()
