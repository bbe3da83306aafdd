"""snippets.activations: every activation and derivative equals PyTorch's, and bad input is refused.

The oracle is PyTorch in float64: ``torch.nn.functional`` for values and ``torch.autograd``
for derivatives. Central finite differences check the derivatives independently of both.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812 (the name every PyTorch reader knows)
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from snippets.activations import (
    ACTIVATION_NAMES,
    elu,
    elu_grad,
    gelu,
    get_activation,
    identity,
    leaky_relu,
    leaky_relu_grad,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    softmax,
    softmax_jvp,
    tanh,
    tanh_grad,
)

TorchFn = Callable[[torch.Tensor], torch.Tensor]
TORCH: dict[str, TorchFn] = {
    "identity": lambda t: t,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": F.relu,
    "leaky_relu": lambda t: F.leaky_relu(t, 0.01),
    "elu": lambda t: F.elu(t, alpha=1.0),
    "gelu": lambda t: F.gelu(t, approximate="none"),
}
SHAPES = [(), (7,), (3, 4), (2, 3, 5)]
RTOL = 1e-10
# Finite floats the tests can feed in: wide enough for the extremes, small enough to add safely.
finite_floats = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False)


def torch_value_and_grad(name: str, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """PyTorch's value and element-wise derivative (autograd of the sum) at ``x``."""
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y = TORCH[name](t)
    (grad,) = torch.autograd.grad(y.sum(), t)
    return y.detach().numpy(), grad.numpy()


