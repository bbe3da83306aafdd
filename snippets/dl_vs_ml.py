"""Deep learning vs classical machine learning, measured on small bundled datasets.

Classical models from scikit-learn (logistic regression, random forest, gradient boosting)
and a small PyTorch multilayer perceptron are trained on the same split of the same data.
For each we record test accuracy, training time and model size:

* logistic regression and the MLP: the number of learned scalar parameters (weights and biases);
* random forest and gradient boosting: the number of tree **nodes** (split nodes plus leaves),
  summed over all trees. A node stores a feature index and a threshold (a split) or a
  prediction (a leaf): a node is not one parameter, but it measures the model's size.

`size_sweep` repeats the comparison on growing training sets, to show where each
model wins. Everything is seeded and offline: the data ship with scikit-learn or are generated.
"""

# --8<-- [start:imports]
from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any, Protocol

import numpy as np
import torch
from numpy.typing import NDArray
from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    load_iris,
    load_wine,
    make_circles,
    make_moons,
)
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits
from torch import nn

from snippets import _validate as check
from snippets.architectures import MLP
from snippets.parameters import count_parameters

# --8<-- [end:imports]

Array = NDArray[np.float64]
Labels = NDArray[np.int64]


class Classifier(Protocol):
    """Anything with scikit-learn's ``fit(X, y)`` and ``predict(X)``."""

    def fit(self, X: Array, y: Labels) -> Any: ...

    def predict(self, X: Array) -> Any: ...


MODELS = ("logistic_regression", "random_forest", "gradient_boosting", "mlp")

# --8<-- [start:datasets]
DATASETS: dict[str, str] = {
    "iris": "150 flowers, 4 measurements, 3 species",
    "wine": "178 wines, 13 chemical measurements, 3 cultivars",
    "breast_cancer": "569 tumours, 30 cell-nucleus features, benign or malignant",
    "digits": "1797 handwritten digits, 8x8 = 64 pixel intensities, 10 classes",
    "moons": "400 points in 2-D, two interleaving half-moons, noise 0.25",
    "circles": "400 points in 2-D, one circle inside another, noise 0.1",
}
# --8<-- [end:datasets]


def _check_xy(X: Array, y: Labels) -> tuple[Array, Labels]:
    X = check.array("X", X, ndim=2)
    y = np.asarray(y)
    if y.ndim != 1 or len(X) != len(y) or len(y) == 0:
        raise ValueError(
            f"X must have shape (n, d) and y shape (n,) with n > 0, got X {X.shape}, y {y.shape}"
        )
    if not np.issubdtype(y.dtype, np.integer) or y.min() < 0:
        raise ValueError(
            f"y must hold integer class labels 0..k-1, got dtype {y.dtype}, min {y.min()}"
        )
    return X, y.astype(np.int64)


def load_dataset(name: str, seed: int = 0) -> tuple[Array, Labels]:
    """Return ``(X, y)`` for a dataset named in ``DATASETS``; nothing is downloaded.

    Args:
        name: a key of ``DATASETS``.
        seed: seeds the noise of the generated datasets (moons, circles).

    Raises:
        ValueError: for an unknown name or a negative seed.

    Example:
        >>> X, y = load_dataset("iris")
        >>> X.shape, sorted(set(y.tolist()))
        ((150, 4), [0, 1, 2])
    """
    check.choice("name", name, DATASETS)
    check.seed(seed)
    loaders: dict[str, Callable[[], tuple[Array, Labels]]] = {
        "iris": lambda: load_iris(return_X_y=True),
        "wine": lambda: load_wine(return_X_y=True),
        "breast_cancer": lambda: load_breast_cancer(return_X_y=True),
        "digits": lambda: load_digits(return_X_y=True),
        "moons": lambda: make_moons(400, noise=0.25, random_state=seed),
        "circles": lambda: make_circles(400, noise=0.1, factor=0.5, random_state=seed),
    }
    X, y = loaders[name]()
    return np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.int64)


@contextmanager
def single_threaded() -> Iterator[None]:
    """Run the enclosed code on one CPU thread (BLAS, OpenMP and PyTorch), then restore.

    Every model is timed this way, so that timings compare algorithms, not thread pools.
    On datasets this small, extra threads cost more in synchronisation than they save,
    and on a busy machine they can make training many times slower.

    Example:
        >>> with single_threaded():
        ...     torch.get_num_threads()
        1
    """
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(limits=1):
            yield
    finally:
        torch.set_num_threads(previous)


