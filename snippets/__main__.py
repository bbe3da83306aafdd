"""The command line: list the examples, run one, or predict with a deployed model.

    python -m snippets                       # list the examples (also: snippets list)
    snippets run tiny-network --epochs 5 --seed 1 --device cpu
    snippets run workflow-classification --save artifacts/breast-cancer --json
    snippets predict artifacts/breast-cancer artifacts/breast-cancer/example_input.csv

Adding an example is one line in ``EXAMPLES``: its name, a one-line summary, and
``"module:function"``. The function is imported only when the example runs (listing stays
fast) and is called with those of ``epochs``, ``seed``, ``device``, ``save_dir`` and
``progress`` that its signature accepts, plus any fixed keyword arguments of the entry.
It returns an object with ``to_dict()``, a dataclass, or a mapping. ``progress``, if
accepted, is called as ``progress(done, total, label)``. An option the function does not
accept (``--epochs`` for an example that does not train) is refused with exit code 2.

Exit codes tell the truth:

* 2, one line on stderr: a usage error, found before any work starts (a bad flag or
  value, an unknown example, a device that is not here, a ``--save`` place that cannot
  be written, a model or CSV file that ``predict`` cannot use);
* 1, one line on stderr: the work itself failed (training that diverged, a bug); add
  ``--debug`` to see the traceback;
* 130 on Ctrl-C; 141 (as for SIGPIPE) when stdout is closed early, as by ``| head``.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import importlib.metadata
import inspect
import json
import math
import os
import sys
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141
MAX_EPOCHS = 10_000
"""The largest ``--epochs``: the slowest example needs about 25 minutes for it on one CPU core."""
SEED_MAX = 2**32 - 1
"""The largest ``--seed``: what NumPy and scikit-learn accept."""


@dataclass(frozen=True)
class Example:
    """One runnable example: ``target`` is ``"package.module:function"``."""

    name: str
    summary: str
    target: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    def load(self) -> Callable[..., Any]:
        module_name, _, function = self.target.partition(":")
        return getattr(importlib.import_module(module_name), function)


# --8<-- [start:registry]
EXAMPLES: dict[str, Example] = {
    e.name: e
    for e in [
        Example("neuron", "one neuron, NumPy against PyTorch",
                "snippets.neuron:compare_with_torch"),
        Example("tiny-network", "a tiny PyTorch network on the digits (>= 97% test accuracy)",
                "snippets.tiny_network:train_tiny_network"),
        Example("workflow-classification", "the nine steps on breast-cancer data (binary)",
                "snippets.workflow:run_workflow", {"dataset": "breast-cancer"}),
        Example("workflow-regression", "the nine steps on Friedman #1 (regression, known noise)",
                "snippets.workflow:run_workflow", {"dataset": "friedman"}),
        Example("backprop-xor", "a NumPy network learns XOR by hand-written backpropagation",
                "snippets.backprop:learn_xor"),
        Example("gradient-descent", "batch, stochastic and mini-batch GD against the exact optimum",
                "snippets.gradient_descent:compare_variants"),
        Example("dl-vs-ml", "logistic regression, random forest and an MLP on bundled datasets",
                "snippets.dl_vs_ml:compare_three_datasets"),
    ]
}  # fmt: skip
# --8<-- [end:registry]


class UsageError(Exception):
    """Bad command-line input: reported in one line with exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, not usage + message
        raise UsageError(message)


def _int_at_least(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be >= {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"must be <= {maximum}, got {value}")
        return value

    return parse


def _version() -> str:
    try:
        return importlib.metadata.version("dl-day-one-snippets")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree, not installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    """The ``snippets`` argument parser (``list``, ``run NAME``, ``predict DIR [CSV]``)."""
    parser = _Parser(prog="snippets", description="Run the course's examples.")
    parser.add_argument("--version", action="version", version=f"snippets {_version()}")
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback when an example fails"
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    sub.add_parser("list", help="list the examples")
    run = sub.add_parser("run", help="run one example")
    run.add_argument("name", help="example name (see `snippets list`)")
    run.add_argument("--device", help="cpu, cuda, cuda:N or mps (default: the best available)")
    run.add_argument(
        "--epochs",
        type=_int_at_least(1, MAX_EPOCHS),
        help=f"training epochs, at most {MAX_EPOCHS:,} (a cap for workflows)",
    )
    run.add_argument(
        "--seed",
        type=_int_at_least(0, SEED_MAX),
        default=0,
        help=f"random seed, 0 to {SEED_MAX} (default 0)",
    )
    run.add_argument("--save", metavar="DIR", help="save the trained model here (workflows)")
    run.add_argument(
        "--threads",
        type=_int_at_least(1, 1024),
        default=1,
        help="CPU threads for PyTorch (default 1: the fastest for these small models)",
    )
    run.add_argument("--json", action="store_true", help="print machine-readable results only")
    predict = sub.add_parser("predict", help="predict with a model saved by --save")
    predict.add_argument("model_dir", help="directory written by `snippets run ... --save DIR`")
    predict.add_argument("csv", nargs="?", default="-", help="CSV of inputs (default: stdin)")
    predict.add_argument("--json", action="store_true", help="print a JSON list")
    for command in (run, predict):  # --debug after the command, too
        command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)
    return parser


