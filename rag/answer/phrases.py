"""The phrase of the asked kind inside a sentence: a figure with what it counts, a date, a name."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from rag.answer.kinds import UNITFUL, asks_year, fits, in_question, word_set
from rag.answer.spans import (
    Kind,
    Phrase,
    dates,
    in_brackets,
    names,
    quantities,
    rates,
    reason,
    whole_name,
)
from rag.core.text import stem


def typed_phrase(
    sentence: str,
    question: str,
    kind: Kind,
    asked: set[str],
    weights: Mapping[str, float] | None = None,
) -> Phrase | None:
    """The phrase of the asked kind in the sentence, nearest the question's own words (the
    heavier of them by `weights`, the question's IDF weights), that the question does not
    already state. None when the sentence has none (or the kind is one the model or the
    whole sentence answers)."""
    if kind == "quantity":
        found = [p for p in quantities(sentence) if not in_question(p.text, question)]
        if re.search(r"\bhow often\b", question, re.I):
            found = rates(sentence) or found  # '1 in 12 million', 'twice a year'
        if not asks_year(question):
            found = [p for p in found if not _YEAR_ONLY.match(p.text)]
        # a figure in brackets is a quote box or an aside: '(BABA -1.71%) rallied 8.1%'
        found = [p for p in found if not in_brackets(sentence, p.start)] or found
        return _nearest(
            found,
            sentence,
            _bound_year(question, sentence) or asked,
            prefer=lambda p: (
                bool(UNITFUL.search(p.text)) + fits(with_next_word(sentence, p), question)
            ),
            weights=weights,
        )
    if kind == "date":
        found = [p for p in dates(sentence) if not in_question(p.text, question)]
        if not re.search(r"\b(?:live|lived|life|born|die|died|death)\b", question, re.I):
            found = [p for p in found if not in_brackets(sentence, p.start)] or found
        if not re.search(r"\b(?:century|millennium)\b", question, re.I):
            found = [p for p in found if not re.search(r"century|millennium", p.text)] or found
        return _nearest(found, sentence, asked, lambda p: bool(re.search(r"\d", p.text)), weights)
    if kind == "person":
        found = names(sentence, skip=asked | word_set(question))
        if not _EXAMPLES_Q.search(question):
            # 'Haq formed a group including Paul Streeten, ...': the examples are not the doer
            found = [p for p in found if not _in_examples(sentence, p)] or found
        chosen = _nearest(found, sentence, asked, lambda p: " " in p.text, weights)
        return whole_name(chosen, sentence) if chosen else None
    if kind == "reason":
        return reason(sentence)
    return None


_EXAMPLES_Q = re.compile(r"\b(?:includ\w*|members?|among|such as|examples?)\b", re.I)


_EXAMPLES = re.compile(r"\b(?:including|such as|among them|notably)\s")


_LISTED = re.compile(r"(?:[A-Z][\w'’.-]*(?:\s(?:[a-z]{1,3}\s)?[A-Z][\w'’.-]*)*,?\s(?:and\s)?)*")


def _in_examples(sentence: str, p: Phrase) -> bool:
    """The name is one of a list that 'including' or 'such as' opens."""
    opened = list(_EXAMPLES.finditer(sentence[: p.start]))
    return bool(opened) and _LISTED.fullmatch(sentence[opened[-1].end() : p.start]) is not None


_YEARS = re.compile(r"\b(?:1[5-9]|20)\d\d\b")


def _bound_year(question: str, sentence: str) -> set[str]:
    """The question's year, when the sentence gives figures for several years ('31.8% in
    2010, down from 69.6% in 1970'): the figure is the one bound to it, not the one nearest
    the question's other words."""
    named = set(_YEARS.findall(question))
    here = set(_YEARS.findall(sentence))
    return named & here if named & here and here - named else set()


_YEAR_ONLY = re.compile(
    r"^(?:(?:in|since|by|from|between) )?(?:1[5-9]|20)\d\d"
    r"(?:\s?(?:-|–|to|and)\s?(?:(?:1[5-9]|20)?\d\d))?$"
)


def with_next_word(sentence: str, p: Phrase) -> str:
    """The figure and the word after it ('290 kilometres', 'ten years'): what it counts."""
    after = re.match(r"\s*[\w-]+", sentence[p.end :])
    return p.text + (after.group() if after else "")


# A comma or semicolon between a question word and a phrase puts them this many characters
# further apart: 'Jack Ma, Tencent CEO Pony Ma' binds Tencent to Pony Ma.
CLAUSE_GAP = 40


# A question word of weight w (IDF, relative to the question's heaviest) is this many
# characters times (1 - w) further from every phrase: 'wrote' anchors less than 'Burke'.
LOOSE_ANCHOR_CHARS = 20


def _nearest(
    found: list[Phrase],
    sentence: str,
    asked: set[str],
    prefer: Callable[[Phrase], int],
    weights: Mapping[str, float] | None = None,
) -> Phrase | None:
    """The phrase closest to where the question's terms occur in the sentence; each point
    `prefer` gives a phrase wins it ties of distance within ~2 words."""
    if not found:
        return None
    weights = weights or {}
    top = max(weights.values(), default=1.0) or 1.0
    anchors = [
        (m.start(), m.end(), weights.get(term, top) / top)
        for m in re.finditer(r"[\w'’-]+", sentence)
        if (term := stem(m.group().lower().removesuffix("'s").removesuffix("’s"))) in asked
    ] or [(0, 0, 1.0)]

    def gap(anchor: tuple[int, int, float], p: Phrase) -> float:
        """Characters between a question word and the phrase; a phrase before the word
        counts double ('Tencent CEO Pony Ma': the name follows what the question names); a
        loose word of the question (a low weight) holds the phrase less near."""
        start, end, weight = anchor
        between = sentence[end : p.start] if p.start >= end else sentence[p.end : start]
        apart = CLAUSE_GAP if re.search(r"[,;:]", between) else 0  # another item or clause
        loose = LOOSE_ANCHOR_CHARS * (1 - weight)
        if p.start >= end:
            return max(0, p.start - end) + apart + loose
        return 2 * max(0, start - p.end) + apart + loose

    def distance(p: Phrase) -> float:
        gap_chars = min(gap(a, p) for a in anchors)
        agent = 0.5 if sentence[max(0, p.start - 3) : p.start] == "by " else 0.0
        return gap_chars / 40 - 0.3 * prefer(p) - agent

    return min(found, key=distance)
