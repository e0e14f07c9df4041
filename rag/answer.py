"""Grounded answers: the short phrase that answers, from the sentence that answers, cited.

Designed for a tiny model, so the code carries the quality:
1. every sentence of the retrieved passages is scored for the question (its share of the
   question's IDF-weighted terms, its dense similarity, whether it holds a phrase of the kind
   the question asks for; titles last);
2. from the best sentence, the phrase of the asked kind is taken by rule (a figure with its
   unit, a date, a name, a cause), or, where the kind is not clear, the model copies the
   phrase from that one sentence and code checks that it is a span of it;
3. every figure must be in the sentence with the same unit and currency; the sentence is
   shown apart as evidence. When the passages or the best sentence hold too little of the
   question, the answer is exactly the abstention sentence.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, NamedTuple

import numpy as np
from pydantic import BaseModel, Field

from rag.conflicts import Conflict, Said, across, against_copies, sentences_of
from rag.guard import injection_reason, redact
from rag.lexical import STOPWORDS, terms
from rag.llm import ChatModel, Message, Usage
from rag.numbers import numbers_in, unsupported_numbers
from rag.prompts import ABSTAIN, Prompt, load_prompt
from rag.retrieve import Filters, Retriever
from rag.spans import (
    MEASURE,
    Kind,
    Phrase,
    dates,
    in_brackets,
    names,
    negated,
    quantities,
    question_kind,
    rates,
    reason,
    unit_mismatches,
    whole_name,
)
from rag.store import Store
from rag.text import MARKER, QUESTION_WORDS, content_terms, initials, split_sentences, stem
from rag.textsafe import has_link, neutralise_links
from rag.tokens import get_encoding
from rag.when import TimeScope, mentions_time, read_time, weekdays_in

_FOLLOW_UP = re.compile(
    r"^(and|but|also|so|what about|how about)\b|\b(it|its|they|them|their|that|this|those|"
    r"he|she|his|her)\b",
    re.I,
)

# Below this IDF-weighted share of the question's content terms found in the passages, the
# articles are taken not to answer (a term no article holds weighs most).
MIN_SUPPORT = 0.4


class Citation(BaseModel):
    n: int = Field(description="The marker number, [n], as given to the model.")
    chunk_id: str
    article_id: str
    title: str
    date: str | None
    source: str
    start: int = Field(description="Char offset of the passage in the cleaned article.")
    end: int
    text: str = Field(description="The passage exactly as given to the model.")

    @classmethod
    def of(cls, n: int, passage: Mapping[str, Any]) -> Citation:
        """Passage n from a hit or a catalog row (their fields by name)."""
        return cls(n=n, **{f: passage[f] for f in cls.model_fields if f != "n"})


class Timings(BaseModel):
    retrieve_ms: float = 0.0
    first_token_ms: float | None = None
    total_ms: float = 0.0


class Answer(BaseModel):
    question: str
    query: str = Field(description="The standalone query used for retrieval.")
    text: str = Field(description="The checked answer, with [n] markers.")
    abstained: bool
    method: Literal["span", "model", "extractive", "abstain"] = Field(
        description="span: the phrase of the asked kind, taken from the answering sentence "
        "by rule; model: the model copied it from that sentence; extractive: the sentence "
        "itself (why questions, summaries, or a model reply that failed the checks); "
        "abstain: the articles do not say."
    )
    kind: str = Field(
        "other",
        description="What the question asks for: quantity, date, "
        "person, reason, yesno, summary or other.",
    )
    evidence: str | None = Field(None, description="The answering sentence, verbatim.")
    evidence_n: int | None = Field(None, description="The passage the evidence comes from.")
    citations: list[Citation] = Field(description="Numbered passages given to the model.")
    cited: list[int] = Field(default_factory=list, description="Valid markers in the answer.")
    flags: list[str] = Field(default_factory=list, description="What the checks found.")
    time_scope: str | None = Field(
        None,
        description="How a time expression in the question was read: the publication dates "
        "searched or preferred, and the reference day ('as of').",
    )
    evidence_date: str | None = Field(None, description="Publication date of the evidence.")
    evidence_days: dict[str, str] = Field(
        default_factory=dict,
        description="Weekdays in the evidence and the day each means, read against the "
        "article's date: {'Tuesday': '2025-07-15'}.",
    )
    differs: str | None = Field(
        None,
        description="When other passages or copies of the story give the answer's figure "
        "otherwise: 'Sources differ: 8.3% [1] vs 8.1% [3]'.",
    )
    model_text: str = Field("", description="The model's raw reply (empty when no model ran).")
    model: str
    usage: Usage = Field(default_factory=Usage)
    timings: Timings = Field(default_factory=Timings)


def standalone_query(question: str, history: Sequence[str] = ()) -> str:
    """A follow-up ("And how much did it rise?") is searched with the question before it.
    Deterministic on purpose: a 270M model rewrites worse than concatenation retrieves."""
    if history and _FOLLOW_UP.search(question) and len(content_terms(question)) <= 4:
        return f"{history[-1]} {question}"
    return question


def term_weights(query: str, store: Store) -> dict[str, float]:
    """IDF weight per query content term (by stem). A term no article contains weighs most:
    a question about something the articles never mention should not look answered."""
    total = store.chunk_total()
    weights: dict[str, float] = {}
    for term in terms(initials(query)):
        if term in QUESTION_WORDS:
            continue
        df = store.doc_freq(term)
        weights[stem(term)] = max(weights.get(stem(term), 0.0), math.log((total + 1) / (df + 0.5)))
    return weights


@dataclass
class Candidate:
    """A sentence of a retrieved passage, scored for the question."""

    n: int  # the passage's marker
    text: str
    start: int  # char offset in the passage
    rank: int  # position of the sentence over all passages
    lexical: float = 0.0
    context: float = 0.0  # the same share, over this sentence and the one before it
    dense: float = 0.0
    typed: bool = False
    counted: bool = False  # its figure counts what a 'how many' question counts
    title: bool = False

    @property
    def score(self) -> float:
        return (
            self.lexical
            + CONTEXT_WEIGHT * self.context
            + DENSE_WEIGHT * self.dense
            + (TYPE_BONUS if self.typed else 0.0)
            + (TYPE_BONUS if self.counted else 0.0)
            - (TITLE_PENALTY if self.title else 0.0)
            - RANK_DECAY * self.rank
        )


# How a sentence is scored for a question: the IDF-weighted share of the question's terms
# it holds, plus its dense similarity to the question, plus a bonus when it holds a phrase
# of the kind asked for (a figure for "how many"); titles rank only when nothing else does.
# Tuned on the dev split of evals/qa_reader.jsonl (see evals/README.md).
DENSE_WEIGHT = 0.6
CONTEXT_WEIGHT = 0.3
TYPE_BONUS = 0.25
TITLE_PENALTY = 0.5
RANK_DECAY = 0.002
# The chosen sentence must hold at least this share of the question's weighted terms.
MIN_SENTENCE_SUPPORT = 0.3
EMBED_GROUP = 8  # the question embedder's fast path takes this many texts at once


def candidates(
    citations: Sequence[Citation], question: str, weights: dict[str, float], kind: Kind
) -> list[Candidate]:
    """Every sentence of the passages that is not addressed to a model, with its lexical
    score and whether it holds a phrase of the asked kind."""
    out: list[Candidate] = []
    total = sum(weights.values()) or 1.0
    asked = content_terms(question)
    counted = count_noun(question)
    noun = asked_noun(question)
    for c in citations:
        previous = ""
        for span in split_sentences(c.text):
            sentence = c.text[span.start : span.end]
            if injection_reason(sentence) or has_link(sentence) or len(sentence.split()) < 3:
                continue
            here = content_terms(sentence)
            around = here | content_terms(previous)  # 'This operation ...' names it before
            phrase = typed_phrase(sentence, question, kind, asked, weights)
            named_noun = kind == "other" and noun is not None and _names_noun(sentence, noun)
            out.append(
                Candidate(
                    n=c.n,
                    text=sentence,
                    start=span.start,
                    rank=len(out),
                    lexical=sum(w for t, w in weights.items() if t in here) / total,
                    context=sum(w for t, w in weights.items() if t in around) / total,
                    typed=phrase is not None or named_noun,
                    counted=phrase is not None
                    and counted is not None
                    and counted in content_terms(sentence[phrase.start : phrase.end + NEAR_FIGURE]),
                    title=_is_title(sentence, c),
                )
            )
            previous = sentence
    return out


def asked_noun(question: str) -> str | None:
    """What a 'which <noun>' question asks for: 'Which gland sets off puberty?' -> 'gland'."""
    m = re.match(r"\s*(?:which|what)\s+([a-z]{3,})\b", question, re.I)
    word = m.group(1).lower() if m else ""
    if not m or word in STOPWORDS or word in QUESTION_WORDS or word in _LOOSE_NOUNS:
        return None
    return word


def _names_noun(sentence: str, noun: str) -> bool:
    """The sentence names a thing of that noun: 'the pituitary gland', 'Waheguru is the name'."""
    for m in re.finditer(rf"\b([\w'’-]+)\s+{re.escape(noun)}(?:s|es)?\b", sentence, re.I):
        if m.group(1).lower() not in STOPWORDS and m.group(1).lower() not in _NOT_A_KIND:
            return True
    return False


_NOT_A_KIND = {"which", "what", "this", "that", "these", "those", "each", "every", "any", "no"}


def count_noun(question: str) -> str | None:
    """What a 'how many' question counts, by stem: 'How many police officers ...' -> 'officer'."""
    m = re.search(r"\bhow many ((?:[\w'-]+ ){0,2}?[\w'-]+?)(?= (?:did|do|does|are|were|is|was|"
                  r"have|has|had|will|can|could|would|should|in|of|on|at|for)\b|\?|$)",
                  question, re.I)  # fmt: skip
    if not m:
        return None
    return stem(m.group(1).split()[-1].lower())


class Counted(NamedTuple):
    """What a 'how many' question counts: stems the answering sentence must say, and whether
    they are people (said next to the figure: 'inhabitants', 'were confirmed dead')."""

    stems: frozenset[str]
    people: bool = False


def _counted(question: str) -> Counted:
    """The first words after 'how many', by stem ('students attend' -> student, attend): the
    answering sentence names at least one of them ('How many students attend Newcastle
    University?' is not answered by the average age of its people)."""
    m = re.search(r"\bhow many ([\w'-]+)(?: ([\w'-]+))?", question, re.I)
    if not m:
        return Counted(frozenset())
    if m.group(1).lower() == "people":  # 'How many people lived ...': inhabitants, staff
        return Counted(_PEOPLE_STEMS, people=True)
    if m.group(1).lower() in _LOOSE_NOUNS:
        return Counted(frozenset())  # 'How many kinds are ...': the noun is what it lists
    words = {w.lower() for w in m.groups() if w} - _LOOSE_COUNTED
    return Counted(
        frozenset(stem(w) for w in words if w not in STOPWORDS and w not in QUESTION_WORDS)
    )


# nouns that say how something is counted, not what: 'How many kinds of rock ...'
_LOOSE_NOUNS = frozenset({"times", "kinds", "types", "sorts", "forms", "categories"})
_PEOPLE = """people persons inhabitants residents population citizens individuals employees
staff workers members men women children adults students voters visitors dead killed deaths
died victims injured wounded missing casualties fatalities survivors refugees displaced
evacuated arrested passengers soldiers troops fans spectators patients tourists migrants"""
_PEOPLE_STEMS = frozenset(stem(w) for w in _PEOPLE.split())
NEAR_FIGURE = 40  # characters either side of a figure where what it counts is said
_LOOSE_COUNTED = _LOOSE_NOUNS | {
    "more", "other", "people", "of", "different", "new", "total", "main", "major", "basic",
    "key", "distinct",
}  # fmt: skip


def _is_title(sentence: str, citation: Citation) -> bool:
    flat = " ".join(sentence.split())
    return flat == " ".join(citation.title.split()) or (
        citation.start == 0 and sentence is not None and not flat.endswith((".", "?", "!", '"'))
    )


def add_dense(cands: list[Candidate], query: str, embedder: Any) -> None:
    """Cosine similarity of each sentence to the question (the question embedder's fast
    path takes a few texts at a time, so sentences go in small groups)."""
    if not cands:
        return
    texts = [query] + [c.text for c in cands]
    vectors = np.vstack(
        [embedder.embed(texts[i : i + EMBED_GROUP]) for i in range(0, len(texts), EMBED_GROUP)]
    )
    vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    sims = vectors[1:] @ vectors[0]
    for cand, sim in zip(cands, sims, strict=True):
        cand.dense = float(sim)


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
        found = [p for p in quantities(sentence) if not _in_question(p.text, question)]
        if re.search(r"\bhow often\b", question, re.I):
            found = rates(sentence) or found  # '1 in 12 million', 'twice a year'
        if not _asks_year(question):
            found = [p for p in found if not _YEAR_ONLY.match(p.text)]
        # a figure in brackets is a quote box or an aside: '(BABA -1.71%) rallied 8.1%'
        found = [p for p in found if not in_brackets(sentence, p.start)] or found
        return _nearest(
            found,
            sentence,
            _bound_year(question, sentence) or asked,
            prefer=lambda p: (
                bool(_UNITFUL.search(p.text)) + fits(_with_next_word(sentence, p), question)
            ),
            weights=weights,
        )
    if kind == "date":
        found = [p for p in dates(sentence) if not _in_question(p.text, question)]
        if not re.search(r"\b(?:live|lived|life|born|die|died|death)\b", question, re.I):
            found = [p for p in found if not in_brackets(sentence, p.start)] or found
        if not re.search(r"\b(?:century|millennium)\b", question, re.I):
            found = [p for p in found if not re.search(r"century|millennium", p.text)] or found
        return _nearest(found, sentence, asked, lambda p: bool(re.search(r"\d", p.text)), weights)
    if kind == "person":
        found = names(sentence, skip=asked | _words(question))
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


def _with_next_word(sentence: str, p: Phrase) -> str:
    """The figure and the word after it ('290 kilometres', 'ten years'): what it counts."""
    after = re.match(r"\s*[\w-]+", sentence[p.end :])
    return p.text + (after.group() if after else "")


_UNITFUL = re.compile(r"[%$€£¥]|\d[\s-]?[a-zA-Z]|\b(?:of the|percent|million|billion)\b")


def _asks_year(question: str) -> bool:
    return bool(re.search(r"\b(?:year|when)\b", question, re.I))


def _in_question(phrase: str, question: str) -> bool:
    digits = re.findall(r"\d[\d,.]*", phrase)
    if digits:
        return all(d.strip(".,") in question for d in digits)
    return phrase.lower() in question.lower()


def _words(text: str) -> set[str]:
    """The text's words, lower case, without a possessive "'s" ("Gilmore's" is Gilmore)."""
    return {re.sub(r"['’]s$", "", w.lower()) for w in re.findall(r"[\w'’-]+", text)}


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


def _with_count_noun(phrase: Phrase, sentence: str, question: str) -> str:
    """'two' -> 'two torpedo bombers' when the question does not name what is counted."""
    if re.search(r"[A-Za-z%]\s*$", phrase.text) and not re.match(
        rf"^(?:[-+$€£]?\d[\d,.]*|{_NUMBER_WORDS})$", phrase.text, re.I
    ):
        return phrase.text
    tail = re.match(r"\s+((?:[a-z][\w-]*\s?){1,2})", sentence[phrase.end :])
    if not tail:
        return phrase.text
    words = []
    for word in tail.group(1).split():
        if (
            word in STOPWORDS
            or stem(word) in content_terms(question)
            or word.endswith(("ing", "ed", "ly"))
            or word in _NOT_COUNTED
        ):
            break
        words.append(word)
    return " ".join([phrase.text, *words])


_NOT_COUNTED = {
    "according", "per", "each", "a", "an", "of", "to", "from", "since", "ago",
    "now", "then", "still", "already", "also", "later", "again", "together", "so", "far",
}  # fmt: skip
_NUMBER_WORDS = r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|hundred"


def answer_question(
    question: str,
    *,
    retriever: Retriever,
    model: ChatModel,
    k: int = 5,
    history: Sequence[str] = (),
    filters: Filters | None = None,
    prompt: Prompt | None = None,
    on_delta: Callable[[str], None] | None = None,
    max_tokens: int = 24,
    as_of: date | None = None,
    read_dates: bool = True,
) -> Answer:
    """Retrieve, choose the sentence that answers, take the phrase of the asked kind from it
    (by rule, or by the model copying a span of it), check it, or abstain. A time expression
    in the question narrows or orders the articles by date (rag.when) unless `read_dates` is
    off or the filters already give dates."""
    started = time.perf_counter()
    query = standalone_query(question, history)
    kind = question_kind(question)
    scope = None
    if read_dates:
        filters, query, scope = dated_query(query, retriever.store, filters, as_of)
    hits = retriever.search(query, k=k, filters=filters)
    weights = term_weights(query, retriever.store)
    citations = [Citation.of(n, hit.model_dump()) for n, hit in enumerate(hits, start=1)]
    result = Answer(
        question=question, query=query, text=ABSTAIN, abstained=True, method="abstain",
        kind=kind, citations=citations, model=model.name,
        time_scope=scope.describe() if scope else None,
    )  # fmt: skip
    if scope and scope.kind == "filter" and not hits:
        result.flags.append(f"no article matches: {scope.describe()}")
        return _done(result, started, started)
    if scope and scope.kind == "filter" and not content_terms(query) - _NEWS_WORDS:
        _answer_digest(result, retriever, filters, k)  # 'What happened last week?'
        return _done(result, started, started)
    covered = set(weights) & content_terms(" ".join(c.text for c in citations))
    support = sum(weights[t] for t in covered) / (sum(weights.values()) or 1.0)
    if not citations or support < MIN_SUPPORT:
        result.flags.append(f"weak retrieval support ({support:.2f} < {MIN_SUPPORT})")
        return _done(result, started, started)
    cands = candidates(citations, query, weights, kind)
    add_dense(cands, query, retriever.embedder)
    retrieved = time.perf_counter()
    ranked = sorted(cands, key=lambda c: c.score, reverse=True)
    fitting, why_not = _fitting(query, weights, ranked, citations)
    if why_not:
        result.flags.append(why_not)
        return _done(result, started, retrieved)
    best = fitting[0]
    ranked = fitting + [c for c in ranked if c not in fitting]

    def ask(chosen: Candidate) -> None:
        _ask_model(result, chosen, question, model, prompt, on_delta, max_tokens, started)

    if kind == "summary":
        _answer_summary(result, ranked)
    elif kind == "yesno":
        why_not = _answer_yes_no(result, fitting, question)
        if why_not:
            result.flags.append(why_not)
            return _done(result, started, retrieved)
    elif kind in ("quantity", "date", "person", "reason"):
        why_not = _answer_typed(result, ranked, fitting, weights, ask)
        if why_not:
            result.flags.append(why_not)
            return _done(result, started, retrieved)
    else:
        ask(best)
    _check(result)
    _date_evidence(result)
    _note_differences(result, retriever.store)
    return _done(result, started, retrieved)


def dated_query(
    query: str, store: Store, filters: Filters | None, as_of: date | None
) -> tuple[Filters | None, str, TimeScope | None]:
    """(filters, query, scope) after reading the query's time expression (rag.when): a
    filtering one becomes since/until and leaves the query. Filters that already give
    dates win: nothing is read."""
    dates_given = filters is not None and (filters.since or filters.until)
    if dates_given or not mentions_time(query):
        return filters, query, None  # (no query for the newest date when none is needed)
    scope = read_time(query, as_of or store.newest_date(), store.dated_in)
    if scope is None or scope.kind != "filter":
        return filters, query, scope
    fields = {"since": scope.since, "until": scope.until}
    return (filters or Filters()).model_copy(update=fields), scope.rest, scope


# Words of a question that asks only what was in the news ('What was reported in May?').
_NEWS_WORDS = content_terms(
    "news report reported happen happened publish published say said write written cover "
    "covered story stories article articles appear appeared come came out run ran anything "
    "new headline headlines"
)


def _answer_digest(result: Answer, retriever: Retriever, filters: Filters | None, k: int) -> None:
    """A question that names only a time: the headlines of the articles in range, newest
    first, each cited to its opening passage."""
    restriction = filters.restriction() if filters else {}
    total = len(retriever.store.filter_articles(**restriction))
    newest = retriever.store.filter_articles(**restriction, newest=k)
    openings = [row for i in newest if (row := retriever.store.chunk_at(i, 0)) is not None]
    result.citations = [Citation.of(n, row._asdict()) for n, row in enumerate(openings, 1)]
    if not result.citations:
        return
    shown = "; ".join(f"{c.title} ({c.date}) [{c.n}]" for c in result.citations)
    more = f" (the newest {len(newest)} of {total})" if total > len(newest) else ""
    noun = "article" if total == 1 else "articles"
    result.text = f"{total} {noun}{more}: {shown}"
    result.cited = [c.n for c in result.citations]
    result.method, result.kind, result.abstained = "extractive", "summary", False


def _date_evidence(result: Answer) -> None:
    """The evidence's publication date, and the day each weekday in it means."""
    if result.evidence is None or result.evidence_n is None:
        return
    source = result.citations[result.evidence_n - 1]
    result.evidence_date = source.date
    result.evidence_days = {m.text: str(m.day) for m in weekdays_in(result.evidence, source.date)}


def _note_differences(result: Answer, store: Store) -> None:
    """When the answer is a figure, other passages and the other copies of its story that
    give that figure otherwise are cited beside it: 'Sources differ: 8.3% [1] vs 8.1% [3]'."""
    if result.abstained or result.evidence is None or result.evidence_n is None:
        return
    values = numbers_in(MARKER.sub("", result.text))
    if not values or result.method == "extractive" and len(values) > 1:
        return
    source = result.citations[result.evidence_n - 1]
    at = source.start + max(0, source.text.find(result.evidence))
    mine = [Said(result.evidence, at, source.article_id, source.date)]
    found = []
    for c in result.citations:
        if c.article_id != source.article_id:
            theirs = sentences_of(c.text, c.article_id, c.date, offset=c.start)
            found += across(mine, theirs, False, values[0])
    found += [c for c, _ in against_copies(mine, source.article_id, store, values[0])]
    if found:
        _cite_differences(result, found, store)


def _cite_differences(result: Answer, found: list[Conflict], store: Store) -> None:
    assert result.evidence_n is not None
    cited: dict[str, list[int]] = {found[0].here.label: [result.evidence_n]}
    for conflict in found:
        n = _citation_for(result, conflict.said_there, store)
        if n is not None:
            markers = cited.setdefault(conflict.there.label, [])
            markers.extend([] if n in markers else [n])
            result.cited = sorted({*result.cited, n})
    if len(cited) > 1:
        result.differs = "Sources differ: " + " vs ".join(
            f"{label} " + "".join(f"[{n}]" for n in markers) for label, markers in cited.items()
        )


def _citation_for(result: Answer, said: Said, store: Store) -> int | None:
    """The marker of the passage holding `said`: a given one, or its chunk added."""
    for c in result.citations:
        if c.article_id == said.article_id and c.start <= said.start < c.end:
            return c.n
    row = store.chunk_at(said.article_id, said.start)
    if row is None:
        return None
    n = len(result.citations) + 1
    result.citations.append(Citation.of(n, row._asdict()))
    return n


def _fitting(
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
        and not _missing_specific(query, _context(c, citations))
    ] or eligible
    top = eligible[:FALLBACK_SENTENCES]
    reasons = [_unanswered(query, weights, c, citations) for c in top]
    fitting = [c for c, why in zip(top, reasons, strict=True) if why is None]
    return fitting, None if fitting else str(reasons[0])


def _named(question: str) -> set[str]:
    """The question's names, by stem ('Nvidia'): the named part of specific_terms."""
    return {stem(word.lower()) for i, word in _question_words(question) if _is_name(i, word)}


def _names_all(named: set[str], terms: set[str]) -> bool:
    """Every name (a stem) starts one of the terms."""
    return all(any(t.startswith(n) for t in terms) for n in named)


def _figure_problem(
    phrase: Phrase | None, cand: Candidate, question: str, citations: Sequence[Citation]
) -> str | None:
    """Why this sentence's figure does not answer a quantity question, or None."""
    if phrase is None:
        return "the answering sentence gives no figure"
    counted = _counted(question)
    if counted.people:  # who is counted is said next to the figure
        near = cand.text[max(0, phrase.start - NEAR_FIGURE) : phrase.end + NEAR_FIGURE]
        if not counted.stems & content_terms(near):
            return "the answering sentence does not count people"
    elif counted.stems and not counted.stems & content_terms(_context(cand, citations)):
        return f"the answering sentence does not count {' '.join(sorted(counted.stems))!r}"
    if not fits(_with_next_word(cand.text, phrase), question):
        return f"the sentence's figure ({phrase.text}) is not the kind the question asks for"
    return None


def _answer_typed(
    result: Answer,
    ranked: list[Candidate],
    fitting: list[Candidate],
    weights: dict[str, float],
    ask: Callable[[Candidate], None],
) -> str | None:
    """A quantity, date, person or reason: the phrase of that kind, by rule, from the best
    sentence holding one; the model copies it where no rule finds it. Why it cannot answer,
    or None."""
    query, question, kind = result.query, result.question, result.kind
    # a sentence of the asked kind may stand in for the best, if it passes the same check
    # and itself says some of the question (not only the sentence before it)
    typed = [
        c
        for c in ranked[:3]
        if c.typed
        and (
            c in fitting
            or (c.lexical > 0 and _unanswered(query, weights, c, result.citations) is None)
        )
    ]
    chosen = typed[0] if typed else fitting[0]
    phrase = typed_phrase(chosen.text, query, kind, content_terms(query), weights)  # type: ignore[arg-type]
    if kind == "quantity":
        # the first of the fitting sentences whose figure is of the kind asked
        why_not = None
        order = [c for i, c in enumerate([*typed, *fitting]) if c not in typed[:i]]
        # a later sentence stands in only if it names what the first names of the question
        first = content_terms(_context(order[0], result.citations))
        named = {n for n in _named(query) if _names_all({n}, first)}
        asked = content_terms(query)
        for cand in order:
            phrase = typed_phrase(cand.text, query, kind, asked, weights)  # type: ignore[arg-type]
            why = _figure_problem(phrase, cand, question, result.citations)
            if why is None and not _names_all(
                named, content_terms(_context(cand, result.citations))
            ):
                why = "a sentence with a figure of that kind is about something else"
            if why is None:
                chosen = cand
                break
            why_not = why_not or why
        else:
            return why_not
    if phrase is not None:
        text = phrase.text
        if kind == "quantity":
            text = _with_count_noun(phrase, chosen.text, question)
        _set(result, text, chosen, "span")
    elif kind == "reason":
        said_next = _cause_said_next(chosen, ranked, query)
        if said_next is not None:
            cause, where = said_next
            _set(result, cause.text, where, "span")
        else:
            _set(result, chosen.text, chosen, "extractive")
    else:
        ask(chosen)
    return None


CAUSE_WITHIN = 3  # sentences after the answering one where its cause may be given


def _cause_said_next(
    chosen: Candidate, ranked: list[Candidate], query: str
) -> tuple[Phrase, Candidate] | None:
    """The cause given in a sentence just after the answering one, about the same names, and
    that sentence: 'Alibaba rallied 8.1% on Tuesday. [...] Alibaba rose today after ...'."""
    named = {n for n in _named(query) if not re.fullmatch(_WHEN_WORDS, n, re.I)}  # 'today'
    after = sorted(
        (c for c in ranked if c.n == chosen.n and c.start > chosen.start), key=lambda c: c.start
    )[:CAUSE_WITHIN]
    for cand in after:
        cause = reason(cand.text)
        if cause is not None and _names_all(named, content_terms(cand.text)):
            return cause, cand
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
_WHEN_WORDS = (
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|"
    r"April|June|July|August|September|October|November|December)\b"
)
CONTEXT_CHARS = 600
SPECIFIC_LEN = 7  # 'revenue', 'quarterly': a word this long is seldom a loose one


def _unanswered(
    question: str, weights: dict[str, float], best: Candidate, citations: Sequence[Citation]
) -> str | None:
    """Why the best sentence does not answer the question, or None when it may. Only the
    question's specific terms count: a loose word ('most', 'rival') may be said otherwise."""
    context = _context(best, citations)
    missed = _missing_specific(question, context)
    if missed:
        return missed
    here = content_terms(context)
    total = sum(weights.values()) or 1.0
    specific = specific_terms(question)
    missing = {t: w for t, w in weights.items() if t not in here and t in specific}
    if sum(missing.values()) / total >= MAX_MISSING_SHARE:
        return f"the answering sentence does not mention {', '.join(map(repr, missing))}"
    return None


def specific_terms(question: str) -> set[str]:
    """The question's terms that name something (by stem): capitalised words past the first
    (and mixed case like 'iPhone' anywhere), numbers, long words (SPECIFIC_LEN letters or
    more) and rare words (more than one token in cl100k, whose vocabulary holds every common
    English word whole). 'most', 'both', 'worth' or 'rival' missing from a sentence does not
    mean the articles do not say; 'Kimi', 'Newcastle', 'revenue' or 'parameters' does."""
    enc = get_encoding()
    out = set()
    # 'Which organization ...': the noun after 'which' is what the answer is, not a word the
    # answering sentence must hold ('Transparency International has identified ...')
    answer_noun = re.match(r"\s*which\s+([a-z]+)\b(?<!ed)", question, re.I)
    for i, word in _question_words(initials(question)):  # 'chief executive' is 'CEO'
        lower = word.lower()
        if answer_noun and lower == answer_noun.group(1).lower():
            continue
        rare = len(lower) >= SPECIFIC_LEN or len(enc.encode_ordinary(" " + lower)) > 1
        if _is_name(i, word) or rare or any(c.isdigit() for c in word):
            out.add(stem(lower))
    return out


def _question_words(question: str) -> list[tuple[int, str]]:
    """(position, word without its "'s") of the question's words past question words and
    stopwords."""
    words = (
        m.group().removesuffix("'s").removesuffix("’s") for m in re.finditer(r"[\w'’-]+", question)
    )
    return [(i, w) for i, w in enumerate(words) if w.lower() not in _NOT_SPECIFIC]


_NOT_SPECIFIC = QUESTION_WORDS | STOPWORDS


def _is_name(i: int, word: str) -> bool:
    """Capitalised past the question's first word, or in mixed case anywhere ('iPhone')."""
    return (i > 0 and word[:1].isupper()) or any(c.isupper() for c in word[1:])


def _context(cand: Candidate, citations: Sequence[Citation]) -> str:
    """The sentence with the text before it in its passage (the day is often said once)."""
    passage = next(c for c in citations if c.n == cand.n)
    return passage.text[max(0, cand.start - CONTEXT_CHARS) : cand.start + len(cand.text)]


def _missing_specific(question: str, context: str) -> str | None:
    """A number, weekday or month the question names that the sentence's context lacks."""
    for number in re.findall(r"\b\d[\d,.]*\d\b|\b\d\b|" + _WHEN_WORDS, question):
        if not re.search(rf"(?<![\w.,]){re.escape(number)}(?![\w]|[.,]\d)", context, re.I):
            return f"the question's {number} is not in the answering sentence"
    return None


_MONEY_Q = re.compile(
    r"^(?:how much (?!of\b).*\b(?:pay|paid|cost|costs|price|priced|sell|sold for|worth|"
    r"spend|spent|invest|earn|charge)|what (?:is |was )?(?:the )?price\b|how much money\b)",
    re.I,
)
_SHARE_Q = re.compile(r"\b(?:percentage|share|proportion|(?<!exchange )rate)\b", re.I)
_MONEY = re.compile(
    r"[$€£¥₹]|\b(?:yuan|reais|euros?|dollars|pounds|yen|rupees|USD|drachmae?)\b", re.I
)
_FRACTION = re.compile(r"%|percent|per cent|half|third|quarter|fifth|of the", re.I)
_SHARE_WORD = re.compile(r"\bper ?cent\b|half\b|\bthirds?\b|\bquarters?\b|\bfifths?\b", re.I)
_COMPARED = re.compile(r"\bcompared\b|\bthan\b|\brelative to\b|\bas many as\b", re.I)


_DURATION_OR_LENGTH = re.compile(
    r"\b(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centuries|century|"
    r"km|kilomet(?:er|re)s?|miles?|met(?:er|re)s?|feet|foot|ft|yards?|inch(?:es)?|cm|mm|mi|m)\b",
    re.I,
)


_SIZE_Q = re.compile(r"\bhow (?:big|large|high|tall|deep|far|heavy)\b", re.I)
_CHANGE_Q = re.compile(
    r"\bhow much (?:did|does|do|has|have|had|will|would)\b.*\b(?:grow|grew|rise|rose|fall|"
    r"fell|increase|decrease|drop|gain|jump|decline|climb|slip|surge|shrink)\w*\b",
    re.I,
)
_CHANGE = re.compile(
    r"%|percent|per cent|\bpoints?\b|\btimes\b|fold\b|[$€£¥₹]|\b(?:million|billion|"
    r"trillion|thousand)\b|\b(?:yuan|reais|euros?|dollars|pounds|yen|rupees)\b",
    re.I,
)
_MONEY_WORDS_Q = re.compile(r"\bhow many (?:dollars|euros|pounds|yuan|yen|rupees)\b", re.I)


_MONEY_NOUN_Q = re.compile(r"\b(?:prices?|salar(?:y|ies)|wages?|fees?|fares?)\b", re.I)


def fits(figure: str, question: str) -> bool:
    """A money question (a price, a salary, a fee) needs an amount of money, a share
    question a percentage or a fraction, a 'how long' question a duration or a length, a
    'how much' question a figure with a unit; a 'how many' question is not answered by a
    percentage or money."""
    if (_MONEY_Q.search(question) or _MONEY_NOUN_Q.search(question)) and not _MONEY.search(figure):
        return False
    if _SHARE_Q.search(question) and not _FRACTION.search(figure):
        return False
    if re.search(r"\bhow long\b", question, re.I) and not _DURATION_OR_LENGTH.search(figure):
        return False
    if re.search(r"\bhow much\b(?! of\b)", question, re.I) and not _UNITFUL.search(figure):
        return False
    if _SIZE_Q.search(question) and not _UNITFUL.search(figure):
        return False  # 'how big is the purse?' is not answered by 'two'
    if _CHANGE_Q.search(question) and not _CHANGE.search(figure):
        return False  # 'how much did advertising grow?' is not answered by '152 magazines'
    if re.search(r"\bhow many\b", question, re.I) and not _MONEY_WORDS_Q.search(question):
        if re.fullmatch(r"[-+]?[\d,]*\.\d+", figure.strip()):
            return False  # a count is whole: 37.8 (an average age) counts no students
        if "%" in figure or (_SHARE_WORD.search(figure) and not _COMPARED.search(question)):
            return False  # 'about one-half' (of the people) counts no one
        measure = MEASURE.search(figure)
        if measure and measure.group().lower() not in question.lower():
            return False  # 'how many people' is not answered by '17,000 km'
        return not _MONEY.search(figure)  # 40 jets, not $3.6 billion
    return True


def _done(result: Answer, started: float, retrieved: float) -> Answer:
    result.timings.retrieve_ms = (retrieved - started) * 1000
    result.timings.total_ms = (time.perf_counter() - started) * 1000
    return result


def _set(result: Answer, text: str, cand: Candidate, method: str) -> None:
    result.text = f"{text} [{cand.n}]"
    result.cited = [cand.n]
    result.evidence, result.evidence_n = cand.text, cand.n
    result.method = method  # type: ignore[assignment]
    result.abstained = False


def _answer_summary(result: Answer, ranked: list[Candidate]) -> None:
    """The most central sentences about the subject: the best three, at most one per
    sentence text, in the order they were ranked."""
    picked: list[Candidate] = []
    for cand in ranked:
        if cand.title or any(cand.text == p.text for p in picked):
            continue
        picked.append(cand)
        if len(picked) == 3:
            break
    result.text = " ".join(f"{c.text} [{c.n}]" for c in picked)
    result.cited = sorted({c.n for c in picked})
    result.evidence, result.evidence_n = picked[0].text, picked[0].n
    result.method = "extractive"
    result.abstained = False


# A yes or a no is read from one sentence: it must itself say at least this share of the
# question (by term weight), not leave the rest to the sentence before it.
YESNO_SUPPORT = 0.5


def _answer_yes_no(result: Answer, fitting: list[Candidate], question: str) -> str | None:
    """Yes or No from the best sentence that says most of what is asked: No when it negates
    it (and the question itself does not). Why it cannot answer, or None."""
    best = next((c for c in fitting if c.lexical >= YESNO_SUPPORT), None)
    if best is None:
        return "no sentence says enough of the question to read a yes or a no from it"
    says_no = negated(best.text) != negated(question)
    _set(result, "No" if says_no else "Yes", best, "span")
    return None


def _ask_model(
    result: Answer,
    cand: Candidate,
    question: str,
    model: ChatModel,
    prompt: Prompt | None,
    on_delta: Callable[[str], None] | None,
    max_tokens: int,
    started: float,
) -> None:
    """The model copies the phrase that answers from the chosen sentence; a reply that is
    not a span of the sentence gives way to the sentence itself, quoted."""
    prompt = prompt or load_prompt("answer")
    sentence = " ".join(redact(_focus(cand.text, question))[0].split())
    rendered = prompt.render(sentence=sentence, question=question, abstain=ABSTAIN)
    stream = model.stream(
        [Message(role="user", content=rendered)], max_tokens=max_tokens, stop=list(prompt.stop)
    )
    for delta in stream:
        if result.timings.first_token_ms is None:
            result.timings.first_token_ms = (time.perf_counter() - started) * 1000
        if on_delta:
            on_delta(delta)
    result.model_text = stream.text.strip()
    result.usage = stream.usage or Usage()
    reply = MARKER.sub("", result.model_text).strip().strip("\"'“”‘’").rstrip(".,;").strip()
    problem = _span_problem(reply, cand.text, question)
    if problem is None:
        at = cand.text.find(reply)
        if at >= 0 and reply[:1].isupper():  # 'Rousseau' -> 'Jean-Jacques Rousseau'
            whole = whole_name(Phrase(reply, at, at + len(reply)), cand.text).text
            if not _words(whole.replace(reply, " ")) & _words(question):  # not 'Kimi K2 AI'
                reply = whole
        _set(result, reply, cand, "model")
        return
    result.flags.append(f"model reply not used: {problem}")
    _set(result, cand.text, cand, "extractive")


# a clause joined on: not one that goes on about the same subject ('..., but it was closed')
_JOINED_CLAUSE = re.compile(
    r"(?:;\s|,\s(?:and|but|while|whereas|whilst)\s)(?!(?:it|he|she|they|this|its|his|her|their)\b)",
    re.I,
)


def _focus(sentence: str, question: str) -> str:
    """The clause of a sentence of joined clauses that holds the most of the question's
    words, when one holds more than every other ('The testes release testosterone, and the
    ovaries dispense estrogen': the model copies from the clause the question is about)."""
    joins = list(_JOINED_CLAUSE.finditer(sentence))
    if not joins:
        return sentence
    starts = [0, *(m.end() for m in joins)]
    ends = [*(m.start() for m in joins), len(sentence)]
    clauses = [sentence[a:b].strip(" ,;") for a, b in zip(starts, ends, strict=True)]
    asked = content_terms(question)
    held = [len(asked & content_terms(c)) for c in clauses]
    best = max(held)
    if best == 0 or held.count(best) > 1:
        return sentence
    return clauses[held.index(best)]


def _span_problem(reply: str, sentence: str, question: str) -> str | None:
    if not reply:
        return "empty"
    if _says_abstain(reply):
        return "it found no answer in the sentence"
    if _flat(reply) not in _flat(sentence):
        return "not a phrase of the sentence"
    if content_terms(reply) and content_terms(reply) <= content_terms(question):
        return "it repeats the question"
    first = re.match(r"(?:(?:the|a|an)\s+)?([A-Z][\w'’-]*)", reply)
    if first and re.search(rf"(?<!\w){re.escape(first.group(1))}(?!\w)", question[1:]):
        return "it starts with the question's own subject"
    if len(reply.split()) > MAX_SPAN_WORDS:
        return f"longer than {MAX_SPAN_WORDS} words"
    return None


MAX_SPAN_WORDS = 12


def _flat(text: str) -> str:
    text = text.lower().translate(str.maketrans("“”‘’–—", "\"\"''--"))
    return " ".join(re.findall(r"[\w$%.,'-]+", text))


def _check(result: Answer) -> None:
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


def _says_abstain(reply: str) -> bool:
    """The sentinel, or a variant of it ("The article does not say [2]")."""
    return ABSTAIN.lower().rstrip(".") in reply.lower() or bool(_ABSTAINS.search(reply))
