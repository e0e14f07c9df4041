"""A yes/no question's last detail asked of the learned reader as a wh-question.

"Was Hipcricket sold in 2014?" is asked as "When was Hipcricket sold?", "Were King and Weeks
abducted in Kandahar?" as "Where were King and Weeks abducted?", "Is Avinoam Rubinstain
my6sense's Chief Strategy Officer?" as "Who is my6sense's Chief Strategy Officer?". When the
reader answers that confidently, from a sentence that says the rest of the question, with
another value of the same kind ("in 2011", "in the heart of Afghan capital", "Braiker"), the
answer is No, and that sentence is its evidence: the article says otherwise, in words.

A reading that gives the asked value, or none of its kind ("the company"), settles nothing:
the rules' reading (rag.answer.polarity) stands.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.answer.choose import Candidate
from rag.answer.when import MONTHS, WEEKDAYS
from rag.core.text import content_terms
from rag.reader.model import SentenceReader

# A reading under this does not answer No: the reader's threshold of most correct answers
# on the dev splits (rag.answer.read.MIN_HERE).
SLOT_HERE = 0.7
# The reader's sentence must say this share of the wh-question's other words: it is about
# what is asked, not a sentence of another story with a place in it.
SLOT_SAID = 0.5

_YEAR = r"(?:19|20)\d\d"
_CAP = r"[A-Z][\w.&'’-]*(?:\s+(?:of\s+|de\s+)?[A-Z][\w.&'’-]*)*"
_ROLE = (
    r"(?:CEO|COO|CFO|CTO|chief|founder|co-?founder|president|chairman|chairwoman|director|"
    r"manager|officer|head|coach|captain|minister|secretary|spokes\w+|editor|analyst|leader|"
    r"governor|mayor|owner|partner|Officer|President|Director|Chief|Chairman|Minister)"
)
_WHEN = re.compile(rf"\s+(?:in|during|since|by)\s+(?P<value>{_YEAR})$")
_DAY = re.compile(rf"\s+(?:on\s+(?:a\s+)?|in\s+)(?P<value>{'|'.join(WEEKDAYS)}|{MONTHS})$")
_WHERE = re.compile(rf"\s+(?:in|at)\s+(?:the\s+)?(?P<value>{_CAP})$")
_WHO = re.compile(
    rf"^(?P<aux>Is|Was|Are|Were)\s+(?P<value>{_CAP})\s+"
    rf"(?P<role>(?:the\s+|an?\s+|[\w.&-]+['’]s\s+)(?:[\w-]+\s+){{0,3}}{_ROLE}\b.*)$"
)
_TIME_WORD = re.compile(rf"\b(?:{MONTHS}|{'|'.join(WEEKDAYS)})\b")  # 'October', 'Monday'


@dataclass(frozen=True)
class Slot:
    """The question's last detail, its kind and the wh-question that asks for it."""

    kind: str  # "year", "day", "place" or "who"
    value: str
    question: str


def slots(question: str) -> list[Slot]:
    """The details of a yes/no question a wh-question can ask for: a year, a weekday or
    month, or a place it ends with, or the one it asks to be in a role."""
    asked = question.strip().rstrip("?").strip()
    found: list[Slot] = []
    if m := _WHEN.search(asked):
        found.append(Slot("year", m["value"], f"When {_lowered(asked[: m.start()])}?"))
    elif m := _DAY.search(asked):
        found.append(Slot("day", m["value"], f"When {_lowered(asked[: m.start()])}?"))
    elif (m := _WHERE.search(asked)) and not _TIME_WORD.match(m["value"]):
        found.append(Slot("place", m["value"], f"Where {_lowered(asked[: m.start()])}?"))
    if m := _WHO.match(asked):
        found.append(Slot("who", m["value"], f"Who {m['aux'].lower()} {m['role']}?"))
    return found


def another_value(
    question: str, pool: Sequence[Candidate], reader: SentenceReader
) -> tuple[Candidate, str] | None:
    """The sentence, and the value, where the reader answers a slot of the question with
    another value of its kind, confidently and from a sentence about the question."""
    if not pool:
        return None
    for slot in slots(question):
        readings = reader.read(slot.question, [("", c.text) for c in pool])
        sure = [
            (c, c.text[r.start : r.end], r.here)
            for r, c in zip(readings, pool, strict=True)
            if r.here >= SLOT_HERE
        ]
        about = [read for read in sure if _about(slot, read[0].text)]
        if any(_gives(slot, span) for _, span, _ in about):
            continue  # a sentence gives the asked value ('Ivan served as the CEO')
        best = max(sure, key=lambda read: read[2], default=None)
        if best in about and _other(slot, best[1], best[0].text):
            return best[0], best[1]
    return None


def _gives(slot: Slot, span: str) -> bool:
    return bool(content_terms(span) & content_terms(slot.value))


def _lowered(clause: str) -> str:
    """'Was Hipcricket sold' -> 'was Hipcricket sold' (the auxiliary only)."""
    return clause[:1].lower() + clause[1:]


def _about(slot: Slot, sentence: str) -> bool:
    """Says half the wh-question's words and, if it names any, one of its names."""
    asked = content_terms(slot.question) - content_terms(slot.value)
    said = content_terms(sentence)
    named = content_terms(" ".join(re.findall(r"(?<!^)\b[A-Z][\w&-]+", slot.question)))
    return (
        bool(asked)
        and len(asked & said) >= SLOT_SAID * len(asked)
        and (not named or bool(named & said))
    )


def _other(slot: Slot, span: str, sentence: str) -> bool:
    """The span gives another value of the slot's kind, and does not give the asked one."""
    if _gives(slot, span):
        return False
    if slot.kind == "year":
        return bool(re.search(rf"\b{_YEAR}\b", span))  # 'from 2004 – 2014 ... sold in 2011'
    if slot.kind == "day":  # 'on Tuesday' for 'on Monday?'
        return bool(_TIME_WORD.search(span))
    if content_terms(slot.value) & content_terms(sentence):
        return False  # the asked place or person is said in the same sentence
    asked = content_terms(slot.question)
    names = re.findall(r"\b[A-Z][\w’'-]+", span)
    return any(not content_terms(name) <= asked for name in names)
