"""Loss functions, each written next to its gradient with respect to its first argument.

A loss turns "how wrong is the model on this batch" into one number that training
minimises. Every loss here averages over the batch (PyTorch's default
``reduction="mean"``) and matches its ``torch.nn.functional`` counterpart below,
including its handling of extreme inputs, so that values and gradients agree with
``torch.autograd`` to rounding error.

| here | PyTorch |
| --- | --- |
| `mse(pred, target)` | `F.mse_loss(pred, target)` |
| `mae(pred, target)` | `F.l1_loss(pred, target)` |
| `huber(pred, target, delta)` | `F.huber_loss(pred, target, delta=delta)` |
| `binary_cross_entropy(prob, target)` | `F.binary_cross_entropy(prob, target)` |
| `binary_cross_entropy_with_logits(z, t)` | `F.binary_cross_entropy_with_logits(z, t)` |
| `cross_entropy(logits, labels)` | `F.cross_entropy(logits, labels)` |
| `kl_divergence(p, q)` | `F.kl_div(q.log(), p, reduction="batchmean")` |
"""

# --8<-- [start:imports]
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from snippets import _validate as check
from snippets.activations import sigmoid, softmax

# --8<-- [end:imports]

FloatArray = NDArray[np.float64]


def _probabilities(
    first: str, a: ArrayLike, target: ArrayLike, *, both: bool
) -> tuple[FloatArray, FloatArray]:
    """Two arrays of one shape; the target (and the first too if ``both``) in [0, 1]."""
    a_arr, t_arr = check.same_shape(first, a, "target", target)
    return (check.unit_interval(first, a_arr) if both else a_arr), check.unit_interval(
        "target", t_arr
    )


# --8<-- [start:mse]
def mse(pred: ArrayLike, target: ArrayLike) -> float:
    """Mean squared error: mean((pred - target)^2). The regression default.

    Example:
        >>> mse([1.0, 2.0], [1.0, 4.0])
        2.0
    """
    pred_arr, target_arr = check.same_shape("pred", pred, "target", target)
    return float(np.mean((pred_arr - target_arr) ** 2))


def mse_grad(pred: ArrayLike, target: ArrayLike) -> FloatArray:
    """Gradient of `mse` with respect to ``pred``: 2 (pred - target) / N.

    Example:
        >>> mse_grad([1.0, 2.0], [1.0, 4.0])
        array([ 0., -2.])
    """
    pred_arr, target_arr = check.same_shape("pred", pred, "target", target)
    return 2.0 * (pred_arr - target_arr) / pred_arr.size


# --8<-- [end:mse]


# --8<-- [start:mae]
def mae(pred: ArrayLike, target: ArrayLike) -> float:
    """Mean absolute error: mean(|pred - target|). PyTorch calls it ``l1_loss``.

    Example:
        >>> mae([1.0, 2.0], [1.0, 4.0])
        1.0
    """
    pred_arr, target_arr = check.same_shape("pred", pred, "target", target)
    return float(np.mean(np.abs(pred_arr - target_arr)))


def mae_grad(pred: ArrayLike, target: ArrayLike) -> FloatArray:
    """Gradient of `mae` with respect to ``pred``: sign(pred - target) / N (0 where equal).

    Example:
        >>> mae_grad([1.0, 2.0], [1.0, 4.0])
        array([ 0. , -0.5])
    """
    pred_arr, target_arr = check.same_shape("pred", pred, "target", target)
    return np.sign(pred_arr - target_arr) / pred_arr.size


# --8<-- [end:mae]


def _huber_args(
    pred: ArrayLike, target: ArrayLike, delta: float
) -> tuple[FloatArray, FloatArray, float]:
    pred_arr, target_arr = check.same_shape("pred", pred, "target", target)
    return pred_arr, target_arr, check.number("delta", delta, low=0, low_open=True)


# --8<-- [start:huber]
def huber(pred: ArrayLike, target: ArrayLike, delta: float = 1.0) -> float:
    """Huber loss: squared for errors up to ``delta``, linear beyond, so outliers weigh less.

    Per element, with d = pred - target: d^2 / 2 if |d| <= delta, else
    delta (|d| - delta / 2); then the mean.

    Example:
        >>> huber([0.0, 0.0], [0.5, 3.0])
        1.3125
    """
    pred_arr, target_arr, d_max = _huber_args(pred, target, delta)
    d = np.abs(pred_arr - target_arr)
    return float(np.mean(np.where(d <= d_max, 0.5 * d * d, d_max * (d - 0.5 * d_max))))


