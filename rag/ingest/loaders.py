"""Read files into Articles: .txt/.md, .html, .json/.jsonl records.

Every failure is a `LoadFailure` with one line saying what is wrong and what to do; a bad
file or record never stops the others.
"""

from __future__ import annotations

import glob
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rag.core.clean import clean_text, invisible_count
from rag.core.types import Article
from rag.ingest.meta import (
    clean_byline,
    page_url,
    plausible_site,
    site_in_title,
    without_run_in_header,
)

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_TITLE_CHARS = 200
# One article's text: the longest news article is well under 0.2 million characters; a
# bigger one is a dump of many (and chunking one 20 MB line took minutes and GBs).
MAX_ARTICLE_CHARS = 2_000_000
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # JSON may hold "\ud800"; UTF-8 cannot


@dataclass(frozen=True)
class LoadFailure:
    source: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


def discover(
    inputs: list[str], skipped: list[Path] | None = None
) -> tuple[list[Path], list[LoadFailure]]:
    """Expand files, folders (recursive) and glob patterns into a sorted list of files; files
    of other types found in folders are added to `skipped`."""
    found: list[Path] = []
    failures: list[LoadFailure] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir() and skipped is not None:
            skipped += sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() not in SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        if path.is_dir():
            candidates = [
                p
                for p in path.rglob("*")
                if p.suffix.lower() in SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            ]
            files = sorted(p for p in candidates if p.is_file())
            failures += [
                LoadFailure(str(p), "cannot read: a broken link or not a regular file")
                for p in sorted(candidates)
                if not p.is_file() and not p.is_dir()
            ]
            if not files:
                failures.append(
                    LoadFailure(raw, f"no articles ({' '.join(sorted(SUFFIXES))}) in this folder")
                )
            found.extend(files)
        elif path.is_file():
            found.append(path)
        elif glob.has_magic(raw):
            matches = sorted(Path(p) for p in glob.glob(raw, recursive=True) if Path(p).is_file())
            if not matches:
                failures.append(LoadFailure(raw, "the pattern matches no files"))
            found.extend(matches)
        else:
            failures.append(LoadFailure(raw, "no such file or folder: check the path"))
    unique = list(dict.fromkeys(p.resolve() for p in found))
    return unique, failures


def load_path(path: Path) -> Iterator[Article | LoadFailure]:
    """Yield the articles in one file, or failures (one per bad file or record)."""
    source = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        yield LoadFailure(
            source, f"unsupported file type {suffix or '(none)'}: use {', '.join(sorted(SUFFIXES))}"
        )
        return
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            yield LoadFailure(
                source,
                f"file is {size / 2**20:.0f} MB, over the {MAX_FILE_BYTES // 2**20} MB limit: "
                "split it into one article per file or per JSONL line",
            )
            return
        raw = path.read_bytes()
    except OSError as exc:
        yield LoadFailure(source, f"cannot read: {exc.strerror or exc}")
        return
    text_or_failure = decode(raw, source)
    if isinstance(text_or_failure, LoadFailure):
        yield text_or_failure
        return
    text = text_or_failure
    if suffix in TEXT_SUFFIXES:
        yield from _one(parse_text(text, source))
    elif suffix in HTML_SUFFIXES:
        yield from _one(parse_html(text, source))
    elif suffix == ".json":
        yield from parse_json(text, source)
    else:
        yield from parse_jsonl(text, source)


def _one(item: Article | LoadFailure) -> Iterator[Article | LoadFailure]:
    yield item


def decode(raw: bytes, source: str) -> str | LoadFailure:
    if not raw.strip():
        return LoadFailure(source, "empty file: nothing to ingest")
    if b"\x00" in raw[:8192]:
        return LoadFailure(source, "binary file, not text: give .txt, .md, .html or .json files")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return LoadFailure(
            source,
            f"not UTF-8 (bad byte 0x{raw[exc.start]:02x} at offset {exc.start}): "
            "convert it, e.g. `iconv -f latin1 -t utf-8`",
        )


def make_article(
    body: str,
    source: str,
    *,
    title: str | None = None,
    date_value: Any = None,
    url: str | None = None,
    publisher: str | None = None,
    author: str | None = None,
) -> Article | LoadFailure:
    if len(body) > MAX_ARTICLE_CHARS:
        return LoadFailure(
            source,
            f"article is {len(body) / 1e6:.1f} million characters, over the "
            f"{MAX_ARTICLE_CHARS // 10**6} million limit for one article: split it into one "
            "article per file or per JSONL line",
        )
    text = clean_text(_LONE_SURROGATE.sub("\ufffd", body))
    if not text:
        return LoadFailure(source, "no article text left after cleaning")
    first_line = text.split("\n", 1)[0].strip().lstrip("#").strip()
    title, url, publisher, author = (
        _LONE_SURROGATE.sub("\ufffd", v) if v else v for v in (title, url, publisher, author)
    )
    # a first line of only '#' marks leaves no heading: the text's opening words then
    title = (title or "").strip() or first_line or " ".join(text.split())[:MAX_TITLE_CHARS]
    if date_value is not None:
        published, time_of_day = parse_date(date_value), parse_time(date_value)
    else:
        published, time_of_day = find_dateline(text)
    if len(title) > MAX_TITLE_CHARS:
        title = title[: MAX_TITLE_CHARS - 1].rstrip() + "…"
    return Article(
        id=hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
        title=title,
        date=published,
        time=time_of_day,
        source=source,
        url=url,
        publisher=publisher,
        author=author,
        text=text,
        word_count=len(text.split()),
        invisible_chars=invisible_count(body),
    )


