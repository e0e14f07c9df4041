"""A follow-up that points at something else the last answer's passages name: after "How much
did Alibaba's shares rise?", "What about the other company?" asks the same of the company
those passages name most, other than the one asked about or answered."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from rag.answer.spans import NAME
from rag.answer.when import MONTHS, WEEKDAYS
from rag.core.lexical import STOPWORDS

_OTHER = re.compile(
    r"\bthe other (?:company|firm|one|bank|group|carmaker|automaker|chipmaker|side|party|"
    r"country|team|stock|airline|brand|startup|start-up|business|lender|insurer|retailer|"
    r"manufacturer|maker|rival|player|candidate|deal|model)\b",
    re.I,
)
_NOT_NAMES = frozenset([*WEEKDAYS, *MONTHS.split("|"), "Shares", "Stock", "Reuters"])


def names_in(text: str) -> list[str]:
    """Capitalised runs, without a possessive, minus a sentence's opening function word."""
    out = []
    for m in NAME.finditer(text):
        words = re.sub(r"['’]s$", "", m.group()).split()
        while words and (words[0].lower() in STOPWORDS or words[0] in _NOT_NAMES):
            words = words[1:]
        if words and len(" ".join(words)) > 1:
            out.append(" ".join(words))
    return out


def other_named(
    question: str, asked: str, passages: Sequence[str], answered: str
) -> tuple[str, str] | None:
    """(the name 'the other company' stands for, the question it asks) when `question` says
    'the other ...': the name the passages (the cited first) use most that is not in the
    question before (`asked`) or its answer; the question before with its name swapped for
    that one, or with it added when it named none. None when nothing else is named."""
    if not _OTHER.search(question):
        return None
    before = names_in(asked)
    taken = {w.lower() for name in [*before, *names_in(answered)] for w in name.split()}
    counts = Counter(
        name
        for text in passages
        for name in names_in(text)
        if not {w.lower() for w in name.split()} & taken
    )
    if not counts:
        return None
    text = " ".join(passages)
    # a name the passages treat as an actor ('Nvidia (NVDA', 'Nvidia said', 'giant Nvidia')
    # before one that is only frequent ('AI')
    other = max(counts, key=lambda name: (_acts(name, text), counts[name]))
    if before:
        swapped = re.sub(rf"\b{re.escape(before[0])}\b", other, asked, count=1)
        return other, swapped
    return other, f"{asked} {other}"


def _acts(name: str, text: str) -> int:
    n = re.escape(name)
    cues = (
        rf"\b{n}\s*\([A-Z]",
        rf"\b{n}(?:['’]s)?\s+(?:shares|stock|said|says|reported|announced|expects|plans|CEO|"
        r"chief|founder)\b",
        rf"\b(?:giant|maker|company|firm|rival|peer|startup|start-up|bank|group)\s+{n}\b",
    )
    return sum(len(re.findall(cue, text)) for cue in cues)


# a person's pronoun; 'it' and 'they' are left as asked: after "Why did Alibaba's stock
# jump?", 'it' is the stock, not Alibaba (seeds dev: 'how much did Alibaba rise?' read 70%)
_PRONOUN = re.compile(r"\b(?:he|she|him|her|his)\b", re.I)


def with_name(question: str, before: str) -> str:
    """The follow-up as the reader should read it, its one pronoun standing for the one name
    of the question before: 'What does he want the Legislature to do?' after 'Who is Keith
    Gambill?' is 'What does Keith Gambill want the Legislature to do?'. Unchanged when the
    question before names no one thing or the follow-up has no pronoun or several."""
    names = list(dict.fromkeys(names_in(re.sub(r"^\W*\w+", "", before))))  # past 'Who'
    pronouns = list(_PRONOUN.finditer(question))
    if len(names) != 1 or len(pronouns) != 1:
        return question
    m, name = pronouns[0], names[0]
    word, after = m.group().lower(), question[m.end() :]
    noun = re.match(r"\s+([a-z]+)", after)
    owner = word == "his" or (
        word == "her" and noun is not None and noun.group(1) not in STOPWORDS
    )  # 'her company'; 'Who hired her?', 'Who told her about it?'
    return question[: m.start()] + (f"{name}'s" if owner else name) + after
