"""Time one epoch of mini-batch gradient descent for several batch sizes, and one optimizer step.

Part 1: least squares on 10 000 rows and 20 features (``snippets.gradient_descent``): the
work per epoch is the same for every batch size (each row's gradient once), so the
differences are the cost per update: Python overhead and small matrix products for small
batches. Part 2: one ``step`` of each optimizer of ``snippets.optimizers`` against
``torch.optim`` on a million parameters. Figures are the best of several repeats after a
warm-up (the minimum, as ``timeit`` advises: other processes only ever add time).
Run: ``.venv/bin/python benchmarks/bench_gradient_descent.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import torch

from snippets.gradient_descent import make_linear_data, minibatch_gd
from snippets.optimizers import OPTIMIZERS

BATCH_SIZES = [1, 16, 128, 1024, 10_000]
REPEATS = 5
N_PARAMS = 1_000_000
TORCH_CLASSES: dict[str, Callable[..., torch.optim.Optimizer]] = {
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
    "adagrad": torch.optim.Adagrad,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
}


def best_seconds(run: Callable[[], object], repeats: int = REPEATS) -> float:
    run()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def epoch_times() -> None:
    X, y = make_linear_data(n_samples=10_000, n_features=20, seed=0)
    print(f"One epoch of gradient descent on X {X.shape}, float64, CPU")
    print(f"{'batch size':>10} {'updates':>8} {'ms/epoch':>9} {'us/update':>10}")
    for batch in BATCH_SIZES:
        repeats = 2 if batch == 1 else REPEATS  # batch size 1: 10 000 updates per epoch
        run = partial(minibatch_gd, X, y, lr=1e-3, epochs=1, batch_size=batch)
        seconds = best_seconds(run, repeats)
        updates = -(-len(y) // batch)
        print(f"{batch:>10} {updates:>8} {seconds * 1e3:>9.2f} {seconds / updates * 1e6:>10.1f}")


def step_times() -> None:
    print(f"\nOne optimizer step on {N_PARAMS:,} float64 parameters (ms)")
    print(f"{'optimizer':>10} {'NumPy':>8} {'torch':>8}")
    rng = np.random.default_rng(0)
    grad = rng.normal(size=N_PARAMS)
    for name, cls in OPTIMIZERS.items():
        kwargs: dict[str, Any] = {"lr": 1e-3}
        w = rng.normal(size=N_PARAMS)
        ours = cls([w], **kwargs)
        numpy_s = best_seconds(partial(ours.step, [grad]))
        w_t = torch.tensor(w.copy(), requires_grad=True)
        w_t.grad = torch.from_numpy(grad.copy())
        theirs = TORCH_CLASSES[name]([w_t], **kwargs)
        torch_s = best_seconds(theirs.step)
        print(f"{name:>10} {numpy_s * 1e3:>8.2f} {torch_s * 1e3:>8.2f}")


if __name__ == "__main__":
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    epoch_times()
    step_times()
