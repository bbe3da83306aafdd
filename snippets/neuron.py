"""One artificial neuron: a weighted sum of the inputs plus a bias, passed through an activation.

    y = phi(w . x + b)

The NumPy version spells the arithmetic out; the PyTorch version is the same neuron
built from ``torch.nn.Linear(n, 1)`` and an activation, and gives the same numbers.
A layer of neurons is the same computation with a weight matrix: ``Y = phi(X W^T + b)``.
"""

# --8<-- [start:imports]
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from numpy.typing import ArrayLike, NDArray

from snippets import _validate as check
from snippets.activations import ACTIVATION_NAMES, Activation, get_activation
from snippets.device import get_device

# --8<-- [end:imports]

# The same activations as torch modules, so that torch_neuron matches neuron name for name.
TORCH_ACTIVATIONS: dict[str, Callable[[], torch.nn.Module]] = {
    "identity": torch.nn.Identity,
    "sigmoid": torch.nn.Sigmoid,
    "tanh": torch.nn.Tanh,
    "relu": torch.nn.ReLU,
    "leaky_relu": torch.nn.LeakyReLU,
    "elu": torch.nn.ELU,
    "gelu": torch.nn.GELU,
}


def _inputs_and_weights(
    x: ArrayLike, w: ArrayLike, b: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    """x and w as non-empty finite vectors of one length, and b as a finite number."""
    x_vec = check.array("x", x, ndim=1, non_empty=True)
    w_vec = check.array("w", w, ndim=1, non_empty=True)
    if x_vec.shape != w_vec.shape:
        raise ValueError(
            f"x and w must have the same length, got {x_vec.size} inputs and {w_vec.size} weights"
        )
    return x_vec, w_vec, check.number("b", b)


def _weights(w: ArrayLike, b: float, activation: str) -> tuple[NDArray[np.float64], float]:
    check.choice("activation", activation, ACTIVATION_NAMES)
    return check.array("w", w, ndim=1, non_empty=True), check.number("b", b)


def _layer(
    X: ArrayLike, W: ArrayLike, b: ArrayLike, activation: str
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], Activation]:
    """X (batch, n), W (m, n) and b (m,) as finite arrays whose shapes line up, and phi."""
    phi = get_activation(check.choice("activation", activation, ACTIVATION_NAMES))
    X_arr = check.array("X", X, ndim=2, non_empty=True)
    W_arr = check.array("W", W, ndim=2, non_empty=True)
    b_arr = check.array("b", b, ndim=1, non_empty=True)
    if X_arr.shape[1] != W_arr.shape[1] or W_arr.shape[0] != b_arr.shape[0]:
        raise ValueError(
            f"shapes do not line up: X {X_arr.shape}, W {W_arr.shape}, b {b_arr.shape}; "
            "need X (batch, n), W (m, n), b (m,)"
        )
    return X_arr, W_arr, b_arr, phi


# --8<-- [start:numpy_neuron]
def weighted_sum(x: ArrayLike, w: ArrayLike, b: float) -> float:
    """Return ``z = w1*x1 + w2*x2 + ... + wn*xn + b``.

    Args:
        x: the n inputs.
        w: one weight per input.
        b: the bias.

    Raises:
        ValueError: if ``x`` and ``w`` differ in length, or ``x``, ``w`` or ``b`` is not finite.

    Example:
        >>> weighted_sum([1.0, 2.0], [0.5, -0.25], 0.1)
        0.1
    """
    x_vec, w_vec, b = _inputs_and_weights(x, w, b)
    return float(np.dot(w_vec, x_vec) + b)


def neuron(x: ArrayLike, w: ArrayLike, b: float, activation: str = "sigmoid") -> float:
    """Return y = phi(z) for one neuron, with phi named by ``activation``.

    Args:
        x: the n inputs.
        w: one weight per input.
        b: the bias.
        activation: a name from :data:`snippets.activations.ACTIVATION_NAMES`:
            ``"identity"``, ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"leaky_relu"``,
            ``"elu"`` or ``"gelu"``.

    Example:
        >>> round(neuron([1.0, 2.0], [0.5, -0.25], 0.1, "sigmoid"), 6)
        0.524979
    """
    phi = get_activation(check.choice("activation", activation, ACTIVATION_NAMES)).function
    return float(phi(weighted_sum(x, w, b)))


