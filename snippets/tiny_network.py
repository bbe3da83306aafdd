"""A tiny neural network in PyTorch: the smallest complete example to copy first.

Four parts, each a few lines: the data (scikit-learn's bundled 8x8 digits, split into
train / validation / test and standardised with statistics of the training split only),
the model (one hidden layer of ReLU neurons), the training loop (a ``DataLoader`` of
shuffled mini-batches; forward, loss, backward, step), and the evaluation (loss and
accuracy without gradients). With the defaults it reaches about 97-98% test accuracy in
ten epochs. With a fixed seed two runs on the CPU give bit-identical results, and the
same code runs on a GPU: only ``device`` changes.
"""

# --8<-- [start:imports]
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from snippets import _validate as check
from snippets.device import get_device, seed_everything
from snippets.parameters import count_parameters

# --8<-- [end:imports]

Progress = Callable[[int, int, str], None]
"""Called as ``progress(done, total, label)`` after each epoch (the CLI draws a bar with it)."""


# --8<-- [start:data]
@dataclass(frozen=True)
class DigitsSplits:
    """The digits data, split three ways and standardised with training statistics.

    Inputs are float32 arrays of shape ``(n, 64)`` (an 8x8 image, row by row); labels are
    int64 arrays of digits 0-9.
    """

    X_train: NDArray[np.float32]
    y_train: NDArray[np.int64]
    X_val: NDArray[np.float32]
    y_val: NDArray[np.int64]
    X_test: NDArray[np.float32]
    y_test: NDArray[np.int64]


def load_digits_splits(
    seed: int = 0, test_fraction: float = 0.2, val_fraction: float = 0.1
) -> DigitsSplits:
    """Load the 1,797 bundled 8x8 digit images and split them into train, validation and test.

    The test split is taken first (``test_fraction`` of all images), then the validation
    split (``val_fraction`` of what remains); both are stratified, so each split has the
    same share of every digit. Each pixel is standardised with the mean and standard
    deviation of the *training* split only: using the whole data set would leak
    information about the test images into training.

    Example:
        >>> splits = load_digits_splits(seed=0)
        >>> splits.X_train.shape, splits.X_val.shape, splits.X_test.shape
        ((1293, 64), (144, 64), (360, 64))
    """
    check.fractions(test_fraction=test_fraction, val_fraction=val_fraction)
    X, y = load_digits(return_X_y=True)
    X_rest, X_test, y_rest, y_test = train_test_split(
        X, y, test_size=test_fraction, random_state=check.seed(seed), stratify=y
    )
    X_train, X_val, y_train, y_val = train_test_split(
        X_rest, y_rest, test_size=val_fraction, random_state=seed, stratify=y_rest
    )
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std[std == 0.0] = 1.0  # corner pixels are always blank: leave them at 0, do not divide by 0

    def scale(a: NDArray[np.float64]) -> NDArray[np.float32]:
        scaled: NDArray[np.float32] = ((a - mean) / std).astype(np.float32)
        return scaled

    return DigitsSplits(
        X_train=scale(X_train),
        y_train=y_train.astype(np.int64),
        X_val=scale(X_val),
        y_val=y_val.astype(np.int64),
        X_test=scale(X_test),
        y_test=y_test.astype(np.int64),
    )


# --8<-- [end:data]


