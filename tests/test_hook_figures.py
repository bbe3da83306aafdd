"""hooks/figures.py and the program it runs, hooks/draw_figures.py: which figures there are, how
each is cached, how it is saved and written, and how a page's ``<img>`` of it is sized."""

from __future__ import annotations

import importlib
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, load_hook
from matplotlib.figure import Figure
from mkdocs.exceptions import PluginError

from snippets import figures

ENV = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1"}
DRAW = ROOT / "hooks" / "draw_figures.py"


@pytest.fixture(scope="module")
def hook() -> ModuleType:
    return load_hook("figures")


@pytest.fixture(scope="module")
def draw() -> ModuleType:
    return load_hook("draw_figures")


# ---- which figures: the registry, read from the source ------------------------------------


def test_the_hook_reads_the_registrys_names_without_importing_it(hook: ModuleType) -> None:
    assert hook.figure_names(hook.REGISTRY.read_text(encoding="utf8")) == list(figures.FIGURES)


def test_a_source_without_a_registry_is_an_error_naming_the_file(hook: ModuleType) -> None:
    with pytest.raises(PluginError, match=r"snippets/figures\.py: no FIGURES"):
        hook.figure_names("def losses_figure(): ...\nFIGURES = dict(losses=losses_figure)\n")


# ---- the cache key: what the figures import, nothing else ---------------------------------


@pytest.fixture
def snippets_copy(
    hook: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path]:
    """A copy of ``snippets/`` and of the drawing program that the hook hashes instead."""
    copy = tmp_path / "snippets"
    shutil.copytree(ROOT / "snippets", copy, ignore=shutil.ignore_patterns("__pycache__"))
    program = tmp_path / "draw_figures.py"
    shutil.copy(DRAW, program)
    monkeypatch.setattr(sys.modules[hook.sources_key.__module__], "SNIPPETS", copy)
    monkeypatch.setattr(hook, "DRAW", program)
    return copy, program


def _edit_docstring(path: Path) -> None:
    source = path.read_text(encoding="utf8")
    assert '"""' in source
    path.write_text(source.replace('"""', '"""Edited. ', 1), encoding="utf8")


@pytest.mark.parametrize(
    "edited",
    [
        "figures.py",  # the figures themselves
        "gradient_descent.py",  # imported by figures.py
        "optimizers.py",  # imported by gradient_descent.py, so by figures.py through it
        "_validate.py",  # imported by every module
        "__init__.py",  # run by every import of the package
    ],
)
def test_an_edit_of_a_module_the_figures_import_redraws_them(
    hook: ModuleType, snippets_copy: tuple[Path, Path], edited: str
) -> None:
    copy, _ = snippets_copy
    before = hook.sources_digest()
    _edit_docstring(copy / edited)
    assert hook.sources_digest() != before


@pytest.mark.parametrize("edited", ["deploy.py", "__main__.py"])
def test_an_edit_of_a_module_no_figure_imports_redraws_nothing(
    hook: ModuleType, snippets_copy: tuple[Path, Path], edited: str
) -> None:
    """figures.py imports workflow.py, which imports deploy.py for its annotations and inside
    run_workflow, which no figure calls (drawing a figure checks that)."""
    copy, _ = snippets_copy
    assert "from snippets.deploy import" in (copy / "workflow.py").read_text(encoding="utf8")
    before = hook.sources_digest()
    _edit_docstring(copy / edited)
    assert hook.sources_digest() == before


def test_an_edit_of_the_drawing_program_redraws_the_figures(
    hook: ModuleType, snippets_copy: tuple[Path, Path]
) -> None:
    _, program = snippets_copy
    before = hook.sources_digest()
    program.write_text(program.read_text(encoding="utf8") + "\n# saved differently\n")
    assert hook.sources_digest() != before


def test_each_figure_has_its_own_cache_file(hook: ModuleType) -> None:
    digest = hook.sources_digest()
    assert re.fullmatch(r"[0-9a-f]{20}", digest)
    paths = {hook.cached_path(name, digest) for name in figures.FIGURES}
    assert len(paths) == len(figures.FIGURES)
    assert all(path.parent == hook.CACHE for path in paths)
    assert hook.cached_path("losses", digest).name.startswith("losses-")


