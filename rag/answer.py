"""Grounded answers: retrieve, ask the model for a short cited phrase, check it, fall back.

Designed for a tiny model: the passages are short sentence windows around the best
matching sentence of each hit; the model is asked for a short phrase with [n] markers; code
then removes invalid markers, checks every number and word against the passages, and, when
the model's answer fails, answers with the best supporting sentence instead. Weak retrieval
support or a model that says so gives the fixed abstention sentence.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Sequence
from typing import Literal

from pydantic import BaseModel, Field

from rag.catalog import Catalog
from rag.chunking import split_sentences
from rag.guard import flagged_spans, injection_reason, redact
from rag.lexical import terms
from rag.llm import ChatModel, Message, Usage
from rag.numbers import NUMBER, unsupported_numbers
from rag.prompts import ABSTAIN, Prompt, load_prompt
from rag.retrieve import Filters, Retriever
from rag.textsafe import neutralise_links
from rag.types import Hit

# Words that say what kind of answer is wanted, not what it is about.
_QUESTION_WORDS_TEXT = """
what which who whom whose when where why how much many did does do according article
articles name named give given tell say said kind shown next mentioned called figure
percentage symbol number amount ticker
"""
_QUESTION_WORDS = frozenset(_QUESTION_WORDS_TEXT.split())
_MARKER = re.compile(r"\s*\[(\d+)\]")
_FOLLOW_UP = re.compile(
    r"^(and|but|also|so|what about|how about)\b|\b(it|its|they|them|their|that|this|those|"
    r"he|she|his|her)\b",
    re.I,
)

# Below this IDF-weighted share of the question's content terms found in the passage
# windows, the articles are taken not to answer. When the model's own reply fails the
# checks (or it says the passages do not answer), the best supporting sentence replaces it
# only when support is at least STRONG_SUPPORT; otherwise the tool abstains. Both were
# chosen by measurement on evals/qa_seeds.jsonl.
MIN_SUPPORT = 0.5
STRONG_SUPPORT = 0.65


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


class Timings(BaseModel):
    retrieve_ms: float = 0.0
    first_token_ms: float | None = None
    total_ms: float = 0.0


class Answer(BaseModel):
    question: str
    query: str = Field(description="The standalone query used for retrieval.")
    text: str = Field(description="The checked answer, with [n] markers.")
    abstained: bool
    method: Literal["model", "extractive", "abstain"] = Field(
        description="model: the model's phrase passed the checks; extractive: the best "
        "supporting sentence replaced it; abstain: the articles do not say."
    )
    evidence: str | None = Field(None, description="The supporting sentence, verbatim.")
    evidence_n: int | None = Field(None, description="The passage the evidence comes from.")
    citations: list[Citation] = Field(description="Numbered passages given to the model.")
    cited: list[int] = Field(default_factory=list, description="Valid markers in the answer.")
    flags: list[str] = Field(default_factory=list, description="What the checks found.")
    model_text: str = Field("", description="The model's raw reply.")
    model: str
    usage: Usage = Field(default_factory=Usage)
    timings: Timings = Field(default_factory=Timings)


def stem(term: str) -> str:
    """A light suffix strip so 'rallied'/'rally', 'shares'/'share', 'surged'/'surge' meet."""
    if len(term) <= 3 or not term.isalpha():
        return term
    if term.endswith(("ies", "ied")):
        term = term[:-3] + "y"
    elif term.endswith("ing") and len(term) > 5:
        term = term[:-3]
    elif term.endswith("ed"):
        term = term[:-2]
    elif term.endswith("s") and not term.endswith("ss"):
        term = term[:-1]
    return term[:-1] if term.endswith("e") else term


def content_terms(text: str) -> set[str]:
    return {stem(t) for t in terms(text) if t not in _QUESTION_WORDS}


def standalone_query(question: str, history: Sequence[str] = ()) -> str:
    """A follow-up ("And how much did it rise?") is searched with the question before it.
    Deterministic on purpose: a 270M model rewrites worse than concatenation retrieves."""
    if history and _FOLLOW_UP.search(question) and len(content_terms(question)) <= 4:
        return f"{history[-1]} {question}"
    return question


def term_weights(query: str, catalog: Catalog) -> dict[str, float]:
    """IDF weight per query content term (by stem). A term no article contains weighs most:
    a question about something the articles never mention should not look answered."""
    total = catalog.counts()["chunks"]
    weights: dict[str, float] = {}
    for term in terms(query):
        if term in _QUESTION_WORDS:
            continue
        df = catalog.doc_freq(term)
        weights[stem(term)] = max(weights.get(stem(term), 0.0), math.log((total + 1) / (df + 0.5)))
    return weights


def _window(hit: Hit, weights: dict[str, float], radius: int = 1) -> tuple[Hit, float]:
    """The best matching sentence of a hit with `radius` sentences either side, and the
    IDF-weighted share of the query's terms that window holds."""
    query_terms = set(weights)
    spans = split_sentences(hit.text)
    if not spans:
        return hit, 0.0
    scores = [
        sum(weights[t] for t in query_terms & content_terms(hit.text[s.start : s.end]))
        for s in spans
    ]
    best = max(range(len(spans)), key=lambda i: (scores[i], -i))
    first, last = max(0, best - radius), min(len(spans) - 1, best + radius)
    start, end = spans[first].start, spans[last].end
    window = hit.model_copy(
        update={"start": hit.start + start, "end": hit.start + end, "text": hit.text[start:end]}
    )
    covered = query_terms & content_terms(window.text)
    total = sum(weights.values())
    return window, (sum(weights[t] for t in covered) / total) if total else 0.0


