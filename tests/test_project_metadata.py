"""The repository's own promises agree with each other: declared dependencies, the supported
Pythons, the citation, and the GitHub workflow that tests and publishes the site.

Nothing here needs the network or a build: each test reads the project's files.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf8"))
PROJECT = PYPROJECT["project"]
WORKFLOW = ROOT / ".github" / "workflows" / "site.yml"


# --------------------------------------------------------------------------- dependencies


def declared(*groups: str) -> set[str]:
    """The distributions the core dependencies and the named extras declare, canonical names."""
    requirements = list(PROJECT["dependencies"])
    for group in groups:
        requirements += PROJECT["optional-dependencies"][group]
    names = {str(canonicalize_name(Requirement(r).name)) for r in requirements}
    return names - {str(canonicalize_name(PROJECT["name"]))}


def third_party_imports(folder: Path) -> dict[str, Path]:
    """Every top-level module imported anywhere in ``folder``'s Python files (inside functions
    too) that is neither the standard library nor one of the project's own modules."""
    own = {"snippets", "conftest"} | {p.stem for p in (ROOT / "hooks").glob("*.py")}
    own |= {
        p.stem for folder in ("benchmarks", "tools", "tests") for p in (ROOT / folder).glob("*.py")
    }
    found: dict[str, Path] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.partition(".")[0]
                if top not in sys.stdlib_module_names and top not in own:
                    found.setdefault(top, path)
    return found


@pytest.mark.parametrize(
    ("folder", "groups"),
    [("snippets", ()), ("hooks", ("site",)), ("tests", ("site", "test"))],
)
def test_every_third_party_import_is_declared(folder: str, groups: tuple[str, ...]) -> None:
    """A module that ``snippets/`` imports is a core dependency; one that only the build's hooks
    import belongs to the ``site`` extra; the tests may use ``site`` and ``test`` too."""
    distributions = packages_distributions()
    allowed = declared(*groups)
    undeclared = {}
    for module, path in third_party_imports(ROOT / folder).items():
        providers = {canonicalize_name(d) for d in distributions.get(module, [])}
        if not providers & allowed:
            undeclared[module] = f"{path.relative_to(ROOT)} (installed by {sorted(providers)})"
    assert undeclared == {}, f"imported but not declared for {folder}/: {undeclared}"


