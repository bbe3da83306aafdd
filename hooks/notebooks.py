"""MkDocs hook: execute the notebooks of ``docs/notebooks/`` once per change, in the background.

The repository keeps each notebook as a jupytext percent-format ``.py`` file (diffs you can
review). This hook executes it with nbclient into an ``.ipynb`` under ``.cache/notebooks/``,
keyed by a hash of the notebook and of every ``snippets/*.py`` file it may import, and points
the page's source at that executed notebook. mkdocs-jupyter then only renders it
(``execute: false``), and ``include_source`` publishes the executed ``.ipynb`` next to the
page as its download. So:

* a cell that raises fails the build (nbclient's ``allow_errors=False``, raised here as a
  ``PluginError``);
* an unchanged notebook is not executed again on a ``mkdocs serve`` rebuild, a changed
  notebook or snippet is, and a clean checkout executes them all;
* notebooks execute in worker threads (one kernel each, at a lower priority than the build:
  ``in_background``) from ``on_files`` on, while MkDocs renders the other pages; a notebook's
  page waits for its own execution.

Around the rendering, it:

* marks the math of markdown cells up as arithmatex does on every other page, inside
  nbconvert's own Markdown renderer (``ArithmatexRenderer``), so hooks/mathml.py
  typesets it at build time; the notebooks keep ``$`` for Jupyter and Colab;
* adds, at the top of each notebook page, the download and "Open in Colab" links, and drops
  the MathJax 2 and Mermaid scripts of nbconvert's template;
* writes each image of the outputs (nbconvert inlines it as a ``data:`` URI) next to the page
  as its own file, lazily loaded, sized, and described by the ``alt="..."`` of its cell's
  ``# %%`` line; an image without one fails the build;
* serves nbconvert's stylesheet (JupyterLab's whole theme, about 590 KB, which nbconvert
  inlines into every page) as one shared file, ``assets/notebook.css``, that the browser
  caches across notebook pages, cut by PurgeCSS to what the notebook pages use, about
  21 KB (``purge_stylesheet``).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from image_size import png_size, svg_size
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url
from nbconvert.exporters import html as nbconvert_html
from nbconvert.filters.markdown_mistune import IPythonRenderer
from snippet_deps import in_background, snippet_modules, sources_key, write_atomically

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "notebooks"
NOTEBOOK_URI = re.compile(r"^notebooks/[\w-]+\.py$")
# The deploy workflow (.github/workflows/site.yml) publishes the executed .ipynb files to the
# root of the repository's `notebooks` branch, which is where Colab opens them from.
COLAB = "https://colab.research.google.com/github/dl-day-one/course/blob/notebooks/"
TIMEOUT_S = 300
log = logging.getLogger("mkdocs.hooks.notebooks")

_executions: dict[str, Future[float]] = {}
_executed: dict[str, str] = {}  # src_uri -> the executed .ipynb
_pool: ThreadPoolExecutor | None = None


def cache_key(notebook: Path) -> str:
    """A hash of the notebook's source and of the snippets it imports, directly or not.

    Editing a snippet that a notebook does not use leaves that notebook's cache valid.
    """
    source = notebook.read_text(encoding="utf8")
    return sources_key(b"notebooks-v1\0" + source.encode(), snippet_modules(source))


def executed_path(notebook: Path) -> Path:
    """Where the executed copy of ``notebook`` is cached.

    The file keeps the notebook's name (it becomes the page's download) inside a folder
    named ``notebooks`` (mkdocs-jupyter's ``include`` pattern ``notebooks/*.ipynb``).
    """
    return CACHE / cache_key(notebook) / "notebooks" / f"{notebook.stem}.ipynb"


def execute(notebook: Path, target: Path) -> float:
    """Execute the percent-format ``notebook`` into ``target``; return the seconds it took.

    Raises:
        nbclient.exceptions.CellExecutionError: a cell raised.
    """
    # Imported here: only a build that has something to execute pays for these imports.
    import jupytext
    import nbclient
    import nbformat
    from jupyter_client.manager import KernelManager

    start = time.perf_counter()
    nb = jupytext.read(notebook)
    with tempfile.TemporaryDirectory(prefix="nbexec-") as scratch:
        # IPC sockets in a private folder: no TCP port, and no warning about unencrypted TCP.
        manager = KernelManager(kernel_name="python3", transport="ipc", ip=f"{scratch}/kernel")
        client = nbclient.NotebookClient(
            nb,
            km=manager,
            timeout=TIMEOUT_S,
            allow_errors=False,
            resources={"metadata": {"path": str(ROOT)}},
            on_notebook_start=lambda notebook: in_background(kernel_pid(manager)),
        )
        try:
            # One thread per kernel: kernels run two at a time beside MkDocs on a small
            # machine, and oversubscribed PyTorch threads spin instead of working.
            client.execute(env={**os.environ, "OMP_NUM_THREADS": "1"})
        finally:
            # nbclient leaves a kernel manager it was given running: stop the kernel here.
            if manager.has_kernel:
                manager.shutdown_kernel(now=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, nbformat.writes(nb).encode())  # type: ignore[no-untyped-call]
    return time.perf_counter() - start


def kernel_pid(manager: Any) -> int:
    """The process id of the kernel that ``manager`` (a jupyter_client ``KernelManager`` with
    its default, local provisioner) has started."""
    return int(manager.provisioner.pid)


@event_priority(100)  # before mkdocs-jupyter's on_files, which picks pages by abs_src_path
def on_files(files: Files, config: MkDocsConfig) -> Files:
    global _pool
    _executions.clear()
    _executed.clear()
    _styles.clear()
    _pages.clear()
    for file in list(files):
        if not file.src_uri.startswith("notebooks/"):
            continue
        if not NOTEBOOK_URI.match(file.src_uri):
            # Only jupytext notebooks are published from docs/notebooks/.
            files.remove(file)
            continue
        source = Path(file.abs_src_path or "")
        target = executed_path(source)
        file.abs_src_path = _executed[file.src_uri] = str(target)
        if not target.is_file():
            if _pool is None:
                _pool = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2))
            log.info("Executing notebook %s", file.src_uri)
            _executions[file.src_uri] = _pool.submit(execute, source, target)
    return files


@event_priority(100)  # before mkdocs-jupyter's on_pre_page, which reads the executed file
def on_pre_page(page: Page, config: MkDocsConfig, files: Files) -> Page:
    if page.file.src_uri in _executed:
        # mkdocs-jupyter wrapped the file in a new object after on_files: point it there too.
        page.file.abs_src_path = _executed[page.file.src_uri]
    future = _executions.pop(page.file.src_uri, None)
    if future is not None:
        try:
            seconds = future.result()
        except Exception as error:
            raise PluginError(
                f"notebook {page.file.src_uri} failed to execute:\n{error}"
            ) from error
        log.info("Executed notebook %s in %.1f s", page.file.src_uri, seconds)
    return page


class ArithmatexRenderer(IPythonRenderer):
    r"""nbconvert's Markdown renderer, writing math as pymdownx.arithmatex (generic mode) does.

    nbconvert's Markdown parser finds a cell's math as Jupyter does (``$...$``, ``$$...$$``,
    ``\(...\)``, ``\[...\]``, ``\begin{env}...\end{env}``, never inside code) and its renderer
    writes it back with ``$`` for MathJax in the browser; this one writes the elements that
    hooks/mathml.py typesets at build time.

    >>> from nbconvert.filters.markdown_mistune import MarkdownWithMath
    >>> MarkdownWithMath(ArithmatexRenderer(escape=False)).render("`$HOME` is $x < y$")
    '<p><code>$HOME</code> is <span class="arithmatex">\\(x &lt; y\\)</span></p>\n'
    """

    def inline_math(self, body: str) -> str:
        return f'<span class="arithmatex">\\({self.escape_html(body)}\\)</span>'

    def block_math(self, body: str) -> str:
        return f'<div class="arithmatex">\\[{self.escape_html(body)}\\]</div>'

    def latex_environment(self, name: str, body: str) -> str:
        return f'<div class="arithmatex">{super().latex_environment(name, body)}</div>'


# nbconvert's HTML exporter, which mkdocs-jupyter renders with, builds its Markdown renderer
# from this name: the one place to change how it writes math.
nbconvert_html.IPythonRenderer = ArithmatexRenderer  # type: ignore[attr-defined]


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Key mkdocs-jupyter's cache of rendered pages on this file too: that cache keys only on
    the executed notebook and the plugin's options, and would serve a page rendered before a
    change of ``ArithmatexRenderer``. The folders of earlier versions of this file go."""
    digest = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    renders = ROOT / ".cache" / "mkdocs-jupyter"
    for stale in renders.glob("*"):
        if stale.name != digest:
            shutil.rmtree(stale, ignore_errors=True)
    config.plugins["mkdocs-jupyter"].config["cache_dir"] = str(renders / digest)
    return config


# Above the notebook, nbconvert's template inlines its scripts and stylesheets. It loads MathJax 2
# from an empty URL and Mermaid from a CDN: the notebooks have no diagrams and their math is
# typeset at build time, so neither script is wanted.
WRAPPER = '<div class="jupyter-wrapper">'  # where the notebook begins
UNUSED_SCRIPTS = re.compile(
    r'<!-- Load mathjax -->\s*<script src="">\s*</script>'
    r'|<script type="text/x-mathjax-config">.*?</script>'
    r'|<script type="module">(?:(?!</script>).)*?mermaid.*?</script>',
    re.S,
)
TEMPLATE_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
# After the notebook, mkdocs-jupyter appends nbconvert's Pygments stylesheets written as the
# repr of a Python list (<style>['pre { ... }\n...', ...]</style>): CSS that matches nothing.
LIST_REPR_STYLE = re.compile(r"\s*<style>\s*\['.*?'\]\s*</style>\s*$", re.S)
STYLESHEET = "assets/notebook.css"
_styles: dict[str, None] = {}  # the stylesheets nbconvert inlines, in order, each once
_pages: list[Path] = []  # the notebook pages written to the site


def template_head(html_text: str, file: File) -> str:
    """``html_text`` without the unused scripts above the notebook nor mkdocs-jupyter's
    ``LIST_REPR_STYLE`` below it, and with the stylesheets above it (not those of an output)
    replaced by one link to ``STYLESHEET``; they go to ``_styles``, the copy buttons' scripts
    stay."""
    head, wrapper, notebook = html_text.partition(WRAPPER)
    if not wrapper:
        raise PluginError(f"notebook {file.src_uri}: no {WRAPPER} in nbconvert's HTML")
    _styles.update(dict.fromkeys(TEMPLATE_STYLE.findall(head)))
    head = TEMPLATE_STYLE.sub("", UNUSED_SCRIPTS.sub("", head))
    link = f'<link rel="stylesheet" href="{get_relative_url(STYLESHEET, file.url)}">\n'
    return link + head + wrapper + LIST_REPR_STYLE.sub("\n", notebook)


def notebook_links(file: File) -> str:
    """The download and Colab links shown above a notebook."""
    name = Path(file.src_uri).stem
    return (
        '<p class="notebook-links">'
        f'<a class="md-button" href="{html.escape(name)}.ipynb" download>'
        "Download this notebook (.ipynb, with outputs)</a> "
        f'<a class="md-button" href="{html.escape(COLAB + name)}.ipynb">Open in Colab</a>'
        "</p>\n"
        '<p class="notebook-note"><small>This page is the notebook '
        f"<code>docs/notebooks/{html.escape(name)}.py</code> (jupytext percent format), "
        "executed when the site was built: every output below came from running it. The "
        "download is that executed notebook; Colab opens the same file, which the site's "
        "deploy workflow publishes to the repository's <code>notebooks</code> branch."
        "</small></p>\n"
    )


IMAGE_TYPES = {"image/svg+xml": "svg", "image/png": "png"}
DATA_IMAGE = re.compile(r'<img\b[^>]*?\bsrc="data:(image/[\w.+-]+);base64,([^"]*)"[^>]*>')


def image_descriptions(notebook: dict[str, Any], stem: str) -> list[str | None]:
    """The description of each image in the outputs of ``notebook`` (nbformat 4 JSON), in
    order: the ``alt`` metadata of the image's cell, or None.

    An output that also has HTML is shown as HTML (nbconvert's order of preference), so it
    is not an image. A cell may show one image: its ``alt`` describes that one.
    """
    descriptions = []
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    for number, cell in enumerate(code, start=1):
        images = [
            output
            for output in cell.get("outputs", [])
            if "text/html" not in output.get("data", {})
            and any(kind.startswith("image/") for kind in output.get("data", {}))
        ]
        if len(images) > 1:
            raise PluginError(
                f"notebook {stem}: code cell {number} shows {len(images)} images, and one "
                "alt= describes one image; draw each in a cell of its own"
            )
        descriptions += [cell["metadata"].get("alt") for _ in images]
    return descriptions


def extract_images(html_text: str, descriptions: list[str | None], folder: Path, stem: str) -> str:
    """Write each ``data:`` image of ``html_text`` into ``folder`` as ``<stem>-figure-<k>``,
    and point its ``<img>`` there, lazily loaded, sized, described by ``descriptions[k - 1]``."""
    found = DATA_IMAGE.findall(html_text)
    if len(found) != len(descriptions):
        raise PluginError(
            f"notebook {stem}: {len(descriptions)} image output(s) in the notebook, but "
            f"{len(found)} inline image(s) on its page"
        )
    for k, description in enumerate(descriptions, start=1):
        if not description:
            raise PluginError(
                f'notebook {stem}: image {k} has no description; add alt="..." (what the '
                "image shows) to the `# %%` line of the cell that draws it"
            )
    numbered = iter(enumerate(descriptions, start=1))

    def to_file(match: re.Match[str]) -> str:
        k, description = next(numbered)
        mime, raw = match[1], base64.b64decode(match[2])
        if mime not in IMAGE_TYPES:
            raise PluginError(
                f"notebook {stem}: image {k} is {mime}; the site takes SVG or PNG outputs"
            )
        name = f"{stem}-figure-{k}.{IMAGE_TYPES[mime]}"
        if mime == "image/png":
            width, height = png_size(raw, name)
        else:
            width, height = svg_size(raw.decode("utf8"), name)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(raw)
        return (
            f'<img alt="{html.escape(str(description))}" src="{name}" '
            f'width="{width}" height="{height}" loading="lazy"/>'
        )

    return DATA_IMAGE.sub(to_file, html_text)


def on_page_content(html_text: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if not NOTEBOOK_URI.match(page.file.src_uri):
        return html_text
    executed = json.loads(Path(_executed[page.file.src_uri]).read_text(encoding="utf8"))
    folder = Path(config.site_dir) / Path(page.file.dest_uri).parent
    stem = Path(page.file.src_uri).stem
    html_text = extract_images(html_text, image_descriptions(executed, stem), folder, stem)
    _pages.append(Path(config.site_dir) / page.file.dest_uri)
    return notebook_links(page.file) + template_head(html_text, page.file)


def on_shutdown() -> None:
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)


PURGECSS = ROOT / "node_modules" / ".bin" / "purgecss"


def purge_stylesheet(css: Path, pages: list[Path]) -> None:
    """Keep in ``css`` only what can apply on one of ``pages``: the rules whose selectors
    name words found there, and the custom properties, ``@font-face`` and ``@keyframes``
    that those rules use (PurgeCSS, from npm).

    Raises:
        PluginError: PurgeCSS is not installed, or failed.
    """
    if not PURGECSS.is_file():
        raise PluginError(f"PurgeCSS not found at {PURGECSS}: run `npm ci` (make install).")
    command = [str(PURGECSS), "--css", str(css), "--output", str(css.parent)]
    command += ["--variables", "--font-face", "--keyframes", "--content", *map(str, pages)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise PluginError(f"PurgeCSS failed on {css}:\n{done.stderr}")


def on_post_build(config: MkDocsConfig) -> None:
    """Write the notebook pages' stylesheet: the rules of nbconvert's that apply on one."""
    if _styles:
        target = Path(config.site_dir) / STYLESHEET
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("".join(_styles), encoding="utf8")
        purge_stylesheet(target, _pages)