def _check_mlp_settings(
    hidden: Sequence[int],
    steps: int,
    batch_size: int,
    learning_rate: float,
    weight_decay: float,
    seed: int,
) -> None:
    check.sizes("hidden", hidden, minimum_length=0)
    check.positive_ints(steps=steps, batch_size=batch_size)
    check.number("learning_rate", learning_rate, low=0, low_open=True)
    check.number("weight_decay", weight_decay, low=0)
    check.seed(seed)


# --8<-- [start:torch_mlp]
class TorchMLPClassifier:
    """A small PyTorch MLP with scikit-learn's ``fit`` / ``predict`` interface.

    Inputs are standardised (mean and scale fitted on the training data only), then
    `snippets.architectures.MLP` is trained with Adam on the cross-entropy loss for a
    fixed number of mini-batch steps (not epochs, so that a small training set still gets
    enough updates).

    Args:
        hidden: widths of the hidden layers.
        steps: number of mini-batch updates.
        batch_size: examples per update (fewer if the training set is smaller).
        learning_rate: Adam's step size.
        weight_decay: L2 penalty, as ``torch.optim.Adam`` applies it.
        seed: seeds the initial weights and the batch order.

    Example:
        >>> X, y = load_dataset("iris")
        >>> model = TorchMLPClassifier(steps=100).fit(X, y)
        >>> bool((model.predict(X) == y).mean() > 0.9), model.n_parameters
        (True, 1315)
    """

    def __init__(
        self,
        hidden: Sequence[int] = (32, 32),
        steps: int = 100,
        batch_size: int = 128,
        learning_rate: float = 1e-2,
        weight_decay: float = 0.0,
        seed: int = 0,
    ) -> None:
        _check_mlp_settings(hidden, steps, batch_size, learning_rate, weight_decay, seed)
        self.hidden, self.steps, self.batch_size = tuple(hidden), steps, batch_size
        self.learning_rate, self.weight_decay, self.seed = learning_rate, weight_decay, seed
        self.scaler: StandardScaler | None = None
        self.net: nn.Module | None = None

    def fit(self, X: Array, y: Labels) -> TorchMLPClassifier:
        """Train on features ``X`` of shape (n, d) and integer labels ``y`` in 0..k-1."""
        X, y = _check_xy(X, y)
        self.scaler = StandardScaler().fit(X)
        inputs = torch.tensor(self.scaler.transform(X), dtype=torch.float32)
        targets = torch.as_tensor(y, dtype=torch.long)
        # fork_rng: seed the weights without changing the caller's global random state.
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(self.seed)
            net = MLP((X.shape[1], *self.hidden, int(targets.max()) + 1))
        optimizer = torch.optim.Adam(
            net.parameters(), lr=self.learning_rate, weight_decay=self.weight_decay
        )
        order = torch.Generator().manual_seed(self.seed)
        batch = min(self.batch_size, len(targets))
        step = 0
        with single_threaded():  # a network this small gains nothing from more threads
            while step < self.steps:
                shuffled = torch.randperm(len(targets), generator=order)
                for idx in shuffled[: len(shuffled) - len(shuffled) % batch].view(-1, batch):
                    loss = nn.functional.cross_entropy(net(inputs[idx]), targets[idx])
                    optimizer.zero_grad()
                    loss.backward()
                    optimizer.step()
                    step += 1
                    if step == self.steps:
                        break
        self.net = net
        return self

    def predict(self, X: Array) -> Labels:
        """Predicted class of each row of ``X``."""
        if self.net is None or self.scaler is None:
            raise RuntimeError("call fit(X, y) before predict(X)")
        X = check.array("X", X, ndim=2)
        expected = self.scaler.n_features_in_
        if X.shape[1] != expected:
            raise ValueError(f"X must have shape (n, {expected}), got shape {X.shape}")
        with torch.no_grad():
            logits = self.net(torch.tensor(self.scaler.transform(X), dtype=torch.float32))
        predicted: Labels = logits.argmax(dim=1).numpy().astype(np.int64)
        return predicted

    @property
    def n_parameters(self) -> int:
        """Learned weights and biases: ``sum(p.numel() for p in net.parameters())``."""
        if self.net is None:
            raise RuntimeError("the network exists only after fit(X, y)")
        return count_parameters(self.net)


