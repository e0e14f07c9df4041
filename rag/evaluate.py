"""Eval metrics. Deterministic; formulas in evals/README.md."""

from __future__ import annotations

import re
import statistics
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from rag.evalset import GoldQA
from rag.retrieve import Mode, Retriever
from rag.types import Hit

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
