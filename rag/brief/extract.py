"""Deterministic extraction and verification: tickers, price moves, figures, quotes.

Code beats a 270M model at these: a quote-box "(BABA -1.71%)" is a ticker with a price
change shown next to the name (often a different day's), while "rallied 8.1% on Tuesday" is
the move the article reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rag.core.text import normalise, split_sentences

# "Alibaba (BABA -1.71%)", "Nvidia (NVDA -0.23%)", "Apple (NASDAQ: AAPL)", "Home Depot
# (ticker: HD)", "Lowe’s (LOW)"; a minus may be written as a hyphen, an en dash or U+2212
QUOTE_BOX = re.compile(
    r"(?P<name>(?:[A-Z][\w&.'’-]*\s){0,3}[A-Z][\w&.'’-]*)\s*\("
    r"(?:(?:NASDAQ|NYSE|HKEX|LSE|[Tt]icker|[Ss]ymbol):\s*)?"
    r"(?P<ticker>[A-Z]{1,5}(?:\.[A-Z]{1,2})?)(?:\s+(?P<move>[-+−–]?\s?\d+(?:\.\d+)?)%)?\)"
)
_POSSESSIVE = re.compile(r"['’]s$")
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


def quote_boxes(text: str) -> Iterator[tuple[str, str, float | None, str]]:
    """(company, ticker, shown move in % or None, sentence) for each quote box."""
    for m in QUOTE_BOX.finditer(text):
        if not m.group("move") and _abbreviates(
            m.group("ticker"), text[max(0, m.start() - 80) : m.end()]
        ):
            continue  # 'Ministry of Trade, Industry and Energy (MOTIE)' names no ticker
        name = _box_name(m.group("name"), text) if m.group("name") else m.group("ticker")
        move = m.group("move")
        value = float(re.sub(r"[−–]\s?", "-", move).replace(" ", "")) if move else None
        yield name, m.group("ticker"), value, sentence_containing(text, m.start())


def _abbreviates(letters: str, before: str) -> bool:
    """The letters are the initials of the words just before them with a small word among
    those ('Ministry of Trade, Industry and Energy (MOTIE)'): an abbreviation, not a ticker
    ('Home Depot (HD)' has none)."""
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
    return i < 0 and small


def _box_name(words: str, text: str) -> str:
    """The company's name before its ticker: the longest tail of the capitalised run that the
    article uses elsewhere too ('giant Home Depot (ticker: HD)' -> 'Home Depot'; 'Shares of
    Alibaba (BABA)' -> 'Alibaba'), without a possessive ('Lowe’s' -> 'Lowe’s' kept whole)."""
    parts = words.split()
    for i in range(len(parts)):
        name = " ".join(parts[i:])
        if parts[i][0].isupper() and text.count(name) >= 2 and parts[i] not in _NOT_NAMES:
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


_TITLE_WORDS = (
    r"(?:CEO|chief executive|founder|cofounder|co-founder|analysts?|leader|president|chairman|"
    r"economist|strategist|spokes(?:wo)?man|spokesperson)"
)
# "Tencent CEO Pony Ma", "HSBC analyst Frank He", "chief executive Jensen Huang"
PERSON = re.compile(
    rf"(?P<org>\b[A-Z][\w&]+(?:\s[A-Z][\w&]+)?\s+)?(?P<title>{_TITLE_WORDS}),?\s+"
    r"(?P<name>[A-Z][a-z]+(?:\s[A-Z][a-z]+(?:-[a-z]+)?){1,2})"
)
# "Frank He, an analyst at HSBC," / "Pony Ma, the chief executive of Tencent"
PERSON_AFTER = re.compile(
    r"(?P<name>\b[A-Z][a-z]+(?:\s[A-Z][a-z]+(?:-[a-z]+)?){1,2}),\s+(?:an?\s+|the\s+|its\s+)?"
    rf"(?P<role>(?:[\w-]+\s+){{0,2}}{_TITLE_WORDS}(?:\s+(?:at|of|for)\s+[A-Z][\w&]+"
    r"(?:\s[A-Z][\w&]+)?)?)"
)
# A reporting period, not a product: "Q3", "H1", "FY2024", "FY24"
_PERIOD = re.compile(r"(?:Q[1-4]|H[12]|FY\d{2,4}|\d{4}Q[1-4])")
# An organisation named by what its people do, or by the company it keeps: "HSBC analyst",
# "Goldman Sachs analysts", "counterparts like Amazon", "working with Apple"
ORG_BY_ROLE = re.compile(rf"\b(?P<org>[A-Z][\w&]+(?:\s[A-Z][\w&]+)?)\s+{_TITLE_WORDS}\b")
ORG_BY_COMPANY = re.compile(
    r"\b(?:counterparts?|rivals?|competitors?|peers?)\s+(?:like|such as|including)\s+"
    r"(?P<a>[A-Z][\w&]+)|\b(?:working|partnered|partnering|deal)\s+with\s+(?P<b>[A-Z][\w&]+)"
)
# Model and product names carry a digit: "H20", "QwQ-32B", "Kimi K2", "DeepSeek-R1"
PRODUCT = re.compile(r"\b(?:[A-Z][a-z]+\s)?(?=[\w-]*\d)(?=[\w-]*[A-Z])[A-Z][\w]*(?:-[\w]+)*\b")
COMPANY_HINT = re.compile(
    r"(?:giant|maker|company|firm|startup|start-up|rival)\s+(?:named\s+)?"
    r"(?P<a>[A-Z][\w]+(?:\s[A-Z][\w]+)*)|(?P<b>[A-Z][\w]+)(?:'s)?\s+(?:shares|stock)\b"
)
# Capitalised runs: "Goldman Sachs", "Hugging Face", "Alibaba", "Tsai Ing-wen"
_CAP = r"[A-Z][a-zA-Z&]+(?:-[a-zA-Z]+)*"
PROPER = re.compile(rf"\b{_CAP}(?:\s{_CAP})*")
_OPENING = re.compile(r"(?:^|[.!?]['\"”’)\]]*\s+|\n\s*)['\"“‘(]*$")
_NOT_NAMES_TEXT = """
    A An The This That These Those It Its In On At As After Before Last Early Late Whether
    Shares Stock Image Unlock Upgrade Now Open Investors Therefore Nevertheless Nevetheless And But
    If When While Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March
    April May June July August September October November December AI US U.S GPU Big Tech Cloud
    Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mr Mrs Ms Dr
"""
# A people is no entity: 'South Korean' is dropped whole, 'Chinese Communist Party' keeps the
# party
_DEMONYMS_TEXT = """
    Chinese American European Japanese Korean British French German Indian Russian Western
    Eastern Asian African Australian Canadian Mexican Brazilian Italian Spanish Ecuadorean
    Ecuadorian Israeli Iranian Saudi Emirati Turkish Ukrainian Taiwanese Swiss Dutch Swedish
    Irish Polish Greek Egyptian Pakistani Vietnamese Indonesian Arab Muslim Christian Jewish"""
_DEMONYMS = frozenset(_DEMONYMS_TEXT.split())
_NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split()) | _DEMONYMS
_HONORIFICS_TEXT = """
    President Premier Chancellor Governor Senator King Queen Prince Princess Minister Judge
    Justice General Pope Mayor Chairman Sir Dame Lord Lady"""
