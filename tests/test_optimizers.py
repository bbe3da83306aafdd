"""snippets.optimizers: every optimizer follows torch.optim step for step, and bad input is refused.

The oracle is PyTorch itself: the same parameters, the same gradient rule and the same
hyperparameters are given to our optimizer and to ``torch.optim``; after every one of
``STEPS`` steps the two sets of parameters must agree to ``RTOL`` in float64. The gradient
depends on the current parameters (a quadratic bowl plus a cosine ripple and a fixed random
drift), so a wrong rule would send the two trajectories apart.
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

from snippets.optimizers import (
    SGD,
    Adagrad,
    Adam,
    AdamW,
    Optimizer,
    RMSprop,
    cosine_lr,
    make_optimizer,
    step_lr,
)

STEPS = 60
RTOL = 1e-10
# Relative agreement is what we promise; the tiny absolute slack only matters for
# coordinates that pass through zero, where any relative measure is undefined.
ATOL = 1e-13
SHAPES = [(3,), (2, 4), (2, 1, 3), ()]

Array = np.ndarray[Any, np.dtype[np.float64]]


def _initial_params(seed: int) -> list[Array]:
    rng = np.random.default_rng(seed)
    return [np.asarray(rng.normal(size=shape)) for shape in SHAPES]


def _gradient_rule(seed: int) -> Callable[[int, list[Array]], list[Array]]:
    """A gradient that depends on the parameters and on the step, the same for both sides."""
    rng = np.random.default_rng(seed + 1000)
    curvature = [rng.uniform(0.2, 3.0, size=shape) for shape in SHAPES]
    drift = rng.normal(scale=0.3, size=(STEPS, len(SHAPES)))

    def grads(t: int, params: list[Array]) -> list[Array]:
        return [
            np.asarray(c * p + 0.5 * np.cos(3 * p) + drift[t, i])
            for i, (c, p) in enumerate(zip(curvature, params, strict=True))
        ]

    return grads


TORCH_CLASSES: dict[type[Optimizer], type[torch.optim.Optimizer]] = {
    SGD: torch.optim.SGD,
    RMSprop: torch.optim.RMSprop,
    Adagrad: torch.optim.Adagrad,
    Adam: torch.optim.Adam,
    AdamW: torch.optim.AdamW,
}

CONFIGS: list[tuple[type[Optimizer], dict[str, Any]]] = [
    (SGD, {"lr": 0.05}),
    (SGD, {"lr": 0.05, "weight_decay": 0.1}),
    (SGD, {"lr": 0.02, "momentum": 0.9}),
    (SGD, {"lr": 0.02, "momentum": 0.9, "nesterov": True}),
    (SGD, {"lr": 0.02, "momentum": 0.5, "nesterov": True, "weight_decay": 0.05}),
    (SGD, {"lr": 0.02, "momentum": 0.8, "weight_decay": 0.05}),
    (RMSprop, {}),
    (RMSprop, {"lr": 0.005, "alpha": 0.9, "eps": 1e-4}),
    (RMSprop, {"lr": 0.005, "momentum": 0.7}),
    (Adagrad, {}),
    (Adagrad, {"lr": 0.2, "eps": 1e-6}),
    (Adam, {}),
    (Adam, {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6}),
    (Adam, {"lr": 0.01, "weight_decay": 0.1}),
    (AdamW, {}),
    (AdamW, {"lr": 0.05, "weight_decay": 0.2, "betas": (0.5, 0.9)}),
    (AdamW, {"lr": 0.01, "weight_decay": 0.0}),
]


def _config_id(config: tuple[type[Optimizer], dict[str, Any]]) -> str:
    cls, kwargs = config
    return cls.__name__ + "".join(f"-{k}={v}" for k, v in kwargs.items())


def _run_both(
    cls: type[Optimizer],
    kwargs: dict[str, Any],
    seed: int,
    steps: int = STEPS,
    schedule: Callable[[int], float] | None = None,
) -> tuple[list[list[Array]], list[list[Array]]]:
    """Run our optimizer and torch's side by side; return both trajectories, step by step."""
    ours = _initial_params(seed)
    theirs = [torch.tensor(p.copy(), dtype=torch.float64, requires_grad=True) for p in ours]
    opt = cls(ours, **kwargs)
    torch_opt = TORCH_CLASSES[cls](theirs, **kwargs)
    grads = _gradient_rule(seed)
    ours_path, theirs_path = [], []
    for t in range(steps):
        if schedule is not None:
            opt.lr = schedule(t)
            for group in torch_opt.param_groups:
                group["lr"] = schedule(t)
        opt.step(grads(t, ours))
        torch_grads = grads(t, [p.detach().numpy() for p in theirs])
        for p, g in zip(theirs, torch_grads, strict=True):
            p.grad = torch.from_numpy(g)
        torch_opt.step()
        ours_path.append([p.copy() for p in ours])
        theirs_path.append([p.detach().numpy().copy() for p in theirs])
    return ours_path, theirs_path


