"""The site builds with `mkdocs build --strict`, warning-free, and the strictness has teeth."""

from __future__ import annotations

import json
import re
import shutil
from importlib.resources import files
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, Build, load_hook, mkdocs_build, nav_pages
from mkdocs.exceptions import PluginError
from test_site_learning_path import front_matter

pytestmark = [pytest.mark.slow]


def test_build_is_strict_and_warning_free(site_build: Build) -> None:
    assert site_build.returncode == 0, site_build.log
    warnings = [line for line in site_build.log.splitlines() if "WARNING" in line]
    assert warnings == []


def test_every_nav_page_is_built(site: Path) -> None:
    nav_sources = [
        page.file.removesuffix(".md") for page in nav_pages() if page.file.endswith(".md")
    ]
    assert len(nav_sources) >= 30
    for name in nav_sources:
        folder = name.removesuffix("index") if name.endswith("index") else f"{name}/"
        page = site / folder / "index.html"
        assert page.is_file(), f"{name}.md is in the nav but {page} was not built"


def named_section(source: str, name: str) -> str:
    """The lines between ``# --8<-- [start:name]`` and ``# --8<-- [end:name]``."""
    match = re.search(rf"# --8<-- \[start:{name}\]\n(.*?)# --8<-- \[end:{name}\]", source, re.S)
    assert match, f"no section {name!r}"
    return match.group(1)


def test_neuron_page_shows_the_file_its_test_imports(site: Path) -> None:
    soup = BeautifulSoup((site / "neuron" / "index.html").read_text(), "html.parser")
    code_blocks = [pre.get_text() for pre in soup.select("article pre")]
    source = (ROOT / "snippets" / "neuron.py").read_text()
    imports = named_section(source, "imports").strip()
    for section in ("numpy_neuron", "torch_neuron", "dense_layer"):
        expected = named_section(source, section).strip()
        # The block copies as a whole: the module's imports first, the section last.
        assert any(
            block.strip().startswith(imports) and block.strip().endswith(expected)
            for block in code_blocks
        ), section


def test_neuron_page_shows_output_computed_at_build_time(site: Path) -> None:
    text = BeautifulSoup((site / "neuron" / "index.html").read_text(), "html.parser").get_text()
    # Printed by the executed PyTorch-vs-NumPy comparison; the page source holds no such line.
    assert "equal:   True" in text
    assert "equal:   True" not in (ROOT / "docs" / "neuron.md").read_text()


def _scratch_project(tmp_path: Path, page: str) -> Path:
    """A two-page copy of the site (home and ``page``) with the real configuration.

    Only links to the pages left out are relaxed; anchors and includes stay as strict as in
    the real build. Returns the scratch mkdocs.yml.
    """
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("index.md", page):
        shutil.copy(ROOT / "docs" / name, docs / name)
    for folder in ("includes", "assets", "stylesheets"):
        shutil.copytree(ROOT / "docs" / folder, docs / folder)
    for folder in ("hooks", "overrides", "templates"):  # resolved relative to the config file
        (tmp_path / folder).symlink_to(ROOT / folder)
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\n"
        f"docs_dir: {docs}\n"
        "nav:\n  - Home: index.md\n"
        f"  - Page: {page}\n"
        "validation:\n  nav:\n    omitted_files: info\n"
        "  links:\n    not_found: info\n    anchors: warn\n"
    )
    return config


def _scratch_build_with(tmp_path: Path, appended: str) -> Build:
    """The scratch copy built with ``appended`` added to the end of its neuron page."""
    config = _scratch_project(tmp_path, "neuron.md")
    page = tmp_path / "docs" / "neuron.md"
    page.write_text(page.read_text() + appended)
    return mkdocs_build(config, tmp_path / "out")


def test_scratch_copy_builds_cleanly(tmp_path: Path) -> None:
    """The control for the two tests below: the unmodified scratch copy builds."""
    config = _scratch_project(tmp_path, "neuron.md")
    build = mkdocs_build(config, tmp_path / "out")
    assert build.returncode == 0, build.log


def test_broken_anchor_fails_the_build(tmp_path: Path) -> None:
    build = _scratch_build_with(tmp_path, "\nSee [nowhere](#no-such-heading).\n")
    assert build.returncode != 0
    assert "no-such-heading" in build.log


def test_a_block_that_raises_fails_the_build_naming_its_page(tmp_path: Path) -> None:
    build = _scratch_build_with(
        tmp_path, '\n```python exec="on"\nraise ValueError("boom from a block")\n```\n'
    )
    assert build.returncode != 0
    assert "docs/neuron.md: markdown_exec: Execution of python code block" in build.log
    assert "boom from a block" in build.log


