"""Yes or No, read from the sentence that says most of what a yes/no question asks.

The sentence's polarity is read against the question's (rag.answer.polarity: negation,
opposites, other figures, another named in the asked one's place); a plain Yes needs a
sentence that grounds it. Where the rules give a Yes or cannot answer, the learned reader is
asked the question's last detail as a wh-question (rag.answer.slots): a confident reading
that gives another year, place or person answers No.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answer.checks import context_of, fitting_sentences, headed_context, missing_specific
from rag.answer.choose import Candidate, set_answer
from rag.answer.grounds import grounds_a_yes, only_asked, only_said
from rag.answer.polarity import (
    SAYS_IT,
    other_figure,
    party,
    said_share,
    swapped,
    yes_or_no,
)
from rag.answer.read import READ_TOP, AnswerReader
from rag.answer.slots import another_value
from rag.answer.types import Answer, Citation


def answer_yes_no(
    result: Answer, weights: dict[str, float], ranked: list[Candidate], reader: AnswerReader
) -> str | None:
    """Answer a yes/no question from the ranked sentences; why it cannot, or None."""
    fitting, why_not = _fitting(result, weights, ranked)
    if not why_not:
        rest = [c for c in ranked if c not in fitting]
        why_not = _read_polarity(result, fitting, result.question, reader, fitting + rest)
    if why_not and (said := _party_said(result.question, ranked[:YESNO_WITHIN])):
        set_answer(result, said[0], said[1], "span")  # 'Rep. Brian Babin (R-TX)'
        return None
    if why_not or result.text.startswith("Yes"):
        other = another_value(result.question, ranked[:READ_TOP], reader.reader)
        if other:  # 'sold in 2014?': the reader reads 'in 2011' for 'When was it sold?'
            set_answer(result, "No", other[0], "reader")
            return None
    return why_not


def _fitting(
    result: Answer, weights: dict[str, float], ranked: list[Candidate]
) -> tuple[list[Candidate], str | None]:
    """The sentences that may answer; when none says enough, one that says the opposite of
    the question's words."""
    fitting, why_not = fitting_sentences(result.query, weights, ranked, result.citations)
    if not any(_says_enough(c) for c in fitting):
        opposite = _says_the_opposite(result.query, ranked, result.citations)
        return opposite or (fitting, why_not)
    return fitting, why_not


# A yes or a no is read from one sentence: it must itself say at least this share of the
# question (by term weight), not leave the rest to the sentence before it, unless it opens
# with a pronoun that the sentence before names ('He wasn't a smoker.').
YESNO_SUPPORT = 0.5
_PRONOUN_OPENING = re.compile(r"^[\"“‘(]*(?:He|She|It|They|His|Her|Its|Their)\b")


def _says_enough(cand: Candidate) -> bool:
    """The sentence says enough of the question to read a yes or a no from: by itself, or
    with the sentence before when it opens with a pronoun that sentence names."""
    if cand.lexical >= YESNO_SUPPORT:
        return True
    return bool(_PRONOUN_OPENING.match(cand.text)) and cand.context >= YESNO_SUPPORT


OPPOSITE_WITHIN = 5  # ranked sentences searched for one that says the opposite of the question


def _says_the_opposite(
    query: str, ranked: list[Candidate], citations: list[Citation]
) -> tuple[list[Candidate], None] | None:
    """For a yes/no question no sentence says enough of: a best-ranked sentence that says
    enough of it once the opposites of its words count ('fall' met by 'rallied', 'praised'
    by 'criticism'), and names the question's day or figure."""
    for cand in ranked[:OPPOSITE_WITHIN]:
        if _speaks_to(query, cand.text) and (
            not missing_specific(query, context_of(cand, citations))
            or other_figure(query, cand.text)
        ):
            return [cand], None
    return None


# The best-ranked sentences searched, when no sentence that says enough grounds a yes, for
# one that does or that reads as a no, and the share of the question's weighted terms it
# must hold.
YESNO_WITHIN = 8
YESNO_LOOSE_SUPPORT = 0.3


def _speaks_to(question: str, sentence: str) -> bool:
    """Says enough of a yes/no question once opposites count, says all of it but its last
    phrase and names another in its place (rag.answer.polarity.swapped), or gives another
    figure for the one asked (rag.answer.polarity.other_figure)."""
    return (
        said_share(question, sentence) >= YESNO_SUPPORT
        or swapped(question, sentence) is not None
        or other_figure(question, sentence) is not None
    )


def _read_polarity(
    result: Answer,
    fitting: list[Candidate],
    question: str,
    reader: AnswerReader | None = None,
    ranked: Sequence[Candidate] = (),
) -> str | None:
    """Yes or No from the best sentence that says most of what is asked (of two such, the
    one the learned reader scores higher), read for its polarity against the question's
    (rag.answer.polarity). Why it cannot answer, or None."""
    says = [c for c in fitting if _says_enough(c)]
    says = says or [c for c in fitting if _speaks_to(question, c.text)]
    if not says:
        return "no sentence says enough of the question to read a yes or a no from it"
    if reader is not None and len(says) > 1:  # the one the reader finds answering first
        here = [r.here for r in reader.reader.read(question, [("", c.text) for c in says])]
        says = [says[i] for i in sorted(range(len(says)), key=lambda i: -here[i])]
    passages = "\n".join(c.text for c in result.citations)

    def grounded(cand: Candidate) -> bool:
        context = headed_context(cand, result.citations)
        return grounds_a_yes(question, cand.text, context, passages)

    unsettled = {id(c): said for c in says if (said := only_asked(question, c.text))}
    for cand in (c for c in says if id(c) not in unsettled):
        reading = yes_or_no(question, cand.text)
        if reading.why != SAYS_IT or grounded(cand):
            set_answer(result, reading.answer, cand, "span")
            return None
    if unsettled:  # 'the NYAG's questions include if ... Adam Neumann engaged in self-dealing'
        first = next(c for c in says if id(c) in unsettled)
        return only_said(unsettled[id(first)], first.text)
    # none grounds a yes: a well-ranked sentence that grounds one or reads as a no ('I don't
    # even own a computer anymore' for 'Does Marc Benioff still own a computer?')
    for cand in ranked[:YESNO_WITHIN]:
        if cand in says or only_asked(question, cand.text):
            continue
        if cand.lexical >= YESNO_LOOSE_SUPPORT and grounded(cand):
            set_answer(result, yes_or_no(question, cand.text).answer, cand, "span")
            return None
    return "no sentence names the question's names and says what it asks"


def _party_said(question: str, pool: Sequence[Candidate]) -> tuple[str, Candidate] | None:
    """Yes or No to a question of a lawmaker's party, from the first sentence that gives it."""
    for cand in pool:
        if said := party(question, cand.text):
            return said.answer, cand
    return None