# --8<-- [start:model]
class TinyNet(nn.Module):
    """64 pixels -> ``hidden`` ReLU neurons -> 10 scores (logits), one per digit.

    The output layer has no activation: ``nn.CrossEntropyLoss`` applies log-softmax
    itself, and the predicted digit is simply the index of the largest score.

    Example:
        >>> TinyNet(hidden=64)(torch.zeros(5, 64)).shape
        torch.Size([5, 10])
    """

    def __init__(self, n_inputs: int = 64, hidden: int = 64, n_classes: int = 10) -> None:
        super().__init__()
        check.widths(n_inputs=n_inputs, hidden=hidden, n_classes=n_classes)
        self.layers = nn.Sequential(
            nn.Linear(n_inputs, hidden),
            nn.ReLU(),
            nn.Linear(hidden, n_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)


# --8<-- [end:model]


# --8<-- [start:loop]
def train_one_epoch(
    model: nn.Module,
    loader: DataLoader[tuple[torch.Tensor, ...]],
    loss_fn: nn.Module,
    optimizer: torch.optim.Optimizer,
    device: torch.device,
) -> tuple[float, float]:
    """One pass over the training data in mini-batches; returns (mean loss, accuracy).

    Both are averaged over the epoch while the weights are still changing, so they lag
    slightly behind the model at the end of the epoch.
    """
    model.train()  # matters for dropout and batch norm; a good habit even without them
    total_loss, correct, seen = 0.0, 0, 0
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        logits = model(xb)  # 1. forward pass
        loss = loss_fn(logits, yb)  # 2. loss
        optimizer.zero_grad()  # gradients accumulate in .grad unless cleared
        loss.backward()  # 3. backward pass: d loss / d every parameter
        optimizer.step()  # 4. update the weights
        total_loss += loss.item() * len(yb)
        correct += int((logits.argmax(dim=1) == yb).sum().item())
        seen += len(yb)
    return total_loss / seen, correct / seen


@torch.no_grad()  # no graph is built: evaluation is faster and uses less memory
def evaluate(
    model: nn.Module, X: torch.Tensor, y: torch.Tensor, loss_fn: nn.Module
) -> tuple[float, float]:
    """Loss and accuracy of ``model`` on a whole split, without updating anything."""
    model.eval()
    logits = model(X)
    loss = float(loss_fn(logits, y).item())
    accuracy = int((logits.argmax(dim=1) == y).sum().item()) / len(y)
    return loss, accuracy


# --8<-- [end:loop]


@dataclass(frozen=True)
class EpochRecord:
    """Loss and accuracy after one epoch, on the training and validation splits."""

    epoch: int
    train_loss: float
    train_accuracy: float
    val_loss: float
    val_accuracy: float


@dataclass(frozen=True)
class TinyNetworkResult:
    """What one training run produced: its history, its test score and its cost."""

    history: tuple[EpochRecord, ...]
    test_loss: float
    test_accuracy: float
    n_parameters: int
    train_seconds: float
    device: str
    seed: int
    epochs: int
    model: TinyNet = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Everything but the model, as JSON-ready built-in types."""
        data = asdict(self)
        del data["model"]
        data["history"] = [asdict(record) for record in self.history]
        return data


def _check_training(
    epochs: int, seed: int, hidden: int, batch_size: int, lr: float, weight_decay: float
) -> None:
    check.positive_ints(epochs=epochs, hidden=hidden, batch_size=batch_size)
    check.seed(seed)
    check.number("lr", lr, low=0, low_open=True)
    check.number("weight_decay", weight_decay, low=0)


# --8<-- [start:train]
def train_tiny_network(
    epochs: int = 10,
    seed: int = 0,
    device: str | torch.device | None = None,
    hidden: int = 64,
    batch_size: int = 32,
    lr: float = 1e-2,
    weight_decay: float = 1e-2,
    progress: Progress | None = None,
) -> TinyNetworkResult:
    """Train `TinyNet` on the digits and report its history and test accuracy.

    Args:
        epochs: full passes over the training split.
        seed: seeds the split, the initial weights and the batch order.
        device: ``"cpu"``, ``"cuda"``, ``"mps"``, a ``torch.device``, or ``None`` for
            `snippets.device.get_device`'s choice.
        hidden: neurons in the hidden layer.
        batch_size: examples per gradient step.
        lr: AdamW's learning rate.
        weight_decay: AdamW's decoupled weight decay (a mild regulariser).
        progress: optional ``progress(epoch, epochs, label)`` callback.

    Raises:
        ValueError: if a size or rate is not positive, the device is unknown or absent, or
            the training diverges (a nan or inf loss: lr is too large).

    Example:
        >>> result = train_tiny_network(epochs=1, device="cpu")
        >>> len(result.history), result.n_parameters
        (1, 4810)
    """
    _check_training(epochs, seed, hidden, batch_size, lr, weight_decay)
    dev = get_device(device)
    seed_everything(seed)

    data = load_digits_splits(seed)
    train_set = TensorDataset(torch.from_numpy(data.X_train), torch.from_numpy(data.y_train))
    # An explicit generator makes the shuffling order depend on the seed alone.
    loader = DataLoader(
        train_set,
        batch_size=batch_size,
        shuffle=True,
        generator=torch.Generator().manual_seed(seed),
    )
    X_val, y_val = torch.from_numpy(data.X_val).to(dev), torch.from_numpy(data.y_val).to(dev)

    model = TinyNet(hidden=hidden).to(dev)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)

    history = []
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        train_loss, train_acc = train_one_epoch(model, loader, loss_fn, optimizer, dev)
        val_loss, val_acc = evaluate(model, X_val, y_val, loss_fn)
        check.diverged(val_loss, epoch, lr)  # nan: the weights have blown up (lr too large)
        history.append(EpochRecord(epoch, train_loss, train_acc, val_loss, val_acc))
        if progress is not None:
            progress(epoch, epochs, f"val accuracy {val_acc:.1%}")
    train_seconds = time.perf_counter() - start

    # The test split is used once, after all choices were made on the validation split.
    X_test, y_test = torch.from_numpy(data.X_test).to(dev), torch.from_numpy(data.y_test).to(dev)
    test_loss, test_acc = evaluate(model, X_test, y_test, loss_fn)
    return TinyNetworkResult(
        history=tuple(history),
        test_loss=test_loss,
        test_accuracy=test_acc,
        n_parameters=count_parameters(model),
        train_seconds=train_seconds,
        device=str(dev),
        seed=seed,
        epochs=epochs,
        model=model,
    )


# --8<-- [end:train]
