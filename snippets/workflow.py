"""The nine steps of a deep-learning project as one pipeline, each step a visible function.

    define_problem -> prepare_data -> choose_architecture -> choose_loss -> choose_optimizer
    -> train -> tune -> evaluate -> deploy

It runs on bundled or generated data, so nothing downloads: ``"breast-cancer"`` (binary
classification), ``"wine"`` (three classes) and ``"friedman"`` (regression on Friedman's
function #1 with Gaussian noise of known standard deviation, so the best achievable error
is known). The test split is sealed in a `SealedTestSet` that records every access and
opens only once: the tests assert that nothing looks at it before the test step.
"""

# --8<-- [start:imports]
from __future__ import annotations

import copy
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import torch
from numpy.typing import ArrayLike, NDArray
from sklearn.datasets import load_breast_cancer, load_wine, make_friedman1
from sklearn.model_selection import train_test_split
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from snippets import _validate as check
from snippets.device import get_device, seed_everything

# --8<-- [end:imports]

if TYPE_CHECKING:  # step 9 lives in snippets.deploy, which imports this module
    from snippets.deploy import DeployReport

Task = Literal["classification", "regression"]
Progress = Callable[[int, int, str], None]
"""Called as ``progress(done, total, label)`` after each step (the CLI draws a bar with it)."""

FRIEDMAN_NOISE = 1.0
"""Standard deviation of the noise added to Friedman #1: no model can beat this RMSE on average."""

STEPS = (
    "define_problem", "prepare_data", "choose_architecture", "choose_loss",
    "choose_optimizer", "train", "tune", "test", "deploy",
)  # fmt: skip


# --8<-- [start:define_problem]
@dataclass(frozen=True, eq=False)
class Problem:
    """Step 1's answer: which data, which task, and how success is measured."""

    name: str
    task: Task
    X: NDArray[np.float64]
    y: NDArray[Any]  # int64 class indices, or float64 targets
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...] = ()  # empty for regression
    noise_std: float | None = None  # known only for generated data

    @property
    def n_features(self) -> int:
        return int(self.X.shape[1])

    @property
    def n_outputs(self) -> int:
        """One output for regression and for two classes (a single logit), else one per class."""
        return len(self.class_names) if len(self.class_names) > 2 else 1

    @property
    def metric(self) -> str:
        return "accuracy" if self.task == "classification" else "rmse"


def _friedman() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    return make_friedman1(n_samples=1000, n_features=5, noise=FRIEDMAN_NOISE, random_state=0)


def define_problem(name: str = "breast-cancer") -> Problem:
    """Step 1: say what is predicted from what, and which kind of task that is.

    Args:
        name: ``"breast-cancer"`` (569 tumours, 30 measurements, malignant or benign),
            ``"wine"`` (178 wines, 13 measurements, 3 cultivars) or ``"friedman"``
            (1,000 points, 5 features, a continuous target with noise of known size).

    Raises:
        ValueError: for any other name.

    Example:
        >>> problem = define_problem("wine")
        >>> problem.task, problem.X.shape, problem.class_names
        ('classification', (178, 13), ('class_0', 'class_1', 'class_2'))
    """
    check.choice("name", name, ("breast-cancer", "wine", "friedman"))
    if name in ("breast-cancer", "wine"):
        bunch = load_breast_cancer() if name == "breast-cancer" else load_wine()
        return Problem(
            name=name,
            task="classification",
            X=bunch.data.astype(np.float64),
            y=bunch.target.astype(np.int64),
            feature_names=tuple(str(f) for f in bunch.feature_names),
            class_names=tuple(str(c) for c in bunch.target_names),
        )
    X, y = _friedman()
    return Problem(
        name=name,
        task="regression",
        X=X,
        y=y.astype(np.float64),
        feature_names=tuple(f"x{i}" for i in range(1, X.shape[1] + 1)),
        noise_std=FRIEDMAN_NOISE,
    )


