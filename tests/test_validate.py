"""Tests of snippets/_validate.py, the package's one validation layer."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from snippets import _validate as check


@pytest.mark.parametrize(
    "value", [3, 3.0, np.int64(3), np.int8(3), np.uint16(3), np.float32(3.0), np.float64(3.0)]
)
def test_numpy_scalars_are_numbers(value: object) -> None:
    result = check.number("x", value, low=0, low_open=True)
    assert result == 3.0
    assert type(result) is float


@pytest.mark.parametrize("value", [True, False, np.bool_(True), 1 + 0j, "1", None, [1.0]])
def test_bool_complex_text_and_lists_are_not_numbers(value: object) -> None:
    with pytest.raises(TypeError, match=r"^x must be a real number, got .*\(\w+\)$"):
        check.number("x", value)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 10**400, -(10**400)])
def test_non_finite_and_huge_numbers_are_refused(value: object) -> None:
    with pytest.raises(ValueError, match=r"^x must be a finite number"):
        check.number("x", value)


def test_a_huge_integer_is_described_not_printed() -> None:
    with pytest.raises(ValueError, match=r"too large for a float \(401 digits\)$") as info:
        check.number("lr", 10**400)
    assert len(str(info.value)) < 100


@pytest.mark.parametrize(
    ("kwargs", "inside", "outside"),
    [
        ({"low": 0, "low_open": True}, [1e-300, 5.0], [0.0, -1.0]),
        ({"low": 0}, [0.0, 5.0], [-1e-300]),
        ({"low": 0, "high": 1, "high_open": True}, [0.0, 0.999], [1.0, 1.5]),
        ({"low": 0, "high": 1, "low_open": True}, [1.0, 0.5], [0.0]),
        ({"high": 1}, [-5.0, 1.0], [1.0001]),
    ],
)
def test_interval_ends_are_open_or_closed_as_stated(
    kwargs: dict[str, object], inside: list[float], outside: list[float]
) -> None:
    for value in inside:
        assert check.number("x", value, **kwargs) == value  # type: ignore[arg-type]
    for value in outside:
        with pytest.raises(ValueError, match=rf"got {value!r}$"):
            check.number("x", value, **kwargs)  # type: ignore[arg-type]


def test_interval_messages_read_as_a_student_writes_them() -> None:
    messages = []
    for kwargs in (
        {"low": 0, "low_open": True},
        {"low": 0},
        {"low": 0, "high": 1, "high_open": True},
    ):
        with pytest.raises(ValueError, match=r"got -2\.0") as info:
            check.number("x", -2.0, **kwargs)  # type: ignore[arg-type]
        messages.append(str(info.value))
    assert messages == [
        "x must be a finite number > 0, got -2.0",
        "x must be a finite number >= 0, got -2.0",
        "x must be a finite number in [0, 1), got -2.0",
    ]


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (0, ValueError, "n must be a positive integer, got 0"),
        (2.0, TypeError, "n must be an integer, got 2.0 (float)"),
        (True, TypeError, "n must be an integer, got True (bool)"),
        ("2", TypeError, "n must be an integer, got '2' (str)"),
    ],
)
def test_positive_int(value: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as info:
        check.positive_int("n", value)
    assert str(info.value) == message


def test_seed_range_is_numpys() -> None:
    assert check.seed(np.uint32(2**32 - 1)) == 2**32 - 1
    for bad in (-1, 2**32, 10**400):
        with pytest.raises(ValueError, match=r"seed must be an integer in \[0, 4294967295\]"):
            check.seed(bad)


def test_choice_names_the_options_and_refuses_non_strings() -> None:
    with pytest.raises(ValueError, match=r"^kind must be one of \['a', 'b'\], got 'c'$"):
        check.choice("kind", "c", ["b", "a"])
    with pytest.raises(TypeError, match=r"kind must be a string, one of \['a'\], got \['a'\]"):
        check.choice("kind", ["a"], ["a"])


def test_strings_refuses_one_string_and_names_the_bad_entry() -> None:
    with pytest.raises(TypeError, match=r"not one string: got 'ab'; write \['ab'\]"):
        check.strings("names", "ab")
    with pytest.raises(ValueError, match=r"names\[1\] must be one of"):
        check.strings("names", ["a", "z"], ["a", "b"])
    with pytest.raises(TypeError, match="non-empty list"):
        check.strings("names", [])


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (np.array([1 + 2j]), TypeError, "x must hold real numbers, got complex values"),
        ([1 + 0j], TypeError, "pass x.real if you mean the real part"),
        (np.array([True]), TypeError, "x must hold numbers, got booleans"),
        (["a"], TypeError, "x must be an array of real numbers"),
        (np.array([1, "a"], dtype=object), TypeError, "x must be an array of real numbers"),
        (None, TypeError, "x must be an array of real numbers, got None"),
        ([[1.0], [1.0, 2.0]], ValueError, "x must be a rectangular array of numbers"),
        ([1.0, np.nan], ValueError, r"finite numbers, got nan at index \(1,\)"),
        ([[0.0, 0.0], [0.0, -np.inf]], ValueError, r"got -inf at index \(1, 1\)"),
        ([10**400], ValueError, "integer too large for a float"),
    ],
)
def test_array_refuses_what_numpy_would_convert_wrongly(
    value: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        check.array("x", value)  # type: ignore[arg-type]


def test_array_accepts_every_real_dtype_and_returns_float64() -> None:
    for dtype in (np.int8, np.uint64, np.float16, np.float32, np.float64):
        result = check.array("x", np.ones(3, dtype=dtype))
        assert result.dtype == np.float64
        assert result.tolist() == [1.0, 1.0, 1.0]
    assert check.array("x", [1, 2**70]).tolist() == [1.0, float(2**70)]


def test_array_copies_only_when_asked() -> None:
    a = np.zeros(3)
    assert np.shares_memory(check.array("x", a), a)
    assert not np.shares_memory(check.array("x", a, copy=True), a)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: check.array("x", 1.0, min_ndim=1), r"at least 1 dimension\(s\), got shape \(\)"),
        (lambda: check.array("x", [[1.0]], ndim=1), r"x must be a 1-D array, got shape \(1, 1\)"),
        (lambda: check.array("x", [], non_empty=True), r"x must not be empty, got shape \(0,\)"),
        (lambda: check.same_shape("a", [1.0], "b", [[1.0]]), r"got \(1,\) and \(1, 1\)"),
        (lambda: check.labels("y", [0, 2], n_classes=2), r"y must lie in \[0, 1\]"),
        (lambda: check.labels("y", [0, 1], 2, length=3), r"y must have shape \(3,\)"),
        (lambda: check.unit_interval("p", np.array([0.0, -0.5])), "p must lie in"),
        (lambda: check.sizes("s", [3], minimum_length=2), "s must list at least 2"),
        (lambda: check.non_empty(a=[]), "a must hold at least one value"),
        (lambda: check.diverged(math.inf, 2, 0.5), "training diverged: the loss is inf"),
    ],
)
def test_shape_and_value_checks_name_the_argument(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_labels_must_be_integers() -> None:
    with pytest.raises(TypeError, match="y must be integer class indices, got dtype float64"):
        check.labels("y", [0.0, 1.0], n_classes=2)


def test_distinct_arrays_catches_the_same_array_and_overlapping_views() -> None:
    w = np.zeros(4)
    check.distinct_arrays("params", [w, np.zeros(4)])
    for other in (w, w[1:], w.reshape(2, 2)):
        with pytest.raises(ValueError, match=r"params\[0\] and params\[1\] share memory"):
            check.distinct_arrays("params", [w, other])


def test_diverging_turns_any_value_error_inside_into_a_divergence_report() -> None:
    with (
        pytest.raises(ValueError, match=r"training diverged \(boom\); lr=3\.0") as info,
        check.diverging(lr=3.0),
    ):
        raise ValueError("boom")
    assert isinstance(info.value.__cause__, ValueError)


def test_diverging_lets_other_errors_through() -> None:
    with pytest.raises(KeyError), check.diverging(lr=1.0):
        raise KeyError("not a number problem")