def test_a_figure_that_imports_an_unkeyed_module_while_drawn_fails(
    draw: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def lazy_figure() -> Figure:
        importlib.import_module("snippets.deploy")
        return _small_figure()

    assert "deploy" not in draw.KEYED
    monkeypatch.setitem(draw.FIGURES, "lazy", lazy_figure)
    monkeypatch.delitem(sys.modules, "snippets.deploy", raising=False)
    with pytest.raises(draw.UnkeyedImportError, match=r"'lazy' imported snippets\.deploy while"):
        draw.draw("lazy", tmp_path / "lazy.svg")
    monkeypatch.delitem(sys.modules, "snippets.deploy")
    assert draw.main([f"lazy={tmp_path / 'lazy.svg'}"]) == 1
    assert "the figures' cache key does not cover" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


# ---- saving: a small SVG, text kept as text ------------------------------------------------


def _small_figure(title: str = "step 1.23456") -> Figure:
    with figures.figure_style():
        fig = figures.card(2, 1)
        ax = fig.subplots()
        ax.plot([0.123456, 1.0], [0.0, 0.987654], label="η = 0.0092")
        ax.set_title(title)
        ax.legend()
    return fig


def test_save_svg_is_a_small_svg_without_metadata_and_deterministic(draw: ModuleType) -> None:
    svg = draw.save_svg(figures.losses_figure())
    assert svg.startswith(b"<?xml")
    assert svg.rstrip().endswith(b"</svg>")
    assert b"<metadata" not in svg
    assert b"Created with matplotlib" not in svg
    assert b"<text" in svg  # svg.fonttype none: labels are text, not glyph outlines
    assert b"MSE" in svg
    assert len(svg) < 60_000
    assert draw.save_svg(figures.losses_figure()) == svg


def test_save_svg_rounds_coordinates_but_keeps_the_text_of_labels(draw: ModuleType) -> None:
    """Numbers are cut to two decimals inside tags only: a legend's "0.0092" stays 0.0092."""
    svg = draw.save_svg(_small_figure()).decode()
    assert "η = 0.0092" in svg
    assert "step 1.23456" in svg
    tags = re.findall(r"<[^>]+>", svg)
    assert not [tag for tag in tags if re.search(r"\d\.\d{3}", tag)]


def test_the_trimmed_svg_is_still_a_valid_svg_document(draw: ModuleType) -> None:
    from xml.etree import ElementTree

    root = ElementTree.fromstring(draw.save_svg(_small_figure()))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("width", "").endswith("pt")
    assert root.get("height", "").endswith("pt")
    texts = ["".join(node.itertext()) for node in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "step 1.23456" in texts


# ---- the drawing program's command line --------------------------------------------------


def test_main_writes_the_svg_and_lists_the_names(
    draw: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "losses.svg"
    assert draw.main([f"losses={target}"]) == 0
    assert target.read_bytes() == draw.save_svg(figures.losses_figure())
    assert capsys.readouterr().out.startswith("losses: ")
    assert draw.main(["--list"]) == 0
    assert capsys.readouterr().out.split() == list(figures.FIGURES)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(DRAW), *args],
        cwd=ROOT, env=ENV, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("activations=/no/such/folder/a.svg", "cannot write into '/no/such/folder'"),
        ("nonsense=x.svg", "expected NAME=PATH with NAME one of"),
        ("activations", "expected NAME=PATH"),
        ("activations=", "PATH must name a file"),
    ],
)
def test_a_bad_argument_exits_2_before_drawing(argument: str, message: str) -> None:
    proc = _run("losses=/tmp/never-written-by-this-test.svg", argument)
    assert proc.returncode == 2
    assert proc.stdout == ""  # not even the valid first figure was drawn
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def ctrl_c_as_in_a_terminal() -> None:
    """In the child, before it starts: Ctrl-C raises KeyboardInterrupt, as in a terminal. A
    process started in the background by a non-interactive shell (``make test &``, some CI
    runners) ignores SIGINT, its children inherit that, and the drawing would run to its end."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_exits_cleanly_and_leaves_no_partial_file(tmp_path: Path) -> None:
    fast, slow = tmp_path / "activations.svg", tmp_path / "curves.svg"
    proc = subprocess.Popen(
        [sys.executable, str(DRAW), f"activations={fast}", f"training_curves={slow}"],
        cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=ctrl_c_as_in_a_terminal,
    )  # fmt: skip
    assert proc.stdout is not None
    first = proc.stdout.readline()  # the first figure is done: now inside the second
    assert first.startswith("activations: ")
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    if proc.returncode == 0:  # the second figure finished before the signal: nothing to test
        pytest.skip("training_curves finished before Ctrl-C arrived")
    assert proc.returncode == 130
    assert stderr == "draw_figures: interrupted\n"
    assert fast.exists()
    assert not slow.exists()
    assert list(tmp_path.glob("*.partial")) == []


# ---- sizing each page's <img> of a figure --------------------------------------------------


@pytest.mark.slow
def test_figures_keep_their_space_before_they_load(hook: ModuleType, site: Path) -> None:
    """Every figure's <img> declares the size its SVG declares, so the text below it does not
    move when the image arrives (Lighthouse's layout shift)."""
    shown = set()
    for page in site.rglob("index.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf8"), "html.parser")
        for img in soup.select('article img[src*="figures/"]'):
            name = str(img["src"]).rsplit("/", 1)[-1].removesuffix(".svg")
            svg = (site / "figures" / f"{name}.svg").read_text(encoding="utf8")
            declared = (int(str(img.get("width"))), int(str(img.get("height"))))
            assert declared == hook.svg_size(svg, name), page
            shown.add(name)
    assert shown == set(figures.FIGURES)


