"""The notebooks of docs/notebooks/ execute without error, and the site shows them executed.

Each notebook is executed by the same function the site's hook uses (hooks/notebooks.py), into
a temporary folder, so a failing cell fails this test with the cell's traceback. The site
tests check what a reader gets: every notebook page with its outputs, no error output, the
download of the executed ``.ipynb`` and the Colab link.
"""

from __future__ import annotations

import base64
import json
import os
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import nbformat
import pytest
from bs4 import BeautifulSoup
from conftest import DOCS, load_hook, nav_pages
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from nbconvert import HTMLExporter

NOTEBOOKS = sorted(path for path in (DOCS / "notebooks").glob("*.py") if path.name != "conftest.py")


def test_every_notebook_is_in_the_nav() -> None:
    nav = {page.file for page in nav_pages()}
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
def test_a_failing_cell_stops_the_execution(tmp_path: Path) -> None:
    """The built site's notebooks all ran (see the site test below); here, one that fails."""
    notebook = tmp_path / "broken.py"
    notebook.write_text('# %%\nprint("first cell")\n\n# %%\nraise ValueError("boom")\n')
    with pytest.raises(Exception, match="boom"):
        load_hook("notebooks").execute(notebook, tmp_path / "out" / "broken.ipynb")


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="no process priorities on Windows")
def test_a_notebook_runs_at_a_lower_priority_than_the_build(tmp_path: Path) -> None:
    """The kernel gives way to the build's own work (hooks/snippet_deps.py's in_background)."""
    notebook = tmp_path / "niceness.py"
    notebook.write_text("# %%\nimport os\nprint(os.getpriority(os.PRIO_PROCESS, 0))\n")
    target = tmp_path / "out" / "niceness.ipynb"
    load_hook("notebooks").execute(notebook, target)
    (cell,) = json.loads(target.read_text(encoding="utf8"))["cells"]
    niceness = int("".join(cell["outputs"][0]["text"]))
    assert niceness == min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10)


def rendered_markdown(*cells: str) -> str:
    """The markdown cells rendered by nbconvert's HTML exporter, as mkdocs-jupyter renders them,
    with the notebooks hook loaded."""
    load_hook("notebooks")
    notebook = nbformat.from_dict(  # type: ignore[no-untyped-call]
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {},
            "cells": [
                {"id": f"cell-{k}", "cell_type": "markdown", "metadata": {}, "source": source}
                for k, source in enumerate(cells)
            ],
        }
    )
    exporter = HTMLExporter(template_name="basic")  # type: ignore[no-untyped-call]
    body, _ = exporter.from_notebook_node(notebook)
    return str(body)


def test_markdown_math_is_handed_to_the_build_time_typesetter() -> None:
    html = rendered_markdown(
        "$x_1 < y$ then $$\\sum_i w_i$$",
        "\\begin{align}a &= b\\end{align}",
    )
    assert '<span class="arithmatex">\\(x_1 &lt; y\\)</span>' in html
    assert '<div class="arithmatex">\\[\\sum_i w_i\\]</div>' in html
    assert '<div class="arithmatex">\\begin{align}a &amp;= b\\end{align}</div>' in html
    assert "$" not in html


def test_a_dollar_in_code_is_not_math() -> None:
    """Regression: a regex over the rendered HTML made math of ``$HOME</code> and <code>$``."""
    html = rendered_markdown("`$HOME` and `$PATH`", "```\nprice $5, then $6\n```")
    assert "<code>$HOME</code> and <code>$PATH</code>" in html
    assert "price $5, then $6" in html
    assert "arithmatex" not in html


def test_math_after_a_nested_div_is_typeset() -> None:
    """Regression: the rendered cell's regex stopped at its first nested ``</div>``."""
    html = rendered_markdown("<div>aside <div>inner</div></div>\n\nthen $x$ and $$y$$")
    assert '<span class="arithmatex">\\(x\\)</span>' in html
    assert '<div class="arithmatex">\\[y\\]</div>' in html
    assert "$" not in html


def test_unused_template_scripts_are_dropped() -> None:
    hook = load_hook("notebooks")
    page = (
        '<!-- Load mathjax -->\n<script src=""> </script>'
        '<script type="text/x-mathjax-config">MathJax.Hub.Config({})</script>'
        '<script type="module">import("https://cdn/mermaid.esm.min.mjs")</script>'
        "<script>keep()</script>"
    )
    assert hook.UNUSED_SCRIPTS.sub("", page) == "<script>keep()</script>"


