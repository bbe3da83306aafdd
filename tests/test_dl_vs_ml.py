"""snippets.dl_vs_ml: a sane, reproducible, honestly sized comparison that refuses bad input."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from snippets.dl_vs_ml import (
    DATASETS,
    MODELS,
    Result,
    TorchMLPClassifier,
    compare,
    fit_and_score,
    format_results,
    load_dataset,
    make_model,
    model_size,
    single_threaded,
    size_sweep,
    summarize,
)

EXPECTED_SHAPES = {  # (examples, features, classes), from scikit-learn's documentation
    "iris": (150, 4, 3),
    "wine": (178, 13, 3),
    "breast_cancer": (569, 30, 2),
    "digits": (1797, 64, 10),
    "moons": (400, 2, 2),
    "circles": (400, 2, 2),
}


@pytest.fixture(scope="module")
def results() -> dict[tuple[str, str], Result]:
    """Every model on every dataset, once for the whole module (but gradient boosting, the
    slowest to train, not on digits, where it grows 10 trees per stage)."""
    small = [d for d in DATASETS if d != "digits"]
    both = compare(small, ["gradient_boosting"]) + compare(
        tuple(DATASETS), ["logistic_regression", "random_forest", "mlp"]
    )
    return {(r.dataset, r.model): r for r in both}


def majority_rate(dataset: str) -> float:
    _, y = load_dataset(dataset)
    return float(np.bincount(y).max() / len(y))


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_datasets_load_offline_with_their_documented_shapes(name: str) -> None:
    X, y = load_dataset(name)
    n, d, k = EXPECTED_SHAPES[name]
    assert X.shape == (n, d)
    assert y.shape == (n,)
    assert sorted(set(y.tolist())) == list(range(k))
    assert np.isfinite(X).all()


def test_generated_datasets_follow_the_seed() -> None:
    np.testing.assert_array_equal(load_dataset("moons", 3)[0], load_dataset("moons", 3)[0])
    assert not np.array_equal(load_dataset("moons", 3)[0], load_dataset("moons", 4)[0])


def test_results_cover_every_pair_with_consistent_sizes(
    results: dict[tuple[str, str], Result],
) -> None:
    assert set(results) == {(d, m) for d in DATASETS for m in MODELS} - {
        ("digits", "gradient_boosting")
    }
    for (dataset, _), r in results.items():
        assert r.n_train + r.n_test == EXPECTED_SHAPES[dataset][0]
        assert r.n_test == pytest.approx(0.25 * EXPECTED_SHAPES[dataset][0], abs=1)
        assert r.train_seconds > 0
        assert r.size > 0


@pytest.mark.parametrize("dataset", ["iris", "wine", "breast_cancer", "digits"])
def test_every_model_beats_chance_by_a_margin_on_real_data(
    results: dict[tuple[str, str], Result], dataset: str
) -> None:
    chance = majority_rate(dataset)
    for model in MODELS:
        if (dataset, model) not in results:
            continue
        accuracy = results[(dataset, model)].accuracy
        assert accuracy > chance + 0.3 or accuracy > 0.9, (model, accuracy, chance)


def test_a_linear_model_fails_on_circles_where_trees_and_the_mlp_succeed(
    results: dict[tuple[str, str], Result],
) -> None:
    # No straight line separates a circle from the ring around it.
    assert results[("circles", "logistic_regression")].accuracy < majority_rate("circles") + 0.15
    for model in ("random_forest", "gradient_boosting", "mlp"):
        assert results[("circles", model)].accuracy > 0.9


def test_the_mlp_learns_digits_well(results: dict[tuple[str, str], Result]) -> None:
    assert results[("digits", "mlp")].accuracy > 0.93


def test_sizes_match_their_formulas(results: dict[tuple[str, str], Result]) -> None:
    for dataset, (_, d, k) in EXPECTED_SHAPES.items():
        outputs = 1 if k == 2 else k  # binary logistic regression has one weight vector
        lr = results[(dataset, "logistic_regression")]
        assert (lr.size, lr.size_unit) == (outputs * (d + 1), "parameters")
        mlp = results[(dataset, "mlp")]
        h1, h2 = 32, 32  # TorchMLPClassifier's default hidden layers
        assert (mlp.size, mlp.size_unit) == (
            (d * h1 + h1) + (h1 * h2 + h2) + (h2 * k + k),
            "parameters",
        )
        assert results[(dataset, "random_forest")].size_unit == "tree nodes"


def test_forest_nodes_are_splits_plus_leaves() -> None:
    X, y = load_dataset("wine")
    forest = make_model("random_forest").fit(X, y)
    leaves = sum(tree.get_n_leaves() for tree in forest.estimators_)
    # Every split has two children, so a binary tree with L leaves has L - 1 splits.
    assert model_size(forest) == (
        sum(2 * tree.get_n_leaves() - 1 for tree in forest.estimators_),
        "tree nodes",
    )
    assert model_size(forest)[0] == 2 * leaves - len(forest.estimators_)


def test_mlp_parameter_count_is_torchs() -> None:
    X, y = load_dataset("iris")
    model = TorchMLPClassifier(hidden=(5,), steps=3).fit(X, y)
    assert model.net is not None
    assert (
        model.n_parameters
        == sum(p.numel() for p in model.net.parameters())
        == 4 * 5 + 5 + 5 * 3 + 3
    )


def test_same_seed_same_results_except_time() -> None:
    def strip(rs: list[Result]) -> list[tuple[str, str, float, int]]:
        return [(r.dataset, r.model, r.accuracy, r.size) for r in rs]

    first = compare(["wine"], ["random_forest", "mlp"], seed=5)
    assert strip(first) == strip(compare(["wine"], ["random_forest", "mlp"], seed=5))


def test_mlp_is_reproducible_and_leaves_the_global_rng_alone() -> None:
    X, y = load_dataset("moons")
    torch.manual_seed(123)
    expected_next = torch.rand(3)
    torch.manual_seed(123)
    a = TorchMLPClassifier(steps=20, seed=1).fit(X, y)
    torch.testing.assert_close(torch.rand(3), expected_next)  # fit did not draw from it
    b = TorchMLPClassifier(steps=20, seed=1).fit(X, y)
    c = TorchMLPClassifier(steps=20, seed=2).fit(X, y)
    assert a.net is not None
    assert b.net is not None
    assert c.net is not None
    for pa, pb in zip(a.net.parameters(), b.net.parameters(), strict=True):
        torch.testing.assert_close(pa, pb, rtol=0, atol=0)
    assert not all(
        torch.equal(pa, pc) for pa, pc in zip(a.net.parameters(), c.net.parameters(), strict=True)
    )


def test_single_threaded_restores_the_thread_count() -> None:
    before = torch.get_num_threads()
    with single_threaded():
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


def test_fit_and_score_on_training_data_is_a_training_accuracy() -> None:
    X, y = load_dataset("iris")
    accuracy, seconds, model = fit_and_score("logistic_regression", 0, X, y, X, y)
    assert accuracy == pytest.approx(float(np.mean(model.predict(X) == y)))
    assert seconds > 0


def test_size_sweep_shape_and_trend() -> None:
    sizes = (30, 200, 1000)
    sweep = size_sweep("digits", sizes=sizes, repeats=1)
    assert sweep.sizes == list(sizes)
    assert sweep.n_test == 450
    assert (
        set(sweep.accuracy)
        == set(sweep.accuracy_std)
        == {"logistic_regression", "random_forest", "mlp"}
    )
    for model, accuracies in sweep.accuracy.items():
        assert len(accuracies) == len(sizes)
        assert all(0.0 <= a <= 1.0 for a in accuracies)
        assert sweep.accuracy_std[model] == [0.0] * len(sizes)  # one draw: no spread
        assert accuracies[-1] > accuracies[0] + 0.1, (model, accuracies)  # more data helps


def test_size_sweep_repeats_average_different_draws() -> None:
    sweep = size_sweep("iris", sizes=(6, 30), models=("random_forest",), repeats=3)
    assert len(sweep.accuracy["random_forest"]) == 2
    assert sweep.repeats == 3
    assert all(s >= 0 for s in sweep.accuracy_std["random_forest"])


def test_size_sweep_accepts_the_whole_training_split() -> None:
    sweep = size_sweep("iris", sizes=(112,), models=("logistic_regression",))
    assert sweep.sizes == [112]


def test_format_results_lists_every_row() -> None:
    rows = [
        Result("wine", "mlp", 0.5, 0.25, 10, "parameters", 3, 1),
        Result("iris", "random_forest", 1.0, 0.001, 7, "tree nodes", 3, 1),
    ]
    lines = format_results(rows).splitlines()
    assert len(lines) == 2 + len(rows)
    assert lines[0].split()[:2] == ["dataset", "model"]
    assert lines[2].split() == ["wine", "mlp", "0.500", "250.0", "ms", "10", "parameters"]
    assert "7 tree nodes" in lines[3]


def test_summarize_names_winners_spread_and_time_ratio() -> None:
    rows = [
        Result("wine", "mlp", 0.9, 0.4, 10, "parameters", 130, 50),
        Result("wine", "random_forest", 0.9, 0.1, 7, "tree nodes", 130, 50),
        Result("wine", "logistic_regression", 0.8, 0.2, 3, "parameters", 130, 50),
        Result("iris", "mlp", 1.0, 0.3, 10, "parameters", 110, 40),
    ]
    lines = summarize(rows).splitlines()
    assert lines[0] == "wine: best 0.900 by mlp, random_forest"
    assert lines[1] == "  best - worst = 5 test example(s)"  # 0.1 of 50 test examples
    assert lines[2] == "  training: mlp took 4x as long as random_forest"
    assert lines[3] == "iris: best 1.000 by mlp"
    assert len(lines) == 6


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: load_dataset("mnist"), ValueError, "name must be one of .* got 'mnist'"),
        (lambda: load_dataset("iris", seed=-1), ValueError, r"seed must be an integer in \[0, "),
        (lambda: make_model("svm"), ValueError, "name must be one of .* got 'svm'"),
        (lambda: compare(["iris", "imagenet"]), ValueError, r"datasets\[1\] .* got 'imagenet'"),
        (
            lambda: compare(["iris"], ["mlp", "xgboost"]),
            ValueError,
            r"models\[1\] must be one of .* got 'xgboost'",
        ),
        (lambda: compare([]), TypeError, "datasets must be a non-empty list"),
        (
            lambda: compare("iris"),
            TypeError,
            "datasets must be a list of strings, not one string: got 'iris'",
        ),
        (
            lambda: compare(["iris"], test_size=1.5),
            ValueError,
            r"test_size must be a finite number in \(0, 1\), got 1.5",
        ),
        (lambda: compare(["iris"], seed=1.5), TypeError, "seed must be an integer, got 1.5"),  # type: ignore[arg-type]
        (lambda: size_sweep("iris", sizes=(2,)), ValueError, "sizes must be integers from 3"),
        (lambda: size_sweep("iris", sizes=(111,)), ValueError, "to 109, or 112"),
        (lambda: size_sweep("iris", sizes=()), ValueError, "sizes must be"),
        (lambda: size_sweep("iris", repeats=0), ValueError, "repeats must be a positive integer"),
        (lambda: size_sweep("cifar"), ValueError, "dataset must be one of"),
        (lambda: size_sweep("iris", models=("knn",)), ValueError, r"models\[0\] must be one of"),
        (
            lambda: TorchMLPClassifier(steps=0),
            ValueError,
            "steps must be a positive integer, got 0",
        ),
        (lambda: TorchMLPClassifier(batch_size=-4), ValueError, "batch_size must be a positive"),
        (
            lambda: TorchMLPClassifier(learning_rate=0.0),
            ValueError,
            "learning_rate must be a finite number > 0",
        ),
        (lambda: TorchMLPClassifier(learning_rate=float("nan")), ValueError, "learning_rate"),
        (lambda: TorchMLPClassifier(weight_decay=-1.0), ValueError, "weight_decay must be"),
        (lambda: TorchMLPClassifier().predict(np.zeros((1, 4))), RuntimeError, "call fit"),
        (lambda: TorchMLPClassifier().n_parameters, RuntimeError, "only after fit"),
        (
            lambda: (
                TorchMLPClassifier(steps=1).fit(*load_dataset("iris")).predict(np.zeros((2, 3)))
            ),
            ValueError,
            "X must have shape \\(n, 4\\), got shape \\(2, 3\\)",
        ),
        (
            lambda: TorchMLPClassifier().fit(np.zeros((3, 2)), np.zeros(4, dtype=int)),
            ValueError,
            "X must have shape",
        ),
        (
            lambda: TorchMLPClassifier().fit(np.full((2, 2), np.nan), np.array([0, 1])),
            ValueError,
            "finite",
        ),
        (
            lambda: TorchMLPClassifier().fit(np.zeros((2, 2)), np.array([0.5, 1.0])),
            ValueError,
            "integer class labels",
        ),
        (lambda: model_size(object()), TypeError, "made by make_model, got object"),  # type: ignore[arg-type]
    ],
)
def test_bad_arguments_are_named(call: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()  # type: ignore[operator]
