r"""Gradient descent, batch, stochastic and mini-batch, on a problem whose answer we know.

The problem is least-squares linear regression: find $w$ minimising the mean squared error
$L(w) = \frac1n \lVert Xw - y \rVert^2$. Its minimiser has a closed form (``np.linalg.lstsq``),
so every variant of gradient descent can be checked against the exact answer, and its
Hessian $H = \frac2n X^\top X$ is constant, so the largest stable learning rate,
$2/\lambda_{\max}$ with $\lambda_{\max}$ the largest eigenvalue of $H$, can be computed rather
than guessed.

The second half holds two 2-D test functions, an ill-conditioned quadratic and the Rosenbrock
function, with their gradients, and `trajectory`, which runs any optimizer of
:mod:`snippets.optimizers` on them and returns the path it takes (for figures).

    >>> X, y = make_linear_data(n_samples=100, seed=0)
    >>> history = batch_gd(X, y, lr=0.5, epochs=100)
    >>> bool(np.allclose(history.w, least_squares_solution(X, y)))
    True
"""

# --8<-- [start:imports]
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from snippets import _validate as check
from snippets.optimizers import make_optimizer

# --8<-- [end:imports]

Vector = NDArray[np.float64]
Matrix = NDArray[np.float64]


def _check_x(X: ArrayLike) -> Matrix:
    X_arr = check.array("X", X, ndim=2)
    if X_arr.shape[0] == 0 or X_arr.shape[1] == 0:
        raise ValueError(
            f"X must be a non-empty 2-D array (n_samples, n_features), got {X_arr.shape}"
        )
    return X_arr


def _check_xy(X: ArrayLike, y: ArrayLike) -> tuple[Matrix, Vector]:
    X_arr, y_arr = _check_x(X), check.array("y", y)
    if y_arr.shape != (X_arr.shape[0],):
        raise ValueError(
            f"y must be a 1-D array with one target per row of X, shape ({X_arr.shape[0]},), "
            f"got {y_arr.shape}"
        )
    return X_arr, y_arr


def _check_weights(w: ArrayLike, n_features: int) -> Vector:
    w_arr = check.array("w", w)
    if w_arr.shape != (n_features,):
        raise ValueError(
            f"w must have shape ({n_features},), one weight per column of X, got {w_arr.shape}"
        )
    return w_arr


def _data_settings(n_samples: int, n_features: int, noise: float, seed: int) -> tuple[int, ...]:
    check.number("noise", noise, low=0)
    check.seed(seed)
    return check.positive_ints(n_samples=n_samples, n_features=n_features)


# --8<-- [start:data]
def make_linear_data(
    n_samples: int = 200, n_features: int = 2, noise: float = 0.5, seed: int = 0
) -> tuple[Matrix, Vector]:
    r"""Make a regression problem $y = Xw^\star + \text{noise}$ with a bias column.

    The last column of ``X`` is all ones, so the last weight plays the role of the bias.

    Args:
        n_samples: number of rows $n$.
        n_features: number of random features (``X`` gets one more column, the ones).
        noise: standard deviation of the Gaussian noise added to ``y``.
        seed: seed of the random generator.

    Returns:
        ``X`` of shape ``(n_samples, n_features + 1)`` and ``y`` of shape ``(n_samples,)``.

    Example:
        >>> X, y = make_linear_data(n_samples=5, n_features=2)
        >>> X.shape, y.shape, X[:, -1].tolist()
        ((5, 3), (5,), [1.0, 1.0, 1.0, 1.0, 1.0])
    """
    n, d = _data_settings(n_samples, n_features, noise, seed)
    rng = np.random.default_rng(seed)
    features = rng.normal(size=(n, d))
    X = np.hstack([features, np.ones((n, 1))])
    true_w = rng.uniform(-3, 3, size=d + 1)
    y = X @ true_w + noise * rng.normal(size=n)
    return X, y


# --8<-- [end:data]