def huber_grad(pred: ArrayLike, target: ArrayLike, delta: float = 1.0) -> FloatArray:
    """Gradient of `huber` with respect to ``pred``: clip(pred - target, -delta, delta) / N.

    Example:
        >>> huber_grad([0.0, 0.0], [0.5, 3.0])
        array([-0.25, -0.5 ])
    """
    pred_arr, target_arr, d_max = _huber_args(pred, target, delta)
    return np.clip(pred_arr - target_arr, -d_max, d_max) / pred_arr.size


# --8<-- [end:huber]


# --8<-- [start:binary_cross_entropy]
LOG_FLOOR = -100.0
"""PyTorch clamps each log in binary cross-entropy at -100, so p = 0 or 1 gives a finite loss."""
BCE_GRAD_EPS = float(np.float32(1e-12))
"""PyTorch divides by max(p (1 - p), 1e-12) in the gradient, so p = 0 or 1 gives a finite one.

(Its 1e-12 is stored as a float32, 9.9999999600e-13, even in float64 code: matched here.)"""


def binary_cross_entropy(prob: ArrayLike, target: ArrayLike) -> float:
    """Binary cross-entropy of predicted probabilities: -mean(t log p + (1 - t) log(1 - p)).

    Args:
        prob: predicted probabilities of class 1, in [0, 1] (a sigmoid's output).
        target: true probabilities of class 1, in [0, 1] (usually exactly 0 or 1).

    Example:
        >>> round(binary_cross_entropy([0.9, 0.2], [1.0, 0.0]), 6)
        0.164252
    """
    p, t = _probabilities("prob", prob, target, both=True)
    with np.errstate(divide="ignore"):  # log(0) = -inf, then clamped like PyTorch
        log_p = np.maximum(np.log(p), LOG_FLOOR)
        log_1mp = np.maximum(np.log1p(-p), LOG_FLOOR)
    return float(-np.mean(t * log_p + (1.0 - t) * log_1mp))


def binary_cross_entropy_grad(prob: ArrayLike, target: ArrayLike) -> FloatArray:
    """Gradient of `binary_cross_entropy` w.r.t. ``prob``: (p - t) / (p (1 - p)) / N.

    The denominator is floored at 1e-12, as in PyTorch, so the gradient stays finite
    (but huge) where a probability is exactly 0 or 1.

    Example:
        >>> binary_cross_entropy_grad([0.5, 0.5], [1.0, 0.0])
        array([-1.,  1.])
    """
    p, t = _probabilities("prob", prob, target, both=True)
    return (p - t) / np.maximum(p * (1.0 - p), BCE_GRAD_EPS) / p.size


# --8<-- [end:binary_cross_entropy]


# --8<-- [start:binary_cross_entropy_with_logits]
def binary_cross_entropy_with_logits(logits: ArrayLike, target: ArrayLike) -> float:
    """Binary cross-entropy of sigmoid(logits), computed without forming the probabilities.

    Per element, BCE(sigmoid(z), t) simplifies to max(z, 0) - z t + log(1 + exp(-|z|)):
    ``exp`` never overflows, and no probability is rounded to exactly 0 or 1 first, so
    the loss stays exact for any finite logit (no -100 clamp needed).

    Example:
        >>> binary_cross_entropy_with_logits([1e4, -1e4], [1.0, 0.0])
        0.0
    """
    z, t = _probabilities("logits", logits, target, both=False)
    return float(np.mean(np.maximum(z, 0.0) - z * t + np.log1p(np.exp(-np.abs(z)))))


def binary_cross_entropy_with_logits_grad(logits: ArrayLike, target: ArrayLike) -> FloatArray:
    """Gradient w.r.t. ``logits``: (sigmoid(z) - t) / N, bounded, never 0/0.

    Example:
        >>> binary_cross_entropy_with_logits_grad([0.0, 0.0], [1.0, 0.0])
        array([-0.25,  0.25])
    """
    z, t = _probabilities("logits", logits, target, both=False)
    return (sigmoid(z) - t) / z.size


# --8<-- [end:binary_cross_entropy_with_logits]


def _logits_and_labels(logits: ArrayLike, labels: ArrayLike) -> tuple[FloatArray, NDArray[np.intp]]:
    z = check.array("logits", logits, ndim=2, non_empty=True)
    return z, check.labels("labels", labels, n_classes=z.shape[1], length=z.shape[0])


# --8<-- [start:cross_entropy]
def cross_entropy(logits: ArrayLike, labels: ArrayLike) -> float:
    """Cross-entropy of softmax(logits) against integer class labels, averaged over the batch.

    Per example, -log softmax(z)_y = logsumexp(z) - z_y, computed with the maximum
    subtracted so that huge logits neither overflow nor lose the answer.

    Args:
        logits: raw scores, shape (N, C); no softmax applied (as ``torch.nn.CrossEntropyLoss``).
        labels: the true class of each example, integers in [0, C), shape (N,).

    Example:
        >>> round(cross_entropy([[2.0, 0.0, -1.0]], [0]), 6)
        0.169846
    """
    z, y = _logits_and_labels(logits, labels)
    shifted = z - z.max(axis=1, keepdims=True)
    log_sum_exp = np.log(np.exp(shifted).sum(axis=1))
    return float(np.mean(log_sum_exp - shifted[np.arange(len(y)), y]))