def test_every_name_has_an_oracle() -> None:
    assert set(ACTIVATION_NAMES) == set(TORCH)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_value_and_derivative_equal_torch(name: str, shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(len(shape))
    x = rng.normal(scale=2.0, size=shape)
    phi, dphi = get_activation(name)
    expected_value, expected_grad = torch_value_and_grad(name, x)
    np.testing.assert_allclose(phi(x), expected_value, rtol=RTOL, atol=0)
    np.testing.assert_allclose(dphi(x), expected_grad, rtol=RTOL, atol=0)
    assert phi(x).shape == dphi(x).shape == x.shape
    assert phi(x).dtype == dphi(x).dtype == np.float64


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_derivative_at_zero_follows_torch(name: str) -> None:
    """ReLU, leaky ReLU and ELU have a kink or a one-sided derivative at 0: use torch's value."""
    x = np.zeros(3)
    _, expected = torch_value_and_grad(name, x)
    np.testing.assert_array_equal(get_activation(name).gradient(x), expected)


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_derivative_equals_central_differences(name: str) -> None:
    rng = np.random.default_rng(3)
    x = rng.uniform(-4, 4, size=50)
    x = x[np.abs(x) > 1e-3]  # stay off the kink at 0, where there is no derivative to estimate
    phi, dphi = get_activation(name)
    h = 1e-6
    numeric = (phi(x + h) - phi(x - h)) / (2 * h)
    np.testing.assert_allclose(dphi(x), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("slope", [0.0, 0.2, 1.0, -0.5])
def test_leaky_relu_slope_equals_torch(slope: float) -> None:
    x = np.linspace(-3, 3, 13)
    t = torch.tensor(x, requires_grad=True)
    y = F.leaky_relu(t, slope)
    (grad,) = torch.autograd.grad(y.sum(), t)
    np.testing.assert_allclose(leaky_relu(x, slope), y.detach().numpy(), rtol=RTOL, atol=0)
    np.testing.assert_allclose(leaky_relu_grad(x, slope), grad.numpy(), rtol=RTOL, atol=0)


@pytest.mark.parametrize("alpha", [0.5, 1.0, 2.0])
def test_elu_alpha_equals_torch(alpha: float) -> None:
    x = np.linspace(-3, 3, 13)
    t = torch.tensor(x, requires_grad=True)
    y = F.elu(t, alpha=alpha)
    (grad,) = torch.autograd.grad(y.sum(), t)
    np.testing.assert_allclose(elu(x, alpha), y.detach().numpy(), rtol=RTOL, atol=0)
    np.testing.assert_allclose(elu_grad(x, alpha), grad.numpy(), rtol=RTOL, atol=0)


# Extreme inputs: no overflow, no invalid operation, and the right limits.
EXTREMES = np.array([-1e4, -745.0, -40.0, 0.0, 40.0, 745.0, 1e4])


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_extreme_inputs_are_finite_and_equal_torch(name: str) -> None:
    phi, dphi = get_activation(name)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value, grad = phi(EXTREMES), dphi(EXTREMES)
    assert np.all(np.isfinite(value))
    assert np.all(np.isfinite(grad))
    expected_value, expected_grad = torch_value_and_grad(name, EXTREMES)
    np.testing.assert_allclose(value, expected_value, rtol=RTOL, atol=1e-300)
    if name in ("sigmoid", "tanh"):
        # PyTorch's (1 - y) y and 1 - y^2 cancel to 0 where y rounds to 1; ours stay accurate
        # (see the next test), so compare only where PyTorch kept its digits.
        kept = np.abs(EXTREMES) < 30
        np.testing.assert_allclose(grad[kept], expected_grad[kept], rtol=RTOL, atol=1e-300)
    else:
        np.testing.assert_allclose(grad, expected_grad, rtol=RTOL, atol=1e-300)


@pytest.mark.skipif(
    bool(np.finfo(np.longdouble).eps >= np.finfo(np.float64).eps),
    reason="long double is no wider than float64 on this platform: no reference to compare with",
)
def test_sigmoid_and_tanh_derivatives_are_accurate_where_one_minus_cancels() -> None:
    """Against an extended-precision reference, wherever the result is a normal float64."""
    x = np.linspace(-300, 300, 6001)
    wide = x.astype(np.longdouble)
    sigmoid_ref = np.exp(-np.abs(wide)) / (1 + np.exp(-np.abs(wide))) ** 2
    tanh_ref = 1 / np.cosh(wide) ** 2
    np.testing.assert_allclose(sigmoid_grad(x), sigmoid_ref.astype(np.float64), rtol=1e-14)
    np.testing.assert_allclose(tanh_grad(x), tanh_ref.astype(np.float64), rtol=1e-14)


def test_saturating_limits() -> None:
    np.testing.assert_array_equal(sigmoid([-1e4, 1e4]), [0.0, 1.0])
    np.testing.assert_array_equal(tanh([-1e4, 1e4]), [-1.0, 1.0])
    np.testing.assert_array_equal(sigmoid_grad([-1e4, 1e4]), [0.0, 0.0])
    np.testing.assert_array_equal(elu([-1e4]), [-1.0])
    np.testing.assert_array_equal(gelu([-1e4, 1e4]), [0.0, 1e4])
    assert 0.0 < sigmoid([-700.0])[0] < 1e-300  # tiny, but not rounded to zero


@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 5)], ids=str)
def test_softmax_and_its_jvp_equal_torch_on_every_axis(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(sum(shape))
    x, v = rng.normal(scale=3.0, size=shape), rng.normal(size=shape)
    for axis in range(-len(shape), len(shape)):
        t = torch.tensor(x, requires_grad=True)
        y = torch.softmax(t, dim=axis)
        (grad,) = torch.autograd.grad(y, t, grad_outputs=torch.tensor(v))
        np.testing.assert_allclose(softmax(x, axis), y.detach().numpy(), rtol=RTOL, atol=0)
        np.testing.assert_allclose(softmax_jvp(x, v, axis), grad.numpy(), rtol=1e-9, atol=1e-15)


def test_softmax_jvp_equals_the_full_jacobian() -> None:
    rng = np.random.default_rng(7)
    x, v = rng.normal(size=6), rng.normal(size=6)
    s = softmax(x)
    jacobian = np.diag(s) - np.outer(s, s)
    np.testing.assert_allclose(softmax_jvp(x, v), jacobian.T @ v, rtol=1e-12, atol=1e-15)


def test_softmax_jvp_equals_central_differences() -> None:
    rng = np.random.default_rng(8)
    x, v = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    h = 1e-6
    numeric = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = h
        numeric[index] = (np.sum(softmax(x + step) * v) - np.sum(softmax(x - step) * v)) / (2 * h)
    np.testing.assert_allclose(softmax_jvp(x, v), numeric, rtol=1e-6, atol=1e-9)


def test_softmax_of_extreme_logits() -> None:
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        s = softmax([[1e4, -1e4, 0.0], [1e4, 1e4, 1e4]])
        grad = softmax_jvp([[1e4, -1e4, 0.0]], [[1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(s, [[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]])
    assert np.all(np.isfinite(grad))
    expected = torch.softmax(torch.tensor([[1e4, -1e4, 0.0]], dtype=torch.float64), dim=-1)
    np.testing.assert_array_equal(s[:1], expected.numpy())


@given(arrays(np.float64, array_shapes(min_dims=1, max_dims=3, max_side=6), elements=finite_floats))
def test_softmax_is_a_distribution(x: np.ndarray) -> None:
    s = softmax(x)
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(s.sum(axis=-1), 1.0, rtol=0, atol=1e-12)


@given(
    arrays(np.float64, array_shapes(min_dims=1, max_dims=2, max_side=6), elements=finite_floats),
    st.floats(-1e3, 1e3),
)
def test_softmax_is_shift_invariant(x: np.ndarray, c: float) -> None:
    np.testing.assert_allclose(softmax(x + c), softmax(x), rtol=1e-9, atol=1e-12)


@given(arrays(np.float64, st.integers(1, 8), elements=finite_floats))
def test_softmax_of_z_and_zero_is_sigmoid(z: np.ndarray) -> None:
    """Softmax over the two logits [z, 0] gives sigmoid(z) for the first class."""
    two_logits = np.stack([z, np.zeros_like(z)], axis=-1)
    np.testing.assert_allclose(softmax(two_logits)[:, 0], sigmoid(z), rtol=1e-12, atol=1e-300)


@given(
    arrays(np.float64, array_shapes(min_dims=1, max_dims=2, max_side=5), elements=finite_floats),
    st.integers(0, 2**32 - 1),
)
def test_softmax_jvp_is_orthogonal_to_a_shift(x: np.ndarray, seed: int) -> None:
    """Adding a constant to every logit leaves softmax unchanged, so the gradient sums to 0."""
    v = np.random.default_rng(seed).normal(size=x.shape)
    np.testing.assert_allclose(softmax_jvp(x, v).sum(axis=-1), 0.0, atol=1e-12)


@given(arrays(np.float64, st.integers(1, 20), elements=finite_floats))
def test_sigmoid_is_symmetric_and_bounded(x: np.ndarray) -> None:
    s = sigmoid(x)
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(s + sigmoid(-x), 1.0, rtol=0, atol=1e-15)


# Known bounds of each derivative: sigmoid' <= 1/4, tanh' <= 1, ReLU family' in [0, 1];
# GELU's is the only one that dips below 0 (to about -0.129) and rises above 1 (to about 1.129).
DERIVATIVE_BOUNDS = {
    "identity": (1.0, 1.0),
    "sigmoid": (0.0, 0.25),
    "tanh": (0.0, 1.0),
    "relu": (0.0, 1.0),
    "leaky_relu": (0.0, 1.0),
    "elu": (0.0, 1.0),
    "gelu": (-0.13, 1.13),
}


def test_tanh_derivative_never_rounds_above_one_near_zero() -> None:
    # Found by hypothesis: 4e/(1+e)^2 with e = exp(-2|x|) came out one unit above 1 here.
    x = np.array([2.04888135e-13, 1e-9, -3e-11, 0.0])
    assert np.all(tanh_grad(x) <= 1.0)
    assert np.all(tanh_grad(x) >= 1.0 - 1e-15)


@given(
    st.sampled_from(ACTIVATION_NAMES),
    arrays(np.float64, st.integers(1, 20), elements=finite_floats),
)
def test_derivative_is_finite_and_bounded(name: str, x: np.ndarray) -> None:
    lower, upper = DERIVATIVE_BOUNDS[name]
    grad = get_activation(name).gradient(x)
    assert np.all(np.isfinite(grad))
    assert np.all((grad >= lower) & (grad <= upper))


def test_relu_on_a_scalar_returns_a_zero_dim_array() -> None:
    assert relu(-3.0).shape == ()
    assert float(relu(2.5)) == 2.5


def test_identity_returns_a_copy() -> None:
    x = np.array([1.0, 2.0])
    y = identity(x)
    y[0] = 99.0
    assert x[0] == 1.0


def test_get_activation_unpacks_into_function_and_gradient() -> None:
    phi, dphi = get_activation("relu")
    assert phi is relu
    assert dphi is relu_grad


# Error paths: each names the argument and what was expected.
@pytest.mark.parametrize("name", ACTIVATION_NAMES)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_input_is_refused(name: str, bad: float) -> None:
    phi, dphi = get_activation(name)
    for fn in (phi, dphi):
        with pytest.raises(
            ValueError, match=r"x must contain only finite numbers, got .* at index \(1,\)"
        ):
            fn([0.0, bad])


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_non_numeric_input_is_refused(name: str) -> None:
    with pytest.raises(TypeError, match=r"x must be an array of real numbers, got .*\(list\)"):
        get_activation(name).function(["a", "b"])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: get_activation("swish"), ValueError, r"name must be one of .*'gelu'.*got 'swish'"),
        (lambda: get_activation("softmax"), ValueError, "use softmax and softmax_jvp"),
        (lambda: get_activation(3), TypeError, r"name must be a string, .*got 3 \(int\)"),  # type: ignore[arg-type]
        (lambda: leaky_relu([1.0], float("nan")), ValueError, "negative_slope must be a finite"),
        (lambda: leaky_relu_grad([1.0], "0.1"), TypeError, "negative_slope must be a real number"),  # type: ignore[arg-type]
        (lambda: elu([1.0], float("inf")), ValueError, "alpha must be a finite number, got inf"),
        (lambda: elu_grad([1.0], True), TypeError, r"alpha must be .*True \(bool\)"),
        (lambda: softmax(3.0), ValueError, "x must have at least 1 dimension"),
        (lambda: softmax([1.0, 2.0], axis=1), ValueError, r"axis must be .* \[-1, 0\], got 1"),
        (lambda: softmax([[1.0, 2.0]], axis=-3), ValueError, r"axis must be .* \[-2, 1\]"),
        (lambda: softmax([1.0, 2.0], axis=0.0), TypeError, r"axis must be an integer, got 0.0"),  # type: ignore[arg-type]
        (lambda: softmax([1.0, np.nan]), ValueError, "x must contain only finite"),
        (lambda: softmax_jvp([1.0, 2.0], [1.0]), ValueError, r"x and v must .* \(2,\) and \(1,\)"),
        (lambda: softmax_jvp([1.0, 2.0], [1.0, np.inf]), ValueError, "v must contain only finite"),
        (lambda: softmax_jvp([1.0, 2.0], None), TypeError, "v must be an array of real numbers"),  # type: ignore[arg-type]
    ],
)
def test_bad_arguments_name_themselves(
    call: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()


def test_unknown_name_lists_every_valid_one() -> None:
    with pytest.raises(ValueError, match="must be one of") as info:
        get_activation("softplus")
    for name in ACTIVATION_NAMES:
        assert repr(name) in str(info.value)
