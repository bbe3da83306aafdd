"""Count the learnable parameters of common layers with closed-form formulas.

A parameter is a number the optimizer changes: a weight or a bias. Each function below
returns the count that ``sum(p.numel() for p in layer.parameters())`` gives for the matching
``torch.nn`` layer, and its docstring shows the formula. Hyperparameters (layer sizes, kernel
size, number of layers, learning rate, ...) are the arguments: chosen by you, not learned.

Notation: ``bias`` is 1 when the layer has a bias and 0 otherwise.
"""

# --8<-- [start:imports]
from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import torch

from snippets import _validate as check

# --8<-- [end:imports]


def _flag(name: str, value: object) -> int:
    """``bias`` and ``bidirectional`` as the 0 or 1 of the formulas (True or False only)."""
    return int(check.flag(name, value))


def _kernel(kernel_size: int | Sequence[int], dims: int) -> int:
    """Number of kernel positions: k for 1-D, kh * kw for 2-D."""
    if isinstance(kernel_size, (int, np.integer)) and not isinstance(kernel_size, bool):
        kernel_size = [int(kernel_size)] * dims
    sizes = check.sizes("kernel_size", kernel_size, minimum_length=dims)
    if len(sizes) != dims:
        raise ValueError(
            f"kernel_size must be an int or a sequence of {dims} ints, got {kernel_size!r}"
        )
    return math.prod(sizes)


def _conv_sizes(
    in_channels: int, out_channels: int, kernel_size: int | Sequence[int], groups: int, dims: int
) -> tuple[int, int, int, int]:
    """in_channels, out_channels, groups (dividing both) and the kernel's number of positions."""
    c_in, c_out, g = check.positive_ints(
        in_channels=in_channels, out_channels=out_channels, groups=groups
    )
    if c_in % g or c_out % g:
        raise ValueError(f"groups={g} must divide both in_channels={c_in} and out_channels={c_out}")
    return c_in, c_out, g, _kernel(kernel_size, dims)


# --8<-- [start:dense]
def linear_parameters(in_features: int, out_features: int, bias: bool = True) -> int:
    """Parameters of a dense layer, ``torch.nn.Linear(in_features, out_features, bias)``.

    Formula: ``out_features * in_features + bias * out_features``
    (a weight matrix of shape ``(out, in)`` and one bias per output neuron).

    Example:
        >>> linear_parameters(784, 128)
        100480
    """
    n_in, n_out = check.positive_ints(in_features=in_features, out_features=out_features)
    return n_out * n_in + _flag("bias", bias) * n_out


def mlp_parameters(layer_sizes: Sequence[int], bias: bool = True) -> int:
    """Parameters of a stack of dense layers with sizes ``n_0, n_1, ..., n_L``.

    Formula: ``sum over l = 1..L of (n_{l-1} * n_l + bias * n_l)``.

    Example:
        >>> mlp_parameters([2, 2, 2])  # the 2-2-2 network of the backpropagation chapter
        12
    """
    sizes = check.sizes("layer_sizes", layer_sizes, minimum_length=2)
    return sum(linear_parameters(n_in, n_out, bias) for n_in, n_out in itertools.pairwise(sizes))


# --8<-- [end:dense]