def _assert_paths_equal(ours: list[list[Array]], theirs: list[list[Array]]) -> None:
    for t, (a_step, b_step) in enumerate(zip(ours, theirs, strict=True)):
        for i, (a, b) in enumerate(zip(a_step, b_step, strict=True)):
            np.testing.assert_allclose(
                a, b, rtol=RTOL, atol=ATOL, err_msg=f"step {t + 1}, params[{i}]"
            )


@pytest.mark.parametrize("config", CONFIGS, ids=_config_id)
@pytest.mark.parametrize("seed", [0, 1])
def test_trajectory_equals_torch_optim(
    config: tuple[type[Optimizer], dict[str, Any]], seed: int
) -> None:
    cls, kwargs = config
    ours, theirs = _run_both(cls, kwargs, seed)
    _assert_paths_equal(ours, theirs)
    # The parameters really moved: a no-op optimizer would also "agree" with itself.
    start = _initial_params(seed)
    assert all(not np.allclose(p, q) for p, q in zip(ours[-1], start, strict=True))


@pytest.mark.parametrize("cls", list(TORCH_CLASSES), ids=lambda c: c.__name__)
def test_defaults_equal_torch(cls: type[Optimizer]) -> None:
    lr_kwargs: dict[str, Any] = (
        {"lr": 0.1} if cls is SGD else {}
    )  # SGD has no default lr here: name it
    w = np.zeros(2)
    ours = cls([w], **lr_kwargs)
    theirs = TORCH_CLASSES[cls]([torch.zeros(2, dtype=torch.float64)], **lr_kwargs)
    defaults = theirs.defaults
    assert ours.lr == defaults["lr"]
    for name in ("eps", "alpha", "momentum", "weight_decay"):
        if hasattr(ours, name):
            assert getattr(ours, name) == defaults[name], name
    if isinstance(ours, Adam):
        assert (ours.beta1, ours.beta2) == defaults["betas"]
    if isinstance(ours, Adagrad):
        assert defaults["lr_decay"] == 0
        assert defaults["initial_accumulator_value"] == 0


@settings(max_examples=20)
@given(
    name=st.sampled_from(["sgd", "adam", "adamw", "rmsprop"]),
    lr=st.floats(1e-4, 0.1),
    decay=st.floats(0.0, 0.95),
    seed=st.integers(0, 10_000),
)
def test_random_hyperparameters_equal_torch(name: str, lr: float, decay: float, seed: int) -> None:
    kwargs: dict[str, Any] = {"lr": lr}
    if name == "sgd":
        kwargs.update(momentum=decay, weight_decay=decay / 10)
    elif name == "rmsprop":
        kwargs.update(alpha=decay, momentum=decay / 2)
    else:
        kwargs.update(betas=(decay, 0.999), weight_decay=decay / 10)
    cls = type(make_optimizer(name, [np.zeros(1)], **kwargs))
    ours, theirs = _run_both(cls, kwargs, seed, steps=20)
    _assert_paths_equal(ours, theirs)


def test_learning_rate_schedule_inside_training_equals_torch_scheduler() -> None:
    ours = _initial_params(3)
    theirs = [torch.tensor(p.copy(), requires_grad=True) for p in ours]
    opt = SGD(ours, lr=0.1, momentum=0.9)
    torch_opt = torch.optim.SGD(theirs, lr=0.1, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.StepLR(torch_opt, step_size=7, gamma=0.5)
    grads = _gradient_rule(3)
    for t in range(STEPS):
        opt.lr = step_lr(0.1, t, step_size=7, gamma=0.5)
        opt.step(grads(t, ours))
        for p, g in zip(theirs, grads(t, [q.detach().numpy() for q in theirs]), strict=True):
            p.grad = torch.from_numpy(g)
        torch_opt.step()
        scheduler.step()
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b.detach().numpy(), rtol=RTOL, atol=ATOL)


