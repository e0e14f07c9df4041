"""Time in questions and in articles.

A question's time expression ('last week', 'yesterday', 'in March', 'Q3 2024', 'since June
1') becomes a range of publication dates, resolved against a reference day: `--as-of`, or
else the newest article's date in the index (a news archive's 'today'). This module finds
where an expression is; dateparser reads it into a day and a period (day, week, month,
quarter, year), and the period gives the range.

- Relative expressions (yesterday, today, this/last week, 3 days ago, the past two weeks)
  filter: only articles dated in the range answer, and an empty range is said so.
- Absolute ones (in March 2025, on July 15, Q3 2024, in 2008) filter only when some indexed
  article is dated in the range; otherwise they name when something happened ('the embargo
  in March 1974'), and the question is searched as written.
- A weekday ('on Tuesday') or a possessive one ('last month's outage', 'yesterday's vote')
  names the day of an event, which articles of the following days report too: it is
  resolved (the latest such day on or before the reference day) and said, never used to
  filter or reorder (preferring articles dated from that Tuesday on put an unrelated article
  of the reference day first, on the newsroom set).
- Inside an article, a weekday is resolved against the article's own date: the latest such
  day on or before it ('Tuesday (2025-07-15)').

Undated articles never pass a date filter; with no dated article at all nothing is resolved.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_COUNT = r"\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few"
_UNIT = r"day|week|month|year"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
_PREFIX = r"(?:(?P<prefix>since|after|before|until|by)\s+)?"

# Longest forms first: the first pattern that matches at a position wins.
_PATTERNS: list[tuple[str, str]] = [
    ("span", rf"(?:(?:in|over|during)\s+)?(?:the\s+)?(?:past|last)\s+(?:{_COUNT})\s+"
             rf"(?:{_UNIT})s"),
    ("relative", rf"(?:{_COUNT})\s+(?:{_UNIT})s?\s+ago"),
    ("relative", rf"yesterday|today|(?:this|last)\s+(?:{_UNIT})"),
    ("absolute", rf"(?:on\s+)?(?:(?:{MONTHS})\.?\s+{_DAY}(?:,?\s+{_YEAR})?"
                 rf"|{_DAY}\s+(?:{MONTHS})(?:\s+{_YEAR})?|{_YEAR}-\d{{2}}-\d{{2}})"),
    ("absolute", rf"(?:(?:in|during)\s+)?(?:the\s+)?"
                 rf"(?:Q[1-4]|(?:first|second|third|fourth)\s+quarter)(?:\s+(?:of\s+)?{_YEAR})?"),
    ("absolute", rf"(?:(?:in|during)\s+(?:{MONTHS})(?:,?\s+{_YEAR})?|(?:{MONTHS})\s+{_YEAR})"),
    ("absolute", rf"(?:in|during)\s+{_YEAR}"),
    ("weekday", rf"(?:on\s+|last\s+)?(?:{'|'.join(WEEKDAYS)})"),
]  # fmt: skip
_FINDER = re.compile(
    rf"\b{_PREFIX}(?:" + "|".join(f"(?P<k{i}>{p})" for i, (_, p) in enumerate(_PATTERNS)) + r")\b",
    re.I,
)
_QUARTER_WORDS = {"first": "Q1", "second": "Q2", "third": "Q3", "fourth": "Q4"}
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "few": 3,
}  # fmt: skip

# filter: only articles dated in range; note: resolved and said, not applied; said: no article
# dated in range answers, so passages that say the period of their own date do
Kind = Literal["filter", "note", "said"]


@dataclass(frozen=True)
class TimeScope:
    """What a question's time expression asks for, resolved against `as_of`."""

    phrase: str  # as written in the question
    since: date | None
    until: date | None
    as_of: date
    kind: Kind
    rest: str  # the question without the phrase (what is searched when it filters)

    def describe(self) -> str:
        if self.since and self.until:
            span = str(self.since) if self.since == self.until else f"{self.since} to {self.until}"
        elif self.since:
            span = f"from {self.since}"
        else:
            span = f"up to {self.until}"
        if self.kind == "note":
            return f"'{self.phrase}' read as {span} (as of {self.as_of}); not a date filter"
        if self.kind == "said":
            return (
                f"'{self.phrase}' read as {span} (as of {self.as_of}): no article dated then "
                "answers; passages that say it of their own article's date do"
            )
        return f"articles dated {span} ('{self.phrase}', as of {self.as_of})"


def mentions_time(question: str) -> bool:
    """Whether `question` holds something read_time may read (a cheap test first)."""
    return _FINDER.search(question) is not None


