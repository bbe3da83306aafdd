"""snippets.architectures: every model runs, is the size its formula says, and does what its
name promises (a causal mask masks, the VAE's KL term is the closed form, ...)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from torch import nn

from snippets.architectures import (
    ARCHITECTURES,
    CNN,
    MLP,
    VAE,
    Autoencoder,
    DecoderOnlyLM,
    Discriminator,
    EncoderDecoder,
    Generator,
    RecurrentClassifier,
    TransformerEncoderClassifier,
    build,
    example_input,
    gan_losses,
    vae_kl_divergence,
)
from snippets.parameters import count_parameters

BATCH = 3
# What each architecture must return for a batch of 3, written out from its documented contract.
EXPECTED_SHAPES: dict[str, list[tuple[int, ...]]] = {
    "mlp": [(BATCH, 10)],
    "cnn": [(BATCH, 10)],
    "rnn": [(BATCH, 10)],
    "lstm": [(BATCH, 10)],
    "gru": [(BATCH, 10)],
    "transformer_encoder": [(BATCH, 2)],
    "decoder_only": [(BATCH, 12, 20)],  # one next-token distribution per position
    "encoder_decoder": [(BATCH, 7, 20)],  # one per target position
    "autoencoder": [(BATCH, 64)],  # the reconstruction has the input's shape
    "vae": [(BATCH, 64), (BATCH, 2), (BATCH, 2)],  # reconstruction, mu, log_var
    "gan_generator": [(BATCH, 64)],
    "gan_discriminator": [(BATCH, 1)],
}


def test_every_architecture_has_an_expected_shape() -> None:
    assert set(EXPECTED_SHAPES) == set(ARCHITECTURES)


@pytest.mark.parametrize("name", sorted(ARCHITECTURES))
def test_forward_pass_shapes_and_finite_outputs(name: str) -> None:
    torch.manual_seed(0)
    model = build(name).eval()
    output = model(*example_input(name, batch_size=BATCH))
    outputs = list(output) if isinstance(output, tuple) else [output]
    assert [tuple(o.shape) for o in outputs] == EXPECTED_SHAPES[name]
    assert all(bool(torch.isfinite(o).all()) for o in outputs)


@pytest.mark.parametrize("name", sorted(ARCHITECTURES))
def test_backward_reaches_every_parameter(name: str) -> None:
    model = build(name)
    output = model(*example_input(name, batch_size=BATCH))
    loss = sum(o.float().pow(2).mean() for o in (output if isinstance(output, tuple) else [output]))
    assert isinstance(loss, torch.Tensor)
    loss.backward()  # type: ignore[no-untyped-call]
    missing = [n for n, p in model.named_parameters() if p.grad is None]
    assert missing == []


@pytest.mark.parametrize("name", sorted(ARCHITECTURES))
def test_count_parameters_is_the_sum_of_numel(name: str) -> None:
    model = build(name)
    expected = 0
    for tensor in model.state_dict().values():  # no buffers in these models: all parameters
        expected += math.prod(tensor.shape)
    assert count_parameters(model) == expected > 0


@pytest.mark.parametrize("sizes", [(2, 1), (64, 32, 10), (5, 7, 7, 3)])
def test_mlp_parameter_count_formula(sizes: tuple[int, ...]) -> None:
    expected = sum(n_in * n_out + n_out for n_in, n_out in itertools.pairwise(sizes))
    assert count_parameters(MLP(sizes)) == expected


def test_mlp_has_no_activation_after_the_output_layer() -> None:
    model = MLP((3, 4, 2))
    assert isinstance(model.net[-1], nn.Linear)
    with torch.no_grad():
        model.net[-1].weight.zero_()
        model.net[-1].bias.fill_(-1.5)
    # A ReLU (or sigmoid) at the end could not output a negative number.
    torch.testing.assert_close(model(torch.randn(4, 3)), torch.full((4, 2), -1.5))


def test_cnn_parameter_count_formula() -> None:
    # conv: out * in * 3 * 3 + out; after two 2x2 poolings an 8x8 image is 2x2.
    expected = (8 * 1 * 9 + 8) + (16 * 8 * 9 + 16) + (16 * 2 * 2 * 10 + 10)
    assert count_parameters(CNN(image_size=8, n_classes=10, channels=(8, 16))) == expected


@pytest.mark.parametrize(("kind", "gates"), [("rnn", 1), ("gru", 3), ("lstm", 4)])
def test_recurrent_parameter_count_formula(kind: str, gates: int) -> None:
    i, h, k = 5, 7, 3
    # Each gate: W_ih (h x i), W_hh (h x h), and PyTorch's two bias vectors b_ih, b_hh.
    expected = gates * (h * i + h * h + 2 * h) + (h * k + k)
    assert count_parameters(RecurrentClassifier(kind, i, h, k)) == expected


def test_lstm_is_bigger_than_gru_is_bigger_than_rnn() -> None:
    sizes = [count_parameters(build(kind)) for kind in ("rnn", "gru", "lstm")]
    assert sizes == sorted(sizes)
    assert len(set(sizes)) == 3


def test_cnn_needs_image_shaped_input() -> None:
    # The CNN reads (B, 1, H, W) images; feeding it a flat vector is a shape error.
    with pytest.raises(RuntimeError):
        CNN()(torch.zeros(2, 64))


@pytest.mark.parametrize("t", [0, 4, 10])
def test_decoder_only_output_at_t_ignores_later_tokens(t: int) -> None:
    torch.manual_seed(1)
    model = DecoderOnlyLM().eval()
    (tokens,) = example_input("decoder_only", batch_size=2)
    changed = tokens.clone()
    changed[:, t + 1 :] = (changed[:, t + 1 :] + 7) % 20
    before, after = model(tokens), model(changed)
    torch.testing.assert_close(before[:, : t + 1], after[:, : t + 1], rtol=1e-5, atol=1e-6)
    assert not torch.allclose(before[:, t + 1 :], after[:, t + 1 :])  # the change does matter


def test_encoder_only_transformer_sees_the_whole_sequence() -> None:
    # Unlike the causal model, the encoder's representation of token 0 depends on later tokens.
    torch.manual_seed(2)
    model = TransformerEncoderClassifier().eval()
    (tokens,) = example_input("transformer_encoder", batch_size=2)
    changed = tokens.clone()
    changed[:, -1] = (changed[:, -1] + 7) % 20
    first_before = model.encoder(model.token_emb(tokens) + model.pos_emb.weight[:12])[:, 0]
    first_after = model.encoder(model.token_emb(changed) + model.pos_emb.weight[:12])[:, 0]
    assert not torch.allclose(first_before, first_after)


def test_encoder_decoder_is_causal_in_target_and_reads_the_whole_source() -> None:
    torch.manual_seed(3)
    model = EncoderDecoder().eval()
    src, tgt = example_input("encoder_decoder", batch_size=2)
    t = 3
    later = tgt.clone()
    later[:, t + 1 :] = (later[:, t + 1 :] + 5) % 20
    torch.testing.assert_close(model(src, tgt)[:, : t + 1], model(src, later)[:, : t + 1])
    last_source = src.clone()
    last_source[:, -1] = (last_source[:, -1] + 5) % 20
    # Cross-attention: even the first target position sees the last source token.
    assert not torch.allclose(model(src, tgt)[:, 0], model(last_source, tgt)[:, 0])


def test_autoencoder_squeezes_through_its_code() -> None:
    model = Autoencoder(n_features=64, code_size=4, hidden=32)
    assert model.encoder(torch.zeros(5, 64)).shape == (5, 4)
    assert model.decoder(torch.zeros(5, 4)).shape == (5, 64)


@settings(max_examples=50)
@given(
    mu=arrays(np.float64, (3, 4), elements=st.floats(-5, 5)),
    log_var=arrays(np.float64, (3, 4), elements=st.floats(-5, 5)),
)
def test_vae_kl_matches_torch_distributions(mu: np.ndarray, log_var: np.ndarray) -> None:
    m, lv = torch.from_numpy(mu), torch.from_numpy(log_var)
    q = torch.distributions.Normal(m, torch.exp(0.5 * lv))
    prior = torch.distributions.Normal(torch.zeros_like(m), torch.ones_like(m))
    expected = torch.distributions.kl_divergence(q, prior).sum(dim=-1).mean()
    actual = vae_kl_divergence(m, lv)
    assert float(actual) == pytest.approx(float(expected), rel=1e-9, abs=1e-12)
    assert float(actual) >= 0.0


def test_vae_kl_closed_form_by_hand() -> None:
    # One latent dimension, mu = 1, sigma^2 = e: 0.5 * (1 + e - 1 - 1) = 0.5 * (e - 1).
    value = vae_kl_divergence(torch.tensor([[1.0]]), torch.tensor([[1.0]]))
    assert float(value) == pytest.approx(0.5 * (math.e - 1), rel=1e-6)


def test_vae_kl_matches_a_monte_carlo_estimate() -> None:
    mu, log_var = torch.tensor([[0.5, -1.0]]), torch.tensor([[0.3, -0.7]])
    q = torch.distributions.Normal(mu, torch.exp(0.5 * log_var))
    torch.manual_seed(0)
    z = q.sample((200_000,))  # type: ignore[no-untyped-call]
    prior = torch.distributions.Normal(0.0, 1.0)
    log_ratio = q.log_prob(z) - prior.log_prob(z)  # type: ignore[no-untyped-call]
    estimate = log_ratio.sum(dim=-1).mean()
    assert float(vae_kl_divergence(mu, log_var)) == pytest.approx(float(estimate), abs=0.02)


def test_vae_reparameterisation_is_random_but_differentiable() -> None:
    torch.manual_seed(0)
    model = VAE()
    x = torch.randn(4, 64)
    torch.manual_seed(1)
    first, mu, log_var = model(x)
    torch.manual_seed(2)
    second, _, _ = model(x)
    assert not torch.allclose(first, second)  # z is sampled
    torch.manual_seed(1)
    again, _, _ = model(x)
    torch.testing.assert_close(first, again)  # ... from the seeded generator
    (first.sum() + vae_kl_divergence(mu, log_var)).backward()
    assert model.to_mu.weight.grad is not None
    assert model.to_log_var.weight.grad is not None
    assert float(model.to_log_var.weight.grad.abs().sum()) > 0


def test_gan_losses_at_the_coin_flip_and_at_a_perfect_discriminator() -> None:
    d_loss, g_loss = gan_losses(torch.zeros(6, 1), torch.zeros(6, 1))
    assert float(d_loss) == pytest.approx(2 * math.log(2))
    assert float(g_loss) == pytest.approx(math.log(2))
    d_loss, g_loss = gan_losses(torch.full((6, 1), 20.0), torch.full((6, 1), -20.0))
    assert float(d_loss) < 1e-6  # the discriminator is right about everything
    assert float(g_loss) > 15  # ... so the generator's loss is large


def test_generator_output_is_in_the_tanh_range_and_the_discriminator_reads_it() -> None:
    fake = Generator()(torch.randn(10, 8) * 100)
    assert bool((fake.abs() <= 1).all())
    assert Discriminator()(fake).shape == (10, 1)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: build("resnet"), ValueError, "name must be one of"),
        (lambda: example_input("bert"), ValueError, "name must be one of"),
        (lambda: example_input("mlp", batch_size=0), ValueError, "batch_size"),
        (lambda: MLP((64,)), ValueError, "sizes must list at least 2"),
        (lambda: MLP((64, 0, 10)), ValueError, r"sizes\[1\] must be a positive integer"),
        (lambda: CNN(image_size=6), ValueError, "image_size must be divisible by 4, got 6"),
        (lambda: RecurrentClassifier("transformer"), ValueError, "kind must be one of"),
        (lambda: RecurrentClassifier("gru", hidden_size=-1), ValueError, "hidden_size"),
        (lambda: VAE(latent_size=0), ValueError, "latent_size"),
        (
            lambda: vae_kl_divergence(torch.zeros(2, 3), torch.zeros(2, 4)),
            ValueError,
            "same shape",
        ),
        (
            lambda: DecoderOnlyLM(max_len=8)(torch.zeros(1, 9, dtype=torch.long)),
            ValueError,
            "length <= 8",
        ),
        (
            lambda: TransformerEncoderClassifier()(torch.zeros(12, dtype=torch.long)),
            ValueError,
            "tokens must have shape",
        ),
    ],
)
def test_bad_arguments_are_named(call: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()  # type: ignore[operator]
