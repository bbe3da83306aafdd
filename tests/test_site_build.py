"""The site builds with `mkdocs build --strict`, warning-free, and the strictness has teeth."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, Build, mkdocs_build

pytestmark = [pytest.mark.xdist_group("site"), pytest.mark.slow]


def test_build_is_strict_and_warning_free(site_build: Build) -> None:
    assert site_build.returncode == 0, site_build.log
    warnings = [line for line in site_build.log.splitlines() if "WARNING" in line]
    assert warnings == []


def test_every_nav_page_is_built(site: Path) -> None:
    nav_sources = re.findall(r":\s*([\w-]+)\.md\s*$", (ROOT / "mkdocs.yml").read_text(), re.M)
    assert len(nav_sources) >= 15
    for name in nav_sources:
        page = site / ("index.html" if name == "index" else f"{name}/index.html")
        assert page.is_file(), f"{name}.md is in the nav but {page} was not built"


def test_neuron_page_shows_its_included_code_and_build_time_output(site: Path) -> None:
    html = (site / "neuron" / "index.html").read_text()
    source = (ROOT / "snippets" / "neuron.py").read_text()
    # The page shows the module's own function, included by named section.
    assert "def weighted_sum" in source
    assert "weighted_sum" in html and "dense_layer" in html
    # Output computed at build time: the comparison printed by the executed example.
    assert "equal:   True" in html
    assert "--8&lt;--" not in html and "--8<--" not in html


def _scratch_project(tmp_path: Path, page: str) -> Path:
    """A copy of the site with a two-page nav (home and ``page``); returns its mkdocs.yml."""
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    for folder in ("hooks", "overrides"):  # resolved relative to the config file
        (tmp_path / folder).symlink_to(ROOT / folder)
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\n"
        f"docs_dir: {docs}\n"
        "nav:\n  - Home: index.md\n"
        f"  - Page: {page}\n"
        "validation:\n  nav:\n    omitted_files: info\n"
    )
    return config


def test_scratch_copy_builds_cleanly(tmp_path: Path) -> None:
    """The control for the two tests below: the unmodified scratch copy builds."""
    config = _scratch_project(tmp_path, "neuron.md")
    build = mkdocs_build(config, tmp_path / "out")
    assert build.returncode == 0, build.log


def test_broken_anchor_fails_the_build(tmp_path: Path) -> None:
    config = _scratch_project(tmp_path, "neuron.md")
    page = tmp_path / "docs" / "neuron.md"
    page.write_text(page.read_text() + "\nSee [nowhere](#no-such-heading).\n")
    build = mkdocs_build(config, tmp_path / "out")
    assert build.returncode != 0
    assert "no-such-heading" in build.log


def test_broken_include_fails_the_build(tmp_path: Path) -> None:
    config = _scratch_project(tmp_path, "neuron.md")
    page = tmp_path / "docs" / "neuron.md"
    page.write_text(
        page.read_text() + '\n```{ .python notest }\n--8<-- "snippets/no_such_module.py:x"\n```\n'
    )
    build = mkdocs_build(config, tmp_path / "out")
    assert build.returncode != 0
    assert "no_such_module.py" in build.log
