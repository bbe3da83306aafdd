"""snippets.backprop: the hand-written backward pass equals PyTorch autograd, and so does
every number of the 2-2-2 worked example."""

from __future__ import annotations

import contextlib
import io
import math
import re
from collections.abc import Callable
from typing import Any, cast

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812 (the name every PyTorch reader knows)
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import make_moons

from snippets.backprop import (
    LAYER_ACTIVATIONS,
    MAZUR_WEIGHTS,
    WORKED_FORMULAS,
    NumpyMLP,
    format_number,
    format_worked_example,
    gradient_check,
    loss_and_grad,
    print_worked_example,
    train,
    worked_example,
)

TORCH_ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "identity": lambda z: z,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": F.leaky_relu,  # default negative_slope 0.01, as in snippets.activations
    "elu": F.elu,
    "gelu": F.gelu,
    "softmax": lambda z: torch.softmax(z, dim=-1),
}
TORCH_LOSSES: dict[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    "mse": F.mse_loss,
    "cross_entropy": F.cross_entropy,
    "bce_with_logits": F.binary_cross_entropy_with_logits,
}


def test_every_activation_has_a_torch_twin() -> None:
    assert set(TORCH_ACTIVATIONS) == set(LAYER_ACTIVATIONS)


def random_targets(rng: np.random.Generator, loss: str, n: int, n_out: int) -> np.ndarray:
    if loss == "cross_entropy":
        return rng.integers(0, n_out, size=n)
    if loss == "bce_with_logits":
        return rng.integers(0, 2, size=(n, n_out)).astype(np.float64)
    return rng.normal(size=(n, n_out))


def torch_gradients(
    net: NumpyMLP, X: np.ndarray, y: np.ndarray, loss: str
) -> tuple[np.ndarray, float, list[np.ndarray]]:
    """The same network in PyTorch, float64: its output, loss and autograd gradients."""
    params = [torch.tensor(p, requires_grad=True) for p in net.params]
    A = torch.from_numpy(X)
    for layer, name in enumerate(net.activations):
        W, b = params[2 * layer], params[2 * layer + 1]
        A = TORCH_ACTIVATIONS[name](A @ W.T + b)
    value = TORCH_LOSSES[loss](A, torch.from_numpy(y))
    grads = [g.numpy() for g in torch.autograd.grad(value, params)]
    return A.detach().numpy(), value.item(), grads


CASES = [
    ([3, 5, 2], ["tanh", "identity"], "mse"),
    ([4, 8, 6, 3], ["relu", "sigmoid", "identity"], "cross_entropy"),
    ([2, 7, 7, 1], ["leaky_relu", "elu", "identity"], "bce_with_logits"),
    ([5, 6, 4], ["gelu", "softmax"], "mse"),
    ([1, 1], ["sigmoid"], "mse"),
    ([6, 10, 9, 8, 4], ["relu", "tanh", "gelu", "identity"], "cross_entropy"),
]


