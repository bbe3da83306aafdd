"""Time one forward + backward pass: the NumPy MLP of snippets.backprop against PyTorch on CPU.

Both run the same network in float64 on the same batch, with MSE loss; PyTorch also in
float32, its usual precision. The figure is the best of several repeats after a warm-up
(the minimum, as ``timeit`` advises: other processes only ever add time).
Run: ``.venv/bin/python benchmarks/bench_backprop.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import torch

from snippets.backprop import NumpyMLP, loss_and_grad

# (batch size, layer sizes): a small net, an MNIST-sized one, a wide one.
CASES = [
    (64, [32, 64, 10]),
    (256, [784, 256, 128, 10]),
    (1024, [784, 1024, 1024, 10]),
]
REPEATS = 7


def best_seconds(step: Callable[[], object], repeats: int = REPEATS) -> float:
    step()  # warm-up: first-call allocations and lazy initialisation
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return min(times)


def numpy_step(net: NumpyMLP, X: np.ndarray, y: np.ndarray) -> Callable[[], object]:
    def step() -> object:
        _, grad_output = loss_and_grad(net.forward(X), y, "mse")
        return net.backward(grad_output)

    return step


def torch_step(
    net: NumpyMLP, X: np.ndarray, y: np.ndarray, dtype: torch.dtype
) -> Callable[[], object]:
    layers: list[torch.nn.Module] = []
    for i, (W, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        linear = torch.nn.Linear(W.shape[1], W.shape[0], dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W))
            linear.bias.copy_(torch.from_numpy(b))
        layers.append(linear)
        if i < len(net.weights) - 1:
            layers.append(torch.nn.Tanh())
    model = torch.nn.Sequential(*layers)
    X_t, y_t = torch.from_numpy(X).to(dtype), torch.from_numpy(y).to(dtype)

    params = list(model.parameters())

    def step() -> object:
        loss = torch.nn.functional.mse_loss(model(X_t), y_t)
        return torch.autograd.grad(loss, params)  # the gradient of every weight and bias

    return step


def main() -> None:
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads; numpy {np.__version__}"
    )
    print(f"best of {REPEATS} forward+backward passes, tanh hidden layers, MSE loss\n")
    header = (
        f"{'batch':>6} {'layers':<22} {'params':>9} {'NumPy f64':>11} {'torch f64':>11} "
        f"{'torch f32':>11} {'NumPy/torch f64':>16}"
    )
    print(header)
    print("-" * len(header))
    rng = np.random.default_rng(0)
    for batch, sizes in CASES:
        net = NumpyMLP.from_seed(sizes, ["tanh"] * (len(sizes) - 2) + ["identity"], seed=0)
        X, y = rng.normal(size=(batch, sizes[0])), rng.normal(size=(batch, sizes[-1]))
        t_numpy = best_seconds(numpy_step(net, X, y))
        t_64 = best_seconds(torch_step(net, X, y, torch.float64))
        t_32 = best_seconds(torch_step(net, X, y, torch.float32))
        n_params = sum(p.size for p in net.params)
        print(
            f"{batch:>6} {'-'.join(map(str, sizes)):<22} {n_params:>9,} "
            f"{t_numpy * 1e3:>9.2f}ms {t_64 * 1e3:>9.2f}ms {t_32 * 1e3:>9.2f}ms "
            f"{t_numpy / t_64:>15.2f}x"
        )


if __name__ == "__main__":
    main()