# --8<-- [end:define_problem]


def _check_split_settings(problem: Problem, val_fraction: float, test_fraction: float) -> None:
    check.instance("problem", problem, Problem, " from define_problem()")
    check.fractions(val_fraction=val_fraction, test_fraction=test_fraction)


# --8<-- [start:prepare_data]
@dataclass(frozen=True, eq=False)
class Standardizer:
    """Subtract a mean and divide by a standard deviation, both learned from training data."""

    mean: NDArray[np.float64]
    scale: NDArray[np.float64]

    @classmethod
    def fit(cls, a: NDArray[np.float64]) -> Standardizer:
        scale = a.std(axis=0)
        scale[scale == 0.0] = 1.0  # a constant column stays constant instead of dividing by 0
        return cls(a.mean(axis=0), scale)

    def transform(self, a: NDArray[np.float64]) -> NDArray[np.float32]:
        return ((a - self.mean) / self.scale).astype(np.float32)

    def inverse_transform(self, a: ArrayLike) -> NDArray[np.float64]:
        return np.asarray(a, dtype=np.float64) * self.scale + self.mean


class SealedTestSet:
    """The held-out test split, sealed until the test step.

    ``open(purpose)`` hands out the raw inputs and targets, records ``purpose`` in
    ``accesses``, and refuses a second opening: a test set used to make decisions is
    no longer a test set.
    """

    def __init__(self, X: NDArray[np.float64], y: NDArray[Any]) -> None:
        self._X, self._y = X, y
        self.accesses: list[str] = []

    def __len__(self) -> int:
        return len(self._y)  # the size is public; the contents are not

    def open(self, purpose: str) -> tuple[NDArray[np.float64], NDArray[Any]]:
        if self.accesses:
            raise RuntimeError(
                f"the test set was already opened for {self.accesses[0]!r}; "
                "evaluate on it once, after every decision is made"
            )
        self.accesses.append(purpose)
        return self._X, self._y


@dataclass(frozen=True, eq=False)
class PreparedData:
    """Step 2's output: standardised train and validation arrays, and the sealed test set."""

    X_train: NDArray[np.float32]
    y_train: NDArray[Any]
    X_val: NDArray[np.float32]
    y_val: NDArray[Any]
    test: SealedTestSet
    x_scaler: Standardizer
    y_scaler: Standardizer | None  # regression targets are standardised too


def prepare_data(
    problem: Problem, seed: int = 0, val_fraction: float = 0.2, test_fraction: float = 0.2
) -> PreparedData:
    """Step 2: split into train / validation / test, then standardise with train statistics.

    The test split is set aside first and sealed, raw. The scalers are fitted on the
    training split only: fitting them on all the data would leak the validation and test
    sets' means and spreads into training (data leakage). Classification splits are
    stratified so that each keeps the class proportions.

    Example:
        >>> data = prepare_data(define_problem("breast-cancer"), seed=0)
        >>> data.X_train.shape, data.X_val.shape, len(data.test), data.test.accesses
        ((364, 30), (91, 30), 114, [])
    """
    _check_split_settings(problem, val_fraction, test_fraction)
    stratify = problem.y if problem.task == "classification" else None
    X_rest, X_test, y_rest, y_test = train_test_split(
        problem.X,
        problem.y,
        test_size=test_fraction,
        random_state=check.seed(seed),
        stratify=stratify,
    )
    stratify = y_rest if problem.task == "classification" else None
    X_train, X_val, y_train, y_val = train_test_split(
        X_rest, y_rest, test_size=val_fraction, random_state=seed, stratify=stratify
    )
    x_scaler = Standardizer.fit(X_train)
    y_scaler = None
    if problem.task == "regression":
        y_scaler = Standardizer.fit(y_train.reshape(-1, 1))
        y_train = y_scaler.transform(y_train.reshape(-1, 1))
        y_val = y_scaler.transform(y_val.reshape(-1, 1))
    elif problem.n_outputs == 1:  # one logit: BCE wants float targets of shape (n, 1)
        y_train = y_train.astype(np.float32).reshape(-1, 1)
        y_val = y_val.astype(np.float32).reshape(-1, 1)
    X_train, X_val = x_scaler.transform(X_train), x_scaler.transform(X_val)
    test_set = SealedTestSet(X_test, y_test)
    return PreparedData(X_train, y_train, X_val, y_val, test_set, x_scaler, y_scaler)