@pytest.mark.parametrize(("sizes", "activations", "loss"), CASES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradients_equal_torch_autograd(
    sizes: list[int], activations: list[str], loss: str, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    net = NumpyMLP.from_seed(sizes, activations, seed=seed)
    X = rng.normal(size=(7, sizes[0]))
    y = random_targets(rng, loss, 7, sizes[-1])
    expected_out, expected_loss, expected_grads = torch_gradients(net, X, y, loss)

    output = net.forward(X)
    value, grad_output = loss_and_grad(output, y, loss)
    grads = net.backward(grad_output)

    np.testing.assert_allclose(output, expected_out, rtol=1e-10, atol=1e-14)
    assert value == pytest.approx(expected_loss, rel=1e-10)
    assert len(grads) == len(expected_grads) == 2 * len(activations)
    for ours, theirs, p in zip(grads, expected_grads, net.params, strict=True):
        assert ours.shape == p.shape
        scale = np.abs(theirs).max()  # atol relative to the gradient's size, for entries near 0
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12 * scale)


def test_explicit_weights_are_copied_and_used() -> None:
    W = np.array([[1.0, 2.0]])
    net = NumpyMLP([W], [np.array([0.5])], ["identity"])
    W[0, 0] = 100.0  # the network owns its copy
    np.testing.assert_array_equal(net.forward([[1.0, 1.0]]), [[3.5]])
    assert net.layer_sizes == [2, 1]


def test_from_seed_is_reproducible_and_initialised_like_nn_linear() -> None:
    a = NumpyMLP.from_seed([50, 40, 3], "tanh", seed=3)
    b = NumpyMLP.from_seed([50, 40, 3], "tanh", seed=3)
    for p, q in zip(a.params, b.params, strict=True):
        np.testing.assert_array_equal(p, q)
    bound = 1 / np.sqrt(50)
    assert np.abs(a.weights[0]).max() <= bound
    assert np.abs(a.weights[0]).max() > 0.9 * bound  # spread over the whole interval
    assert [p.shape for p in a.params] == [(40, 50), (40,), (3, 40), (3,)]


smooth = st.sampled_from(["identity", "sigmoid", "tanh", "elu", "gelu", "softmax"])


@settings(max_examples=25)
@given(
    sizes=st.lists(st.integers(1, 4), min_size=2, max_size=4),
    data=st.data(),
    loss=st.sampled_from(["mse", "cross_entropy"]),
    seed=st.integers(0, 2**16),
)
def test_gradient_check_passes_for_random_small_networks(
    sizes: list[int], data: st.DataObject, loss: str, seed: int
) -> None:
    activations = data.draw(st.lists(smooth, min_size=len(sizes) - 1, max_size=len(sizes) - 1))
    if loss == "cross_entropy":
        activations[-1] = "identity"  # the loss takes logits
    net = NumpyMLP.from_seed(sizes, activations, seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(3, sizes[0]))
    y = random_targets(rng, loss, 3, sizes[-1])
    assert gradient_check(net, X, y, loss) < 1e-5


def test_gradient_check_catches_a_wrong_gradient(monkeypatch: pytest.MonkeyPatch) -> None:
    net = NumpyMLP.from_seed([3, 4, 2], ["tanh", "identity"], seed=0)
    X, y = np.ones((4, 3)), np.zeros((4, 2))
    correct = NumpyMLP.backward

    def off_by_a_tenth(self: NumpyMLP, grad_output: Any) -> list[np.ndarray]:
        return [1.1 * g for g in correct(self, grad_output)]

    monkeypatch.setattr(NumpyMLP, "backward", off_by_a_tenth)
    assert gradient_check(net, X, y) > 0.05


def test_gradient_check_leaves_the_parameters_unchanged() -> None:
    net = NumpyMLP.from_seed([2, 3, 1], "sigmoid", seed=5)
    before = [p.copy() for p in net.params]
    gradient_check(net, np.ones((2, 2)), np.zeros((2, 1)))
    for p, q in zip(net.params, before, strict=True):
        np.testing.assert_array_equal(p, q)


def test_full_batch_training_is_gradient_descent_on_torch_gradients() -> None:
    # The oracle updates with autograd's gradients, w <- w - lr * dL/dw, written out here
    # (torch.optim itself is the oracle of tests/test_optimizers.py).
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(16, 3)), rng.normal(size=(16, 2))
    net = NumpyMLP.from_seed([3, 5, 2], ["tanh", "identity"], seed=1)
    params = [torch.tensor(p, requires_grad=True) for p in net.params]
    expected = []
    for _ in range(30):
        hidden = torch.tanh(torch.from_numpy(X) @ params[0].T + params[1])
        value = F.mse_loss(hidden @ params[2].T + params[3], torch.from_numpy(y))
        grads = torch.autograd.grad(value, params)
        with torch.no_grad():
            for p, g in zip(params, grads, strict=True):
                p -= 0.1 * g
        expected.append(value.item())

    history = train(net, X, y, loss="mse", optimizer="sgd", lr=0.1, epochs=30)
    np.testing.assert_allclose(history, expected, rtol=1e-10)
    for ours, theirs in zip(net.params, params, strict=True):
        np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=1e-10, atol=1e-14)


