"""Pick where tensors live (CUDA, then Apple MPS, then CPU) and seed every generator.

The choice can be forced with the ``preferred`` argument (the CLI's ``--device``)
or the ``SNIPPETS_DEVICE`` environment variable. Asking for a device that is not
present is an error: a silent fallback to the CPU would hide a broken GPU setup.
"""

from __future__ import annotations

import os
import random

import numpy as np
import torch

from snippets import _validate as check

DEVICE_ENV_VAR = "SNIPPETS_DEVICE"
KNOWN_DEVICES = ("cpu", "cuda", "mps")


def available_devices() -> list[str]:
    """List the device types this machine can use, best first.

    Example:
        >>> "cpu" in available_devices()
        True
    """
    found = []
    if torch.cuda.is_available():
        found.append("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        found.append("mps")
    found.append("cpu")
    return found


def _requested(preferred: object) -> tuple[str, str | None]:
    """Where the device name comes from (the argument or the variable), and the name."""
    if isinstance(preferred, torch.device):
        return "preferred", str(preferred)
    if preferred is not None and not isinstance(preferred, str):
        raise TypeError(
            "preferred must be a device name such as 'cpu', a torch.device, or None, "
            f"got {preferred!r} ({type(preferred).__name__})"
        )
    if preferred is not None:
        return "preferred", preferred
    return DEVICE_ENV_VAR, os.environ.get(DEVICE_ENV_VAR) or None


# --8<-- [start:get_device]
def get_device(preferred: str | torch.device | None = None) -> torch.device:
    """Return the device examples should run on.

    Order of precedence: ``preferred``, then the ``SNIPPETS_DEVICE`` environment
    variable, then the best available device (CUDA, then MPS, then CPU).

    Args:
        preferred: ``"cpu"``, ``"cuda"``, ``"cuda:N"`` or ``"mps"`` (or such a
            ``torch.device``); ``None`` to decide from the environment variable or the hardware.

    Returns:
        The chosen ``torch.device``.

    Raises:
        ValueError: if the name is unknown or that device is not available here.

    Example:
        >>> get_device("cpu")
        device(type='cpu')
    """
    source, name = _requested(preferred)
    if name is None:
        return torch.device(available_devices()[0])

    kind, _, index = name.strip().lower().partition(":")
    if kind not in KNOWN_DEVICES:
        raise ValueError(
            f"{source}: unknown device {name!r}; expected one of {', '.join(KNOWN_DEVICES)}"
        )
    if kind not in available_devices():
        raise ValueError(
            f"{source}: device {name!r} is not available on this machine; "
            f"available: {', '.join(available_devices())}"
        )
    if index:
        if kind != "cuda" or not index.isdigit() or int(index) >= torch.cuda.device_count():
            raise ValueError(f"{source}: no such device {name!r}")
        return torch.device(kind, int(index))
    return torch.device(kind)


# --8<-- [end:get_device]


# --8<-- [start:seed_everything]
def seed_everything(seed: int, *, deterministic: bool = True) -> None:
    """Seed Python, NumPy and PyTorch, and ask PyTorch for deterministic kernels.

    Args:
        seed: an integer in ``[0, 2**32 - 1]``, the range NumPy accepts.
        deterministic: also call ``torch.use_deterministic_algorithms(True, warn_only=True)``
            so that operations without a deterministic kernel warn instead of varying silently.

    Raises:
        ValueError: if ``seed`` is out of that range (`TypeError` if not an integer).

    Example:
        >>> seed_everything(0); a = torch.rand(1)
        >>> seed_everything(0); bool(torch.equal(a, torch.rand(1)))
        True
    """
    seed = check.seed(seed)
    random.seed(seed)
    np.random.seed(seed)  # the legacy global generator is what old code uses
    torch.manual_seed(seed)
    if deterministic:
        # cuBLAS needs this workspace setting to be deterministic on CUDA >= 10.2.
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.use_deterministic_algorithms(True, warn_only=True)
        torch.backends.cudnn.benchmark = False


# --8<-- [end:seed_everything]
