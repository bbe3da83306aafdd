"""The notebooks of docs/notebooks/ execute without error, and the site shows them executed.

Each notebook is executed by the same function the site's hook uses (hooks/notebooks.py), into
a temporary folder, so a failing cell fails this test with the cell's traceback. The site
tests check what a reader gets: every notebook page with its outputs, no error output, the
download of the executed ``.ipynb`` and the Colab link.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import pytest
from conftest import DOCS, ROOT

NOTEBOOKS = sorted(path for path in (DOCS / "notebooks").glob("*.py") if path.name != "conftest.py")


def load_hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("notebooks_hook", ROOT / "hooks" / "notebooks.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_notebook_is_in_the_nav() -> None:
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf8")
    assert len(NOTEBOOKS) >= 7
    for path in NOTEBOOKS:
        assert f"notebooks/{path.name}" in nav, f"{path.name} is missing from the nav"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_imports_snippets_and_installs_them_elsewhere(notebook: Path) -> None:
    source = notebook.read_text(encoding="utf8")
    assert source.startswith("# %% [markdown]\n# # "), "a title cell comes first"
    assert 'find_spec("snippets") is None' in source, "the setup cell installs the package"
    assert re.search(r"^from snippets\.\w+ import", source, re.M), "code comes from snippets"
    assert "def " not in source, "notebooks import functions from snippets, not define them"


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_executes_without_error(notebook: Path, tmp_path: Path) -> None:
    target = tmp_path / "notebooks" / f"{notebook.stem}.ipynb"
    load_hook().execute(notebook, target)  # raises CellExecutionError on any failing cell
    executed = json.loads(target.read_text(encoding="utf8"))
    code = [cell for cell in executed["cells"] if cell["cell_type"] == "code"]
    assert code
    assert all(cell["execution_count"] for cell in code), "every code cell ran"
    outputs = [output for cell in code for output in cell["outputs"]]
    assert outputs, "the notebook shows something"
    assert not [output for output in outputs if output["output_type"] == "error"]


def test_math_delimiters_are_rewritten_for_the_site_mathjax() -> None:
    hook = load_hook()
    html = '<div class="jp-RenderedMarkdown">cost $5 and $x_1$ then $$\\sum_i w_i$$</div>'
    rewritten = hook.MARKDOWN_CELL.sub(lambda m: m[1] + hook.mathjax_delimiters(m[2]) + m[3], html)
    assert "\\(x_1\\)" in rewritten
    assert "\\[\\sum_i w_i\\]" in rewritten


def test_cache_key_follows_the_notebook_and_the_snippets_it_imports(tmp_path: Path) -> None:
    hook = load_hook()
    notebook = tmp_path / "demo.py"
    notebook.write_text("# %%\nfrom snippets.losses import mse\n", encoding="utf8")
    modules = hook.snippet_modules(notebook.read_text(encoding="utf8"))
    assert {"losses", "activations"} <= modules  # losses imports activations
    assert "tiny_network" not in modules
    key = hook.cache_key(notebook)
    notebook.write_text("# %%\nfrom snippets.losses import mae\n", encoding="utf8")
    assert hook.cache_key(notebook) != key


@pytest.mark.slow
@pytest.mark.xdist_group("site")
def test_site_shows_every_notebook_executed_with_its_download(site: Path) -> None:
    for path in NOTEBOOKS:
        page = site / "notebooks" / path.stem / "index.html"
        assert page.is_file(), f"{path.name} was not rendered"
        html = page.read_text(encoding="utf8")
        assert "jp-OutputArea-output" in html, f"{path.name} shows no output"
        assert "jp-RenderedText" in html or "image/svg" in html or "<svg" in html
        assert f'href="{path.stem}.ipynb"' in html
        assert (
            f"colab.research.google.com/github/dl-day-one/course/blob/main/docs/notebooks/"
            f"{path.stem}.ipynb" in html
        )
        download = json.loads((page.parent / f"{path.stem}.ipynb").read_text(encoding="utf8"))
        outputs = [o for c in download["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
        assert outputs, "the download is the executed notebook"
        assert not [o for o in outputs if o["output_type"] == "error"]