def test_broken_include_fails_the_build(tmp_path: Path) -> None:
    build = _scratch_build_with(
        tmp_path, '\n```{ .python notest }\n--8<-- "snippets/no_such_module.py:x"\n```\n'
    )
    assert build.returncode != 0
    assert "no_such_module.py" in build.log


def test_no_fence_markup_leaks_onto_pages(site: Path) -> None:
    """A fence that Markdown failed to parse shows up as literal backticks or include lines."""
    leaks = {}
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf8")
        # An include line that was not replaced; section markers (`--8<-- [start:x]`) may show
        # in the reference's source listings, include lines may not.
        found = [m for m in ("```", "~~~", '--8&lt;-- "', "--8&lt;-- &quot;") if m in html]
        if found:
            leaks[str(page.relative_to(site))] = found
    assert leaks == {}


def test_the_template_patches_still_apply(built_pages: dict[str, BeautifulSoup]) -> None:
    """overrides/main.html names the search dialog and defers Material's scripts by patching
    the theme's markup; a theme update that changes that markup must fail here, not silently."""
    for name in ("index.html", "neuron/index.html"):
        page = built_pages[name]
        dialogs = page.select('[role="dialog"]')
        assert [d.get("aria-label") for d in dialogs] == ["Search"], name
        scripts = page.select("script[src]")
        assert scripts, name
        assert [s["src"] for s in scripts if not s.has_attr("defer")] == [], name


def test_the_content_partial_keeps_every_line_of_materials() -> None:
    """overrides/partials/content.html is Material's partial plus two links: a theme update that
    changes Material's partial must fail here, so that the copy is brought up to date."""
    theirs = files("material") / "templates" / "partials" / "content.html"
    ours = (ROOT / "overrides" / "partials" / "content.html").read_text(encoding="utf8")
    lines = [
        line.strip()
        for line in re.sub(r"\{#-?.*?-?#\}", "", theirs.read_text(encoding="utf8"), flags=re.S)
        .strip()
        .splitlines()
    ]
    assert len(lines) >= 8
    ours_lines = [line.strip() for line in ours.splitlines()]
    assert [line for line in lines if line not in ours_lines] == []
    positions = [ours_lines.index(line) for line in lines]
    assert positions == sorted(positions), "Material's lines are out of order in the copy"


def test_reference_source_listings_are_shown_but_not_searched(
    site: Path, built_pages: dict[str, BeautifulSoup]
) -> None:
    """templates/ keeps each function's and class's source listing on the reference pages but
    marks it data-search-exclude, so the search index holds the docstrings and not the code."""
    pages = [page for name, page in built_pages.items() if name.startswith("reference/")]
    listings = [d for page in pages for d in page.select("details.mkdocstrings-source")]
    assert len(listings) > 50
    unmarked = [d.get_text()[:80] for d in listings if not d.has_attr("data-search-exclude")]
    assert unmarked == []
    index = json.loads((site / "search" / "search_index.json").read_text("utf8"))
    reference = [doc for doc in index["docs"] if doc["location"].startswith("reference/")]
    assert any("sigmoid" in doc["text"].lower() for doc in reference)  # the docstrings are in
    assert [doc["location"] for doc in reference if "Source code in" in doc["text"]] == []


def test_every_module_has_its_reference_page(built_pages: dict[str, BeautifulSoup]) -> None:
    """One page per public module of snippets/, in the nav, headed by the module, and the
    reference's index lists every module, linked to its page."""
    modules = sorted(p.stem for p in (ROOT / "snippets").glob("[!_]*.py"))
    assert len(modules) >= 10
    in_nav = {page.file: page.title for page in nav_pages() if "Code reference" in page.sections}
    index = built_pages["reference/index.html"]
    links = {a["href"] for a in index.select("article a[href]")}
    for module in modules:
        assert in_nav.get(f"reference/{module}.md") == f"snippets.{module}", module
        page = built_pages[f"reference/{module}/index.html"]
        assert [h.get("id") for h in page.select("article h1")] == [f"snippets.{module}"], module
        assert f"{module}/#snippets.{module}" in links, module
    assert not any("__main__" in link or "_validate" in link for link in links)


