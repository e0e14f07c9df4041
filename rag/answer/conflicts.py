"""Figures that disagree: two sentences that state the same quantity, for the same subject and
the same day, with different values ('rallied 8.1% on Tuesday' / 'rallied 8.3% on Tuesday').

Two sentences speak of the same thing when, numbers and bracketed asides apart, they share at
least MIN_SHARED content terms and FRAME_OVERLAP of the shorter one's, and name the same days
(weekdays read against each article's date: 'Tuesday' in a July 16 article is July 15; month
words; years). Articles of different stories are compared only when both are dated within
REPORT_DAYS (two outlets reporting one event; a figure 'so far this year' differs between a
March and a July article for good reason). A figure is matched to the figure of the other
sentence with the same currency, scale, unit, counted noun and subject (the name before it)
whose neighbouring words it shares most, each the other's best match; they conflict when the
values differ and the other sentence does not also state the first value. Across stories a
figure must have a subject: 'The company expects $7 billion' in two stories may be two
companies. Numbers in brackets, dates and codes ('ZEBRA-7731') are no figures, and a sentence
listing more than MAX_ALIKE figures of one kind is not compared.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from rag.answer.spans import MONTH_NAMES, glued, in_brackets, unit_of
from rag.answer.when import WEEKDAYS, weekdays_in
from rag.core.lexical import STOPWORDS
from rag.core.numbers import NUMBER, canonical
from rag.core.text import content_terms, split_sentences

WEEKDAY_NAMES = set(WEEKDAYS)

FRAME_OVERLAP = 0.5
CONTEXT_WORDS = 3  # words each side of a figure that say what it measures
_MONTH_WORDS = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|today|yesterday|tomorrow)\b",
    re.I,
)
_YEAR = re.compile(r"^(?:1\d{3}|20\d{2})$")
REPORT_DAYS = 2  # articles of different stories this far apart may report the same event
MAX_ALIKE = 2  # a sentence with more figures of one kind is a list: not compared
MIN_SHARED = 3  # content terms two sentences must share, numbers aside, to be compared
_DAY_OF_MONTH = re.compile(rf"\b{MONTH_NAMES}\.?\s+$")
_MONTH_AFTER = re.compile(rf"(?:st|nd|rd|th)?\s+{MONTH_NAMES}\b")


@dataclass(frozen=True)
class Figure:
    text: str  # as written: '8.1%'
    value: str  # canonical: '8.1'
    unit: tuple[str, str, str]  # (currency, scale, unit) as rag.answer.spans.unit_of reads them
    start: int
    end: int
    context: frozenset[str]
    noun: str  # without currency or %, the word after it ('69,197 dead'): what it counts
    subject: str  # the name nearest before it (else after it): whose figure it is

    @property
    def label(self) -> str:
        """'8.1%', '$317.7 billion': the figure with its scale."""
        scale = self.unit[1]
        return f"{self.text} {scale}" if scale else self.text


@dataclass(frozen=True)
class Said:
    """A sentence of an article, where it is, and the article's date."""

    text: str
    start: int
    article_id: str
    date: str | None


@dataclass(frozen=True)
class Conflict:
    here: Figure
    there: Figure
    said_here: Said
    said_there: Said


@functools.lru_cache(maxsize=4096)
def figures(sentence: str) -> tuple[Figure, ...]:
    """The numbers of a sentence that measure something (years on their own do not); cached:
    across() reads each sentence once per pair."""
    found = []
    for m in NUMBER.finditer(sentence):
        text = m.group().strip()
        digits = re.search(r"\d[\d,]*(?:\.\d+)?", m.group())
        assert digits is not None
        start, end = m.start() + digits.start(), m.start() + digits.end()
        unit = unit_of(sentence, start, end)
        if _YEAR.match(text) and unit == ("", "", ""):
            continue
        if _DAY_OF_MONTH.search(sentence[: m.start()]) or _MONTH_AFTER.match(sentence[m.end() :]):
            continue  # 'July 16', '16 July': a date, not a figure
        if in_brackets(sentence, m.start()):
            continue  # an aside: the quote in '(BABA -1.71%)' is not what the sentence says
        if glued(sentence, m.start()):
            continue  # part of a name or code: 'ZEBRA-7731', 'F-35'
        counted = not unit[0] and not unit[2]  # no currency, no %: what does it count?
        after = re.match(
            r"\W*(?:(?:thousand|million|billion|trillion)\s+)?(\w+)", sentence[m.end() :]
        )
        noun = after.group(1).lower() if after and counted else ""
        context = _context(sentence, m)
        subject = _subject(sentence, m.start(), m.end())
        found.append(
            Figure(text, canonical(text), unit, m.start(), m.end(), context, noun, subject)
        )
    return tuple(found)


_NAME = re.compile(r"\b[A-Z][\w&.-]*[A-Za-z0-9]")