_HONORIFICS = frozenset(_HONORIFICS_TEXT.split())


def entity_names(text: str) -> Iterator[tuple[str, str, str | None]]:
    """(name, kind, role) for people named with a role ("Tencent CEO"), organisations named
    by their people or the company they keep, model/product names with digits, and
    capitalised names that recur: a heuristic that favours precision over recall."""
    seen: set[str] = set()
    people: dict[str, str | None] = {}
    for m in PERSON.finditer(text):
        org = (m.group("org") or "").strip()
        org = "" if org.split(" ")[0] in _NOT_NAMES else org
        role = " ".join(f"{org} {m.group('title')}".split())
        people.setdefault(m.group("name"), role)
    for m in PERSON_AFTER.finditer(text):
        first, *rest = m.group("name").split()
        if first in _HONORIFICS and len(rest) >= 2:  # 'President Moon Jae-in, the leader of'
            people.setdefault(" ".join(rest), first)
        elif first not in _NOT_NAMES:
            people.setdefault(m.group("name"), " ".join(m.group("role").split()))
    for name, given in people.items():
        seen.add(name)
        yield name, "person", given
    orgs = [m.group("org") for m in ORG_BY_ROLE.finditer(text)]
    orgs += [m.group("a") or m.group("b") for m in ORG_BY_COMPANY.finditer(text)]
    person_words = {part for name in people for part in name.split()}
    for org in orgs:
        words = [w for w in org.split() if w not in _NOT_NAMES]
        name = " ".join(words)
        if name and name not in seen and not set(words) & person_words and len(name) > 2:
            seen.add(name)
            yield name, "company", None
    for m in PRODUCT.finditer(text):
        name = m.group()
        if name not in seen and not name[0].isdigit() and not _PERIOD.fullmatch(name):
            seen.add(name)
            yield name, "product", None
    companies = {m.group("a") or m.group("b") for m in COMPANY_HINT.finditer(text)}
    counts: dict[str, int] = {}
    for m in PROPER.finditer(text):
        if m.group().split()[-1] in _DEMONYMS:
            continue
        words = [w for w in m.group().split() if w not in _NOT_NAMES]
        # 'Meanwhile', 'According', 'Many': a sentence's first word is a name only where the
        # article also capitalises it inside a sentence
        opening = words and words[0] == m.group().split()[0] and _opens_sentence(text, m.start())
        if opening and not _named_inside(words[0], text):
            words = words[1:]
        if words:
            counts[" ".join(words)] = counts.get(" ".join(words), 0) + 1
    taken = {part for name in seen for part in name.split()}
    for name, count in counts.items():
        if count >= 2 and name not in seen and name not in taken and len(name) > 2:
            seen.add(name)
            yield name, "company" if name in companies else "other", None


def _opens_sentence(text: str, at: int) -> bool:
    return bool(_OPENING.search(text[max(0, at - 8) : at])) or at == 0


def _named_inside(word: str, text: str) -> bool:
    """The word is capitalised somewhere other than at a sentence's start."""
    return any(
        not _opens_sentence(text, m.start()) for m in re.finditer(rf"\b{re.escape(word)}\b", text)
    )
