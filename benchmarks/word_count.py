"""Print the words, code lines and reading time of every chapter: core, "Going further", total.

    python benchmarks/word_count.py            # a table, then the core path's total
    python benchmarks/word_count.py --check    # exit 1 if the core path is over its budget

The figures are those the site shows under each chapter's title (``hooks/reading_time.py``
computes both): the chapters are the pages of the nav's learning path, read in nav order.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mkdocs.config import load_config
from mkdocs.structure.files import get_files
from mkdocs.structure.nav import get_navigation

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

import reading_time  # noqa: E402  (a hook file, found through the path set just above)

CORE_BUDGET = 12_000  # words of core prose for the whole day (issue: a day, not a library)
CHAPTER_BUDGET = 1_200  # words of core prose for one chapter, about


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if over the word budget")
    args = parser.parse_args(argv)
    config = load_config(str(ROOT / "mkdocs.yml"))
    nav = get_navigation(get_files(config), config)
    chapters = reading_time.read_chapters(nav)
    header = f"{'chapter':<36} {'core words':>10} {'code':>6} {'min':>5}"
    print(f"{header}   {'further words':>13} {'min':>5}")
    for c in chapters:
        flag = "  over" if c.core.words > CHAPTER_BUDGET else ""
        print(
            f"{c.title:<36} {c.core.words:>10,} {c.core.code_lines:>6,} {c.core.minutes:>5}"
            f"   {c.further.words:>13,} {c.further.minutes:>5}{flag}"
        )
    core = sum((c.core for c in chapters), reading_time.Count())
    further = sum((c.further for c in chapters), reading_time.Count())
    minutes = sum(c.core.minutes for c in chapters)
    print(
        f"{'core path':<36} {core.words:>10,} {core.code_lines:>6,} {minutes:>5}"
        f"   {further.words:>13,} {sum(c.further.minutes for c in chapters):>5}"
    )
    print(
        f"budget: {CORE_BUDGET:,} words; the core path of {len(chapters)} chapters: {core.words:,}"
    )
    return 1 if args.check and core.words > CORE_BUDGET else 0


if __name__ == "__main__":
    sys.exit(main())