def test_cache_key_follows_the_notebook_and_the_snippets_it_imports(tmp_path: Path) -> None:
    hook = load_hook("notebooks")
    notebook = tmp_path / "demo.py"
    notebook.write_text("# %%\nfrom snippets.losses import mse\n", encoding="utf8")
    modules = hook.snippet_modules(notebook.read_text(encoding="utf8"))
    assert {"losses", "activations"} <= modules  # losses imports activations
    assert "tiny_network" not in modules
    key = hook.cache_key(notebook)
    notebook.write_text("# %%\nfrom snippets.losses import mae\n", encoding="utf8")
    assert hook.cache_key(notebook) != key


@pytest.mark.slow
def test_site_shows_every_notebook_executed_with_its_download(site: Path) -> None:
    for path in NOTEBOOKS:
        page = site / "notebooks" / path.stem / "index.html"
        assert page.is_file(), f"{path.name} was not rendered"
        html = page.read_text(encoding="utf8")
        assert "jp-OutputArea-output" in html, f"{path.name} shows no output"
        assert "jp-RenderedText" in html or "image/svg" in html or "<svg" in html
        assert f'href="{path.stem}.ipynb"' in html
        assert (
            f"colab.research.google.com/github/dl-day-one/course/blob/notebooks/"
            f"{path.stem}.ipynb" in html
        )
        download = json.loads((page.parent / f"{path.stem}.ipynb").read_text(encoding="utf8"))
        code = [c for c in download["cells"] if c["cell_type"] == "code"]
        assert all(c["execution_count"] for c in code), f"{path.name}: a code cell did not run"
        outputs = [o for c in code for o in c["outputs"]]
        assert outputs, "the download is the executed notebook"
        assert not [o for o in outputs if o["output_type"] == "error"]


def test_the_stylesheet_keeps_what_applies_on_the_pages(tmp_path: Path) -> None:
    hook = load_hook("notebooks")
    css = tmp_path / "notebook.css"
    css.write_text(
        ":root{--used:1px;--unused:2px}.kept{margin:var(--used)}.gone{b:2}"
        ".kept .gone, .kept > .also{c:3}body{f:7}@media (max-width: 10px){.gone{g:8}.kept{h:9}}"
        "@font-face{font-family:Used;src:url(u.woff2)}@font-face{font-family:Unused;src:url(x.woff2)}"
        ".also{font-family:Used;animation:spin 1s}@keyframes spin{to{opacity:0}}@keyframes no{}",
        encoding="utf8",
    )
    page = tmp_path / "page.html"
    page.write_text('<body><p class="kept"><span class="also">x</span></p></body>', encoding="utf8")
    hook.purge_stylesheet(css, [page])
    kept = re.sub(r"\s+", "", css.read_text(encoding="utf8"))
    for rule in (
        ":root{--used:1px}",
        ".kept{margin:var(--used)}",
        ".kept>.also{c:3}",
        "body{f:7}",
        "@media(max-width:10px){.kept{h:9}}",
        "font-family:Used;src:url(u.woff2)",
        "@keyframesspin{to{opacity:0}}",
    ):
        assert rule in kept, (rule, kept)
    for gone in ("--unused", ".gone", "Unused", "@keyframesno"):
        assert gone not in kept, (gone, kept)


def test_a_purgecss_failure_names_the_stylesheet_and_the_error(tmp_path: Path) -> None:
    hook = load_hook("notebooks")
    css = tmp_path / "broken.css"
    css.write_text(".a{color:red", encoding="utf8")
    page = tmp_path / "page.html"
    page.write_text('<p class="a">x</p>', encoding="utf8")
    with pytest.raises(PluginError, match=r"(?s)PurgeCSS failed on .*broken\.css.*Unclosed block"):
        hook.purge_stylesheet(css, [page])


