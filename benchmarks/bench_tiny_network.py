"""Time the tiny network to >= 97% test accuracy on the digits, on CPU, per thread count.

For each thread count the default run (10 epochs, seed 0) is repeated and the best wall time
is kept (other processes only ever add time). It also reports the first epoch after which
the validation accuracy reached 97%, and the time spent up to that epoch.
Run: ``.venv/bin/python benchmarks/bench_tiny_network.py``.
"""

from __future__ import annotations

import os
import platform

import torch

from snippets.tiny_network import TinyNetworkResult, train_tiny_network

REPEATS = 3
TARGET = 0.97


def best_run(threads: int) -> TinyNetworkResult:
    torch.set_num_threads(threads)
    runs = [train_tiny_network(seed=0, device="cpu") for _ in range(REPEATS)]
    return min(runs, key=lambda r: r.train_seconds)


def main() -> None:
    print(f"platform {platform.platform()}, {os.cpu_count()} CPUs, torch {torch.__version__}")
    print(f"load average before: {os.getloadavg()[0]:.2f} (1 min)")
    print("threads  train s  test acc  epoch val>=97%  s to that epoch  >=97% test")
    for threads in sorted({1, os.cpu_count() or 1}):
        r = best_run(threads)
        reached = next((h.epoch for h in r.history if h.val_accuracy >= TARGET), None)
        to_target = r.train_seconds * reached / r.epochs if reached else float("nan")
        print(
            f"{threads:7d}  {r.train_seconds:7.2f}  {r.test_accuracy:8.2%}  "
            f"{reached!s:>14}  {to_target:15.2f}  {r.test_accuracy >= TARGET!s:>10}"
        )
    print(f"load average after: {os.getloadavg()[0]:.2f} (1 min)")


if __name__ == "__main__":
    main()