def _torch_schedule(
    make: Callable[[torch.optim.Optimizer], Any], lr0: float, n: int
) -> list[float]:
    opt = torch.optim.SGD([torch.zeros(1)], lr=lr0)
    scheduler = make(opt)
    values = []
    for _ in range(n):
        values.append(float(scheduler.get_last_lr()[0]))
        opt.step()
        scheduler.step()
    return values


@pytest.mark.parametrize(("step_size", "gamma"), [(1, 0.9), (3, 0.5), (10, 0.1), (4, 1.0)])
def test_step_lr_equals_torch_steplr(step_size: int, gamma: float) -> None:
    expected = _torch_schedule(
        lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=step_size, gamma=gamma), 0.3, 40
    )
    ours = [step_lr(0.3, t, step_size, gamma) for t in range(40)]
    np.testing.assert_allclose(ours, expected, rtol=1e-12)


@pytest.mark.parametrize(("t_max", "eta_min"), [(10, 0.0), (25, 1e-3), (1, 0.0), (7, 0.05)])
def test_cosine_lr_equals_torch_cosine_annealing(t_max: int, eta_min: float) -> None:
    n = 2 * t_max + 5  # past t_max too, where both rise again
    expected = _torch_schedule(
        lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=t_max, eta_min=eta_min),
        0.1,
        n,
    )
    ours = [cosine_lr(0.1, t, t_max, eta_min) for t in range(n)]
    # torch updates the rate recursively (each from the last); at the bottom of the cosine
    # its rounding leaves ~1e-18 where the closed form gives exactly eta_min.
    np.testing.assert_allclose(ours, expected, rtol=1e-10, atol=1e-15)
    assert ours[t_max] == pytest.approx(eta_min, abs=1e-15)


def test_step_updates_the_given_arrays_in_place() -> None:
    w, b = np.ones((2, 2)), np.zeros(2)
    w_id, b_id = id(w), id(b)
    opt = Adam([w, b], lr=0.1)
    opt.step([np.ones((2, 2)), -np.ones(2)])
    assert id(opt.params[0]) == w_id
    assert id(opt.params[1]) == b_id
    np.testing.assert_allclose(w, 0.9)
    np.testing.assert_allclose(b, 0.1)
    assert opt.t == 1


def test_float32_params_stay_float32_and_follow_torch() -> None:
    w = np.array([1.0, -2.0, 3.0], dtype=np.float32)
    theirs = torch.tensor(w.copy(), requires_grad=True)
    opt, torch_opt = Adam([w], lr=0.1), torch.optim.Adam([theirs], lr=0.1)
    for _ in range(10):
        opt.step([2 * w])
        theirs.grad = 2 * theirs.detach()
        torch_opt.step()
    assert w.dtype == np.float32
    np.testing.assert_allclose(w, theirs.detach().numpy(), rtol=1e-5)


def test_sgd_without_momentum_is_plain_gradient_descent() -> None:
    rng = np.random.default_rng(5)
    w = rng.normal(size=4)
    expected = w.copy()
    opt = SGD([w], lr=0.1)
    for _ in range(5):
        g = 3 * w
        expected = expected - 0.1 * 3 * expected
        opt.step([g])
    np.testing.assert_allclose(w, expected, rtol=1e-15)


def test_adam_first_step_is_lr_times_sign() -> None:
    # m_hat = g and v_hat = g^2 at t = 1, so the step is lr * g / (|g| + eps).
    g = np.array([1e3, -2.0, 0.5])
    w = np.zeros(3)
    Adam([w], lr=0.01, eps=1e-12).step([g])
    np.testing.assert_allclose(w, -0.01 * np.sign(g), rtol=1e-9)


