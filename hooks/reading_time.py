"""MkDocs hook: each chapter's reading time, computed from its text, and the plan for the day.

A chapter is a page of the nav's learning path: every section but Notebooks and Reference (and
the home page, which is no chapter). Its **core** is everything outside "Going further" blocks
(``??? info "Going further: ..."`` admonitions, or a ``## Going further`` heading up to the
next heading of its level); a day-1 reader can skip those.

* Under each chapter's title: its core reading time, from the core's prose words and code lines
  (``PROSE_WPM`` and ``CODE_LPM`` below), and how much "Going further" would add.
* On any page, ``<!-- reading-time: total -->`` becomes the core path's total, and
  ``<!-- reading-time: chapters -->`` a table of every chapter's words, code and minutes.
* On the plan for the day, ``<!-- day-plan -->`` becomes the timetable made from the page's
  ``sessions`` front matter: each session's minutes are its chapters' reading times plus its
  stated exercise time, and the clock times follow from ``start`` and the breaks.

``benchmarks/word_count.py`` prints the same figures from the command line.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parent.parent

PROSE_WPM = 180  # words per minute for technical prose with equations (general prose: ~240)
CODE_LPM = 12  # lines per minute for reading a block of code and its printed output
NOT_CHAPTERS = {"Start here", "Notebooks", "Reference"}

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})")
FURTHER_ADMONITION = re.compile(r'^(?P<indent>[ \t]*)(\?\?\?\+?|!!!) \w+ "Going further', re.I)
HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<title>.*)$")
INCLUDE = re.compile(r'^\s*--8<-- "(?P<path>[^":]+)(?::(?P<section>[\w-]+))?"\s*$')
MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$|\\\(.*?\\\)|\\\[.*?\\\]", re.S)
MARKUP = re.compile(r"<[^>]+>|\{[:#.][^}]*\}|\[\^?\w*\]|\(https?://[^)]*\)|\([\w./#-]+\.md[^)]*\)")
WORD = re.compile(r"[A-Za-z0-9][\w'\u2019.-]*")


@dataclass(frozen=True)
class Count:
    """What a reader meets in part of a page: prose words and lines of code (with output)."""

    words: int = 0
    code_lines: int = 0

    def __add__(self, other: Count) -> Count:
        return Count(self.words + other.words, self.code_lines + other.code_lines)

    @property
    def minutes(self) -> int:
        """Reading time, rounded up to the minute (0 for nothing at all)."""
        return math.ceil(self.words / PROSE_WPM + self.code_lines / CODE_LPM)


@dataclass(frozen=True)
class Chapter:
    """A chapter's core and its "Going further" part."""

    src_uri: str
    title: str
    core: Count
    further: Count


def strip_front_matter(markdown: str) -> str:
    """The page without its YAML front matter.

    >>> strip_front_matter("---\\nrequires: [neuron]\\n---\\n# Title\\n")
    '# Title\\n'
    """
    if markdown.startswith("---\n"):
        end = markdown.find("\n---\n", 4)
        if end != -1:
            return markdown[end + 5 :]
    return markdown


def prose_words(text: str) -> int:
    """Words a reader reads in Markdown prose: markup, link targets and HTML left out, each
    formula counted as one word.

    >>> prose_words("The **sigmoid** $\\\\sigma(z)$ squashes [any input](neuron.md#x) into (0, 1).")
    9
    """
    text = MATH.sub(" formula ", text)
    text = MARKUP.sub(" ", text)
    text = re.sub(r"^\s*(\?\?\?\+?|!!!)\s+\w+", " ", text, flags=re.M)  # admonition markers
    return len(WORD.findall(text))


