# %% [markdown]
# # Gradient descent and optimizers
#
# Companion notebook of [Gradient descent](https://dl-day-one.github.io/course/gradient-descent/)
# and [Optimizers](https://dl-day-one.github.io/course/optimizers/). Gradient descent repeats
#
# $$\mathbf{w} \leftarrow \mathbf{w} - \eta\,\nabla L(\mathbf{w})$$
#
# with learning rate $\eta$; the optimizers change how the gradient becomes a step.

# %%
# Setup. In the course repository `snippets` is already installed; anywhere else (Colab, a
# fresh Jupyter) this cell installs it first. Figures are shown as SVG, sharp at any zoom.
import importlib.util

if importlib.util.find_spec("snippets") is None:
    get_ipython().run_line_magic(  # what `%pip install ...` does, inside an `if`
        "pip", "install --quiet dl-day-one-snippets@git+https://github.com/dl-day-one/course"
    )

# %matplotlib inline
# %config InlineBackend.figure_formats = ["svg"]

# %% [markdown]
# ## The learning rate
# On a quadratic loss, gradient descent diverges for $\eta > 2/\lambda_{\max}$, where
# $\lambda_{\max}$ is the largest eigenvalue of the Hessian. `learning_rate_regimes` picks one
# rate well below, one at $1/\lambda_{\max}$ and one just above the threshold.

# %%
from snippets.gradient_descent import batch_gd, learning_rate_regimes, make_linear_data

X, y = make_linear_data()
for name, lr in learning_rate_regimes(X).items():
    history = batch_gd(X, y, lr=lr, epochs=30)
    print(f"{name:>12}: lr = {lr:.4f}, loss after 30 steps = {history.epoch_loss[-1]:.4g}")

# %% alt="Loss against epoch on a log scale for three learning rates: the too-small one decreases slowly and steadily, the one at one over the largest eigenvalue drops to the minimum after one epoch and stays flat, the divergent one rises along a straight line, that is, geometrically."
from snippets.figures import learning_rates_figure

learning_rates_figure()

# %% [markdown]
# ## Four optimizers from the same start
# SGD, SGD with momentum, RMSprop and Adam on an ill-conditioned quadratic and on the
# Rosenbrock function, whose minimum lies at the end of a long curved valley.

# %%
import numpy as np

from snippets.gradient_descent import SURFACES, compare_optimizers

for surface in ("quadratic", "rosenbrock"):
    minimum = SURFACES[surface].minimum
    for label, path in compare_optimizers(surface).items():
        distance = np.linalg.norm(path[-1] - minimum)
        print(
            f"{surface:>10} {label:>15}: {len(path) - 1} steps, distance to minimum {distance:.2e}"
        )

# %% alt="Two contour plots with the paths of SGD, SGD with momentum, RMSprop and Adam. Left, the ill-conditioned quadratic: plain SGD zigzags across the steep direction, momentum swings wide across the narrow direction and back, yet reaches the minimum in fewer steps, RMSprop flattens the steep direction first and then runs straight in, Adam curves round the minimum. Right, the Rosenbrock function: every path starts at the upper left, zigzags down into the curved valley and follows its floor; plain SGD stops partway, momentum and Adam reach the minimum at (1, 1)."
from snippets.figures import optimizer_trajectories_figure

optimizer_trajectories_figure()
