"""Deterministic extraction and verification: tickers, price moves, figures, quotes.

Code beats a 270M model at these: a quote-box "(BABA -1.71%)" is a ticker with a price
change shown next to the name (often a different day's), while "rallied 8.1% on Tuesday" is
the move the article reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rag.brief.gazetteer import NOT_NAMES
from rag.core.text import normalise, split_sentences

# "Alibaba (BABA -1.71%)", "Nvidia (NVDA -0.23%)", "Apple (NASDAQ: AAPL)", "Home Depot
# (ticker: HD)", "Lowe’s (LOW)"; a minus may be written as a hyphen, an en dash or U+2212
QUOTE_BOX = re.compile(
    r"(?P<name>(?:[A-Z][\w&.'’-]*\s){0,3}[A-Z][\w&.'’-]*)\s*\("
    r"(?:(?:NASDAQ|NYSE|HKEX|LSE|[Tt]icker|[Ss]ymbol):\s*)?"
    r"(?P<ticker>[A-Z]{1,5}(?:\.[A-Z]{1,2})?)(?:\s+(?P<move>[-+−–]?\s?\d+(?:\.\d+)?)%)?\)"
)
_UP = "rallied|rose|risen|jumped|surged|gained|climbed|soared|advanced|rebounded|popped|spiked|up"
_DOWN = "fell|dropped|slid|sank|tumbled|declined|plunged|lost|slumped|down"
MOVE = re.compile(
    rf"(?P<verb>{_UP}|{_DOWN})\s+(?:by\s+|as much as\s+|about\s+|nearly\s+|close to\s+)?"
    r"(?P<pct>\d+(?:\.\d+)?)%"
    r"(?:\s+(?P<when>on [A-Z]\w+|(?:so far )?this \w+|last \w+|in [A-Z]\w+(?: [A-Z]\w+)?))?"
)
_UNIT = (
    r"(?:trillion|billion|million|thousand|percent|%|yuan|Chinese yuan|dollars|euros|shares|"
    r"parameters|people|employees|years|months|weeks|days)"
)
FIGURE = re.compile(rf"[$€£]?\d+(?:,\d{{3}})*(?:\.\d+)?\s?(?:{_UNIT})(?:\s(?:Chinese\s)?yuan)?")


def quote_in(quote: str, article: str) -> bool:
    """The quote occurs verbatim in the article, modulo whitespace, quote marks and case."""
    q = normalise(quote).strip(" .\"'").lower()
    return bool(q) and q in normalise(article).lower()


def sentence_containing(text: str, start: int) -> str:
    for span in split_sentences(text):
        if span.start <= start < span.end:
            return text[span.start : span.end]
    return text[max(0, start - 100) : start + 100]


# News agencies credited in a dateline, not tickers
_AGENCIES = frozenset({"AP", "AFP", "UPI", "CNN", "PA", "DPA", "ANI", "IANS", "PTI", "ANSA", "EFE"})


def quote_boxes(text: str) -> Iterator[tuple[str, str, float | None, str]]:
    """(company, ticker, shown move in % or None, sentence) for each quote box."""
    for m in QUOTE_BOX.finditer(text):
        if not m.group("move") and m.group("ticker") in _AGENCIES:
            continue  # a dateline: 'HANOI, Vietnam (AP) —'
        if not m.group("move") and _abbreviates(
            m.group("ticker"), text[max(0, m.start() - 80) : m.end()], text
        ):
            continue  # 'Ministry of Trade, Industry and Energy (MOTIE)' names no ticker
        name = _box_name(m.group("name"), text) if m.group("name") else m.group("ticker")
        move = m.group("move")
        value = float(re.sub(r"[−–]\s?", "-", move).replace(" ", "")) if move else None
        yield name, m.group("ticker"), value, sentence_containing(text, m.start())


_MARKET = re.compile(r"\b(?:shares|stocks?|NYSE|Nasdaq|ticker|traded|investors|earnings)\b", re.I)


def _abbreviates(letters: str, before: str, text: str) -> bool:
    """The letters are the initials of the words just before them with a small word among
    those ('Ministry of Trade, Industry and Energy (MOTIE)'), or four or more of them, or in
    an article that never speaks of shares or stock ('Exploration Upper Stage (EUS)'): an
    abbreviation, not a ticker ('Home Depot (HD)', 'Advanced Micro Devices (AMD)' in a
    markets story)."""
    words = re.findall(r"[A-Za-z]+", before.rsplit("(", 1)[0])[-12:]
    i, small = len(letters) - 1, False
    for word in reversed(words):
        if i < 0:
            break
        if word[0].upper() == letters[i]:
            small |= word.islower()
            i -= 1
        elif word.islower() and i < len(letters) - 1:
            small = True  # 'and' between 'Industry' and 'Energy'
        else:
            return False
    # 'Exploration Rover (VIPER)' too
    return i < 0 and (small or len(letters) >= 4 or not _MARKET.search(text))


def _box_name(words: str, text: str) -> str:
    """The company's name before its ticker: the longest tail of the capitalised run that the
    article uses elsewhere too ('giant Home Depot (ticker: HD)' -> 'Home Depot'; 'Shares of
    Alibaba (BABA)' -> 'Alibaba'), without a possessive ('Lowe’s' -> 'Lowe’s' kept whole)."""
    parts = words.split()
    for i in range(len(parts)):
        name = " ".join(parts[i:])
        if parts[i][0].isupper() and text.count(name) >= 2 and parts[i] not in NOT_NAMES:
            return name
    return parts[-1]


def reported_moves(text: str) -> Iterator[tuple[str, float, str | None, str, str]]:
    """(direction, percent, when, sentence, the sentence up to the move) for moves like
    'rallied 8.1% on Tuesday'."""
    for m in MOVE.finditer(text):
        direction = "down" if re.fullmatch(_DOWN, m.group("verb")) else "up"
        sentence = sentence_containing(text, m.start())
        at = sentence.find(m.group())
        yield (
            direction,
            float(m.group("pct")),
            m.group("when"),
            sentence,
            sentence[: at if at >= 0 else len(sentence)],
        )


def figures(text: str) -> Iterator[tuple[str, str]]:
    """(figure as written, its sentence) for amounts with units ('$317.7 billion')."""
    seen: set[str] = set()
    for m in FIGURE.finditer(text):
        value = m.group().strip()
        if value not in seen:
            seen.add(value)
            yield value, sentence_containing(text, m.start())
