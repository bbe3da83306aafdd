"""snippets.parameters: every formula equals PyTorch's own count, for many sizes."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any, cast

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.parameters import (
    conv1d_parameters,
    conv2d_parameters,
    count_parameters,
    embedding_parameters,
    gru_parameters,
    linear_parameters,
    lstm_parameters,
    mlp_parameters,
    recurrent_parameters,
    rnn_parameters,
    stack_parameters,
)

sizes = st.integers(min_value=1, max_value=40)
EXAMPLES = settings(max_examples=40)


def torch_count(module: torch.nn.Module) -> int:
    # The oracle, written out here rather than through the module under test.
    return sum(p.numel() for p in module.parameters())


@EXAMPLES
@given(n_in=sizes, n_out=sizes, bias=st.booleans())
def test_linear(n_in: int, n_out: int, bias: bool) -> None:
    assert linear_parameters(n_in, n_out, bias) == torch_count(torch.nn.Linear(n_in, n_out, bias))


@EXAMPLES
@given(layer_sizes=st.lists(sizes, min_size=2, max_size=6), bias=st.booleans())
def test_mlp_equals_a_sequential_of_linears(layer_sizes: list[int], bias: bool) -> None:
    model = torch.nn.Sequential(
        *(torch.nn.Linear(a, b, bias) for a, b in itertools.pairwise(layer_sizes))
    )
    assert mlp_parameters(layer_sizes, bias) == torch_count(model)


@st.composite
def conv_args(draw: st.DrawFn) -> tuple[int, int, int, bool]:
    groups = draw(st.integers(1, 4))
    return (
        groups * draw(st.integers(1, 6)),
        groups * draw(st.integers(1, 6)),
        groups,
        draw(st.booleans()),
    )


@EXAMPLES
@given(args=conv_args(), k=st.integers(1, 7))
def test_conv1d(args: tuple[int, int, int, bool], k: int) -> None:
    c_in, c_out, groups, bias = args
    layer = torch.nn.Conv1d(c_in, c_out, k, groups=groups, bias=bias)
    assert conv1d_parameters(c_in, c_out, k, groups=groups, bias=bias) == torch_count(layer)


@EXAMPLES
@given(args=conv_args(), kh=st.integers(1, 5), kw=st.integers(1, 5))
def test_conv2d(args: tuple[int, int, int, bool], kh: int, kw: int) -> None:
    c_in, c_out, groups, bias = args
    layer = torch.nn.Conv2d(c_in, c_out, (kh, kw), groups=groups, bias=bias)
    assert conv2d_parameters(c_in, c_out, (kh, kw), groups=groups, bias=bias) == torch_count(layer)


def test_conv2d_square_kernel_int_equals_tuple() -> None:
    assert conv2d_parameters(3, 8, 5) == conv2d_parameters(3, 8, (5, 5))


@EXAMPLES
@given(num=st.integers(1, 500), dim=sizes)
def test_embedding(num: int, dim: int) -> None:
    assert embedding_parameters(num, dim) == torch_count(torch.nn.Embedding(num, dim))


TORCH_RECURRENT: dict[str, Callable[..., torch.nn.Module]] = {
    "rnn": torch.nn.RNN,
    "gru": torch.nn.GRU,
    "lstm": torch.nn.LSTM,
}


@EXAMPLES
@given(
    cell=st.sampled_from(sorted(TORCH_RECURRENT)),
    n=sizes,
    h=sizes,
    layers=st.integers(1, 3),
    bias=st.booleans(),
    bidirectional=st.booleans(),
)
def test_recurrent(cell: str, n: int, h: int, layers: int, bias: bool, bidirectional: bool) -> None:
    layer = TORCH_RECURRENT[cell](n, h, num_layers=layers, bias=bias, bidirectional=bidirectional)
    expected = torch_count(layer)
    assert recurrent_parameters(cell, n, h, layers, bias, bidirectional) == expected


@pytest.mark.parametrize(
    ("counter", "cell"),
    [(rnn_parameters, "rnn"), (gru_parameters, "gru"), (lstm_parameters, "lstm")],
)
def test_named_recurrent_counters(counter: Callable[..., int], cell: str) -> None:
    layer = TORCH_RECURRENT[cell](7, 11, num_layers=2, bidirectional=True)
    assert counter(7, 11, num_layers=2, bidirectional=True) == torch_count(layer)


def test_recurrent_has_two_bias_vectors_per_gate() -> None:
    with_bias = lstm_parameters(5, 3)
    without = lstm_parameters(5, 3, bias=False)
    assert with_bias - without == 2 * 4 * 3


def test_stack_equals_a_torch_model() -> None:
    layers = [
        ("conv2d", {"in_channels": 1, "out_channels": 8, "kernel_size": 3}),
        ("conv2d", {"in_channels": 8, "out_channels": 16, "kernel_size": 3, "groups": 2}),
        ("conv1d", {"in_channels": 16, "out_channels": 4, "kernel_size": 2, "bias": False}),
        ("embedding", {"num_embeddings": 50, "embedding_dim": 4}),
        ("gru", {"input_size": 4, "hidden_size": 6, "num_layers": 2}),
        ("rnn", {"input_size": 6, "hidden_size": 6}),
        ("lstm", {"input_size": 6, "hidden_size": 5, "bidirectional": True}),
        ("linear", {"in_features": 10, "out_features": 3}),
    ]
    model = torch.nn.ModuleList(
        [
            torch.nn.Conv2d(1, 8, 3),
            torch.nn.Conv2d(8, 16, 3, groups=2),
            torch.nn.Conv1d(16, 4, 2, bias=False),
            torch.nn.Embedding(50, 4),
            torch.nn.GRU(4, 6, num_layers=2),
            torch.nn.RNN(6, 6),
            torch.nn.LSTM(6, 5, bidirectional=True),
            torch.nn.Linear(10, 3),
        ]
    )
    assert stack_parameters(layers) == torch_count(model)
    assert count_parameters(model) == torch_count(model)


def test_count_parameters_trainable_only() -> None:
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    model[0].requires_grad_(False)  # freeze the first Linear(4, 3): 12 + 3 parameters
    assert count_parameters(model) == 4 * 3 + 3 + 3 * 2 + 2
    assert count_parameters(model, trainable_only=True) == 3 * 2 + 2


def test_parameter_free_layers_add_nothing() -> None:
    with_extras = torch.nn.Sequential(
        torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Dropout(0.5), torch.nn.Linear(8, 2)
    )
    assert mlp_parameters([4, 8, 2]) == torch_count(with_extras)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: linear_parameters(0, 3),
            ValueError,
            "in_features must be a positive integer, got 0",
        ),
        (
            lambda: linear_parameters(3, cast(Any, 2.5)),
            TypeError,
            r"out_features must be an integer, got 2\.5 \(float\)",
        ),
        (lambda: linear_parameters(True, 3), TypeError, "in_features must be an integer, got True"),
        (
            lambda: linear_parameters(3, 3, bias=cast(Any, 1)),
            TypeError,
            "bias must be True or False, got 1",
        ),
        (lambda: mlp_parameters([3]), ValueError, "layer_sizes must list at least 2"),
        (lambda: conv2d_parameters(6, 4, 3, groups=4), ValueError, "groups=4 must divide both"),
        (lambda: conv2d_parameters(6, 4, (3, 3, 3)), ValueError, "sequence of 2 ints"),
        (lambda: conv1d_parameters(6, 4, 0), ValueError, r"kernel_size\[0\] must be a positive"),
        (lambda: conv1d_parameters(6, 4, 3, groups=0), ValueError, "groups must be a positive"),
        (lambda: embedding_parameters(-5, 4), ValueError, "num_embeddings must be a positive"),
        (lambda: recurrent_parameters("transformer", 4, 4), ValueError, "cell must be one of"),
        (lambda: lstm_parameters(4, 4, num_layers=0), ValueError, "num_layers must be a positive"),
        (lambda: gru_parameters(4, 4, bidirectional="yes"), TypeError, "bidirectional must be"),
        (lambda: stack_parameters([("pool", {})]), ValueError, r"layers\[0\] kind must be one of"),
        (
            lambda: stack_parameters([cast(Any, "linear")]),
            TypeError,
            r"layers\[0\] must be a \(kind",
        ),
        (
            lambda: count_parameters(cast(Any, "model")),
            TypeError,
            "model must be a Module, got 'model' \\(str\\)",
        ),
    ],
)
def test_bad_input_names_the_argument(
    call: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()
