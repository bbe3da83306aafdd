# %% [markdown]
# # A tiny network in PyTorch
#
# Companion notebook of [A tiny network in PyTorch](https://dl-day-one.github.io/course/tiny-network/).
# A network with one hidden layer learns to read 8x8 handwritten digits. Each epoch we measure
# the loss and the accuracy on the training split and on a validation split it never trains on.

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

# %%
import torch

from snippets.tiny_network import train_tiny_network

result = train_tiny_network(epochs=5, device="cpu")
print(
    f"{result.n_parameters} parameters, trained in {result.train_seconds:.1f} s on {result.device}"
)
print(f"(this machine's time, with {torch.get_num_threads()} PyTorch threads; yours will differ)")
print("epoch  train loss  val loss  train acc  val acc")
for r in result.history:
    print(
        f"{r.epoch:5d}  {r.train_loss:10.4f}  {r.val_loss:8.4f}  {r.train_accuracy:9.3f}  {r.val_accuracy:7.3f}"
    )
print(f"test accuracy: {result.test_accuracy:.3f}")

# %% [markdown]
# ## Where early stopping triggers
# The training loss keeps falling; the validation loss stops improving after a few epochs.
# Early stopping keeps the weights of the epoch with the lowest validation loss, and stops once
# $p$ epochs (the *patience*) pass without a new lowest.

# %% alt="Two panels against the epoch. Left, the loss on a log scale: the training loss keeps falling while the validation loss flattens after a few epochs. Right, the accuracy: training accuracy climbs towards 1 while validation accuracy levels off below it. A dashed vertical line marks the epoch with the lowest validation loss, whose weights early stopping keeps, and a dotted one the epoch where it stops training."
from snippets.figures import training_curves_figure

training_curves_figure()