def test_each_module_page_and_its_chapter_link_to_each_other(
    built_pages: dict[str, BeautifulSoup],
) -> None:
    """A module's reference page names the chapter that teaches it (front matter ``chapter:``),
    that chapter really shows or imports the module, and each page links to the other. The
    figures module teaches nothing of its own: it draws the figures of many chapters."""
    modules = sorted(p.stem for p in (ROOT / "snippets").glob("[!_]*.py"))
    for module in modules:
        chapter = front_matter(f"reference/{module}").get("chapter")
        reference = built_pages[f"reference/{module}/index.html"]
        if module == "figures":
            assert chapter is None
            assert not reference.select(".taught-in")
            continue
        assert chapter, f"reference/{module}.md names no chapter"
        source = (ROOT / "docs" / chapter).read_text(encoding="utf8")
        uses = rf"snippets/{module}\.py|snippets\.{module}\b|import .*\b{module}\b"
        assert re.search(uses, source), f"{chapter} neither shows nor imports it: {module}"
        slug = chapter.removesuffix(".md")
        assert [a["href"] for a in reference.select(".taught-in a")] == [f"../../{slug}/"], module
        back = built_pages[f"{slug}/index.html"].select("article .chapter-code a")
        assert f"../reference/{module}/" in [a["href"] for a in back], (module, slug)


def test_glossary_terms_are_tooltips_on_the_pages(site: Path) -> None:
    glossary = load_hook("abbreviations").read_glossary(ROOT / "docs/includes/abbreviations.md")
    assert len(glossary) >= 40
    soup = BeautifulSoup((site / "activations" / "index.html").read_text(), "html.parser")
    tooltips = {abbr.get_text(): abbr["title"] for abbr in soup.select("article abbr")}
    assert tooltips["ReLU"] == glossary["ReLU"]
    # Text only: code is copied and run, and a tooltip there would change nothing but noise.
    assert not soup.select("article pre abbr, article code abbr")
    questions = BeautifulSoup((site / "questions" / "index.html").read_text(), "html.parser")
    shown = {abbr.get_text() for abbr in questions.select("article abbr")}
    assert {"epoch", "learning rate", "overfitting"} <= shown, sorted(shown)


def test_a_malformed_glossary_line_is_an_error_naming_it(tmp_path: Path) -> None:
    hook = load_hook("abbreviations")
    glossary = tmp_path / "abbreviations.md"
    glossary.write_text("*[GPU]: Graphics processing unit\n\nGPU - graphics card\n")
    with pytest.raises(PluginError, match=r"abbreviations.md:3: expected '\*\[TERM\]: definition'"):
        hook.read_glossary(glossary)


def test_display_formulas_can_be_focused_to_scroll_them(
    built_pages: dict[str, BeautifulSoup],
) -> None:
    """A formula wider than a phone scrolls sideways; the keyboard must reach it (axe's
    scrollable-region-focusable). Inline formulas wrap with the text and need no focus."""
    soup = built_pages["backpropagation/index.html"]
    display = soup.select("div.arithmatex")
    inline = soup.select("span.arithmatex")
    assert len(display) >= 5
    assert len(inline) >= 5
    assert all(div.get("tabindex") == "0" for div in display)
    assert not any(span.has_attr("tabindex") for span in inline)


def test_code_blocks_can_be_focused_before_material_sets_them_up(
    built_pages: dict[str, BeautifulSoup],
) -> None:
    """Material sets a code block up as it comes into view (``content.lazy``): until then
    the build's ``tabindex`` (hooks/code_focus.py) keeps a wide block reachable by keyboard."""
    for page in ("activations", "reference/workflow", "workflow"):
        blocks = built_pages[f"{page}/index.html"].select("pre > code")
        assert len(blocks) >= 5, page
        assert [b for b in blocks if b.get("tabindex") != "0"] == [], page


def test_tables_and_notebook_cells_can_be_focused_from_the_build(
    built_pages: dict[str, BeautifulSoup],
) -> None:
    """Material makes no Markdown table or notebook cell focusable when it scrolls sideways,
    and no script of the site measures them: the build's ``tabindex`` does it for each."""
    tables = built_pages["workflow/index.html"].select("article table:not([class])")
    cells = built_pages["notebooks/workflow/index.html"].select("div.highlight-ipynb")
    assert len(tables) >= 2
    assert len(cells) >= 3
    assert [t for t in tables + cells if t.get("tabindex") != "0"] == []
    scripts = [str(s["src"]) for s in built_pages["workflow/index.html"].select("script[src]")]
    assert scripts
    assert all(src.startswith("../assets/javascripts/") for src in scripts), scripts
