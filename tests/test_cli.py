"""snippets.__main__: list, run every example, --json schema, predict, and exit 2 on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import torch

from snippets.__main__ import EXAMPLES, Example, main
from snippets.deploy import load_predictor, read_csv_rows

ROOT = Path(__file__).resolve().parent.parent
FAST = {"tiny-network": ["--epochs", "1"], "workflow-classification": ["--epochs", "2"],
        "workflow-regression": ["--epochs", "2"], "neuron": [],
        "backprop-xor": ["--epochs", "300"], "gradient-descent": ["--epochs", "5"],
        "dl-vs-ml": []}  # fmt: skip
# The NumPy and scikit-learn examples run on the CPU only and refuse --device.
ON_DEVICE = {"tiny-network", "workflow-classification", "workflow-regression", "neuron"}


def _json_run(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert main(["run", *argv, "--json"]) == 0
    captured = capsys.readouterr()
    return json.loads(captured.out)  # type: ignore[no-any-return]  # stdout is JSON and only JSON


def test_every_registered_example_is_covered_here() -> None:
    assert set(FAST) == set(EXAMPLES)
    for example in EXAMPLES.values():
        assert callable(example.load())


def test_list_shows_every_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    listed = capsys.readouterr().out
    assert main(["list"]) == 0
    assert capsys.readouterr().out == listed
    for name in EXAMPLES:
        assert name in listed


@pytest.mark.parametrize("name", sorted(FAST))
def test_each_example_runs_and_prints_the_json_schema(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    device = ["--device", "cpu"] if name in ON_DEVICE else []
    payload = _json_run(capsys, name, *FAST[name], "--seed", "3", *device)
    assert set(payload) == {"example", "seed", "device", "wall_seconds", "result"}
    assert payload["example"] == name
    assert payload["seed"] == 3
    assert payload["device"] == "cpu"
    assert isinstance(payload["wall_seconds"], float)
    assert payload["wall_seconds"] > 0
    result = payload["result"]
    if name == "neuron":
        assert result["max_abs_difference"] < 1e-12
    elif name == "tiny-network":
        assert len(result["history"]) == 1
        assert 0.0 <= result["test_accuracy"] <= 1.0
    elif name == "backprop-xor":
        assert result["epochs"] == 300
        assert result["final_loss"] < result["first_loss"]
        assert result["gradient_check_error"] < 1e-6
    elif name == "gradient-descent":
        assert set(result["variants"]) == {"batch", "stochastic", "mini-batch (B=16)"}
        for run in result["variants"].values():
            assert run["final_loss"] >= result["optimum_loss"]
    elif name == "dl-vs-ml":
        rows = result["results"]
        assert {(r["dataset"], r["model"]) for r in rows} == {
            (d, m)
            for d in ("wine", "breast_cancer", "moons")
            for m in ("logistic_regression", "random_forest", "mlp")
        }
        assert all(0.5 < r["accuracy"] <= 1.0 for r in rows)
    else:
        assert result["test_accesses"] == ["test"]
        assert len(result["steps"]) == 9
        assert result["test_metric"] == ("rmse" if name.endswith("regression") else "accuracy")


def test_json_results_repeat_with_the_same_seed(capsys: pytest.CaptureFixture[str]) -> None:
    first = _json_run(capsys, "tiny-network", "--epochs", "1", "--seed", "5", "--device", "cpu")
    second = _json_run(capsys, "tiny-network", "--epochs", "1", "--seed", "5", "--device", "cpu")
    for payload in (first, second):
        del payload["wall_seconds"], payload["result"]["train_seconds"]
    assert first == second


def test_a_run_without_json_prints_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "tiny-network", "--epochs", "1", "--device", "cpu", "--threads", "1"]) == 0
    out = capsys.readouterr().out
    assert "test_accuracy" in out
    assert "wall time" in out


def test_save_then_predict_from_the_command_line_in_a_new_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model_dir = tmp_path / "model"
    payload = _json_run(
        capsys, "workflow-classification", "--epochs", "2", "--device", "cpu",
        "--save", str(model_dir),
    )  # fmt: skip
    assert payload["result"]["saved_to"] == str(model_dir)
    rows = model_dir / "example_input.csv"
    expected = load_predictor(model_dir).labels(read_csv_rows(rows))
    proc = subprocess.run(
        [sys.executable, "-m", "snippets", "predict", str(model_dir), str(rows), "--json"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == expected
    assert set(expected) <= {"malignant", "benign"}


def test_predict_reads_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    model_dir = tmp_path / "m"
    _json_run(capsys, "workflow-regression", "--epochs", "1", "--device", "cpu",
              "--save", str(model_dir))  # fmt: skip
    rows = model_dir / "example_input.csv"
    monkeypatch.setattr(sys, "stdin", rows.open())
    assert main(["predict", str(model_dir)]) == 0
    printed = capsys.readouterr().out.split()
    assert [float(v) for v in printed] == pytest.approx(
        load_predictor(model_dir).predict(read_csv_rows(rows)).tolist(), rel=1e-5
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "no-such-example"], "unknown example 'no-such-example'; choose from neuron"),
        (["run", "tiny-network", "--epochs", "-3"], "argument --epochs: must be >= 1, got -3"),
        (["run", "tiny-network", "--epochs", "0"], "argument --epochs: must be >= 1, got 0"),
        (["run", "tiny-network", "--epochs", "two"], "--epochs: expected an integer, got 'two'"),
        (["run", "tiny-network", "--seed", "-1"], "argument --seed: must be >= 0, got -1"),
        (["run", "tiny-network", "--threads", "0"], "argument --threads: must be >= 1"),
        (["run", "tiny-network", "--device", "tpu"], "--device: unknown device 'tpu'"),
        (["run", "tiny-network", "--device", "cuda"], "--device: device 'cuda' is not available"),
        (["run", "neuron", "--epochs", "3"], "example 'neuron' does not take --epochs"),
        (["run", "tiny-network", "--save", "x"], "example 'tiny-network' does not take --save"),
        (["run"], "the following arguments are required: name"),
        (["bogus"], "invalid choice: 'bogus'"),
        (["predict", "no-such-dir", "x.csv"], "directory must hold a model.pt"),
    ],
)
def test_invalid_arguments_exit_2_with_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)  # same verdict on a GPU box
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("snippets: error: ")
    assert message in captured.err
    assert "Traceback" not in captured.err


def test_unavailable_device_from_the_environment_is_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SNIPPETS_DEVICE", "warp-drive")
    assert main(["run", "neuron"]) == 2
    assert "SNIPPETS_DEVICE: unknown device 'warp-drive'" in capsys.readouterr().err


def test_predict_with_a_bad_csv_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model_dir = tmp_path / "m"
    _json_run(capsys, "workflow-classification", "--epochs", "1", "--device", "cpu",
              "--save", str(model_dir))  # fmt: skip
    (tmp_path / "short.csv").write_text("1,2,3\n")
    for csv_path, message in [(tmp_path / "missing.csv", "cannot read"),
                              (tmp_path / "short.csv", "X must have shape (n, 30)")]:  # fmt: skip
        assert main(["predict", str(model_dir), str(csv_path)]) == 2
        err = capsys.readouterr().err
        assert message in err
        assert err.count("\n") == 1


def test_a_real_process_exits_2_without_a_traceback() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "snippets", "run", "tiny-network", "--epochs", "-1"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.strip() == "snippets: error: argument --epochs: must be >= 1, got -1"


def test_the_registry_takes_a_new_example_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    new = Example("count", "counts parameters", "snippets.parameters:count_parameters")
    monkeypatch.setitem(EXAMPLES, new.name, new)
    assert main(["list"]) == 0
    assert "count" in capsys.readouterr().out
    # It takes none of the run options, so asking for one is a usage error, not a crash.
    assert main(["run", "count", "--epochs", "1"]) == 2


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device on this machine")
def test_every_example_runs_on_cuda(capsys: pytest.CaptureFixture[str]) -> None:
    for name in sorted(FAST):
        payload = _json_run(capsys, name, *FAST[name], "--device", "cuda")
        assert payload["device"].startswith("cuda")