def test_optimizer_options_reach_the_optimizer() -> None:
    X, y = np.eye(3), np.ones((3, 1))
    plain, heavy = (NumpyMLP.from_seed([3, 1], "identity", seed=0) for _ in range(2))
    h_plain = train(plain, X, y, lr=0.05, epochs=5)
    h_heavy = train(heavy, X, y, lr=0.05, epochs=5, momentum=0.9)
    assert h_plain[0] == h_heavy[0]  # same start
    assert h_heavy[-1] < h_plain[-1]  # momentum accelerates on this convex problem


def test_training_learns_xor() -> None:
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    net = NumpyMLP.from_seed([2, 8, 2], ["tanh", "identity"], seed=0)
    history = train(net, X, y, loss="cross_entropy", optimizer="adam", lr=0.05, epochs=300)
    assert len(history) == 300
    assert history[0] > 0.5  # about log 2 for an untrained network
    assert history[-1] < 0.02
    np.testing.assert_array_equal(net.forward(X).argmax(axis=1), y)


def test_training_separates_two_moons_with_mini_batches() -> None:
    X, y = make_moons(n_samples=200, noise=0.1, random_state=0)
    net = NumpyMLP.from_seed([2, 16, 16, 2], ["relu", "relu", "identity"], seed=0)
    history = train(
        net,
        X,
        y.astype(np.int64),
        loss="cross_entropy",
        optimizer="adam",
        lr=0.01,
        epochs=60,
        batch_size=20,
    )
    assert history[-1] < 0.25 * history[0]
    accuracy = np.mean(net.forward(X).argmax(axis=1) == y)
    assert accuracy > 0.95


# The worked example ---------------------------------------------------------------------


def torch_worked_example(
    inputs: tuple[float, float],
    targets: tuple[float, float],
    weights: tuple[float, ...],
    biases: tuple[float, float],
    lr: float,
) -> dict[str, float]:
    """Every number of the article, from PyTorch autograd in float64 (no hand derivatives)."""

    def scalar(x: float, grad: bool = False) -> torch.Tensor:
        return torch.tensor(x, dtype=torch.float64, requires_grad=grad)

    w = [scalar(x, grad=True) for x in weights]
    i1, i2 = map(scalar, inputs)
    t1, t2 = map(scalar, targets)
    b1, b2 = map(scalar, biases)

    def forward(w: list[torch.Tensor]) -> dict[str, torch.Tensor]:
        v = {}
        v["net_h1"] = w[0] * i1 + w[1] * i2 + b1
        v["net_h2"] = w[2] * i1 + w[3] * i2 + b1
        v["out_h1"], v["out_h2"] = torch.sigmoid(v["net_h1"]), torch.sigmoid(v["net_h2"])
        v["net_o1"] = w[4] * v["out_h1"] + w[5] * v["out_h2"] + b2
        v["net_o2"] = w[6] * v["out_h1"] + w[7] * v["out_h2"] + b2
        v["out_o1"], v["out_o2"] = torch.sigmoid(v["net_o1"]), torch.sigmoid(v["net_o2"])
        v["E_o1"] = 0.5 * (t1 - v["out_o1"]) ** 2
        v["E_o2"] = 0.5 * (t2 - v["out_o2"]) ** 2
        v["E_total"] = v["E_o1"] + v["E_o2"]
        return v

    v = forward(w)

    def d(y: torch.Tensor, x: torch.Tensor) -> float:
        return torch.autograd.grad(y, x, retain_graph=True)[0].item()

    out: dict[str, float] = {k: t.item() for k, t in v.items()}
    for o in ("o1", "o2"):
        out[f"dE_total/dout_{o}"] = d(v["E_total"], v[f"out_{o}"])
        out[f"dout_{o}/dnet_{o}"] = d(v[f"out_{o}"], v[f"net_{o}"])
        out[f"delta_{o}"] = d(v["E_total"], v[f"net_{o}"])
    for h in ("h1", "h2"):
        # dE_o1/dout_h1 is the part of the error that reaches out_h1 through o1 alone.
        out[f"dE_o1/dout_{h}"] = d(v["E_o1"], v[f"out_{h}"])
        out[f"dE_o2/dout_{h}"] = d(v["E_o2"], v[f"out_{h}"])
        out[f"dE_total/dout_{h}"] = d(v["E_total"], v[f"out_{h}"])
        out[f"dout_{h}/dnet_{h}"] = d(v[f"out_{h}"], v[f"net_{h}"])
        out[f"delta_{h}"] = d(v["E_total"], v[f"net_{h}"])
    grads = torch.autograd.grad(v["E_total"], w)
    for k, (wk, gk) in enumerate(zip(w, grads, strict=True), start=1):
        out[f"dE_total/dw{k}"] = gk.item()
        out[f"w{k}+"] = (wk - lr * gk).item()
    new = [(wk - lr * gk).detach() for wk, gk in zip(w, grads, strict=True)]
    out["E_total+"] = forward(new)["E_total"].item()
    return out


