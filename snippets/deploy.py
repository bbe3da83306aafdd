"""Step 9 of the workflow, and serving: save a trained `Pipeline`, reload it, and predict.

The saved model reloads in any process and predicts from Python or from a CSV file.

``deploy`` writes a checkpoint that ``torch.load(..., weights_only=True)`` reads without
running pickled code, a ``torch.export`` program that needs only PyTorch, and a sample CSV;
``load_predictor`` and ``predict`` read the checkpoint back; ``read_csv_rows`` reads the
rows that ``snippets predict`` takes.
"""

# --8<-- [start:imports]
from __future__ import annotations

import csv
import io
import pickle
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import torch
from numpy.typing import ArrayLike, NDArray

from snippets import _validate as check
from snippets.workflow import Pipeline, Problem, Task, build_mlp

# --8<-- [end:imports]


@contextmanager
def _saved_by_deploy(path: Path) -> Iterator[None]:
    """Report any failure to read ``path`` back as "not a model saved by this package"."""
    try:
        yield
    except (pickle.UnpicklingError, EOFError, RuntimeError, KeyError, IndexError, TypeError,
            ValueError, AttributeError) as error:  # fmt: skip
        raise ValueError(
            f"{path} is not a model saved by this package ({type(error).__name__} while loading)"
        ) from error


# --8<-- [start:deploy]
@dataclass(frozen=True)
class DeployReport:
    """Step 9's files: the checkpoint, the exported program and a sample input."""

    directory: Path
    checkpoint: Path  # model.pt: weights, preprocessing and metadata (torch.load, weights_only)
    exported: Path  # model.pt2: a torch.export program, loadable without this package
    example_input: Path  # example_input.csv: a few rows to try the command line on


def deploy(
    pipeline: Pipeline,
    problem: Problem,
    hidden: Sequence[int],
    directory: str | Path,
    example_rows: ArrayLike,
) -> DeployReport:
    """Step 9: save the pipeline so that another process can load it and predict.

    Writes ``model.pt`` (state dict and metadata, plain tensors and built-in types, so
    ``torch.load(..., weights_only=True)`` can read it safely), ``model.pt2`` (a
    ``torch.export`` program with a dynamic batch size) and ``example_input.csv``.
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    checkpoint = {
        "format": 1,
        "problem": problem.name,
        "task": problem.task,
        "n_features": problem.n_features,
        "n_outputs": problem.n_outputs,
        "hidden": [int(h) for h in hidden],
        "feature_names": list(problem.feature_names),
        "class_names": list(problem.class_names),
        "state_dict": pipeline.state_dict(),
    }
    torch.save(checkpoint, out / "model.pt")
    example = torch.zeros(2, problem.n_features)
    batch = torch.export.Dim("batch")
    program = torch.export.export(pipeline, (example,), dynamic_shapes=({0: batch},))
    torch.export.save(program, out / "model.pt2")
    rows = np.asarray(example_rows, dtype=np.float64)
    with (out / "example_input.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(problem.feature_names)
        writer.writerows([f"{v:.6g}" for v in row] for row in rows)
    return DeployReport(out, out / "model.pt", out / "model.pt2", out / "example_input.csv")


class Predictor:
    """A reloaded pipeline behind a plain function: raw rows in, predictions out."""

    def __init__(self, pipeline: Pipeline, meta: dict[str, Any]) -> None:
        self.pipeline = pipeline.eval()
        self.task: Task = meta["task"]
        self.n_features: int = meta["n_features"]
        self.feature_names: list[str] = meta["feature_names"]
        self.class_names: list[str] = meta["class_names"]

    @torch.no_grad()
    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """Class indices (classification) or values in the target's units (regression)."""
        rows = check.array("X", X).astype(np.float32)
        if rows.ndim == 1:
            rows = rows.reshape(1, -1)
        if rows.ndim != 2 or rows.shape[1] != self.n_features:
            raise ValueError(
                f"X must have shape (n, {self.n_features}) for this model, got {rows.shape}"
            )
        outputs = self.pipeline(torch.from_numpy(rows))
        if self.task == "regression":
            predicted: NDArray[Any] = outputs[:, 0].numpy().astype(np.float64)
        elif outputs.shape[1] == 1:
            predicted = (outputs[:, 0] > 0).long().numpy()
        else:
            predicted = outputs.argmax(dim=1).numpy()
        return predicted

    def labels(self, X: ArrayLike) -> list[str]:
        """Predictions as text: class names, or numbers for regression."""
        predicted = self.predict(X)
        if self.task == "regression":
            return [f"{v:.6g}" for v in predicted]
        return [self.class_names[int(i)] for i in predicted]


def load_predictor(directory: str | Path) -> Predictor:
    """Rebuild the pipeline saved by `deploy` (in any process) and wrap it."""
    path = Path(directory) / "model.pt"
    if not path.is_file():
        raise ValueError(
            f"directory must hold a model.pt saved by deploy(), got {str(directory)!r}"
        )
    with _saved_by_deploy(path):  # a damaged or foreign file: one clear error, not torch's
        meta = torch.load(path, weights_only=True)  # only tensors and built-in types: no code
        net = build_mlp(meta["n_features"], meta["hidden"], meta["n_outputs"])
        pipeline = Pipeline(net, torch.zeros(meta["n_features"]), torch.ones(meta["n_features"]))
        pipeline.load_state_dict(meta["state_dict"])
        return Predictor(pipeline, meta)


def predict(directory: str | Path, X: ArrayLike) -> NDArray[Any]:
    """Predict with a deployed model from Python: ``predict("artifacts/model", rows)``."""
    return load_predictor(directory).predict(X)


def read_csv_rows(source: str | Path | TextIO) -> NDArray[np.float64]:
    """Read a CSV of numbers (a path or an open text stream), with or without a header line."""
    check.instance("source", source, (str, Path, io.TextIOBase), " (a path or a text stream)")
    if isinstance(source, (str, Path)):
        with Path(source).open(newline="") as f:
            return read_csv_rows(f)
    name = getattr(source, "name", "input")
    lines = [row for row in csv.reader(source) if row]
    if lines and not _is_number(lines[0][0]):
        lines = lines[1:]  # a header of feature names
    if not lines:
        raise ValueError(f"{name}: no rows of numbers found")
    if len({len(row) for row in lines}) > 1:
        raise ValueError(f"{name}: every row must have the same number of values")
    try:
        return np.array([[float(v) for v in row] for row in lines], dtype=np.float64)
    except ValueError as error:
        raise ValueError(f"{name}: every value must be a number ({error})") from None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# --8<-- [end:deploy]
