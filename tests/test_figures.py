"""snippets.figures: each figure has its axes, labels and legend, and plots the library's numbers.

Line data is checked against the functions it claims to show, recomputed here from the other
snippets, so a figure that drew the wrong curve (or a stale copy of a formula) fails.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from snippets import activations, figures, gradient_descent, losses
from snippets.workflow import early_stopping

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def drawn() -> dict[str, Figure]:
    """Each figure once per test module (several are trained models)."""
    cache: dict[str, Figure] = {}
    return cache


def get(drawn: dict[str, Figure], name: str) -> Figure:
    if name not in drawn:
        drawn[name] = figures.FIGURES[name]()
    return drawn[name]


def line(ax: Axes, label: str) -> Line2D:
    matches = [ln for ln in ax.get_lines() if ln.get_label() == label]
    assert len(matches) == 1, f"expected one line labelled {label!r} in {ax.get_title()!r}"
    return matches[0]


def xy(ln: Line2D) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(ln.get_xdata(), dtype=float), np.asarray(ln.get_ydata(), dtype=float)


def test_registry_lists_every_figure_function() -> None:
    defined = [name for name in vars(figures) if name.endswith("_figure")]
    assert [function.__name__ for function in figures.FIGURES.values()] == defined
    assert list(figures.FIGURES) == [name.removesuffix("_figure") for name in defined]


def test_registry_is_what_the_pages_show() -> None:
    """Every figure is shown on a page as figures/<name>.svg, and a page shows only those."""
    shown = set()
    for page in (ROOT / "docs").rglob("*.md"):
        shown |= set(re.findall(r"\bfigures/(\w+)\.svg", page.read_text(encoding="utf8")))
    assert shown == set(figures.FIGURES)


@pytest.mark.parametrize("name", list(figures.FIGURES))
def test_every_registered_function_draws_a_white_card(drawn: dict[str, Figure], name: str) -> None:
    fig = get(drawn, name)
    assert isinstance(fig, Figure)
    assert fig.get_axes()
    assert fig.get_facecolor() == (1.0, 1.0, 1.0, 1.0)


@pytest.mark.parametrize(
    "name",
    [
        "activations",
        "losses",
        "optimizer_trajectories",
        "learning_rates",
        "batch_size",
        "decision_boundaries",
        "hidden_units",
        "dl_vs_ml",
        "training_curves",
    ],
)
def test_every_axes_is_labelled_and_the_figure_has_a_legend(
    drawn: dict[str, Figure], name: str
) -> None:
    fig = get(drawn, name)
    assert isinstance(fig, Figure)
    axes = fig.get_axes()
    assert axes
    assert all(ax.get_title() for ax in axes), "every panel has a title"
    assert any(ax.get_xlabel() for ax in axes)
    assert any(ax.get_ylabel() for ax in axes)
    has_legend = bool(fig.legends) or any(ax.get_legend() is not None for ax in axes)
    assert has_legend
    # White card: opaque white background, so the figure reads on light and dark pages.
    assert fig.get_facecolor() == (1.0, 1.0, 1.0, 1.0)


def test_activation_panels_plot_each_function_and_its_derivative(drawn: dict[str, Figure]) -> None:
    fig = get(drawn, "activations")
    axes = fig.get_axes()
    assert [ax.get_title() for ax in axes] == [*activations.ACTIVATION_NAMES, "softmax([z, 0])[0]"]
    for ax, name in zip(axes[:-1], activations.ACTIVATION_NAMES, strict=True):
        phi, dphi = activations.get_activation(name)
        z, value = xy(line(ax, "φ(z)"))
        np.testing.assert_allclose(value, phi(z))
        z, slope = xy(line(ax, "φ'(z)"))
        np.testing.assert_allclose(slope, dphi(z))
    # softmax of [z, 0] is the sigmoid of z, and its derivative the sigmoid's.
    z, value = xy(line(axes[-1], "φ(z)"))
    np.testing.assert_allclose(value, activations.sigmoid(z), atol=1e-12)
    z, slope = xy(line(axes[-1], "φ'(z)"))
    np.testing.assert_allclose(slope, activations.sigmoid_grad(z), atol=1e-12)
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["φ(z)", "φ'(z)"]


def test_loss_curves_are_the_losses_of_one_prediction(drawn: dict[str, Figure]) -> None:
    left, right = get(drawn, "losses").get_axes()
    e, value = xy(line(left, "MSE: e²"))
    np.testing.assert_allclose(value, e**2)
    e, value = xy(line(left, "MAE: |e|"))
    np.testing.assert_allclose(value, np.abs(e))
    e, value = xy(line(left, "Huber, δ = 1"))
    np.testing.assert_allclose(value, [losses.huber([x], [0.0]) for x in e])
    p, value = xy(line(right, "target y = 1"))
    np.testing.assert_allclose(value, -np.log(p))
    p, value = xy(line(right, "target y = 0"))
    np.testing.assert_allclose(value, -np.log(1 - p))


def test_trajectories_start_together_and_follow_the_optimizers(drawn: dict[str, Figure]) -> None:
    axes = get(drawn, "optimizer_trajectories").get_axes()
    assert len(axes) == 2
    for ax, surface in zip(axes, ["quadratic", "rosenbrock"], strict=True):
        expected = gradient_descent.compare_optimizers(surface)
        start = gradient_descent.SURFACES[surface].start
        for label, path in expected.items():
            x, y = xy(line(ax, f"{label} ({len(path) - 1} steps)"))
            assert (x[0], y[0]) == start
            np.testing.assert_allclose(np.column_stack([x, y]), path)


def test_learning_rate_curves_match_batch_gradient_descent(drawn: dict[str, Figure]) -> None:
    (ax,) = get(drawn, "learning_rates").get_axes()
    X, y = gradient_descent.make_linear_data()
    regimes = gradient_descent.learning_rate_regimes(X)
    finals = {}
    for name, lr in regimes.items():
        _, loss = xy(line(ax, f"{name}: η = {lr:.3g}"))
        np.testing.assert_allclose(loss, gradient_descent.batch_gd(X, y, lr, 30).epoch_loss)
        finals[name] = loss[-1]
    assert finals["about right"] < finals["too small"] < finals["divergent"]
    assert ax.get_yscale() == "log"


def test_batch_size_panels(drawn: dict[str, Figure]) -> None:
    left, right = get(drawn, "batch_size").get_axes()
    noise = {}
    for b in figures.BATCH_SIZES:
        epochs, batch_loss = xy(line(left, f"batch size {b}"))
        assert epochs[-1] == pytest.approx(3.0)  # three epochs, whatever the batch size
        noise[b] = np.std(np.diff(np.log(batch_loss))) if batch_loss.size > 2 else 0.0
    assert noise[1] > noise[64]  # smaller batches: a noisier curve
    sizes, millis = xy(line(right, "measured"))
    assert list(sizes) == list(figures.BATCH_SIZES)
    assert np.all(millis > 0)


@pytest.mark.parametrize("name", ["decision_boundaries", "hidden_units"])
def test_boundary_panels_show_both_classes_of_the_moons(
    drawn: dict[str, Figure], name: str
) -> None:
    axes = get(drawn, name).get_axes()
    expected = 2 if name == "decision_boundaries" else len(figures.HIDDEN_UNITS)
    assert len(axes) == expected
    for ax in axes:
        scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
        assert (
            sum(np.asarray(c.get_offsets()).shape[0] for c in scatters) == 400
        )  # every point of the moons
        accuracy = float(re.findall(r"training accuracy (\d+)%", ax.get_title())[0])
        assert 50 <= accuracy <= 100


def test_hidden_unit_titles_follow_the_widths(drawn: dict[str, Figure]) -> None:
    titles = [ax.get_title() for ax in get(drawn, "hidden_units").get_axes()]
    for units, title in zip(figures.HIDDEN_UNITS, titles, strict=True):
        assert title.startswith(f"{units} hidden unit")


def test_dl_vs_ml_curves_have_one_point_per_size(drawn: dict[str, Figure]) -> None:
    (ax,) = get(drawn, "dl_vs_ml").get_axes()
    labels = [ln.get_label() for ln in ax.get_lines()]
    assert labels == ["logistic regression", "random forest", "MLP (PyTorch)"]
    for ln in ax.get_lines():
        sizes, accuracy = xy(ln)
        assert list(sizes) == [25, 50, 100, 200, 400, 800]
        assert np.all((accuracy > 0.1) & (accuracy <= 1.0))
        assert accuracy[-1] > accuracy[0]  # more data helps every model


def test_style_does_not_leak_into_global_state() -> None:
    import matplotlib as mpl

    before = mpl.rcParams["svg.fonttype"], mpl.rcParams["axes.prop_cycle"]
    figures.losses_figure()
    assert (mpl.rcParams["svg.fonttype"], mpl.rcParams["axes.prop_cycle"]) == before


def test_training_curves_mark_best_and_stop(drawn: dict[str, Figure]) -> None:
    left, right = get(drawn, "training_curves").get_axes()
    _, val = xy(line(left, "validation"))
    best, stopped = early_stopping(list(val), patience=3)
    stop = stopped or len(val)
    assert val[best - 1] == val[:stop].min()
    for ax in (left, right):
        verticals = [ln for ln in ax.get_lines() if "epoch" in str(ln.get_label())]
        assert [float(xy(ln)[0][0]) for ln in verticals] == [best, stop]
    _, accuracy = xy(line(right, "training"))
    assert np.all((accuracy >= 0) & (accuracy <= 1))


DIAGRAMS = ["neuron_diagram", "backprop_network", "neuron_loss_graph"]


def texts(fig: Figure) -> list[str]:
    """Every text drawn on the figure's axes, titles left out."""
    return [t.get_text() for ax in fig.get_axes() for t in ax.texts]


