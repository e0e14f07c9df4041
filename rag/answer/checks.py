"""The checks an answer passes before it is shown: the sentence holds the question, the
figure fits both, the model copied a span of it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answer.choose import MIN_SENTENCE_SUPPORT, Candidate
from rag.answer.kinds import NEAR_FIGURE, counted_by, fits, specific_terms
from rag.answer.phrases import with_next_word
from rag.answer.spans import (
    Phrase,
    unit_mismatches,
)
from rag.answer.types import Answer, Citation
from rag.core.numbers import unsupported_numbers
from rag.core.prompts import ABSTAIN
from rag.core.text import MARKER, content_terms
from rag.core.textsafe import neutralise_links


def fitting_sentences(
    query: str, weights: dict[str, float], ranked: list[Candidate], citations: list[Citation]
) -> tuple[list[Candidate], str | None]:
    """The best sentences that can answer (none, with the reason, when none can)."""
    eligible = [c for c in ranked if c.lexical >= MIN_SENTENCE_SUPPORT]
    if not eligible:
        held = f"{max(c.lexical for c in ranked):.2f}" if ranked else "none"
        return [], f"no sentence holds enough of the question ({held} < {MIN_SENTENCE_SUPPORT})"
    # a day or a figure the question names narrows the sentences to those that state it
    eligible = [
        c
        for c in eligible
        if c.score >= eligible[0].score - SPECIFIC_MARGIN
        and not missing_specific(query, context_of(c, citations))
    ] or eligible
    top = eligible[:FALLBACK_SENTENCES]
    reasons = [unanswered(query, weights, c, citations) for c in top]
    fitting = [c for c, why in zip(top, reasons, strict=True) if why is None]
    return fitting, None if fitting else str(reasons[0])


def figure_problem(
    phrase: Phrase | None, cand: Candidate, question: str, citations: Sequence[Citation]
) -> str | None:
    """Why this sentence's figure does not answer a quantity question, or None."""
    if phrase is None:
        return "the answering sentence gives no figure"
    counted = counted_by(question)
    if counted.people:  # who is counted is said next to the figure
        near = cand.text[max(0, phrase.start - NEAR_FIGURE) : phrase.end + NEAR_FIGURE]
        if not counted.stems & content_terms(near):
            return "the answering sentence does not count people"
    elif counted.stems and not counted.stems & content_terms(context_of(cand, citations)):
        return f"the answering sentence does not count {' '.join(sorted(counted.stems))!r}"
    if not fits(with_next_word(cand.text, phrase), question):
        return f"the sentence's figure ({phrase.text}) is not the kind the question asks for"
    return None


# The question's specific terms (specific_terms) that together weigh this share of the
# question, missing from the answering sentence and the text just before it, mean the
# articles do not say (a question about a figure the article does not give matches the
# sentences about the same subject).
MAX_MISSING_SHARE = 0.35


FALLBACK_SENTENCES = 2  # the best sentences tried against the rules, in rank order


# A sentence that states the day or figure the question names may outrank, by this much
# score, better-matching sentences that do not.
SPECIFIC_MARGIN = 0.3


WHEN_WORDS = (
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|"
    r"April|June|July|August|September|October|November|December)\b"
)


CONTEXT_CHARS = 600


def unanswered(
    question: str, weights: dict[str, float], best: Candidate, citations: Sequence[Citation]
) -> str | None:
    """Why the best sentence does not answer the question, or None when it may. Only the
    question's specific terms count: a loose word ('most', 'rival') may be said otherwise."""
    context = context_of(best, citations)
    missed = missing_specific(question, context)
    if missed:
        return missed
    here = content_terms(context)
    total = sum(weights.values()) or 1.0
    specific = specific_terms(question)
    missing = {t: w for t, w in weights.items() if t not in here and t in specific}
    if sum(missing.values()) / total >= MAX_MISSING_SHARE:
        return f"the answering sentence does not mention {', '.join(map(repr, missing))}"
    return None


def headed_context(cand: Candidate, citations: Sequence[Citation]) -> str:
    """The sentence with the text before it and its article's title (a story's headline
    names what it is about: 'Davis Cup Finals')."""
    passage = next((c for c in citations if c.n == cand.n), None)
    if passage is None:  # a sentence given without its passage
        return cand.text
    return f"{passage.title}\n{context_of(cand, citations)}"


def context_of(cand: Candidate, citations: Sequence[Citation]) -> str:
    """The sentence with the text before it in its passage (the day is often said once);
    the sentence alone when it comes without its passage."""
    passage = next((c for c in citations if c.n == cand.n), None)
    if passage is None:
        return cand.text
    return passage.text[max(0, cand.start - CONTEXT_CHARS) : cand.start + len(cand.text)]


# a number the question compares against ('more than 200 million') need not be in the answer
_BOUNDED = re.compile(
    r"\b(?:more|greater|higher|larger|bigger|over|above|at least|less|fewer|lower|smaller|"
    r"under|below|at most)(?: than)?\s+[$€£]?\d[\d,.]*",
    re.I,
)


_MODEL_NAME = re.compile(r"\b[A-Za-z]+[.-]\d+\b")


def missing_specific(question: str, context: str) -> str | None:
    """A number, weekday or month the question names that the sentence's context lacks."""
    question = _BOUNDED.sub(" ", question)
    question = _MODEL_NAME.sub(" ", question)  # 'ID.3', 'F-35': part of a name, no figure
    for number in re.findall(r"\b\d[\d,.]*\d\b|\b\d\b|" + WHEN_WORDS, question):
        said = rf"(?<![\w.,]){re.escape(number)}(?:\.0+)?(?![\w]|[.,]\d)"  # '4' as '4.0%'
        if not re.search(said, context, re.I):
            return f"the question's {number} is not in the answering sentence"
    return None


def flat(text: str) -> str:
    """Lower case, one kind of quote mark and dash, words only: what 'verbatim' compares."""
    text = text.lower().translate(str.maketrans("“”‘’–—", "\"\"''--"))
    return " ".join(re.findall(r"[\w$%€£¥.,'-]+", text))


def check_answer(result: Answer) -> None:
    """Every figure of the answer is in its evidence sentence with the same unit and
    currency; links the sentence does not hold are removed."""
    if result.abstained or result.evidence is None or result.method == "extractive":
        return  # an extractive answer is the articles' own sentences
    body = MARKER.sub("", result.text)
    missing = unsupported_numbers(body, result.evidence)
    wrong_unit = unit_mismatches(body, result.evidence)
    if missing or wrong_unit:
        result.flags.append(
            "answer figures not as in the sentence: " + ", ".join(missing + wrong_unit)
        )
        _set_sentence(result)
    shown = neutralise_links(result.text, result.evidence)
    if shown != result.text:
        result.flags.append("removed links and images that the cited passages do not hold")
        result.text = shown


def _set_sentence(result: Answer) -> None:
    assert result.evidence is not None and result.evidence_n is not None
    result.text = f"{result.evidence} [{result.evidence_n}]"
    result.method = "extractive"


_ABSTAINS = re.compile(
    r"\b(?:do|does|did)(?: not|n't) (?:say|answer|mention|state|cover)\b|\bno answer\b", re.I
)


def says_abstain(reply: str) -> bool:
    """The sentinel, or a variant of it ("The article does not say [2]")."""
    return ABSTAIN.lower().rstrip(".") in reply.lower() or bool(_ABSTAINS.search(reply))
