"""Wall time of every CLI example, each in a fresh process as a user runs it, on CPU.

Each example runs as ``python -m snippets run NAME --device cpu --json`` with its default
settings, so the time includes starting Python and importing PyTorch; the time the example
itself reports is shown next to it. Once with the CLI's default of one PyTorch thread, once
with one thread per CPU. Run: ``.venv/bin/python benchmarks/bench_cli.py``.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import torch

from snippets.__main__ import EXAMPLES

ROOT = Path(__file__).resolve().parent.parent
LIMIT_SECONDS = 30.0


def run(name: str, extra: list[str]) -> tuple[float, float]:
    """(process wall time, the example's own wall_seconds)."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "snippets", "run", name, "--device", "cpu", "--json", *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - start, float(json.loads(proc.stdout)["wall_seconds"])


def main() -> None:
    print(f"platform {platform.platform()}, {os.cpu_count()} CPUs, torch {torch.__version__}")
    print(f"load average before: {os.getloadavg()[0]:.2f} (1 min)")
    print(f"{'example':<24} {'threads':>12} {'process s':>10} {'example s':>10} {'< 30 s':>7}")
    for name in EXAMPLES:
        cpus = str(os.cpu_count() or 1)
        for label, extra in (("1 (default)", []), (cpus, ["--threads", cpus])):
            total, inner = run(name, extra)
            ok = total < LIMIT_SECONDS
            print(f"{name:<24} {label:>12} {total:10.2f} {inner:10.2f} {ok!s:>7}")
    print(f"load average after: {os.getloadavg()[0]:.2f} (1 min)")


if __name__ == "__main__":
    main()
