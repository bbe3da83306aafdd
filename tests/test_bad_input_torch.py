# mypy: disable-error-code="arg-type, list-item, call-overload"
"""Bad input to the PyTorch and scikit-learn modules, tried as a careless student would.

Each case must raise a `TypeError` or `ValueError` naming the argument, before any work:
never torch's AssertionError or IndexError, scikit-learn's InvalidParameterError from deep
inside, a RuntimeError, or a degenerate model built without a word.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import pytest
import torch

from snippets import architectures as arch
from snippets import deploy, dl_vs_ml, tiny_network, workflow
from snippets.device import available_devices, get_device, seed_everything
from snippets.neuron import compare_with_torch, torch_dtype
from snippets.parameters import count_parameters

Case = tuple[str, Callable[[], object], type[Exception], str]
LONG = torch.long
TOKENS_20 = torch.full((2, 5), 20, dtype=LONG)  # one past the default vocabulary of 20
WINE = workflow.define_problem("wine")
WINE_DATA = workflow.prepare_data(WINE, seed=0)


def _transformer_cases() -> list[Case]:
    cases: list[Case] = []
    classes = [
        ("encoder", arch.TransformerEncoderClassifier),
        ("decoder", arch.DecoderOnlyLM),
        ("encoder_decoder", arch.EncoderDecoder),
    ]
    for label, cls in classes:
        cases += [
            (
                f"{label} n_heads 3 of 16",
                partial(cls, n_heads=3),
                ValueError,
                "n_heads must divide d_model",
            ),
            (
                f"{label} n_layers 0",
                partial(cls, n_layers=0),
                ValueError,
                "n_layers must be a positive integer, got 0",
            ),
            (
                f"{label} n_heads 0",
                partial(cls, n_heads=0),
                ValueError,
                "n_heads must be a positive integer",
            ),
            (
                f"{label} d_model 2.0",
                partial(cls, d_model=16.0),
                TypeError,
                "d_model must be an integer",
            ),
        ]
    for label, model in (
        ("encoder", arch.TransformerEncoderClassifier()),
        ("decoder", arch.DecoderOnlyLM()),
    ):
        cases += [
            (
                f"{label} token 20",
                partial(model, TOKENS_20),
                ValueError,
                r"tokens must hold token ids in \[0, 19\]",
            ),
            (
                f"{label} token -1",
                partial(model, -torch.ones(2, 5, dtype=LONG)),
                ValueError,
                "got -1",
            ),
            (
                f"{label} float tokens",
                partial(model, torch.zeros(2, 5)),
                TypeError,
                "tokens must hold integer token ids, got dtype torch.float32",
            ),
            (
                f"{label} bool tokens",
                partial(model, torch.zeros(2, 5, dtype=torch.bool)),
                TypeError,
                "integer token ids",
            ),
            (
                f"{label} list tokens",
                partial(model, [[1, 2]]),
                TypeError,
                "tokens must be a torch.Tensor",
            ),
            (
                f"{label} 1-D tokens",
                partial(model, torch.zeros(5, dtype=LONG)),
                ValueError,
                r"shape \(batch, length\)",
            ),
            (
                f"{label} too long",
                partial(model, torch.zeros(1, 33, dtype=LONG)),
                ValueError,
                "length <= 32",
            ),
        ]
    pair = arch.EncoderDecoder()
    ok = torch.zeros(2, 5, dtype=LONG)
    return [
        *cases,
        ("encoder_decoder src 20", partial(pair, TOKENS_20, ok), ValueError, "tokens must hold token ids"),
        ("encoder_decoder tgt 20", partial(pair, ok, TOKENS_20), ValueError, "tokens must hold token ids"),
    ]  # fmt: skip


CASES: list[Case] = [
    *_transformer_cases(),
    ("encoder n_classes -1", partial(arch.TransformerEncoderClassifier, n_classes=-1), ValueError, "n_classes must be a positive integer, got -1"),
    ("encoder vocab 10**19", partial(arch.TransformerEncoderClassifier, vocab_size=10**19), ValueError, r"vocab_size must be an integer in \[1, 2147483647\]"),
    ("TinyNet hidden 10**19", partial(tiny_network.TinyNet, hidden=10**19), ValueError, "hidden must be an integer in"),
    ("MLP width 10**400", partial(arch.MLP, (64, 10**400, 10)), ValueError, r"sizes\[1\] must be an integer in \[1, 2147483647\], got an integer of 401 digits"),
    ("build_mlp width 2**40", partial(workflow.build_mlp, 4, [2**40], 1), ValueError, r"hidden\[0\] must be an integer in"),
    ("MLP sizes int", partial(arch.MLP, 64), TypeError, "sizes must be a list"),
    ("MLP hidden -1", partial(arch.MLP, (64, -1, 10)), ValueError, r"sizes\[1\] must be a positive integer"),
    ("CNN image 6", partial(arch.CNN, image_size=6), ValueError, "image_size must be divisible by 4"),
    ("CNN one channel", partial(arch.CNN, channels=(8,)), ValueError, "channels must list at least 2"),
    ("CNN three channels", partial(arch.CNN, channels=(8, 16, 32)), ValueError, "channels must be two widths"),
    ("CNN n_classes 0", partial(arch.CNN, n_classes=0), ValueError, "n_classes must be a positive integer"),
    ("recurrent kind", partial(arch.RecurrentClassifier, "transformer"), ValueError, "kind must be one of"),
    ("recurrent kind list", partial(arch.RecurrentClassifier, ["lstm"]), TypeError, "kind must be a string"),
    ("recurrent hidden 0", partial(arch.RecurrentClassifier, hidden_size=0), ValueError, "hidden_size must be a positive"),
    ("autoencoder code 0", partial(arch.Autoencoder, code_size=0), ValueError, "code_size must be a positive"),
    ("vae latent 0", partial(arch.VAE, latent_size=0), ValueError, "latent_size must be a positive"),
    ("generator latent 0", partial(arch.Generator, latent_size=0), ValueError, "latent_size must be a positive"),
    ("discriminator hidden 0", partial(arch.Discriminator, hidden=0), ValueError, "hidden must be a positive"),
    ("vae kl lists", partial(arch.vae_kl_divergence, [0.0], [0.0]), TypeError, "mu must be a torch.Tensor"),
    ("gan numpy", partial(arch.gan_losses, np.zeros((2, 1)), torch.zeros(2, 1)), TypeError, "real_logits must be a torch.Tensor"),
    ("build list", partial(arch.build, ["mlp"]), TypeError, "name must be a string"),
    ("build unknown", partial(arch.build, "resnet"), ValueError, "name must be one of"),
    ("example_input batch 0", partial(arch.example_input, "mlp", batch_size=0), ValueError, "batch_size must be a positive"),
    ("count_parameters object", partial(count_parameters, object()), TypeError, "model must be a Module, got <object"),
    ("TinyNet hidden 0", partial(tiny_network.TinyNet, hidden=0), ValueError, "hidden must be a positive integer, got 0"),
    ("TinyNet hidden -1", partial(tiny_network.TinyNet, hidden=-1), ValueError, "hidden must be a positive integer, got -1"),
    ("TinyNet hidden 2.5", partial(tiny_network.TinyNet, hidden=2.5), TypeError, "hidden must be an integer, got 2.5"),
    ("TinyNet n_inputs True", partial(tiny_network.TinyNet, n_inputs=True), TypeError, "n_inputs must be an integer, got True"),
    ("digits seed 2**32", partial(tiny_network.load_digits_splits, seed=2**32), ValueError, r"seed must be an integer in \[0, 4294967295\]"),
    ("digits fraction 1", partial(tiny_network.load_digits_splits, val_fraction=1), ValueError, r"val_fraction must be a finite number in \(0, 1\)"),
    ("tiny lr 10**400", partial(tiny_network.train_tiny_network, lr=10**400), ValueError, "lr must be a finite number > 0, got an integer too large"),
    ("tiny device 0", partial(tiny_network.train_tiny_network, device=0), TypeError, "preferred must be a device name"),
    ("get_device 0", partial(get_device, 0), TypeError, r"preferred must be a device name such as 'cpu', a torch.device, or None, got 0 \(int\)"),
    ("get_device list", partial(get_device, ["cpu"]), TypeError, "preferred must be a device name"),
    ("get_device tpu device", partial(get_device, torch.device("xpu")), ValueError, "unknown device 'xpu'"),
    ("seed_everything 2**32", partial(seed_everything, 2**32), ValueError, "seed must be an integer in"),
    ("seed_everything np.float", partial(seed_everything, np.float64(1)), TypeError, "seed must be an integer"),
    ("define_problem list", partial(workflow.define_problem, ["wine"]), TypeError, "name must be a string"),
    ("define_problem unknown", partial(workflow.define_problem, "mnist"), ValueError, "name must be one of"),
    ("prepare_data seed 2**32", partial(workflow.prepare_data, WINE, seed=2**32), ValueError, "seed must be an integer in"),
    ("prepare_data fraction 0", partial(workflow.prepare_data, WINE, val_fraction=0), ValueError, "val_fraction must be"),
    ("build_mlp hidden int", partial(workflow.build_mlp, 4, 8, 1), TypeError, "hidden must be a list"),
    ("build_mlp hidden 0", partial(workflow.build_mlp, 4, [8, 0], 1), ValueError, r"hidden\[1\] must be a positive integer"),
    ("build_mlp n_inputs np.float", partial(workflow.build_mlp, np.float64(4), [8], 1), TypeError, "n_inputs must be an integer"),
    ("choose_optimizer list", partial(workflow.choose_optimizer, torch.nn.Linear(1, 1), ["adam"]), TypeError, "name must be a string"),
    ("choose_optimizer lr 10**400", partial(workflow.choose_optimizer, torch.nn.Linear(1, 1), lr=10**400), ValueError, "lr must be a finite number > 0"),
    ("choose_optimizer wd bool", partial(workflow.choose_optimizer, torch.nn.Linear(1, 1), weight_decay=True), TypeError, "weight_decay must be a real number"),
    ("tune empty lrs", partial(workflow.tune, WINE, WINE_DATA, lrs=[]), ValueError, "lrs must hold at least one value"),
    ("run_workflow unknown dataset", partial(workflow.run_workflow, "mnist"), ValueError, "name must be one of"),
    ("run_workflow epochs 0", partial(workflow.run_workflow, epochs=0), ValueError, "epochs must be a positive integer"),
    ("run_workflow save_dir file", partial(workflow.run_workflow, "wine", epochs=1, save_dir=__file__), ValueError, "save_dir: .* exists and is not a directory"),
    ("run_workflow save_dir int", partial(workflow.run_workflow, "wine", epochs=1, save_dir=3), TypeError, "save_dir must be a path"),
    ("run_workflow seed 2**32", partial(workflow.run_workflow, "wine", epochs=1, seed=2**32), ValueError, "seed must be an integer in"),
    ("prepare_data a name", partial(workflow.prepare_data, "wine"), TypeError, r"problem must be a Problem from define_problem\(\), got 'wine' \(str\)"),
    ("choose_architecture None", partial(workflow.choose_architecture, None), TypeError, "problem must be a Problem"),
    ("choose_loss a dict", partial(workflow.choose_loss, {"task": "regression"}), TypeError, "problem must be a Problem"),
    ("choose_optimizer a name", partial(workflow.choose_optimizer, "mlp"), TypeError, "model must be a Module"),
    ("read_csv_rows a list", partial(deploy.read_csv_rows, [[1.0, 2.0]]), TypeError, "source must be a str or Path or TextIOBase"),
    ("count_parameters trainable_only 1", partial(count_parameters, torch.nn.Linear(1, 1), trainable_only=1), TypeError, "trainable_only must be True or False, got 1"),
    ("format_results a str", partial(dl_vs_ml.format_results, "iris"), TypeError, "results must be a list of Result"),
    ("summarize numbers", partial(dl_vs_ml.summarize, [0.9]), TypeError, r"results\[0\] must be a Result from compare\(\)"),
    ("load_dataset seed 2**32", partial(dl_vs_ml.load_dataset, "moons", seed=2**32), ValueError, "seed must be an integer in"),
    ("make_model seed -1", partial(dl_vs_ml.make_model, "random_forest", seed=-1), ValueError, "seed must be an integer in"),
    ("compare seed 2**32", partial(dl_vs_ml.compare, ["iris"], ["mlp"], seed=2**32), ValueError, "seed must be an integer in"),
    ("compare models str", partial(dl_vs_ml.compare, ["iris"], "mlp"), TypeError, "models must be a list of strings, not one string"),
    ("size_sweep seed overflow", partial(dl_vs_ml.size_sweep, "iris", repeats=3, seed=2**32 - 2), ValueError, "seed must be an integer in"),
    ("TorchMLP hidden int", partial(dl_vs_ml.TorchMLPClassifier, hidden=5), TypeError, "hidden must be a list"),
    ("TorchMLP lr 10**400", partial(dl_vs_ml.TorchMLPClassifier, learning_rate=10**400), ValueError, "learning_rate must be a finite"),
    ("TorchMLP complex X", partial(dl_vs_ml.TorchMLPClassifier(steps=1).fit, np.ones((4, 2)) * 1j, np.array([0, 1, 0, 1])), TypeError, "X must hold real"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("call", "error", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_gets_a_clear_error(
    call: Callable[[], object], error: type[Exception], message: str
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", np.exceptions.ComplexWarning)
        with pytest.raises(error, match=message) as info:
            call()
    assert "\n" not in str(info.value)


def test_how_many_bad_inputs_are_tried() -> None:
    assert len(CASES) >= 80


# ---- devices --------------------------------------------------------------------------


def test_get_device_accepts_a_torch_device() -> None:
    assert get_device(torch.device("cpu")) == torch.device("cpu")


def _pretend_mps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    monkeypatch.delenv("SNIPPETS_DEVICE", raising=False)


def test_on_apple_silicon_mps_is_chosen_and_the_neuron_example_uses_float32(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _pretend_mps(monkeypatch)
    assert available_devices() == ["mps", "cpu"]
    assert get_device() == torch.device("mps")
    # MPS has no float64: the neuron example builds its model in float32 there...
    assert torch_dtype(get_device()) == torch.float32
    # ...and in float64 everywhere else, for its exact comparison with NumPy.
    assert torch_dtype(torch.device("cpu")) == torch.float64
    assert torch_dtype("cuda:0") == torch.float64


def test_the_neuron_example_says_which_dtype_it_used() -> None:
    result = compare_with_torch(device="cpu")
    assert result["torch_dtype"] == "float64"
    assert result["max_abs_difference"] < 1e-12


def test_the_neuron_example_in_float32_still_agrees_to_float32_precision(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # What MPS would run, on the CPU: the same code path with the float32 dtype chosen.
    monkeypatch.setattr("snippets.neuron.torch_dtype", lambda device: torch.float32)
    result = compare_with_torch(device="cpu")
    assert result["torch_dtype"] == "float32"
    assert 0 < result["max_abs_difference"] < 1e-5


# ---- training that diverges ------------------------------------------------------------


def test_train_tiny_network_with_a_huge_lr_says_it_diverged() -> None:
    with pytest.raises(
        ValueError, match=r"^training diverged: the loss is nan in epoch 1; lr=1000000\.0"
    ):
        tiny_network.train_tiny_network(epochs=3, lr=1e6, device="cpu")


def test_workflow_train_never_keeps_a_nan_epoch_as_the_best() -> None:
    model = workflow.choose_architecture(WINE)
    optimizer = workflow.choose_optimizer(model, "sgd", lr=1e6)
    with pytest.raises(
        ValueError, match=r"^training diverged: the loss is nan in epoch \d; lr=1000000\.0"
    ):
        workflow.train(model, WINE, WINE_DATA, workflow.choose_loss(WINE), optimizer, max_epochs=5)


# ---- saved models -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"garbage",  # not a torch file
        b"",  # empty
        "torch: {'a': 1}",  # a torch file from somewhere else
        "torch: state_dict",  # weights without this package's metadata
        "torch: wrong shapes",  # this package's keys, but tensors that do not fit
    ],
)
def test_a_foreign_or_corrupt_model_file_is_not_a_model_saved_by_this_package(
    tmp_path: Path, content: bytes | str
) -> None:
    path = tmp_path / "model.pt"
    if content == "torch: {'a': 1}":
        torch.save({"a": 1}, path)
    elif content == "torch: state_dict":
        torch.save(torch.nn.Linear(2, 1).state_dict(), path)
    elif content == "torch: wrong shapes":
        meta = {"task": "classification", "n_features": 3, "n_outputs": 1, "hidden": [4],
                "feature_names": ["a", "b", "c"], "class_names": ["x", "y"],
                "state_dict": torch.nn.Linear(2, 1).state_dict()}  # fmt: skip
        torch.save(meta, path)
    else:
        assert isinstance(content, bytes)
        path.write_bytes(content)
    with pytest.raises(ValueError, match="is not a model saved by this package"):
        deploy.load_predictor(tmp_path)


def test_a_predictor_refuses_complex_rows(tmp_path: Path) -> None:
    result = workflow.run_workflow("wine", epochs=1, device="cpu", save_dir=tmp_path / "m")
    assert result.deployed is not None
    predictor = deploy.load_predictor(tmp_path / "m")
    with pytest.raises(TypeError, match="X must hold real numbers"):
        predictor.predict(np.ones((1, 13)) * 1j)