ARTICLE = ((0.05, 0.10), (0.01, 0.99), MAZUR_WEIGHTS, (0.35, 0.60), 0.5)


def worked_example_args(seed: int | None) -> tuple[Any, ...]:
    """The article's network (``None``), or random inputs, targets, weights, biases and rate."""
    if seed is None:
        return ARTICLE
    rng = np.random.default_rng(seed)
    return (
        tuple(rng.uniform(-1, 1, 2)),
        tuple(rng.uniform(0, 1, 2)),
        tuple(rng.normal(size=8)),
        tuple(rng.normal(size=2)),
        float(rng.uniform(0.1, 1.0)),
    )


@pytest.mark.parametrize("seed", [None, 0, 1, 2])
def test_every_worked_example_number_equals_torch_autograd(seed: int | None) -> None:
    args = worked_example_args(seed)
    ours = worked_example(*args)
    expected = torch_worked_example(*args)
    printed = [name for rows in WORKED_FORMULAS.values() for name, _ in rows]
    assert set(printed) <= set(expected), "the torch oracle must cover every printed number"
    for name, value in expected.items():
        assert ours[name] == pytest.approx(value, rel=1e-12, abs=1e-15), name


def evaluate_formula(formula: str, v: dict[str, float]) -> float:
    """A printed formula of WORKED_FORMULAS, as Python: each name read from ``v``, ``^`` as ``**``.

    Names are replaced whole and longest first ("dE_total/dout_o1" is one name, not a
    division); anything left that is not a number, an operator or ``exp`` fails to evaluate.
    """
    names = sorted(v, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w/])(" + "|".join(map(re.escape, names)) + r")(?![\w+])")
    code = pattern.sub(lambda match: f"v[{match[1]!r}]", formula).replace("^", "**")
    return float(eval(code, {"__builtins__": {}, "exp": math.exp, "v": v}))


@pytest.mark.parametrize("seed", [None, 0, 1, 2])
def test_every_printed_formula_evaluates_to_the_number_printed_under_it(
    seed: int | None,
) -> None:
    """The formula strings and worked_example's arithmetic are written separately: each
    printed formula, evaluated on worked_example's own numbers, must give its value."""
    args = worked_example_args(seed)
    v = worked_example(*args)
    checked = 0
    for rows in WORKED_FORMULAS.values():
        for name, formula in rows:
            if name == "E_total+":  # words, not a formula: the forward pass at the new weights
                new_weights = [v[f"w{k}+"] for k in range(1, 9)]
                after = worked_example(args[0], args[1], new_weights, args[3], args[4])
                assert v[name] == pytest.approx(after["E_total"], rel=1e-12), name
            else:
                assert evaluate_formula(formula, v) == pytest.approx(v[name], rel=1e-12), name
            checked += 1
    assert checked == sum(len(rows) for rows in WORKED_FORMULAS.values()) == 44


def test_a_wrong_formula_string_is_caught() -> None:
    v = worked_example()
    assert evaluate_formula("w1*i1 + w2*i2 + b1*1", v) == pytest.approx(v["net_h1"], rel=1e-12)
    assert evaluate_formula("w1*i2 + w2*i1 + b1*1", v) != pytest.approx(v["net_h1"], rel=1e-12)
    with pytest.raises(NameError):
        evaluate_formula("w9*i1", v)