# --8<-- [end:prepare_data]


# --8<-- [start:choose_architecture]
def build_mlp(n_inputs: int, hidden: Sequence[int], n_outputs: int) -> nn.Sequential:
    """Linear + ReLU for each hidden width, then a plain ``Linear`` output layer.

    The output layer has no activation on purpose. For classification it emits logits
    (the loss applies sigmoid or softmax itself, in a numerically stable way); for
    regression a linear output can take any real value, which a ReLU output cannot.

    Example:
        >>> build_mlp(4, [8], 1)
        Sequential(
          (0): Linear(in_features=4, out_features=8, bias=True)
          (1): ReLU()
          (2): Linear(in_features=8, out_features=1, bias=True)
        )
    """
    check.widths(n_inputs=n_inputs, n_outputs=n_outputs)
    layers: list[nn.Module] = []
    width = n_inputs
    for h in check.sizes("hidden", hidden, minimum_length=0, high=check.MAX_WIDTH):
        layers += [nn.Linear(width, h), nn.ReLU()]
        width = h
    layers.append(nn.Linear(width, n_outputs))
    return nn.Sequential(*layers)


def choose_architecture(problem: Problem, hidden: Sequence[int] = (32,)) -> nn.Sequential:
    """Step 3: tabular data of a few dozen features calls for a small fully connected network.

    Example:
        >>> choose_architecture(define_problem("wine"), hidden=(16,))[-1]
        Linear(in_features=16, out_features=3, bias=True)
    """
    check.instance("problem", problem, Problem, " from define_problem()")
    return build_mlp(problem.n_features, hidden, problem.n_outputs)


# --8<-- [end:choose_architecture]


# --8<-- [start:choose_loss]
def choose_loss(problem: Problem) -> nn.Module:
    """Step 4: the loss that matches the output layer and the task.

    Example:
        >>> names = ("breast-cancer", "wine", "friedman")
        >>> print(*(type(choose_loss(define_problem(n))).__name__ for n in names))
        BCEWithLogitsLoss CrossEntropyLoss MSELoss
    """
    check.instance("problem", problem, Problem, " from define_problem()")
    if problem.task == "regression":
        return nn.MSELoss()
    if problem.n_outputs == 1:
        return nn.BCEWithLogitsLoss()  # sigmoid + binary cross-entropy, fused for stability
    return nn.CrossEntropyLoss()  # softmax + cross-entropy over the classes, fused


# --8<-- [end:choose_loss]


def _optimizer_settings(
    model: nn.Module, name: str, lr: float, weight_decay: float
) -> tuple[float, float]:
    check.instance("model", model, nn.Module)
    check.choice("name", name, OPTIMIZERS)
    return check.number("lr", lr, low=0, low_open=True), check.number(
        "weight_decay", weight_decay, low=0
    )


# --8<-- [start:choose_optimizer]
OPTIMIZERS: dict[str, Callable[..., torch.optim.Optimizer]] = {
    "sgd": lambda params, lr, wd: torch.optim.SGD(params, lr=lr, momentum=0.9, weight_decay=wd),
    "rmsprop": lambda params, lr, wd: torch.optim.RMSprop(params, lr=lr, weight_decay=wd),
    "adam": lambda params, lr, wd: torch.optim.Adam(params, lr=lr, weight_decay=wd),
    "adamw": lambda params, lr, wd: torch.optim.AdamW(params, lr=lr, weight_decay=wd),
}


