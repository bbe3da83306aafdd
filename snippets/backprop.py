"""Backpropagation written out: a NumPy multilayer perceptron and the classic 2-2-2 example.

Layer ``l`` of the network computes, for a batch of examples stacked as the rows of
``A^{l-1}``,

    Z^l = A^{l-1} W^{l T} + b^l,        A^l = phi_l(Z^l),

with ``W^l`` of shape ``(out, in)`` as in ``torch.nn.Linear``. The backward pass applies the
chain rule layer by layer, from the loss back to the input:

    Delta^L = dL/dA^L * phi_L'(Z^L)                    (error at the output)
    Delta^l = (Delta^{l+1} W^{l+1}) * phi_l'(Z^l)       (error sent one layer back)
    dL/dW^l = Delta^{l T} A^{l-1},  dL/db^l = sum of Delta^l over the batch

No autograd is used: ``tests/test_backprop.py`` checks every gradient against PyTorch's.

The second half reproduces Matt Mazur's "A Step by Step Backpropagation Example" (2015)
number by number, with scalar arithmetic named as in the article.
"""

# --8<-- [start:imports]
from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from snippets import _validate as check
from snippets.activations import ACTIVATION_NAMES, get_activation, softmax, softmax_jvp
from snippets.losses import (
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    cross_entropy,
    cross_entropy_grad,
    mse,
    mse_grad,
)
from snippets.optimizers import make_optimizer

# --8<-- [end:imports]

FloatArray = NDArray[np.float64]

LAYER_ACTIVATIONS: tuple[str, ...] = (*ACTIVATION_NAMES, "softmax")
"""Names accepted for a layer's activation: the element-wise ones, and softmax."""


def _as_matrix(name: str, value: ArrayLike, ndim: int) -> FloatArray:
    """A float64 copy (the network owns its parameters), non-empty, finite, ``ndim``-D."""
    return check.array(name, value, ndim=ndim, non_empty=True, copy=True)


# --8<-- [start:activation_step]
def activate(name: str, z: FloatArray) -> FloatArray:
    """Apply the activation ``name`` to the pre-activations ``z`` (softmax along the last axis).

    Example:
        >>> activate("relu", np.array([[-1.0, 2.0]]))
        array([[0., 2.]])
    """
    if name == "softmax":
        return softmax(z, axis=-1)
    return get_activation(name).function(z)


def activate_backward(name: str, z: FloatArray, grad_a: FloatArray) -> FloatArray:
    """Turn dL/da into dL/dz for ``a = phi(z)``: the local step of the chain rule.

    For an element-wise activation this is ``grad_a * phi'(z)``. Softmax mixes the entries
    of a row, so it needs its Jacobian-vector product instead.

    Example:
        >>> activate_backward("identity", np.array([[3.0]]), np.array([[2.0]]))
        array([[2.]])
    """
    z, grad_a = check.same_shape("z", z, "grad_a", grad_a)
    if name == "softmax":
        return softmax_jvp(z, grad_a, axis=-1)
    return grad_a * get_activation(name).gradient(z)


# --8<-- [end:activation_step]


