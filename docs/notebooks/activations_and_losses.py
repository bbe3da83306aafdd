# %% [markdown]
# # Activations and losses
#
# Companion notebook of [Activation functions](https://dl-day-one.github.io/course/activations/)
# and [Loss functions](https://dl-day-one.github.io/course/loss-functions/). Each function
# comes from `snippets.activations` or `snippets.losses`, next to its derivative.

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
# ## Every activation and its derivative
# Backpropagation multiplies the upstream gradient by $\phi'(z)$, so the derivative matters as
# much as the function: the sigmoid's is at most $1/4$, ReLU's is 0 or 1.

# %% alt="Eight small panels, one per activation: identity, sigmoid, tanh, ReLU, leaky ReLU, ELU, GELU and softmax over the two logits z and 0. Each shows the function as a solid blue line and its derivative as a dashed orange line for z from -3 to 3. The sigmoid's derivative is a low bump that never exceeds one quarter; tanh's peaks at 1 at z = 0; ReLU's derivative jumps from 0 to 1 at z = 0; GELU dips slightly below zero for negative z."
from snippets.figures import activations_figure

activations_figure()

# %% [markdown]
# Check one derivative numerically: the central difference
# $\bigl(\phi(z+h) - \phi(z-h)\bigr) / 2h$ against the formula.

# %%
import numpy as np

from snippets.activations import ACTIVATION_NAMES, get_activation

z, h = np.linspace(-3, 3, 13), 1e-6
for name in ACTIVATION_NAMES:
    phi, dphi = get_activation(name)
    numeric = (phi(z + h) - phi(z - h)) / (2 * h)
    # z = 0 is skipped: ReLU and leaky ReLU have a kink there.
    worst = np.abs(numeric - dphi(z))[z != 0].max()
    print(f"{name:>10}: largest difference {worst:.1e}")

# %% [markdown]
# ## Regression losses and classification losses
# For an error $e$: MSE $e^2$, MAE $|e|$, and Huber, quadratic up to $\delta$ and linear
# beyond. For a predicted probability $p$ of the true class, binary cross-entropy is $-\log p$.

# %% alt="Two panels. Left: the loss of one prediction against its error e from -3 to 3: MSE is a parabola that reaches 9 at the ends, MAE a V shape, and Huber with delta 1 is half the parabola near zero, below MSE, and beyond an error of 1 grows in a straight line parallel to MAE, half a unit below it. Right: binary cross-entropy against the predicted probability p: for target 1 it falls from very large values near p = 0 to zero at p = 1; for target 0 it is the mirror image."
from snippets.figures import losses_figure

losses_figure()

# %% [markdown]
# One outlier among five targets: MSE is dominated by it, MAE and Huber much less.

# %%
from snippets.losses import binary_cross_entropy, huber, mae, mse

pred = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
target = np.array([1.1, 1.9, 3.2, 3.9, 15.0])  # the last one is an outlier
for loss in (mse, mae, huber):
    print(f"{loss.__name__:>5}: {loss(pred, target):8.3f}")
print(f"BCE of p = 0.9 for class 1: {binary_cross_entropy([0.9], [1.0]):.4f}")
print(f"BCE of p = 0.1 for class 1: {binary_cross_entropy([0.1], [1.0]):.4f}")
