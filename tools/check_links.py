"""Check every outbound link of the built site: `python tools/check_links.py site`.

Collects the external ``<a href>`` of every HTML page under the site folder, requests each
address once (HEAD first, then GET when a server refuses HEAD), and prints a table of the
status per URL. Exits 1 when any link fails, 0 otherwise. It needs the internet, so it is run
by `make links`, not by the offline test suite; `tests/test_check_links.py` tests the
collecting part without the network.
"""

from __future__ import annotations

import argparse
import sys
import urllib.error
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlparse

USER_AGENT = "Mozilla/5.0 (compatible; dl-day-one-link-check/1.0)"
# Servers that answer HEAD with one of these often answer GET correctly: retry with GET.
RETRY_WITH_GET = {400, 403, 404, 405, 429, 501}


class _AnchorParser(HTMLParser):
    """Collects the ``href`` of every ``<a>`` element of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [value for name, value in attrs if name == "href" and value]


def is_external(url: str) -> bool:
    """Whether ``url`` points to another host over HTTP(S).

    >>> is_external("https://arxiv.org/abs/1412.6980"), is_external("../glossary/#epoch")
    (True, False)
    """
    parsed = urlparse(url.strip())
    return parsed.scheme in {"http", "https"} and bool(parsed.netloc)


def external_links(html: str, own_host: str | None = None) -> set[str]:
    """The external link targets of one HTML page, without their ``#fragment``.

    Args:
        html: the page's HTML.
        own_host: the site's own host name; links to it are internal and left out.

    Returns:
        The distinct absolute http(s) URLs that ``<a href>`` elements point to.

    >>> sorted(external_links('<a href="https://d2l.ai/#top">d2l</a> <a href="#x">x</a>'))
    ['https://d2l.ai/']
    """
    parser = _AnchorParser()
    parser.feed(html)
    return {
        urldefrag(href.strip()).url
        for href in parser.hrefs
        if is_external(href) and urlparse(href.strip()).hostname != own_host
    }


def collect_links(site: Path, own_host: str | None = None) -> dict[str, list[str]]:
    """Every external link of the site, mapped to the pages (relative paths) that hold it.

    Raises:
        ValueError: if ``site`` is not a folder or holds no HTML page.
    """
    if not site.is_dir():
        raise ValueError(f"site must be the folder of a built site; got {str(site)!r}")
    pages = sorted(site.rglob("*.html"))
    if not pages:
        raise ValueError(f"site must hold HTML pages; {str(site)!r} has none (build it first)")
    found: dict[str, list[str]] = {}
    for page in pages:
        for url in external_links(page.read_text(encoding="utf8"), own_host):
            found.setdefault(url, []).append(str(page.relative_to(site)))
    return dict(sorted(found.items()))


@dataclass(frozen=True)
class Result:
    """The outcome of checking one URL: an HTTP status, or the error that prevented one."""

    url: str
    status: int | None
    detail: str

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 400


def _request(url: str, method: str, timeout: float) -> int:
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as error:
        return error.code


def check(url: str, timeout: float = 15.0) -> Result:
    """Request ``url`` with HEAD, then GET if the server refuses HEAD; never raises."""
    try:
        status = _request(url, "HEAD", timeout)
        if status in RETRY_WITH_GET:
            status = _request(url, "GET", timeout)
        return Result(url, status, "")
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
        return Result(url, None, f"{type(error).__name__}: {error}")


def check_all(urls: Iterable[str], timeout: float, workers: int) -> list[Result]:
    """Check URLs concurrently (the work is waiting on the network, so threads suffice)."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda url: check(url, timeout), urls))


def report(results: list[Result], pages: dict[str, list[str]]) -> str:
    """A plain-text table: status, URL, and the first page that links to it."""
    lines = [f"{'status':<8} {'url':<90} page"]
    for result in sorted(results, key=lambda r: (r.ok, r.url)):
        status = str(result.status) if result.status is not None else "error"
        lines.append(f"{status:<8} {result.url:<90} {pages[result.url][0]}")
        if result.detail:
            lines.append(f"{'':<8} {result.detail}")
    failed = sum(not r.ok for r in results)
    lines.append(f"{len(results)} links checked, {failed} failed")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("site", type=Path, help="folder of the built site, e.g. site")
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds per request")
    parser.add_argument("--workers", type=int, default=8, help="concurrent requests")
    parser.add_argument("--own-host", default=None, help="the site's host, whose links to skip")
    args = parser.parse_args(argv)
    if args.timeout <= 0:
        parser.error(f"--timeout must be positive; got {args.timeout}")
    if args.workers < 1:
        parser.error(f"--workers must be at least 1; got {args.workers}")
    try:
        pages = collect_links(args.site, args.own_host)
    except ValueError as error:
        parser.error(str(error))
    results = check_all(pages, args.timeout, args.workers)
    print(report(results, pages))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