# --8<-- [start:mlp]
class NumpyMLP:
    """A multilayer perceptron: dense layers, each followed by its own activation.

    Args:
        weights: one matrix per layer, shape ``(out, in)`` (PyTorch's layout).
        biases: one vector per layer, shape ``(out,)``.
        activations: one name per layer, or a single name for every layer;
            see :data:`LAYER_ACTIVATIONS`.

    Attributes:
        weights, biases: the network's own float64 copies, updated in place by training.

    Raises:
        ValueError: if the counts, shapes or names do not fit together.

    Example:
        >>> net = NumpyMLP([[[1.0, -1.0]]], [[0.5]], "identity")
        >>> net.forward(np.array([[2.0, 1.0]]))
        array([[1.5]])
    """

    def __init__(
        self,
        weights: Sequence[ArrayLike],
        biases: Sequence[ArrayLike],
        activations: str | Sequence[str],
    ) -> None:
        if not (isinstance(weights, Sequence) and isinstance(biases, Sequence)):
            raise TypeError(f"weights and biases must be lists of arrays, got {weights!r}")
        if len(weights) == 0 or len(weights) != len(biases):
            raise ValueError(
                "weights and biases must hold one array per layer (at least one), got "
                f"{len(weights)} weight matrices and {len(biases)} bias vectors"
            )
        names = [activations] * len(weights) if isinstance(activations, str) else activations
        if len(names) != len(weights):
            raise ValueError(
                f"activations must name one activation per layer ({len(weights)}), "
                f"got {len(names)}: {list(names)!r}"
            )
        self.activations = check.strings("activations", names, LAYER_ACTIVATIONS)
        self.weights = [_as_matrix(f"weights[{i}]", w, 2) for i, w in enumerate(weights)]
        self.biases = [_as_matrix(f"biases[{i}]", b, 1) for i, b in enumerate(biases)]
        for i, (W, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            if b.shape[0] != W.shape[0]:
                raise ValueError(
                    f"biases[{i}] must have one entry per row of weights[{i}] "
                    f"({W.shape[0]}), got shape {b.shape}"
                )
            if i > 0 and W.shape[1] != self.weights[i - 1].shape[0]:
                raise ValueError(
                    f"weights[{i}] must have {self.weights[i - 1].shape[0]} columns (the "
                    f"outputs of layer {i - 1}), got shape {W.shape}"
                )
        self._inputs: list[FloatArray] = []  # A^{l-1} of each layer, saved by forward
        self._pre_activations: list[FloatArray] = []  # Z^l of each layer

    # --8<-- [start:from_seed]
    @classmethod
    def from_seed(
        cls, layer_sizes: Sequence[int], activations: str | Sequence[str], seed: int = 0
    ) -> NumpyMLP:
        """Build a network with random weights, initialised as ``torch.nn.Linear`` does.

        Every weight and bias of a layer with ``n_in`` inputs is drawn uniformly from
        ``[-1/sqrt(n_in), 1/sqrt(n_in)]``, which keeps the pre-activations of order one.

        Args:
            layer_sizes: ``[n_0, n_1, ..., n_L]``: inputs, then each layer's width.
            activations: one name per layer (``L`` names), or one name for all.
            seed: seed of the NumPy generator; the same seed gives the same network.

        Example:
            >>> NumpyMLP.from_seed([3, 4, 2], ["tanh", "identity"]).layer_sizes
            [3, 4, 2]
        """
        sizes, seed = check.sizes("layer_sizes", layer_sizes, 2), check.seed(seed)
        rng = np.random.default_rng(seed)
        weights, biases = [], []
        for n_in, n_out in itertools.pairwise(sizes):
            bound = 1.0 / math.sqrt(n_in)
            weights.append(rng.uniform(-bound, bound, size=(n_out, n_in)))
            biases.append(rng.uniform(-bound, bound, size=n_out))
        return cls(weights, biases, activations)

    # --8<-- [end:from_seed]

    @property
    def layer_sizes(self) -> list[int]:
        """``[n_0, n_1, ..., n_L]``: the number of inputs, then each layer's width."""
        return [self.weights[0].shape[1]] + [W.shape[0] for W in self.weights]

    @property
    def params(self) -> list[FloatArray]:
        """``[W^1, b^1, W^2, b^2, ...]``: the arrays themselves, for an optimizer to update."""
        return [p for W, b in zip(self.weights, self.biases, strict=True) for p in (W, b)]

    # --8<-- [start:forward]
    def forward(self, X: ArrayLike) -> FloatArray:
        """Run a batch through every layer and remember what the backward pass needs.

        Args:
            X: inputs, shape ``(batch, n_0)``.

        Returns:
            The last layer's activations ``A^L``, shape ``(batch, n_L)``.
        """
        A = self._check_inputs(X)
        self._inputs, self._pre_activations = [], []
        for W, b, name in zip(self.weights, self.biases, self.activations, strict=True):
            Z = A @ W.T + b
            self._inputs.append(A)
            self._pre_activations.append(Z)
            A = activate(name, Z)
        return A

    # --8<-- [end:forward]

    # --8<-- [start:backward]
    def backward(self, grad_output: ArrayLike) -> list[FloatArray]:
        """Backpropagate dL/dA^L through the network saved by the last `forward`.

        Args:
            grad_output: dL/dA^L, the gradient of the loss with respect to the network's
                output, shape ``(batch, n_L)``.

        Returns:
            ``[dL/dW^1, dL/db^1, dL/dW^2, dL/db^2, ...]``, in the order of :attr:`params`.

        Raises:
            RuntimeError: if `forward` has not been called.
        """
        grad_A = self._check_grad_output(grad_output)
        grads: list[FloatArray] = []
        for l in reversed(range(len(self.weights))):  # l is the layer, as in the maths
            delta = activate_backward(self.activations[l], self._pre_activations[l], grad_A)
            grads[:0] = [delta.T @ self._inputs[l], delta.sum(axis=0)]  # dL/dW^l, dL/db^l
            grad_A = delta @ self.weights[l]  # dL/dA^{l-1}: the error sent one layer back
        return grads

    # --8<-- [end:backward]

    def _check_inputs(self, X: ArrayLike) -> FloatArray:
        A = check.array("X", X, ndim=2, non_empty=True)
        if A.shape[1] != self.layer_sizes[0]:
            raise ValueError(
                f"X must have {self.layer_sizes[0]} columns (one per input), got shape {A.shape}"
            )
        return A

    def _check_grad_output(self, grad_output: ArrayLike) -> FloatArray:
        if not self._inputs:
            raise RuntimeError("call forward(X) before backward(): it saves what backward needs")
        grad_A = check.array("grad_output", grad_output, ndim=2, non_empty=True)
        if grad_A.shape != self._pre_activations[-1].shape:
            raise ValueError(
                f"grad_output must have the shape of the last output, "
                f"{self._pre_activations[-1].shape}, got {grad_A.shape}"
            )
        return grad_A


# --8<-- [end:mlp]


# --8<-- [start:loss]
LossFunction = Callable[[FloatArray, Any], float]
LossGradient = Callable[[FloatArray, Any], FloatArray]
LOSSES: dict[str, tuple[LossFunction, LossGradient]] = {
    "mse": (mse, mse_grad),  # target: same shape as the output
    "cross_entropy": (cross_entropy, cross_entropy_grad),  # target: integer class labels
    # target: 0/1 of the same shape as the output (one logit per example for two classes)
    "bce_with_logits": (binary_cross_entropy_with_logits, binary_cross_entropy_with_logits_grad),
}


def loss_and_grad(output: FloatArray, target: ArrayLike, loss: str) -> tuple[float, FloatArray]:
    """The loss of a batch and its gradient dL/d(output), the start of the backward pass.

    ``"cross_entropy"`` and ``"bce_with_logits"`` take the network's output as logits (the
    softmax or sigmoid is inside the loss, where it is numerically safe), so the last layer
    should be ``"identity"``; the gradient is then ``(softmax(output) - onehot) / B``, or
    ``(sigmoid(output) - target) / B``.

    Example:
        >>> loss_and_grad(np.array([[1.0, 3.0]]), np.array([[0.0, 3.0]]), "mse")
        (0.5, array([[1., 0.]]))
    """
    function, gradient = LOSSES[check.choice("loss", loss, LOSSES)]
    return float(function(output, target)), np.asarray(gradient(output, target), dtype=np.float64)


# --8<-- [end:loss]


def _labels_or_targets(name: str, y: ArrayLike, loss: str) -> NDArray[Any]:
    if check.choice("loss", loss, LOSSES) == "cross_entropy":
        array = np.asarray(y)
        if array.ndim != 1 or array.dtype.kind not in "iu":
            raise ValueError(
                f"{name} must be a 1-D array of integer class labels for cross_entropy, "
                f"got dtype {array.dtype} and shape {array.shape}"
            )
        return array
    return _as_matrix(name, y, 2)


def _training_data(
    model: NumpyMLP, X: ArrayLike, y: ArrayLike, loss: str, epochs: int, batch_size: int | None
) -> tuple[FloatArray, NDArray[Any], int, int]:
    """X, y checked against each other and against the model (one forward pass: targets
    that do not fit the output fail here, not in the middle of training), the epochs and
    the batch size (all rows when ``None``)."""
    y_arr = _labels_or_targets("y", y, loss)
    X_arr = _as_matrix("X", X, 2)
    if len(y_arr) != len(X_arr):
        raise ValueError(
            f"X and y must hold the same number of examples, got {len(X_arr)} and {len(y_arr)}"
        )
    loss_and_grad(model.forward(X_arr), y_arr, loss)
    size = len(X_arr) if batch_size is None else check.positive_int("batch_size", batch_size)
    return X_arr, y_arr, check.positive_int("epochs", epochs), size


# --8<-- [start:train]
def train(
    model: NumpyMLP,
    X: ArrayLike,
    y: ArrayLike,
    *,
    loss: str = "mse",
    optimizer: str = "sgd",
    lr: float = 0.1,
    epochs: int = 100,
    batch_size: int | None = None,
    seed: int = 0,
    **optimizer_options: Any,
) -> list[float]:
    """Train ``model`` in place by mini-batch gradient descent; return the loss of each epoch.

    One epoch is one pass over the data, shuffled, in batches of ``batch_size`` examples
    (all of them when ``None``). Each batch: forward pass, loss, backward pass, optimizer step.

    Args:
        model: the network to train; its arrays are updated in place.
        X: inputs, shape ``(n, n_0)``.
        y: targets, shape ``(n, n_L)`` for ``"mse"``, integer labels ``(n,)`` for
            ``"cross_entropy"``.
        loss: a name from :data:`LOSSES`.
        optimizer: a name for `snippets.optimizers.make_optimizer`: ``"sgd"``,
            ``"adam"``, ...
        lr: the learning rate.
        epochs: how many passes over the data.
        batch_size: examples per step; ``None`` for full-batch gradient descent.
        seed: seeds the shuffling.
        **optimizer_options: passed to the optimizer, e.g. ``momentum=0.9``.

    Returns:
        The mean training loss of each epoch (over its batches, weighted by their size),
        measured on the batches as they were seen, before each step.

    Example:
        >>> net = NumpyMLP.from_seed([1, 1], "identity")
        >>> history = train(net, [[0.0], [1.0]], [[1.0], [3.0]], lr=0.5, epochs=200)
        >>> history[-1] < 1e-10 < history[0]
        True
    """
    X_arr, y_arr, epochs, size = _training_data(model, X, y, loss, epochs, batch_size)
    opt = make_optimizer(optimizer, model.params, lr=lr, **optimizer_options)
    rng = np.random.default_rng(check.seed(seed))
    n, history = len(X_arr), []
    with check.diverging(lr):  # inputs are checked: a nan or inf now means training diverged
        for _ in range(epochs):
            order = rng.permutation(n)
            total = 0.0
            for start in range(0, n, size):
                batch = order[start : start + size]
                value, grad_output = loss_and_grad(model.forward(X_arr[batch]), y_arr[batch], loss)
                opt.step(model.backward(grad_output))
                total += value * len(batch)
            history.append(check.finite_loss(total / n))
    return history


# --8<-- [end:train]


def _gradient_check_data(
    model: NumpyMLP, X: ArrayLike, y: ArrayLike, loss: str, eps: float
) -> tuple[FloatArray, NDArray[Any], float]:
    y_arr = _labels_or_targets("y", y, loss)
    X_arr = _as_matrix("X", X, 2)
    eps = check.number("eps", eps, low=0, high=1, low_open=True, high_open=True)
    for i, p in enumerate(model.params):
        if np.any(p + eps == p):
            raise ValueError(
                f"eps={eps!r} is too small for params[{i}], whose largest entry is "
                f"{np.abs(p).max():g}: p + eps == p in float64, so nothing would move"
            )
    return X_arr, y_arr, eps


# --8<-- [start:gradient_check]
def gradient_check(
    model: NumpyMLP, X: ArrayLike, y: ArrayLike, loss: str = "mse", eps: float = 1e-6
) -> float:
    """Compare `NumpyMLP.backward` with central finite differences; return the worst error.

    Each parameter ``p`` is nudged both ways, and ``(L(p + eps) - L(p - eps)) / (2 eps)``,
    accurate to ``O(eps^2)``, is compared with the analytic gradient. The relative error of
    one entry is ``max(|analytic - numeric| - noise, 0) / max(|analytic|, |numeric|, 1e-8)``.
    ``noise = 8 u |L| / (2 eps)``, with ``u`` the float64 rounding unit, is the rounding
    error of the finite difference itself: an entry whose gradient is that small (about
    1e-9 for a loss near 1) cannot be told right from wrong, and without this term it
    would report errors of 1e-2 on an exact backward pass. The floor 1e-8 stops a
    gradient of almost exactly zero from dividing by almost zero. Values around 1e-7 or
    below mean the gradients are right; 1e-2 or above means a bug.

    Example:
        >>> net = NumpyMLP.from_seed([3, 4, 2], ["tanh", "sigmoid"])
        >>> X, y = np.ones((5, 3)), np.zeros((5, 2))
        >>> gradient_check(net, X, y) < 1e-6
        True
    """
    X_arr, y_arr, eps = _gradient_check_data(model, X, y, loss, eps)
    value, grad_output = loss_and_grad(model.forward(X_arr), y_arr, loss)
    analytic = model.backward(grad_output)
    worst = 0.0
    for p, g in zip(model.params, analytic, strict=True):
        for index in np.ndindex(p.shape):
            saved = p[index]
            p[index] = saved + eps
            loss_plus, _ = loss_and_grad(model.forward(X_arr), y_arr, loss)
            p[index] = saved - eps
            loss_minus, _ = loss_and_grad(model.forward(X_arr), y_arr, loss)
            p[index] = saved  # put the parameter back exactly
            numeric = (loss_plus - loss_minus) / (2 * eps)
            noise = 8 * np.finfo(np.float64).eps * max(abs(value), 1.0) / (2 * eps)
            error = max(abs(float(g[index]) - float(numeric)) - noise, 0.0)
            scale = max(abs(float(g[index])), abs(float(numeric)), 1e-8)
            worst = max(worst, error / scale)
    model.forward(X_arr)  # leave the saved activations at the unperturbed parameters
    return worst


# --8<-- [end:gradient_check]


def learn_xor(epochs: int = 2000, seed: int = 0) -> dict[str, Any]:
    """The CLI's ``backprop-xor`` example: a 2-4-1 network trained on XOR, gradients checked.

    Example:
        >>> result = learn_xor(epochs=2000, seed=0)
        >>> result["accuracy"], result["gradient_check_error"] < 1e-6
        (1.0, True)
    """
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    model = NumpyMLP.from_seed([2, 4, 1], ["tanh", "sigmoid"], seed=seed)
    error = gradient_check(model, X, y, loss="mse")
    history = train(model, X, y, loss="mse", optimizer="sgd", lr=2.0, epochs=epochs, seed=seed)
    prediction = model.forward(X)
    return {
        "epochs": epochs,
        "first_loss": history[0],
        "final_loss": history[-1],
        "predictions": prediction.ravel().round(4).tolist(),
        "accuracy": float(np.mean((prediction > 0.5) == (y > 0.5))),
        "gradient_check_error": error,
    }


# --8<-- [start:worked_example]
MAZUR_WEIGHTS = (0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55)
"""w1..w8 of the article: w1 i1->h1, w2 i2->h1, w3 i1->h2, w4 i2->h2,
w5 h1->o1, w6 h2->o1, w7 h1->o2, w8 h2->o2."""


def worked_example(
    inputs: tuple[float, float] = (0.05, 0.10),
    targets: tuple[float, float] = (0.01, 0.99),
    weights: Sequence[float] = MAZUR_WEIGHTS,
    biases: tuple[float, float] = (0.35, 0.60),
    learning_rate: float = 0.5,
) -> dict[str, float]:
    """One step of gradient descent on Mazur's 2-2-2 sigmoid network, every number named.

    The error is ``E_total = 1/2 (t1 - out_o1)^2 + 1/2 (t2 - out_o2)^2``. Each layer has one
    bias shared by its two neurons, and, as in the article, the biases are not updated.
    The hidden-layer gradients use the *old* w5..w8: all gradients are taken at the same
    point, before any weight changes.

    Returns:
        Every intermediate number, in the article's order, keyed by the article's names
        (``"net_h1"``, ``"dE_total/dw5"``, ``"w5+"``, ...). ``"E_total+"`` is the error after
        the step.

    Example:
        >>> round(worked_example()["E_total"], 9)
        0.298371109
    """
    i1, i2, t1, t2, w1, w2, w3, w4, w5, w6, w7, w8, b1, b2, eta = _worked_example_numbers(
        inputs, targets, weights, biases, learning_rate
    )

    def sigmoid(x: float) -> float:  # for x < 0, the same number in a form exp cannot overflow
        return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))

    def forward(w: Sequence[float]) -> dict[str, float]:
        v: dict[str, float] = {}
        v["net_h1"] = w[0] * i1 + w[1] * i2 + b1 * 1
        v["out_h1"] = sigmoid(v["net_h1"])
        v["net_h2"] = w[2] * i1 + w[3] * i2 + b1 * 1
        v["out_h2"] = sigmoid(v["net_h2"])
        v["net_o1"] = w[4] * v["out_h1"] + w[5] * v["out_h2"] + b2 * 1
        v["out_o1"] = sigmoid(v["net_o1"])
        v["net_o2"] = w[6] * v["out_h1"] + w[7] * v["out_h2"] + b2 * 1
        v["out_o2"] = sigmoid(v["net_o2"])
        v["E_o1"] = 0.5 * (t1 - v["out_o1"]) ** 2
        v["E_o2"] = 0.5 * (t2 - v["out_o2"]) ** 2
        v["E_total"] = v["E_o1"] + v["E_o2"]
        return v

    old = [w1, w2, w3, w4, w5, w6, w7, w8]
    v = {"i1": i1, "i2": i2, "t1": t1, "t2": t2, "b1": b1, "b2": b2, "eta": eta}
    v |= {f"w{k}": w for k, w in enumerate(old, start=1)}
    v |= forward(old)
    out_h1, out_h2, out_o1, out_o2 = v["out_h1"], v["out_h2"], v["out_o1"], v["out_o2"]

    # Output layer: dE/dw = dE/dout * dout/dnet * dnet/dw, and delta = dE/dout * dout/dnet.
    v["dE_total/dout_o1"] = -(t1 - out_o1)
    v["dout_o1/dnet_o1"] = out_o1 * (1 - out_o1)  # sigmoid'(net) = out (1 - out)
    v["delta_o1"] = v["dE_total/dout_o1"] * v["dout_o1/dnet_o1"]
    v["dE_total/dout_o2"] = -(t2 - out_o2)
    v["dout_o2/dnet_o2"] = out_o2 * (1 - out_o2)
    v["delta_o2"] = v["dE_total/dout_o2"] * v["dout_o2/dnet_o2"]
    v["dE_total/dw5"] = v["delta_o1"] * out_h1  # dnet_o1/dw5 = out_h1
    v["dE_total/dw6"] = v["delta_o1"] * out_h2
    v["dE_total/dw7"] = v["delta_o2"] * out_h1
    v["dE_total/dw8"] = v["delta_o2"] * out_h2

    # Hidden layer: out_h1 feeds both outputs, so its error is the sum of what each sends back.
    v["dE_o1/dout_h1"] = v["delta_o1"] * w5
    v["dE_o2/dout_h1"] = v["delta_o2"] * w7
    v["dE_total/dout_h1"] = v["dE_o1/dout_h1"] + v["dE_o2/dout_h1"]
    v["dout_h1/dnet_h1"] = out_h1 * (1 - out_h1)
    v["delta_h1"] = v["dE_total/dout_h1"] * v["dout_h1/dnet_h1"]
    v["dE_o1/dout_h2"] = v["delta_o1"] * w6
    v["dE_o2/dout_h2"] = v["delta_o2"] * w8
    v["dE_total/dout_h2"] = v["dE_o1/dout_h2"] + v["dE_o2/dout_h2"]
    v["dout_h2/dnet_h2"] = out_h2 * (1 - out_h2)
    v["delta_h2"] = v["dE_total/dout_h2"] * v["dout_h2/dnet_h2"]
    v["dE_total/dw1"] = v["delta_h1"] * i1  # dnet_h1/dw1 = i1
    v["dE_total/dw2"] = v["delta_h1"] * i2
    v["dE_total/dw3"] = v["delta_h2"] * i1
    v["dE_total/dw4"] = v["delta_h2"] * i2

    # The update, w+ = w - eta * dE/dw, for all eight weights at once.
    new = [w - eta * v[f"dE_total/dw{k}"] for k, w in enumerate(old, start=1)]
    v |= {f"w{k}+": w for k, w in enumerate(new, start=1)}
    v["E_total+"] = check.diverged(forward(new)["E_total"], epoch=1, lr=eta)
    return v