def read_time(
    question: str,
    as_of: date | None,
    dated_in: Callable[[date | None, date | None], int] | None = None,
) -> TimeScope | None:
    """The first time expression of `question` as a scope, or None when it has none, when
    nothing can anchor it (no `as_of`), or when it is an absolute one no article is dated in
    (`dated_in(since, until)` counts the dated articles in a range)."""
    if as_of is None:
        return None
    for match, kind, (since, until) in _expressions(question, as_of):
        phrase = match.group().strip()
        if kind == "weekday" or re.match(r"['’]s\b", question[match.end() :]):
            # a weekday, or a possessive ('last month's outage'): the day of an event, which
            # later articles report too
            return TimeScope(phrase, since, until, as_of, "note", question)
        if kind == "absolute" and dated_in is not None and not dated_in(since, until):
            continue  # no article from then: the expression names when an event happened
        rest = " ".join((question[: match.start()] + question[match.end() :]).split())
        rest = re.sub(r"\s+([?.!,;:])", r"\1", rest)
        return TimeScope(phrase, since, until, as_of, "filter", rest)
    return None


def said_in(text: str, on: date, since: date | None, until: date | None) -> str | None:
    """The first time expression of `text` that, read against `on` (its article's date),
    names days within since..until: 'last year' in an article of 2019-11-19 names 2018."""
    for match, _kind, (start, end) in _expressions(text, on):
        if start and end and (since is None or start >= since) and (until is None or end <= until):
            return match.group().strip()
    return None


def _expressions(
    text: str, as_of: date
) -> Iterator[tuple[re.Match[str], str, tuple[date | None, date | None]]]:
    """Each time expression of `text` that resolves against `as_of`: (match, its kind, the
    range it names with its since/before/after prefix applied)."""
    for match in _FINDER.finditer(text):
        index = next(i for i in range(len(_PATTERNS)) if match.group(f"k{i}"))
        kind = _PATTERNS[index][0]
        rng = _resolve(match.group(f"k{index}"), kind, as_of)  # without the prefix
        if rng is not None:
            yield match, kind, _with_prefix(rng, match.group("prefix"))


def _with_prefix(rng: tuple[date, date], prefix: str | None) -> tuple[date | None, date | None]:
    start, end = rng
    prefix = (prefix or "").lower()
    if prefix == "since":
        return start, None
    if prefix == "after":
        return end + timedelta(days=1), None
    if prefix == "before":
        return None, start - timedelta(days=1)
    if prefix in ("until", "by"):
        return None, end
    return start, end


def _resolve(phrase: str, kind: str, as_of: date) -> tuple[date, date] | None:
    """(first day, last day) the phrase (without since/before/...) names, read with
    dateparser."""
    core = re.sub(r"^(?:in|on|over|during)\s+(?:the\s+)?", "", phrase, flags=re.I)
    core = re.sub(r"^the\s+", "", core, flags=re.I)
    if kind == "span":
        m = re.match(rf"(?:past|last)\s+({_COUNT})\s+({_UNIT})s", core, re.I)
        assert m is not None
        n = _NUMBER_WORDS.get(m.group(1).lower()) or int(m.group(1))
        start = _parse(f"{n} {m.group(2)}s ago", as_of)
        return (start[0] + timedelta(days=1), as_of) if start else None
    if kind == "weekday":
        day = _weekday_before(re.sub(r"^last\s+", "", core, flags=re.I), as_of)
        return (day, day) if day else None
    core = re.sub(
        r"(first|second|third|fourth)\s+quarter(?:\s+of)?",
        lambda m: _QUARTER_WORDS[m.group(1).lower()],
        core,
        flags=re.I,
    )
    if re.fullmatch(_YEAR, core):
        return date(int(core), 1, 1), date(int(core), 12, 31)
    if m := re.fullmatch(rf"Q([1-4])(?:\s+({_YEAR}))?", core, re.I):
        quarter = int(m.group(1))
        year = int(m.group(2)) if m.group(2) else as_of.year
        if not m.group(2) and date(year, 3 * quarter - 2, 1) > as_of:
            year -= 1  # 'Q4' in January: the last one
        first = date(year, 3 * quarter - 2, 1)
        return first, _month_end(date(year, 3 * quarter, 1))
    parsed = _parse(core, as_of)
    if parsed is None:
        return None
    day, period = parsed
    if re.fullmatch(r"(?:this|last)\s+year", core, re.I):
        period = "year"
    return _period_range(day, period, as_of if core.lower().startswith("this") else None)