def included_lines(path: str, section: str | None) -> int:
    """How many lines ``--8<-- "path:section"`` puts on the page (markers left out)."""
    source = ROOT / path
    if not source.is_file():
        raise PluginError(f"reading time: {path} is included but does not exist")
    lines = source.read_text(encoding="utf8").splitlines()
    if section is None:
        return len(lines)
    start, end = f"--8<-- [start:{section}]", f"--8<-- [end:{section}]"
    inside, count = False, 0
    for line in lines:
        if start in line:
            inside = True
        elif end in line:
            inside = False
        elif inside and "--8<--" not in line:
            count += 1
    return count


def count_page(markdown: str) -> tuple[Count, Count]:
    """The (core, going further) counts of one page's Markdown.

    >>> core, further = count_page('''# T
    ... One two three.
    ...
    ... ```python
    ... print(1)
    ... ```
    ...
    ... ??? info "Going further: more"
    ...     Four five.
    ...
    ... Six.
    ... ''')
    >>> core, further
    (Count(words=5, code_lines=1), Count(words=5, code_lines=0))
    """
    core: list[str] = []
    further: list[str] = []
    core_code = further_code = 0
    lines = strip_front_matter(markdown).splitlines()
    further_indent: str | None = None  # inside a "Going further" admonition: its indent
    further_heading: int | None = None  # inside a "Going further" section: its heading level
    fence: str | None = None
    for line in lines:
        in_further = further_indent is not None or further_heading is not None
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
                continue
            include = INCLUDE.match(line)
            n = included_lines(include["path"], include["section"]) if include else 1
            if in_further:
                further_code += n
            else:
                core_code += n
            continue
        if further_indent is not None and line.strip():
            indent = len(line) - len(line.lstrip())
            if indent <= len(further_indent):
                further_indent = None
        heading = HEADING.match(line)
        if heading:
            level = len(heading["level"])
            if further_heading is not None and level <= further_heading:
                further_heading = None
            if heading["title"].lower().startswith("going further"):
                further_heading = level
        if admonition := FURTHER_ADMONITION.match(line):
            further_indent = admonition["indent"]
        in_further = further_indent is not None or further_heading is not None
        opening = FENCE.match(line)
        if opening:
            fence = opening["fence"]
            continue
        (further if in_further else core).append(line)
    return (
        Count(prose_words("\n".join(core)), core_code),
        Count(prose_words("\n".join(further)), further_code),
    )


def chapters_of(nav: Navigation) -> list[Page]:
    """The pages of the learning path, in nav order: every section but Notebooks and Reference,
    and no home page."""
    found: list[Page] = []

    def walk(items: list[Any], section: str | None) -> None:
        for item in items:
            if isinstance(item, Section):
                if item.title not in NOT_CHAPTERS:
                    walk(item.children, item.title)
            elif isinstance(item, Page) and section is not None and not item.is_homepage:
                found.append(item)

    walk(nav.items, None)
    return found


def read_chapters(nav: Navigation) -> list[Chapter]:
    """Every chapter of the nav, counted from its source file."""
    chapters = []
    for page in chapters_of(nav):
        assert page.file.abs_src_path is not None
        markdown = Path(page.file.abs_src_path).read_text(encoding="utf8")
        core, further = count_page(markdown)
        chapters.append(Chapter(page.file.src_uri, page.title or page.file.src_uri, core, further))
    return chapters


_chapters: dict[str, Chapter] = {}


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    _chapters.clear()
    _chapters.update({chapter.src_uri: chapter for chapter in read_chapters(nav)})
    return nav


def total() -> Count:
    return sum((chapter.core for chapter in _chapters.values()), Count())


def total_minutes() -> int:
    """The core path's reading time: the sum of the times shown under the chapters' titles."""
    return sum(chapter.core.minutes for chapter in _chapters.values())


def reading_line(chapter: Chapter) -> str:
    """The line under a chapter's title."""
    core = chapter.core
    line = (
        f"About **{core.minutes} min** to read and run: {core.words:,} words and "
        f"{core.code_lines:,} lines of code"
    )
    if chapter.further.minutes:
        line += f'; the "Going further" blocks add {chapter.further.minutes} min'
    return f'<p class="reading-time" markdown="span">{line}.</p>'