_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


def parse_text(text: str, source: str) -> Article | LoadFailure:
    """Plain text or Markdown; optional `---` front matter with title/date/url."""
    fields: dict[str, str] = {}
    match = _FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if match:
        for line in match.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep:
                fields[key.strip().lower()] = value.strip().strip("\"'")
        text = text.replace("\r\n", "\n")[match.end() :]
    return make_article(
        text,
        source,
        title=fields.get("title"),
        date_value=fields.get("date"),
        url=fields.get("url"),
    )


def parse_html(html: str, source: str) -> Article | LoadFailure:
    """A saved web page: the article's main text only (trafilatura drops menus, cookie banners,
    ticker strips, share widgets, related and most-read boxes, comments and footers), the
    title without the site's name, date, author, site name and canonical URL from the page's
    metadata and visible byline. A page where no main text is found (a bare fragment) is read
    whole, markup and scripts stripped."""
    import trafilatura

    found = trafilatura.bare_extraction(
        _without_hover_cards(html),
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        output_format="python",
    )
    doc: dict[str, Any] = {}
    if found is not None:
        doc = found if isinstance(found, dict) else found.as_dict()
    text = doc.get("text") or ""
    if not text.strip():
        return parse_html_whole(html, source)
    site = plausible_site(doc.get("sitename"))
    title = _without_site_name(doc.get("title") or "", site)
    text = without_run_in_header(_LAYOUT_ROW.sub(lambda m: m["cell"], text), title)
    first, _, rest = text.partition("\n")
    if title and first.strip() == title and rest.strip():
        text = rest  # the headline repeated as the body's first line
    site = site or site_in_title(html, title)
    return make_article(
        text,
        source,
        title=title or None,
        date_value=doc.get("date") or _visible_date(html),
        url=doc.get("url") or page_url(html),
        publisher=site,
        author=clean_byline(doc.get("author") or _visible_byline(html), site),
    )


# A table row used for layout: one long prose cell among empty ones ('|  | Seeking a bigger
# role ... |'); a data table's rows have several short cells and stay.
_LAYOUT_ROW = re.compile(r"^\|(?:\s*\|)*\s*(?P<cell>[^|\n]{200,}?)\s*(?:\|\s*)*$", re.M)


# Cards a site shows on hover or on a click, nested inside the sentence that names a person
# (The Hill: 'Gov. Kristi Noem<span class="rollover-people-block">...MORE</span> (R) is')
_CARD_CLASS = r"(?:rollover|hover)[\w-]*(?:block|card|content|box)|hovercard|tooltip|popover"
_HOVER_CARD = re.compile(_CARD_CLASS, re.I)
# the same class as a whole token of a class attribute: a page whose scripts merely mention
# 'tooltip' is not parsed twice
_HOVER_CARD_ATTR = re.compile(rf"""class=["'](?:[^"']*\s)?(?:{_CARD_CLASS})[\s"']""", re.I)


def _is_card(css_class: str | None) -> bool:
    return bool(css_class and _HOVER_CARD.fullmatch(css_class))


def _without_hover_cards(html: str) -> str:
    if not _HOVER_CARD_ATTR.search(html):
        return html  # most pages: not parsed twice
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(["span", "div", "aside"], class_=_is_card):
        tag.decompose()
    return str(soup)


_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ")


def _without_site_name(title: str, site: str | None) -> str:
    """'Oil falls | The Market Ledger' -> 'Oil falls' (also when the site name is not known
    but the last part is short and the headline is not)."""
    title = " ".join(title.split())
    for sep in _TITLE_SEPARATORS:
        head, found, tail = title.rpartition(sep)
        if not found or not head:
            continue
        if site and tail.strip().lower() == site.strip().lower():
            return head.strip()
        if len(tail.split()) <= 4 and len(head.split()) >= 4 and not site:
            return head.strip()
    return title


_BYLINE = re.compile(r"^\s*By\s+([A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){1,3})\b")