# --8<-- [end:torch_mlp]


# --8<-- [start:models]
def make_model(name: str, seed: int = 0) -> Classifier:
    """A fresh, untrained classifier named in ``MODELS``, with small, fixed settings.

    Raises:
        ValueError: for an unknown name or a negative seed.

    Example:
        >>> type(make_model("random_forest")).__name__
        'RandomForestClassifier'
    """
    seed = check.seed(seed)
    factories: dict[str, Callable[[], Classifier]] = {
        # Linear models need standardised inputs; trees split on thresholds and do not.
        "logistic_regression": lambda: make_pipeline(
            StandardScaler(), LogisticRegression(max_iter=1000)
        ),
        "random_forest": lambda: RandomForestClassifier(
            n_estimators=50, random_state=seed, n_jobs=1
        ),
        "gradient_boosting": lambda: GradientBoostingClassifier(
            n_estimators=30, max_depth=3, random_state=seed
        ),
        "mlp": lambda: TorchMLPClassifier(seed=seed),
    }
    return factories[check.choice("name", name, MODELS)]()


def model_size(model: Classifier) -> tuple[int, str]:
    """How big a fitted model is, and in what unit (``"parameters"`` or ``"tree nodes"``).

    Example:
        >>> X, y = load_dataset("iris")
        >>> model_size(make_model("logistic_regression").fit(X, y))  # 3 classes x (4 + 1)
        (15, 'parameters')
    """
    if isinstance(model, TorchMLPClassifier):
        return model.n_parameters, "parameters"
    if isinstance(model, RandomForestClassifier):
        return sum(tree.tree_.node_count for tree in model.estimators_), "tree nodes"
    if isinstance(model, GradientBoostingClassifier):
        # One regression tree per class (one in all for two classes) per boosting stage.
        return sum(tree.tree_.node_count for tree in model.estimators_.ravel()), "tree nodes"
    if isinstance(model, Pipeline) and isinstance(model[-1], LogisticRegression):
        linear = model[-1]  # the scaler before it has statistics, not learned parameters
        return int(linear.coef_.size + linear.intercept_.size), "parameters"
    raise TypeError(f"model must be one made by make_model, got {type(model).__name__}")


# --8<-- [end:models]


@dataclass(frozen=True)
class Result:
    """One model trained and tested on one dataset."""

    dataset: str
    model: str
    accuracy: float
    train_seconds: float
    size: int
    size_unit: str
    n_train: int
    n_test: int


def _split(name: str, seed: int, test_size: float) -> tuple[Array, Array, Labels, Labels]:
    check.fractions(test_size=test_size)
    X, y = load_dataset(name, seed)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=seed, stratify=y
    )
    return X_train, X_test, y_train, y_test


def _warm_up() -> None:
    # The first PyTorch optimizer built in a process imports its compiler stack (about a
    # second); a throwaway fit keeps that one-off cost out of the first timing.
    TorchMLPClassifier(hidden=(2,), steps=1).fit(np.zeros((2, 1)), np.array([0, 1]))


def fit_and_score(
    name: str, seed: int, X_train: Array, y_train: Labels, X_test: Array, y_test: Labels
) -> tuple[float, float, Classifier]:
    """Train model ``name`` on one CPU thread; return (test accuracy, training seconds, model).

    Example:
        >>> X, y = load_dataset("iris")
        >>> accuracy, seconds, model = fit_and_score("random_forest", 0, X, y, X, y)
        >>> accuracy, seconds > 0
        (1.0, True)
    """
    X_train, y_train = _check_xy(X_train, y_train)
    X_test, y_test = _check_xy(X_test, y_test)
    model = make_model(name, seed)
    with single_threaded():
        start = time.perf_counter()
        model.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        accuracy = float(np.mean(model.predict(X_test) == y_test))
    return accuracy, seconds, model


def _check_compare_settings(
    datasets: Sequence[str], models: Sequence[str], seed: int, test_size: float
) -> None:
    check.strings("datasets", datasets, DATASETS)
    check.strings("models", models, MODELS)
    check.seed(seed)
    check.fractions(test_size=test_size)