# --8<-- [end:worked_example]


def _finite_numbers(name: str, values: Sequence[float], count: int) -> list[float]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a sequence of {count} numbers, got {values!r}")
    if len(values) != count:
        raise ValueError(f"{name} must hold {count} numbers, got {values!r}")
    return [check.number(f"{name}[{i}]", value) for i, value in enumerate(values)]


def _worked_example_numbers(
    inputs: Sequence[float],
    targets: Sequence[float],
    weights: Sequence[float],
    biases: Sequence[float],
    learning_rate: float,
) -> list[float]:
    """i1, i2, t1, t2, w1..w8, b1, b2 and eta, each checked to be a finite number."""
    return [
        *_finite_numbers("inputs", inputs, 2),
        *_finite_numbers("targets", targets, 2),
        *_finite_numbers("weights", weights, 8),
        *_finite_numbers("biases", biases, 2),
        check.number("learning_rate", learning_rate, low=0, low_open=True),
    ]


WORKED_FORMULAS: dict[str, list[tuple[str, str]]] = {
    "The forward pass": [
        ("net_h1", "w1*i1 + w2*i2 + b1*1"),
        ("out_h1", "1/(1 + exp(-net_h1))"),
        ("net_h2", "w3*i1 + w4*i2 + b1*1"),
        ("out_h2", "1/(1 + exp(-net_h2))"),
        ("net_o1", "w5*out_h1 + w6*out_h2 + b2*1"),
        ("out_o1", "1/(1 + exp(-net_o1))"),
        ("net_o2", "w7*out_h1 + w8*out_h2 + b2*1"),
        ("out_o2", "1/(1 + exp(-net_o2))"),
        ("E_o1", "1/2*(t1 - out_o1)^2"),
        ("E_o2", "1/2*(t2 - out_o2)^2"),
        ("E_total", "E_o1 + E_o2"),
    ],
    "The backward pass: output layer": [
        ("dE_total/dout_o1", "-(t1 - out_o1)"),
        ("dout_o1/dnet_o1", "out_o1*(1 - out_o1)"),
        ("delta_o1", "dE_total/dout_o1 * dout_o1/dnet_o1"),
        ("dE_total/dw5", "delta_o1 * out_h1"),
        ("dE_total/dw6", "delta_o1 * out_h2"),
        ("dE_total/dout_o2", "-(t2 - out_o2)"),
        ("dout_o2/dnet_o2", "out_o2*(1 - out_o2)"),
        ("delta_o2", "dE_total/dout_o2 * dout_o2/dnet_o2"),
        ("dE_total/dw7", "delta_o2 * out_h1"),
        ("dE_total/dw8", "delta_o2 * out_h2"),
    ],
    "The backward pass: hidden layer": [
        ("dE_o1/dout_h1", "delta_o1 * w5"),
        ("dE_o2/dout_h1", "delta_o2 * w7"),
        ("dE_total/dout_h1", "dE_o1/dout_h1 + dE_o2/dout_h1"),
        ("dout_h1/dnet_h1", "out_h1*(1 - out_h1)"),
        ("delta_h1", "dE_total/dout_h1 * dout_h1/dnet_h1"),
        ("dE_total/dw1", "delta_h1 * i1"),
        ("dE_total/dw2", "delta_h1 * i2"),
        ("dE_o1/dout_h2", "delta_o1 * w6"),
        ("dE_o2/dout_h2", "delta_o2 * w8"),
        ("dE_total/dout_h2", "dE_o1/dout_h2 + dE_o2/dout_h2"),
        ("dout_h2/dnet_h2", "out_h2*(1 - out_h2)"),
        ("delta_h2", "dE_total/dout_h2 * dout_h2/dnet_h2"),
        ("dE_total/dw3", "delta_h2 * i1"),
        ("dE_total/dw4", "delta_h2 * i2"),
    ],
    "The update": [
        *((f"w{k}+", f"w{k} - eta * dE_total/dw{k}") for k in range(1, 9)),
        ("E_total+", "E_total after the update"),
    ],
}
"""How the article derives each number of `worked_example`, section by section."""


