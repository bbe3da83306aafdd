"""snippets.neuron: the NumPy neuron equals the PyTorch neuron, and bad input is refused."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from snippets.activations import ACTIVATION_NAMES
from snippets.neuron import dense_layer, neuron, torch_neuron, weighted_sum

# The oracle: torch.nn modules, written out here rather than taken from snippets.neuron.
TORCH_MODULES: dict[str, torch.nn.Module] = {
    "identity": torch.nn.Identity(),
    "sigmoid": torch.nn.Sigmoid(),
    "tanh": torch.nn.Tanh(),
    "relu": torch.nn.ReLU(),
    "leaky_relu": torch.nn.LeakyReLU(0.01),
    "elu": torch.nn.ELU(alpha=1.0),
    "gelu": torch.nn.GELU(approximate="none"),
}
ACTIVATIONS = list(ACTIVATION_NAMES)


def test_every_activation_has_a_torch_oracle() -> None:
    assert set(ACTIVATIONS) == set(TORCH_MODULES)


def test_weighted_sum_by_hand() -> None:
    assert weighted_sum([2.0, -1.0], [0.5, 0.5], -0.5) == pytest.approx(0.0)
    assert weighted_sum([1.0, 2.0, 3.0], [1.0, 1.0, 1.0], 1.0) == pytest.approx(7.0)


def test_sigmoid_neuron_by_hand() -> None:
    z = 0.5 * 1.0 - 0.25 * 2.0 + 0.1
    assert neuron([1.0, 2.0], [0.5, -0.25], 0.1, "sigmoid") == pytest.approx(
        1 / (1 + math.exp(-z)), rel=1e-15
    )


def test_relu_neuron_is_zero_below_threshold() -> None:
    assert neuron([1.0], [-2.0], 0.5, "relu") == 0.0
    assert neuron([1.0], [2.0], 0.5, "relu") == pytest.approx(2.5)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("n", [1, 3, 17])
def test_numpy_neuron_equals_torch_neuron(activation: str, n: int) -> None:
    rng = np.random.default_rng(n)
    for _ in range(5):
        x, w, b = rng.normal(size=n), rng.normal(size=n), float(rng.normal())
        expected = torch_neuron(w, b, activation)(torch.from_numpy(x)).item()
        assert neuron(x, w, b, activation) == pytest.approx(expected, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_dense_layer_equals_nn_linear(activation: str) -> None:
    rng = np.random.default_rng(1)
    X, W, b = rng.normal(size=(6, 4)), rng.normal(size=(3, 4)), rng.normal(size=3)
    layer = torch.nn.Linear(4, 3, dtype=torch.float64)
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(W))
        layer.bias.copy_(torch.from_numpy(b))
    expected = TORCH_MODULES[activation](layer(torch.from_numpy(X))).detach().numpy()
    np.testing.assert_allclose(dense_layer(X, W, b, activation), expected, rtol=1e-12, atol=1e-15)


def test_each_row_of_a_layer_is_one_neuron() -> None:
    rng = np.random.default_rng(2)
    X, W, b = rng.normal(size=(2, 3)), rng.normal(size=(4, 3)), rng.normal(size=4)
    Y = dense_layer(X, W, b, "tanh")
    for i in range(2):
        for j in range(4):
            assert Y[i, j] == pytest.approx(neuron(X[i], W[j], b[j], "tanh"), rel=1e-12)


def test_sigmoid_neuron_is_finite_for_huge_inputs() -> None:
    assert neuron([1e3], [1.0], 0.0, "sigmoid") == 1.0
    assert 0.0 <= neuron([1e3], [-1.0], 0.0, "sigmoid") < 1e-300


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: weighted_sum([1.0, 2.0], [1.0], 0.0), "same length"),
        (lambda: weighted_sum([[1.0]], [1.0], 0.0), r"x must be a 1-D array, got shape \(1, 1\)"),
        (lambda: weighted_sum([], [], 0.0), "x must not be empty"),
        (lambda: weighted_sum([1.0, float("nan")], [1.0, 1.0], 0.0), "x must contain only finite"),
        (lambda: neuron([1.0], [1.0], 0.0, "softplus"), "activation must be one of"),
        (lambda: torch_neuron([1.0], 0.0, "swish"), "activation must be one of"),
        (lambda: dense_layer([[1.0, 2.0]], [[1.0, 2.0, 3.0]], [0.0]), "shapes do not line up"),
        (lambda: dense_layer([1.0, 2.0], [[1.0, 2.0]], [0.0]), r"X must be a 2-D array.*\(2,\)"),
    ],
)
def test_bad_input_names_the_argument(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]
