"""snippets.device: device choice with overrides and clear errors, and reproducible seeding."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch

from snippets.device import DEVICE_ENV_VAR, available_devices, get_device, seed_everything


def test_cpu_is_always_available_and_last() -> None:
    assert available_devices()[-1] == "cpu"


def test_default_is_the_best_available(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DEVICE_ENV_VAR, raising=False)
    assert get_device().type == available_devices()[0]


def test_cuda_is_preferred_when_present(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DEVICE_ENV_VAR, raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert get_device().type == "cuda"


def test_preferred_argument_overrides_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DEVICE_ENV_VAR, "no-such-device")
    assert get_device("cpu") == torch.device("cpu")


def test_environment_variable_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DEVICE_ENV_VAR, "CPU")
    assert get_device() == torch.device("cpu")


def test_unknown_device_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DEVICE_ENV_VAR, "tpu")
    with pytest.raises(ValueError, match=r"SNIPPETS_DEVICE: unknown device 'tpu'; expected one of"):
        get_device()
    with pytest.raises(ValueError, match=r"preferred: unknown device 'gpu'"):
        get_device("gpu")


def test_unavailable_device_is_an_error_not_a_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match=r"'cuda' is not available on this machine"):
        get_device("cuda")


def test_bad_cuda_index_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    assert get_device("cuda:0") == torch.device("cuda", 0)
    with pytest.raises(ValueError, match="no such device 'cuda:3'"):
        get_device("cuda:3")


def test_seed_everything_makes_all_generators_repeat() -> None:
    seed_everything(123)
    first = (random.random(), np.random.rand(), torch.rand(3))  # noqa: NPY002 (the legacy global)
    seed_everything(123)
    second = (random.random(), np.random.rand(), torch.rand(3))  # noqa: NPY002
    assert first[0] == second[0]
    assert first[1] == second[1]
    assert torch.equal(first[2], second[2])
    assert torch.are_deterministic_algorithms_enabled()


@pytest.mark.parametrize("seed", [-1, 2**32, 10**400])
def test_seed_must_lie_in_numpys_range(seed: int) -> None:
    with pytest.raises(ValueError, match=r"seed must be an integer in \[0, 4294967295\]"):
        seed_everything(seed)


@pytest.mark.parametrize("seed", [1.5, "7", True, None])
def test_seed_must_be_an_integer(seed: object) -> None:
    with pytest.raises(TypeError, match="seed must be an integer, got"):
        seed_everything(seed)  # type: ignore[arg-type]