# --8<-- [start:conv]
def conv1d_parameters(
    in_channels: int,
    out_channels: int,
    kernel_size: int | Sequence[int],
    groups: int = 1,
    bias: bool = True,
) -> int:
    """Parameters of ``torch.nn.Conv1d``.

    Formula: ``out_channels * (in_channels / groups) * k + bias * out_channels``.
    Each output channel has one kernel of length ``k`` per input channel of its group.
    Stride, padding and dilation change the output size, never the parameter count.

    Example:
        >>> conv1d_parameters(16, 32, kernel_size=5)
        2592
    """
    c_in, c_out, g, k = _conv_sizes(in_channels, out_channels, kernel_size, groups, dims=1)
    return c_out * (c_in // g) * k + _flag("bias", bias) * c_out


def conv2d_parameters(
    in_channels: int,
    out_channels: int,
    kernel_size: int | Sequence[int],
    groups: int = 1,
    bias: bool = True,
) -> int:
    """Parameters of ``torch.nn.Conv2d``.

    Formula: ``out_channels * (in_channels / groups) * kh * kw + bias * out_channels``.
    With ``groups == in_channels == out_channels`` (a depthwise convolution) each channel
    has a single ``kh x kw`` kernel.

    Example:
        >>> conv2d_parameters(3, 64, kernel_size=3)
        1792
        >>> conv2d_parameters(64, 64, kernel_size=(3, 3), groups=64)  # depthwise
        640
    """
    c_in, c_out, g, k = _conv_sizes(in_channels, out_channels, kernel_size, groups, dims=2)
    return c_out * (c_in // g) * k + _flag("bias", bias) * c_out


# --8<-- [end:conv]


# --8<-- [start:embedding]
def embedding_parameters(num_embeddings: int, embedding_dim: int) -> int:
    """Parameters of ``torch.nn.Embedding``: a lookup table, one row per token.

    Formula: ``num_embeddings * embedding_dim`` (no bias).

    Example:
        >>> embedding_parameters(30000, 512)
        15360000
    """
    rows, width = check.positive_ints(num_embeddings=num_embeddings, embedding_dim=embedding_dim)
    return rows * width


# --8<-- [end:embedding]


def _recurrent(
    cell: str, input_size: int, hidden_size: int, num_layers: int, bias: bool, bidirectional: bool
) -> tuple[int, int, int, int, int]:
    """n, h, the number of layers, the 0/1 bias and the number of directions, checked."""
    check.choice("cell", cell, GATES)
    n, h, layers = check.positive_ints(
        input_size=input_size, hidden_size=hidden_size, num_layers=num_layers
    )
    return n, h, layers, _flag("bias", bias), 1 + _flag("bidirectional", bidirectional)


# --8<-- [start:recurrent]
GATES = {"rnn": 1, "gru": 3, "lstm": 4}
"""Weight blocks per recurrent cell: the plain RNN has one, the GRU three (reset, update,
candidate), the LSTM four (input, forget, cell candidate, output)."""


def recurrent_parameters(
    cell: str,
    input_size: int,
    hidden_size: int,
    num_layers: int = 1,
    bias: bool = True,
    bidirectional: bool = False,
) -> int:
    """Parameters of ``torch.nn.RNN``, ``torch.nn.GRU`` or ``torch.nn.LSTM``.

    For one layer and one direction, with ``g`` gates (RNN 1, GRU 3, LSTM 4), input size
    ``n`` and hidden size ``h``:

        ``g * (h * n + h * h + 2 * bias * h)``

    PyTorch keeps two bias vectors, ``b_ih`` and ``b_hh``, hence ``2 * h`` per gate (the
    textbook cell has one; for RNN and LSTM only their sum matters, while in the GRU's candidate
    gate ``b_hn`` is multiplied by the reset gate). Layer 1 reads
    the input (``n = input_size``); each later layer reads the previous layer's output
    (``n = directions * hidden_size``). A bidirectional layer doubles everything
    (``directions = 2``). The total is the sum over layers and directions.

    Example:
        >>> recurrent_parameters("lstm", input_size=10, hidden_size=20)
        2560
        >>> recurrent_parameters("gru", 10, 20, num_layers=2, bidirectional=True)
        11280
    """
    n, h, layers, b, directions = _recurrent(
        cell, input_size, hidden_size, num_layers, bias, bidirectional
    )
    total = 0
    for layer in range(layers):
        n_layer = n if layer == 0 else directions * h
        total += directions * GATES[cell] * (h * n_layer + h * h + 2 * b * h)
    return total


def rnn_parameters(input_size: int, hidden_size: int, **options: Any) -> int:
    """Parameters of ``torch.nn.RNN``: ``recurrent_parameters("rnn", ...)``, one gate.

    Example:
        >>> rnn_parameters(10, 20)
        640
    """
    return recurrent_parameters("rnn", input_size, hidden_size, **options)


def gru_parameters(input_size: int, hidden_size: int, **options: Any) -> int:
    """Parameters of ``torch.nn.GRU``: ``recurrent_parameters("gru", ...)``, three gates.

    Example:
        >>> gru_parameters(10, 20)
        1920
    """
    return recurrent_parameters("gru", input_size, hidden_size, **options)


def lstm_parameters(input_size: int, hidden_size: int, **options: Any) -> int:
    """Parameters of ``torch.nn.LSTM``: ``recurrent_parameters("lstm", ...)``, four gates.

    Example:
        >>> lstm_parameters(10, 20, num_layers=2)
        5920
    """
    return recurrent_parameters("lstm", input_size, hidden_size, **options)


# --8<-- [end:recurrent]


# --8<-- [start:stack]
LAYER_COUNTERS: dict[str, Callable[..., int]] = {
    "linear": linear_parameters,
    "conv1d": conv1d_parameters,
    "conv2d": conv2d_parameters,
    "embedding": embedding_parameters,
    "rnn": rnn_parameters,
    "gru": gru_parameters,
    "lstm": lstm_parameters,
}


def stack_parameters(layers: Iterable[tuple[str, Mapping[str, Any]]]) -> int:
    """Total parameters of a stack of layers, each given as ``(kind, arguments)``.

    The total is the sum of the layers' counts: layers share no parameters. Activations,
    pooling, flattening and dropout have none, so they are left out.

    Example:
        >>> stack_parameters([
        ...     ("embedding", {"num_embeddings": 1000, "embedding_dim": 32}),
        ...     ("lstm", {"input_size": 32, "hidden_size": 64}),
        ...     ("linear", {"in_features": 64, "out_features": 2}),
        ... ])
        57218
    """
    total = 0
    for index, layer in enumerate(layers):
        if not (isinstance(layer, tuple) and len(layer) == 2):
            raise TypeError(f"layers[{index}] must be a (kind, arguments) pair, got {layer!r}")
        kind, arguments = layer
        check.choice(f"layers[{index}] kind", kind, LAYER_COUNTERS)
        if not isinstance(arguments, Mapping):
            raise TypeError(f"layers[{index}] arguments must be a dict, got {arguments!r}")
        total += LAYER_COUNTERS[kind](**arguments)
    return total


# --8<-- [start:count_parameters]
def count_parameters(model: torch.nn.Module, *, trainable_only: bool = False) -> int:
    """What PyTorch counts: ``sum(p.numel() for p in model.parameters())``, the number the
    formulas above must match.

    Args:
        model: any PyTorch module.
        trainable_only: count only the parameters with ``requires_grad=True``.

    Example:
        >>> count_parameters(torch.nn.Linear(784, 128))  # 784*128 weights + 128 biases
        100480
    """
    check.instance("model", model, torch.nn.Module)
    check.flag("trainable_only", trainable_only)
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


# --8<-- [end:count_parameters]
# --8<-- [end:stack]