# --8<-- [start:compare]
def compare(
    datasets: Sequence[str] = tuple(DATASETS),
    models: Sequence[str] = ("logistic_regression", "random_forest", "mlp"),
    seed: int = 0,
    test_size: float = 0.25,
) -> list[Result]:
    """Train every model on every dataset (same stratified split) and test it.

    Args:
        datasets: names from ``DATASETS``.
        models: names from ``MODELS``.
        seed: seeds the split, the generated data and every model.
        test_size: fraction of each dataset held out for testing.

    Returns:
        One `Result` per (dataset, model), in the order given.

    Raises:
        ValueError: for an unknown name, an empty list, a bad seed or test_size.

    Example:
        >>> for r in compare(["iris"], ["logistic_regression", "mlp"]):
        ...     print(r.dataset, r.model, r.accuracy > 0.9)
        iris logistic_regression True
        iris mlp True
    """
    _check_compare_settings(datasets, models, seed, test_size)
    _warm_up()
    results = []
    for data in datasets:
        X_train, X_test, y_train, y_test = _split(data, seed, test_size)
        for name in models:
            accuracy, seconds, model = fit_and_score(name, seed, X_train, y_train, X_test, y_test)
            size, unit = model_size(model)
            results.append(
                Result(data, name, accuracy, seconds, size, unit, len(y_train), len(y_test))
            )
    return results


# --8<-- [end:compare]


def compare_three_datasets(seed: int = 0) -> dict[str, Any]:
    """The CLI's ``dl-vs-ml`` example: `compare` on three datasets, and the best model of each.

    Example:
        >>> rows = compare_three_datasets(seed=0)["results"]
        >>> all(row["accuracy"] > 0.8 for row in rows)
        True
    """
    results = compare(("wine", "breast_cancer", "moons"), seed=seed)
    best = {}
    for dataset in dict.fromkeys(r.dataset for r in results):
        rows = [r for r in results if r.dataset == dataset]
        top = max(rows, key=lambda r: r.accuracy)
        best[dataset] = f"{top.model} ({top.accuracy:.3f})"
    return {"best": best, "results": [asdict(result) for result in results]}


def _check_results(results: Sequence[Result]) -> None:
    if isinstance(results, (str, bytes)) or not isinstance(results, Sequence):
        raise TypeError(f"results must be a list of Result from compare(), got {results!r}")
    for i, result in enumerate(results):
        check.instance(f"results[{i}]", result, Result, " from compare()")


