"""MkDocs hook: draw every figure of ``snippets.figures`` at build time, as SVG.

Pages reference a figure as ``figures/<name>.svg`` (relative to ``docs/``); no image is
committed. Each SVG is cached in ``.cache/figures/`` under a key that hashes the sources of
``snippets/*.py``, the figure's name and matplotlib's version, so a ``mkdocs serve`` rebuild
reuses it until some snippet changes, and a clean checkout draws them all.

Missing figures are drawn in a child process (``python -m snippets.figures``), started in
``on_files`` and joined in ``on_env``, just before MkDocs copies static files. A child process
sees the current source on every ``mkdocs serve`` rebuild (a module imported into this process
would stay stale), and it draws while the notebooks hook executes notebooks.

Each page's ``<img>`` of a figure gets the figure's ``width`` and ``height`` (``on_post_page``),
so the browser keeps its space before the image arrives, instead of shifting the text below it
when it does (Lighthouse's layout-shift audit named the unsized figure of the activations page).
"""

from __future__ import annotations

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

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
CACHE = ROOT / ".cache" / "figures"
SITE_PREFIX = "figures"
log = logging.getLogger("mkdocs.hooks.figures")

FIGURE_IMG = re.compile(r'<img\b[^>]*?\bsrc="(?:\.\./)*' + SITE_PREFIX + r'/(\w+)\.svg"[^>]*>')

_pending: subprocess.Popen[str] | None = None
_drawn: dict[str, Path] = {}
_sizes: dict[str, tuple[int, int]] = {}


def figure_names() -> list[str]:
    """The figures of ``snippets.figures``: each top-level ``def <name>_figure(``."""
    # Read, not imported: an import would pin this process to the source of the first build.
    source = (SNIPPETS / "figures.py").read_text(encoding="utf8")
    return re.findall(r"^def (\w+)_figure\(", source, flags=re.M)


def sources_digest() -> str:
    """A hash of every ``snippets/*.py`` file and of matplotlib's version."""
    digest = hashlib.sha256(f"matplotlib={version('matplotlib')}".encode())
    for path in sorted(SNIPPETS.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def cached_path(name: str, digest: str) -> Path:
    """Where the SVG of figure ``name`` for sources ``digest`` is cached."""
    key = hashlib.sha256(f"{digest}:{name}".encode()).hexdigest()[:20]
    return CACHE / f"{name}-{key}.svg"


def on_files(files: Files, config: MkDocsConfig) -> Files:
    global _pending
    digest = sources_digest()
    paths = {name: cached_path(name, digest) for name in figure_names()}
    missing = [name for name, path in paths.items() if not path.is_file()]
    if missing:
        CACHE.mkdir(parents=True, exist_ok=True)
        log.info("Drawing %d figure(s): %s", len(missing), ", ".join(missing))
        _pending = subprocess.Popen(
            [sys.executable, "-m", "snippets.figures"]
            + [f"{name}={paths[name]}" for name in missing],
            cwd=ROOT,
            env={**os.environ, "OMP_NUM_THREADS": "1"},  # it runs beside notebook kernels
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
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