def _visible_byline(html: str) -> str | None:
    """'By Sam Keller' near the top of the page's text."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "head", "nav", "header", "footer"]):
        tag.decompose()
    for line in soup.get_text("\n").splitlines()[:80]:
        if match := _BYLINE.match(line):
            return match.group(1)
    return None


def _visible_date(html: str) -> str | None:
    from bs4 import BeautifulSoup

    text = BeautifulSoup(html, "html.parser").get_text("\n")
    for line in text.splitlines()[:120]:
        for part in re.split(r"\s[|·•]\s", line.strip()):
            if match := _DATE_LINE.match(part.strip()):
                return parse_date(match.group(1))
    return None


def parse_html_whole(html: str, source: str) -> Article | LoadFailure:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    title = None
    if soup.title and soup.title.string:
        title = soup.title.string.strip()
    elif (h1 := soup.find("h1")) is not None:
        title = h1.get_text(" ", strip=True)
    date_value: str | None = None
    meta = soup.find("meta", attrs={"property": "article:published_time"})
    if meta is not None and meta.get("content"):
        date_value = str(meta["content"])
    elif (time_tag := soup.find("time")) is not None and time_tag.get("datetime"):
        date_value = str(time_tag["datetime"])
    for tag in soup(["script", "style", "noscript", "head", "template", "svg", "iframe"]):
        tag.decompose()
    lines = (line.strip() for line in soup.get_text("\n").splitlines())
    body = "\n".join(line for line in lines if line)
    return make_article(body, source, title=title, date_value=date_value)


def parse_record(record: Any, source: str) -> Article | LoadFailure:
    if not isinstance(record, dict):
        return LoadFailure(source, "record is not a JSON object with title and body/content")
    body = record.get("body", record.get("content", record.get("text")))
    if isinstance(body, list) and all(isinstance(p, str) for p in body):
        body = "\n\n".join(body)
    if not isinstance(body, str) or not body.strip():
        return LoadFailure(
            source, "record has no 'body' or 'content' text (a string or a list of paragraphs)"
        )
    title = record.get("title")
    url = record.get("url")
    publisher = record.get("source")
    author = record.get("author")
    return make_article(
        body,
        source,
        title=title if isinstance(title, str) else None,
        date_value=record.get("date") or record.get("published"),
        url=url if isinstance(url, str) else None,
        publisher=publisher if isinstance(publisher, str) else None,
        author=author if isinstance(author, str) else None,
    )


MAX_JSON_DEPTH = 32  # an article record is an object of strings (or a list of them)


def _json_depth_problem(text: str) -> str | None:
    """Nesting deeper than any article record needs (json.loads would recurse until Python's
    limit and fail with a RecursionError)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                return f"JSON nested over {MAX_JSON_DEPTH} levels deep: not an article record"
        elif char in "]}":
            depth -= 1
    return None


def parse_json(text: str, source: str) -> Iterator[Article | LoadFailure]:
    if problem := _json_depth_problem(text):
        yield LoadFailure(source, problem)
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield LoadFailure(
            source, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        )
        return
    records = data if isinstance(data, list) else [data]
    for i, record in enumerate(records):
        yield parse_record(record, f"{source}#{i}" if isinstance(data, list) else source)


def parse_jsonl(text: str, source: str) -> Iterator[Article | LoadFailure]:
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source}#{lineno}"
        if problem := _json_depth_problem(line):
            yield LoadFailure(where, problem)
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield LoadFailure(where, f"invalid JSON on this line (column {exc.colno}): {exc.msg}")
            continue
        yield parse_record(record, where)


_DATE_FORMATS = ("%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%b. %d, %Y", "%Y/%m/%d")
_DATE_LINE = re.compile(
    r"^(?:(?:Published|Updated|Date)\s*:?\s*)?"
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
    r"(\d{4}-\d{2}-\d{2}|\d{4}/\d{2}/\d{2}"
    r"|[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]{2,8} \d{4})"
    r"(?:[ T,][^\n]{0,30})?$"
)


def parse_date(value: Any) -> str | None:
    """ISO yyyy-mm-dd from a record field (ISO string, datetime, common formats)."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return None


_CLOCK = re.compile(
    r"\b(\d{1,2}):(\d{2})(?::\d{2})?\s*([ap])?\.?m?\.?(?:\s+([A-Z]{2,4}|UTC|GMT))?\b", re.I
)


def parse_time(value: Any) -> str | None:
    """'HH:MM' (with the zone: '+00:00', ' ET') from a record field or a dateline's tail;
    None when it states no time (a bare date, or a datetime at midnight without a zone)."""
    if isinstance(value, datetime):
        if value.tzinfo is None and (value.hour, value.minute) == (0, 0):
            return None
        zone = value.strftime("%z")
        return value.strftime("%H:%M") + (f"{zone[:3]}:{zone[3:]}" if zone else "")
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is not None:
        return parse_time(parsed) if ("T" in value or ":" in value) else None
    m = _CLOCK.search(value)
    if m is None:
        return None
    hour, minute = int(m.group(1)), int(m.group(2))
    if m.group(3):
        hour = hour % 12 + (12 if m.group(3).lower() == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    zone = f" {m.group(4).upper()}" if m.group(4) else ""
    return f"{hour:02d}:{minute:02d}{zone}"


def find_dateline(text: str) -> tuple[str | None, str | None]:
    """(date, time) from a dateline on a line of its own among the first lines ("Published:
    March 6, 2025", "July 15, 2025 10:32 AM ET")."""
    for line in text.split("\n", 8)[:8]:
        match = _DATE_LINE.match(line.strip())
        if match:
            return parse_date(match.group(1)), parse_time(match.group(0))
    return None, None
