"""Claims checked against the text that should make them, not against words scattered over
an article. Used where a model writes its own words: answers on the reading path (against
their quotes), briefs' gists, summaries and points (against the one or two article sentences
that support them best).

A claim fails when it states something its support does not: a figure (value, unit,
currency), a figure as written ('737-900s' is not '737' and '900'), what a count counts,
a name, date or time of day ('midnight'), a superlative or record, a link, an instruction,
mostly other words, or two names in the reverse order of the sentence that names both (who
did what to whom)."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.answer.checks import flat
from rag.answer.spans import unit_mismatches
from rag.core.guard import injection_reason
from rag.core.lexical import STOPWORDS
from rag.core.numbers import unsupported_numbers
from rag.core.text import content_terms
from rag.core.textsafe import neutralise_links

SUPERLATIVE = re.compile(
    r"\b(?:\w+est|most|least|first|last|record|all-time|ever|only|never|unprecedented|"
    r"biggest|largest|smallest|highest|lowest|best|worst)\b",
    re.I,
)
_NOT_SUPERLATIVE = {"interest", "latest", "west", "test", "rest", "honest", "guest", "request",
                    "invest", "protest", "suggest", "forest", "chest", "nest", "quest", "arrest",
                    "contest", "harvest", "manifest", "modest", "digest", "pest", "vest", "crest",
                    "earnest", "conquest", "lest", "behest", "midwest", "priest", "northwest",
                    "southwest", "northeast", "southeast", "interests", "tests", "investors",
                    "protests", "requests", "suggests", "arrests", "estimates",
                    "contests"}  # fmt: skip
_NAME = re.compile(r"(?<![\w'’])[A-Z][\w'’&.-]*")
_CLOCK_WORDS = re.compile(r"\b(?:midnight|noon|midday)\b", re.I)
MAX_UNSAID_SHARE = 0.5  # of the claim's content words, in neither its support nor the question


@dataclass(frozen=True)
class Wording:
    """How problems are said: "{subject}'s figure 8.3% is not in {place}"."""

    subject: str = "the answer"
    place: str = "its quotes"


QUOTED = Wording()
IN_ARTICLE = Wording("the line", "the article sentence that supports it")


def claim_problems(
    claim: str,
    support: str,
    question: str = "",
    *,
    wording: Wording = QUOTED,
    max_unsaid: float = MAX_UNSAID_SHARE,
) -> list[str]:
    """The claim's statements that its supporting text does not make: figures (with unit
    and currency), names and dates, superlatives, links, and words."""
    who, place = wording.subject, wording.place
    problems = [
        f"{who}'s figure {_scaled(n, claim)} is not in {place}"
        for n in unsupported_numbers(claim, support)
    ]
    problems += [
        f"{who}'s {x!r} is not written so in {place}" for x in unwritten_figures(claim, support)
    ]
    problems += [
        f"{who}'s {_scaled(x, claim)} has another unit or currency in {place}"
        for x in unit_mismatches(claim, support)
    ]
    if names := _unsupported_names(claim, support):  # one problem, not one per word
        listed = ", ".join(repr(w) for w in names)
        said = f"names {listed} are" if len(names) > 1 else f"name {listed} is"
        problems.append(f"{who}'s {said} not in {place}")
    said = flat(support)
    for m in SUPERLATIVE.finditer(claim):
        word = m.group().lower()
        if word not in _NOT_SUPERLATIVE and not re.search(rf"\b{re.escape(word)}\b", said):
            problems.append(f"{who}'s {word!r} is not in {place}")
    for m in _CLOCK_WORDS.finditer(claim):  # a time is a figure: 'to midnight' for '6:30 a.m.'
        if not re.search(rf"\b{m.group().lower()}\b", said):
            problems.append(f"{who}'s time {m.group().lower()!r} is not in {place}")
    if neutralise_links(claim, support) != claim:
        problems.append(f"{who} holds a link that is not in {place}")
    if injection_reason(claim):
        problems.append(f"{who} reads as an instruction")
    terms = content_terms(claim)
    unsaid = sorted(terms - content_terms(support) - content_terms(question))
    if len(terms) >= 4 and len(unsaid) / len(terms) > max_unsaid:
        problems.append(f"{who} says {', '.join(unsaid[:4])}, which are not in {place}")
    return problems


# -- a claim against the article sentences that support it best -----------------------------
MAX_UNSAID_IN_LINE = 0.34  # a gist or summary sentence keeps to its sentence's words


def line_problems(
    line: str, sentences: Sequence[str], max_unsaid: float = MAX_UNSAID_IN_LINE
) -> list[str]:
    """Why an article's own sentences do not make this line (a gist, a summary sentence, a
    key point's text): each clause of the line is checked against the one sentence that
    holds the most of its words, as a whole, so a line cannot join a figure of one
    sentence to the claim of another ('won the bowl game for the first time in 2007')."""
    if any(flat(line).strip(" .") in flat(s) for s in sentences):
        return []  # the article's own words
    problems: list[str] = []
    for clause in clauses(line):
        support = supporting(clause, sentences, most=1)
        if not support:
            problems.append(f"no sentence of the article says {clause!r}")
            continue
        problems += claim_problems(clause, support[0], wording=IN_ARTICLE, max_unsaid=max_unsaid)
        problems += _unsaid_subject(clause, support[0])
        problems += miscounted(clause, support)
        problems += _reversed_names(clause, support)
    return list(dict.fromkeys(problems))


_DESCRIBED = re.compile(r"^(?:The|This|That|Its|Their)\s+([a-z][a-z-]+)\b")


def _unsaid_subject(clause: str, support: str) -> list[str]:
    """A clause that opens on a description ('The agency has proposed ...') the sentence it
    rests on does not use: the line has put a subject where the sentence says 'it' or names
    another ('it said it submitted a proposal', of Boeing)."""
    m = _DESCRIBED.match(clause)
    if (
        m is None
        or not content_terms(m.group(1))
        or content_terms(m.group(1)) <= content_terms(support)
    ):
        return []
    return [f"the line's subject 'the {m.group(1)}' is not in the sentence it rests on"]


_CLAUSE_BREAK = re.compile(
    r";\s+|,\s+(?=(?:and|but|while|whereas|as|after|which|who|with|pricing|making|sending|"
    r"leaving|taking|adding|saying)\b)|\s+(?:and|but|while|whereas|after)\s+(?=(?:the|its|their|"
    r"his|her|it|they|he|she|[A-Z])\b)"
)
MIN_CLAUSE_TERMS = 3


def clauses(line: str) -> list[str]:
    """The line cut where one statement ends and another begins (a semicolon, a comma
    before a conjunction or participle, 'and'/'but' before a new subject); a piece with
    fewer than MIN_CLAUSE_TERMS content words stays with the one before it."""
    pieces: list[str] = []
    last = 0
    for m in _CLAUSE_BREAK.finditer(line):
        pieces.append(line[last : m.start()])
        last = m.start()
    pieces.append(line[last:])
    merged: list[str] = []
    for piece in pieces:
        if merged and (
            len(content_terms(piece)) < MIN_CLAUSE_TERMS
            or len(content_terms(merged[-1])) < MIN_CLAUSE_TERMS
        ):
            merged[-1] += piece
        else:
            merged.append(piece)
    return [m.strip(" ,;") for m in merged if m.strip(" ,;")]


def supporting(line: str, sentences: Sequence[str], most: int = 1) -> list[str]:
    """The sentences (at most `most`, chosen greedily) holding the most of the line's
    content words, figures and names."""
    wanted = _parts(line)
    chosen: list[str] = []
    covered: set[str] = set()
    pool = [(s, _parts(s)) for s in sentences]
    for _ in range(most):
        best, gain = None, 0
        for sentence, parts in pool:
            got = len((parts & wanted) - covered)
            if got > gain and sentence not in chosen:
                best, gain = sentence, got
        if best is None:
            break
        chosen.append(best)
        covered |= _parts(best) & wanted
    return chosen


@functools.lru_cache(maxsize=4096)
def _parts(text: str) -> frozenset[str]:
    return frozenset(content_terms(text) | {t.lower() for t in _NUMBER_TOKEN.findall(text)})


# a token holding a digit, as written ('737-900s', 'A350', '2022/23', 'Q3'), its plural 's'
# and trailing punctuation aside
_NUMBER_TOKEN = re.compile(r"(?<![\w$€£¥])[A-Za-z$€£¥]*\d[\w./-]*\d?[A-Za-z]*")
_COUNT_UNITS = frozenset({
    "percent", "per", "cent", "pc", "thousand", "million", "billion", "trillion", "bn", "mn",
    "years", "year", "months", "month", "weeks", "week", "days", "day", "hours", "hour",
    "minutes", "points", "point", "times", "shares", "share", "cents", "pence", "am", "pm",
})  # fmt: skip


def _written(token: str) -> str:
    token = token.rstrip(".,;:").lower()
    return token[:-1] if re.search(r"\d[a-z]*s$", token) and not token.endswith("ss") else token


def unwritten_figures(claim: str, support: str) -> list[str]:
    """Compound figures of the claim that the support does not write whole ('737-900s'
    where the article has '737 Max' and 'A350-900')."""
    tokens = {_written(t) for t in _NUMBER_TOKEN.findall(support)}
    return [
        m.group().rstrip(".,;:")
        for m in _NUMBER_TOKEN.finditer(claim)
        if not re.fullmatch(r"[\d,.]+", _written(m.group())) and _written(m.group()) not in tokens
    ]


def miscounted(line: str, support: Sequence[str]) -> list[str]:
    """A count whose noun no supporting sentence with that number says ('30 Airbus jets'
    where the article's 30 are Boeing 787-9s)."""
    problems = []
    for m in _NUMBER_TOKEN.finditer(line):
        token = _written(m.group())
        counted = re.match(r"\s+([A-Za-z][\w'-]*)", line[m.end() :])
        if not re.fullmatch(r"\d+", token) or counted is None:
            continue
        noun = counted.group(1)
        if noun.lower() in _COUNT_UNITS or noun.lower() in STOPWORDS:
            continue
        alone = re.compile(rf"(?<![\d.,]){re.escape(token)}(?![\d.,]\d)")
        with_count = [s for s in support if alone.search(s)]
        if with_count and not any(content_terms(noun) <= content_terms(s) for s in with_count):
            problems.append(
                f"the line counts {noun!r} where the article's {token} counts something else"
            )
    return problems


def _reversed_names(line: str, support: Sequence[str]) -> list[str]:
    """Two names of the line that one supporting sentence also names, in the other order
    ('Boeing ordered jets from Emirates' against 'Emirates ordered jets from Boeing')."""
    said = _names(line)
    names = [n for n in dict.fromkeys(said) if said.count(n) == 1 and not _opening(line, n)]
    for sentence in support:
        at = {n: _find(sentence, n) for n in names}
        found = [n for n in names if at[n] >= 0]
        for first, second in zip(found, found[1:], strict=False):
            if at[first] > at[second]:
                return [f"the line puts {first!r} and {second!r} the other way round"]
    return []


def _names(text: str) -> list[str]:
    return [re.sub(r"(?:['’]s?|\.)$", "", m.group()) for m in _NAME.finditer(text)]


def _find(text: str, name: str) -> int:
    m = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)
    return m.start() if m else -1


def _opening(text: str, word: str) -> bool:
    at = _find(text, word)
    return at >= 0 and (not text[:at].strip() or text[:at].rstrip()[-1:] in ".!?:;")


def _scaled(figure: str, text: str) -> str:
    """The figure as the text writes it, with the scale word after it ('14.1 billion')."""
    found = re.search(rf"{re.escape(figure)}(?:\s+(?:thousand|million|billion|trillion)\b)?", text)
    return found.group() if found else figure


def _unsupported_names(claim: str, support: str) -> list[str]:
    """Capitalised words of the claim that its supporting text lacks; a sentence's first
    word only when it is no common word."""
    missing: list[str] = []
    for m in _NAME.finditer(claim):
        word = re.sub(r"(?:['’]s?|\.)$", "", m.group())
        opening = not claim[: m.start()].strip() or claim[: m.start()].rstrip()[-1:] in ".!?:;"
        if opening and (word.lower() in STOPWORDS or word.lower() in {"yes", "no"}):
            continue
        if not re.search(rf"(?<!\w){re.escape(word)}(?:e?s)?(?!\w)", support, re.I):
            missing.append(word)
    return list(dict.fromkeys(missing))