def test_adamw_decay_is_decoupled_from_the_gradient_scale() -> None:
    # With zero gradients Adam's L2 term is rescaled by 1/sqrt(v_hat); AdamW's is not.
    w_adamw, w_adam = np.array([2.0]), np.array([2.0])
    AdamW([w_adamw], lr=0.1, weight_decay=0.5).step([np.zeros(1)])
    Adam([w_adam], lr=0.1, weight_decay=0.5).step([np.zeros(1)])
    assert w_adamw[0] == pytest.approx(2.0 * (1 - 0.1 * 0.5), rel=1e-15)
    assert w_adam[0] == pytest.approx(2.0 - 0.1, rel=1e-6)  # lr * sign(0.5 * w)


def test_make_optimizer_builds_every_class() -> None:
    for name, cls in [("sgd", SGD), ("rmsprop", RMSprop), ("adagrad", Adagrad), ("adam", Adam)]:
        kwargs = {"lr": 0.1} if cls is SGD else {}
        assert type(make_optimizer(name, [np.zeros(2)], **kwargs)) is cls
    assert isinstance(make_optimizer("adamw", [np.zeros(1)]), AdamW)


ZERO = np.zeros(2)

BAD_CONSTRUCTIONS: list[tuple[type[Optimizer], dict[str, Any], type[Exception], str]] = [
    (SGD, {"lr": 0.0}, ValueError, r"lr must be a finite number > 0, got 0\.0"),
    (SGD, {"lr": -0.1}, ValueError, r"lr must be a finite number > 0, got -0\.1"),
    (Adam, {"lr": math.inf}, ValueError, "lr must be a finite number > 0, got inf"),
    (Adam, {"lr": math.nan}, ValueError, "lr must be a finite number > 0, got nan"),
    (SGD, {"lr": "0.1"}, TypeError, "lr must be a real number, got '0.1' [(]str[)]"),
    (SGD, {"lr": True}, TypeError, "lr must be a real number, got True"),
    (SGD, {"lr": 0.1, "momentum": -0.5}, ValueError, r"momentum must be .* \[0, 1\), got -0.5"),
    (SGD, {"lr": 0.1, "momentum": 1.0}, ValueError, r"momentum must be .* in \[0, 1\), got 1\.0"),
    (RMSprop, {"momentum": -0.1}, ValueError, r"momentum must be a finite number in \[0, 1\)"),
    (SGD, {"lr": 0.1, "nesterov": True}, ValueError, "nesterov=True needs momentum > 0"),
    (SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": 1}, TypeError, "nesterov must be True or"),
    (
        SGD,
        {"lr": 0.1, "weight_decay": -1e-4},
        ValueError,
        "weight_decay must be a finite number >=",
    ),
    (Adam, {"weight_decay": -0.1}, ValueError, "weight_decay must be a finite number >= 0"),
    (AdamW, {"weight_decay": math.inf}, ValueError, "weight_decay must be a finite number"),
    (Adam, {"betas": (1.0, 0.999)}, ValueError, r"betas\[0\] must be .* \[0, 1\), got 1\.0"),
    (Adam, {"betas": (0.9, -0.1)}, ValueError, r"betas\[1\] must be .* \[0, 1\), got -0\.1"),
    (AdamW, {"betas": (0.9, 1.5)}, ValueError, r"betas\[1\] must be .* \[0, 1\), got 1\.5"),
    (Adam, {"betas": 0.9}, TypeError, r"betas must be a pair \(beta1, beta2\), got 0\.9"),
    (Adam, {"betas": (0.9, 0.99, 0.9)}, TypeError, r"betas must be a pair"),
    (Adam, {"eps": 0.0}, ValueError, "eps must be a finite number > 0"),
    (RMSprop, {"eps": -1e-8}, ValueError, "eps must be a finite number > 0"),
    (Adagrad, {"eps": 0}, ValueError, "eps must be a finite number > 0"),
    (Adagrad, {"lr": -0.01}, ValueError, "lr must be a finite number > 0"),
    (RMSprop, {"alpha": 1.0}, ValueError, r"alpha must be .* \[0, 1\)"),
]


@pytest.mark.parametrize(
    ("cls", "kwargs", "error", "message"), BAD_CONSTRUCTIONS, ids=lambda v: str(v)[:40]
)
def test_bad_hyperparameters_name_the_argument(
    cls: type[Optimizer], kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        cls([np.zeros(2)], **kwargs)


BAD_PARAMS: list[tuple[Any, type[Exception], str]] = [
    ([], TypeError, "params must be a non-empty list .* of length 0"),
    (np.zeros(3), TypeError, "params must be a non-empty list .* got ndarray"),
    ([ZERO, [1.0, 2.0]], TypeError, r"params\[1\] must be a NumPy array of floats .* got list"),
    ([np.zeros(2, dtype=int)], TypeError, r"params\[0\] must be a NumPy array of floats .* int64"),
    ([np.array([1.0, np.nan])], ValueError, r"params\[0\] contains nan or inf"),
    ([np.broadcast_to(np.zeros(1), (3,))], ValueError, r"params\[0\] is read-only"),
]


@pytest.mark.parametrize(("params", "error", "message"), BAD_PARAMS, ids=lambda v: str(v)[:30])
def test_bad_params_are_refused(params: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        SGD(params, lr=0.1)


def test_unknown_optimizer_name_lists_the_valid_ones() -> None:
    valid = r"\['adagrad', 'adam', 'adamw', 'rmsprop', 'sgd'\]"
    with pytest.raises(ValueError, match=rf"name must be one of {valid}, got 'adamax'"):
        make_optimizer("adamax", [np.zeros(1)])


@pytest.mark.parametrize(
    ("grads", "error", "message"),
    [
        ([np.zeros(3)], ValueError, "expected 2, got 1"),
        ([np.zeros(3), np.zeros((2, 2)), np.zeros(1)], ValueError, "expected 2, got 3"),
        ([np.zeros(3), np.zeros(4)], ValueError, r"grads\[1\] must have the shape of params\[1\]"),
        ([np.zeros(3), np.zeros(4)], ValueError, r"params\[1\], \(2, 2\), got \(4,\)"),
        ([np.zeros((3, 1)), np.zeros((2, 2))], ValueError, r"grads\[0\] must have the shape"),
        ([np.zeros(3), np.full((2, 2), np.inf)], ValueError, r"grads\[1\] contains nan or inf"),
        ([np.array([0.0, np.nan, 0.0]), np.zeros((2, 2))], ValueError, r"grads\[0\] contains nan"),
        ([np.zeros(3), "abc"], TypeError, r"grads\[1\] must be an array of real"),
        (np.zeros(3), TypeError, "grads must be a list of arrays"),
    ],
)  # fmt: skip
def test_bad_gradients_are_refused_before_any_update(
    grads: Any, error: type[Exception], message: str
) -> None:
    params = [np.ones(3), np.ones((2, 2))]
    opt = SGD(params, lr=0.1, momentum=0.9)
    with pytest.raises(error, match=message):
        opt.step(grads)
    assert opt.t == 0
    assert all(np.all(p == 1.0) for p in params)


def test_setting_a_bad_lr_between_steps_is_refused() -> None:
    opt = SGD([np.zeros(1)], lr=0.1)
    with pytest.raises(ValueError, match="lr must be a finite number > 0"):
        opt.lr = -1.0
    assert opt.lr == 0.1


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: step_lr(0.1, -1, 5), "step must be a non-negative integer, got -1"),
        (lambda: step_lr(0.1, 3, 0), "step_size must be a positive integer, got 0"),
        (lambda: step_lr(0.1, 3, 2, gamma=0.0), r"gamma must be .* \(0, 1\], got 0\.0"),
        (lambda: step_lr(0.1, 3, 2, gamma=2.0), r"gamma must be .* \(0, 1\], got 2\.0"),
        (lambda: step_lr(0.0, 3, 2), "lr0 must be a finite number > 0"),
        (lambda: cosine_lr(0.1, 3, 0), "t_max must be a positive integer, got 0"),
        (lambda: cosine_lr(0.1, 3, 10, eta_min=-0.01), "eta_min must be a finite number >= 0"),
        (lambda: cosine_lr(0.1, 3, 10, eta_min=0.2), "eta_min must be below lr0=0.1, got 0.2"),
        (lambda: cosine_lr(-0.1, 3, 10), "lr0 must be a finite number > 0"),
    ],
)
def test_bad_schedule_arguments_name_the_argument(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
