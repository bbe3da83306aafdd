"""snippets.gradient_descent: every variant reaches the closed-form optimum, learning rates behave
as the theory of quadratics predicts, the 2-D test functions have the right gradients, and bad
input is refused.

Tolerances come from the theory, not from a run: on a quadratic with Hessian eigenvalues in
$[\\mu, L]$, batch gradient descent with step $\\eta = 1/L$ shrinks the distance to the optimum
by at least $1 - \\mu/L$ per update, so the number of epochs a tolerance needs is computed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.gradient_descent import (
    QUADRATIC_HESSIAN,
    SURFACES,
    batch_gd,
    compare_optimizers,
    divergence_threshold,
    gradient_descent,
    learning_rate_regimes,
    least_squares_solution,
    linear_mse,
    linear_mse_grad,
    linear_mse_hessian,
    make_linear_data,
    minibatch_gd,
    quadratic,
    quadratic_grad,
    rosenbrock,
    rosenbrock_grad,
    stochastic_gd,
    trajectory,
)
from snippets.optimizers import make_optimizer

X, Y = make_linear_data(n_samples=200, n_features=2, noise=0.5, seed=0)
W_STAR = least_squares_solution(X, Y)
LOSS_STAR = linear_mse(X, Y, W_STAR)


def _eigenvalues(X_: np.ndarray[Any, Any]) -> tuple[float, float]:
    eig = np.linalg.eigvalsh(linear_mse_hessian(X_))
    return float(eig.min()), float(eig.max())


# ---- the least-squares problem -----------------------------------------------------------


def test_mse_and_its_gradient_equal_torch_autograd() -> None:
    w = np.random.default_rng(1).normal(size=X.shape[1])
    w_t = torch.tensor(w, requires_grad=True)
    loss = torch.nn.functional.mse_loss(torch.from_numpy(X) @ w_t, torch.from_numpy(Y))
    (grad,) = torch.autograd.grad(loss, w_t)
    assert linear_mse(X, Y, w) == pytest.approx(loss.item(), rel=1e-12)
    np.testing.assert_allclose(linear_mse_grad(X, Y, w), grad.numpy(), rtol=1e-12)


def test_hessian_equals_torch_hessian() -> None:
    def loss(w: torch.Tensor) -> torch.Tensor:
        return torch.mean((torch.from_numpy(X) @ w - torch.from_numpy(Y)) ** 2)

    w0 = torch.zeros(X.shape[1], dtype=torch.float64)
    expected = torch.autograd.functional.hessian(loss, w0)  # type: ignore[no-untyped-call]
    np.testing.assert_allclose(linear_mse_hessian(X), expected.numpy(), rtol=1e-12)


def test_gradient_is_zero_at_the_closed_form_optimum() -> None:
    np.testing.assert_allclose(linear_mse_grad(X, Y, W_STAR), 0.0, atol=1e-12)
    # and the optimum is what the normal equations X^T X w = X^T y give
    np.testing.assert_allclose(W_STAR, np.linalg.solve(X.T @ X, X.T @ Y), rtol=1e-10)


def test_make_linear_data_has_a_bias_column_and_is_reproducible() -> None:
    X1, y1 = make_linear_data(n_samples=30, n_features=4, seed=7)
    X2, y2 = make_linear_data(n_samples=30, n_features=4, seed=7)
    assert X1.shape == (30, 5)
    np.testing.assert_array_equal(X1[:, -1], 1.0)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    _, y_clean = make_linear_data(n_samples=30, n_features=4, noise=0.0, seed=7)
    # without noise, y is exactly linear in X, so the least-squares fit leaves no residual
    assert linear_mse(X1, y_clean, least_squares_solution(X1, y_clean)) < 1e-25


# ---- the three variants -----------------------------------------------------------------


def test_batch_gd_reaches_the_optimum_in_the_number_of_epochs_theory_predicts() -> None:
    mu, L = _eigenvalues(X)
    tol = 1e-10
    start_error = np.linalg.norm(W_STAR)  # w0 = 0
    # ||w_k - w*|| <= (1 - mu/L)^k ||w_0 - w*|| for eta = 1/L
    epochs = math.ceil(math.log(tol / start_error) / math.log(1 - mu / L))
    history = batch_gd(X, Y, lr=1 / L, epochs=epochs)
    assert np.linalg.norm(history.w - W_STAR) <= tol * np.linalg.norm(W_STAR) * 1.01
    assert history.epoch_loss[-1] == pytest.approx(LOSS_STAR, rel=1e-12)


def test_batch_gd_error_shrinks_at_least_geometrically() -> None:
    mu, L = _eigenvalues(X)
    rate = 1 - mu / L
    w = np.zeros(X.shape[1])
    for k in range(1, 15):
        w = batch_gd(X, Y, lr=1 / L, epochs=1, w0=w).w
        assert np.linalg.norm(w - W_STAR) <= rate**k * np.linalg.norm(W_STAR) * (1 + 1e-9)


def _excess(history_w: np.ndarray[Any, Any]) -> float:
    return linear_mse(X, Y, history_w) - LOSS_STAR


@pytest.mark.parametrize(
    ("run", "updates"),
    [
        (lambda: stochastic_gd(X, Y, lr=0.01, epochs=30, seed=0), 200),
        (lambda: minibatch_gd(X, Y, lr=0.05, epochs=30, batch_size=16, seed=0), 13),
        (lambda: minibatch_gd(X, Y, lr=0.1, epochs=30, batch_size=50, seed=0), 4),
    ],
    ids=["stochastic", "minibatch-16", "minibatch-50"],
)
def test_stochastic_variants_reach_a_small_neighbourhood_of_the_optimum(
    run: Callable[[], Any], updates: int
) -> None:
    history = run()
    assert history.updates_per_epoch == updates
    assert len(history.batch_loss) == 30 * updates
    # With a constant learning rate SGD does not converge to the point but to a "noise ball"
    # whose size is proportional to lr (Bottou, Curtis and Nocedal 2018, Thm. 4.6). For these
    # learning rates that ball is far inside 1/1000 of the starting excess loss.
    start_excess = _excess(np.zeros(X.shape[1]))
    assert 0 < _excess(history.w) < 1e-3 * start_excess
    assert np.linalg.norm(history.w - W_STAR) < 0.05 * np.linalg.norm(W_STAR)


def test_smaller_learning_rate_gives_a_smaller_noise_floor() -> None:
    # Start at the optimum and average the excess loss over epochs: the stationary noise.
    def floor(lr: float) -> float:
        h = stochastic_gd(X, Y, lr=lr, epochs=40, w0=W_STAR, seed=3)
        return float(np.mean(h.epoch_loss[1:] - LOSS_STAR))

    assert floor(0.0025) < floor(0.01) / 2


def test_epoch_loss_starts_at_the_initial_weights() -> None:
    w0 = np.array([1.0, -1.0, 0.5])
    history = minibatch_gd(X, Y, lr=0.1, epochs=2, batch_size=32, w0=w0)
    assert history.epoch_loss[0] == linear_mse(X, Y, w0)
    assert history.updates_per_epoch == 7  # ceil(200 / 32): the last batch has 8 rows
    np.testing.assert_array_equal(w0, [1.0, -1.0, 0.5])  # w0 itself is not modified


def test_batch_size_n_is_batch_gradient_descent() -> None:
    a = gradient_descent(X, Y, lr=0.3, epochs=5, batch_size=len(Y))
    b = batch_gd(X, Y, lr=0.3, epochs=5)
    np.testing.assert_array_equal(a.w, b.w)
    # one update per epoch: the batch loss before update k is the epoch loss after epoch k - 1
    np.testing.assert_allclose(b.batch_loss, b.epoch_loss[:-1], rtol=1e-12)


def test_minibatch_update_equals_torch_sgd_on_the_same_batches() -> None:
    history = gradient_descent(X, Y, lr=0.05, epochs=2, batch_size=20, seed=4)
    w = torch.zeros(X.shape[1], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.05)
    rng = np.random.default_rng(4)  # the same shuffles as gradient_descent
    for _ in range(2):
        order = rng.permutation(len(Y))
        for start in range(0, len(Y), 20):
            rows = order[start : start + 20]
            opt.zero_grad()
            pred = torch.from_numpy(X[rows]) @ w
            loss = torch.nn.functional.mse_loss(pred, torch.from_numpy(Y[rows]))
            (w.grad,) = torch.autograd.grad(loss, w)
            opt.step()
    np.testing.assert_allclose(history.w, w.detach().numpy(), rtol=1e-12)


@settings(max_examples=25)
@given(
    n=st.integers(5, 60),
    d=st.integers(1, 4),
    seed=st.integers(0, 10_000),
    fraction=st.floats(0.05, 0.99),
)
def test_batch_gd_never_increases_the_loss_below_the_threshold(
    n: int, d: int, seed: int, fraction: float
) -> None:
    X_, y_ = make_linear_data(n_samples=n, n_features=d, seed=seed)
    lr = fraction * divergence_threshold(linear_mse_hessian(X_))
    loss = batch_gd(X_, y_, lr=lr, epochs=20).epoch_loss
    assert np.all(np.diff(loss) <= 1e-12 * loss[0])


@settings(max_examples=25)
@given(
    n=st.integers(5, 60),
    batch=st.integers(1, 60),
    epochs=st.integers(1, 4),
)
def test_number_of_updates_is_epochs_times_ceil_n_over_batch(
    n: int, batch: int, epochs: int
) -> None:
    X_, y_ = make_linear_data(n_samples=n, n_features=1)
    batch = min(batch, n)
    history = gradient_descent(X_, y_, lr=1e-3, epochs=epochs, batch_size=batch)
    assert history.updates_per_epoch == -(-n // batch)
    assert len(history.batch_loss) == epochs * history.updates_per_epoch
    assert len(history.epoch_loss) == epochs + 1


# ---- learning rates ---------------------------------------------------------------------


def test_threshold_equals_n_over_largest_squared_singular_value() -> None:
    # H = 2/n X^T X, so its largest eigenvalue is 2/n * sigma_max(X)^2 and 2/L = n / sigma_max^2.
    sigma_max = np.linalg.svd(X, compute_uv=False).max()
    assert divergence_threshold(linear_mse_hessian(X)) == pytest.approx(
        len(Y) / sigma_max**2, rel=1e-12
    )
    assert divergence_threshold(QUADRATIC_HESSIAN) == pytest.approx(0.2, rel=1e-15)


def test_loss_decreases_just_below_the_threshold_and_grows_just_above() -> None:
    threshold = divergence_threshold(linear_mse_hessian(X))
    below = batch_gd(X, Y, lr=0.98 * threshold, epochs=300).epoch_loss
    above = batch_gd(X, Y, lr=1.02 * threshold, epochs=300).epoch_loss
    assert below[-1] == pytest.approx(LOSS_STAR, rel=1e-6)
    assert above[-1] > 100 * above[0]
    # past the threshold the error along the top eigenvector is multiplied by |1 - eta L| > 1
    # every epoch, so once it dominates, the loss grows every epoch
    assert np.all(np.diff(above[-100:]) > 0)


def test_three_regimes_behave_as_named() -> None:
    regimes = learning_rate_regimes(X)
    _, L = _eigenvalues(X)
    assert regimes["about right"] == pytest.approx(1 / L)
    assert regimes["divergent"] > 2 / L > regimes["about right"] > regimes["too small"]
    losses = {name: batch_gd(X, Y, lr=lr, epochs=30).epoch_loss for name, lr in regimes.items()}
    excess = {name: loss[-1] - LOSS_STAR for name, loss in losses.items()}
    assert excess["about right"] < 1e-8
    assert excess["too small"] > 1e6 * excess["about right"]  # still far away: slow
    assert excess["too small"] < losses["too small"][0] - LOSS_STAR  # but it is moving
    assert losses["divergent"][-1] > losses["divergent"][0]  # grew


def test_sgd_on_the_quadratic_diverges_exactly_past_two_over_l() -> None:
    threshold = divergence_threshold(QUADRATIC_HESSIAN)
    stable = trajectory("sgd", quadratic_grad, [1.0, 1.0], 200, lr=0.99 * threshold)
    unstable = trajectory("sgd", quadratic_grad, [1.0, 1.0], 200, lr=1.01 * threshold)
    assert quadratic(stable[-1]) < 1e-2 * quadratic(stable[0])
    assert quadratic(unstable[-1]) > 1e1 * quadratic(unstable[0])


def test_far_too_large_lr_raises_instead_of_returning_nan() -> None:
    threshold = divergence_threshold(linear_mse_hessian(X))
    with pytest.raises(ValueError, match=r"lr=.* is far too large .* diverges above 0\.92"):
        batch_gd(X, Y, lr=50 * threshold, epochs=1000)
    assert f"{threshold:.4g}" == "0.9201"  # the number the message quotes, to 4 digits


# ---- the 2-D test functions and trajectories -------------------------------------------


@pytest.mark.parametrize(
    ("f", "grad", "torch_f"),
    [
        (quadratic, quadratic_grad, lambda x, y: 0.5 * (x**2 + 10 * y**2)),
        (rosenbrock, rosenbrock_grad, lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2),
    ],
    ids=["quadratic", "rosenbrock"],
)
def test_test_functions_and_gradients_equal_torch_autograd(
    f: Callable[[Any], float], grad: Callable[[Any], Any], torch_f: Callable[..., torch.Tensor]
) -> None:
    rng = np.random.default_rng(2)
    for point in rng.uniform(-2, 2, size=(20, 2)):
        p = torch.tensor(point, requires_grad=True)
        value = torch_f(p[0], p[1])
        (expected,) = torch.autograd.grad(value, p)
        assert f(point) == pytest.approx(value.item(), rel=1e-13)
        np.testing.assert_allclose(grad(point), expected.numpy(), rtol=1e-13, atol=1e-12)


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_surface_minimum_is_a_zero_gradient_global_minimum(name: str) -> None:
    s = SURFACES[name]
    np.testing.assert_allclose(s.grad(s.minimum), 0.0, atol=1e-15)
    grid = np.random.default_rng(0).uniform(-3, 3, size=(200, 2))
    assert all(s.f(p) >= s.f(s.minimum) for p in grid)


def test_trajectory_equals_a_hand_written_optimizer_loop() -> None:
    path = trajectory("adam", rosenbrock_grad, [-1.5, 2.0], 50, lr=0.05)
    point = np.array([-1.5, 2.0])
    opt = make_optimizer("adam", [point], lr=0.05)
    expected = [point.copy()]
    for _ in range(50):
        opt.step([rosenbrock_grad(point)])
        expected.append(point.copy())
    np.testing.assert_array_equal(path, np.array(expected))


def test_trajectory_follows_the_plain_gradient_descent_formula() -> None:
    # On the quadratic, SGD's step is p <- (I - lr A) p, so after k steps p = (I - lr A)^k p0.
    path = trajectory("sgd", quadratic_grad, [2.0, -1.0], 7, lr=0.05)
    step = np.eye(2) - 0.05 * QUADRATIC_HESSIAN
    np.testing.assert_allclose(path[7], np.linalg.matrix_power(step, 7) @ [2.0, -1.0], rtol=1e-13)


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_every_comparison_run_gets_closer_to_the_minimum(name: str) -> None:
    s = SURFACES[name]
    paths = compare_optimizers(name)
    assert set(paths) == {"SGD", "SGD + momentum", "RMSprop", "Adam"}
    for label, path in paths.items():
        assert path.shape == (s.steps + 1, 2), label
        np.testing.assert_array_equal(path[0], s.start)
        assert s.f(path[-1]) < 0.25 * s.f(path[0]), label
    final = {label: s.f(path[-1]) for label, path in paths.items()}
    if name == "quadratic":  # every method gets there; Adam keeps circling the minimum a little
        assert max(final.values()) < 1e-2 * s.f(s.start)
    else:  # the figure's point: in the curved valley, plain SGD crawls
        assert final["SGD + momentum"] < 1e-3 * final["SGD"]
        assert final["Adam"] < 1e-3 * final["SGD"]


# ---- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: linear_mse(X[:, 0], Y, W_STAR), ValueError, r"X must be a 2-D array, got shape"),
        (
            lambda: linear_mse(X, Y[:-1], W_STAR),
            ValueError,
            r"y must be a 1-D array .* \(200,\), got",
        ),
        (lambda: linear_mse(X, Y, W_STAR[:2]), ValueError, r"w must have shape \(3,\)"),
        (
            lambda: linear_mse_grad(X, np.full(200, np.nan), W_STAR),
            ValueError,
            "only finite numbers",
        ),
        (lambda: linear_mse(X, Y, [np.inf, 0.0, 0.0]), ValueError, "w must contain only finite"),
        (lambda: batch_gd(X, Y, lr=0.0, epochs=1), ValueError, "lr must be a finite number > 0"),
        (lambda: batch_gd(X, Y, lr=-0.1, epochs=1), ValueError, "lr must be a finite number > 0"),
        (lambda: batch_gd(X, Y, lr=0.1, epochs=0), ValueError, "epochs must be a positive integer"),
        (lambda: minibatch_gd(X, Y, 0.1, 1, batch_size=0), ValueError, "batch_size must be a pos"),
        (lambda: minibatch_gd(X, Y, 0.1, 1, batch_size=201), ValueError, r"\[1, 200\], got 201"),
        (lambda: batch_gd(X, Y, 0.1, 1, w0=[0.0]), ValueError, r"w must have shape \(3,\)"),
        (lambda: make_linear_data(n_samples=0), ValueError, "n_samples must be a positive integer"),
        (lambda: make_linear_data(noise=-1.0), ValueError, "noise must be a finite number >= 0"),
        (lambda: divergence_threshold([[1.0, 2.0]]), ValueError, "hessian must be a square"),
        (lambda: divergence_threshold([[1.0, 2.0], [0.0, 1.0]]), ValueError, "symmetric"),
        (lambda: divergence_threshold(np.zeros((2, 2))), ValueError, "a positive eigenvalue"),
        (
            lambda: linear_mse_hessian(np.zeros((0, 3))),
            ValueError,
            "X must be a non-empty 2-D array",
        ),
        (lambda: quadratic([1.0, 2.0, 3.0]), ValueError, r"p must be a point \(x, y\)"),
        (lambda: rosenbrock_grad([np.nan, 0.0]), ValueError, "p must contain only finite numbers"),
        (lambda: trajectory("sgd", quadratic_grad, [[1.0]], 5, lr=0.1), ValueError, "start"),
        (lambda: trajectory("sgd", quadratic_grad, [1.0, 1.0], 0, lr=0.1), ValueError, "steps"),
        (lambda: trajectory("lbfgs", quadratic_grad, [1.0, 1.0], 5), ValueError, "name must be"),
        (lambda: trajectory("sgd", quadratic_grad, [1.0, 1.0], 5, lr=-1), ValueError, "lr must"),
        (lambda: compare_optimizers("himmelblau"), ValueError, "surface must be one of"),
    ],
)
def test_bad_input_names_the_argument(
    call: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()


def test_a_diverging_trajectory_raises_instead_of_returning_nan() -> None:
    with pytest.raises(ValueError, match=r"grads\[0\] contains nan or inf"):
        trajectory("sgd", rosenbrock_grad, [-1.5, 2.0], 100, lr=0.1)


def test_non_numbers_for_lr_and_epochs_are_refused() -> None:
    with pytest.raises(TypeError, match="lr must be a real number, got 'big'"):
        batch_gd(X, Y, lr="big", epochs=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"epochs must be an integer, got 2\.5"):
        batch_gd(X, Y, lr=0.1, epochs=2.5)  # type: ignore[arg-type]