# --8<-- [start:loss]
def linear_mse(X: ArrayLike, y: ArrayLike, w: ArrayLike) -> float:
    r"""The mean squared error $L(w) = \frac1n \sum_i (x_i^\top w - y_i)^2$.

    Example:
        >>> linear_mse([[1.0, 1.0], [2.0, 1.0]], [1.0, 3.0], [1.0, 0.0])
        0.5
    """
    X_arr, y_arr = _check_xy(X, y)
    residual = X_arr @ _check_weights(w, X_arr.shape[1]) - y_arr
    return float(np.mean(residual**2))


def linear_mse_grad(X: ArrayLike, y: ArrayLike, w: ArrayLike) -> Vector:
    r"""Its gradient $\nabla L(w) = \frac2n X^\top (Xw - y)$.

    Example:
        >>> linear_mse_grad([[1.0, 1.0], [2.0, 1.0]], [1.0, 3.0], [1.0, 0.0])
        array([-2., -1.])
    """
    X_arr, y_arr = _check_xy(X, y)
    residual = X_arr @ _check_weights(w, X_arr.shape[1]) - y_arr
    grad: Vector = 2.0 / X_arr.shape[0] * X_arr.T @ residual
    return grad


def least_squares_solution(X: ArrayLike, y: ArrayLike) -> Vector:
    """The exact minimiser of `linear_mse`, from ``np.linalg.lstsq`` (no iterations).

    Example:
        >>> w = least_squares_solution([[1.0, 1.0], [2.0, 1.0], [3.0, 1.0]], [2.0, 4.0, 6.0])
        >>> w.round(12) + 0.0  # y = 2x exactly: slope 2, intercept 0
        array([2., 0.])
    """
    X_arr, y_arr = _check_xy(X, y)
    return np.asarray(np.linalg.lstsq(X_arr, y_arr, rcond=None)[0], dtype=np.float64)


# --8<-- [end:loss]


def _psd_eigenvalues(hessian: ArrayLike) -> Vector:
    """The eigenvalues of a symmetric positive semi-definite matrix with one positive."""
    H = check.array("hessian", hessian, ndim=2)
    if H.shape[0] != H.shape[1] or H.size == 0:
        raise ValueError(f"hessian must be a square 2-D array, got shape {H.shape}")
    if not np.allclose(H, H.T):
        raise ValueError("hessian must be symmetric")
    eigenvalues = np.asarray(np.linalg.eigvalsh(H), dtype=np.float64)
    largest, smallest = float(eigenvalues.max()), float(eigenvalues.min())
    if largest <= 0:
        raise ValueError(f"hessian must have a positive eigenvalue, its largest is {largest!r}")
    if smallest < -1e-12 * largest:  # rounding can make a zero eigenvalue slightly negative
        raise ValueError(
            f"hessian must be positive semi-definite, its smallest eigenvalue is {smallest!r}: "
            "on an indefinite quadratic gradient descent diverges at every learning rate"
        )
    return eigenvalues


# --8<-- [start:threshold]
def linear_mse_hessian(X: ArrayLike) -> Matrix:
    r"""The Hessian of `linear_mse`, $H = \frac2n X^\top X$, the same at every $w$.

    Example:
        >>> linear_mse_hessian([[1.0, 0.0], [0.0, 2.0]])
        array([[1., 0.],
               [0., 4.]])
    """
    X_arr = _check_x(X)
    hessian: Matrix = 2.0 / X_arr.shape[0] * X_arr.T @ X_arr
    return hessian


def divergence_threshold(hessian: ArrayLike) -> float:
    r"""The learning rate above which gradient descent on a quadratic diverges: $2/\lambda_{\max}$.

    On a quadratic with Hessian $H$, one step multiplies the error along the eigenvector of
    eigenvalue $\lambda$ by $1 - \eta\lambda$. Every factor has magnitude below 1 exactly when
    $\eta < 2/\lambda_{\max}$, with $\lambda_{\max}$ the largest eigenvalue of $H$.

    Args:
        hessian: a symmetric positive semi-definite matrix with at least one positive eigenvalue.

    Example:
        >>> divergence_threshold([[1.0, 0.0], [0.0, 10.0]])
        0.2
    """
    largest = float(_psd_eigenvalues(hessian).max())
    return 2.0 / largest


