"""The site's figures, each drawn by one function from the other snippets' own code.

Every ``<name>_figure()`` returns a `matplotlib.figure.Figure` built with the object
API (no ``pyplot``, so no global figure state), with labelled axes and a legend, and is
listed in :data:`FIGURES` under the name the site's pages use for it: the build draws each one
into ``figures/<name>.svg``.

**Light and dark mode.** A figure is a white card (opaque white background; the site's CSS
rounds its corners) with near-black text and the Okabe-Ito colour-blind-safe palette. An SVG
shown through ``<img>`` cannot see which palette the reader toggled in Material, so a
transparent figure would have to pick one text colour for two backgrounds: mid-grey, which
is low-contrast on both. The white card reads the same in both modes, when downloaded and
when printed.

Each figure computes what it shows with small settings, in well under two seconds. It imports
the course modules it draws from inside its own body, so a notebook that draws one figure loads
only what that figure needs: the activation functions' figure needs NumPy and matplotlib, not
PyTorch and scikit-learn (about 4 s less on a laptop).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import matplotlib as mpl
import numpy as np
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyBboxPatch
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

# --8<-- [start:style]
# Okabe and Ito's palette: distinguishable with every common form of colour blindness.
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
INK = "#222222"  # text, ticks, spines: near-black on the white card
# Typed loosely: matplotlib's stubs want a dict keyed by the Literal of every rcParams name.
STYLE: dict[Any, Any] = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "text.color": INK,
    "axes.labelcolor": INK,
    "axes.edgecolor": "#555555",
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.prop_cycle": cycler(color=COLORS),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 9,
    "axes.titlesize": 10,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "lines.linewidth": 1.8,
    # Text stays text (the browser's sans-serif font), which keeps each SVG small.
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Helvetica", "Arial", "sans-serif"],
    "svg.fonttype": "none",
    "svg.hashsalt": "dl-day-one",  # stable element ids, so an unchanged figure is byte-identical
}


@contextmanager
def figure_style() -> Iterator[None]:
    """Apply :data:`STYLE` while a figure is drawn or saved, and restore the defaults after."""
    with mpl.rc_context(STYLE):
        yield


def card(width: float, height: float) -> Figure:
    """A white-card figure of ``width`` x ``height`` inches with a tight, constrained layout."""
    return Figure(figsize=(width, height), layout="constrained")


# --8<-- [end:style]


# --8<-- [start:activations]
def activations_figure() -> Figure:
    """Every activation function (solid) and its derivative (dashed), one panel each.

    The last panel is softmax over two logits ``[z, 0]``: its first output is the sigmoid
    of ``z``, which is how softmax generalises the sigmoid to many classes.
    """
    from snippets import activations

    z = np.linspace(-3.0, 3.0, 61)  # steps of 0.1, with z = 0 (the kinks) among them
    panels: list[tuple[str, FloatArray, FloatArray]] = []
    for name in activations.ACTIVATION_NAMES:
        phi, dphi = activations.get_activation(name)
        panels.append((name, phi(z), dphi(z)))
    logits = np.stack([z, np.zeros_like(z)], axis=1)
    first = activations.softmax(logits)[:, 0]
    # d softmax_0 / d z_0: the Jacobian-vector product with the unit vector e_0.
    unit = np.tile([1.0, 0.0], (z.size, 1))
    panels.append(("softmax([z, 0])[0]", first, activations.softmax_jvp(logits, unit)[:, 0]))

    with figure_style():
        fig = card(8.0, 4.2)
        axes = fig.subplots(2, 4, sharex=True)
        for ax, (name, value, grad) in zip(axes.flat, panels, strict=True):
            ax.plot(z, value, color=COLORS[0], label="φ(z)")
            ax.plot(z, grad, color=COLORS[1], linestyle="--", label="φ'(z)")
            ax.set_title(name)
            ax.set_ylim(-1.3, 3.1)
            ax.set_yticks([-1, 0, 1, 2, 3])
        for ax in axes[1]:
            ax.set_xlabel("pre-activation z")
        for ax in axes[:, 0]:
            ax.set_ylabel("value")
        handles, labels = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside upper center", ncols=2)
    return fig


# --8<-- [end:activations]


def _per_element(
    loss: Callable[[FloatArray, FloatArray], float], pred: FloatArray, target: float
) -> FloatArray:
    """The loss of each prediction on its own (the library's losses average over a batch)."""
    return np.array([loss(np.array([p]), np.array([target])) for p in pred])


# --8<-- [start:losses]
def losses_figure() -> Figure:
    """Regression losses against the error, and binary cross-entropy against the probability."""
    from snippets import losses

    error = np.linspace(-3.0, 3.0, 61)
    prob = np.linspace(0.005, 0.995, 100)
    with figure_style():
        fig = card(8.0, 3.2)
        left, right = fig.subplots(1, 2)
        left.plot(error, _per_element(losses.mse, error, 0.0), label="MSE: e²")
        left.plot(error, _per_element(losses.mae, error, 0.0), label="MAE: |e|")
        left.plot(
            error,
            _per_element(losses.huber, error, 0.0),
            label="Huber, δ = 1",
            linestyle="--",
        )
        left.set_xlabel("error e = prediction - target")
        left.set_ylabel("loss")
        left.set_title("Regression: one error's loss")
        left.legend()

        right.plot(prob, _per_element(losses.binary_cross_entropy, prob, 1.0), label="target y = 1")
        right.plot(prob, _per_element(losses.binary_cross_entropy, prob, 0.0), label="target y = 0")
        right.set_xlabel("predicted probability p of class 1")
        right.set_ylabel("binary cross-entropy")
        right.set_title("Classification: -log p(true class)")
        right.set_ylim(0.0, 5.5)
        right.legend(loc="upper center")
    return fig


# --8<-- [end:losses]


# --8<-- [start:optimizer_trajectories]
def optimizer_trajectories_figure() -> Figure:
    """SGD, momentum, RMSprop and Adam from one start, on an ill-conditioned bowl and Rosenbrock."""
    from snippets import gradient_descent

    titles = {
        "quadratic": "Ill-conditioned quadratic ½(x² + 10y²)",
        "rosenbrock": "Rosenbrock (1 - x)² + 100(y - x²)²",
    }
    with figure_style():
        fig = card(8.0, 3.6)
        for ax, (surface, title) in zip(fig.subplots(1, 2), titles.items(), strict=True):
            chosen = gradient_descent.SURFACES[surface]
            paths = gradient_descent.compare_optimizers(surface)
            xs = np.linspace(-4.5, 4.5, 120) if surface == "quadratic" else np.linspace(-2, 2, 120)
            ys = np.linspace(-2.2, 2.2, 100) if surface == "quadratic" else np.linspace(-1, 3, 100)
            gx, gy = np.meshgrid(xs, ys)
            heights = np.array([chosen.f(p) for p in np.column_stack([gx.ravel(), gy.ravel()])])
            # Log-spaced levels: both functions span several orders of magnitude.
            levels = np.geomspace(max(heights.min(), 1e-2), heights.max(), 12)
            ax.contour(
                gx, gy, heights.reshape(gx.shape), levels=levels, colors="#bbbbbb", linewidths=0.7
            )
            for (label, path), color in zip(paths.items(), COLORS[: len(paths)], strict=True):
                ax.plot(
                    *path.T, color=color, linewidth=1.3, label=f"{label} ({len(path) - 1} steps)"
                )
            ax.plot(*chosen.start, marker="o", color=INK, linestyle="none", label="start")
            ax.plot(
                *chosen.minimum,
                marker="*",
                markersize=11,
                color=INK,
                linestyle="none",
                label="minimum",
            )
            ax.set_xlim(xs[0], xs[-1])
            ax.set_ylim(ys[0], ys[-1])
            ax.set_title(title)
            ax.set_xlabel("x")
            ax.set_ylabel("y")
            ax.grid(False)
            ax.legend(loc="upper right" if surface == "rosenbrock" else "lower right", fontsize=7)
    return fig


# --8<-- [end:optimizer_trajectories]


# --8<-- [start:learning_rates]
def learning_rates_figure(epochs: int = 30) -> Figure:
    """Loss against step for a learning rate that is too small, about right, and divergent."""
    from snippets import gradient_descent

    X, y = gradient_descent.make_linear_data()
    with figure_style():
        fig = card(5.5, 3.4)
        ax = fig.subplots()
        for name, lr in gradient_descent.learning_rate_regimes(X).items():
            history = gradient_descent.batch_gd(X, y, lr=lr, epochs=epochs)
            ax.plot(history.epoch_loss, marker=".", label=f"{name}: η = {lr:.3g}")
        ax.set_yscale("log")
        ax.set_xlabel("step (full-batch gradient descent)")
        ax.set_ylabel("mean squared error (log scale)")
        ax.set_title("Learning rate: too small, about right, divergent")
        ax.legend()
    return fig


# --8<-- [end:learning_rates]


BATCH_SIZES = (1, 8, 64, 500)


def _seconds_per_epoch(X: FloatArray, y: FloatArray, batch_size: int, epochs: int = 5) -> float:
    from snippets import gradient_descent

    start = time.perf_counter()
    gradient_descent.minibatch_gd(X, y, lr=0.02, epochs=epochs, batch_size=batch_size)
    return (time.perf_counter() - start) / epochs


# --8<-- [start:batch_size]
def batch_size_figure(batch_sizes: Sequence[int] = BATCH_SIZES) -> Figure:
    """Smaller batches: a noisier loss curve, but more updates per epoch and slower epochs."""
    from snippets import gradient_descent

    X, y = gradient_descent.make_linear_data(n_samples=500)
    with figure_style():
        fig = card(8.0, 3.4)
        left, right = fig.subplots(1, 2)
        for batch_size in batch_sizes:
            history = gradient_descent.minibatch_gd(X, y, lr=0.02, epochs=3, batch_size=batch_size)
            epochs = np.arange(1, history.batch_loss.size + 1) / history.updates_per_epoch
            left.plot(epochs, history.batch_loss, linewidth=0.9, label=f"batch size {batch_size}")
        left.set_ylim(0.0, 1.2 * float(history.batch_loss.max()))  # the full batch's start
        left.set_xlabel("epoch")
        left.set_ylabel("loss on the current batch")
        left.set_title("Loss curve: noisier with smaller batches")
        left.legend()

        seconds = [_seconds_per_epoch(X, y, b) for b in batch_sizes]
        right.plot(batch_sizes, [1000 * s for s in seconds], marker="o", label="measured")
        right.set_xscale("log")
        right.set_yscale("log")
        right.set_xticks(batch_sizes, [str(b) for b in batch_sizes])
        right.minorticks_off()
        right.set_xlabel("batch size (log scale)")
        right.set_ylabel("milliseconds per epoch (log scale)")
        right.set_title(f"Wall-clock time of one epoch, {len(y)} rows")
        right.legend()
    return fig


# --8<-- [end:batch_size]


# --8<-- [start:training_curves]
def training_curves_figure(epochs: int = 14, patience: int = 3) -> Figure:
    """The tiny network's loss and accuracy per epoch, and where early stopping triggers."""
    from snippets import tiny_network
    from snippets.workflow import early_stopping

    result = tiny_network.train_tiny_network(epochs=epochs, device="cpu", batch_size=64)
    history = result.history
    epoch = [record.epoch for record in history]
    best, stopped = early_stopping([record.val_loss for record in history], patience)
    stop = stopped or len(history)
    with figure_style():
        fig = card(8.0, 3.4)
        left, right = fig.subplots(1, 2, sharex=True)
        left.plot(epoch, [r.train_loss for r in history], marker=".", label="training")
        left.plot(epoch, [r.val_loss for r in history], marker=".", label="validation")
        left.set_yscale("log")
        left.set_ylabel("cross-entropy loss (log scale)")
        left.set_title("Loss")
        right.plot(epoch, [r.train_accuracy for r in history], marker=".", label="training")
        right.plot(epoch, [r.val_accuracy for r in history], marker=".", label="validation")
        right.set_ylabel("accuracy")
        right.set_title("Accuracy")
        for ax in (left, right):
            ax.axvline(
                best,
                color=COLORS[2],
                linestyle="--",
                linewidth=1.2,
                label=f"best validation loss: epoch {best} (weights kept)",
            )
            if stopped is not None:
                stop_label = f"early stop: epoch {stop} ({patience} epochs without improvement)"
            else:
                stop_label = f"last epoch {stop}: patience {patience} not yet used up"
            ax.axvline(stop, color=COLORS[3], linestyle=":", linewidth=1.5, label=stop_label)
            ax.set_xlabel("epoch")
        left.legend(fontsize=7)
    return fig


# --8<-- [end:training_curves]


def _boundary(ax: Axes, model: Any, X: FloatArray, y: NDArray[np.int64], title: str) -> None:
    """Shade the class ``model`` predicts over the plane, and scatter the points on top."""
    pad = 0.5
    xs = np.linspace(X[:, 0].min() - pad, X[:, 0].max() + pad, 150)
    ys = np.linspace(X[:, 1].min() - pad, X[:, 1].max() + pad, 120)
    gx, gy = np.meshgrid(xs, ys)
    predicted = model.predict(np.column_stack([gx.ravel(), gy.ravel()])).reshape(gx.shape)
    # The shading and the points go in as one small embedded PNG; the boundary stays a vector line.
    ax.contourf(
        gx, gy, predicted, levels=[-0.5, 0.5, 1.5], colors=["#cfe3f3", "#f6d7c3"], rasterized=True
    )
    ax.contour(gx, gy, predicted, levels=[0.5], colors=INK, linewidths=1.0)
    for label, marker in ((0, "o"), (1, "s")):
        points = X[y == label]
        ax.scatter(
            points[:, 0],
            points[:, 1],
            s=9,
            marker=marker,
            color=COLORS[label],
            label=f"class {label}",
            rasterized=True,
        )
    accuracy = float(np.mean(model.predict(X) == y))
    ax.set_title(f"{title}\ntraining accuracy {accuracy:.0%}")
    ax.set_xlabel("feature x₁")
    ax.grid(False)


# --8<-- [start:decision_boundaries]
def decision_boundaries_figure() -> Figure:
    """The boundary a logistic regression draws on two moons, next to an MLP's."""
    from snippets import dl_vs_ml

    X, y = dl_vs_ml.load_dataset("moons")
    models = [
        (dl_vs_ml.make_model("logistic_regression"), "Logistic regression: a straight line"),
        (dl_vs_ml.make_model("mlp"), "MLP (2 hidden layers of 32): a curve"),
    ]
    with figure_style():
        fig = card(8.0, 3.6)
        axes = fig.subplots(1, 2, sharey=True)
        for ax, (model, title) in zip(axes, models, strict=True):
            _boundary(ax, model.fit(X, y), X, y, title)
        axes[0].set_ylabel("feature x₂")
        axes[0].legend(loc="lower left")
    return fig


# --8<-- [end:decision_boundaries]


HIDDEN_UNITS = (2, 4, 8, 32)


# --8<-- [start:hidden_units]
def hidden_units_figure(hidden_units: Sequence[int] = HIDDEN_UNITS) -> Figure:
    """An MLP's decision boundary on two moons as its one hidden layer widens."""
    from snippets import dl_vs_ml

    X, y = dl_vs_ml.load_dataset("moons")
    with figure_style():
        fig = card(8.0, 2.9)
        axes = fig.subplots(1, len(hidden_units), sharey=True)
        for ax, units in zip(axes, hidden_units, strict=True):
            model = dl_vs_ml.TorchMLPClassifier(hidden=(units,), steps=400).fit(X, y)
            _boundary(ax, model, X, y, f"{units} hidden unit{'s' if units > 1 else ''}")
        axes[0].set_ylabel("feature x₂")
        axes[0].legend(loc="lower left")
    return fig


# --8<-- [end:hidden_units]


# --8<-- [start:dl_vs_ml]
def dl_vs_ml_figure() -> Figure:
    """Test accuracy on handwritten digits as the training set grows, per model."""
    from snippets import dl_vs_ml

    sweep = dl_vs_ml.size_sweep(
        "digits",
        sizes=(25, 50, 100, 200, 400, 800),
        models=("logistic_regression", "random_forest", "mlp"),
        repeats=1,
    )
    names = {
        "logistic_regression": "logistic regression",
        "random_forest": "random forest",
        "mlp": "MLP (PyTorch)",
    }
    with figure_style():
        fig = card(5.5, 3.4)
        ax = fig.subplots()
        for (model, accuracy), marker in zip(sweep.accuracy.items(), "os^", strict=True):
            ax.plot(sweep.sizes, accuracy, marker=marker, label=names[model])
        ax.set_xscale("log")
        ax.set_xticks(sweep.sizes, [str(n) for n in sweep.sizes])
        ax.minorticks_off()
        ax.set_xlabel("training examples (log scale)")
        ax.set_ylabel(f"test accuracy ({sweep.n_test} held-out digits)")
        ax.set_title("Digits: accuracy as the training set grows")
        ax.legend(loc="lower right")
    return fig


# --8<-- [end:dl_vs_ml]


# Diagrams: drawn on an axes without ticks or grid, in the axes' data coordinates.
NODE_STYLE: dict[str, Any] = {"facecolor": "#eef4fa", "edgecolor": COLORS[0], "linewidth": 1.3}
BACKWARD = COLORS[1]  # vermillion: the gradients, on a diagram that also shows forward values
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sub(k: int) -> str:
    """``k`` as subscript digits: ``_sub(12) == "₁₂"``."""
    return str(k).translate(SUBSCRIPTS)


def _diagram_axes(ax: Axes, xlim: tuple[float, float], ylim: tuple[float, float]) -> None:
    """An axes for a diagram: fixed limits, equal scale, no ticks, spines or grid."""
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_axis_off()


def _node(ax: Axes, xy: tuple[float, float], text: str, radius: float = 0.32) -> None:
    """A circle at ``xy`` with ``text`` centred in it."""
    ax.add_patch(Circle(xy, radius, zorder=3, **NODE_STYLE))
    ax.text(*xy, text, ha="center", va="center", zorder=4, fontsize=8)


def _edge(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    label: str = "",
    at: float = 0.5,
    gap: float = 0.34,
    color: str = INK,
    dashed: bool = False,
) -> None:
    """An arrow from ``start`` to ``end`` that stops ``gap`` short of both centres, with
    ``label`` in a white box at the fraction ``at`` of the way."""
    (x0, y0), (x1, y1) = start, end
    length = float(np.hypot(x1 - x0, y1 - y0))
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    ax.annotate(
        "",
        xy=(x1 - gap * ux, y1 - gap * uy),
        xytext=(x0 + gap * ux, y0 + gap * uy),
        arrowprops={
            "arrowstyle": "-|>",
            "color": color,
            "linewidth": 1.0,
            "linestyle": "--" if dashed else "-",
            "shrinkA": 0,
            "shrinkB": 0,
        },
        zorder=1,
    )
    if label:
        ax.text(
            x0 + at * (x1 - x0),
            y0 + at * (y1 - y0),
            label,
            ha="center",
            va="center",
            fontsize=7.5,
            color=color,
            zorder=2,
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
        )


# --8<-- [start:neuron_diagram]
NEURON_EXAMPLE = ((0.5, -1.2), (0.8, 0.3), 0.1)  # x, w, b: the neuron page's example


def neuron_diagram_figure(activation: str = "sigmoid") -> Figure:
    """One neuron with the numbers of the neuron page: inputs, the weights on the edges, the
    weighted sum with its bias, the activation and the output."""
    from snippets import neuron

    x, w, b = NEURON_EXAMPLE
    z = neuron.weighted_sum(x, w, b)
    out = neuron.neuron(x, w, b, activation)
    with figure_style():
        fig = card(6.4, 3.0)
        ax = fig.subplots()
        _diagram_axes(ax, (-0.6, 7.6), (-1.75, 2.1))
        total, squash = (3.0, 0.5), (5.0, 0.5)
        for k, (xy, value, weight) in enumerate(
            zip([(0.0, 1.4), (0.0, -0.4)], x, w, strict=True), start=1
        ):
            _node(ax, xy, f"x{_sub(k)}\n{value:g}")
            _edge(ax, xy, total, f"w{_sub(k)} = {weight:g}", gap=0.45)
        _node(ax, (3.0, -1.35), f"b\n{b:g}", radius=0.3)
        _edge(ax, (3.0, -1.35), total, gap=0.42)
        _node(ax, total, f"Σ\nz = {z:.2f}", radius=0.48)
        _node(ax, squash, f"φ\n{activation}", radius=0.48)
        _edge(ax, total, squash, gap=0.5)
        _edge(ax, squash, (6.3, 0.5), gap=0.5)
        ax.text(6.35, 0.5, f"output\n{out:.4f}", ha="left", va="center", fontsize=8)
        ax.text(0.0, 2.0, "inputs", ha="center", fontsize=8)
        ax.text(3.0, 1.25, "weighted sum\nplus bias", ha="center", fontsize=8)
        ax.text(5.0, 1.25, "activation", ha="center", fontsize=8)
        ax.set_title(
            f"z = {w[0]:g}·{x[0]:g} + {w[1]:g}·({x[1]:g}) + {b:g} = {z:.2f};  "
            f"output = {activation}(z) = {out:.4f}"
        )
    return fig


# --8<-- [end:neuron_diagram]


MAZUR_LINKS = {  # weight number: (from, to), the article's numbering
    1: ("i1", "h1"),
    2: ("i2", "h1"),
    3: ("i1", "h2"),
    4: ("i2", "h2"),
    5: ("h1", "o1"),
    6: ("h2", "o1"),
    7: ("h1", "o2"),
    8: ("h2", "o2"),
}
MAZUR_NODES = {"i1": (0.0, 2.0), "i2": (0.0, 0.0), "h1": (2.6, 2.0), "h2": (2.6, 0.0)}
MAZUR_NODES |= {"o1": (5.2, 2.0), "o2": (5.2, 0.0)}


def _mazur_panel(ax: Axes, v: dict[str, float], after: bool) -> None:
    """The 2-2-2 network with the weights (before or after the update) and the outputs."""
    from snippets import backprop

    _diagram_axes(ax, (-0.7, 6.6), (-1.55, 2.75))
    # A label where the crossing edges are apart: a quarter of the way along them.
    for k, (start, end) in MAZUR_LINKS.items():
        weight = v[f"w{k}+"] if after else v[f"w{k}"]
        text = f"w{_sub(k)} = {weight:.4f}" if after else f"w{_sub(k)} = {weight:.2f}"
        crossing = MAZUR_NODES[start][1] != MAZUR_NODES[end][1]
        at = 0.27 if crossing else 0.5
        _edge(ax, MAZUR_NODES[start], MAZUR_NODES[end], text, at=at, gap=0.45)
    for name in ("i1", "i2"):
        _node(ax, MAZUR_NODES[name], f"{name}\n{v[name]:g}")
    # After the step, each neuron's output with the new weights.
    out = backprop.worked_example(weights=[v[f"w{k}+"] for k in range(1, 9)]) if after else v
    for name in ("h1", "h2", "o1", "o2"):
        _node(ax, MAZUR_NODES[name], f"{name}\n{out['out_' + name]:.4f}", radius=0.42)
    for name, target in (("o1", "t1"), ("o2", "t2")):
        x, y = MAZUR_NODES[name]
        ax.text(x + 0.5, y, f"target\n{v[target]:g}", ha="left", va="center", fontsize=7.5)
    for bias, (x, into) in (("b1", (1.3, ("h1", "h2"))), ("b2", (3.9, ("o1", "o2")))):
        _node(ax, (x, -1.15), f"{bias}\n{v[bias]:g}", radius=0.3)
        for name in into:
            _edge(ax, (x, -1.15), MAZUR_NODES[name], gap=0.45, color="#777777", dashed=True)


# --8<-- [start:backprop_network]
def backprop_network_figure() -> Figure:
    """The worked example's 2-2-2 network, before and after its one step of gradient descent:
    the weights on the edges, each neuron's output in its circle, the error in the title."""
    from snippets import backprop

    v = backprop.worked_example()
    with figure_style():
        fig = card(8.0, 3.3)
        before, after = fig.subplots(1, 2)
        _mazur_panel(before, v, after=False)
        before.set_title(f"Before: E_total = {v['E_total']:.6f}")
        _mazur_panel(after, v, after=True)
        after.set_title(f"After one step (η = {v['eta']:g}): E_total = {v['E_total+']:.6f}")
    return fig


# --8<-- [end:backprop_network]


NEURON_LOSS_EXAMPLE = {"x": 1.5, "w": 0.8, "b": -0.5, "y": 1.0}


def neuron_loss_graph(x: float, w: float, b: float, y: float) -> dict[str, tuple[float, float]]:
    """Forward value and backward gradient dC/d(node) of each node of the graph of
    ``C = (sigmoid(w x + b) - y)^2``, by the chain rule, from the loss back.

    Example:
        >>> graph = neuron_loss_graph(x=1.0, w=0.0, b=0.0, y=1.0)
        >>> graph["a"], graph["C"]
        ((0.5, -1.0), (0.25, 1.0))
    """
    u = w * x
    z = u + b
    a = float(1 / (1 + np.exp(-z)))
    loss = (a - y) ** 2
    grad_a = 2 * (a - y)  # dC/da
    grad_z = grad_a * a * (1 - a)  # times da/dz = sigmoid'(z)
    grad_u = grad_z * 1.0  # dz/du = 1
    return {
        "C": (loss, 1.0),
        "a": (a, grad_a),
        "z": (z, grad_z),
        "u": (u, grad_u),
        "b": (b, grad_z * 1.0),  # dz/db = 1
        "w": (w, grad_u * x),  # du/dw = x
        "x": (x, grad_u * w),  # du/dx = w
        "y": (y, -grad_a),  # dC/dy = -2(a - y)
    }


# --8<-- [start:neuron_loss_graph]
def neuron_loss_graph_figure() -> Figure:
    """The computational graph of one sigmoid neuron's squared error: in each node its forward
    value (black) and the gradient of the loss with respect to it (vermillion); on each edge
    the local derivative that the chain rule multiplies along it."""
    g = neuron_loss_graph(**NEURON_LOSS_EXAMPLE)
    value = {name: forward for name, (forward, _) in g.items()}
    places = {"w": (0.0, 2.0), "x": (0.0, 0.0), "u": (3.2, 1.0), "b": (3.2, -1.0)}
    places |= {"z": (6.4, 1.0), "a": (9.6, 1.0), "y": (9.6, -1.0), "C": (12.8, 1.0)}
    formulas = {"u": "u = w·x", "z": "z = u + b", "a": "a = sigmoid(z)", "C": "C = (a - y)²"}
    local = {  # (from, to): the local derivative d(to)/d(from), written out and evaluated
        ("w", "u"): f"∂u/∂w = x\n= {value['x']:g}",
        ("x", "u"): f"∂u/∂x = w\n= {value['w']:g}",
        ("u", "z"): "∂z/∂u\n= 1",
        ("b", "z"): "∂z/∂b = 1",
        ("z", "a"): f"∂a/∂z\n= a(1 - a)\n= {value['a'] * (1 - value['a']):.4f}",
        ("a", "C"): f"∂C/∂a\n= 2(a - y)\n= {2 * (value['a'] - value['y']):.4f}",
        ("y", "C"): f"∂C/∂y\n= -2(a - y)\n= {-2 * (value['a'] - value['y']):.4f}",
    }
    width, height = 1.8, 0.9
    with figure_style():
        fig = card(8.0, 3.5)
        ax = fig.subplots()
        _diagram_axes(ax, (-1.0, 13.8), (-1.55, 2.55))
        for (start, end), text in local.items():
            (x0, y0), (x1, y1) = places[start], places[end]
            # From the right edge of one box to the left edge of the next, the label above it.
            ax.annotate(
                "",
                xy=(x1 - width / 2, y1),
                xytext=(x0 + width / 2, y0),
                arrowprops={"arrowstyle": "-|>", "color": "#555555", "linewidth": 1.0},
            )
            below = start == "y"  # the one edge whose label has no room above it
            ax.text(
                (x0 + x1) / 2 + (0.15 if below else 0.0),
                (y0 + y1) / 2 + (-0.1 if below else 0.12),
                text,
                ha="left" if below else "center",
                va="top" if below else "bottom",
                fontsize=6.5,
                color="#444444",
            )
        for name, (forward, backward) in g.items():
            x, y = places[name]
            ax.add_patch(
                FancyBboxPatch(
                    (x - width / 2, y - height / 2),
                    width,
                    height,
                    boxstyle="round,pad=0.02,rounding_size=0.15",
                    zorder=3,
                    **NODE_STYLE,
                )
            )
            shown = (
                f"{formulas[name]}\n= {forward:.4f}"
                if name in formulas
                else f"{name} = {forward:g}"
            )
            ax.text(x, y + 0.12, shown, ha="center", va="center", fontsize=7, zorder=4)
            ax.text(
                x,
                y - 0.3,
                f"∂C/∂{name} = {backward:.4f}",
                ha="center",
                va="center",
                fontsize=7,
                color=BACKWARD,
                zorder=4,
            )
        ax.set_title("One neuron's loss C = (sigmoid(w·x + b) - y)² as a graph")
        handles = [
            Line2D([], [], color=INK, marker="s", linestyle="none", label="forward value"),
            Line2D(
                [],
                [],
                color=BACKWARD,
                marker="s",
                linestyle="none",
                label="gradient ∂C/∂(node): product of the local derivatives from C back",
            ),
            Line2D([], [], color="#555555", label="edge: local derivative"),
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=7)
    return fig


# --8<-- [end:neuron_loss_graph]


PARABOLA_MINIMUM = 3.0
PARABOLA_LEARNING_RATES = {"too small": 0.1, "about right": 0.5, "divergent": 1.1}


def parabola_descent(w: float, lr: float, steps: int) -> list[float]:
    """Gradient descent on ``L(w) = (w - 3)^2`` from ``w``: every position, the start first.

    Example:
        >>> parabola_descent(0.0, lr=0.5, steps=2)
        [0.0, 3.0, 3.0]
    """
    path = [w]
    for _ in range(steps):
        w = w - lr * 2 * (w - PARABOLA_MINIMUM)  # dL/dw = 2 (w - 3)
        path.append(w)
    return path


# --8<-- [start:parabola_descent]
def parabola_descent_figure(start: float = 0.0, steps: int = 5) -> Figure:
    """Steps of gradient descent down ``L(w) = (w - 3)^2`` for a learning rate that is too
    small, about right and divergent."""
    with figure_style():
        fig = card(8.0, 3.0)
        axes = fig.subplots(1, len(PARABOLA_LEARNING_RATES), sharey=True)
        grid = np.linspace(-5.0, 11.0, 161)
        for ax, (name, lr) in zip(axes, PARABOLA_LEARNING_RATES.items(), strict=True):
            path = np.array(parabola_descent(start, lr, steps))
            ax.plot(grid, (grid - PARABOLA_MINIMUM) ** 2, color="#999999", label="L(w) = (w - 3)²")
            ax.plot(
                path,
                (path - PARABOLA_MINIMUM) ** 2,
                color=COLORS[1],
                marker="o",
                markersize=4,
                linewidth=1.0,
                label=f"{steps} steps from w = {start:g}",
            )
            ax.annotate(
                "start",
                (path[0], (path[0] - 3) ** 2),
                xytext=(4, 6),
                textcoords="offset points",
                fontsize=7.5,
            )
            ax.plot(
                PARABOLA_MINIMUM,
                0.0,
                marker="*",
                markersize=10,
                color=INK,
                linestyle="none",
                label="minimum, w = 3",
            )
            ax.set_title(f"η = {lr:g}: {name}")
            ax.set_xlabel("weight w")
            ax.set_xlim(grid[0], grid[-1])
            ax.set_ylim(-2.0, 65.0)
        axes[0].set_ylabel("loss L(w)")
        axes[0].legend(loc="upper center", fontsize=7)
    return fig


# --8<-- [end:parabola_descent]


# Every figure the site shows, under the name its pages give it: figures/<name>.svg.
FIGURES: dict[str, Callable[[], Figure]] = {
    "activations": activations_figure,
    "losses": losses_figure,
    "optimizer_trajectories": optimizer_trajectories_figure,
    "learning_rates": learning_rates_figure,
    "batch_size": batch_size_figure,
    "training_curves": training_curves_figure,
    "decision_boundaries": decision_boundaries_figure,
    "hidden_units": hidden_units_figure,
    "dl_vs_ml": dl_vs_ml_figure,
    "neuron_diagram": neuron_diagram_figure,
    "backprop_network": backprop_network_figure,
    "neuron_loss_graph": neuron_loss_graph_figure,
    "parabola_descent": parabola_descent_figure,
}
