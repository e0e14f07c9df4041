"""Eval metrics. Deterministic; formulas in evals/README.md."""

from __future__ import annotations

import re
import statistics
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ValidationError

from rag.answer import Answer
from rag.brief import Brief, MarketMove
from rag.evalset import GoldBrief, GoldMove, GoldQA
from rag.extract import quote_in
from rag.numbers import NUMBER, canonical, numbers_in
from rag.retrieve import Mode, Retriever
from rag.types import Hit

_MARKERS = re.compile(r"\s*\[(\d+)\]")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "—": "-", "–": "-"})


def normalise(text: str) -> str:
    """Lower-case, unify quote marks and dashes, collapse whitespace (for containment)."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    return re.sub(r"\s+", " ", text).strip()


def contains_evidence(hit: Hit, item: GoldQA) -> bool:
    """The hit holds one of the item's gold sentences, from one of its articles."""
    if item.articles and Path(hit.source.split("#", 1)[0]).name not in item.articles:
        return False
    text = normalise(hit.text)
    return any(normalise(sentence) in text for sentence in item.evidence)


def retrieval_query(item: GoldQA, by_id: dict[str, GoldQA]) -> str:
    """A follow-up is searched together with the question it follows (a fixed, simple
    stand-in for conversational rewriting, so retrieval figures do not depend on a model)."""
    if item.follow_up_of and item.follow_up_of in by_id:
        return f"{by_id[item.follow_up_of].question} {item.question}"
    return item.question


class RetrievalItem(BaseModel):
    id: str
    type: str
    query: str
    rank: int | None  # 1-based rank of the first hit holding gold evidence; None if not in top k
    latency_ms: float


class RetrievalResult(BaseModel):
    mode: str
    k: int
    items: list[RetrievalItem]
    hit_at_1: float
    hit_at_5: float
    mrr: float
    latency_p50_ms: float
    latency_p95_ms: float


def evaluate_retrieval(
    items: Sequence[GoldQA], retriever: Retriever, mode: Mode = "hybrid", k: int = 5
) -> RetrievalResult:
    """hit@1, hit@5 and MRR@k over answerable items (a hit = a retrieved chunk holding a
    gold sentence), plus per-query latency."""
    by_id = {item.id: item for item in items}
    rows: list[RetrievalItem] = []
    for item in items:
        if not item.answerable:
            continue
        query = retrieval_query(item, by_id)
        started = time.perf_counter()
        hits = retriever.search(query, k=k, mode=mode)
        elapsed = (time.perf_counter() - started) * 1000
        rank = next((i for i, hit in enumerate(hits, 1) if contains_evidence(hit, item)), None)
        rows.append(
            RetrievalItem(id=item.id, type=item.type, query=query, rank=rank, latency_ms=elapsed)
        )
    n = max(len(rows), 1)
    latencies = sorted(r.latency_ms for r in rows) or [0.0]
    return RetrievalResult(
        mode=mode,
        k=k,
        items=rows,
        hit_at_1=sum(r.rank == 1 for r in rows) / n,
        hit_at_5=sum(r.rank is not None and r.rank <= 5 for r in rows) / n,
        mrr=sum(1 / r.rank for r in rows if r.rank) / n,
        latency_p50_ms=statistics.median(latencies),
        latency_p95_ms=percentile(latencies, 95),
    )


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), round(pct / 100 * len(sorted_values) + 0.5)))
    return float(sorted_values[rank - 1])


# --- answers -------------------------------------------------------------------------------

_TOKEN = re.compile(r"[a-z0-9$%.\-]+")