def format_number(value: float) -> str:
    """Nine decimals, as the article prints them, without trailing zeros.

    Example:
        >>> format_number(0.3775), format_number(0.593269992110)
        ('0.3775', '0.593269992')
    """
    text = f"{check.number('value', value):.9f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_worked_example(
    numbers: dict[str, float] | None = None, sections: Sequence[str] | None = None
) -> str:
    """Lay out `worked_example` as the article does: each formula, its numbers, its value.

    Args:
        numbers: the result of `worked_example`; the article's network when ``None``.
        sections: which sections of :data:`WORKED_FORMULAS` to show; all when ``None``.

    Example:
        >>> print(format_worked_example())  # doctest: +ELLIPSIS
        == The forward pass ==
        net_h1 = w1*i1 + w2*i2 + b1*1
               = 0.15*0.05 + 0.2*0.1 + 0.35*1
               = 0.3775
        ...
    """
    v = worked_example() if numbers is None else numbers
    chosen = list(WORKED_FORMULAS) if sections is None else list(sections)
    if sections is not None:
        check.strings("sections", sections, WORKED_FORMULAS)
    missing = [name for rows in WORKED_FORMULAS.values() for name, _ in rows if name not in v]
    if missing:
        raise ValueError(f"numbers must come from worked_example(); missing {missing}")
    # Longest names first, so that "dE_total/dout_o1" is replaced whole, not as "out_o1".
    names = sorted(v, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w/])(" + "|".join(map(re.escape, names)) + r")(?![\w+])")

    def substitute(match: re.Match[str]) -> str:
        value = v[match[1]]
        return f"({format_number(value)})" if value < 0 else format_number(value)

    lines = []
    for section in chosen:
        lines.append(f"== {section} ==")
        for name, formula in WORKED_FORMULAS[section]:
            pad = " " * len(name)
            lines.append(f"{name} = {formula}")
            if name != "E_total+":
                lines.append(f"{pad} = {pattern.sub(substitute, formula)}")
            lines.append(f"{pad} = {format_number(v[name])}")
    return "\n".join(lines)


def print_worked_example(
    numbers: dict[str, float] | None = None, sections: Sequence[str] | None = None
) -> None:
    """Print `format_worked_example`: the whole worked example, as the article shows it.

    Example:
        >>> print_worked_example(sections=["The update"])  # doctest: +ELLIPSIS
        == The update ==
        w1+ = w1 - eta * dE_total/dw1
            = 0.15 - 0.5 * 0.000438568
            = 0.149780716
        ...
    """
    print(format_worked_example(numbers, sections))