def learning_rate_regimes(X: ArrayLike) -> dict[str, float]:
    r"""Three learning rates for `batch_gd` on ``X``: too small, about right, divergent.

    With $\lambda_{\max}$ the largest eigenvalue of the Hessian: $0.02/\lambda_{\max}$ (too small:
    50 times slower than $1/\lambda_{\max}$), $1/\lambda_{\max}$ (about right: the standard safe
    choice) and $1.1 \times 2/\lambda_{\max}$ (just past the
    threshold, so the loss grows).

    Example:
        >>> {k: round(v, 3) for k, v in learning_rate_regimes(np.eye(2) * 2).items()}
        {'too small': 0.005, 'about right': 0.25, 'divergent': 0.55}
    """
    threshold = divergence_threshold(linear_mse_hessian(X))
    largest = 2.0 / threshold
    return {"too small": 0.02 / largest, "about right": 1.0 / largest, "divergent": 1.1 * threshold}


# --8<-- [end:threshold]


@dataclass(frozen=True)
class GDHistory:
    r"""What a run of gradient descent returns.

    Attributes:
        w: the final weights.
        epoch_loss: full-data loss before training and after each epoch, length ``epochs + 1``.
        batch_loss: loss on each mini-batch just before the update it drove, one per update:
            the noisy curve a training loop prints.
        updates_per_epoch: $\lceil n / B \rceil$ for batch size $B$.
    """

    w: Vector
    epoch_loss: Vector
    batch_loss: Vector
    updates_per_epoch: int


def _check_not_diverged(loss: float, epoch: int, lr: float, X: Matrix) -> None:
    if not np.isfinite(loss):
        threshold = divergence_threshold(linear_mse_hessian(X))
        raise ValueError(
            f"the loss overflowed in epoch {epoch}: lr={lr!r} is far too large "
            f"(full-batch gradient descent on this X diverges above {threshold:.4g})"
        )


def _gd_settings(
    X: ArrayLike,
    y: ArrayLike,
    lr: float,
    epochs: int,
    batch_size: int | None,
    w0: ArrayLike | None,
    seed: int,
) -> tuple[Matrix, Vector, float, int, int, Vector]:
    """X and y, lr, epochs, the batch size (n if None) and the initial weights, checked."""
    X_arr, y_arr = _check_xy(X, y)
    n, d = X_arr.shape
    lr = check.number("lr", lr, low=0, low_open=True)
    epochs = check.positive_int("epochs", epochs)
    batch = n if batch_size is None else check.integer("batch_size", batch_size, low=1, high=n)
    check.seed(seed)
    w = np.zeros(d) if w0 is None else _check_weights(w0, d).copy()
    return X_arr, y_arr, lr, epochs, batch, w