def tokens(text: str) -> list[str]:
    return [t.strip(".") for t in _TOKEN.findall(normalise(text)) if t.strip(".")]


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD-style token F1 after normalisation."""
    pred, ref = tokens(prediction), tokens(reference)
    if not pred or not ref:
        return float(pred == ref)
    common = sum(min(pred.count(t), ref.count(t)) for t in set(pred))
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def answer_scores(item: GoldQA, answer: Answer) -> dict[str, float | None]:
    """Per-item answer metrics (None = not applicable to this item). Formulas in
    evals/README.md."""
    text = _MARKERS.sub("", answer.text)
    scores: dict[str, float | None] = {}
    if not item.answerable:
        scores["correct"] = float(answer.abstained)
        scores["token_f1"] = None
        scores["numeric_match"] = None
    else:
        refs = [item.answer or "", *item.variants]
        scores["correct"] = float(
            not answer.abstained and any(normalise(r) in normalise(text) for r in refs)
        )
        scores["token_f1"] = 0.0 if answer.abstained else max(token_f1(text, r) for r in refs)
        wanted = set(numbers_in(item.answer or ""))
        scores["numeric_match"] = (
            float(not answer.abstained and wanted <= set(numbers_in(text))) if wanted else None
        )
    raw_markers = [int(n) for n in _MARKERS.findall(answer.model_text)]
    given = {c.n for c in answer.citations}
    scores["citation_validity"] = (
        sum(n in given for n in raw_markers) / len(raw_markers) if raw_markers else None
    )
    cited = [c for c in answer.citations if c.n in answer.cited]
    if item.answerable and not answer.abstained and cited:
        scores["citation_support"] = float(
            any(normalise(s) in normalise(c.text) for c in cited for s in item.evidence)
        )
    else:
        scores["citation_support"] = None
    shown = numbers_in(text)
    if shown and not answer.abstained:
        held = set(numbers_in(" ".join(c.text for c in (cited or answer.citations))))
        scores["groundedness"] = sum(n in held for n in shown) / len(shown)
    else:
        scores["groundedness"] = None
    scores["abstained"] = float(answer.abstained)
    scores["answerable"] = float(item.answerable)
    scores["latency_ms"] = answer.timings.total_ms
    scores["first_token_ms"] = answer.timings.first_token_ms
    scores["tokens"] = float(answer.usage.prompt_tokens + answer.usage.completion_tokens)
    return scores


def abstention_pr(rows: Sequence[dict[str, float | None]]) -> tuple[float | None, float | None]:
    """Precision: of the abstentions, the share on unanswerable items. Recall: of the
    unanswerable items, the share abstained on."""
    abstained = [r for r in rows if r.get("abstained")]
    unanswerable = [r for r in rows if r.get("answerable") == 0.0]
    precision = (
        sum(r.get("answerable") == 0.0 for r in abstained) / len(abstained) if abstained else None
    )
    recall = (
        sum(bool(r.get("abstained")) for r in unanswerable) / len(unanswerable)
        if unanswerable
        else None
    )
    return precision, recall


# --- briefs --------------------------------------------------------------------------------


BRIEF_METRICS = (
    "schema_valid", "fact_recall", "entity_recall", "ticker_accuracy", "move_recall",
    "numeric_precision", "quote_validity", "forbidden_rate",
)  # fmt: skip


def brief_text(brief: Brief) -> str:
    """Everything a reader sees in a brief, as one text."""
    parts = [brief.one_line, brief.summary, brief.sentiment.reason, *brief.what_to_watch]
    parts += [f"{kp.point} {kp.quote}" for kp in brief.key_points]
    parts += [f"{f.value} {f.measures}" for f in brief.figures]
    parts += [f"{m.who} {m.move_pct}% {m.when or ''}" for m in brief.market_moves]
    return "\n".join(parts)


def _same_move(move: MarketMove, gold: GoldMove) -> bool:
    return (
        gold.who.lower() in move.who.lower()
        and abs(move.move_pct - gold.pct) < 0.005
        and move.kind == gold.kind
    )


def brief_scores(
    gold: GoldBrief, brief: Brief | None, article_text: str
) -> dict[str, float | None]:
    """Per-article brief metrics; a brief that failed to generate scores 0 on validity and
    recall and None elsewhere."""
    if brief is None:
        failed: dict[str, float | None] = dict.fromkeys(BRIEF_METRICS, None)
        failed.update(schema_valid=0.0, fact_recall=0.0, entity_recall=0.0, move_recall=0.0)
        return failed
    try:
        Brief.model_validate(brief.model_dump())
        valid = 1.0
    except ValidationError:
        valid = 0.0
    text = normalise(brief_text(brief))
    found = [all(normalise(s) in text for s in f.must_contain) for f in gold.facts]
    names = {e.name.lower(): e for e in brief.entities}
    entity_hits = [any(g.lower() == n or g.lower() in n for n in names) for g in gold.entities]
    ticker_hits = [
        any(e.ticker == ticker and name.lower() in n for n, e in names.items())
        for name, ticker in gold.tickers.items()
    ]
    shown = [m.group() for m in NUMBER.finditer(brief_text(brief))]
    known = set(numbers_in(article_text))
    quotes = [kp.quote for kp in brief.key_points] + [m.quote for m in brief.market_moves]
    violated = [
        any(_same_move(m, claim.move) for m in brief.market_moves)
        if claim.move is not None
        else bool(re.search(claim.pattern or "", brief_text(brief), re.IGNORECASE))
        for claim in gold.forbidden
    ]
    return {
        "schema_valid": valid,
        "fact_recall": sum(found) / len(found),
        "entity_recall": sum(entity_hits) / len(entity_hits) if entity_hits else None,
        "ticker_accuracy": sum(ticker_hits) / len(ticker_hits) if ticker_hits else None,
        "move_recall": (
            sum(any(_same_move(m, g) for m in brief.market_moves) for g in gold.moves)
            / len(gold.moves)
            if gold.moves
            else None
        ),
        "numeric_precision": (
            sum(canonical(n) in known for n in shown) / len(shown) if shown else None
        ),
        "quote_validity": sum(quote_in(q, article_text) for q in quotes) / len(quotes)
        if quotes
        else None,
        "forbidden_rate": sum(violated) / len(violated) if violated else None,
    }
