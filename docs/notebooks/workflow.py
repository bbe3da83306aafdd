# %% [markdown]
# # The nine-step workflow
#
# Companion notebook of [The nine-step workflow](https://dl-day-one.github.io/course/workflow/).
# `run_workflow` runs every step in order, from defining the problem to saving the model,
# and touches the test set exactly once.

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
from snippets.workflow import run_workflow

result = run_workflow("breast-cancer", epochs=10, device="cpu")
summary = result.to_dict()
for number, step in enumerate(result.steps, start=1):
    print(f"{number}. {step}")
print("test set used by:", summary["test_accesses"])

# %% [markdown]
# ## What the steps produced
# The validation set chose the hyperparameters (step 7); the test set, opened once in step 8,
# gives the unbiased estimate.

# %%
first = summary["first_model"]
print(f"first model: best epoch {first['best_epoch']}, validation {first['val_metric']:.3f}")
for trial in summary["trials"]:
    print(f"  lr={trial['lr']:<7} hidden={trial['hidden']}: validation {trial['val_metric']:.3f}")
print(f"chosen: {summary['best']}")
print(
    f"test {summary['test_metric']}: {summary['test_value']:.3f} "
    f"(baseline {summary['test_baseline']:.3f}, n = {summary['test_n']})"
)
