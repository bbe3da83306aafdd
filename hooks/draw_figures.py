"""Draw figures of ``snippets.figures`` into small SVG files: ``python hooks/draw_figures.py
NAME=PATH ...`` writes each figure's SVG to PATH; ``--list`` prints the names.

Not a hook itself: hooks/figures.py runs it as a child process, so that the MkDocs process
never imports ``snippets`` (a module imported there would stay stale on a ``mkdocs serve``
rebuild). Its source is part of every figure's cache key: changing how a figure is saved
redraws it. So are the ``snippets`` modules that drawing runs (:data:`KEYED`: what its imports
run, and what each figure imports in its own body); a figure that imports any other one while
it is drawn (inside a function it calls elsewhere) is an error, since an edit of that module
would not redraw it.
"""

from __future__ import annotations

import io
import os
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from matplotlib.figure import Figure
from snippet_deps import drawn_modules, write_atomically

from snippets.figures import FIGURES, figure_style

KEYED = drawn_modules(Path(__file__).read_text(encoding="utf8"))


class UnkeyedImportError(Exception):
    """Drawing a figure imported a ``snippets`` module that its cache key does not cover."""


def save_svg(fig: Figure) -> bytes:
    """The figure as a small SVG document: text kept as text, no metadata.

    Example:
        >>> from snippets.figures import card
        >>> with figure_style():
        ...     fig = card(2, 1)
        ...     _ = fig.subplots().plot([0, 1], [0, 1])
        >>> svg = save_svg(fig)
        >>> svg.startswith(b"<?xml") and b"<metadata" not in svg
        True
    """
    buffer = io.BytesIO()
    with figure_style():
        fig.savefig(
            buffer,
            format="svg",
            dpi=100,  # only for the parts drawn rasterized
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    svg = buffer.getvalue()
    # Drop the comment with matplotlib's version: it adds bytes and changes with upgrades.
    svg = re.sub(rb"<!-- Created with matplotlib.*?-->\n?", b"", svg)
    # Coordinates to 1/100 pt (invisible on any screen) and no indentation: about half the bytes.
    # Only inside tags: the text of labels and legends ("η = 0.0092") is kept as written.
    svg = re.sub(rb"<[^>]+>", lambda tag: re.sub(rb"(\d\.\d\d)\d+", rb"\1", tag[0]), svg)
    return re.sub(rb"\n\s*", b"\n", svg)


def draw(name: str, path: Path) -> None:
    """Draw figure ``name`` into ``path`` and print its size and time."""
    start, cpu = time.perf_counter(), time.process_time()
    loaded = set(sys.modules)
    svg = save_svg(FIGURES[name]())
    unkeyed = sorted(
        module
        for module in set(sys.modules) - loaded
        if module.startswith("snippets.") and module.split(".")[1] not in KEYED
    )
    if unkeyed:
        raise UnkeyedImportError(
            f"figure {name!r} imported {', '.join(unkeyed)} while it was drawn, which the "
            "figures' cache key does not cover: import it at the top of a module the figure uses"
        )
    write_atomically(path, svg)
    print(
        f"{name}: {len(svg)} bytes, {time.perf_counter() - start:.2f} s "
        f"({time.process_time() - cpu:.2f} s CPU)",
        flush=True,
    )


def main(argv: Sequence[str]) -> int:
    """Draw ``NAME=PATH ...``; check every argument before any figure is drawn."""
    if list(argv) == ["--list"]:
        print("\n".join(FIGURES))
        return 0
    jobs = []
    for argument in argv:
        name, sep, path = argument.partition("=")
        folder = os.path.dirname(os.path.abspath(path))
        if not sep or name not in FIGURES:
            problem = f"expected NAME=PATH with NAME one of {list(FIGURES)}, got {argument!r}"
        elif not path or os.path.isdir(path):
            problem = f"{argument!r}: PATH must name a file, got {path!r}"
        elif not (os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK)):
            problem = f"{argument!r}: cannot write into {folder!r} (missing or not writable)"
        else:
            jobs.append((name, Path(path)))
            continue
        print(f"draw_figures: error: {problem}", file=sys.stderr)
        return 2
    try:
        for name, target in jobs:
            draw(name, target)
    except KeyboardInterrupt:
        print("draw_figures: interrupted", file=sys.stderr)
        return 130
    except UnkeyedImportError as error:
        print(f"draw_figures: error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(
            f"draw_figures: error: cannot write {error.filename!r}: {error.strerror}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