# --8<-- [end:numpy_neuron]


# --8<-- [start:torch_neuron]
def torch_neuron(w: ArrayLike, b: float, activation: str = "sigmoid") -> torch.nn.Sequential:
    """Build the same neuron in PyTorch: ``nn.Linear(n, 1)`` followed by the activation.

    The weights and bias are copied in, in float64, so that its output can be compared
    with `neuron` exactly.

    Example:
        >>> model = torch_neuron([0.5, -0.25], 0.1, "sigmoid")
        >>> round(model(torch.tensor([1.0, 2.0], dtype=torch.float64)).item(), 6)
        0.524979
    """
    w_vec, b = _weights(w, b, activation)
    linear = torch.nn.Linear(w_vec.size, 1, dtype=torch.float64)
    with torch.no_grad():
        linear.weight.copy_(torch.from_numpy(w_vec).reshape(1, -1))
        linear.bias.fill_(b)
    return torch.nn.Sequential(linear, TORCH_ACTIVATIONS[activation]())


# --8<-- [end:torch_neuron]


# --8<-- [start:dense_layer]
def dense_layer(
    X: ArrayLike, W: ArrayLike, b: ArrayLike, activation: str = "relu"
) -> NDArray[np.float64]:
    """A layer of m neurons applied to a batch: Y = phi(X W^T + b).

    Args:
        X: inputs, shape ``(batch, n)``.
        W: weights, shape ``(m, n)``: row j holds neuron j's weights (PyTorch's layout).
        b: biases, shape ``(m,)``.
        activation: as for `neuron`.

    Returns:
        Outputs of shape ``(batch, m)``: one column per neuron.

    Example:
        >>> dense_layer([[1.0, 2.0]], [[0.5, -0.25], [1.0, 1.0]], [0.1, -3.0], "relu")
        array([[0.1, 0. ]])
    """
    X_arr, W_arr, b_arr, phi = _layer(X, W, b, activation)
    return phi.function(X_arr @ W_arr.T + b_arr)


# --8<-- [end:dense_layer]


def compare_with_torch(seed: int = 0, device: str | None = None) -> dict[str, Any]:
    """The CLI's ``neuron`` example: one random neuron computed by NumPy and by PyTorch on
    ``device``, with each activation.

    Example:
        >>> compare_with_torch(seed=0, device="cpu")["max_abs_difference"] < 1e-12
        True
    """
    dev = get_device(device)
    dtype = torch_dtype(dev)
    rng = np.random.default_rng(seed)
    x, w, b = rng.normal(size=3), rng.normal(size=3), float(rng.normal())
    outputs = {}
    differences = []
    for activation in ("identity", "sigmoid", "tanh", "relu"):
        y_numpy = neuron(x, w, b, activation)
        model = torch_neuron(w, b, activation).to(dev, dtype)
        y_torch = model(torch.from_numpy(x).to(dev, dtype)).item()
        outputs[activation] = y_numpy
        differences.append(abs(y_numpy - y_torch))
    return {
        "x": x.tolist(),
        "w": w.tolist(),
        "b": b,
        "outputs": outputs,
        "max_abs_difference": max(differences),
        "device": str(dev),
        "torch_dtype": str(dtype).removeprefix("torch."),
    }


def torch_dtype(device: torch.device | str) -> torch.dtype:
    """float64 for `compare_with_torch`'s exact comparison, but float32 on Apple's MPS,
    which has no float64 (the difference from NumPy is then about 1e-7, not 1e-16).

    Example:
        >>> torch_dtype(torch.device("cpu")), torch_dtype(torch.device("mps"))
        (torch.float64, torch.float32)
    """
    return torch.float32 if torch.device(device).type == "mps" else torch.float64