def cross_entropy_grad(logits: ArrayLike, labels: ArrayLike) -> FloatArray:
    """Gradient of `cross_entropy` w.r.t. ``logits``: (softmax(z) - onehot(y)) / N.

    Example:
        >>> cross_entropy_grad([[0.0, 0.0]], [1])
        array([[ 0.5, -0.5]])
    """
    z, y = _logits_and_labels(logits, labels)
    grad = softmax(z, axis=1)
    grad[np.arange(len(y)), y] -= 1.0
    return grad / len(y)


# --8<-- [end:cross_entropy]


def _distributions(p: ArrayLike, q: ArrayLike) -> tuple[FloatArray, FloatArray]:
    p_arr, q_arr = check.same_shape("p", p, "q", q)
    if p_arr.ndim not in (1, 2):
        raise ValueError(f"p and q must have shape (C,) or (N, C), got {p_arr.shape}")
    for name, dist in (("p", p_arr), ("q", q_arr)):
        if np.any(dist < 0):
            raise ValueError(f"{name} must be non-negative (probabilities), got {dist.min()}")
        sums = dist.sum(axis=-1)
        if not np.allclose(sums, 1.0, rtol=0.0, atol=1e-6):
            worst = sums.flat[np.argmax(np.abs(sums - 1.0))]
            raise ValueError(f"{name} must sum to 1 over its last axis, got a sum of {worst}")
    if np.any((p_arr > 0) & (q_arr == 0)):
        raise ValueError("q must be > 0 wherever p > 0, else KL(p || q) is infinite")
    return p_arr, q_arr


def _batch_size(p: FloatArray) -> int:
    return p.shape[0] if p.ndim == 2 else 1


# --8<-- [start:kl_divergence]
def kl_divergence(p: ArrayLike, q: ArrayLike) -> float:
    """Kullback-Leibler divergence KL(p || q) = sum p log(p / q), averaged over the batch.

    ``p`` is the true (target) distribution and ``q`` the model's. Terms with p = 0
    contribute 0. Rows of shape (N, C) are summed over the C classes and averaged over the
    N examples, which is PyTorch's ``reduction="batchmean"``. Mind PyTorch's argument order:
    the model's distribution comes first, and as a log::

        kl_divergence(p, q) == F.kl_div(q.log(), p, reduction="batchmean")  # p, q: (N, C)

    A single distribution of shape (C,) counts as a batch of one (``reduction="sum"``).

    Example:
        >>> round(kl_divergence([0.5, 0.5], [0.9, 0.1]), 6)
        0.510826
    """
    p_arr, q_arr = _distributions(p, q)
    positive = p_arr > 0
    terms = np.zeros_like(p_arr)
    terms[positive] = p_arr[positive] * (np.log(p_arr[positive]) - np.log(q_arr[positive]))
    # KL >= 0; rows that sum to 1 only within 1e-6 could round it to about -1e-6.
    return max(float(terms.sum() / _batch_size(p_arr)), 0.0)


def kl_divergence_grad(p: ArrayLike, q: ArrayLike) -> FloatArray:
    """Gradient of `kl_divergence` w.r.t. ``p``: (log(p / q) + 1) / N.

    Raises:
        ValueError: where p = 0, as the derivative of p log p there is -infinity.

    Example:
        >>> kl_divergence_grad([0.5, 0.5], [0.5, 0.5])
        array([1., 1.])
    """
    p_arr, q_arr = _distributions(p, q)
    if np.any(p_arr == 0):
        raise ValueError("p must be > 0 everywhere for this gradient: d(p log p)/dp is -inf at 0")
    return (np.log(p_arr) - np.log(q_arr) + 1.0) / _batch_size(p_arr)


def kl_divergence_grad_q(p: ArrayLike, q: ArrayLike) -> FloatArray:
    """Gradient of `kl_divergence` w.r.t. ``q``, the model's side: -p / q / N.

    This is the gradient that trains a model whose output is ``q``.

    Example:
        >>> kl_divergence_grad_q([0.5, 0.5], [0.25, 0.75]).round(6)
        array([-2.      , -0.666667])
    """
    p_arr, q_arr = _distributions(p, q)
    safe_q = np.where(q_arr > 0, q_arr, 1.0)  # where q = 0, p = 0 too, and so is the gradient
    return -p_arr / safe_q / _batch_size(p_arr)


# --8<-- [end:kl_divergence]
