"""Optimizers from scratch in NumPy: SGD (momentum, Nesterov), RMSprop, Adagrad, Adam, AdamW.

Each optimizer updates a list of NumPy arrays **in place**, exactly as ``torch.optim`` updates
a model's parameters: build it once with the parameters, then call ``opt.step(grads)`` with
one gradient per parameter after every backward pass. The update rules, the defaults and the
order of the floating-point operations follow PyTorch's documented algorithms, so a trajectory
computed here equals ``torch.optim``'s in float64 (``tests/test_optimizers.py`` checks it).

Two learning-rate schedules, `step_lr` and `cosine_lr`, give the values of
``torch.optim.lr_scheduler.StepLR`` and ``CosineAnnealingLR``; assign them to ``opt.lr``
before a step.

    >>> import numpy as np
    >>> w = np.array([1.0, -2.0])
    >>> opt = SGD([w], lr=0.1)
    >>> opt.step([2 * w])  # the gradient of |w|^2
    >>> w
    array([ 0.8, -1.6])
"""

# --8<-- [start:imports]
from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from snippets import _validate as check

# --8<-- [end:imports]

FloatArray = NDArray[np.floating[Any]]


def _fraction(name: str, value: object) -> float:
    """A decay rate (momentum, alpha, a beta) in [0, 1): at 1 the average never forgets."""
    return check.number(name, value, low=0, high=1, high_open=True)


def _positive(name: str, value: object) -> float:
    return check.number(name, value, low=0, low_open=True)


def _non_negative(name: str, value: object) -> float:
    return check.number(name, value, low=0)


def _check_params(params: object) -> list[FloatArray]:
    """A non-empty list of distinct, writable, finite floating-point arrays."""
    if not isinstance(params, (list, tuple)) or len(params) == 0:
        raise TypeError(
            f"params must be a non-empty list of NumPy float arrays, got {type(params).__name__}"
            + (" of length 0" if isinstance(params, (list, tuple)) else "")
        )
    for i, p in enumerate(params):
        if not isinstance(p, np.ndarray) or not np.issubdtype(p.dtype, np.floating):
            kind = p.dtype if isinstance(p, np.ndarray) else type(p).__name__
            raise TypeError(
                f"params[{i}] must be a NumPy array of floats (updated in place), got {kind}"
            )
        if not p.flags.writeable:
            raise ValueError(f"params[{i}] is read-only; the optimizer updates it in place")
        if not np.all(np.isfinite(p)):
            raise ValueError(f"params[{i}] contains nan or inf")
    check.distinct_arrays("params", params)
    return list(params)


def _check_grads(grads: object, params: list[FloatArray]) -> list[FloatArray]:
    """``grads`` against ``params``: same count, same shapes, finite in the params' dtype."""
    if not isinstance(grads, (list, tuple)):
        raise TypeError(
            f"grads must be a list of arrays, one per parameter, got {type(grads).__name__}"
        )
    if len(grads) != len(params):
        raise ValueError(
            f"grads must hold one gradient per parameter: expected {len(params)}, got {len(grads)}"
        )
    checked = []
    for i, (g, p) in enumerate(zip(grads, params, strict=True)):
        g64 = check.array(f"grads[{i}]", g, finite=False)
        if g64.shape != p.shape:
            raise ValueError(
                f"grads[{i}] must have the shape of params[{i}], {p.shape}, got {g64.shape}"
            )
        if not np.all(np.isfinite(g64)):
            raise ValueError(
                f"grads[{i}] contains nan or inf: the loss has probably diverged "
                "(try a smaller learning rate)"
            )
        with np.errstate(over="ignore"):
            g_arr = g64.astype(p.dtype)
        if not np.all(np.isfinite(g_arr)):
            raise ValueError(
                f"grads[{i}] holds {np.abs(g64).max():g}, beyond the largest {p.dtype} "
                f"({np.finfo(p.dtype).max:g}) of params[{i}]: use float32 or float64 parameters"
            )
        checked.append(g_arr)
    return checked


