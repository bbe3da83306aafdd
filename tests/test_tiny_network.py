"""snippets.tiny_network: >= 97% on digits, identical reruns, leak-free splits, clear errors."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_digits

from snippets.parameters import count_parameters
from snippets.tiny_network import (
    TinyNet,
    TinyNetworkResult,
    load_digits_splits,
    train_tiny_network,
)


@pytest.fixture(scope="module")
def default_run() -> TinyNetworkResult:
    torch.set_num_threads(1)
    return train_tiny_network(seed=0, device="cpu")


def test_default_run_reaches_97_percent_on_the_test_split(default_run: TinyNetworkResult) -> None:
    assert default_run.test_accuracy >= 0.97
    assert default_run.epochs == len(default_run.history) == 10


def test_history_has_one_sane_record_per_epoch(default_run: TinyNetworkResult) -> None:
    assert [r.epoch for r in default_run.history] == list(range(1, 11))
    for record in default_run.history:
        assert 0.0 <= record.train_accuracy <= 1.0
        assert 0.0 <= record.val_accuracy <= 1.0
        assert np.isfinite(record.train_loss)
        assert record.train_loss > 0.0
        assert np.isfinite(record.val_loss)
        assert record.val_loss > 0.0
    # Learning happened: the last epoch is far better than the first.
    assert default_run.history[-1].train_loss < default_run.history[0].train_loss / 5


def test_result_reports_cost_and_serialises_to_json(default_run: TinyNetworkResult) -> None:
    assert default_run.n_parameters == count_parameters(default_run.model)
    assert default_run.train_seconds > 0.0
    data = json.loads(json.dumps(default_run.to_dict()))
    assert "model" not in data
    assert data["test_accuracy"] == default_run.test_accuracy
    assert len(data["history"]) == 10
    assert set(data["history"][0]) == {
        "epoch",
        "train_loss",
        "train_accuracy",
        "val_loss",
        "val_accuracy",
    }


def test_test_accuracy_is_what_the_returned_model_scores() -> None:
    result = train_tiny_network(epochs=2, seed=3, device="cpu")
    splits = load_digits_splits(seed=3)
    with torch.no_grad():
        predicted = result.model(torch.from_numpy(splits.X_test)).argmax(dim=1).numpy()
    assert np.mean(predicted == splits.y_test) == pytest.approx(result.test_accuracy)


def test_same_seed_gives_bit_identical_runs_on_cpu() -> None:
    first = train_tiny_network(epochs=2, seed=7, device="cpu")
    second = train_tiny_network(epochs=2, seed=7, device="cpu")
    assert first.history == second.history
    assert first.test_accuracy == second.test_accuracy
    for a, b in zip(
        first.model.state_dict().values(), second.model.state_dict().values(), strict=True
    ):
        assert torch.equal(a, b)


def test_another_seed_gives_another_run() -> None:
    assert (
        train_tiny_network(epochs=1, seed=1, device="cpu").history
        != train_tiny_network(epochs=1, seed=2, device="cpu").history
    )


def test_progress_is_reported_after_every_epoch() -> None:
    calls: list[tuple[int, int, str]] = []
    train_tiny_network(epochs=3, device="cpu", progress=lambda *a: calls.append(a))
    assert [(done, total) for done, total, _ in calls] == [(1, 3), (2, 3), (3, 3)]
    assert all("val accuracy" in label for _, _, label in calls)


def test_splits_partition_the_data_and_keep_class_shares() -> None:
    splits = load_digits_splits(seed=0)
    n_total = len(load_digits().target)
    sizes = [len(splits.y_train), len(splits.y_val), len(splits.y_test)]
    assert sum(sizes) == n_total
    assert len(splits.y_test) == pytest.approx(0.2 * n_total, abs=1)
    for y in (splits.y_train, splits.y_val, splits.y_test):
        shares = np.bincount(y, minlength=10) / len(y)
        assert np.all(np.abs(shares - 0.1) < 0.02)  # stratified: about 10% of each digit


def test_standardisation_uses_training_statistics_only() -> None:
    splits = load_digits_splits(seed=0)
    train_std = splits.X_train.std(axis=0)
    varying = train_std > 0
    np.testing.assert_allclose(splits.X_train.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(train_std[varying], 1.0, atol=1e-4)
    # Fitted on train alone, the test split is not exactly centred: proof nothing leaked.
    assert np.abs(splits.X_test.mean(axis=0)).max() > 1e-3


@settings(max_examples=20)
@given(hidden=st.integers(min_value=1, max_value=300))
def test_parameter_count_matches_the_formula(hidden: int) -> None:
    assert count_parameters(TinyNet(hidden=hidden)) == (64 * hidden + hidden) + (hidden * 10 + 10)


def test_model_outputs_one_logit_per_digit() -> None:
    assert TinyNet()(torch.zeros(3, 64)).shape == (3, 10)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"epochs": 0}, ValueError, "epochs must be a positive integer, got 0"),
        ({"epochs": -1}, ValueError, "epochs must be a positive integer, got -1"),
        ({"epochs": 2.5}, TypeError, "epochs must be an integer, got 2.5 (float)"),
        ({"epochs": True}, TypeError, "epochs must be an integer, got True (bool)"),
        ({"hidden": 0}, ValueError, "hidden must be a positive integer"),
        ({"batch_size": -8}, ValueError, "batch_size must be a positive integer"),
        ({"lr": 0.0}, ValueError, "lr must be a finite number > 0, got 0.0"),
        ({"lr": float("nan")}, ValueError, "lr must be a finite number > 0, got nan"),
        ({"lr": float("inf")}, ValueError, "lr must be a finite number > 0"),
        ({"lr": 10**400}, ValueError, "lr must be a finite number > 0, got an integer too large"),
        ({"weight_decay": -0.1}, ValueError, "weight_decay must be a finite number >= 0, got -0.1"),
        ({"device": "tpu"}, ValueError, "unknown device 'tpu'"),
        ({"device": 0}, TypeError, "preferred must be a device name"),
        ({"seed": -1}, ValueError, "seed must be an integer in [0, 4294967295]"),
        ({"seed": 2**32}, ValueError, "seed must be an integer in [0, 4294967295]"),
    ],
)
def test_bad_arguments_are_refused_before_training(
    kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        train_tiny_network(**kwargs)  # type: ignore[arg-type]


def test_unavailable_device_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match="'cuda' is not available"):
        train_tiny_network(epochs=1, device="cuda")


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.2, 1.5])
def test_split_fractions_must_be_between_0_and_1(fraction: float) -> None:
    with pytest.raises(ValueError, match=r"test_fraction must be a finite number in \(0, 1\)"):
        load_digits_splits(test_fraction=fraction)
    with pytest.raises(ValueError, match=r"val_fraction must be a finite number in \(0, 1\)"):
        load_digits_splits(val_fraction=fraction)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device on this machine")
def test_cuda_agrees_with_cpu(default_run: TinyNetworkResult) -> None:
    """Same seed on CUDA: first epoch within 1e-3, test accuracy within 2 points of the CPU.

    GPU kernels sum in another order, so results match the CPU only to rounding, and
    rounding differences grow over ten epochs of training; they do not change the outcome.
    """
    cuda = train_tiny_network(seed=0, device="cuda")
    assert cuda.device.startswith("cuda")
    assert cuda.history[0].train_loss == pytest.approx(default_run.history[0].train_loss, rel=1e-3)
    assert abs(cuda.test_accuracy - default_run.test_accuracy) <= 0.02
    assert cuda.test_accuracy >= 0.97
