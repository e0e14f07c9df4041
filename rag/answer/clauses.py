"""The reader's span from the clause of its sentence that says most of the question.

A sentence that names two things gives the reader two candidates of one kind, and it often
takes the wrong one: "The company is worth $317.7 billion, much smaller than its US
counterparts like Amazon, which has a market capitalization of $2.16 trillion" gives
"$317.7 billion" for "What is Amazon's market value?". When another clause of the sentence
says more of the question than the clause holding the span, that clause is read alone and
its confident span is the answer ("Amazon, which has a market capitalization of $2.16
trillion" gives "$2.16 trillion"). A clause opened by "which" or "who" keeps the name it is
said of.
"""

from __future__ import annotations

import re

from rag.core.text import content_terms
from rag.reader.model import SentenceReader

# A clause's reading under this is no answer: the span of the whole sentence stands.
CLAUSE_HERE = 0.5
_MIN_CHARS = 15  # shorter pieces ('and so on') are no clause of their own

_CUT = re.compile(
    r",\s+(?=(?:which|who|while|whereas|but|and|although)\b)|;\s+|\s+(?:while|whereas)\s+"
)
_RELATIVE = re.compile(r"(?:which|who)\b")
_NAME_BEFORE = re.compile(r"(?:[A-Z][\w&'’.-]*\s+)*[A-Z][\w&'’.-]*$")


def clauses(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of the sentence's clauses: cut at a semicolon, at 'while' or 'whereas',
    and at a comma before 'which', 'who', 'but', 'and' or 'although'."""
    found, last = [], 0
    for m in _CUT.finditer(sentence):
        found.append((last, m.start()))
        last = m.end()
        if _RELATIVE.match(sentence, m.end()):
            name = _NAME_BEFORE.search(sentence[: m.start()])
            last = name.start() if name else last  # 'Amazon, which has ...'
    found.append((last, len(sentence)))
    return [(a, b) for a, b in found if b - a >= _MIN_CHARS]


def clause_span(
    question: str, sentence: str, start: int, end: int, reader: SentenceReader
) -> tuple[int, int] | None:
    """The span (start, end) read from the clause that says more of the question than the
    clause holding [start, end) does, or None to keep [start, end)."""
    parts = clauses(sentence)
    if len(parts) < 2:
        return None
    asked = content_terms(question)
    said = [len(asked & content_terms(sentence[a:b])) for a, b in parts]
    holding = [n for (a, b), n in zip(parts, said, strict=True) if a <= start < b]
    best = max(range(len(parts)), key=lambda i: said[i])
    a, b = parts[best]
    if a <= start and end <= b or said[best] <= max(holding, default=0):
        return None  # the span is in the clause that says most, or no clause says more
    reading = reader.read(question, [("", sentence[a:b])])[0]
    if reading.here < CLAUSE_HERE or reading.end <= reading.start:
        return None
    return a + reading.start, a + reading.end