# --8<-- [start:gradient_descent]
def gradient_descent(
    X: ArrayLike,
    y: ArrayLike,
    lr: float,
    epochs: int,
    batch_size: int | None = None,
    w0: ArrayLike | None = None,
    seed: int = 0,
) -> GDHistory:
    r"""Minimise `linear_mse` by gradient descent with mini-batches of ``batch_size`` rows.

    Each epoch shuffles the rows (unless the batch is the whole data set), cuts them into
    batches of ``batch_size`` (the last one may be smaller, as with PyTorch's
    ``DataLoader(drop_last=False)``) and makes one update $w \leftarrow w - \eta \nabla L_B(w)$
    per batch $B$.

    Args:
        X: inputs, shape ``(n, d)``.
        y: targets, shape ``(n,)``.
        lr: learning rate $\eta > 0$.
        epochs: passes over the data, at least 1.
        batch_size: rows per update: ``None`` or ``n`` for batch gradient descent, ``1`` for
            stochastic gradient descent, anything between for mini-batch.
        w0: initial weights, shape ``(d,)``; zeros if ``None``.
        seed: seed of the shuffling.

    Raises:
        ValueError: bad shapes or values, or a loss that overflows (the learning rate is far
            too large; the message gives the computed threshold).

    Example:
        >>> X, y = make_linear_data(n_samples=64, seed=1)
        >>> h = gradient_descent(X, y, lr=0.1, epochs=3, batch_size=16)
        >>> h.updates_per_epoch, len(h.batch_loss), len(h.epoch_loss)
        (4, 12, 4)
    """
    X_arr, y_arr, lr, epochs, batch, w = _gd_settings(X, y, lr, epochs, batch_size, w0, seed)
    n = len(X_arr)
    rng = np.random.default_rng(seed)

    epoch_loss, batch_loss = [linear_mse(X_arr, y_arr, w)], []
    for epoch in range(1, epochs + 1):
        order = np.arange(n) if batch == n else rng.permutation(n)
        for start in range(0, n, batch):
            rows = order[start : start + batch]
            Xb, yb = X_arr[rows], y_arr[rows]
            with np.errstate(over="ignore", invalid="ignore"):  # checked below
                residual = Xb @ w - yb
                batch_loss.append(float(np.mean(residual**2)))
            _check_not_diverged(batch_loss[-1], epoch, lr, X_arr)
            w = w - lr * (2.0 / len(rows)) * Xb.T @ residual
        with np.errstate(over="ignore", invalid="ignore"):
            epoch_loss.append(float(np.mean((X_arr @ w - y_arr) ** 2)))
        _check_not_diverged(epoch_loss[-1], epoch, lr, X_arr)
    return GDHistory(w, np.array(epoch_loss), np.array(batch_loss), -(-n // batch))


# --8<-- [end:gradient_descent]


# --8<-- [start:variants]
def batch_gd(
    X: ArrayLike, y: ArrayLike, lr: float, epochs: int, w0: ArrayLike | None = None
) -> GDHistory:
    """Batch gradient descent: one update per epoch, on the gradient of all $n$ rows.

    Example:
        >>> X, y = make_linear_data(n_samples=50)
        >>> batch_gd(X, y, lr=0.1, epochs=5).updates_per_epoch
        1
    """
    return gradient_descent(X, y, lr, epochs, batch_size=None, w0=w0)


def stochastic_gd(
    X: ArrayLike, y: ArrayLike, lr: float, epochs: int, w0: ArrayLike | None = None, seed: int = 0
) -> GDHistory:
    """Stochastic gradient descent: $n$ updates per epoch, each on one random row.

    Example:
        >>> X, y = make_linear_data(n_samples=50)
        >>> stochastic_gd(X, y, lr=0.01, epochs=1).updates_per_epoch
        50
    """
    return gradient_descent(X, y, lr, epochs, batch_size=1, w0=w0, seed=seed)


def minibatch_gd(
    X: ArrayLike,
    y: ArrayLike,
    lr: float,
    epochs: int,
    batch_size: int = 32,
    w0: ArrayLike | None = None,
    seed: int = 0,
) -> GDHistory:
    r"""Mini-batch gradient descent: $\lceil n/B \rceil$ updates per epoch of $B$ rows each.

    Example:
        >>> X, y = make_linear_data(n_samples=50)
        >>> minibatch_gd(X, y, lr=0.1, epochs=1, batch_size=16).updates_per_epoch
        4
    """
    return gradient_descent(X, y, lr, epochs, batch_size=batch_size, w0=w0, seed=seed)


# --8<-- [end:variants]


def compare_variants(epochs: int = 30, seed: int = 0) -> dict[str, Any]:
    """The CLI's ``gradient-descent`` example: three variants against the least-squares optimum.

    Example:
        >>> result = compare_variants(epochs=30, seed=0)
        >>> sorted(result["variants"])
        ['batch', 'mini-batch (B=16)', 'stochastic']
    """
    X, y = make_linear_data(n_samples=200, seed=seed)
    w_star = least_squares_solution(X, y)
    runs = {
        "batch": batch_gd(X, y, lr=0.1, epochs=epochs),
        "stochastic": stochastic_gd(X, y, lr=0.01, epochs=epochs, seed=seed),
        "mini-batch (B=16)": minibatch_gd(X, y, lr=0.05, epochs=epochs, batch_size=16, seed=seed),
    }
    return {
        "optimum_loss": linear_mse(X, y, w_star),
        "variants": {
            name: {
                "updates": history.updates_per_epoch * epochs,
                "final_loss": float(history.epoch_loss[-1]),
                "distance_to_optimum": float(np.linalg.norm(history.w - w_star)),
            }
            for name, history in runs.items()
        },
    }


def _as_point(p: ArrayLike) -> Vector:
    point = check.array("p", p)
    if point.shape != (2,):
        raise ValueError(f"p must be a point (x, y) of shape (2,), got shape {point.shape}")
    return point


# --8<-- [start:test_functions]
QUADRATIC_HESSIAN: Matrix = np.diag([1.0, 10.0])
"""The Hessian of `quadratic`: curvature 1 along x, 10 along y (condition number 10)."""
QUADRATIC_MINIMUM: Vector = np.zeros(2)
ROSENBROCK_MINIMUM: Vector = np.ones(2)


def quadratic(p: ArrayLike) -> float:
    r"""An ill-conditioned bowl, $f(x, y) = \tfrac12 (x^2 + 10 y^2)$, minimum 0 at the origin.

    Example:
        >>> quadratic([1.0, 1.0])
        5.5
    """
    point = _as_point(p)
    return float(0.5 * point @ QUADRATIC_HESSIAN @ point)


def quadratic_grad(p: ArrayLike) -> Vector:
    """Its gradient, $(x, 10y)$.

    Example:
        >>> quadratic_grad([1.0, 1.0])
        array([ 1., 10.])
    """
    return QUADRATIC_HESSIAN @ _as_point(p)


def rosenbrock(p: ArrayLike) -> float:
    """The Rosenbrock function $f(x, y) = (1 - x)^2 + 100 (y - x^2)^2$, minimum 0 at (1, 1).

    Its minimum lies at the bottom of a long, curved, flat-floored valley: easy to reach, slow
    to follow.

    Example:
        >>> rosenbrock([1.0, 1.0]), rosenbrock([0.0, 0.0])
        (0.0, 1.0)
    """
    x, y = _as_point(p)
    return float((1 - x) ** 2 + 100 * (y - x**2) ** 2)


def rosenbrock_grad(p: ArrayLike) -> Vector:
    r"""Its gradient, $(-2(1 - x) - 400 x (y - x^2),\; 200 (y - x^2))$.

    Example:
        >>> rosenbrock_grad([0.0, 0.0])
        array([-2.,  0.])
    """
    x, y = _as_point(p)
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


# --8<-- [end:test_functions]


def _trajectory_start(start: ArrayLike, steps: int) -> tuple[Vector, int]:
    """A copy of ``start`` (the optimizer moves it in place) and the number of steps."""
    point = check.array("start", start, ndim=1, non_empty=True, copy=True)
    return point, check.positive_int("steps", steps)


# --8<-- [start:trajectory]
def trajectory(
    optimizer: str,
    grad: Callable[[Vector], ArrayLike],
    start: ArrayLike,
    steps: int,
    **hyperparameters: Any,
) -> Matrix:
    """Run an optimizer of :mod:`snippets.optimizers` from ``start``; return every point visited.

    Args:
        optimizer: ``"sgd"``, ``"rmsprop"``, ``"adagrad"``, ``"adam"`` or ``"adamw"``.
        grad: the gradient of the function to minimise, e.g. `rosenbrock_grad`.
        start: the starting point, a 1-D array (2 numbers for the test functions).
        steps: number of updates, at least 1.
        **hyperparameters: passed to the optimizer (``lr``, ``momentum``, ``betas``, ...).

    Returns:
        An array of shape ``(steps + 1, len(start))``: row 0 is ``start``, row k the point
        after k updates.

    Raises:
        ValueError: bad ``start`` or ``steps``, an unknown optimizer, or a gradient that
            becomes nan/inf (the run diverged).

    Example:
        >>> path = trajectory("sgd", quadratic_grad, start=[1.0, 1.0], steps=2, lr=0.1)
        >>> path.round(3).tolist()
        [[1.0, 1.0], [0.9, 0.0], [0.81, 0.0]]
    """
    point, steps = _trajectory_start(start, steps)
    opt = make_optimizer(optimizer, [point], **hyperparameters)
    path = np.empty((steps + 1, point.size))
    path[0] = point
    for k in range(1, steps + 1):
        with np.errstate(over="ignore", invalid="ignore"):  # a diverging run: step() refuses inf
            g = grad(point.copy())  # a copy, so grad cannot change the point
        opt.step([g])
        path[k] = point
    return path


# --8<-- [end:trajectory]


@dataclass(frozen=True)
class Surface:
    """A 2-D test function bundled with what a figure needs to show optimizers on it.

    Attributes:
        f: the function.
        grad: its gradient.
        minimum: where its minimum lies.
        start: a starting point that shows the function's difficulty.
        steps: enough updates for the better optimizers to arrive.
        runs: label -> (optimizer name, hyperparameters), tuned by hand so that each method is
            shown near its best learning rate on this function.
    """

    f: Callable[[ArrayLike], float]
    grad: Callable[[ArrayLike], Vector]
    minimum: Vector
    start: tuple[float, float]
    steps: int
    runs: dict[str, tuple[str, dict[str, float]]]


SURFACES: dict[str, Surface] = {
    "quadratic": Surface(
        quadratic,
        quadratic_grad,
        QUADRATIC_MINIMUM,
        start=(-4.0, 1.5),
        steps=60,
        runs={
            "SGD": ("sgd", {"lr": 0.15}),
            "SGD + momentum": ("sgd", {"lr": 0.18, "momentum": 0.5}),
            "RMSprop": ("rmsprop", {"lr": 0.1}),
            "Adam": ("adam", {"lr": 0.3}),
        },
    ),
    "rosenbrock": Surface(
        rosenbrock,
        rosenbrock_grad,
        ROSENBROCK_MINIMUM,
        start=(-1.5, 2.0),
        steps=1000,
        runs={
            "SGD": ("sgd", {"lr": 1e-3}),
            "SGD + momentum": ("sgd", {"lr": 1e-3, "momentum": 0.9}),
            "RMSprop": ("rmsprop", {"lr": 1e-2}),
            "Adam": ("adam", {"lr": 0.1}),
        },
    ),
}


def compare_optimizers(surface: str, steps: int | None = None) -> dict[str, Matrix]:
    """Run every optimizer of ``SURFACES[surface].runs`` from its start; return each path.

    Args:
        surface: ``"quadratic"`` or ``"rosenbrock"``.
        steps: number of updates; the surface's own ``steps`` if ``None``.

    Returns:
        Label (``"SGD"``, ``"SGD + momentum"``, ``"RMSprop"``, ``"Adam"``) -> trajectory of
        shape ``(steps + 1, 2)``, ready to plot over a contour of ``SURFACES[surface].f``.

    Example:
        >>> paths = compare_optimizers("rosenbrock", steps=10)
        >>> sorted(paths), paths["Adam"].shape
        (['Adam', 'RMSprop', 'SGD', 'SGD + momentum'], (11, 2))
    """
    chosen = SURFACES[check.choice("surface", surface, SURFACES)]
    n_steps = chosen.steps if steps is None else check.positive_int("steps", steps)
    return {
        label: trajectory(name, chosen.grad, chosen.start, n_steps, **hyper)
        for label, (name, hyper) in chosen.runs.items()
    }