def best_sentence(
    passages: Sequence[Citation], wanted: set[str], need_number: bool = False
) -> tuple[str, int] | None:
    """The sentence sharing most terms with `wanted` (ties: earlier passage, earlier sentence);
    with `need_number`, a sentence holding a number beats any without."""
    best: tuple[float, str, int] | None = None
    for citation in passages:
        for span in split_sentences(citation.text):
            sentence = citation.text[span.start : span.end]
            if injection_reason(sentence):
                continue  # never quote an instruction planted in an article
            score: float = len(wanted & content_terms(sentence))
            if need_number and score and NUMBER.search(sentence):
                score += 1.5  # about one more shared term
            if best is None or score > best[0]:
                best = (score, sentence, citation.n)
    if best is None or best[0] == 0:
        return None
    return best[1], best[2]


def answer_question(
    question: str,
    *,
    retriever: Retriever,
    model: ChatModel,
    k: int = 3,
    history: Sequence[str] = (),
    filters: Filters | None = None,
    prompt: Prompt | None = None,
    on_delta: Callable[[str], None] | None = None,
    max_tokens: int = 48,
) -> Answer:
    started = time.perf_counter()
    prompt = prompt or load_prompt("answer")
    query = standalone_query(question, history)
    query_terms = content_terms(query)
    hits = retriever.search(query, k=k, filters=filters)
    weights = term_weights(query, retriever.store.catalog)
    windows = [_window(hit, weights) for hit in hits]
    retrieve_ms = (time.perf_counter() - started) * 1000
    citations = [
        Citation(n=n, **w.model_dump(include=set(Citation.model_fields) - {"n"}))
        for n, (w, _) in enumerate(windows, start=1)
    ]
    # Support over all windows together: a cross-article question is answered by two.
    covered = set(weights) & content_terms(" ".join(w.text for w, _ in windows))
    support = sum(weights[t] for t in covered) / (sum(weights.values()) or 1.0)
    result = Answer(
        question=question,
        query=query,
        text=ABSTAIN,
        abstained=True,
        method="abstain",
        citations=citations,
        model=model.name,
        timings=Timings(retrieve_ms=retrieve_ms),
    )
    if not citations or support < MIN_SUPPORT:
        result.flags.append(f"weak retrieval support ({support:.2f} < {MIN_SUPPORT})")
        result.timings.total_ms = (time.perf_counter() - started) * 1000
        return result

    shown_passages = []
    for c in citations:  # sentences addressed to the model are data it never sees
        text, reasons = redact(c.text)
        if reasons:
            result.flags.append(f"withheld from the prompt: text in [{c.n}] that {reasons[0]}")
        shown_passages.append(f"[{c.n}] {' '.join(text.split())}")
    passages = "\n".join(shown_passages)
    shown_question = question if query == question else f"{query}"
    rendered = prompt.render(passages=passages, question=shown_question, abstain=ABSTAIN)
    stream = model.stream(
        [Message(role="user", content=rendered)], max_tokens=max_tokens, stop=list(prompt.stop)
    )
    first_token: float | None = None
    for delta in stream:
        if first_token is None:
            first_token = (time.perf_counter() - started) * 1000
        if on_delta:
            on_delta(delta)
    result.model_text = stream.text.strip()
    result.usage = stream.usage or Usage()
    result.timings.first_token_ms = first_token
    check(result, query_terms, strong=support >= STRONG_SUPPORT)
    cited_text = " ".join(c.text for c in result.citations if c.n in result.cited)
    shown = neutralise_links(result.text, cited_text)
    if shown != result.text:
        result.flags.append("removed links and images that the cited passages do not hold")
        result.text = shown
    result.timings.total_ms = (time.perf_counter() - started) * 1000
    return result


