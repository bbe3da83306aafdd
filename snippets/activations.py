"""Activation functions, each written next to its derivative.

An activation ``phi`` bends a neuron's weighted sum ``z`` into its output ``phi(z)``; its
derivative ``phi'(z)`` is what backpropagation multiplies the upstream gradient by. Every
function here is element-wise except `softmax`, whose derivative is a Jacobian: for it
we give `softmax_jvp`, the product of that Jacobian with an upstream gradient.

All functions take anything NumPy can turn into an array of finite real numbers, return a
float64 array of the same shape, and follow PyTorch's conventions (``relu_grad(0) == 0``,
exact erf-based GELU, ``torch.nn.ELU``'s ``alpha=1.0``), so that they agree with
``torch.autograd`` to rounding error.
"""

# --8<-- [start:imports]
from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from snippets import _validate as check

# --8<-- [end:imports]

FloatArray = NDArray[np.float64]


# --8<-- [start:identity]
def identity(x: ArrayLike) -> FloatArray:
    """Return x unchanged: the linear activation of a regression output layer.

    Example:
        >>> identity([-2.0, 3.0])
        array([-2.,  3.])
    """
    return check.array("x", x, copy=True)  # a copy, like every other function


def identity_grad(x: ArrayLike) -> FloatArray:
    """Derivative of `identity`: 1 everywhere.

    Example:
        >>> identity_grad([-2.0, 3.0])
        array([1., 1.])
    """
    return np.ones_like(check.array("x", x))


# --8<-- [end:identity]


# --8<-- [start:sigmoid]
def sigmoid(x: ArrayLike) -> FloatArray:
    """Logistic sigmoid 1 / (1 + exp(-x)), in (0, 1).

    Finite for every finite input: ``exp`` is only ever taken of ``-|x|``, which cannot
    overflow, and the two algebraically equal forms are chosen by the sign of ``x``.

    Example:
        >>> sigmoid([-1e4, 0.0, 1e4])
        array([0. , 0.5, 1. ])
    """
    x = check.array("x", x)
    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(x: ArrayLike) -> FloatArray:
    """Derivative of `sigmoid`: sigma(x) (1 - sigma(x)), at most 1/4 (at x = 0).

    Computed as sigma(x) sigma(-x), the same number, because ``1 - sigma(x)`` cancels to
    0 once sigma(x) rounds to 1 (x > 37 or so) and loses digits well before that.

    Example:
        >>> sigmoid_grad([0.0])
        array([0.25])
    """
    x = check.array("x", x)
    return sigmoid(x) * sigmoid(-x)


# --8<-- [end:sigmoid]


# --8<-- [start:tanh]
def tanh(x: ArrayLike) -> FloatArray:
    """Hyperbolic tangent, in (-1, 1): a sigmoid rescaled to be zero-centred, 2 sigma(2x) - 1.

    Example:
        >>> tanh([0.0])
        array([0.])
    """
    return np.tanh(check.array("x", x))


def tanh_grad(x: ArrayLike) -> FloatArray:
    """Derivative of `tanh`: 1 - tanh(x)^2, at most 1 (at x = 0).

    Computed as sech(x)^2 = 4 e / (1 + e)^2 with e = exp(-2|x|), the same number, because
    ``1 - tanh(x)^2`` cancels as tanh(x) approaches 1 (relative error 1e-8 already at x = 9).

    Example:
        >>> tanh_grad([0.0])
        array([1.])
    """
    e = np.exp(-2.0 * np.abs(check.array("x", x)))  # in (0, 1]: never overflows
    # Near x = 0 rounding can put the quotient one unit above 1, which the true value never is.
    return np.minimum(4.0 * e / (1.0 + e) ** 2, 1.0)


# --8<-- [end:tanh]