def format_results(results: Sequence[Result]) -> str:
    """A plain-text table of `compare`'s results, one row per (dataset, model).

    Example:
        >>> row = Result("iris", "mlp", 0.97, 0.1234, 1315, "parameters", 112, 38)
        >>> print(format_results([row]))
        dataset  model  test acc.  train time  size
        -------  -----  ---------  ----------  ---------------
        iris     mlp        0.970    123.4 ms  1315 parameters
    """
    _check_results(results)
    rows: list[tuple[str, ...]] = [("dataset", "model", "test acc.", "train time", "size")]
    for r in results:
        rows.append(
            (
                r.dataset,
                r.model,
                f"{r.accuracy:.3f}",
                f"{1000 * r.train_seconds:.1f} ms",
                f"{r.size} {r.size_unit}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    rows.insert(1, tuple("-" * w for w in widths))
    right = {2, 3}  # numbers are right-aligned
    lines = [
        "  ".join(
            c.rjust(w) if i in right and k > 1 else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        for k, row in enumerate(rows)
    ]
    return "\n".join(line.rstrip() for line in lines)


def summarize(results: Sequence[Result]) -> str:
    """Per dataset: the most accurate model(s), how many test examples separate the best
    model from the worst, and how many times as long the slowest took to train as the fastest.

    Example:
        >>> rows = [Result("iris", "mlp", 0.95, 0.5, 1315, "parameters", 110, 40),
        ...         Result("iris", "logistic_regression", 1.0, 0.01, 15, "parameters", 110, 40)]
        >>> print(summarize(rows))
        iris: best 1.000 by logistic_regression
          best - worst = 2 test example(s)
          training: mlp took 50x as long as logistic_regression
    """
    _check_results(results)
    lines = []
    for dataset in dict.fromkeys(r.dataset for r in results):
        rows = [r for r in results if r.dataset == dataset]
        best = max(r.accuracy for r in rows)
        winners = ", ".join(r.model for r in rows if r.accuracy == best)
        spread = round((best - min(r.accuracy for r in rows)) * rows[0].n_test)
        slow = max(rows, key=lambda r: r.train_seconds)
        fast = min(rows, key=lambda r: r.train_seconds)
        ratio = slow.train_seconds / fast.train_seconds
        lines += [
            f"{dataset}: best {best:.3f} by {winners}",
            f"  best - worst = {spread} test example(s)",
            f"  training: {slow.model} took {ratio:.0f}x as long as {fast.model}",
        ]
    return "\n".join(lines)


@dataclass(frozen=True)
class SizeSweep:
    """Test accuracy against training-set size: plain lists, ready to print or plot.

    ``accuracy[model][i]`` is the mean over ``repeats`` random subsets of size ``sizes[i]``,
    and ``accuracy_std[model][i]`` their standard deviation; all tested on the same held-out set.
    """

    dataset: str
    sizes: list[int]
    accuracy: dict[str, list[float]]
    accuracy_std: dict[str, list[float]]
    n_test: int
    repeats: int


def _check_sweep_settings(dataset: str, models: Sequence[str], repeats: int, seed: int) -> None:
    check.choice("dataset", dataset, DATASETS)
    check.strings("models", models, MODELS)
    check.positive_int("repeats", repeats)
    check.integer("seed", seed, low=0, high=check.SEED_MAX - repeats)  # seeds seed..seed+repeats


# --8<-- [start:size_sweep]
def size_sweep(
    dataset: str = "digits",
    sizes: Sequence[int] = (25, 50, 100, 200, 400, 800),
    models: Sequence[str] = ("logistic_regression", "random_forest", "mlp"),
    repeats: int = 1,
    seed: int = 0,
    test_size: float = 0.25,
) -> SizeSweep:
    """Train each model on growing, stratified subsets of the training split.

    Args:
        dataset: a name from ``DATASETS``.
        sizes: training-set sizes; each at least the number of classes and at most the
            size of the training split.
        models: names from ``MODELS``.
        repeats: how many random subsets (and model seeds) per size; accuracies are averaged.
        seed: seeds the split, the subsets and the models.
        test_size: fraction of the dataset held out for testing (the same for every size).

    Raises:
        ValueError: for unknown names, sizes out of range, or ``repeats`` < 1.

    Example:
        >>> sweep = size_sweep("iris", sizes=(10, 100), models=("mlp",), repeats=1)
        >>> sweep.sizes, len(sweep.accuracy["mlp"])
        ([10, 100], 2)
    """
    _check_sweep_settings(dataset, models, repeats, seed)
    X_pool, X_test, y_pool, y_test = _split(dataset, seed, test_size)
    n_classes = len(np.unique(y_pool))
    pool = len(y_pool)
    # A stratified subset needs one example of each class in it and in what is left over.
    if len(sizes) == 0 or not all(
        isinstance(n, int)
        and not isinstance(n, bool)
        and (n_classes <= n <= pool - n_classes or n == pool)
        for n in sizes
    ):
        raise ValueError(
            f"sizes must be integers from {n_classes} (one per class) to {pool - n_classes}, "
            f"or {pool} (the whole training split of {dataset!r}), got {sizes!r}"
        )
    _warm_up()
    scores = {m: np.zeros((len(sizes), repeats)) for m in models}
    for i, n in enumerate(sizes):
        for r in range(repeats):
            if n < pool:
                X_train, _, y_train, _ = train_test_split(
                    X_pool, y_pool, train_size=n, random_state=seed + r, stratify=y_pool
                )
            else:
                X_train, y_train = X_pool, y_pool
            for m in models:
                scores[m][i, r], _, _ = fit_and_score(m, seed + r, X_train, y_train, X_test, y_test)
    return SizeSweep(
        dataset,
        list(sizes),
        {m: s.mean(axis=1).tolist() for m, s in scores.items()},
        {m: s.std(axis=1).tolist() for m, s in scores.items()},
        len(y_test),
        repeats,
    )


# --8<-- [end:size_sweep]