def check(result: Answer, query_terms: set[str], strong: bool = True) -> None:
    """Validate the model's reply in place: markers, numbers, support. A failed reply gives
    way to the best supporting sentence when retrieval support is strong, else abstention."""
    reply = result.model_text
    by_n = {c.n: c for c in result.citations}
    if not reply or _says_abstain(reply):
        result.flags.append("the model found no answer in the passages")
        if strong:
            _extractive(result, query_terms)
        return
    markers = [int(m) for m in _MARKER.findall(reply)]
    invalid = sorted({n for n in markers if n not in by_n})
    if invalid:
        result.flags.append(f"removed invalid citation markers {invalid}")
    body = _MARKER.sub("", reply).strip().rstrip(".").strip()
    cited = sorted({n for n in markers if n in by_n})

    problems: list[str] = []
    if not body:
        problems.append("empty answer")
    raw_text = " ".join(c.text for c in result.citations)
    all_text = redact(raw_text)[0]  # planted instructions support nothing
    missing_numbers = unsupported_numbers(body, all_text)
    if missing_numbers:
        problems.append(f"numbers not in any passage: {', '.join(missing_numbers)}")
    body_terms = content_terms(body)
    if _QUANTITY.search(result.question) and not NUMBER.search(body):
        problems.append("the question asks for an amount and the reply has no number")
    if body_terms and body_terms <= query_terms and "?" in body:
        problems.append("the reply repeats the question")
    planted = content_terms(" ".join(_flagged(raw_text)))
    echoed = (body_terms & planted) - content_terms(all_text) - query_terms
    if echoed:
        problems.append(f"repeats text addressed to an AI: {', '.join(sorted(echoed)[:3])}")
    unsupported_terms = body_terms - content_terms(all_text)
    if body_terms and len(unsupported_terms) > len(body_terms) / 2:
        problems.append(f"words not in the passages: {', '.join(sorted(unsupported_terms)[:5])}")
    if not problems and not cited:
        holder = best_sentence(result.citations, body_terms | set())
        if holder is not None:
            cited = [holder[1]]
            result.flags.append(f"added citation [{holder[1]}] (the model gave none)")
        else:
            problems.append("no passage supports the answer")
    if not problems:
        cited_text = " ".join(by_n[n].text for n in cited)
        stray = unsupported_numbers(body, cited_text)
        if stray:
            holders = [c.n for c in result.citations if not unsupported_numbers(body, c.text)]
            if holders:
                result.flags.append(
                    f"cited [{holders[0]}] instead of {''.join(f'[{n}]' for n in cited)}: "
                    f"{', '.join(stray)} is in that passage"
                )
                cited = holders[:1]
            else:
                result.flags.append(f"numbers not in the cited passage: {', '.join(stray)}")
        evidence = best_sentence([by_n[n] for n in cited], query_terms | body_terms)
        result.text = f"{body} " + "".join(f"[{n}]" for n in cited)
        result.cited = cited
        result.method = "model"
        result.abstained = False
        if evidence:
            result.evidence, result.evidence_n = evidence
        return
    result.flags.append("model answer failed the checks: " + "; ".join(problems))
    if strong:
        _extractive(result, query_terms)


def _flagged(text: str) -> list[str]:
    return [text[a:b] for a, b, _ in flagged_spans(text)]


def _extractive(result: Answer, query_terms: set[str]) -> None:
    need_number = bool(_QUANTITY.search(result.question))
    fallback = best_sentence(result.citations, query_terms, need_number)
    if fallback is None:
        return
    sentence, n = fallback
    result.text = f"{sentence} [{n}]"
    result.cited = [n]
    result.evidence, result.evidence_n = sentence, n
    result.method = "extractive"
    result.abstained = False


_QUANTITY = re.compile(r"\b(?:how (?:many|much)|what (?:percentage|share|proportion))\b", re.I)
_ABSTAINS = re.compile(
    r"\b(?:do|does|did)(?: not|n't) (?:say|answer|mention|state|cover)\b|\bno answer\b", re.I
)


def _says_abstain(reply: str) -> bool:
    """The sentinel, or a variant of it ("The article does not say [2]")."""
    return ABSTAIN.lower().rstrip(".") in reply.lower() or bool(_ABSTAINS.search(reply))
