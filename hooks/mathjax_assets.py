"""MkDocs hook: serve MathJax 3 from the site itself.

MathJax comes from npm (``npm ci`` puts it in ``node_modules/``); nothing is committed
and nothing is loaded from a CDN. This hook adds the one script the pages load,
``tex-chtml.js``, and the web fonts it asks for, to the files MkDocs copies into the site.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
MATHJAX_ES5 = ROOT / "node_modules" / "mathjax" / "es5"
SITE_PREFIX = "assets/mathjax"
FONT_DIR = "output/chtml/fonts/woff-v2"


def mathjax_files() -> list[Path]:
    """The MathJax files the site needs, as absolute paths under node_modules."""
    script = MATHJAX_ES5 / "tex-chtml.js"
    if not script.is_file():
        raise PluginError(
            f"MathJax is missing: {script} not found. Run `npm ci` (or `make install`) first."
        )
    return [script, *sorted((MATHJAX_ES5 / FONT_DIR).glob("*.woff"))]


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for path in mathjax_files():
        src_uri = f"{SITE_PREFIX}/{path.relative_to(MATHJAX_ES5).as_posix()}"
        files.append(File.generated(config, src_uri, abs_src_path=str(path)))
    return files
