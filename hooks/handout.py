"""MkDocs hook: the core path as one printable page, ``handout/``.

After the build, the article of every chapter of the learning path (the chapters of
``hooks/reading_time.py``, in nav order) is taken from its built page, already typeset, and put
into the handout page in place of its ``<div id="handout-chapters"></div>``, after a table of
contents. "Going further" blocks, permalinks and edit buttons are left out; each chapter's ids
get the chapter's name as a prefix, so that links between chapters become links within the
handout. Figures keep their relative addresses: every chapter and the handout sit one folder
deep.

``tools/handout_pdf.py`` (``make handout``) prints that page to a PDF with Chromium. The print
stylesheet (``docs/stylesheets/extra.css``, ``@media print``) starts each chapter on a new page
and keeps code blocks, tables and figures whole.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import urldefrag

from bs4 import BeautifulSoup, Tag
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from reading_time import read_chapters
from snippet_deps import write_atomically

HANDOUT = "handout.md"
CACHE = Path(__file__).resolve().parent.parent / ".cache" / "handout"
PLACEHOLDER = '<div id="handout-chapters"></div>'
DROP = {"headerlink", "md-content__button", "md-source-file", "chapter-code"}  # left out
REFERENCES = {"id", "for", "aria-controls", "aria-labelledby", "aria-describedby", "name"}

_chapters: list[tuple[str, str, str]] = []  # (slug, title, reading-time line) in nav order
_enabled = False  # whether this build has a handout page (a scratch build may have none)


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    global _enabled
    _enabled = files.get_file_from_path(HANDOUT) is not None
    _chapters.clear()
    for chapter in read_chapters(nav):
        slug = chapter.src_uri.removesuffix(".md")
        _chapters.append((slug, chapter.title, f"{chapter.core.minutes} min"))
    return nav


def is_going_further(details: Tag) -> bool:
    summary = details.find("summary")
    return summary is not None and summary.get_text(" ").strip().lower().startswith("going further")


def local_target(href: str, slug: str, slugs: set[str]) -> str | None:
    """Where a link of chapter ``slug`` points inside the handout, or None if it leaves it.

    >>> local_target("#sigmoid", "activations", {"activations", "neuron"})
    '#activations--sigmoid'
    >>> local_target("../neuron/#a-layer", "activations", {"activations", "neuron"})
    '#neuron--a-layer'
    >>> local_target("../neuron/", "activations", {"activations", "neuron"})
    '#neuron'
    >>> local_target("../glossary/#epoch", "activations", {"activations", "neuron"}) is None
    True
    """
    path, fragment = urldefrag(href)
    if not path:
        return f"#{slug}--{fragment}"
    found = re.fullmatch(r"\.\./([\w-]+)/(?:index\.html)?", path)
    if found and found[1] in slugs:
        return f"#{found[1]}--{fragment}" if fragment else f"#{found[1]}"
    return None


ARTICLE = re.compile(r'<article class="md-content__inner[^"]*"[^>]*>.*?</article>', re.S)


def chapter_section(html: str, slug: str, slugs: set[str]) -> Tag:
    """The article of one built chapter, made ready for the handout. Only the article is
    parsed (the navigation around it is half of a small page), and its tree is walked once."""
    found = ARTICLE.search(html)
    article = BeautifulSoup(found[0], "html.parser").article if found else None
    if article is None:
        raise PluginError(f"handout: the built page of {slug} has no article")
    for details in article.find_all("details"):
        if is_going_further(details):
            details.decompose()
    for element in article.find_all(True):
        if element.decomposed:  # inside an element decomposed earlier in this walk
            continue
        if DROP & set(element.get("class") or ()):
            element.decompose()
            continue
        # What points at an id (a tab's label, ARIA references) and the name of a group of
        # tabs' radio buttons follow the ids, or Material's scripts stop at the page's first tab.
        for attribute in REFERENCES & set(element.attrs):
            element[attribute] = f"{slug}--{element[attribute]}"
        if element.name == "a" and element.has_attr("href"):
            target = local_target(str(element["href"]), slug, slugs)
            if target is not None:
                element["href"] = target
    title = article.find("h1")
    if title is not None:
        title["id"] = slug
    article.name = "section"
    article["class"] = "handout-chapter"
    return article


def contents() -> str:
    items = "".join(
        f'<li><a href="#{slug}">{title}</a> <span class="handout-minutes">{minutes}</span></li>'
        for slug, title, minutes in _chapters
    )
    return f'<nav class="handout-toc" aria-label="Chapters"><h2>Contents</h2><ol>{items}</ol></nav>'


def on_post_build(config: MkDocsConfig) -> None:
    if not _enabled:
        return
    site = Path(config.site_dir)
    handout = site / HANDOUT.removesuffix(".md") / "index.html"
    if not handout.is_file():
        raise PluginError(f"handout: {HANDOUT} is missing from the built site")
    page = handout.read_text(encoding="utf8")
    if PLACEHOLDER not in page:
        raise PluginError(f"handout: {HANDOUT} has no {PLACEHOLDER}")
    slugs = {slug for slug, _, _ in _chapters}
    sections = [cached_section(site, slug, slugs) for slug, _, _ in _chapters]
    body = contents() + "".join(to_left_out_parts_online(sections, slugs))
    handout.write_text(page.replace(PLACEHOLDER, body), encoding="utf8")


def cached_section(site: Path, slug: str, slugs: set[str]) -> str:
    """``chapter_section`` of a built chapter, kept in ``.cache/handout/`` under a hash of the
    chapter's page, the chapters' names and this file: parsing a chapter takes about half a
    second, and a rebuild changes few of them."""
    html = (site / slug / "index.html").read_text(encoding="utf8")
    digest = hashlib.sha256(f"{html}\0{sorted(slugs)}".encode() + Path(__file__).read_bytes())
    kept = CACHE / f"{slug}-{digest.hexdigest()[:20]}.html"
    if kept.is_file():
        return kept.read_text(encoding="utf8")
    section = str(chapter_section(html, slug, slugs))
    CACHE.mkdir(parents=True, exist_ok=True)
    for old in CACHE.glob(f"{slug}-*.html"):
        old.unlink(missing_ok=True)
    write_atomically(kept, section.encode())
    return section


def to_left_out_parts_online(sections: list[str], slugs: set[str]) -> list[str]:
    """Point links whose target the handout left out (inside a "Going further" block) at that
    place on the chapter's own page.

    >>> to_left_out_parts_online(['<a href="#arch--gone">x</a><h2 id="arch--here"></h2>'], {"arch"})
    ['<a href="../arch/#gone">x</a><h2 id="arch--here"></h2>']
    """
    ids = {found for section in sections for found in re.findall(r'\bid="([^"]+)"', section)}

    def online(link: re.Match[str]) -> str:
        chapter, _, fragment = link[1].partition("--")
        if link[1] in ids or chapter not in slugs or not fragment:
            return link[0]
        return f'href="../{chapter}/#{fragment}"'

    return [re.sub(r'\bhref="#([^"]+)"', online, section) for section in sections]