def test_the_import_scan_finds_imports_inside_functions(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("import os\n\ndef f():\n    import numpy.linalg\n")
    assert set(third_party_imports(tmp_path)) == {"numpy"}


# --------------------------------------------------------------------------- supported Pythons


def supported_minors() -> list[str]:
    """The Python versions the classifiers name ("3.11", ...), oldest first."""
    prefix = "Programming Language :: Python :: "
    minors = [c.removeprefix(prefix) for c in PROJECT["classifiers"] if c.startswith(prefix)]
    return sorted((m for m in minors if m.count(".") == 1), key=lambda m: int(m.split(".")[1]))


def test_the_python_floor_agrees_everywhere() -> None:
    floor, newest = supported_minors()[0], supported_minors()[-1]
    assert floor == "3.11", "the floor moved: update README, CONTRIBUTING and this test"
    assert SpecifierSet(PROJECT["requires-python"]) == SpecifierSet(f">={floor}")
    assert PYPROJECT["tool"]["ruff"]["target-version"] == "py" + floor.replace(".", "")
    assert PYPROJECT["tool"]["mypy"]["python_version"] == floor
    readme = (ROOT / "README.md").read_text(encoding="utf8")
    assert f"Python {floor} to {newest}" in readme
    assert f"Python {floor} to {newest}" in (ROOT / "CONTRIBUTING.md").read_text(encoding="utf8")
    matrix = workflow()["jobs"]["test"]["strategy"]["matrix"]["python"]
    assert matrix == [floor, newest], "CI tests the floor and the newest supported Python"


def constraint_lines() -> list[Requirement]:
    lines = (ROOT / "constraints.txt").read_text(encoding="utf8").splitlines()
    return [Requirement(line) for line in lines if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("python", ["3.11.2", "3.11.7", "3.12.1", "3.13.0"])
def test_the_constraints_pin_each_package_once_for_each_supported_python(python: str) -> None:
    """Environment markers choose one pin per package for each Python (Debian 12's python3 is
    3.11.2, below what two of the newest pins need)."""
    environment = {"python_version": python.rsplit(".", 1)[0], "python_full_version": python}
    pins: dict[str, list[str]] = {}
    for requirement in constraint_lines():
        if requirement.marker is None or requirement.marker.evaluate(environment):
            pins.setdefault(canonicalize_name(requirement.name), []).append(str(requirement))
    twice = {name: found for name, found in pins.items() if len(found) != 1}
    assert twice == {}
    assert "torch" in pins
    assert "numpy" in pins


# --------------------------------------------------------------------------- citation


def test_the_citation_file_names_this_project() -> None:
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf8"))
    for key in ("cff-version", "message", "title", "authors", "version", "license", "url"):
        assert citation.get(key), f"CITATION.cff has no {key}"
    assert citation["version"] == PROJECT["version"]
    assert set(citation["license"]) == {"MIT", "CC-BY-4.0"}
    site_url = re.search(r"^site_url: (\S+)", (ROOT / "mkdocs.yml").read_text(), re.M)
    assert site_url is not None
    assert citation["url"] == site_url[1]
    assert citation["repository-code"] == PROJECT["urls"]["Source"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(citation["date-released"]))


# --------------------------------------------------------------------------- the workflow


def workflow() -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf8"))
    # YAML 1.1 reads the key `on` as True.
    data["on"] = data.pop(True, data.get("on"))
    return data


def steps(job: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = workflow()["jobs"][job]["steps"]
    return found


# The current major version of each action the workflow uses (Node 20 actions stopped being
# supported on GitHub's runners in 2026; these run on Node 24, or are composite).
CURRENT_MAJORS = {
    "actions/checkout": 6,
    "actions/setup-python": 6,
    "actions/setup-node": 6,
    "actions/cache": 5,
    "actions/upload-artifact": 7,
    "actions/download-artifact": 7,
    "actions/upload-pages-artifact": 5,
    "actions/deploy-pages": 5,
    "lycheeverse/lychee-action": 2,
    "peter-evans/create-issue-from-file": 6,
}


def test_every_action_is_at_its_current_major() -> None:
    jobs = workflow()["jobs"].values()
    used = [step["uses"] for job in jobs for step in job["steps"] if "uses" in step]
    assert used
    for uses in used:
        action, _, ref = uses.partition("@")
        assert action in CURRENT_MAJORS, f"{action}: add it to CURRENT_MAJORS, at its current major"
        assert ref == f"v{CURRENT_MAJORS[action]}", f"{uses}: expected @v{CURRENT_MAJORS[action]}"


def test_the_test_job_runs_the_readmes_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf8")
    command = re.search(r"^(make test)\b", readme, re.M)
    assert command is not None, "the README names no test command"
    runs = [step.get("run", "") for step in steps("test")]
    assert command[1] in runs, f"no step runs exactly {command[1]!r}: {runs}"
    ci_run = (ROOT / ".ci" / "run").read_text(encoding="utf8")
    assert re.search(rf"^{command[1]}$", ci_run, re.M), ".ci/run runs the README's test command"


def test_node_is_22_or_newer() -> None:
    versions = [
        step["with"]["node-version"]
        for job in workflow()["jobs"].values()
        for step in job["steps"]
        if step.get("uses", "").startswith("actions/setup-node")
    ]
    assert versions
    assert all(int(str(v).split(".")[0]) >= 22 for v in versions), versions


def test_pip_npm_and_the_build_cache_are_cached() -> None:
    test_steps = steps("test")
    by_action = {s["uses"].partition("@")[0]: s for s in test_steps if "uses" in s}
    assert by_action["actions/setup-python"]["with"]["cache"] == "pip"
    assert by_action["actions/setup-node"]["with"]["cache"] == "npm"
    assert by_action["actions/cache"]["with"]["path"] == ".cache"


def test_the_deploy_job_publishes_the_tested_build_without_rebuilding() -> None:
    jobs = workflow()["jobs"]
    env = jobs["test"]["env"]
    assert env["SITE_BUILD_DIR"].endswith("/site"), "the test suite builds into site/"
    uploads = [s for s in steps("test") if s.get("uses", "").startswith("actions/upload-pages")]
    assert [s["with"]["path"] for s in uploads] == ["site/"]
    deploy = jobs["deploy"]
    assert deploy["needs"] == "test"
    assert not any("make" in step.get("run", "") for step in deploy["steps"]), "no rebuild"
    assert any(step.get("uses", "").startswith("actions/deploy-pages") for step in deploy["steps"])
    assert deploy["concurrency"]["cancel-in-progress"] is False


def test_a_weekly_link_check_opens_an_issue() -> None:
    on = workflow()["on"]
    assert on["schedule"], "no scheduled run"
    links = steps("links")
    uses = [step.get("uses", "").partition("@")[0] for step in links]
    assert "lycheeverse/lychee-action" in uses
    assert "peter-evans/create-issue-from-file" in uses
    assert workflow()["jobs"]["links"]["permissions"]["issues"] == "write"