# --8<-- [start:relu]
def relu(x: ArrayLike) -> FloatArray:
    """Rectified linear unit max(0, x).

    Example:
        >>> relu([-2.0, 0.0, 3.0])
        array([0., 0., 3.])
    """
    return np.maximum(check.array("x", x), 0.0)


def relu_grad(x: ArrayLike) -> FloatArray:
    """Derivative of `relu`: 1 for x > 0, else 0.

    ReLU has no derivative at 0; like PyTorch we use 0 there.

    Example:
        >>> relu_grad([-2.0, 0.0, 3.0])
        array([0., 0., 1.])
    """
    return (check.array("x", x) > 0).astype(np.float64)


# --8<-- [end:relu]


# --8<-- [start:leaky_relu]
def leaky_relu(x: ArrayLike, negative_slope: float = 0.01) -> FloatArray:
    """Leaky ReLU: x for x > 0, ``negative_slope * x`` otherwise.

    Example:
        >>> leaky_relu([-2.0, 3.0])
        array([-0.02,  3.  ])
    """
    x, slope = check.array("x", x), check.number("negative_slope", negative_slope)
    return np.where(x > 0, x, slope * x)


def leaky_relu_grad(x: ArrayLike, negative_slope: float = 0.01) -> FloatArray:
    """Derivative of `leaky_relu`: 1 for x > 0, else ``negative_slope`` (at 0 too, as torch).

    Example:
        >>> leaky_relu_grad([-2.0, 0.0, 3.0])
        array([0.01, 0.01, 1.  ])
    """
    x, slope = check.array("x", x), check.number("negative_slope", negative_slope)
    return np.where(x > 0, 1.0, slope)


# --8<-- [end:leaky_relu]


# --8<-- [start:elu]
def elu(x: ArrayLike, alpha: float = 1.0) -> FloatArray:
    """Exponential linear unit: x for x > 0, ``alpha * (exp(x) - 1)`` otherwise.

    Example:
        >>> elu([-1e4, 0.0, 2.0])
        array([-1.,  0.,  2.])
    """
    x, a = check.array("x", x), check.number("alpha", alpha)
    # expm1 keeps precision near 0; min(x, 0) stops exp overflowing on the branch np.where drops.
    return np.where(x > 0, x, a * np.expm1(np.minimum(x, 0.0)))


def elu_grad(x: ArrayLike, alpha: float = 1.0) -> FloatArray:
    """Derivative of `elu`: 1 for x > 0, ``alpha * exp(x)`` otherwise (as PyTorch, also at 0).

    Example:
        >>> elu_grad([0.0, 2.0])
        array([1., 1.])
    """
    x, a = check.array("x", x), check.number("alpha", alpha)
    return np.where(x > 0, 1.0, a * np.exp(np.minimum(x, 0.0)))


# --8<-- [end:elu]


# --8<-- [start:gelu]
_erf = np.vectorize(math.erf, otypes=[np.float64])  # math.erf is exact to the last bit or so


def _normal_cdf(x: FloatArray) -> FloatArray:
    # Phi(x) = (1 + erf(x / sqrt 2)) / 2, the form PyTorch uses, so that the two agree bit for bit.
    return np.asarray(0.5 * (1.0 + _erf(x * math.sqrt(0.5))), dtype=np.float64)


def gelu(x: ArrayLike) -> FloatArray:
    """Gaussian error linear unit x * Phi(x), Phi the standard normal CDF (exact erf form).

    This is ``torch.nn.GELU()``'s default (``approximate="none"``), not the tanh approximation.

    Example:
        >>> gelu([0.0, 1.0]).round(6)
        array([0.      , 0.841345])
    """
    x = check.array("x", x)
    return x * _normal_cdf(x)


def gelu_grad(x: ArrayLike) -> FloatArray:
    """Derivative of `gelu`: Phi(x) + x * phi(x), phi the standard normal density.

    Example:
        >>> gelu_grad([0.0])
        array([0.5])
    """
    x = check.array("x", x)
    density = np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)
    return _normal_cdf(x) + x * density


