"""snippets.workflow: nine steps, a sealed test set, early stopping, all nine steps end to end."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from torch import nn

from snippets import workflow
from snippets.workflow import (
    STEPS,
    PreparedData,
    Problem,
    SealedTestSet,
    WorkflowResult,
    build_mlp,
    choose_architecture,
    choose_loss,
    choose_optimizer,
    define_problem,
    early_stopping,
    prepare_data,
    run_workflow,
    train,
    tune,
)


@pytest.fixture(scope="module")
def classification(tmp_path_factory: pytest.TempPathFactory) -> WorkflowResult:
    torch.set_num_threads(1)
    out = tmp_path_factory.mktemp("deployed") / "breast-cancer"
    return run_workflow("breast-cancer", epochs=10, device="cpu", save_dir=out)


@pytest.fixture(scope="module")
def regression() -> WorkflowResult:
    torch.set_num_threads(1)
    return run_workflow("friedman", epochs=20, device="cpu")


# Step 1 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "task", "n_outputs", "loss"),
    [
        ("breast-cancer", "classification", 1, nn.BCEWithLogitsLoss),
        ("wine", "classification", 3, nn.CrossEntropyLoss),
        ("friedman", "regression", 1, nn.MSELoss),
    ],
)
def test_each_problem_has_its_task_outputs_and_loss(
    name: str, task: str, n_outputs: int, loss: type[nn.Module]
) -> None:
    problem = define_problem(name)
    assert problem.task == task
    assert problem.n_outputs == n_outputs
    assert problem.X.shape == (len(problem.y), len(problem.feature_names))
    assert isinstance(choose_loss(problem), loss)


def test_unknown_problem_is_refused() -> None:
    with pytest.raises(ValueError, match=r"name must be one of .* got 'mnist'"):
        define_problem("mnist")


# Step 2 ----------------------------------------------------------------------------------


def _raw_rows(data: PreparedData) -> tuple[set[tuple[float, ...]], set[tuple[float, ...]]]:
    train_raw = data.x_scaler.inverse_transform(data.X_train)
    val_raw = data.x_scaler.inverse_transform(data.X_val)
    return _row_set(train_raw), _row_set(val_raw)


def _row_set(a: np.ndarray) -> set[tuple[float, ...]]:
    return {tuple(float(v) for v in np.round(r, 3)) for r in a}


@pytest.mark.parametrize("name", ["breast-cancer", "wine", "friedman"])
def test_splits_are_disjoint_and_cover_the_data(name: str) -> None:
    problem = define_problem(name)
    data = prepare_data(problem, seed=0)
    assert len(data.X_train) + len(data.X_val) + len(data.test) == len(problem.y)
    train_rows, val_rows = _raw_rows(data)
    X_test, _ = SealedTestSet.open(data.test, "this test's own check")
    test_rows = _row_set(X_test)
    assert not train_rows & val_rows
    assert not train_rows & test_rows
    assert not val_rows & test_rows


def test_scaler_is_fitted_on_the_training_split_only() -> None:
    problem = define_problem("breast-cancer")
    data = prepare_data(problem, seed=0)
    train_raw = data.x_scaler.inverse_transform(data.X_train)
    np.testing.assert_allclose(data.x_scaler.mean, train_raw.mean(axis=0), rtol=1e-5)
    assert not np.allclose(data.x_scaler.mean, problem.X.mean(axis=0), rtol=1e-3)
    np.testing.assert_allclose(data.X_train.mean(axis=0), 0.0, atol=1e-4)


def test_classification_splits_are_stratified() -> None:
    problem = define_problem("wine")
    data = prepare_data(problem, seed=0)
    overall = np.bincount(problem.y) / len(problem.y)
    for y in (data.y_train, data.y_val):
        assert np.abs(np.bincount(y, minlength=3) / len(y) - overall).max() < 0.05


def test_regression_targets_are_standardised_with_training_statistics() -> None:
    data = prepare_data(define_problem("friedman"), seed=0)
    assert data.y_scaler is not None
    assert float(data.y_train.mean()) == pytest.approx(0.0, abs=1e-5)
    assert float(data.y_train.std()) == pytest.approx(1.0, abs=1e-4)


def test_the_sealed_test_set_opens_once_and_records_it() -> None:
    sealed = SealedTestSet(np.zeros((3, 2)), np.zeros(3))
    assert sealed.accesses == []
    assert len(sealed) == 3
    sealed.open("test")
    assert sealed.accesses == ["test"]
    with pytest.raises(RuntimeError, match="already opened for 'test'"):
        sealed.open("peek")
    assert sealed.accesses == ["test"]


@pytest.mark.parametrize(("argument", "value"), [("val_fraction", 0.0), ("test_fraction", 1.0)])
def test_split_fractions_are_checked(argument: str, value: float) -> None:
    with pytest.raises(ValueError, match=rf"{argument} must be a finite number in \(0, 1\)"):
        prepare_data(define_problem("wine"), **{argument: value})  # type: ignore[arg-type]


# Steps 3-5 -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["breast-cancer", "wine", "friedman"])
def test_the_output_layer_is_linear(name: str) -> None:
    model = choose_architecture(define_problem(name), hidden=(8, 8))
    assert isinstance(model[-1], nn.Linear)
    assert sum(isinstance(m, nn.ReLU) for m in model) == 2  # one per hidden layer, none after


def test_regression_head_output_is_unbounded() -> None:
    """A linear head reaches any real value: far-out inputs give large outputs of both signs."""
    torch.manual_seed(0)
    model = choose_architecture(define_problem("friedman"), hidden=(16,))
    directions = torch.randn(200, 5)
    with torch.no_grad():
        near, far = model(directions), model(1000.0 * directions)
    assert far.min() < -100.0
    assert far.max() > 100.0
    assert (far.abs().max() > 100 * near.abs().max()).item()


def test_optimizers_by_name_and_bad_settings() -> None:
    model = nn.Linear(3, 1)
    for name, cls in [("sgd", torch.optim.SGD), ("adam", torch.optim.Adam),
                      ("adamw", torch.optim.AdamW), ("rmsprop", torch.optim.RMSprop)]:  # fmt: skip
        assert isinstance(choose_optimizer(model, name, lr=0.01), cls)
    with pytest.raises(ValueError, match=r"name must be one of .* got 'lbfgs'"):
        choose_optimizer(model, "lbfgs")
    with pytest.raises(ValueError, match=r"lr must be a finite number > 0, got -0\.1"):
        choose_optimizer(model, "sgd", lr=-0.1)
    with pytest.raises(ValueError, match="weight_decay must be a finite number >= 0"):
        choose_optimizer(model, "sgd", weight_decay=float("nan"))


def test_build_mlp_refuses_bad_widths() -> None:
    with pytest.raises(ValueError, match=r"hidden\[1\] must be a positive integer, got 0"):
        build_mlp(4, [8, 0], 1)
    with pytest.raises(ValueError, match="n_outputs must be a positive integer"):
        build_mlp(4, [8], 0)


# Step 6 ----------------------------------------------------------------------------------


def _fresh(
    problem: Problem, lr: float = 0.03
) -> tuple[nn.Sequential, nn.Module, torch.optim.Optimizer]:
    torch.manual_seed(0)
    model = choose_architecture(problem, hidden=(16,))
    return model, choose_loss(problem), choose_optimizer(model, "adam", lr)


def test_early_stopping_keeps_the_best_epoch_and_stops_after_patience() -> None:
    assert early_stopping([3.0, 2.0, 1.0], patience=1) == (3, None)  # never triggers
    assert early_stopping([1.0, 2.0, 3.0, 0.5], patience=2) == (1, 3)
    assert early_stopping([1.0, 1.0, 1.0], patience=5) == (1, None)  # ties do not improve


@pytest.mark.parametrize(
    ("patience", "error"), [(0, ValueError), (-1, ValueError), (1.5, TypeError), (True, TypeError)]
)
def test_early_stopping_refuses_a_bad_patience(patience: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="patience must be"):
        early_stopping([1.0], patience=patience)  # type: ignore[arg-type]


@pytest.mark.parametrize("history", [[np.nan, 0.5, 0.4], [0.9, np.inf, 0.4]])
def test_early_stopping_never_keeps_a_non_finite_loss(history: list[float]) -> None:
    with pytest.raises(ValueError, match="val_loss must contain only finite numbers"):
        early_stopping(history, patience=2)


def test_early_stopping_refuses_an_empty_history() -> None:
    with pytest.raises(ValueError, match="val_loss"):
        early_stopping([], patience=1)


def test_early_stopping_stops_and_restores_the_best_weights() -> None:
    problem = define_problem("wine")
    data = prepare_data(problem, seed=0)
    model, loss_fn, optimizer = _fresh(problem, lr=0.1)
    report = train(model, problem, data, loss_fn, optimizer, max_epochs=200, patience=3)
    assert report.stopped_early
    assert len(report.val_loss) - report.best_epoch == 3
    assert report.best_val_loss == min(report.val_loss)
    val_loss, _ = workflow._validate(model, problem, data, loss_fn, torch.device("cpu"))
    assert val_loss == pytest.approx(report.best_val_loss, rel=1e-6)  # the best, not the last
    assert data.test.accesses == []


def test_training_with_a_seed_is_reproducible() -> None:
    problem = define_problem("breast-cancer")
    data = prepare_data(problem, seed=0)
    reports = []
    for _ in range(2):
        model, loss_fn, optimizer = _fresh(problem)
        reports.append(train(model, problem, data, loss_fn, optimizer, max_epochs=3, seed=1))
    assert reports[0] == reports[1]


# Step 7 ----------------------------------------------------------------------------------


def test_tuning_picks_the_lowest_validation_loss_and_never_opens_the_test_set() -> None:
    problem = define_problem("wine")
    data = prepare_data(problem, seed=0)
    report = tune(problem, data, lrs=(1e-3, 3e-2), hiddens=((4,), (16,)), max_epochs=5)
    assert len(report.trials) == 4
    assert report.best.val_loss == min(t.val_loss for t in report.trials)
    assert data.test.accesses == []
    with pytest.raises(ValueError, match="lrs must hold at least one value"):
        tune(problem, data, lrs=())


# Steps 8-9, end to end -------------------------------------------------------------------


def test_all_nine_steps_run_in_order_and_the_test_set_is_opened_once_at_step_8(
    classification: WorkflowResult,
) -> None:
    assert classification.steps == STEPS
    assert classification.test_accesses == ("test",)


def test_classification_beats_the_majority_baseline(classification: WorkflowResult) -> None:
    report = classification.report
    assert report.metric == "accuracy"
    assert report.n == 114
    assert report.value >= 0.9 > report.baseline


def test_regression_beats_the_mean_baseline_and_approaches_the_noise(
    regression: WorkflowResult,
) -> None:
    report = regression.report
    assert report.metric == "rmse"
    assert report.noise_std == workflow.FRIEDMAN_NOISE
    assert report.value < 0.4 * report.baseline
    assert report.value < 2.0 * report.noise_std


def test_result_serialises_to_json(classification: WorkflowResult) -> None:
    data = json.loads(json.dumps(classification.to_dict()))
    assert data["steps"] == list(STEPS)
    assert data["test_accesses"] == ["test"]
    assert data["saved_to"] == str(classification.deployed.directory)  # type: ignore[union-attr]


def test_run_workflow_checks_its_arguments() -> None:
    with pytest.raises(ValueError, match="epochs must be a positive integer, got 0"):
        run_workflow("wine", epochs=0)
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        run_workflow("wine", device="tpu")


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device on this machine")
def test_cuda_agrees_with_cpu(regression: WorkflowResult) -> None:
    """The same workflow on CUDA: test RMSE within 10% of the CPU run (rounding differs)."""
    cuda = run_workflow("friedman", epochs=20, device="cuda")
    assert cuda.device.startswith("cuda")
    assert cuda.test_accesses == ("test",)
    assert cuda.report.value == pytest.approx(regression.report.value, rel=0.10)