def test_rendered_pages_are_cached_per_version_of_the_hook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hook = load_hook("notebooks")
    monkeypatch.setattr(hook, "ROOT", tmp_path)
    renders = tmp_path / ".cache" / "mkdocs-jupyter"
    (renders / "0123456789ab").mkdir(parents=True)  # rendered by an earlier version
    plugin = SimpleNamespace(config={"cache_dir": "unset"})
    hook.on_config(SimpleNamespace(plugins={"mkdocs-jupyter": plugin}))
    folder = Path(plugin.config["cache_dir"])
    assert folder.parent == renders
    assert re.fullmatch(r"[0-9a-f]{12}", folder.name)
    assert folder.name != "0123456789ab"
    assert not (renders / "0123456789ab").exists()
    folder.mkdir()  # this version's renders survive the next build
    hook.on_config(SimpleNamespace(plugins={"mkdocs-jupyter": plugin}))
    assert folder.is_dir()


def test_the_template_head_loses_its_stylesheets_and_unused_scripts(tmp_path: Path) -> None:
    hook = load_hook("notebooks")
    hook._styles.clear()
    file = File("notebooks/demo.py", "docs", str(tmp_path), use_directory_urls=True)
    file.url = "notebooks/demo/"  # as mkdocs-jupyter's NotebookFile sets it
    content = (
        '<script>copy()</script><style type="text/css">.jp-Cell{a:1}</style><style>.b{c:2}</style>'
        '<script type="text/x-mathjax-config">MathJax.Hub.Config({})</script>'
        '<div class="jupyter-wrapper"><div class="jp-OutputArea"><style>.output{d:3}</style>'
        "</div></div> <!-- jupyter-wrapper -->\n  <style>\n  ['pre { a: 1 }\\n.x { b: 2 }']\n"
        "  </style>\n  "
    )
    assert hook.template_head(content, file) == (
        '<link rel="stylesheet" href="../../assets/notebook.css">\n<script>copy()</script>'
        '<div class="jupyter-wrapper"><div class="jp-OutputArea"><style>.output{d:3}</style>'
        "</div></div> <!-- jupyter-wrapper -->\n"
    )
    assert list(hook._styles) == [".jp-Cell{a:1}", ".b{c:2}"]
    with pytest.raises(PluginError, match=r'notebooks/demo\.py: no <div class="jupyter-wrapper">'):
        hook.template_head("<p>not nbconvert</p>", file)


@pytest.mark.slow
def test_notebook_pages_share_one_stylesheet_of_the_rules_they_use(site: Path) -> None:
    stylesheet = site / "assets" / "notebook.css"
    css = stylesheet.read_text(encoding="utf8")
    # nbconvert inlines JupyterLab's whole theme, about 590 KB; the notebooks use a fraction.
    assert 5_000 < len(css) < 60_000, len(css)
    for selector in (".jp-OutputArea-output", ".jp-InputArea", ".jupyter-wrapper", "--jp-"):
        assert selector in css, selector
    for path in NOTEBOOKS:
        page = (site / "notebooks" / path.stem / "index.html").read_text(encoding="utf8")
        assert '<link rel="stylesheet" href="../../assets/notebook.css">' in page, path.name
        styles = re.findall(r"<style[^>]*>(.*?)</style>", page, re.S)
        assert sum(map(len, styles)) < 5_000, path.name
        assert not [css for css in styles if css.lstrip().startswith("[")], path.name


@pytest.mark.slow
def test_notebook_math_is_typeset_and_the_downloads_keep_dollars(site: Path) -> None:
    for path in NOTEBOOKS:
        if "$" not in path.read_text(encoding="utf8"):
            continue
        page = site / "notebooks" / path.stem / "index.html"
        soup = BeautifulSoup(page.read_text(encoding="utf8"), "html.parser")
        cells = soup.select(".jp-RenderedMarkdown")
        assert cells, path.name
        assert all("$" not in cell.get_text() for cell in cells), path.name
        assert soup.select(".jp-RenderedMarkdown .arithmatex math"), path.name
        download = json.loads((page.parent / f"{path.stem}.ipynb").read_text(encoding="utf8"))
        markdown = "".join(
            "".join(c["source"]) for c in download["cells"] if c["cell_type"] == "markdown"
        )
        assert "$" in markdown, path.name


SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="72pt" height="36pt"><rect/></svg>'
# The smallest PNG header: signature, then an IHDR chunk for a 3 x 2 image.
PNG = (
    b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + (3).to_bytes(4, "big") + (2).to_bytes(4, "big")
)