def _jsonable(value: Any) -> Any:
    """Turn a result into built-in types; non-finite floats become null (valid JSON)."""
    if hasattr(value, "to_dict"):
        return _jsonable(value.to_dict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _jsonable(dataclasses.asdict(value))
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def _call_options(example: Example, args: argparse.Namespace) -> dict[str, Any]:
    accepted = inspect.signature(example.load()).parameters
    options: dict[str, Any] = {"seed": args.seed}
    for flag, key in (("epochs", "epochs"), ("save", "save_dir"), ("device", "device")):
        value = getattr(args, flag)
        if value is not None and key not in accepted:
            why = " (it runs on the CPU only)" if flag == "device" else ""
            raise UsageError(f"example {example.name!r} does not take --{flag}{why}")
        if value is not None:
            options[key] = value
    if "device" in accepted and "device" not in options:
        options["device"] = None  # let snippets.device decide (SNIPPETS_DEVICE or hardware)
    if "save_dir" in options:
        _check_writable(options["save_dir"])
    return {k: v for k, v in options.items() if k in accepted}


def _check_writable(directory: str) -> None:
    """Refuse a --save place before training: an existing file, or a folder we cannot write."""
    from snippets._validate import writable_directory

    try:
        writable_directory("--save", directory)
    except ValueError as error:
        raise UsageError(str(error)) from None


def _run(args: argparse.Namespace, out: Console, err: Console) -> int:
    if args.name not in EXAMPLES:
        raise UsageError(f"unknown example {args.name!r}; choose from {', '.join(EXAMPLES)}")
    example = EXAMPLES[args.name]
    function = example.load()
    options = {**example.kwargs, **_call_options(example, args)}
    from snippets.device import get_device

    try:  # validate before any work starts (SNIPPETS_DEVICE too, for every example)
        device = str(get_device(options.get("device")))
    except ValueError as error:
        raise UsageError(str(error).replace("preferred: ", "--device: ", 1)) from None
    if "device" in options:
        options["device"] = device  # pass on the resolved name
    else:
        device = "cpu"  # a NumPy or CPU-only example
    import torch

    # Small models gain nothing from several threads, and lose a lot on a busy machine:
    # measured by benchmarks/bench_cli.py, up to ten times slower with two threads.
    torch.set_num_threads(args.threads)
    start = time.perf_counter()
    if args.json or not err.is_terminal:
        result = function(**options)
    else:  # a bar where the example reports progress, else a pulse and the elapsed time
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), TextColumn("{task.fields[label]}"))  # fmt: skip
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task(example.name, total=None, label="")

            def progress(done: int, total: int, label: str) -> None:
                bar.update(task, completed=done, total=total, label=label)

            if "progress" in inspect.signature(function).parameters:
                options["progress"] = progress
            result = function(**options)
    seconds = time.perf_counter() - start
    payload = {
        "example": example.name,
        "seed": args.seed,
        "device": device,
        "wall_seconds": seconds,
        "result": _jsonable(result),
    }
    if args.json:
        print(json.dumps(payload, indent=2, allow_nan=False))  # plain: no colour codes
        return 0
    table = Table(title=f"{example.name}: {example.summary}", show_header=False)
    for key, value in payload["result"].items():
        if isinstance(value, dict) and all(not isinstance(v, (dict, list)) for v in value.values()):
            for sub_key, sub_value in value.items():  # a flat mapping reads best one per row
                table.add_row(f"{key}: {sub_key}", _cell(sub_value))
            continue
        if isinstance(value, (list, dict)) and len(json.dumps(value)) > 80:
            value = f"({len(value)} entries; see --json)"
        table.add_row(key, _cell(value))
    table.add_row("wall time", f"{seconds:.2f} s")
    out.print(table)
    return 0


def _cell(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _predict(args: argparse.Namespace, out: Console) -> int:
    from snippets.deploy import load_predictor, read_csv_rows

    try:  # the model, the CSV and their fit are all the user's input: usage errors
        predictor = load_predictor(args.model_dir)
        rows = read_csv_rows(sys.stdin if args.csv == "-" else args.csv)
        labels = predictor.labels(rows)
    except OSError as error:
        raise UsageError(f"cannot read {args.csv!r}: {error.strerror}") from None
    except ValueError as error:
        raise UsageError(str(error)) from None
    if args.json:
        print(json.dumps(labels))  # plain print: no colours or line wrapping
    else:
        for label in labels:
            print(label)
    return 0


def _list(out: Console) -> int:
    table = Table("example", "what it shows", title="snippets run NAME")
    for example in EXAMPLES.values():
        table.add_row(example.name, example.summary)
    out.print(table)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m snippets`` and of the ``snippets`` console script.

    Returns the exit status: 0 on success, 2 for a usage error, 1 when the work itself
    fails (see the module's docstring); each with one line on stderr.

    Example:
        >>> main(["run", "no-such-example"])
        2
    """
    out = Console(soft_wrap=True)
    err = Console(stderr=True)
    debug = "--debug" in (sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
        if args.command == "run":
            return _run(args, out, err)
        if args.command == "predict":
            return _predict(args, out)
        return _list(out)
    except UsageError as error:
        print(f"snippets: error: {_first_line(error)}", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exit_:  # --help and --version print, then exit 0
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        print("snippets: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader of stdout went away (| head): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that flushing at exit cannot fail again
        return EXIT_BROKEN_PIPE
    except Exception as error:  # the work failed: not a usage error
        if debug:
            traceback.print_exc()
        hint = "" if debug else " (rerun with --debug for the traceback)"
        print(f"snippets: failed: {type(error).__name__}: {_first_line(error)}{hint}",
              file=sys.stderr)  # fmt: skip
        return EXIT_FAILURE


def _first_line(error: BaseException) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


if __name__ == "__main__":
    sys.exit(main())
