"""Fixtures shared by the tests of the site itself (build, fences, offline, browser).

The site is built once per test run, into a temporary folder, by `mkdocs build --strict`;
under `pytest -n` the workers share that one build (see ``site_build``).
"""

from __future__ import annotations

import fcntl
import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import torch
import yaml
from bs4 import BeautifulSoup
from hypothesis import settings

# One hypothesis profile for the whole suite: no per-example deadline, since timings on two
# shared cores (a site build beside the tests) say nothing about correctness; speed targets
# live in benchmarks/. HYPOTHESIS_PROFILE=thorough runs more examples.
settings.register_profile("suite", deadline=None)
settings.register_profile("thorough", deadline=None, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

# Two xdist workers share two cores: one thread each (subprocesses inherit OMP_NUM_THREADS).
os.environ.setdefault("OMP_NUM_THREADS", "1")
torch.set_num_threads(1)

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The browser module first. It is the suite's longest file (it visits every page), and
    under ``-n 2 --dist loadfile --no-loadscope-reorder`` (the Makefile) files are handed out
    in this order: started last, it ran alone on one worker at the end while the other idled."""
    items.sort(key=lambda item: item.path.name != "test_site_browser.py")


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    """Every test runs torch on one thread (tiny models run fastest so on a shared 2-core
    machine), and a test that changes the count does not change it for the next."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


class NavLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, ignoring its !!python/name tags."""


NavLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *_: None)


def mkdocs_nav() -> list[Any]:
    """The ``nav`` of mkdocs.yml, as YAML gives it."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf8"), Loader=NavLoader)
    nav: list[Any] = config["nav"]
    return nav


@dataclass(frozen=True)
class NavPage:
    """A page of the nav: its file (relative to docs/), its title (None for a bare entry, such
    as a section's index page) and the titles of the sections it sits in, outermost first."""

    file: str
    title: str | None
    sections: tuple[str, ...]


def nav_pages(entries: list[Any] | None = None, sections: tuple[str, ...] = ()) -> list[NavPage]:
    """Every page of the nav of mkdocs.yml, in nav order."""
    found: list[NavPage] = []
    for entry in mkdocs_nav() if entries is None else entries:
        if isinstance(entry, str):  # a bare file: a section's index page
            found.append(NavPage(entry, None, sections))
            continue
        for title, target in entry.items():
            if isinstance(target, list):
                found += nav_pages(target, (*sections, title))
            else:
                found.append(NavPage(target, title, sections))
    return found


def load_module(path: Path, name: str) -> ModuleType:
    """The file ``path`` as the module ``name``, loaded as MkDocs loads a hook: registered in
    ``sys.modules`` (dataclasses look their module up by name) and with the file's folder on
    ``sys.path`` meanwhile, for its imports of its neighbours."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    saved = sys.path.copy()
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = saved
    return module


def load_tool(name: str) -> ModuleType:
    """The script ``tools/<name>.py`` as the module ``name``."""
    return load_module(ROOT / "tools" / f"{name}.py", name)


def load_hook(name: str) -> ModuleType:
    """The MkDocs hook ``hooks/<name>.py`` as a module (hooks are files, not a package)."""
    return load_module(ROOT / "hooks" / f"{name}.py", f"{name}_hook")


@dataclass(frozen=True)
class Build:
    """The result of one `mkdocs build --strict`."""

    returncode: int
    log: str
    site: Path


def mkdocs_build(config: Path, site_dir: Path) -> Build:
    """Run `mkdocs build --strict` for ``config`` into ``site_dir`` and capture its log."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict"]
    proc = subprocess.run(
        [*command, "-f", str(config), "-d", str(site_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return Build(proc.returncode, proc.stdout + proc.stderr, site_dir)


def with_handout_pdf(build: Build) -> Build:
    """The build with its handout printed to PDF (the handout page links to it), where a
    Chromium is installed; without one the browser tests, which check that link, skip."""
    handout_pdf = load_tool("handout_pdf")
    chromium = handout_pdf.chromium_path()
    if chromium is None:
        return build
    output = build.site / "handout" / handout_pdf.PDF_NAME
    try:
        handout_pdf.print_handout(build.site, output, chromium)
    except Exception as error:  # the log says why; the site tests then fail with it
        return Build(1, f"{build.log}\nprinting the handout failed: {error!r}", build.site)
    return build


@pytest.fixture(scope="session")
def site_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The whole site, built once per test run, even when pytest-xdist runs several workers,
    with its handout PDF: what CI publishes.

    The first worker to get here builds it under a lock in the run's shared temporary folder;
    the others wait for it and read its result. With ``SITE_BUILD_DIR`` set (CI does), the site
    is built there instead, so the site the tests checked is the one that gets published, and
    its build log is kept beside it (``<dir>.build.json``). While working on one test, set
    ``SITE_BUILD_REUSE=1`` as well to test that earlier build again instead of rebuilding (the
    sources may have changed since: CI never sets it).
    """
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    site_dir = Path(os.environ.get("SITE_BUILD_DIR") or shared / "site")
    kept = (
        site_dir.with_name(f"{site_dir.name}.build.json")
        if "SITE_BUILD_DIR" in os.environ
        else None
    )
    result = shared / "site-build.json"
    with (shared / "site-build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        reuse = os.environ.get("SITE_BUILD_REUSE") == "1"
        if reuse and kept and kept.exists() and not result.exists():
            result.write_text(kept.read_text())
        if not result.exists():
            build = mkdocs_build(ROOT / "mkdocs.yml", site_dir)
            if build.returncode == 0:
                build = with_handout_pdf(build)
            result.write_text(json.dumps({"returncode": build.returncode, "log": build.log}))
            if kept:
                kept.write_text(result.read_text())
    recorded = json.loads(result.read_text())
    return Build(recorded["returncode"], recorded["log"], site_dir)


@pytest.fixture(scope="session")
def built_pages(site: Path) -> dict[str, BeautifulSoup]:
    """Every HTML page of the built site by its path in the site, parsed once per test process
    (a pass over all of them takes about 10 s here). The tests read these trees; none may
    change one."""
    pages = sorted(site.rglob("*.html"))
    assert pages, f"no HTML in {site}"
    return {
        page.relative_to(site).as_posix(): BeautifulSoup(page.read_text("utf8"), "html.parser")
        for page in pages
    }


@pytest.fixture(scope="session")
def site(site_build: Build) -> Path:
    """The folder of a successfully built site; fails the test with the log otherwise."""
    if site_build.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{site_build.log}")
    return site_build.site