def test_worked_example_matches_the_articles_published_rounding() -> None:
    # Cross-check only, at the article's own rounding; the real test is the one against torch.
    v = worked_example()
    assert round(v["E_total"], 9) == 0.298371109
    assert round(v["w5+"], 8) == 0.35891648
    assert round(v["w1+"], 9) == 0.149780716


def test_one_step_lowers_the_error() -> None:
    v = worked_example()
    assert v["E_total+"] < v["E_total"]


def test_worked_example_equals_the_general_mlp() -> None:
    """The scalar arithmetic of the article is the matrix code of NumpyMLP, on a 2-2-2 network."""
    v = worked_example()
    w = MAZUR_WEIGHTS
    net = NumpyMLP(
        [[[w[0], w[1]], [w[2], w[3]]], [[w[4], w[5]], [w[6], w[7]]]],  # rows: h1, h2 / o1, o2
        [[0.35, 0.35], [0.60, 0.60]],
        "sigmoid",
    )
    out = net.forward([[0.05, 0.10]])
    np.testing.assert_allclose(out, [[v["out_o1"], v["out_o2"]]], rtol=1e-14)
    # E = 1/2 sum (t - out)^2, so dE/dout = out - t.
    dW1, _, dW2, _ = net.backward(out - np.array([[0.01, 0.99]]))
    np.testing.assert_allclose(
        np.concatenate([dW1.ravel(), dW2.ravel()]),
        [v[f"dE_total/dw{k}"] for k in range(1, 9)],
        rtol=1e-12,
    )


def test_printout_shows_every_number() -> None:
    v = worked_example()
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        print_worked_example(v)
    text = buffer.getvalue()
    assert text == format_worked_example(v) + "\n"
    for rows in WORKED_FORMULAS.values():
        for name, formula in rows:
            assert f"{name} = {formula}" in text
            assert f"= {format_number(v[name])}" in text
    assert "= 0.15*0.05 + 0.2*0.1 + 0.35*1" in text


def test_printout_of_one_section() -> None:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        print_worked_example(sections=["The forward pass"])
    assert "E_total = E_o1 + E_o2" in buffer.getvalue()
    assert "delta_o1" not in buffer.getvalue()
    assert format_worked_example(sections=["The update"]).startswith("== The update ==")


# Error paths ---------------------------------------------------------------------------

Net = NumpyMLP.from_seed([2, 3, 1], ["tanh", "identity"])


