# %% [markdown]
# # The neuron
#
# Companion notebook of the chapter [The neuron](https://dl-day-one.github.io/course/neuron/).
# Every function comes from the course package `snippets`: the same code the chapter shows and
# the tests check. Change the numbers and run the cells again.
#
# A neuron computes a weighted sum of its inputs plus a bias, and bends it with an activation:
#
# $$y = \phi\left(\sum_{i=1}^{n} w_i x_i + b\right) = \phi(\mathbf{w}^\top \mathbf{x} + b).$$

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
# ## One neuron in NumPy
# The weighted sum $z$ first, then the four activations of `snippets.neuron`.

# %%
from snippets.neuron import dense_layer, neuron, torch_neuron, weighted_sum

x = [0.5, -1.2]  # inputs
w = [0.8, 0.3]  # weights
b = 0.1  # bias
print(f"z = {weighted_sum(x, w, b):.4f}")
for phi in ["identity", "sigmoid", "tanh", "relu"]:
    print(f"{phi:>8}(z) = {neuron(x, w, b, phi):.6f}")

# %% [markdown]
# ## The same neuron in PyTorch
# `nn.Linear(2, 1)` holds the weights and the bias; the activation follows it.

# %%
import torch

model = torch_neuron(w, b, "sigmoid")
y_torch = model(torch.tensor(x, dtype=torch.float64)).item()
print(model)
print(f"PyTorch: {y_torch:.6f}   NumPy: {neuron(x, w, b, 'sigmoid'):.6f}")

# %% [markdown]
# ## A layer is a matrix product
# Three neurons applied to a batch of four inputs: $Y = \phi(X W^\top + \mathbf{b})$, with
# $X$ of shape (batch, inputs), $W$ of shape (neurons, inputs) and one output column per neuron.

# %%
import numpy as np

rng = np.random.default_rng(0)
X = rng.normal(size=(4, 2))
W = rng.normal(size=(3, 2))
bias = np.zeros(3)
Y = dense_layer(X, W, bias, "relu")
print("X", X.shape, "W", W.shape, "->", "Y", Y.shape)
print(Y.round(3))
