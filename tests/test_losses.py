"""snippets.losses: every loss and gradient equals torch.nn.functional's, and bad input is refused.

The oracle is PyTorch in float64: ``torch.nn.functional`` (default ``reduction="mean"``,
``"batchmean"`` for KL) for values and ``torch.autograd`` for gradients. Central finite
differences check the gradients independently of both.
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

from snippets.losses import (
    binary_cross_entropy,
    binary_cross_entropy_grad,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    cross_entropy,
    cross_entropy_grad,
    huber,
    huber_grad,
    kl_divergence,
    kl_divergence_grad,
    kl_divergence_grad_q,
    mae,
    mae_grad,
    mse,
    mse_grad,
)

RTOL = 1e-10
SHAPES = [(1,), (7,), (3, 4), (2, 3, 5)]
Loss = Callable[[np.ndarray, np.ndarray], float]
Grad = Callable[[np.ndarray, np.ndarray], np.ndarray]
TorchLoss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def torch_value_and_grad(
    loss: TorchLoss, first: np.ndarray, second: np.ndarray
) -> tuple[float, np.ndarray]:
    """PyTorch's loss and its gradient with respect to the first argument."""
    a = torch.tensor(first, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(second)
    value = loss(a, b)
    (grad,) = torch.autograd.grad(value, a)
    return value.item(), grad.numpy()


def assert_matches_torch(
    ours: tuple[Loss, Grad], theirs: TorchLoss, first: np.ndarray, second: np.ndarray
) -> None:
    loss, grad = ours
    expected_value, expected_grad = torch_value_and_grad(theirs, first, second)
    assert loss(first, second) == pytest.approx(expected_value, rel=RTOL, abs=1e-300)
    np.testing.assert_allclose(grad(first, second), expected_grad, rtol=RTOL, atol=1e-300)


def central_differences(loss: Callable[[np.ndarray], float], x: np.ndarray) -> np.ndarray:
    h = 1e-6
    numeric = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = h
        numeric[index] = (loss(x + step) - loss(x - step)) / (2 * h)
    return numeric


# Regression losses -----------------------------------------------------------------------------
REGRESSION: dict[str, tuple[tuple[Loss, Grad], TorchLoss]] = {
    "mse": ((mse, mse_grad), F.mse_loss),
    "mae": ((mae, mae_grad), F.l1_loss),
    "huber": ((huber, huber_grad), F.huber_loss),
}


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", REGRESSION)
def test_regression_losses_equal_torch(name: str, shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(len(shape))
    pred, target = rng.normal(scale=2.0, size=shape), rng.normal(scale=2.0, size=shape)
    ours, theirs = REGRESSION[name]
    assert_matches_torch(ours, theirs, pred, target)


@pytest.mark.parametrize("delta", [0.1, 0.5, 1.0, 3.0])
def test_huber_delta_equals_torch(delta: float) -> None:
    rng = np.random.default_rng(4)
    pred, target = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    ours: tuple[Loss, Grad] = (
        lambda p, t: huber(p, t, delta),
        lambda p, t: huber_grad(p, t, delta),
    )
    assert_matches_torch(ours, lambda p, t: F.huber_loss(p, t, delta=delta), pred, target)


def test_huber_is_half_mse_for_small_errors_and_shifted_mae_for_large() -> None:
    small = np.array([0.1, -0.3])
    assert huber(small, np.zeros(2), delta=1.0) == pytest.approx(mse(small, np.zeros(2)) / 2)
    large = np.array([5.0, -7.0])
    assert huber(large, np.zeros(2), delta=1.0) == pytest.approx(mae(large, np.zeros(2)) - 0.5)


def test_mae_gradient_is_zero_where_prediction_is_exact() -> None:
    np.testing.assert_array_equal(mae_grad([1.0, 2.0], [1.0, 0.0]), [0.0, 0.5])


# Binary classification -------------------------------------------------------------------------
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("soft", [False, True], ids=["hard-targets", "soft-targets"])
def test_binary_cross_entropy_equals_torch(shape: tuple[int, ...], soft: bool) -> None:
    rng = np.random.default_rng(len(shape) + 10 * soft)
    prob = rng.uniform(0.01, 0.99, size=shape)
    target = rng.uniform(size=shape) if soft else rng.integers(0, 2, size=shape).astype(float)
    ours = (binary_cross_entropy, binary_cross_entropy_grad)
    assert_matches_torch(ours, F.binary_cross_entropy, prob, target)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_binary_cross_entropy_with_logits_equals_torch(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(len(shape))
    logits = rng.normal(scale=4.0, size=shape)
    target = rng.integers(0, 2, size=shape).astype(float)
    ours = (binary_cross_entropy_with_logits, binary_cross_entropy_with_logits_grad)
    assert_matches_torch(ours, F.binary_cross_entropy_with_logits, logits, target)


def test_probabilities_exactly_zero_and_one_match_torch_clamp() -> None:
    """PyTorch clamps log at -100: a confident wrong answer costs 100, not infinity."""
    prob = np.array([0.0, 1.0, 0.0, 1.0, 0.5])
    target = np.array([0.0, 1.0, 1.0, 0.0, 1.0])
    with np.errstate(all="raise"):
        value = binary_cross_entropy(prob, target)
        grad = binary_cross_entropy_grad(prob, target)
    assert np.isfinite(value)
    assert np.all(np.isfinite(grad))
    assert value == pytest.approx((100.0 + 100.0 + np.log(2.0)) / 5, rel=1e-15)
    assert_matches_torch(
        (binary_cross_entropy, binary_cross_entropy_grad), F.binary_cross_entropy, prob, target
    )


def test_extreme_logits_match_torch() -> None:
    logits = np.array([1e4, -1e4, 1e4, -1e4, 745.0, -745.0, 0.0])
    target = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.5])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = binary_cross_entropy_with_logits(logits, target)
    assert value == pytest.approx((1e4 + 1e4 + 745.0 + np.log(2.0)) / 7, rel=1e-12)
    ours = (binary_cross_entropy_with_logits, binary_cross_entropy_with_logits_grad)
    assert_matches_torch(ours, F.binary_cross_entropy_with_logits, logits, target)


def test_logits_form_is_exact_where_probabilities_round_to_one() -> None:
    """sigmoid(40) rounds to 1.0, so BCE on probabilities loses a loss that the logits keep."""
    exact = binary_cross_entropy_with_logits([40.0], [1.0])
    assert exact == pytest.approx(np.exp(-40.0), rel=1e-12)
    via_probability = binary_cross_entropy(1 / (1 + np.exp([-40.0])), [1.0])
    assert via_probability == 0.0


@given(arrays(np.float64, st.integers(1, 12), elements=st.floats(-50, 50)))
def test_logits_form_equals_probability_form_where_both_are_accurate(z: np.ndarray) -> None:
    target = (z > 0).astype(float)
    prob = 1 / (1 + np.exp(-z))
    assert binary_cross_entropy_with_logits(z, target) == pytest.approx(
        binary_cross_entropy(prob, target), rel=1e-6, abs=1e-12
    )


# Multi-class -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("n", "c"), [(1, 2), (5, 3), (16, 10)])
def test_cross_entropy_equals_torch(n: int, c: int) -> None:
    rng = np.random.default_rng(n * c)
    logits, labels = rng.normal(scale=3.0, size=(n, c)), rng.integers(0, c, size=n)
    a = torch.tensor(logits, requires_grad=True)
    value = F.cross_entropy(a, torch.tensor(labels))
    (grad,) = torch.autograd.grad(value, a)
    assert cross_entropy(logits, labels) == pytest.approx(value.item(), rel=RTOL)
    np.testing.assert_allclose(cross_entropy_grad(logits, labels), grad.numpy(), rtol=RTOL, atol=0)


def test_cross_entropy_of_extreme_logits_matches_torch() -> None:
    logits = np.array([[1e4, -1e4, 0.0], [1e4, -1e4, 0.0], [-1e4, -1e4, -1e4]])
    labels = np.array([0, 1, 2])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = cross_entropy(logits, labels)
        grad = cross_entropy_grad(logits, labels)
    assert value == pytest.approx((0.0 + 2e4 + np.log(3.0)) / 3, rel=1e-12)
    a = torch.tensor(logits, requires_grad=True)
    expected = F.cross_entropy(a, torch.tensor(labels))
    (expected_grad,) = torch.autograd.grad(expected, a)
    assert value == pytest.approx(expected.item(), rel=RTOL)
    np.testing.assert_allclose(grad, expected_grad.numpy(), rtol=RTOL, atol=1e-300)


def test_cross_entropy_with_two_classes_is_bce_with_logits() -> None:
    """Softmax over [z, 0] is sigmoid(z): two-logit cross-entropy is BCE on the logit difference."""
    rng = np.random.default_rng(5)
    z, y = rng.normal(size=8), rng.integers(0, 2, size=8)
    two_logits = np.stack([np.zeros(8), z], axis=1)  # class 1 has logit z, class 0 has 0
    assert cross_entropy(two_logits, y) == pytest.approx(
        binary_cross_entropy_with_logits(z, y.astype(float)), rel=1e-12
    )


def test_labels_of_any_integer_dtype_are_accepted() -> None:
    logits = np.array([[1.0, 2.0], [0.5, -1.0]])
    expected = cross_entropy(logits, np.array([1, 0]))
    for dtype in (np.int8, np.int32, np.uint16, np.int64):
        assert cross_entropy(logits, np.array([1, 0], dtype=dtype)) == expected


# KL divergence ---------------------------------------------------------------------------------
def random_distributions(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.dirichlet(np.ones(shape[-1]), size=shape[:-1])


@pytest.mark.parametrize("shape", [(4, 3), (10, 5), (1, 2)], ids=str)
def test_kl_divergence_equals_torch_batchmean(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(sum(shape))
    p, q = random_distributions(rng, shape), random_distributions(rng, shape)
    tp = torch.tensor(p, requires_grad=True)
    tq = torch.tensor(q, requires_grad=True)
    value = F.kl_div(tq.log(), tp, reduction="batchmean")
    grad_p, grad_q = torch.autograd.grad(value, (tp, tq))
    assert kl_divergence(p, q) == pytest.approx(value.item(), rel=RTOL)
    np.testing.assert_allclose(kl_divergence_grad(p, q), grad_p.numpy(), rtol=RTOL, atol=0)
    np.testing.assert_allclose(kl_divergence_grad_q(p, q), grad_q.numpy(), rtol=RTOL, atol=0)


def test_one_distribution_is_a_batch_of_one() -> None:
    rng = np.random.default_rng(6)
    p, q = rng.dirichlet(np.ones(5)), rng.dirichlet(np.ones(5))
    expected = F.kl_div(torch.tensor(q).log(), torch.tensor(p), reduction="sum").item()
    assert kl_divergence(p, q) == pytest.approx(expected, rel=RTOL)
    assert kl_divergence(p, q) == pytest.approx(kl_divergence(p[None], q[None]), rel=1e-15)


def test_zero_probabilities_in_p_contribute_nothing() -> None:
    p, q = np.array([0.0, 0.25, 0.75]), np.array([0.2, 0.3, 0.5])
    expected = 0.25 * np.log(0.25 / 0.3) + 0.75 * np.log(0.75 / 0.5)
    assert kl_divergence(p, q) == pytest.approx(expected, rel=1e-14)
    assert kl_divergence(p, np.array([0.0, 0.5, 0.5])) >= 0.0  # q = 0 where p = 0 is allowed
    grad_q = kl_divergence_grad_q(p, np.array([0.0, 0.5, 0.5]))
    np.testing.assert_array_equal(grad_q, [-0.0, -0.5, -1.5])


def test_kl_divergence_is_not_symmetric() -> None:
    p, q = np.array([0.9, 0.1]), np.array([0.5, 0.5])
    assert kl_divergence(p, q) != pytest.approx(kl_divergence(q, p), rel=1e-3)


# Every loss, checked against finite differences and for its basic properties --------------------
def test_every_gradient_equals_central_differences() -> None:
    rng = np.random.default_rng(9)
    pred, target = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    for loss, grad in [(mse, mse_grad), (mae, mae_grad), (huber, huber_grad)]:
        numeric = central_differences(lambda x, loss=loss: loss(x, target), pred)  # type: ignore[misc]
        np.testing.assert_allclose(grad(pred, target), numeric, rtol=1e-6, atol=1e-9)
    prob, hard = rng.uniform(0.05, 0.95, size=(3, 4)), rng.integers(0, 2, size=(3, 4)) * 1.0
    numeric = central_differences(lambda x: binary_cross_entropy(x, hard), prob)
    np.testing.assert_allclose(binary_cross_entropy_grad(prob, hard), numeric, rtol=1e-6)
    numeric = central_differences(lambda x: binary_cross_entropy_with_logits(x, hard), pred)
    np.testing.assert_allclose(
        binary_cross_entropy_with_logits_grad(pred, hard), numeric, rtol=1e-6
    )
    labels = rng.integers(0, 4, size=3)
    numeric = central_differences(lambda x: cross_entropy(x, labels), pred)
    np.testing.assert_allclose(cross_entropy_grad(pred, labels), numeric, rtol=1e-6, atol=1e-10)


def test_kl_gradients_equal_central_differences() -> None:
    """KL is defined for any positive arrays, so perturbing one entry is a valid direction."""
    rng = np.random.default_rng(10)
    p, q = random_distributions(rng, (2, 4)), random_distributions(rng, (2, 4))

    def kl_unnormalised(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.sum(a * np.log(a / b)) / a.shape[0])

    assert kl_unnormalised(p, q) == pytest.approx(kl_divergence(p, q), rel=1e-14)
    numeric_p = central_differences(lambda x: kl_unnormalised(x, q), p)
    numeric_q = central_differences(lambda x: kl_unnormalised(p, x), q)
    np.testing.assert_allclose(kl_divergence_grad(p, q), numeric_p, rtol=1e-6)
    np.testing.assert_allclose(kl_divergence_grad_q(p, q), numeric_q, rtol=1e-6)


floats = st.floats(-1e3, 1e3, allow_nan=False)
same_shape_pairs = array_shapes(min_dims=1, max_dims=2, max_side=6).flatmap(
    lambda shape: st.tuples(
        arrays(np.float64, shape, elements=floats), arrays(np.float64, shape, elements=floats)
    )
)


@given(same_shape_pairs, st.floats(0.01, 10.0))
def test_regression_losses_are_non_negative_and_zero_at_a_perfect_prediction(
    pair: tuple[np.ndarray, np.ndarray], delta: float
) -> None:
    pred, target = pair
    assert mse(pred, target) >= 0.0
    assert mae(pred, target) >= 0.0
    assert huber(pred, target, delta) >= 0.0
    assert mse(target, target) == mae(target, target) == huber(target, target, delta) == 0.0
    assert not np.any(mse_grad(target, target))
    assert not np.any(huber_grad(target, target, delta))


@given(arrays(np.float64, st.integers(1, 10), elements=st.floats(0, 1)))
def test_binary_cross_entropy_is_non_negative_and_zero_when_certain_and_right(
    prob: np.ndarray,
) -> None:
    hard = (prob > 0.5).astype(float)
    assert binary_cross_entropy(prob, hard) >= 0.0
    assert binary_cross_entropy(hard, hard) == 0.0
    assert binary_cross_entropy_with_logits(np.where(hard > 0, 1e4, -1e4), hard) == 0.0


@given(
    st.integers(1, 6).flatmap(
        lambda c: st.tuples(
            arrays(np.float64, (3, c), elements=st.floats(-100, 100)),
            arrays(np.int64, (3,), elements=st.integers(0, c - 1)),
        )
    )
)
def test_cross_entropy_is_non_negative(case: tuple[np.ndarray, np.ndarray]) -> None:
    logits, labels = case
    assert cross_entropy(logits, labels) >= 0.0
    np.testing.assert_allclose(cross_entropy_grad(logits, labels).sum(axis=1), 0.0, atol=1e-12)


@given(st.integers(2, 6), st.integers(0, 2**32 - 1))
def test_kl_divergence_is_non_negative_and_zero_only_for_equal_distributions(
    c: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    p, q = random_distributions(rng, (2, c)), random_distributions(rng, (2, c))
    assert kl_divergence(p, q) >= 0.0
    assert kl_divergence(p, p) == pytest.approx(0.0, abs=1e-15)


# Error paths: each names the argument and what was expected --------------------------------------
@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: mse([1.0, 2.0], [1.0]), ValueError, r"pred and target .* got \(2,\) and \(1,\)"),
        (lambda: mae([[1.0, 2.0]], [1.0, 2.0]), ValueError, "same shape"),
        (lambda: mse([], []), ValueError, "pred must not be empty"),
        (
            lambda: mse([1.0, np.nan], [1.0, 2.0]),
            ValueError,
            r"pred must contain only finite.*\(1,\)",
        ),
        (lambda: mae([1.0], [np.inf]), ValueError, "target must contain only finite"),
        (lambda: mse(["a"], [1.0]), TypeError, "pred must be an array of real numbers"),
        (lambda: mse_grad([1.0], None), TypeError, "target must be an array of real numbers"),  # type: ignore[arg-type]
        (lambda: huber([1.0], [1.0], delta=0.0), ValueError, "delta must be a finite number > 0"),
        (lambda: huber_grad([1.0], [1.0], delta=-1.0), ValueError, "delta must be .* got -1.0"),
        (lambda: huber([1.0], [1.0], delta=np.nan), ValueError, "delta must be a finite"),
        (lambda: huber([1.0], [1.0], delta="1"), TypeError, r"delta must be a real .* \(str\)"),  # type: ignore[arg-type]
        (lambda: binary_cross_entropy([1.2], [1.0]), ValueError, r"prob must lie in \[0, 1\].*1.2"),
        (lambda: binary_cross_entropy_grad([-0.1], [1.0]), ValueError, "prob must lie in"),
        (lambda: binary_cross_entropy([0.5], [2.0]), ValueError, "target must lie in"),
        (lambda: binary_cross_entropy([0.5], [1.0, 0.0]), ValueError, "prob and target"),
        (lambda: binary_cross_entropy_with_logits([0.5], [-1.0]), ValueError, "target must lie in"),
        (lambda: binary_cross_entropy_with_logits_grad([np.inf], [1.0]), ValueError, "logits must"),
        (lambda: cross_entropy([1.0, 2.0], [0]), ValueError, r"logits must be a 2-D.*\(2,\)"),
        (lambda: cross_entropy([[1.0, 2.0]], [0.0]), TypeError, "labels must be integer class"),
        (
            lambda: cross_entropy_grad([[1.0, 2.0]], [0, 1]),
            ValueError,
            r"labels must have shape \(1,\)",
        ),
        (
            lambda: cross_entropy([[1.0, 2.0]], [2]),
            ValueError,
            r"labels must lie in \[0, 1\].*got 2",
        ),
        (lambda: cross_entropy([[1.0, 2.0]], [-1]), ValueError, "labels must lie in"),
        (
            lambda: cross_entropy([[1.0, np.nan]], [0]),
            ValueError,
            "logits must contain only finite",
        ),
        (lambda: kl_divergence([0.5, 0.5], [0.5, 0.5, 0.0]), ValueError, "p and q must have"),
        (lambda: kl_divergence([-0.5, 1.5], [0.5, 0.5]), ValueError, "p must be non-negative"),
        (lambda: kl_divergence([0.5, 0.5], [0.5, 0.6]), ValueError, "q must sum to 1.*1.1"),
        (lambda: kl_divergence([1.0, 0.0], [0.0, 1.0]), ValueError, "q must be > 0 wherever p > 0"),
        (
            lambda: kl_divergence(np.full((1, 1, 2), 0.5), np.full((1, 1, 2), 0.5)),
            ValueError,
            r"shape \(C,\) or \(N, C\)",
        ),
        (
            lambda: kl_divergence_grad([1.0, 0.0], [0.5, 0.5]),
            ValueError,
            "p must be > 0 everywhere",
        ),
        (lambda: kl_divergence_grad_q([1.0], [np.nan]), ValueError, "q must contain only finite"),
    ],
)
def test_bad_arguments_name_themselves(
    call: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()


def test_hypothesis_runs_without_a_deadline_under_the_suite_profile() -> None:
    # A hypothesis test here once failed with DeadlineExceeded (267 ms against 200 ms) while
    # the site build ran beside it: tests/conftest.py loads one profile without deadlines.
    from hypothesis import settings

    assert settings().deadline is None
