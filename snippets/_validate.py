"""The package's boundary: every check of a public function's arguments, in one place.

Each check returns the value converted (a float64 array, a float, an int, ...) or raises a
`TypeError` (wrong kind of value) or `ValueError` (right kind, wrong value) whose message
names the argument, the value received and what was expected, before any work starts.

Conventions, the same for every function of the package:

* a number is an ``int``, a ``float`` or a NumPy integer or floating scalar
  (``np.int64(3)``, ``np.float32(1e-6)``); ``bool`` is not a number, nor is ``complex``;
* an array of numbers holds integers or floats: complex, bool, string and object arrays
  are refused rather than converted (NumPy would drop an imaginary part with a warning);
* an integer too large for a float (``10**400``) is refused with a clear message.

    >>> number("lr", np.float32(0.5), low=0, low_open=True)
    0.5
    >>> number("lr", True)
    Traceback (most recent call last):
    ...
    TypeError: lr must be a real number, got True (bool)
"""

from __future__ import annotations

import math
import os
import reprlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeGuard

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

MAX_WIDTH = 2**31 - 1
"""The largest layer size accepted for a torch model (torch cannot even allocate far less)."""
SEED_MAX = 2**32 - 1
"""The largest seed NumPy's legacy generator and scikit-learn's ``random_state`` accept."""

_REAL_KINDS = "iuf"  # signed and unsigned integers, floats
_short = reprlib.Repr()
_short.maxstring = _short.maxother = 60
_short.maxlist = _short.maxtuple = 6


def _show(value: object) -> str:
    """A short repr of ``value`` with its type: ``'a' (str)``, ``[1, 2] (list)``."""
    if isinstance(value, np.ndarray):
        return f"an array of dtype {value.dtype} and shape {value.shape}"
    if isinstance(value, int) and abs(value) > 10**30:
        return f"an integer of {len(str(abs(value)))} digits"
    return f"{_short.repr(value)} ({type(value).__name__})"


def _values(value: object) -> str:
    """A one-line glimpse of array-like ``value``: its repr, or an array's dtype and shape."""
    if isinstance(value, np.ndarray):
        return f"an array of dtype {value.dtype} and shape {value.shape}"
    return _short.repr(value)


def _is_number(value: object) -> TypeGuard[int | float | np.integer[Any] | np.floating[Any]]:
    real = (int, float, np.integer, np.floating)
    return isinstance(value, real) and not isinstance(value, (bool, np.bool_))


