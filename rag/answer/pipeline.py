"""Grounded answers: the short phrase that answers, from the sentence that answers, cited.

Designed for a tiny model, so the code and a small learned reader carry the quality:
1. every sentence of the retrieved passages is scored for the question (its share of the
   question's IDF-weighted terms, its dense similarity, whether it holds a phrase of the kind
   the question asks for; titles last);
2. the learned reader (rag.answer.read) reads the best sentences and gives the span that
   answers, or none; yes/no questions are read by rag.answer.yesno, summaries and causes by
   rule from the best sentences;
3. every figure must be in the sentence with the same unit and currency; the sentence is
   shown apart as evidence. When the passages or the best sentence hold too little of the
   question, the answer is exactly the abstention sentence.

A model that reads (ChatModel.reads_passages) answers from the passages itself, checked by
code (rag.answer.reading)."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from functools import partial

from rag.answer.checks import (
    WHEN_WORDS,
    check_answer,
    context_of,
    figure_problem,
    fitting_sentences,
    unanswered,
)
from rag.answer.choose import Candidate, add_dense, candidates, set_answer, term_weights
from rag.answer.conflicts import Conflict, Said, across, against_copies, sentences_of
from rag.answer.followup import other_named, with_name
from rag.answer.kinds import named_in, names_all
from rag.answer.phrases import typed_phrase
from rag.answer.read import AnswerReader, read_answer
from rag.answer.reading import read_with_model
from rag.answer.spans import Phrase, question_kind, reason
from rag.answer.types import Answer, Citation
from rag.answer.when import TimeScope, mentions_time, read_time, said_in, weekdays_in
from rag.answer.yesno import answer_yes_no
from rag.core.numbers import numbers_in
from rag.core.prompts import ABSTAIN
from rag.core.text import MARKER, content_terms
from rag.core.types import Hit
from rag.index.retrieve import Filters, Retriever
from rag.index.store import Store
from rag.llm import ChatModel

_FOLLOW_UP = re.compile(
    r"^(and|but|also|so|what about|how about)\b|\b(it|its|they|them|their|that|this|those|"
    r"he|she|his|her)\b",
    re.I,
)


# An instruction opening a question that asks for an overview ('Compare', 'Tell me about')
_INSTRUCTION = re.compile(
    r"^\s*(?:please\s+|can you\s+)?(?:compare|contrast|describe|explain|summari[sz]e|"
    r"tell me (?:more )?about|what do (?:we|you|the articles) know about|"
    r"give (?:me )?(?:an overview|the gist|a summary) of|"
    r"what(?:'s| is| are) the differences? between)\s+",
    re.I,
)


# Below this IDF-weighted share of the question's content terms found in the passages, the
# articles are taken not to answer (a term no article holds weighs most).
MIN_SUPPORT = 0.4


def standalone_query(
    question: str, history: Sequence[str] = (), previous: Answer | None = None
) -> tuple[str, str | None]:
    """The query searched, and how the question was read when it points at something else.
    A follow-up ("And how much did it rise?") is searched with the question before it;
    "What about the other company?" asks the question before of the name the last answer's
    passages use most besides the one asked about (rag.answer.followup). Deterministic on
    purpose: a 270M model rewrites worse than concatenation retrieves."""
    if previous is not None:
        cited = sorted(previous.citations, key=lambda c: c.n not in previous.cited)
        other = other_named(
            question, history[-1] if history else previous.query,
            [c.text for c in cited], previous.text,
        )  # fmt: skip
        if other:
            return other[1], f"{other[1]} ('the other' taken as {other[0]})"
    if history and _FOLLOW_UP.search(question) and len(content_terms(question)) <= 4:
        return f"{history[-1]} {question}", None
    return _INSTRUCTION.sub("", question) or question, None  # 'Explain X': X is looked for


# What the reader answers; yes/no, summaries and causes keep their own steps.
READER_KINDS = frozenset({"quantity", "date", "person", "other"})


def answer_question(
    question: str,
    *,
    retriever: Retriever,
    model: ChatModel,
    reader: AnswerReader,
    k: int = 5,
    history: Sequence[str] = (),
    filters: Filters | None = None,
    as_of: date | None = None,
    read_dates: bool = True,
    previous: Answer | None = None,
) -> Answer:
    """Retrieve, choose the sentence that answers, take the span that answers from it (the
    learned reader, or a rule for yes/no, summaries and causes), check it, or abstain. A
    model that reads (model.reads_passages) answers from the passages with quotes that code
    checks (rag.answer.reading); a reply failing the checks twice leaves it to the steps
    above, flagged. A time expression in the question narrows or orders the articles by date
    (rag.answer.when) unless `read_dates` is off or the filters give dates. `previous`: the
    last answer, for 'the other company' (rag.answer.followup)."""
    started = time.perf_counter()
    if not history and not content_terms(question):  # 'And why?' with nothing before it
        return _nothing_asked(question, model.name, started)
    query, read_as = standalone_query(question, history, previous)
    kind = question_kind(question)
    scope, given = None, filters
    if read_dates:
        filters, query, scope = dated_query(query, retriever.store, filters, as_of)
    weights = term_weights(query, retriever.store)
    hits, scope = _searched(query, weights, scope, retriever, filters, given, k)
    citations = [Citation.of(n, hit.model_dump()) for n, hit in enumerate(hits, start=1)]
    result = Answer(question=question, query=query, text=ABSTAIN, abstained=True, kind=kind,
                    method="abstain", citations=citations, model=model.name, read_as=read_as,
                    time_scope=scope.describe() if scope else None)  # fmt: skip
    if model.reads_passages and _read_by_model(
        result, model, scope, retriever, filters, k, history
    ):
        return _done(result, started, started)
    if _settled_before_reading(result, scope, weights, retriever, filters, k):
        return _done(result, started, started)
    cands = candidates(citations, query, weights, kind)
    add_dense(cands, query, retriever.embedder)
    retrieved = time.perf_counter()
    ranked = sorted(cands, key=lambda c: c.score, reverse=True)
    if kind in READER_KINDS or kind == "yesno":
        why_not = _read(result, reader, weights, ranked, history)
        return _finish(result, why_not, retriever.store, started, retrieved)
    fitting, why_not = fitting_sentences(result.query, weights, ranked, result.citations)
    if not why_not:
        ranked = fitting + [c for c in ranked if c not in fitting]
        if kind == "summary":
            _answer_summary(result, ranked)
        else:
            why_not = _answer_reason(result, ranked, fitting, weights)
    return _finish(result, why_not, retriever.store, started, retrieved)


def _read(
    result: Answer,
    reader: AnswerReader,
    weights: dict[str, float],
    ranked: list[Candidate],
    history: Sequence[str],
) -> str | None:
    """A yes or a no (rag.answer.yesno), or the learned reader's answer (rag.answer.read)
    with the rules' second opinion. A follow-up is searched with the question before it but
    read as asked: given both, the reader answers the earlier one ('Where were the engines
    installed? And when will they be tested?' -> the place), its 'he' or 'she' read as the
    one name of the question before (rag.answer.followup.with_name); the rules, which read
    both, give no second opinion on it."""
    if result.kind == "yesno":
        return answer_yes_no(result, weights, ranked, reader)
    query = result.query
    asked = query.removeprefix(f"{history[-1]} ") if history else query
    if asked != query:  # 'What does he want?' after 'Who is Keith Gambill?'
        asked = with_name(asked, history[-1])
    second = partial(_rules_choice, result, weights, ranked) if asked == query else None
    return read_answer(result, ranked, reader, second, asked)


def _searched(
    query: str,
    weights: dict[str, float],
    scope: TimeScope | None,
    retriever: Retriever,
    filters: Filters | None,
    given: Filters | None,
    k: int,
) -> tuple[list[Hit], TimeScope | None]:
    """The passages searched, and the time scope they answer for. When no article dated in
    the asked period holds the question ('Which states had teacher protests last year?' of
    an archive whose last year has other news), passages of any date that say the period of
    their own article's date ('Other teacher protests were held last year', 2019-11-19)
    answer, and the scope says so."""
    hits = retriever.search(query, k=k, filters=filters)
    if not scope or scope.kind != "filter" or not content_terms(query) - _NEWS_WORDS:
        return hits, scope
    if hits and _support(weights, [h.text for h in hits]) >= MIN_SUPPORT:
        return hits, scope
    wider = given.model_copy(update={"since": None, "until": None}) if given else None
    said = [
        h
        for h in retriever.search(query, k=SAID_WITHIN * k, filters=wider)
        if h.date and said_in(h.text, date.fromisoformat(h.date), scope.since, scope.until)
    ][:k]
    if not said or _support(weights, [h.text for h in said]) < MIN_SUPPORT:
        return hits, scope
    return said, replace(scope, kind="said")


SAID_WITHIN = 3  # passages searched, per passage answered, for those saying the asked period


def _support(weights: dict[str, float], texts: Sequence[str]) -> float:
    """The IDF-weighted share of the question's terms that the texts hold."""
    covered = set(weights) & content_terms(" ".join(texts))
    return sum(weights[t] for t in covered) / (sum(weights.values()) or 1.0)


def _nothing_asked(question: str, model_name: str, started: float) -> Answer:
    """A question that names nothing to look for, with no earlier question to follow."""
    why = (
        "nothing to follow up: ask the whole question (there is no earlier question)"
        if _FOLLOW_UP.search(question)
        else "the question names nothing to look for: ask about a company, person, figure or event"
    )
    result = Answer(
        question=question, query=question, text=ABSTAIN, abstained=True, method="abstain",
        kind=question_kind(question), citations=[], model=model_name, flags=[why],
    )  # fmt: skip
    return _done(result, started, started)


def _finish(
    result: Answer, why_not: str | None, store: Store, started: float, retrieved: float
) -> Answer:
    """The answer checked, or abstained with the reason flagged."""
    if why_not:
        result.flags.append(why_not)
        return _done(result, started, retrieved)
    return _checked(result, store, started, retrieved)


def _read_by_model(
    result: Answer,
    model: ChatModel,
    scope: TimeScope | None,
    retriever: Retriever,
    filters: Filters | None,
    k: int,
    history: Sequence[str],
) -> bool:
    """The reading path: whether the model's checked reply (or the dates) settled the
    answer; when the reply failed its checks, the flag says so and the default path goes
    on."""
    if _settled_by_dates(result, scope, retriever, filters, k):
        return True
    if not result.citations:
        return False
    failed = read_with_model(result, model, history)
    if failed is None:
        _date_evidence(result)
        return True
    result.flags.append(failed)
    return False


def _checked(result: Answer, store: Store, started: float, retrieved: float) -> Answer:
    """The answer's figures checked against its sentence, its dates read, other sources'
    figures noted."""
    check_answer(result)
    _date_evidence(result)
    _note_differences(result, store)
    return _done(result, started, retrieved)


def _settled_before_reading(
    result: Answer,
    scope: TimeScope | None,
    weights: dict[str, float],
    retriever: Retriever,
    filters: Filters | None,
    k: int,
) -> bool:
    """Whether the answer is settled before any sentence is read: no article in the asked
    period, a question that names only a period (its digest), or passages that hold too
    little of the question (flagged, abstained)."""
    if _settled_by_dates(result, scope, retriever, filters, k):
        return True
    support = _support(weights, [c.text for c in result.citations])
    if not result.citations or support < MIN_SUPPORT:
        result.flags.append(
            f"the passages found hold too little of the question ({support:.2f} < {MIN_SUPPORT}"
            " of its words): ask in the article's words, or ingest the article that answers it"
        )
        return True
    return False


def _settled_by_dates(
    result: Answer, scope: TimeScope | None, retriever: Retriever, filters: Filters | None, k: int
) -> bool:
    """No article in the asked period (flagged), or a question that names only a period
    (answered with its digest)."""
    if scope and scope.kind == "filter" and not result.citations:
        result.flags.append(f"no article matches: {scope.describe()}")
        return True
    if scope and scope.kind == "filter" and not content_terms(result.query) - _NEWS_WORDS:
        _answer_digest(result, retriever, filters, k)  # 'What happened last week?'
        return True
    return False


def dated_query(
    query: str, store: Store, filters: Filters | None, as_of: date | None
) -> tuple[Filters | None, str, TimeScope | None]:
    """(filters, query, scope) after reading the query's time expression (rag.answer.when): a
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


def _rules_choice(
    result: Answer, weights: dict[str, float], ranked: list[Candidate]
) -> Candidate | None:
    """The sentence the hand-written rules would answer from (no model asked), or None where
    they would abstain: the reader's second opinion (rag.answer.read)."""
    fitting, why_not = fitting_sentences(result.query, weights, ranked, result.citations)
    if why_not:
        return None
    ranked = fitting + [c for c in ranked if c not in fitting]
    if result.kind in ("quantity", "date", "person", "reason"):
        choice = _typed_choice(result, ranked, fitting, weights)
        return None if isinstance(choice, str) else choice[0]
    return fitting[0]


def _answer_reason(
    result: Answer, ranked: list[Candidate], fitting: list[Candidate], weights: dict[str, float]
) -> str | None:
    """A why question: the cause clause of the best sentence holding one, or of a sentence
    just after it, else the whole sentence. Why it cannot answer, or None."""
    choice = _typed_choice(result, ranked, fitting, weights)
    if isinstance(choice, str):
        return choice
    chosen, phrase = choice
    if phrase is not None:
        set_answer(result, phrase.text, chosen, "span")
    elif said_next := _cause_said_next(chosen, ranked, result.query):
        cause, where = said_next
        set_answer(result, cause.text, where, "span")
    else:
        set_answer(result, chosen.text, chosen, "extractive")
    return None


def _typed_choice(
    result: Answer,
    ranked: list[Candidate],
    fitting: list[Candidate],
    weights: dict[str, float],
) -> tuple[Candidate, Phrase | None] | str:
    """The sentence that answers a quantity, date, person or reason question and the phrase
    of that kind in it (None: no rule finds one); why none answers, as a string."""
    query, question, kind = result.query, result.question, result.kind
    # a sentence of the asked kind may stand in for the best, if it passes the same check
    # and itself says some of the question (not only the sentence before it)
    typed = [
        c
        for c in ranked[:3]
        if c.typed
        and (
            c in fitting
            or (c.lexical > 0 and unanswered(query, weights, c, result.citations) is None)
        )
    ]
    chosen = typed[0] if typed else fitting[0]
    phrase = typed_phrase(chosen.text, query, kind, content_terms(query), weights)  # type: ignore[arg-type]
    if kind == "quantity":
        # the first of the fitting sentences whose figure is of the kind asked
        why_not = None
        order = [c for i, c in enumerate([*typed, *fitting]) if c not in typed[:i]]
        # a later sentence stands in only if it names what the first names of the question
        first = content_terms(context_of(order[0], result.citations))
        named = {n for n in named_in(query) if names_all({n}, first)}
        asked = content_terms(query)
        for cand in order:
            phrase = typed_phrase(cand.text, query, kind, asked, weights)  # type: ignore[arg-type]
            why = figure_problem(phrase, cand, question, result.citations)
            if why is None and not names_all(
                named, content_terms(context_of(cand, result.citations))
            ):
                why = "a sentence with a figure of that kind is about something else"
            if why is None:
                chosen = cand
                break
            why_not = why_not or why
        else:
            return why_not or "no sentence has a figure of the kind asked"
    return chosen, phrase


CAUSE_WITHIN = 3  # sentences after the answering one where its cause may be given


def _cause_said_next(
    chosen: Candidate, ranked: list[Candidate], query: str
) -> tuple[Phrase, Candidate] | None:
    """The cause given in a sentence just after the answering one, about the same names, and
    that sentence: 'Alibaba rallied 8.1% on Tuesday. [...] Alibaba rose today after ...'."""
    named = {n for n in named_in(query) if not re.fullmatch(WHEN_WORDS, n, re.I)}  # 'today'
    after = sorted(
        (c for c in ranked if c.n == chosen.n and c.start > chosen.start), key=lambda c: c.start
    )[:CAUSE_WITHIN]
    for cand in after:
        cause = reason(cand.text)
        if cause is not None and names_all(named, content_terms(cand.text)):
            return cause, cand
    return None


def _done(result: Answer, started: float, retrieved: float) -> Answer:
    result.timings.retrieve_ms = (retrieved - started) * 1000
    result.timings.total_ms = (time.perf_counter() - started) * 1000
    return result


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