@pytest.mark.parametrize("name", DIAGRAMS)
def test_diagrams_are_white_cards_with_a_title_and_no_axes(
    drawn: dict[str, Figure], name: str
) -> None:
    fig = get(drawn, name)
    assert fig.get_facecolor() == (1.0, 1.0, 1.0, 1.0)
    for ax in fig.get_axes():
        assert ax.get_title()
        assert not ax.axison  # a diagram, not a plot: no ticks or spines to read
        assert ax.texts


def test_neuron_diagram_shows_the_neuron_pages_numbers(drawn: dict[str, Figure]) -> None:
    fig = get(drawn, "neuron_diagram")
    (x1, x2), (w1, w2), b = figures.NEURON_EXAMPLE
    z = torch.tensor(w1 * x1 + w2 * x2 + b, dtype=torch.float64)
    shown = texts(fig)
    assert f"Σ\nz = {z.item():.2f}" in shown
    assert f"output\n{torch.sigmoid(z).item():.4f}" in shown
    assert {f"w₁ = {w1:g}", f"w₂ = {w2:g}", f"x₁\n{x1:g}", f"x₂\n{x2:g}", f"b\n{b:g}"} <= set(shown)


def _mazur_step_in_torch() -> tuple[torch.Tensor, torch.Tensor, float, float, list[float]]:
    """Mazur's network in PyTorch, one SGD step with fixed biases: old and new weights
    (w1..w8), the error before and after, and the outputs after."""
    W1 = torch.tensor([[0.15, 0.20], [0.25, 0.30]], dtype=torch.float64, requires_grad=True)
    W2 = torch.tensor([[0.40, 0.45], [0.50, 0.55]], dtype=torch.float64, requires_grad=True)
    x = torch.tensor([0.05, 0.10], dtype=torch.float64)
    t = torch.tensor([0.01, 0.99], dtype=torch.float64)

    def forward(A: torch.Tensor, B: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        out = torch.sigmoid(B @ torch.sigmoid(A @ x + 0.35) + 0.60)
        return out, 0.5 * ((t - out) ** 2).sum()

    _, error = forward(W1, W2)
    error.backward()  # type: ignore[no-untyped-call]
    assert W1.grad is not None
    assert W2.grad is not None
    with torch.no_grad():
        new1, new2 = W1 - 0.5 * W1.grad, W2 - 0.5 * W2.grad
        out, after = forward(new1, new2)
    old = torch.cat([W1.detach().flatten(), W2.detach().flatten()])
    new = torch.cat([new1.flatten(), new2.flatten()])
    return old, new, error.item(), after.item(), out.tolist()


def test_backprop_network_shows_the_worked_example_before_and_after(
    drawn: dict[str, Figure],
) -> None:
    fig = get(drawn, "backprop_network")
    before, after = fig.get_axes()
    old, new, error, error_after, out_after = _mazur_step_in_torch()
    # w1 i1->h1, w2 i2->h1, w3 i1->h2, w4 i2->h2: row by row of W1, then of W2.
    shown_before = {t.get_text() for t in before.texts}
    shown_after = {t.get_text() for t in after.texts}
    for k in range(8):
        sub = str(k + 1).translate(figures.SUBSCRIPTS)
        assert f"w{sub} = {old[k].item():.2f}" in shown_before
        assert f"w{sub} = {new[k].item():.4f}" in shown_after
    assert before.get_title() == f"Before: E_total = {error:.6f}"
    assert after.get_title().endswith(f"E_total = {error_after:.6f}")
    assert f"o1\n{out_after[0]:.4f}" in shown_after
    assert {"b1\n0.35", "b2\n0.6", "target\n0.01", "target\n0.99"} <= shown_before & shown_after


def test_neuron_loss_graph_values_and_gradients_match_autograd(drawn: dict[str, Figure]) -> None:
    example = figures.NEURON_LOSS_EXAMPLE
    leaves = {
        name: torch.tensor(example[name], dtype=torch.float64, requires_grad=True)
        for name in "xwby"
    }
    u = leaves["w"] * leaves["x"]
    z = u + leaves["b"]
    a = torch.sigmoid(z)
    loss = (a - leaves["y"]) ** 2
    inner = {"u": u, "z": z, "a": a}
    for tensor in inner.values():
        tensor.retain_grad()
    loss.backward()  # type: ignore[no-untyped-call]
    graph = figures.neuron_loss_graph(**example)
    shown = texts(get(drawn, "neuron_loss_graph"))
    for name, tensor in {**leaves, **inner, "C": loss}.items():
        value, grad = graph[name]
        if name == "C":
            expected_grad = 1.0
        else:
            assert tensor.grad is not None
            expected_grad = tensor.grad.item()
        assert value == pytest.approx(tensor.item(), rel=1e-12)
        assert grad == pytest.approx(expected_grad, rel=1e-12)
        assert f"∂C/∂{name} = {expected_grad:.4f}" in shown


def test_parabola_descent_panels_follow_gradient_descent(drawn: dict[str, Figure]) -> None:
    axes = get(drawn, "parabola_descent").get_axes()
    assert [ax.get_title() for ax in axes] == [
        "η = 0.1: too small",
        "η = 0.5: about right",
        "η = 1.1: divergent",
    ]
    distance = {}
    for ax, lr in zip(axes, [0.1, 0.5, 1.1], strict=True):
        w, loss = xy(line(ax, "5 steps from w = 0"))
        expected = [0.0]
        for _ in range(5):
            expected.append(expected[-1] - lr * 2 * (expected[-1] - 3))
        np.testing.assert_allclose(w, expected)
        np.testing.assert_allclose(loss, (w - 3) ** 2)
        distance[lr] = abs(w[-1] - 3)
    assert distance[0.5] < distance[0.1] < 3 < distance[1.1]
    assert axes[0].get_legend() is not None


def test_a_figure_of_numpy_functions_loads_neither_torch_nor_sklearn() -> None:
    """A notebook drawing the activations figure should not wait for PyTorch and scikit-learn
    (about 4 s on a laptop): each figure imports only the modules it draws from."""
    program = (
        "import sys\n"
        "from snippets.figures import activations_figure, losses_figure\n"
        "activations_figure(); losses_figure()\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'torch', 'sklearn'}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]", done.stdout