def _interval(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    """``> 0``, ``>= 0``, ``<= 1`` or ``in [0, 1)``: the bounds as a reader writes them."""
    if high is None:
        return f"{'>' if low_open else '>='} {low:g}"
    if low is None:
        return f"{'<' if high_open else '<='} {high:g}"
    return f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"


def number(
    name: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """A finite real number in the interval from ``low`` to ``high``, as a float.

    Each end is closed unless ``low_open`` / ``high_open``; ``None`` means unbounded.

    Example:
        >>> number("momentum", 0.9, low=0, high=1, high_open=True)
        0.9
        >>> number("momentum", 1, low=0, high=1, high_open=True)
        Traceback (most recent call last):
        ...
        ValueError: momentum must be a finite number in [0, 1), got 1
        >>> number("lr", 10**400)
        Traceback (most recent call last):
        ...
        ValueError: lr must be a finite number, got an integer too large for a float (401 digits)
    """
    if not _is_number(value):
        raise TypeError(f"{name} must be a real number, got {_show(value)}")
    bounded = low is not None or high is not None
    where = f" {_interval(low, high, low_open, high_open)}" if bounded else ""
    try:
        result = float(value)
    except OverflowError:
        digits = len(str(abs(int(value))))
        raise ValueError(
            f"{name} must be a finite number{where}, got an integer too large for a float "
            f"({digits} digits)"
        ) from None
    too_low = low is not None and (result <= low if low_open else result < low)
    too_high = high is not None and (result >= high if high_open else result > high)
    if not math.isfinite(result) or too_low or too_high:
        raise ValueError(f"{name} must be a finite number{where}, got {value!r}")
    return result


def integer(name: str, value: object, *, low: int | None = None, high: int | None = None) -> int:
    """An integer (Python or NumPy, not bool) in ``[low, high]``, as an int.

    Example:
        >>> integer("epochs", np.int64(3), low=1)
        3
        >>> integer("epochs", 3.0, low=1)
        Traceback (most recent call last):
        ...
        TypeError: epochs must be an integer, got 3.0 (float)
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {_show(value)}")
    result = int(value)
    if low is not None and result < low:  # the bound a student crossed, in their words
        if low == 1:
            expected = "a positive integer"
        elif high is None:
            expected = "a non-negative integer" if low == 0 else f"an integer >= {low}"
        else:
            expected = f"an integer in [{low}, {high}]"
        raise ValueError(f"{name} must be {expected}, got {_show(result).removesuffix(' (int)')}")
    if high is not None and result > high:
        expected = f"an integer <= {high}" if low is None else f"an integer in [{low}, {high}]"
        raise ValueError(f"{name} must be {expected}, got {_show(result).removesuffix(' (int)')}")
    return result


def positive_int(name: str, value: object) -> int:
    """An integer >= 1: a size, a count of epochs or steps.

    Example:
        >>> positive_int("hidden", 0)
        Traceback (most recent call last):
        ...
        ValueError: hidden must be a positive integer, got 0
    """
    return integer(name, value, low=1)


def widths(**values: object) -> tuple[int, ...]:
    """Sizes of a torch model's layers: like `positive_ints`, and at most `MAX_WIDTH`.

    Example:
        >>> widths(hidden=10**19)
        Traceback (most recent call last):
        ...
        ValueError: hidden must be an integer in [1, 2147483647], got 10000000000000000000
    """
    return tuple(integer(name, value, low=1, high=MAX_WIDTH) for name, value in values.items())


def positive_ints(**values: object) -> tuple[int, ...]:
    """Several sizes at once, each named by its keyword, returned as ints in that order.

    Example:
        >>> positive_ints(n_inputs=np.int64(64), hidden=32)
        (64, 32)
        >>> positive_ints(n_inputs=64, hidden=-1)
        Traceback (most recent call last):
        ...
        ValueError: hidden must be a positive integer, got -1
    """
    return tuple(positive_int(name, value) for name, value in values.items())


def fractions(**values: object) -> None:
    """Check several fractions at once, each strictly between 0 and 1.

    Example:
        >>> fractions(test_fraction=0.2, val_fraction=1.0)
        Traceback (most recent call last):
        ...
        ValueError: val_fraction must be a finite number in (0, 1), got 1.0
    """
    for name, value in values.items():
        number(name, value, low=0, high=1, low_open=True, high_open=True)


def non_empty(**values: Sequence[Any]) -> None:
    """Check that each keyword's sequence holds at least one item.

    Example:
        >>> non_empty(lrs=[0.1], hiddens=[])
        Traceback (most recent call last):
        ...
        ValueError: hiddens must hold at least one value, got []
    """
    for name, value in values.items():
        if len(value) == 0:
            raise ValueError(f"{name} must hold at least one value, got {value!r}")


def instance(name: str, value: object, kind: type | tuple[type, ...], made_by: str = "") -> None:
    """Check that ``value`` is a ``kind``; ``made_by`` says where one comes from.

    Example:
        >>> instance("problem", "wine", dict, " from define_problem()")
        Traceback (most recent call last):
        ...
        TypeError: problem must be a dict from define_problem(), got 'wine' (str)
    """
    if not isinstance(value, kind):
        kinds = kind if isinstance(kind, tuple) else (kind,)
        names = " or ".join(k.__name__ for k in kinds)
        raise TypeError(f"{name} must be a {names}{made_by}, got {_show(value)}")


def tensors(**values: object) -> None:
    """Check that each keyword's value is a ``torch.Tensor``.

    Example:
        >>> tensors(mu=[0.0])
        Traceback (most recent call last):
        ...
        TypeError: mu must be a torch.Tensor, got [0.0] (list)
    """
    import torch  # here, so that the NumPy modules do not pay for importing torch

    for name, value in values.items():
        if not isinstance(value, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {_show(value)}")


def token_ids(name: str, tokens: object, vocab_size: int, max_len: int) -> None:
    """A (batch, length) tensor of integer token ids in ``[0, vocab_size)``, length <= max_len.

    Example:
        >>> import torch
        >>> token_ids("tokens", torch.tensor([[1, 20]]), vocab_size=20, max_len=32)
        Traceback (most recent call last):
        ...
        ValueError: tokens must hold token ids in [0, 19] (vocab_size 20), got 20
    """
    import torch

    tensors(**{name: tokens})
    assert isinstance(tokens, torch.Tensor)
    if tokens.is_floating_point() or tokens.is_complex() or tokens.dtype == torch.bool:
        raise TypeError(f"{name} must hold integer token ids, got dtype {tokens.dtype}")
    if tokens.ndim != 2 or tokens.shape[1] > max_len:
        raise ValueError(
            f"{name} must have shape (batch, length) with length <= {max_len}, "
            f"got {tuple(tokens.shape)}"
        )
    bad = (tokens < 0) | (tokens >= vocab_size)
    if bool(bad.any()):
        raise ValueError(
            f"{name} must hold token ids in [0, {vocab_size - 1}] (vocab_size {vocab_size}), "
            f"got {int(tokens[bad][0])}"
        )


def seed(value: object, name: str = "seed") -> int:
    """A seed NumPy and scikit-learn accept: an integer in ``[0, 2**32 - 1]``.

    Example:
        >>> seed(2**32)
        Traceback (most recent call last):
        ...
        ValueError: seed must be an integer in [0, 4294967295], got 4294967296
    """
    return integer(name, value, low=0, high=SEED_MAX)


def flag(name: str, value: object) -> bool:
    """``True`` or ``False`` (also NumPy's), not 0 or 1.

    Example:
        >>> flag("bias", 1)
        Traceback (most recent call last):
        ...
        TypeError: bias must be True or False, got 1
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def choice(name: str, value: object, options: Iterable[str], hint: str = "") -> str:
    """One of the names ``options``; the message lists them.

    Example:
        >>> choice("loss", "mse2", ["mse", "cross_entropy"])
        Traceback (most recent call last):
        ...
        ValueError: loss must be one of ['cross_entropy', 'mse'], got 'mse2'
        >>> choice("name", ["sgd"], ["sgd"])
        Traceback (most recent call last):
        ...
        TypeError: name must be a string, one of ['sgd'], got ['sgd'] (list)
    """
    names = sorted(options)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {names}, got {_show(value)}")
    if value not in names:
        raise ValueError(f"{name} must be one of {names}, got {value!r}{hint}")
    return value


def strings(name: str, value: object, options: Iterable[str] | None = None) -> list[str]:
    """A non-empty sequence of strings (not one string, whose letters would be taken apart).

    Example:
        >>> strings("sections", "The update")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        TypeError: sections must be a list of strings, not one string: got 'The update'; ...
    """
    if isinstance(value, str):
        raise TypeError(
            f"{name} must be a list of strings, not one string: got {value!r}; write [{value!r}]"
        )
    if not isinstance(value, Sequence) or len(value) == 0:
        raise TypeError(f"{name} must be a non-empty list of strings, got {_show(value)}")
    known = None if options is None else list(options)
    for i, item in enumerate(value):
        if known is None and not isinstance(item, str):
            raise TypeError(f"{name}[{i}] must be a string, got {_show(item)}")
        if known is not None:
            choice(f"{name}[{i}]", item, known)
    return list(value)


def array(
    name: str,
    value: ArrayLike,
    *,
    ndim: int | None = None,
    min_ndim: int = 0,
    non_empty: bool = False,
    finite: bool = True,
    copy: bool = False,
) -> FloatArray:
    """A float64 array of real numbers (ints or floats: not complex, bool, text or objects).

    Args:
        name: the argument's name, for the message.
        value: anything NumPy turns into an array: a number, a list, an array.
        ndim: the number of dimensions required, or ``None`` for any.
        min_ndim: the least number of dimensions.
        non_empty: refuse an array with no elements.
        finite: refuse nan and inf (the message gives the first index).
        copy: return a copy even when ``value`` is already a float64 array.

    Example:
        >>> array("x", [1, 2.5])
        array([1. , 2.5])
        >>> array("x", [1 + 2j])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        TypeError: x must hold real numbers, got complex values ([(1+2j)]); pass x.real ...
        >>> array("x", [1.0, float("nan")])
        Traceback (most recent call last):
        ...
        ValueError: x must contain only finite numbers, got nan at index (1,)
    """
    try:
        raw = np.asarray(value)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers: {error}") from None
    kind = raw.dtype.kind
    if kind == "c":
        raise TypeError(
            f"{name} must hold real numbers, got complex values ({_values(value)}); "
            f"pass {name}.real if you mean the real part"
        )
    if kind == "b":
        raise TypeError(f"{name} must hold numbers, got booleans ({_values(value)})")
    if kind == "O" and raw.size and all(_is_number(v) for v in raw.flat):
        big = [v for v in raw.flat if isinstance(v, int) and abs(v) > 2**1023]
        if big:
            raise ValueError(
                f"{name} must hold finite numbers, got an integer too large for a float "
                f"({len(str(abs(big[0])))} digits)"
            )
        raw = raw.astype(np.float64)
    elif kind not in _REAL_KINDS:
        raise TypeError(f"{name} must be an array of real numbers, got {_show(value)}")
    result = (
        np.array(raw, dtype=np.float64, copy=True) if copy else raw.astype(np.float64, copy=False)
    )
    if ndim is not None and result.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array, got shape {result.shape}")
    if result.ndim < min_ndim:
        raise ValueError(
            f"{name} must have at least {min_ndim} dimension(s), got shape {result.shape}"
        )
    if non_empty and result.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {result.shape}")
    if finite and not np.all(np.isfinite(result)):
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(result))[0])
        raise ValueError(
            f"{name} must contain only finite numbers, got {result[where]} at index {where}"
        )
    return result


def same_shape(
    first: str, a: ArrayLike, second: str, b: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Two non-empty finite arrays of the same shape (no silent broadcasting).

    Example:
        >>> same_shape("pred", [1.0, 2.0], "target", [[1.0], [2.0]])
        Traceback (most recent call last):
        ...
        ValueError: pred and target must have the same shape, got (2,) and (2, 1)
    """
    a_arr = array(first, a, non_empty=True)
    b_arr = array(second, b, non_empty=True)
    if a_arr.shape != b_arr.shape:
        raise ValueError(
            f"{first} and {second} must have the same shape, got {a_arr.shape} and {b_arr.shape}"
        )
    return a_arr, b_arr


def labels(
    name: str, value: ArrayLike, n_classes: int, length: int | None = None
) -> NDArray[np.intp]:
    """Integer class labels in ``[0, n_classes)``, a 1-D array (of ``length`` entries if given).

    Example:
        >>> labels("labels", [0, 3], n_classes=3)
        Traceback (most recent call last):
        ...
        ValueError: labels must lie in [0, 2] (3 classes), got 3
    """
    y = np.asarray(value)
    if y.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integer class indices, got dtype {y.dtype}")
    expected = (length,) if length is not None else (y.size,)
    if y.ndim != 1 or y.shape != expected:
        raise ValueError(f"{name} must have shape {expected}, got {y.shape}")
    bad = (y < 0) | (y >= n_classes)
    if np.any(bad):
        raise ValueError(
            f"{name} must lie in [0, {n_classes - 1}] ({n_classes} classes), got {y[bad][0]}"
        )
    return y.astype(np.intp)


def unit_interval(name: str, values: FloatArray) -> FloatArray:
    """``values`` unchanged if every entry lies in [0, 1] (probabilities).

    Example:
        >>> unit_interval("prob", np.array([0.5, 1.5]))
        Traceback (most recent call last):
        ...
        ValueError: prob must lie in [0, 1] (probabilities), got 1.5
    """
    bad = (values < 0) | (values > 1)
    if np.any(bad):
        raise ValueError(f"{name} must lie in [0, 1] (probabilities), got {values[bad][0]}")
    return values


def distinct_arrays(name: str, arrays: Sequence[NDArray[Any]]) -> None:
    """Refuse two entries of ``arrays`` that share memory (one would be updated twice).

    Example:
        >>> w = np.zeros(3)
        >>> distinct_arrays("params", [w, w])
        Traceback (most recent call last):
        ...
        ValueError: params[0] and params[1] share memory: each array must appear once
    """
    for j, b in enumerate(arrays):
        for i in range(j):
            if np.shares_memory(arrays[i], b):
                raise ValueError(
                    f"{name}[{i}] and {name}[{j}] share memory: each array must appear once"
                )


def sizes(name: str, values: object, minimum_length: int = 1, high: int | None = None) -> list[int]:
    """A sequence of at least ``minimum_length`` positive integers (layer widths).

    Example:
        >>> sizes("layer_sizes", 5, minimum_length=2)
        Traceback (most recent call last):
        ...
        TypeError: layer_sizes must be a list of at least 2 positive integers, got 5 (int)
    """
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(
            f"{name} must be a list of at least {minimum_length} positive integers, "
            f"got {_show(values)}"
        )
    if len(values) < minimum_length:
        raise ValueError(
            f"{name} must list at least {minimum_length} positive integers, got {values!r}"
        )
    return [integer(f"{name}[{i}]", v, low=1, high=high) for i, v in enumerate(values)]


def writable_directory(name: str, value: object) -> Path:
    """A folder that exists or can be created, and can be written into; nothing is created.

    Example:
        >>> writable_directory("save_dir", "/dev/null/model")
        Traceback (most recent call last):
        ...
        ValueError: save_dir: cannot write into '/dev/null' (not a directory)
    """
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a path, got {_show(value)}")
    path = Path(value)
    if path.exists() and not path.is_dir():
        raise ValueError(f"{name}: {str(path)!r} exists and is not a directory")
    existing = next(p for p in (path, *path.absolute().parents) if p.exists())
    if not existing.is_dir():
        raise ValueError(f"{name}: cannot write into {str(existing)!r} (not a directory)")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ValueError(f"{name}: cannot write into {str(existing)!r} (permission denied)")
    return path


def diverged(loss: float, epoch: int, lr: float) -> float:
    """``loss`` if it is finite; else raise: training diverged, usually because lr is too large.

    Example:
        >>> diverged(float("nan"), epoch=3, lr=10.0)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: training diverged: the loss is nan in epoch 3; lr=10.0 is probably too ...
    """
    if not math.isfinite(loss):
        raise ValueError(
            f"training diverged: the loss is {loss} in epoch {epoch}; lr={lr!r} is probably "
            "too large, try a smaller one"
        )
    return loss


def finite_loss(loss: float) -> float:
    """``loss`` if finite, else a `ValueError` (inside `diverging`, reported as divergence)."""
    if not math.isfinite(loss):
        raise ValueError(f"the loss is {loss}")
    return loss


@contextmanager
def diverging(lr: object) -> Iterator[None]:
    """Report a nan or inf met inside the block as training that diverged.

    Wrap a training loop whose inputs were checked before it: any non-finite number it
    meets then comes from the training itself, whose parameters have blown up.

    Example:
        >>> with diverging(lr=10.0):  # doctest: +ELLIPSIS
        ...     finite_loss(float("inf"))
        Traceback (most recent call last):
        ...
        ValueError: training diverged (the loss is inf); lr=10.0 is probably too large, ...
    """
    try:
        with np.errstate(over="ignore", invalid="ignore"):  # checked where it matters
            yield
    except (ValueError, FloatingPointError) as error:
        raise ValueError(
            f"training diverged ({error}); lr={lr!r} is probably too large, try a smaller one"
        ) from error
