"""Fixtures shared by the tests of the site itself (build, fences, offline, browser).

The site is built once per test session, into a temporary folder, by `mkdocs build --strict`.
All site tests carry the xdist group "site" so that, under `pytest -n`, one worker builds it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


@dataclass(frozen=True)
class Build:
    """The result of one `mkdocs build --strict`."""

    returncode: int
    log: str
    site: Path


def mkdocs_build(config: Path, site_dir: Path) -> Build:
    """Run `mkdocs build --strict` for ``config`` into ``site_dir`` and capture its log."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return Build(proc.returncode, proc.stdout + proc.stderr, site_dir)


@pytest.fixture(scope="session")
def site_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The whole site, built once per session (or once per xdist worker that needs it)."""
    return mkdocs_build(ROOT / "mkdocs.yml", tmp_path_factory.mktemp("site") / "site")


@pytest.fixture(scope="session")
def site(site_build: Build) -> Path:
    """The folder of a successfully built site; fails the test with the log otherwise."""
    if site_build.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{site_build.log}")
    return site_build.site
