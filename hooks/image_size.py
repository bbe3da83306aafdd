"""The size in CSS pixels that an image declares, for ``<img width=... height=...>``.

Not a hook itself: hooks/figures.py and hooks/notebooks.py import it (MkDocs puts a hook's
folder on ``sys.path`` while loading it). An image whose size the page declares keeps its
space before it arrives, so the text below it does not jump when it does.
"""

from __future__ import annotations

import re
import struct

from mkdocs.exceptions import PluginError

# CSS pixels per unit of an SVG length (CSS Values 4: 1in = 96px = 72pt).
UNITS = {"": 1.0, "px": 1.0, "pt": 96 / 72}
# width="576pt" on the element itself, not stroke-width= or data-width=; "100%" is read as a
# unit so that the error names it.
SVG_LENGTH = re.compile(r'(?<![\w-])(width|height)="([0-9.]+)([a-z%]*)"')
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def svg_size(svg: str, name: str) -> tuple[int, int]:
    """The width and height that the root ``<svg>`` element of ``svg`` declares."""
    root = re.search(r"<svg\b[^>]*>", svg)
    lengths = {
        key: (value, unit) for key, value, unit in SVG_LENGTH.findall(root[0] if root else "")
    }
    if set(lengths) != {"width", "height"}:
        raise PluginError(f"figure {name!r}: its <svg> element declares no width and height")
    size = []
    for key in ("width", "height"):
        value, unit = lengths[key]
        if unit not in UNITS:
            raise PluginError(
                f"figure {name!r}: {key} {value}{unit} is in an unknown unit "
                f"(expected one of: {', '.join(repr(u) for u in UNITS)})"
            )
        size.append(round(float(value) * UNITS[unit]))
    return size[0], size[1]


def png_size(png: bytes, name: str) -> tuple[int, int]:
    """The width and height in the header (IHDR chunk) of the PNG file ``png``."""
    if png[:8] != PNG_SIGNATURE or png[12:16] != b"IHDR":
        raise PluginError(f"figure {name!r}: not a PNG file (no PNG signature and IHDR header)")
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)
