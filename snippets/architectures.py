"""The main families of neural-network architecture, each as a tiny, runnable PyTorch module.

Every model here is deliberately small (hundreds to a few thousand parameters) so that it
builds and runs in milliseconds on a CPU. Sizes are arguments; the defaults fit the
8x8 digit images of scikit-learn (64 features, 10 classes) or a 20-token vocabulary.

* Dense / fully connected: `MLP`.
* Convolutional: `CNN`.
* Recurrent (RNN, LSTM, GRU): `RecurrentClassifier`.
* Transformers: `TransformerEncoderClassifier` (encoder-only, like BERT),
  `DecoderOnlyLM` (causal, like GPT) and `EncoderDecoder` (like T5).
* Autoencoder family: `Autoencoder` and `VAE` with `vae_kl_divergence`.
* Generative adversarial network: `Generator`, `Discriminator`, `gan_losses`.

`build` makes any of them by name and `example_input` gives a dummy batch of the
right shape, so that ``build(name)(*example_input(name))`` runs for every name.
"""

# --8<-- [start:imports]
from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import torch
from torch import Tensor, nn

from snippets import _validate as check

# --8<-- [end:imports]


# --8<-- [start:mlp]
class MLP(nn.Module):
    """Dense (fully connected) network: Linear, ReLU, Linear, ReLU, ..., Linear.

    Each layer computes ``h = relu(W h_prev + b)``; the last layer has no activation, so the
    outputs are logits (for classification) or values (for regression).

    Args:
        sizes: layer widths from input to output, e.g. ``(64, 32, 10)``.

    Example:
        >>> MLP((64, 32, 10))(torch.zeros(5, 64)).shape
        torch.Size([5, 10])
    """

    def __init__(self, sizes: Sequence[int] = (64, 32, 10)) -> None:
        super().__init__()
        widths = check.sizes("sizes", sizes, minimum_length=2, high=check.MAX_WIDTH)
        layers: list[nn.Module] = []
        for n_in, n_out in itertools.pairwise(widths):
            layers += [nn.Linear(n_in, n_out), nn.ReLU()]
        self.net = nn.Sequential(*layers[:-1])  # no ReLU after the output layer

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x)


# --8<-- [end:mlp]


def _cnn_channels(image_size: int, n_classes: int, channels: Sequence[int]) -> list[int]:
    check.widths(image_size=image_size, n_classes=n_classes)
    if image_size % 4:
        raise ValueError(f"image_size must be divisible by 4, got {image_size}")
    widths = check.sizes("channels", channels, minimum_length=2, high=check.MAX_WIDTH)
    if len(widths) != 2:
        raise ValueError(f"channels must be two widths (c1, c2), got {channels!r}")
    return widths


