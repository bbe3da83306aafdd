"""MkDocs hook: draw every figure of ``snippets.figures`` at build time, as SVG.

Pages reference a figure as ``figures/<name>.svg`` (relative to ``docs/``); no image is
committed. The figures are the entries of the ``FIGURES`` registry of snippets/figures.py.
Each SVG is cached in ``.cache/figures/`` under a key that hashes the program that draws it
(hooks/draw_figures.py), every ``snippets`` module that program imports, directly or not
(snippets/figures.py and the modules it draws from; see hooks/snippet_deps.py), matplotlib's
version and the figure's name. A ``mkdocs serve`` rebuild reuses it until one of those
changes (an edit of a module no figure imports redraws nothing), and a clean checkout draws
them all.

Missing figures are drawn in a child process (``python hooks/draw_figures.py NAME=PATH ...``),
started in ``on_files`` and joined in ``on_env``, just before MkDocs copies static files. A
child process sees the current source on every ``mkdocs serve`` rebuild (a module imported
into this process would stay stale), and it draws, at a lower priority than the build
(hooks/snippet_deps.py's ``in_background``), while the notebooks hook executes notebooks.
For the same reason this process reads the registry's names from the source, not by import.

Each page's ``<img>`` of a figure gets the figure's ``width`` and ``height`` (``on_post_page``),
so the browser keeps its space before the image arrives, instead of shifting the text below it
when it does (Lighthouse's layout-shift audit named the unsized figure of the activations page).
"""

from __future__ import annotations

import ast
import hashlib
import logging
import os
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

from image_size import svg_size
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from snippet_deps import drawn_modules, in_background, sources_key

ROOT = Path(__file__).resolve().parent.parent
DRAW = Path(__file__).resolve().parent / "draw_figures.py"
REGISTRY = ROOT / "snippets" / "figures.py"
CACHE = ROOT / ".cache" / "figures"
SITE_PREFIX = "figures"
log = logging.getLogger("mkdocs.hooks.figures")

FIGURE_IMG = re.compile(r'<img\b[^>]*?\bsrc="(?:\.\./)*' + SITE_PREFIX + r'/(\w+)\.svg"[^>]*>')

_pending: subprocess.Popen[str] | None = None
_drawn: dict[str, Path] = {}
_sizes: dict[str, tuple[int, int]] = {}


def figure_names(source: str) -> list[str]:
    """The names of the ``FIGURES = {"name": function, ...}`` registry in ``source``.

    Example:
        >>> figure_names('FIGURES: dict = {"losses": losses_figure, "neuron": neuron_figure}')
        ['losses', 'neuron']
    """
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Dict):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if [ast.unparse(target) for target in targets] == ["FIGURES"]:
                return [ast.literal_eval(key) for key in node.value.keys if key is not None]
    raise PluginError(f"{REGISTRY}: no FIGURES = {{'name': function, ...}} registry")


def sources_digest() -> str:
    """A hash of what every figure is drawn from: the drawing program, the ``snippets``
    modules that drawing runs (``drawn_modules``; hooks/draw_figures.py fails if drawing
    imports another) and matplotlib's version."""
    program = DRAW.read_text(encoding="utf8")
    head = f"matplotlib={version('matplotlib')}\0{program}".encode()
    return sources_key(head, drawn_modules(program))


def cached_path(name: str, digest: str) -> Path:
    """Where the SVG of figure ``name`` for sources ``digest`` is cached."""
    key = hashlib.sha256(f"{digest}:{name}".encode()).hexdigest()[:20]
    return CACHE / f"{name}-{key}.svg"


def on_files(files: Files, config: MkDocsConfig) -> Files:
    global _pending
    digest = sources_digest()
    names = figure_names(REGISTRY.read_text(encoding="utf8"))
    paths = {name: cached_path(name, digest) for name in names}
    missing = [name for name, path in paths.items() if not path.is_file()]
    if missing:
        CACHE.mkdir(parents=True, exist_ok=True)
        log.info("Drawing %d figure(s): %s", len(missing), ", ".join(missing))
        _pending = subprocess.Popen(
            [sys.executable, str(DRAW)] + [f"{name}={paths[name]}" for name in missing],
            cwd=ROOT,
            env={**os.environ, "OMP_NUM_THREADS": "1"},  # it runs beside notebook kernels
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        in_background(_pending.pid)
    _drawn.clear()
    _drawn.update(paths)
    for name, path in paths.items():
        files.append(File.generated(config, f"{SITE_PREFIX}/{name}.svg", abs_src_path=str(path)))
    return files


def on_env(env: Any, config: MkDocsConfig, files: Files) -> Any:
    global _pending
    if _pending is not None:
        output, _ = _pending.communicate()
        returncode, _pending = _pending.returncode, None
        if returncode != 0:
            raise PluginError(f"drawing the figures failed:\n{output}")
    total = sum(path.stat().st_size for path in _drawn.values())
    log.info("Figures: %d SVG files, %d bytes in all", len(_drawn), total)
    _sizes.clear()
    _sizes.update(
        {name: svg_size(path.read_text(encoding="utf8"), name) for name, path in _drawn.items()}
    )
    return env


def sized_images(html: str, sizes: dict[str, tuple[int, int]]) -> str:
    """Give every ``<img>`` of a figure its ``width`` and ``height``, unless it has them."""

    def size(match: re.Match[str]) -> str:
        tag, name = match[0], match[1]
        if name not in sizes:
            raise PluginError(f"a page shows {SITE_PREFIX}/{name}.svg, which is not a figure")
        if re.search(r"\s(width|height)=", tag):
            return tag
        width, height = sizes[name]
        return f'<img width="{width}" height="{height}"' + tag[len("<img") :]

    return FIGURE_IMG.sub(size, html)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return sized_images(output, _sizes) if f"{SITE_PREFIX}/" in output else output
