"""pytest: the notebooks here are not test modules; tests/test_notebooks.py executes them.

Without this, ``--doctest-modules`` and pytest-markdown-docs would import each notebook as a
module, running it outside Jupyter. hooks/notebooks.py keeps this file off the site.
"""

collect_ignore_glob = ["*.py"]