def _forward_then_backward(grad: Any) -> object:
    net = NumpyMLP.from_seed([2, 3, 1], "tanh")
    net.forward(np.ones((4, 2)))
    return net.backward(grad)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: NumpyMLP([], [], "tanh"), ValueError, "one array per layer"),
        (
            lambda: NumpyMLP([np.ones((2, 2))], [], "tanh"),
            ValueError,
            "1 weight matrices and 0 bias",
        ),
        (
            lambda: NumpyMLP([np.ones((2, 2))], [np.ones(3)], "tanh"),
            ValueError,
            r"biases\[0\] must have one entry per row",
        ),
        (
            lambda: NumpyMLP([np.ones((3, 2)), np.ones((1, 4))], [np.ones(3), np.ones(1)], "tanh"),
            ValueError,
            r"weights\[1\] must have 3 columns",
        ),
        (
            lambda: NumpyMLP([np.ones(2)], [np.ones(2)], "tanh"),
            ValueError,
            r"weights\[0\] must be a 2-D array",
        ),
        (
            lambda: NumpyMLP([[[np.nan]]], [[0.0]], "tanh"),
            ValueError,
            r"weights\[0\] must contain only finite",
        ),
        (
            lambda: NumpyMLP([[["a"]]], [[0.0]], "tanh"),
            TypeError,
            r"weights\[0\] must be an array of real",
        ),
        (
            lambda: NumpyMLP([[[1.0]]], [[0.0]], "swish"),
            ValueError,
            r"activations\[0\] must be one of",
        ),
        (
            lambda: NumpyMLP([[[1.0]]], [[0.0]], ["tanh", "relu"]),
            ValueError,
            r"one activation per layer \(1\), got 2",
        ),
        (
            lambda: NumpyMLP.from_seed([3], "tanh"),
            ValueError,
            "layer_sizes must list at least 2 positive",
        ),
        (lambda: NumpyMLP.from_seed([3, 0], "tanh"), ValueError, r"layer_sizes\[1\] .* got 0"),
        (lambda: NumpyMLP.from_seed([3, 2], "tanh", seed=-1), ValueError, r"seed must be .* \[0, "),
        (
            lambda: Net.forward(np.ones((4, 3))),
            ValueError,
            r"X must have 2 columns .* got shape \(4, 3\)",
        ),
        (lambda: Net.forward(np.ones(2)), ValueError, "X must be a 2-D array"),
        (lambda: Net.forward([[1.0, np.inf]]), ValueError, "X must contain only finite"),
        (
            lambda: NumpyMLP.from_seed([2, 1], "tanh").backward([[1.0]]),
            RuntimeError,
            "call forward",
        ),
        (
            lambda: _forward_then_backward(np.ones((4, 2))),
            ValueError,
            r"grad_output must have the shape .*\(4, 1\)",
        ),
        (
            lambda: _forward_then_backward(np.full((4, 1), np.nan)),
            ValueError,
            "grad_output must contain only finite",
        ),
        (
            lambda: loss_and_grad(np.ones((2, 1)), np.ones((2, 1)), "hinge"),
            ValueError,
            "loss must be one of",
        ),
        (
            lambda: train(Net, np.ones((4, 2)), np.ones((3, 1))),
            ValueError,
            "same number of examples, got 4 and 3",
        ),
        (
            lambda: train(Net, np.ones((4, 2)), np.ones((4, 1)), epochs=0),
            ValueError,
            "epochs must be a positive integer",
        ),
        (
            lambda: train(Net, np.ones((4, 2)), np.ones((4, 1)), batch_size=0),
            ValueError,
            "batch_size must be",
        ),
        (
            lambda: train(Net, np.ones((4, 2)), np.ones((4, 1)), lr=0.0),
            ValueError,
            "lr must be a finite number > 0",
        ),
        (lambda: train(Net, np.ones((4, 2)), np.ones((4, 1)), lr=-0.1), ValueError, "lr must be"),
        (
            lambda: train(Net, np.ones((4, 2)), np.ones((4, 1)), optimizer="lbfgs"),
            ValueError,
            "lbfgs",
        ),
        (
            lambda: train(Net, np.ones((4, 2)), np.ones(4), loss="cross_entropy"),
            ValueError,
            "integer class labels",
        ),
        (
            lambda: train(Net, np.ones((4, 2)), np.ones((4, 1)), loss="l1"),
            ValueError,
            "loss must be one of",
        ),
        (
            lambda: gradient_check(Net, np.ones((2, 2)), np.ones((2, 1)), eps=0.0),
            ValueError,
            r"eps must be a finite number in \(0, 1\)",
        ),
        (lambda: worked_example(weights=(0.1,) * 7), ValueError, "weights must hold 8 numbers"),
        (
            lambda: worked_example(inputs=(0.05, float("nan"))),
            ValueError,
            r"inputs\[1\] must be a finite number, got nan",
        ),
        (
            lambda: worked_example(targets=cast(Any, ("a", 1.0))),
            TypeError,
            r"targets\[0\] must be a real number",
        ),
        (
            lambda: worked_example(learning_rate=0.0),
            ValueError,
            "learning_rate must be a finite number > 0, got 0.0",
        ),
        (
            lambda: format_worked_example(sections=["Epilogue"]),
            ValueError,
            r"sections\[0\] must be one of .*, got .Epilogue.",
        ),
        (lambda: print_worked_example({"E_total": 1.0}), ValueError, "missing"),
    ],
)
def test_bad_input_gets_a_clear_error(
    call: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()