def notebook_json(*cells: tuple[str | None, list[str]]) -> dict[str, Any]:
    """A notebook whose code cells have the given ``alt`` and one output, in these MIME types."""
    return {
        "cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Title"}]
        + [
            {
                "cell_type": "code",
                "metadata": {} if alt is None else {"alt": alt},
                "outputs": [{"output_type": "display_data", "data": dict.fromkeys(kinds, "...")}],
            }
            for alt, kinds in cells
        ]
    }


def data_img(mime: str, payload: bytes) -> str:
    encoded = base64.b64encode(payload).decode()
    generic = "No description has been provided for this image"  # nbconvert's
    return f'<img alt="{generic}" src="data:{mime};base64,{encoded}"/>'


def test_image_descriptions_come_from_each_image_cells_alt_line() -> None:
    hook = load_hook("notebooks")
    notebook = notebook_json(
        ("Two panels", ["image/svg+xml"]),
        ("ignored: text only", ["text/plain"]),
        (None, ["image/png"]),
        ("Both drawn", ["image/png", "text/plain"]),
        ("ignored: shown as HTML", ["text/html", "image/png"]),
    )
    assert hook.image_descriptions(notebook, "demo") == ["Two panels", None, "Both drawn"]


def test_a_cell_showing_two_images_is_an_error_naming_it() -> None:
    hook = load_hook("notebooks")
    notebook = notebook_json(("One", ["image/png"]), ("Two", ["image/png"]))
    notebook["cells"][2]["outputs"].append(notebook["cells"][1]["outputs"][0])
    with pytest.raises(PluginError, match="demo: code cell 2 shows 2 images"):
        hook.image_descriptions(notebook, "demo")


def test_inline_images_become_sized_lazy_described_files(tmp_path: Path) -> None:
    hook = load_hook("notebooks")
    svg, png = data_img("image/svg+xml", SVG.encode()), data_img("image/png", PNG)
    page = f"<p>before</p>{svg}<div>{png}</div>"
    html = hook.extract_images(page, ['A "wide" chart', "A dot"], tmp_path / "out", "demo")
    assert html == (
        '<p>before</p><img alt="A &quot;wide&quot; chart" src="demo-figure-1.svg" width="96" '
        'height="48" loading="lazy"/><div><img alt="A dot" src="demo-figure-2.png" width="3" '
        'height="2" loading="lazy"/></div>'
    )
    assert (tmp_path / "out" / "demo-figure-1.svg").read_text() == SVG
    assert (tmp_path / "out" / "demo-figure-2.png").read_bytes() == PNG


def test_an_image_without_a_description_or_a_mismatch_is_an_error(tmp_path: Path) -> None:
    hook = load_hook("notebooks")
    page = data_img("image/svg+xml", SVG.encode())
    with pytest.raises(PluginError, match=r'demo: image 1 has no description; add alt="\.\.\."'):
        hook.extract_images(page, [None], tmp_path, "demo")
    with pytest.raises(
        PluginError, match=r"2 image output\(s\) in the notebook, but 1 inline image"
    ):
        hook.extract_images(page, ["a", "b"], tmp_path, "demo")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(PluginError, match=r"'demo-figure-1\.png': not a PNG file"):
        hook.extract_images(data_img("image/png", b"GIF89a..."), ["a"], tmp_path, "demo")
    with pytest.raises(PluginError, match="demo: image 1 is image/jpeg; the site takes SVG or PNG"):
        hook.extract_images(data_img("image/jpeg", b"\xff\xd8\xff"), ["a"], tmp_path, "demo")


@pytest.mark.slow
def test_notebook_figures_are_described_files_not_inline_data(site: Path) -> None:
    figures = 0
    for path in NOTEBOOKS:
        page = site / "notebooks" / path.stem / "index.html"
        soup = BeautifulSoup(page.read_text(encoding="utf8"), "html.parser")
        for img in soup.select("article .jp-OutputArea-output img"):
            src = str(img["src"])
            assert not src.startswith("data:"), path.name
            assert (page.parent / src).is_file(), (path.name, src)
            assert len(str(img["alt"])) > 40, (path.name, img["alt"])
            assert "No description" not in str(img["alt"])
            assert img.get("loading") == "lazy"
            assert int(str(img["width"])) > 0
            assert int(str(img["height"])) > 0
            figures += 1
    assert figures >= 6