def _period_range(day: date, period: str, clip: date | None) -> tuple[date, date]:
    if period == "week":
        start = day - timedelta(days=day.weekday())
        end = start + timedelta(days=6)
    elif period == "month":
        start, end = day.replace(day=1), _month_end(day)
    elif period == "year":
        start, end = date(day.year, 1, 1), date(day.year, 12, 31)
    else:
        start = end = day
    return start, min(end, clip) if clip else end


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _parse(text: str, as_of: date) -> tuple[date, str] | None:
    """dateparser's reading of `text` relative to `as_of`: (day, period), or None."""
    from dateparser.date import DateDataParser

    parser = DateDataParser(
        languages=["en"],
        settings={
            "RELATIVE_BASE": datetime(as_of.year, as_of.month, as_of.day, 12),
            "PREFER_DATES_FROM": "past",
            "RETURN_TIME_AS_PERIOD": True,
        },
    )
    data = parser.get_date_data(text)
    if data is None or data.date_obj is None:
        return None
    return data.date_obj.date(), str(data.period or "day")


def _weekday_before(name: str, day: date) -> date | None:
    """The latest `name` day on or before `day`."""
    try:
        wanted = [w.lower() for w in WEEKDAYS].index(name.lower())
    except ValueError:
        return None
    return day - timedelta(days=(day.weekday() - wanted) % 7)


_DATE_AFTER = re.compile(
    r",?\s+(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?\s+(?P<day>\d{1,2})\b"
)


def _dated(after: str, anchor: date) -> date | None:
    """The date written right after a weekday ('Friday, Dec. 6'), in the year that puts it
    nearest the article's date."""
    m = _DATE_AFTER.match(after)
    if not m:
        return None
    month = [abbr.lower() for abbr in calendar.month_abbr].index(m["month"][:3].lower())
    try:
        said = date(anchor.year, month, int(m["day"]))
    except ValueError:
        return None
    if (said - anchor).days > 182:
        return said.replace(year=anchor.year - 1)
    if (anchor - said).days > 182:
        return said.replace(year=anchor.year + 1)
    return said


def _weekday_after(name: str, day: date) -> date | None:
    """The first `name` day on or after `day`."""
    before = _weekday_before(name, day)
    return None if before is None else before + timedelta(days=7 * (before < day))


# what is to come, in the clause before a weekday: 'will', 'is set to', 'should ease by',
# a schedule's present tense ('reports earnings Wednesday', 'tickets go on sale Friday')
_FUTURE = re.compile(
    r"\b(?:will|should|shall|set to|scheduled|slated|due|expected|expects|plans?|planned|"
    r"next|upcoming|going to|reports|hosts|opens|meets|begins|starts|go(?:es)? on sale)\b",
    re.I,
)
_PASSED = re.compile(r"\b(?:last|ago|said|says|was|were|had)\b", re.I)


def _ahead(before: str) -> bool:
    """The clause before a weekday speaks of what is to come (no 'last', 'said' ... after
    its future word)."""
    clause = re.split(r"[.!?;,\n]", re.sub(r"\b([ap])\.m\.", r"\1m", before))[-1]
    future = list(_FUTURE.finditer(clause))
    return bool(future) and not _PASSED.search(clause[future[-1].end() :])


_WEEKDAY_IN_TEXT = re.compile(rf"\b(?:{'|'.join(WEEKDAYS)}|today|yesterday)\b")


@dataclass(frozen=True)
class DayMention:
    text: str
    start: int
    end: int
    day: date


def weekdays_in(text: str, published: str | None) -> list[DayMention]:
    """Weekday names, 'today' and 'yesterday' in `text` with the day each means, read
    against the article's date."""
    if not published:
        return []
    try:
        anchor = date.fromisoformat(published)
    except ValueError:
        return []
    found = []
    for m in _WEEKDAY_IN_TEXT.finditer(text):
        word = m.group()
        if word in ("today", "yesterday"):
            day: date | None = anchor - timedelta(days=int(word == "yesterday"))
        elif dated := _dated(text[m.end() :], anchor):
            day = dated  # 'Friday, Dec. 6'
        elif _ahead(text[: m.start()]):
            day = _weekday_after(word, anchor)  # 'Lowe's reports earnings Wednesday'
        else:
            day = _weekday_before(word, anchor)
        if day is not None:
            found.append(DayMention(m.group(), m.start(), m.end(), day))
    return found


def annotate_weekdays(text: str, published: str | None) -> str:
    """'rallied 8.1% on Tuesday (2025-07-15).': each weekday followed by its date."""
    out, last = [], 0
    for mention in weekdays_in(text, published):
        out.append(text[last : mention.end] + f" ({mention.day})")
        last = mention.end
    return "".join(out) + text[last:]