def choose_optimizer(
    model: nn.Module, name: str = "adam", lr: float = 1e-3, weight_decay: float = 0.0
) -> torch.optim.Optimizer:
    """Step 5: the algorithm that uses the gradients to update the weights.

    Example:
        >>> type(choose_optimizer(nn.Linear(2, 1), "sgd", lr=0.1)).__name__
        'SGD'
    """
    lr, weight_decay = _optimizer_settings(model, name, lr, weight_decay)
    return OPTIMIZERS[name](model.parameters(), lr, weight_decay)


# --8<-- [end:choose_optimizer]


def _score(problem: Problem, outputs: torch.Tensor, y: torch.Tensor) -> float:
    """Accuracy for classification; RMSE in the target's own units for regression."""
    if problem.task == "regression":
        return float(torch.sqrt(torch.mean((outputs - y) ** 2)).item())
    if problem.n_outputs == 1:
        predicted = (outputs > 0).long().reshape(-1)  # logit > 0  <=>  probability > 0.5
    else:
        predicted = outputs.argmax(dim=1)
    return int((predicted == y.reshape(-1).long()).sum().item()) / len(y)


@torch.no_grad()
def _validate(
    model: nn.Module, problem: Problem, data: PreparedData, loss_fn: nn.Module, dev: torch.device
) -> tuple[float, float]:
    model.eval()
    X_val, y_val = torch.from_numpy(data.X_val).to(dev), torch.from_numpy(data.y_val).to(dev)
    outputs = model(X_val)
    loss = float(loss_fn(outputs, y_val).item())
    if data.y_scaler is not None:  # report the validation RMSE in the target's units
        scale = torch.as_tensor(data.y_scaler.scale, dtype=outputs.dtype, device=dev)
        return loss, _score(problem, outputs * scale, y_val * scale)
    return loss, _score(problem, outputs, y_val)


# --8<-- [start:train]
@dataclass(frozen=True)
class TrainReport:
    """Step 6's record: per-epoch losses, and where early stopping found the best model."""

    train_loss: tuple[float, ...]
    val_loss: tuple[float, ...]
    val_metric: tuple[float, ...]
    best_epoch: int
    stopped_early: bool

    @property
    def best_val_loss(self) -> float:
        return self.val_loss[self.best_epoch - 1]

    @property
    def best_val_metric(self) -> float:
        return self.val_metric[self.best_epoch - 1]


def early_stopping(val_loss: Sequence[float], patience: int) -> tuple[int, int | None]:
    """The epoch (1-based) whose weights early stopping keeps, and the epoch it stops at.

    Keep the weights of the epoch with the lowest validation loss so far; stop once
    ``patience`` epochs pass without a new lowest. The stop is ``None`` while that has
    not happened (training goes on, or ends at its last epoch).

    Example:
        >>> early_stopping([0.9, 0.5, 0.6, 0.4, 0.7, 0.8, 0.9], patience=2)
        (4, 6)
        >>> early_stopping([0.9, 0.5, 0.4], patience=2)
        (3, None)
    """
    check.positive_int("patience", patience)
    val_loss = list(check.array("val_loss", val_loss, ndim=1, non_empty=True))  # nan: diverged
    best = 1
    for epoch, loss in enumerate(val_loss, start=1):
        if loss < val_loss[best - 1]:
            best = epoch
        elif epoch - best >= patience:
            return best, epoch
    return best, None