def chapters_table(page: Page) -> str:
    rows = [
        "| Chapter | Words | Code lines | Minutes | Going further (min) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for chapter in _chapters.values():
        link = relative(page, chapter.src_uri)
        core, further = chapter.core, chapter.further
        rows.append(
            f"| [{chapter.title}]({link}) | {core.words:,} | {core.code_lines:,} | "
            f"{core.minutes} | {further.minutes} |"
        )
    whole = total()
    minutes = total_minutes()
    rows.append(f"| **All chapters** | {whole.words:,} | {whole.code_lines:,} | {minutes} | |")
    return "\n".join(rows)


def relative(page: Page, src_uri: str) -> str:
    """A Markdown link from ``page`` to the page ``src_uri`` (both relative to docs/)."""
    depth = page.file.src_uri.count("/")
    return "../" * depth + src_uri


def day_plan(page: Page) -> str:
    """The timetable of the plan for the day, from the page's front matter, then what each
    session runs together and its exercise."""
    meta = page.meta
    try:
        clock = datetime.strptime(str(meta["start"]), "%H:%M")
        sessions = meta["sessions"]
        short_break, lunch_after = int(meta["break_minutes"]), int(meta["lunch_after"])
        lunch = int(meta["lunch_minutes"])
    except (KeyError, ValueError, TypeError) as error:
        raise PluginError(f"{page.file.src_uri}: the day plan's front matter: {error}") from error
    rows = [
        "| Time | Session | Chapters (reading minutes) | Minutes |",
        "| --- | --- | --- | ---: |",
    ]
    details = []
    for number, session in enumerate(sessions, start=1):
        parts = []
        reading = 0
        for src_uri in session["chapters"]:
            if src_uri not in _chapters:
                raise PluginError(f"{page.file.src_uri}: {src_uri} is not a chapter of the nav")
            chapter = _chapters[src_uri]
            reading += chapter.core.minutes
            parts.append(f"[{chapter.title}]({relative(page, src_uri)}) ({chapter.core.minutes})")
        exercise = int(session["exercise_minutes"])
        minutes = reading + exercise
        end = clock + timedelta(minutes=minutes)
        rows.append(
            f"| {clock:%H:%M}-{end:%H:%M} | **{number}. {session['title']}** | "
            f"{', '.join(parts)}, exercise ({exercise}) | {minutes} |"
        )
        details.append(
            f"{number}. **{session['title']}.** Run together: {session['together']}. "
            f"Exercise ({exercise} min): {session['exercise']}."
        )
        pause = lunch if number == lunch_after else short_break
        if number < len(sessions):
            label = "Lunch" if number == lunch_after else "Break"
            resume = end + timedelta(minutes=pause)
            rows.append(f"| {end:%H:%M}-{resume:%H:%M} | *{label}* | | {pause} |")
        clock = end + timedelta(minutes=pause)
    return "\n".join(rows) + "\n\nIn each session:\n\n" + "\n".join(details)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    chapter = _chapters.get(page.file.src_uri)
    if chapter is not None:
        markdown = re.sub(
            r"^(# .+)$",
            lambda m: f"{m[1]}\n\n{reading_line(chapter)}",
            markdown,
            count=1,
            flags=re.M,
        )
    whole = total()
    hours, minutes = divmod(total_minutes(), 60)
    markdown = markdown.replace(
        "<!-- reading-time: total -->",
        f"about **{hours} h {minutes:02d} min** ({whole.words:,} words and "
        f"{whole.code_lines:,} lines of code in {len(_chapters)} chapters)",
    )
    if "<!-- reading-time: chapters -->" in markdown:
        markdown = markdown.replace("<!-- reading-time: chapters -->", chapters_table(page))
    if "<!-- day-plan -->" in markdown:
        markdown = markdown.replace("<!-- day-plan -->", day_plan(page))
    return markdown
