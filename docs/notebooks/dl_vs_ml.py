# %% [markdown]
# # Deep learning vs machine learning
#
# Companion notebook of [Deep learning vs machine learning](https://dl-day-one.github.io/course/dl-vs-ml/).
# A linear model draws a straight boundary; a multilayer perceptron (MLP) bends it. Whether
# the bend pays off depends on the data and on how much of it there is.

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
# ## Two moons: a straight line against a curve

# %% alt="Two panels over the same two-moons data. Left, logistic regression splits the plane with one straight line, leaving the tips of each moon on the wrong side. Right, the MLP draws a curved boundary that follows the gap between the moons."
from snippets.figures import decision_boundaries_figure

decision_boundaries_figure()

# %% [markdown]
# ## Several models on two small tabular datasets
# Accuracy on a held-out test set, and how many learned numbers each model holds.

# %%
from snippets.dl_vs_ml import compare, format_results

print(format_results(compare(["iris", "moons"], ["logistic_regression", "random_forest", "mlp"])))