def train(
    model: nn.Module,
    problem: Problem,
    data: PreparedData,
    loss_fn: nn.Module,
    optimizer: torch.optim.Optimizer,
    *,
    max_epochs: int = 50,
    batch_size: int = 64,
    patience: int = 10,
    seed: int = 0,
    device: torch.device | None = None,
) -> TrainReport:
    """Step 6: mini-batch training with validation after each epoch and early stopping.

    After every epoch the validation loss is measured. The weights of the best epoch so
    far are kept aside; when ``patience`` epochs pass without improvement training stops,
    and the best weights are put back. The validation set thus chooses the stopping
    epoch, a hyperparameter, so its score is slightly optimistic: only the test set,
    untouched until step 8, gives an unbiased estimate.
    """
    check.positive_ints(max_epochs=max_epochs, batch_size=batch_size, patience=patience)
    dev = device or torch.device("cpu")
    model.to(dev)
    loader = DataLoader(
        TensorDataset(torch.from_numpy(data.X_train), torch.from_numpy(data.y_train)),
        batch_size=batch_size,
        shuffle=True,
        generator=torch.Generator().manual_seed(check.seed(seed)),
    )
    train_losses: list[float] = []
    val_losses: list[float] = []
    val_metrics: list[float] = []
    best_state, best_epoch = copy.deepcopy(model.state_dict()), 1
    for epoch in range(1, max_epochs + 1):
        model.train()
        total = 0.0
        for xb, yb in loader:
            xb, yb = xb.to(dev), yb.to(dev)
            loss = loss_fn(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(yb)
        train_losses.append(total / len(data.y_train))
        val_loss, val_metric = _validate(model, problem, data, loss_fn, dev)
        check.diverged(val_loss, epoch, optimizer.param_groups[0]["lr"])  # nan is never best
        val_losses.append(val_loss)
        val_metrics.append(val_metric)
        best_epoch, stop = early_stopping(val_losses, patience)
        if best_epoch == epoch:
            best_state = copy.deepcopy(model.state_dict())
        elif stop is not None:
            break
    model.load_state_dict(best_state)  # early stopping: return the best model, not the last
    return TrainReport(
        tuple(train_losses),
        tuple(val_losses),
        tuple(val_metrics),
        best_epoch,
        stopped_early=len(val_losses) < max_epochs,
    )


# --8<-- [end:train]


# --8<-- [start:tune]
@dataclass(frozen=True)
class Trial:
    """One hyperparameter setting and its validation result."""

    lr: float
    hidden: tuple[int, ...]
    val_loss: float
    val_metric: float
    best_epoch: int


@dataclass(frozen=True, eq=False)
class TuneReport:
    """Step 7's record: every trial, the best one by validation loss, and its trained model."""

    trials: tuple[Trial, ...]
    best: Trial
    model: nn.Sequential = field(repr=False)


def tune(
    problem: Problem,
    data: PreparedData,
    *,
    lrs: Sequence[float] = (3e-3, 3e-2),
    hiddens: Sequence[Sequence[int]] = ((16,), (64,)),
    max_epochs: int = 50,
    seed: int = 0,
    device: torch.device | None = None,
) -> TuneReport:
    """Step 7: a small grid search, every candidate judged on the validation set only.

    Each setting is trained from the same seed with early stopping, and the one with the
    lowest validation loss wins (the loss is continuous, so it separates settings that
    a small validation set scores with the same accuracy). The test set stays sealed.
    """
    check.non_empty(lrs=lrs, hiddens=hiddens)
    trials: list[Trial] = []
    best_model: nn.Sequential | None = None
    for hidden in hiddens:
        for lr in lrs:
            seed_everything(seed)  # same initial-weight stream for every candidate
            model = choose_architecture(problem, hidden)
            loss_fn = choose_loss(problem)
            optimizer = choose_optimizer(model, "adam", lr)
            report = train(
                model,
                problem,
                data,
                loss_fn,
                optimizer,
                max_epochs=max_epochs,
                seed=seed,
                device=device,
            )
            scores = (report.best_val_loss, report.best_val_metric, report.best_epoch)
            trials.append(Trial(lr, tuple(hidden), *scores))
            if best_model is None or trials[-1].val_loss < min(t.val_loss for t in trials[:-1]):
                best_model = model
    assert best_model is not None
    best = min(trials, key=lambda t: t.val_loss)
    return TuneReport(tuple(trials), best, best_model)


# --8<-- [end:tune]


# --8<-- [start:pipeline]
class Pipeline(nn.Module):
    """What ships: preprocessing, the trained network and output scaling in one module.

    It takes raw measurements (float32, shape ``(n, n_features)``) and returns logits for
    classification, or predictions in the target's own units for regression. Keeping the
    scaler's statistics inside the saved model means a user cannot forget to apply them.
    """

    def __init__(
        self,
        net: nn.Sequential,
        x_mean: ArrayLike,
        x_scale: ArrayLike,
        y_mean: float = 0.0,
        y_scale: float = 1.0,
    ) -> None:
        super().__init__()
        self.net = net
        self.register_buffer("x_mean", torch.as_tensor(x_mean, dtype=torch.float32))
        self.register_buffer("x_scale", torch.as_tensor(x_scale, dtype=torch.float32))
        self.register_buffer("y_mean", torch.tensor(float(y_mean)))
        self.register_buffer("y_scale", torch.tensor(float(y_scale)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x_mean, x_scale = self.get_buffer("x_mean"), self.get_buffer("x_scale")
        y_mean, y_scale = self.get_buffer("y_mean"), self.get_buffer("y_scale")
        return self.net((x - x_mean) / x_scale) * y_scale + y_mean


def bundle(net: nn.Sequential, data: PreparedData) -> Pipeline:
    """Wrap a trained network with the preprocessing fitted in step 2 (on CPU)."""
    y_mean, y_scale = 0.0, 1.0
    if data.y_scaler is not None:
        y_mean, y_scale = float(data.y_scaler.mean[0]), float(data.y_scaler.scale[0])
    net = copy.deepcopy(net).cpu().eval()
    return Pipeline(net, data.x_scaler.mean, data.x_scaler.scale, y_mean, y_scale).eval()


# --8<-- [end:pipeline]


# --8<-- [start:test]
@dataclass(frozen=True)
class EvaluationReport:
    """Step 8's result: the metric on the test set, next to a trivial baseline."""

    metric: str
    value: float
    baseline: float  # majority class (accuracy) or predicting the training mean (rmse)
    n: int
    noise_std: float | None


@torch.no_grad()
def evaluate(pipeline: Pipeline, problem: Problem, data: PreparedData) -> EvaluationReport:
    """Step 8: open the sealed test set once and score the pipeline that will ship.

    The baseline says what a model that ignores the inputs would score; for generated
    regression data the noise level says what even a perfect model cannot beat.
    """
    X_test, y_test = data.test.open("test")
    outputs = pipeline(torch.from_numpy(X_test.astype(np.float32)))
    value = _score(problem, outputs, torch.from_numpy(y_test).reshape(outputs.shape[0], -1))
    if problem.task == "regression":
        assert data.y_scaler is not None
        train_mean = float(data.y_scaler.mean[0])
        baseline = float(np.sqrt(np.mean((y_test - train_mean) ** 2)))
    else:
        train_labels = data.y_train.reshape(-1).astype(np.int64)
        majority = int(np.bincount(train_labels).argmax())
        baseline = float(np.mean(y_test == majority))
    return EvaluationReport(problem.metric, value, baseline, len(y_test), problem.noise_std)


# --8<-- [end:test]


def _check_run_settings(epochs: int, save_dir: str | Path | None) -> None:
    check.positive_int("epochs", epochs)
    if save_dir is not None:
        check.writable_directory("save_dir", save_dir)


# --8<-- [start:run_workflow]
@dataclass(frozen=True, eq=False)
class WorkflowResult:
    """Everything the nine steps produced, for printing or as JSON (`to_dict`)."""

    problem: Problem
    steps: tuple[str, ...]
    test_accesses: tuple[str, ...]
    first: TrainReport
    tuning: TuneReport
    report: EvaluationReport
    deployed: DeployReport | None
    device: str
    seconds: float
    n_parameters: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (no arrays, no model)."""
        trials = [asdict(t) | {"hidden": list(t.hidden)} for t in self.tuning.trials]
        return {
            "problem": self.problem.name,
            "task": self.problem.task,
            "steps": list(self.steps),
            "test_accesses": list(self.test_accesses),
            "first_model": {
                "best_epoch": self.first.best_epoch,
                "val_metric": self.first.best_val_metric,
            },
            "trials": trials,
            "best": {"lr": self.tuning.best.lr, "hidden": list(self.tuning.best.hidden)},
            "test_metric": self.report.metric,
            "test_value": self.report.value,
            "test_baseline": self.report.baseline,
            "test_n": self.report.n,
            "noise_std": self.report.noise_std,
            "n_parameters": self.n_parameters,
            "saved_to": None if self.deployed is None else str(self.deployed.directory),
            "device": self.device,
            "seconds": self.seconds,
        }


def run_workflow(
    dataset: str = "breast-cancer",
    epochs: int = 50,
    seed: int = 0,
    device: str | torch.device | None = None,
    save_dir: str | Path | None = None,
    progress: Progress | None = None,
) -> WorkflowResult:
    """All nine steps in order; ``epochs`` caps each trial (early stopping may end it sooner).

    Example:
        >>> result = run_workflow("wine", epochs=3, device="cpu")
        >>> result.steps[-2:], result.test_accesses
        (('test', 'deploy'), ('test',))
    """
    _check_run_settings(epochs, save_dir)  # before any work: no minutes lost to a bad path
    dev = get_device(device)
    seed_everything(seed)
    start = time.perf_counter()
    done: list[str] = []

    def step(name: str, label: str = "") -> None:
        done.append(name)
        if progress is not None:
            progress(len(done), len(STEPS), label or name)

    problem = define_problem(dataset)
    step("define_problem", f"{problem.name}: {problem.task}")
    data = prepare_data(problem, seed)
    step("prepare_data")
    # Steps 3-6 once, with sensible defaults: a first model to beat.
    seed_everything(seed)
    model = choose_architecture(problem)
    step("choose_architecture", f"{sum(p.numel() for p in model.parameters())} parameters")
    loss_fn = choose_loss(problem)
    step("choose_loss", type(loss_fn).__name__)
    optimizer = choose_optimizer(model, "adam", lr=1e-2)
    step("choose_optimizer", type(optimizer).__name__)
    first = train(
        model, problem, data, loss_fn, optimizer, max_epochs=epochs, seed=seed, device=dev
    )
    step("train", f"validation {problem.metric} {first.best_val_metric:.4g}")
    tuning = tune(problem, data, max_epochs=epochs, seed=seed, device=dev)
    step("tune", f"best lr={tuning.best.lr:g}, hidden={tuning.best.hidden}")
    pipeline = bundle(tuning.model, data)
    report = evaluate(pipeline, problem, data)
    step("test", f"test {report.metric} {report.value:.4g}")
    deployed = None
    if save_dir is not None:
        from snippets.deploy import deploy  # step 9's module builds on this one's Pipeline

        examples = data.x_scaler.inverse_transform(data.X_val[:5])
        deployed = deploy(pipeline, problem, tuning.best.hidden, save_dir, examples)
    step("deploy", "saved" if deployed else "skipped (no save_dir)")
    n_parameters = sum(p.numel() for p in tuning.model.parameters())
    accesses, seconds = tuple(data.test.accesses), time.perf_counter() - start
    return WorkflowResult(
        problem,
        tuple(done),
        accesses,
        first,
        tuning,
        report,
        deployed,
        str(dev),
        seconds,
        n_parameters,
    )


# --8<-- [end:run_workflow]