# --8<-- [start:cnn]
class CNN(nn.Module):
    """Convolutional network for small one-channel images (default: 8x8 digits).

    Two blocks of 3x3 convolution, ReLU and 2x2 max-pooling, then a linear classifier.
    A convolution slides the same small filter over every position, so it has few weights
    and detects a pattern wherever it appears.

    Args:
        image_size: height = width of the input images; must be divisible by 4.
        n_classes: number of outputs.
        channels: channels of the two convolutions.

    Example:
        >>> CNN()(torch.zeros(5, 1, 8, 8)).shape
        torch.Size([5, 10])
    """

    def __init__(
        self, image_size: int = 8, n_classes: int = 10, channels: tuple[int, int] = (8, 16)
    ) -> None:
        super().__init__()
        c1, c2 = _cnn_channels(image_size, n_classes, channels)
        self.features = nn.Sequential(
            nn.Conv2d(1, c1, kernel_size=3, padding=1),  # (B, 1, H, W) -> (B, c1, H, W)
            nn.ReLU(),
            nn.MaxPool2d(2),  # halves H and W
            nn.Conv2d(c1, c2, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Linear(c2 * (image_size // 4) ** 2, n_classes)

    def forward(self, images: Tensor) -> Tensor:
        return self.classifier(self.features(images).flatten(start_dim=1))


# --8<-- [end:cnn]


RECURRENT_KINDS: dict[str, Callable[..., nn.RNNBase]] = {
    "rnn": nn.RNN,
    "lstm": nn.LSTM,
    "gru": nn.GRU,
}


# --8<-- [start:recurrent]
class RecurrentClassifier(nn.Module):
    """A recurrent layer (``"rnn"``, ``"lstm"`` or ``"gru"``) reads a sequence; the last
    hidden state is classified by a linear layer.

    Args:
        kind: ``"rnn"`` (Elman), ``"lstm"`` or ``"gru"``.
        input_size: features per time step.
        hidden_size: size of the hidden state h_t.
        n_classes: number of outputs.

    Example:
        >>> RecurrentClassifier("gru", input_size=8)(torch.zeros(5, 8, 8)).shape
        torch.Size([5, 10])
    """

    def __init__(
        self, kind: str = "lstm", input_size: int = 8, hidden_size: int = 16, n_classes: int = 10
    ) -> None:
        super().__init__()
        check.widths(input_size=input_size, hidden_size=hidden_size, n_classes=n_classes)
        self.rnn = RECURRENT_KINDS[check.choice("kind", kind, RECURRENT_KINDS)](
            input_size, hidden_size, batch_first=True
        )
        self.head = nn.Linear(hidden_size, n_classes)

    def forward(self, sequences: Tensor) -> Tensor:
        outputs, _ = self.rnn(sequences)  # outputs: (batch, time, hidden), one h_t per step
        return self.head(outputs[:, -1])


# --8<-- [end:recurrent]


def _tokens_and_positions(
    vocab_size: int, max_len: int, d_model: int, n_heads: int, n_layers: int
) -> tuple[nn.Embedding, nn.Embedding]:
    """The token and position tables, once every size of the transformer is checked."""
    check.widths(
        vocab_size=vocab_size, max_len=max_len, d_model=d_model, n_heads=n_heads, n_layers=n_layers
    )
    if d_model % n_heads:
        raise ValueError(
            f"n_heads must divide d_model (each head gets d_model / n_heads dimensions), "
            f"got d_model={d_model} and n_heads={n_heads}"
        )
    return nn.Embedding(vocab_size, d_model), nn.Embedding(max_len, d_model)


def _embed(tokens: Tensor, token_emb: nn.Embedding, pos_emb: nn.Embedding) -> Tensor:
    check.token_ids("tokens", tokens, token_emb.num_embeddings, pos_emb.num_embeddings)
    positions = torch.arange(tokens.shape[1], device=tokens.device)
    # Attention ignores order; a learned vector per position puts order back in.
    return token_emb(tokens) + pos_emb(positions)


def _encoder_layer(d_model: int, n_heads: int) -> nn.TransformerEncoderLayer:
    # dropout=0 keeps the tiny demos deterministic; real models use about 0.1.
    return nn.TransformerEncoderLayer(
        d_model, n_heads, dim_feedforward=2 * d_model, dropout=0.0, batch_first=True
    )


# --8<-- [start:transformer_encoder]
class TransformerEncoderClassifier(nn.Module):
    """Encoder-only transformer (the BERT family): every token attends to every token;
    the mean of the outputs is classified.

    Args:
        vocab_size: number of distinct tokens.
        n_classes: number of outputs.
        d_model: width of each token's vector.
        n_heads: attention heads (must divide ``d_model``).
        n_layers: encoder layers.
        max_len: longest sequence accepted.

    Example:
        >>> TransformerEncoderClassifier()(torch.zeros(5, 12, dtype=torch.long)).shape
        torch.Size([5, 2])
    """

    def __init__(
        self,
        vocab_size: int = 20,
        n_classes: int = 2,
        d_model: int = 16,
        n_heads: int = 2,
        n_layers: int = 1,
        max_len: int = 32,
    ) -> None:
        super().__init__()
        self.token_emb, self.pos_emb = _tokens_and_positions(
            vocab_size, max_len, d_model, n_heads, n_layers
        )
        self.encoder = nn.TransformerEncoder(
            _encoder_layer(d_model, n_heads), n_layers, enable_nested_tensor=False
        )
        self.head = nn.Linear(d_model, check.widths(n_classes=n_classes)[0])

    def forward(self, tokens: Tensor) -> Tensor:
        h = self.encoder(_embed(tokens, self.token_emb, self.pos_emb))  # (batch, length, d)
        return self.head(h.mean(dim=1))


# --8<-- [end:transformer_encoder]


# --8<-- [start:decoder_only]
class DecoderOnlyLM(nn.Module):
    """Decoder-only (causal) transformer language model (the GPT family).

    The same layers as the encoder, plus a causal mask: position t may attend only to
    positions <= t, so the output at t can predict token t+1 without seeing it.
    (PyTorch's ``nn.TransformerDecoder`` adds cross-attention to an encoder, which a
    decoder-only model does not have; a masked encoder layer is the same kind of block as
    GPT's.)

    Args:
        vocab_size: number of distinct tokens; also the number of outputs per position.
        d_model: width of each token's vector.
        n_heads: attention heads.
        n_layers: layers.
        max_len: longest sequence accepted.

    Example:
        >>> DecoderOnlyLM()(torch.zeros(5, 12, dtype=torch.long)).shape  # next-token logits
        torch.Size([5, 12, 20])
    """

    def __init__(
        self,
        vocab_size: int = 20,
        d_model: int = 16,
        n_heads: int = 2,
        n_layers: int = 1,
        max_len: int = 32,
    ) -> None:
        super().__init__()
        self.token_emb, self.pos_emb = _tokens_and_positions(
            vocab_size, max_len, d_model, n_heads, n_layers
        )
        self.blocks = nn.TransformerEncoder(
            _encoder_layer(d_model, n_heads), n_layers, enable_nested_tensor=False
        )
        self.lm_head = nn.Linear(d_model, vocab_size)

    def forward(self, tokens: Tensor) -> Tensor:
        x = _embed(tokens, self.token_emb, self.pos_emb)  # (batch, length, d)
        # -inf above the diagonal: after the softmax, attention to the future is exactly 0.
        causal = nn.Transformer.generate_square_subsequent_mask(x.shape[1], device=x.device)
        h = self.blocks(x, mask=causal, is_causal=True)
        return self.lm_head(h)


# --8<-- [end:decoder_only]


# --8<-- [start:encoder_decoder]
class EncoderDecoder(nn.Module):
    """Encoder-decoder transformer (the original 2017 design; T5, translation models).

    The encoder reads the whole source; the decoder is causal over the target and, in each
    layer, cross-attends to the encoder's output.

    Args:
        src_vocab: source vocabulary size.
        tgt_vocab: target vocabulary size; also the number of outputs per target position.
        d_model: width of each token's vector.
        n_heads: attention heads.
        n_layers: encoder layers and decoder layers (each).
        max_len: longest sequence accepted.

    Example:
        >>> src, tgt = torch.zeros(5, 12, dtype=torch.long), torch.zeros(5, 7, dtype=torch.long)
        >>> EncoderDecoder()(src, tgt).shape
        torch.Size([5, 7, 20])
    """

    def __init__(
        self,
        src_vocab: int = 20,
        tgt_vocab: int = 20,
        d_model: int = 16,
        n_heads: int = 2,
        n_layers: int = 1,
        max_len: int = 32,
    ) -> None:
        super().__init__()
        self.src_emb, self.src_pos = _tokens_and_positions(
            src_vocab, max_len, d_model, n_heads, n_layers
        )
        self.tgt_emb, self.tgt_pos = _tokens_and_positions(
            tgt_vocab, max_len, d_model, n_heads, n_layers
        )
        self.transformer = nn.Transformer(
            d_model,
            n_heads,
            num_encoder_layers=n_layers,
            num_decoder_layers=n_layers,
            dim_feedforward=2 * d_model,
            dropout=0.0,
            batch_first=True,
        )
        self.head = nn.Linear(d_model, tgt_vocab)

    def forward(self, src: Tensor, tgt: Tensor) -> Tensor:
        source = _embed(src, self.src_emb, self.src_pos)
        target = _embed(tgt, self.tgt_emb, self.tgt_pos)
        causal = nn.Transformer.generate_square_subsequent_mask(target.shape[1], device=tgt.device)
        h = self.transformer(source, target, tgt_mask=causal, tgt_is_causal=True)
        return self.head(h)


# --8<-- [end:encoder_decoder]


# --8<-- [start:autoencoder]
class Autoencoder(nn.Module):
    """Autoencoder: an encoder squeezes x into a small code z, a decoder rebuilds x from z.

    Trained to minimise the reconstruction error ||x - decoder(encoder(x))||^2, it must keep
    in z what matters most about x (compression, denoising, anomaly detection).

    Args:
        n_features: size of x.
        code_size: size of the code z (the bottleneck).
        hidden: width of the hidden layer on each side.

    Example:
        >>> Autoencoder()(torch.zeros(5, 64)).shape
        torch.Size([5, 64])
    """

    def __init__(self, n_features: int = 64, code_size: int = 4, hidden: int = 32) -> None:
        super().__init__()
        check.widths(n_features=n_features, code_size=code_size, hidden=hidden)
        self.encoder = MLP((n_features, hidden, code_size))
        self.decoder = MLP((code_size, hidden, n_features))

    def forward(self, x: Tensor) -> Tensor:
        return self.decoder(self.encoder(x))


# --8<-- [end:autoencoder]


# --8<-- [start:vae]
class VAE(nn.Module):
    """Variational autoencoder: the encoder outputs a Gaussian q(z|x) = N(mu, diag(sigma^2)),
    not a single code; z is sampled with the reparameterisation trick.

    ``forward`` returns ``(reconstruction, mu, log_var)``; train on
    reconstruction error + `vae_kl_divergence`. Sampling z ~ N(0, I) and decoding it
    generates new data.

    Args:
        n_features: size of x.
        latent_size: size of z.
        hidden: width of the hidden layers.

    Example:
        >>> recon, mu, log_var = VAE()(torch.zeros(5, 64))
        >>> recon.shape, mu.shape, log_var.shape
        (torch.Size([5, 64]), torch.Size([5, 2]), torch.Size([5, 2]))
    """

    def __init__(self, n_features: int = 64, latent_size: int = 2, hidden: int = 32) -> None:
        super().__init__()
        check.widths(n_features=n_features, latent_size=latent_size, hidden=hidden)
        self.encoder = nn.Sequential(nn.Linear(n_features, hidden), nn.ReLU())
        self.to_mu = nn.Linear(hidden, latent_size)
        self.to_log_var = nn.Linear(hidden, latent_size)  # log sigma^2: any real number is valid
        self.decoder = MLP((latent_size, hidden, n_features))

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        h = self.encoder(x)
        mu, log_var = self.to_mu(h), self.to_log_var(h)
        # Reparameterisation: z = mu + sigma * eps with eps ~ N(0, I) keeps z differentiable
        # in mu and sigma; the randomness sits in eps, which needs no gradient.
        eps = torch.randn_like(mu)
        z = mu + torch.exp(0.5 * log_var) * eps
        return self.decoder(z), mu, log_var


def vae_kl_divergence(mu: Tensor, log_var: Tensor) -> Tensor:
    """KL( N(mu, diag(exp(log_var))) || N(0, I) ), summed over latent dimensions, averaged
    over the batch.

    Closed form per dimension: 0.5 * (mu^2 + sigma^2 - log sigma^2 - 1).

    Raises:
        ValueError: if the shapes of ``mu`` and ``log_var`` differ.

    Example:
        >>> float(vae_kl_divergence(torch.zeros(3, 2), torch.zeros(3, 2)))  # q equals the prior
        0.0
    """
    check.tensors(mu=mu, log_var=log_var)
    if mu.shape != log_var.shape:
        raise ValueError(
            f"mu and log_var must have the same shape, got {tuple(mu.shape)} and "
            f"{tuple(log_var.shape)}"
        )
    per_dim = 0.5 * (mu.pow(2) + log_var.exp() - log_var - 1.0)
    return per_dim.sum(dim=-1).mean()


# --8<-- [end:vae]


# --8<-- [start:gan]
class Generator(nn.Module):
    """GAN generator: maps random noise z ~ N(0, I) to a fake sample.

    Example:
        >>> Generator()(torch.zeros(5, 8)).shape
        torch.Size([5, 64])
    """

    def __init__(self, latent_size: int = 8, n_features: int = 64, hidden: int = 32) -> None:
        super().__init__()
        check.widths(latent_size=latent_size, n_features=n_features, hidden=hidden)
        self.latent_size = latent_size
        self.net = nn.Sequential(MLP((latent_size, hidden, n_features)), nn.Tanh())

    def forward(self, z: Tensor) -> Tensor:
        return self.net(z)


class Discriminator(nn.Module):
    """GAN discriminator: one logit per sample, high for "real", low for "fake".

    Example:
        >>> Discriminator()(torch.zeros(5, 64)).shape
        torch.Size([5, 1])
    """

    def __init__(self, n_features: int = 64, hidden: int = 32) -> None:
        super().__init__()
        check.widths(n_features=n_features, hidden=hidden)
        self.net = MLP((n_features, hidden, 1))

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x)


def gan_losses(real_logits: Tensor, fake_logits: Tensor) -> tuple[Tensor, Tensor]:
    """The two opposing losses of a GAN (binary cross-entropy, non-saturating generator loss).

    The discriminator learns to call real samples 1 and fakes 0; the generator learns to
    make the discriminator call its fakes 1.

    Returns:
        ``(discriminator_loss, generator_loss)``.

    Example:
        >>> d_loss, g_loss = gan_losses(torch.zeros(4, 1), torch.zeros(4, 1))
        >>> round(float(d_loss), 4), round(float(g_loss), 4)  # coin flip: 2 ln 2, ln 2
        (1.3863, 0.6931)
    """
    check.tensors(real_logits=real_logits, fake_logits=fake_logits)
    ones, zeros = torch.ones_like(real_logits), torch.zeros_like(fake_logits)
    d_loss = nn.functional.binary_cross_entropy_with_logits(
        real_logits, ones
    ) + nn.functional.binary_cross_entropy_with_logits(fake_logits, zeros)
    g_loss = nn.functional.binary_cross_entropy_with_logits(
        fake_logits, torch.ones_like(fake_logits)
    )
    return d_loss, g_loss


# --8<-- [end:gan]


ARCHITECTURES: dict[str, Callable[[], nn.Module]] = {
    "mlp": MLP,
    "cnn": CNN,
    "rnn": lambda: RecurrentClassifier("rnn"),
    "lstm": lambda: RecurrentClassifier("lstm"),
    "gru": lambda: RecurrentClassifier("gru"),
    "transformer_encoder": TransformerEncoderClassifier,
    "decoder_only": DecoderOnlyLM,
    "encoder_decoder": EncoderDecoder,
    "autoencoder": Autoencoder,
    "vae": VAE,
    "gan_generator": Generator,
    "gan_discriminator": Discriminator,
}


def build(name: str) -> nn.Module:
    """Build the default-sized architecture called ``name`` (a key of ``ARCHITECTURES``).

    Raises:
        ValueError: for an unknown name.

    Example:
        >>> type(build("lstm").rnn).__name__
        'LSTM'
    """
    return ARCHITECTURES[check.choice("name", name, ARCHITECTURES)]()


def example_input(name: str, batch_size: int = 4) -> tuple[Tensor, ...]:
    """A dummy batch for the default-sized architecture ``name``: ``build(name)(*inputs)`` runs.

    Images are ``(batch, 1, 8, 8)``; sequences of vectors ``(batch, 8 steps, 8 features)``;
    token sequences ``(batch, 12)`` of integer ids (target: ``(batch, 7)``).

    Raises:
        ValueError: for an unknown name or a non-positive ``batch_size``.

    Example:
        >>> source, target = example_input("encoder_decoder", batch_size=2)
        >>> source.shape, target.shape
        (torch.Size([2, 12]), torch.Size([2, 7]))
    """
    check.choice("name", name, ARCHITECTURES)
    check.positive_int("batch_size", batch_size)
    g = torch.Generator().manual_seed(0)
    if name == "cnn":
        return (torch.randn(batch_size, 1, 8, 8, generator=g),)
    if name in RECURRENT_KINDS:
        return (torch.randn(batch_size, 8, 8, generator=g),)
    if name in ("transformer_encoder", "decoder_only"):
        return (torch.randint(0, 20, (batch_size, 12), generator=g),)
    if name == "encoder_decoder":
        src = torch.randint(0, 20, (batch_size, 12), generator=g)
        return src, torch.randint(0, 20, (batch_size, 7), generator=g)
    if name == "gan_generator":
        return (torch.randn(batch_size, 8, generator=g),)
    return (torch.randn(batch_size, 64, generator=g),)