def _subject(sentence: str, start: int, end: int) -> str:
    """The nearest name before the figure (brackets, dates and a sentence's opening word
    aside), else the first after it: 'Alibaba' in 'Alibaba (BABA -1.71%) rallied 8.1%'."""

    def names(text: str, offset: int) -> list[str]:
        text = re.sub(r"\([^()]*\)", lambda m: " " * len(m.group()), text)
        found = []
        for m in _NAME.finditer(text):
            word = m.group()
            if _MONTH_WORDS.fullmatch(word) or word in WEEKDAY_NAMES:
                continue
            if offset + m.start() == 0 and word.lower() in STOPWORDS:
                continue
            found.append(re.sub(r"'s$", "", word).lower())
        return found

    before = names(sentence[:start], 0)
    if before:
        return before[-1]
    after = names(sentence[end:], end)
    return after[0] if after else ""


def _context(sentence: str, m: re.Match[str]) -> frozenset[str]:
    before = NUMBER.sub(" ", sentence[: m.start()]).split()[-CONTEXT_WORDS:]
    after = NUMBER.sub(" ", sentence[m.end() :]).split()[:CONTEXT_WORDS]
    return frozenset(content_terms(" ".join(before + after)))


def _frame(sentence: str) -> set[str]:
    """What a sentence says, numbers and bracketed asides ('(BABA -1.71%)') aside."""
    return content_terms(NUMBER.sub(" ", re.sub(r"\([^()]*\)", " ", sentence)))


def _days(said: Said) -> frozenset[str]:
    """The days a sentence names: weekdays as dates when its article is dated."""
    words = {w.lower() for w in _MONTH_WORDS.findall(said.text)}
    words |= {y for y in re.findall(r"\b\d{4}\b", said.text) if _YEAR.match(y)}
    mentions = weekdays_in(said.text, said.date)
    if mentions:
        words |= {str(m.day) for m in mentions}
    else:
        words |= {w.lower() for w in re.findall(r"\b\w+day\b", said.text) if w.istitle()}
    return frozenset(words)


def same_subject(a: Said, b: Said, same_story: bool) -> bool:
    frame_a, frame_b = _frame(a.text), _frame(b.text)
    shared = len(frame_a & frame_b)
    if shared < MIN_SHARED or shared / min(len(frame_a), len(frame_b)) < FRAME_OVERLAP:
        return False
    if not same_story and not _near_dates(a.date, b.date):
        return False
    return _days(a) == _days(b)


def _near_dates(a: str | None, b: str | None) -> bool:
    """Two outlets' reports of one event: both dated, at most REPORT_DAYS apart."""
    if not a or not b:
        return False
    try:
        gap = abs((date.fromisoformat(a) - date.fromisoformat(b)).days)
    except ValueError:
        return False
    return gap <= REPORT_DAYS


def disagreements(
    a: Said, b: Said, same_story: bool = False, value: str | None = None
) -> list[Conflict]:
    """Figures of `a` (only those of canonical `value`, when given) that `b` gives otherwise."""
    if a.text == b.text or not same_subject(a, b, same_story):
        return []
    theirs = figures(b.text)
    out = []
    for mine in figures(a.text):
        if _listed(mine, figures(a.text)) or _listed(mine, theirs):
            continue
        if value is not None and mine.value != value:
            continue
        if not same_story and not mine.subject:
            continue  # 'The company expects $7 billion': whose, another outlet cannot say
        alike = [
            f
            for f in theirs
            if f.unit == mine.unit and f.noun == mine.noun and f.subject == mine.subject
        ]
        if not alike or any(f.value == mine.value for f in alike):
            continue
        match = max(alike, key=lambda f: len(f.context & mine.context))
        if not match.context & mine.context:
            continue
        rivals = [f for f in figures(a.text) if f.unit == mine.unit]
        if max(rivals, key=lambda f: len(f.context & match.context)) == mine:
            out.append(Conflict(mine, match, a, b))  # each the other's best match
    return out


def _listed(figure: Figure, among: Sequence[Figure]) -> bool:
    return sum(f.unit == figure.unit and f.noun == figure.noun for f in among) > MAX_ALIKE


def sentences_of(text: str, article_id: str, date: str | None, offset: int = 0) -> list[Said]:
    """The sentences of `text`, placed at `offset` + their start (text may be a passage)."""
    return [
        Said(text[span.start : span.end], offset + span.start, article_id, date)
        for span in split_sentences(text)
    ]


class Copies(Protocol):
    """Where the other copies of a story are read (Store, or a Catalog opened alone)."""

    def copies_of(self, article_id: str) -> list[tuple[str, str, str | None]]: ...

    def article_text(self, article_id: str) -> str | None: ...


def against_copies(
    mine: list[Said], article_id: str, copies: Copies, value: str | None = None
) -> list[tuple[Conflict, str]]:
    """Disagreements of `mine` with the other indexed copies of the article's story, each
    with the copy's title."""
    found = []
    for copy_id, title, copy_date in copies.copies_of(article_id):
        theirs = sentences_of(copies.article_text(copy_id) or "", copy_id, copy_date)
        found += [(c, title) for c in across(mine, theirs, True, value)]
    return found


def across(
    mine: list[Said], theirs: list[Said], same_story: bool, value: str | None = None
) -> list[Conflict]:
    """Every disagreement of a sentence of `mine` with one of `theirs`, each figure pair once."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for a in mine:
        if not figures(a.text):
            continue
        for b in theirs:
            for c in disagreements(a, b, same_story, value):
                key = (c.here.value, c.there.value, b.article_id)
                if key not in seen:
                    seen.add(key)
                    out.append(c)
    return out