MATPLOTLIB_SVG = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" {size}>\n<g/>'


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ('width="576pt" height="302.4pt" viewBox="0 0 576 302.4"', (768, 403)),
        ('width="640px" height="480px"', (640, 480)),
        ('height="200" width="300"', (300, 200)),
        ('stroke-width="2" width="10" data-height="7" height="20"', (10, 20)),
    ],
)
def test_svg_size_reads_the_root_elements_size_in_css_pixels(
    hook: ModuleType, size: str, expected: tuple[int, int]
) -> None:
    assert hook.svg_size(MATPLOTLIB_SVG.format(size=size), "f") == expected


def test_svg_size_without_a_size_or_in_an_unknown_unit_is_an_error_naming_the_figure(
    hook: ModuleType,
) -> None:
    no_size = MATPLOTLIB_SVG.format(size='viewBox="0 0 10 10"') + '<rect width="3" height="4"/>'
    with pytest.raises(PluginError, match="figure 'losses': its <svg> element declares no width"):
        hook.svg_size(no_size, "losses")
    with pytest.raises(PluginError, match=r"figure 'losses': width 8cm is in an unknown unit"):
        hook.svg_size(MATPLOTLIB_SVG.format(size='width="8cm" height="6cm"'), "losses")
    with pytest.raises(PluginError, match=r"figure 'losses': width 100% is in an unknown unit"):
        hook.svg_size(MATPLOTLIB_SVG.format(size='width="100%" height="6pt"'), "losses")


def test_sized_images_sizes_figures_only_and_keeps_a_size_given_by_hand(hook: ModuleType) -> None:
    sizes = {"losses": (768, 403)}
    html = (
        '<p><img alt="a &gt; b" loading="lazy" src="../figures/losses.svg" /></p>'
        '<img alt="by hand" src="../../figures/losses.svg" width="300">'
        '<img alt="a photo" src="../images/photo.png">'
    )
    assert hook.sized_images(html, sizes) == (
        '<p><img width="768" height="403" alt="a &gt; b" loading="lazy" '
        'src="../figures/losses.svg" /></p>'
        '<img alt="by hand" src="../../figures/losses.svg" width="300">'
        '<img alt="a photo" src="../images/photo.png">'
    )
    with pytest.raises(PluginError, match=r"figures/loses\.svg, which is not a figure"):
        hook.sized_images('<img src="figures/loses.svg">', sizes)
