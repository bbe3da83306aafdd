# %% [markdown]
# # Backpropagation
#
# Companion notebook of [Backpropagation](https://dl-day-one.github.io/course/backpropagation/).
# The chain rule, applied layer by layer from the loss back to the first weights, gives every
# gradient in one backward pass:
#
# $$\frac{\partial L}{\partial w} = \frac{\partial L}{\partial a}\,\frac{\partial a}{\partial z}\,\frac{\partial z}{\partial w}.$$

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
# ## The worked example, every number computed
# A 2-2-2 sigmoid network, one forward pass, one backward pass, one update.

# %%
from snippets.backprop import print_worked_example

print_worked_example()

# %% [markdown]
# ## Check the gradients against finite differences
# A relative error near $10^{-7}$ or below means the backward pass is right.

# %%
import numpy as np

from snippets.backprop import NumpyMLP, gradient_check

net = NumpyMLP.from_seed([3, 5, 2], ["tanh", "sigmoid"], seed=1)
rng = np.random.default_rng(0)
X, y = rng.normal(size=(8, 3)), rng.uniform(size=(8, 2))
print(f"worst relative error: {gradient_check(net, X, y):.1e}")

# %% [markdown]
# ## Train a network on XOR
# No straight line separates XOR; one hidden layer of tanh units learns it.

# %%
from snippets.backprop import train

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
y = np.array([[0.0], [1.0], [1.0], [0.0]])
net = NumpyMLP.from_seed([2, 4, 1], ["tanh", "sigmoid"], seed=0)
losses = train(net, X, y, loss="mse", optimizer="adam", lr=0.05, epochs=500)
print(f"loss: epoch 1 {losses[0]:.4f}, epoch {len(losses)} {losses[-1]:.4f}")
print("outputs:", net.forward(X).ravel().round(2), "targets:", y.ravel())