# --8<-- [start:base]
class Optimizer(ABC):
    """What every optimizer shares: the parameters, the learning rate and the step counter.

    A subclass implements `_update`, the rule for one parameter array; `step`
    checks the gradients, counts the step and applies the rule to every parameter.

    Attributes:
        params: the arrays being optimized, updated in place by `step`.
        t: how many steps have been taken (``torch.optim`` calls it ``step``).
    """

    def __init__(self, params: Sequence[FloatArray], lr: float) -> None:
        self.params = _check_params(params)
        self.lr = lr
        self.t = 0

    @property
    def lr(self) -> float:
        """The learning rate used by the next step; a schedule may change it between steps."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = _positive("lr", value)

    def step(self, grads: Sequence[ArrayLike]) -> None:
        """Update every parameter in place from its gradient.

        Args:
            grads: one gradient per parameter, in the order of ``params``, each of its shape.

        Raises:
            ValueError: wrong number of gradients, a wrong shape, or nan/inf in a gradient.
            TypeError: ``grads`` is not a list.
        """
        checked = _check_grads(grads, self.params)
        self.t += 1
        for i, (p, g) in enumerate(zip(self.params, checked, strict=True)):
            self._update(i, p, g)

    @abstractmethod
    def _update(self, i: int, p: FloatArray, g: FloatArray) -> None:
        """Apply the rule to parameter ``i`` (array ``p``, in place) given its gradient ``g``."""


# --8<-- [end:base]


def _sgd(momentum: float, nesterov: bool, weight_decay: float) -> tuple[float, bool, float]:
    mu = _fraction("momentum", momentum)
    if check.flag("nesterov", nesterov) and mu == 0:
        raise ValueError("nesterov=True needs momentum > 0, got momentum=0")
    return mu, bool(nesterov), _non_negative("weight_decay", weight_decay)


# --8<-- [start:sgd]
class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with (Nesterov) momentum and L2 weight decay.

    For each parameter $w$ with gradient $g$ (PyTorch's algorithm, dampening 0):

    $$
    g \leftarrow g + \lambda w, \quad
    u \leftarrow \mu u + g \;(u = g \text{ at the first step}), \quad
    w \leftarrow w - \eta\,(g + \mu u \text{ if Nesterov, else } u).
    $$

    Args:
        params: the arrays to optimize (updated in place).
        lr: learning rate $\eta > 0$.
        momentum: $\mu \in [0, 1)$; 0 gives plain gradient descent.
        nesterov: use Nesterov momentum (needs ``momentum > 0``).
        weight_decay: $\lambda \ge 0$, added to the gradient as $\lambda w$ (L2 penalty).

    Example:
        >>> w = np.array([1.0])
        >>> opt = SGD([w], lr=0.1, momentum=0.9)
        >>> for _ in range(2):
        ...     opt.step([2 * w])
        >>> w.round(4)  # step 1: 1 - 0.1*2 = 0.8; step 2: buffer 0.9*2 + 1.6 = 3.4
        array([0.46])
    """

    def __init__(
        self,
        params: Sequence[FloatArray],
        lr: float,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.momentum, self.nesterov, self.weight_decay = _sgd(momentum, nesterov, weight_decay)
        self.buffers = [np.zeros_like(p) for p in self.params]

    def _update(self, i: int, p: FloatArray, g: FloatArray) -> None:
        if self.weight_decay != 0:
            g = g + self.weight_decay * p
        if self.momentum != 0:
            buf = self.buffers[i]
            if self.t == 1:
                buf[...] = g  # PyTorch starts the buffer at the first gradient, not at zero
            else:
                buf *= self.momentum
                buf += g
            g = g + self.momentum * buf if self.nesterov else buf
        p -= self.lr * g


# --8<-- [end:sgd]


# --8<-- [start:rmsprop]
class RMSprop(Optimizer):
    r"""RMSprop: divide each gradient by a running root-mean-square of its recent values.

    $$
    v \leftarrow \alpha v + (1 - \alpha) g^2, \qquad
    w \leftarrow w - \eta \frac{g}{\sqrt{v} + \epsilon}
    $$

    with $v$ starting at 0 and $\epsilon$ outside the square root, as in PyTorch. With
    momentum $\mu > 0$: $b \leftarrow \mu b + g / (\sqrt{v} + \epsilon)$ ($b$ from 0) and
    $w \leftarrow w - \eta b$.

    Args:
        params: the arrays to optimize (updated in place).
        lr: learning rate $\eta > 0$ (PyTorch's default 0.01).
        alpha: decay rate $\alpha \in [0, 1)$ of the squared-gradient average.
        eps: $\epsilon > 0$, keeps the division finite.
        momentum: $\mu \in [0, 1)$.

    Example:
        >>> w = np.array([3.0, -0.001])
        >>> RMSprop([w], lr=0.01).step([w.copy()])
        >>> w.round(4)  # both coordinates move by about lr / sqrt(1 - alpha) = 0.1
        array([2.9  , 0.099])
    """

    def __init__(
        self,
        params: Sequence[FloatArray],
        lr: float = 0.01,
        alpha: float = 0.99,
        eps: float = 1e-8,
        momentum: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.alpha, self.eps = _fraction("alpha", alpha), _positive("eps", eps)
        self.momentum = _fraction("momentum", momentum)
        self.square_avg = [np.zeros_like(p) for p in self.params]
        self.buffers = [np.zeros_like(p) for p in self.params]

    def _update(self, i: int, p: FloatArray, g: FloatArray) -> None:
        v = self.square_avg[i]
        v *= self.alpha
        v += (1 - self.alpha) * g * g
        scaled = g / (np.sqrt(v) + self.eps)
        if self.momentum > 0:
            buf = self.buffers[i]
            buf *= self.momentum
            buf += scaled
            p -= self.lr * buf
        else:
            p -= self.lr * scaled


# --8<-- [end:rmsprop]


# --8<-- [start:adagrad]
class Adagrad(Optimizer):
    r"""Adagrad: divide each gradient by the root of the sum of all its past squares.

    $$
    s \leftarrow s + g^2, \qquad w \leftarrow w - \eta \frac{g}{\sqrt{s} + \epsilon}
    $$

    with $s$ starting at 0 (PyTorch's ``initial_accumulator_value=0``, ``lr_decay=0``). Since
    $s$ only grows, the effective step of every coordinate shrinks like $1/\sqrt{t}$.

    Args:
        params: the arrays to optimize (updated in place).
        lr: learning rate $\eta > 0$ (PyTorch's default 0.01).
        eps: $\epsilon > 0$, keeps the division finite.

    Example:
        >>> w = np.array([5.0, 0.5])
        >>> Adagrad([w], lr=0.1).step([w.copy()])
        >>> w  # the first step is lr * sign(g) for every coordinate
        array([4.9, 0.4])
    """

    def __init__(self, params: Sequence[FloatArray], lr: float = 0.01, eps: float = 1e-10) -> None:
        super().__init__(params, lr)
        self.eps = _positive("eps", eps)
        self.sum_squares = [np.zeros_like(p) for p in self.params]

    def _update(self, i: int, p: FloatArray, g: FloatArray) -> None:
        s = self.sum_squares[i]
        s += g * g
        p -= self.lr * g / (np.sqrt(s) + self.eps)


# --8<-- [end:adagrad]


def _adam(
    betas: tuple[float, float], eps: float, weight_decay: float
) -> tuple[float, float, float, float]:
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"betas must be a pair (beta1, beta2), got {betas!r}")
    beta1, beta2 = _fraction("betas[0]", betas[0]), _fraction("betas[1]", betas[1])
    return beta1, beta2, _positive("eps", eps), _non_negative("weight_decay", weight_decay)


# --8<-- [start:adam]
class Adam(Optimizer):
    r"""Adam: momentum on the gradient, RMSprop on its square, both bias-corrected.

    $$
    \begin{aligned}
    m &\leftarrow \beta_1 m + (1 - \beta_1) g, &
    v &\leftarrow \beta_2 v + (1 - \beta_2) g^2, \\
    \hat m &= m / (1 - \beta_1^t), &
    \hat v &= v / (1 - \beta_2^t), \\
    w &\leftarrow w - \eta\, \hat m / (\sqrt{\hat v} + \epsilon)
    \end{aligned}
    $$

    with $m = v = 0$ at the start. ``weight_decay`` $\lambda$ adds $\lambda w$ to the
    gradient first (an L2 penalty, PyTorch's ``Adam``); `AdamW` decouples it instead.

    Args:
        params: the arrays to optimize (updated in place).
        lr: learning rate $\eta > 0$.
        betas: $(\beta_1, \beta_2)$, each in $[0, 1)$.
        eps: $\epsilon > 0$.
        weight_decay: $\lambda \ge 0$.

    Example:
        >>> w = np.array([3.0, -0.001])
        >>> Adam([w], lr=0.1).step([w.copy()])
        >>> w.round(4)  # bias correction makes the first step lr * sign(g)
        array([2.9  , 0.099])
    """

    decoupled = False

    def __init__(
        self,
        params: Sequence[FloatArray],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.beta1, self.beta2, self.eps, self.weight_decay = _adam(betas, eps, weight_decay)
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]

    def _update(self, i: int, p: FloatArray, g: FloatArray) -> None:
        if self.weight_decay != 0:
            if self.decoupled:
                p *= 1 - self.lr * self.weight_decay  # AdamW: shrink w itself
            else:
                g = g + self.weight_decay * p  # Adam: L2 penalty inside the gradient
        m, v = self.m[i], self.v[i]
        m *= self.beta1
        m += (1 - self.beta1) * g
        v *= self.beta2
        v += (1 - self.beta2) * g * g
        m_hat = m / (1 - self.beta1**self.t)
        v_hat = v / (1 - self.beta2**self.t)
        p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


# --8<-- [end:adam]


# --8<-- [start:adamw]
class AdamW(Adam):
    r"""AdamW: Adam with decoupled weight decay (Loshchilov and Hutter, 2019).

    Before the Adam step, every weight shrinks by the factor $1 - \eta\lambda$:
    $w \leftarrow w - \eta\lambda w$. Unlike Adam's L2 penalty, this decay is not divided by
    $\sqrt{\hat v}$, so every weight decays at the same rate whatever its gradient history.
    The default $\lambda = 0.01$ is PyTorch's.

    Example:
        >>> w = np.array([2.0])
        >>> AdamW([w], lr=0.1, weight_decay=0.5).step([np.zeros(1)])
        >>> w  # a zero gradient: only the decay acts, 2 * (1 - 0.1 * 0.5)
        array([1.9])
    """

    decoupled = True

    def __init__(
        self,
        params: Sequence[FloatArray],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.01,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)


# --8<-- [end:adamw]


OPTIMIZERS: dict[str, type[Optimizer]] = {
    "sgd": SGD,
    "rmsprop": RMSprop,
    "adagrad": Adagrad,
    "adam": Adam,
    "adamw": AdamW,
}


def make_optimizer(name: str, params: Sequence[FloatArray], **hyperparameters: Any) -> Optimizer:
    """Build an optimizer from its lower-case name, e.g. ``make_optimizer("adam", [w], lr=0.1)``.

    Args:
        name: one of ``"sgd"``, ``"rmsprop"``, ``"adagrad"``, ``"adam"``, ``"adamw"``.
        params: the arrays to optimize.
        **hyperparameters: passed to the optimizer's constructor (``lr``, ``momentum``, ...).

    Raises:
        ValueError: for an unknown name; the message lists the valid ones.

    Example:
        >>> type(make_optimizer("adamw", [np.zeros(3)])).__name__
        'AdamW'
    """
    return OPTIMIZERS[check.choice("name", name, OPTIMIZERS)](params, **hyperparameters)


def _step_lr(lr0: float, step: int, step_size: int, gamma: float) -> tuple[float, int, float]:
    check.integer("step", step, low=0)
    gamma = check.number("gamma", gamma, low=0, high=1, low_open=True)
    return _positive("lr0", lr0), check.positive_int("step_size", step_size), gamma


def _cosine_lr(lr0: float, step: int, t_max: int, eta_min: float) -> tuple[float, int, float]:
    check.integer("step", step, low=0)
    lr0, eta_min = _positive("lr0", lr0), _non_negative("eta_min", eta_min)
    if eta_min >= lr0:
        raise ValueError(f"eta_min must be below lr0={lr0!r}, got {eta_min!r}")
    return lr0, check.positive_int("t_max", t_max), eta_min


# --8<-- [start:schedules]
def step_lr(lr0: float, step: int, step_size: int, gamma: float = 0.1) -> float:
    r"""Step decay: multiply the learning rate by ``gamma`` every ``step_size`` steps.

    $\eta_t = \eta_0 \, \gamma^{\lfloor t / s \rfloor}$, the value of
    ``torch.optim.lr_scheduler.StepLR(opt, step_size=s, gamma=gamma)`` after ``t`` calls of
    ``scheduler.step()``.

    Args:
        lr0: the initial learning rate $\eta_0 > 0$.
        step: $t \ge 0$, usually the epoch.
        step_size: $s \ge 1$.
        gamma: the factor $\gamma \in (0, 1]$.

    Example:
        >>> rates = [step_lr(0.1, t, step_size=2, gamma=0.5) for t in range(5)]
        >>> rates
        [0.1, 0.1, 0.05, 0.05, 0.025]
    """
    lr0, step_size, gamma = _step_lr(lr0, step, step_size, gamma)
    return lr0 * gamma ** (step // step_size)


def cosine_lr(lr0: float, step: int, t_max: int, eta_min: float = 0.0) -> float:
    r"""Cosine annealing from ``lr0`` down to ``eta_min`` over ``t_max`` steps.

    $\eta_t = \eta_{\min} + \tfrac12(\eta_0 - \eta_{\min})(1 + \cos(\pi t / T_{\max}))$,
    the value of ``torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max, eta_min)`` after
    ``t`` calls of ``scheduler.step()``. Like PyTorch's, it rises again after ``t_max``
    (the cosine continues); stop training at ``t_max`` or hold ``eta_min``.

    Args:
        lr0: the initial learning rate $\eta_0 > 0$.
        step: $t \ge 0$.
        t_max: $T_{\max} \ge 1$, the number of steps to reach ``eta_min``.
        eta_min: the final learning rate, $0 \le \eta_{\min} < \eta_0$.

    Example:
        >>> rates = [round(cosine_lr(0.1, t, t_max=4), 4) for t in range(5)]
        >>> rates
        [0.1, 0.0854, 0.05, 0.0146, 0.0]
    """
    lr0, t_max, eta_min = _cosine_lr(lr0, step, t_max, eta_min)
    return eta_min + (lr0 - eta_min) * (1 + math.cos(math.pi * step / t_max)) / 2


# --8<-- [end:schedules]