# --8<-- [end:gelu]


def _logits(x: ArrayLike, axis: int) -> tuple[FloatArray, int]:
    """Non-empty finite logits of at least one dimension, and a valid axis of them."""
    x_arr = check.array("x", x, min_ndim=1, non_empty=True)
    return x_arr, check.integer("axis", axis, low=-x_arr.ndim, high=x_arr.ndim - 1)


# --8<-- [start:softmax]
def softmax(x: ArrayLike, axis: int = -1) -> FloatArray:
    """Softmax along ``axis``: exp(x_i) / sum_j exp(x_j), positive and summing to 1.

    The maximum is subtracted first. That changes nothing mathematically (softmax is
    shift-invariant) but keeps every ``exp`` at most 1, so huge logits cannot overflow.

    Args:
        x: logits, at least 1-D.
        axis: the axis that holds the classes.

    Example:
        >>> softmax([1000.0, 1000.0, -1000.0])
        array([0.5, 0.5, 0. ])
    """
    x, axis = _logits(x, axis)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return np.asarray(e / e.sum(axis=axis, keepdims=True), dtype=np.float64)


def softmax_jvp(x: ArrayLike, v: ArrayLike, axis: int = -1) -> FloatArray:
    """Jacobian of `softmax` at ``x`` times ``v``: what backpropagation needs.

    With s = softmax(x), the Jacobian is J = diag(s) - s s^T. It is symmetric, so the
    Jacobian-vector product J v and the vector-Jacobian product J^T v used by backpropagation
    are the same: ``s * (v - sum(s * v))``, computed without ever building J.

    Args:
        x: logits, at least 1-D.
        v: upstream gradient dL/d softmax(x), same shape as ``x``.
        axis: the axis that holds the classes.

    Returns:
        dL/dx, same shape as ``x``.

    Example:
        >>> softmax_jvp([0.0, 0.0], [1.0, 0.0])
        array([ 0.25, -0.25])
    """
    x_arr, v_arr = check.same_shape("x", x, "v", v)
    s = softmax(x_arr, axis)
    return np.asarray(s * (v_arr - (s * v_arr).sum(axis=axis, keepdims=True)), dtype=np.float64)


# --8<-- [end:softmax]


# --8<-- [start:get_activation]
class Activation(NamedTuple):
    """An element-wise activation and its derivative, as returned by `get_activation`."""

    function: Callable[[ArrayLike], FloatArray]
    gradient: Callable[[ArrayLike], FloatArray]


_ACTIVATIONS: dict[str, Activation] = {
    "identity": Activation(identity, identity_grad),
    "sigmoid": Activation(sigmoid, sigmoid_grad),
    "tanh": Activation(tanh, tanh_grad),
    "relu": Activation(relu, relu_grad),
    "leaky_relu": Activation(leaky_relu, leaky_relu_grad),
    "elu": Activation(elu, elu_grad),
    "gelu": Activation(gelu, gelu_grad),
}
ACTIVATION_NAMES: tuple[str, ...] = tuple(_ACTIVATIONS)
_SOFTMAX_HINT = " (softmax is not element-wise: use softmax and softmax_jvp)"


def get_activation(name: str) -> Activation:
    """Look up an element-wise activation and its derivative by name.

    Softmax is not in the table: it is not element-wise, so its derivative is not an
    array of the same shape but `softmax_jvp`.

    Args:
        name: one of :data:`ACTIVATION_NAMES`.

    Raises:
        ValueError: for an unknown name; the message lists the valid ones.

    Example:
        >>> phi, dphi = get_activation("tanh")
        >>> phi([0.0]), dphi([0.0])
        (array([0.]), array([1.]))
    """
    check.choice("name", name, ACTIVATION_NAMES, _SOFTMAX_HINT if name == "softmax" else "")
    return _ACTIVATIONS[name]


# --8<-- [end:get_activation]
