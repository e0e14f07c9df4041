"""Retrieval: dense (Chroma) and lexical (FTS5 bm25) candidates fused by Reciprocal Rank Fusion."""

from __future__ import annotations

from typing import Literal

from rag.embed import Embedder
from rag.lexical import match_query
from rag.store import Store
from rag.types import Hit

Mode = Literal["dense", "lexical", "hybrid"]
RRF_K = 60


class Retriever:
    """What answer, brief and eval code call: (query, k) -> hits, best first."""

    def __init__(self, store: Store, embedder: Embedder, candidates: int = 40) -> None:
        self.store = store
        self.embedder = embedder
        self.candidates = candidates

    def search(self, query: str, k: int = 5, mode: Mode = "hybrid") -> list[Hit]:
        n = max(self.candidates, k)
        dense = self._dense(query, n) if mode in ("dense", "hybrid") else []
        lexical = self._lexical(query, n) if mode in ("lexical", "hybrid") else []
        if mode == "dense":
            ranked = dense
        elif mode == "lexical":
            ranked = lexical
        else:
            ranked = _fuse(dense, lexical)
        return ranked[:k]

    def _dense(self, query: str, n: int) -> list[Hit]:
        vector = self.embedder.embed([query])[0]
        scored = self.store.dense_search(vector, n)
        rows = self.store.catalog.hits_by_ids(cid for cid, _ in scored)
        hits = []
        for rank, (cid, score) in enumerate(scored, start=1):
            if cid in rows:  # a vector without a catalog row is ignored (see `rag doctor`)
                hits.append(_hit(rows[cid], score, dense_rank=rank))
        return hits

    def _lexical(self, query: str, n: int) -> list[Hit]:
        match = match_query(query)
        if match is None:
            return []
        found = self.store.catalog.lexical_search(match, n)
        return [
            _hit(row, score, lexical_rank=rank) for rank, (row, score) in enumerate(found, start=1)
        ]


def _hit(row: tuple, score: float, **ranks: int) -> Hit:
    chunk_id, article_id, title, date, source, text, start, end = row
    return Hit(
        chunk_id=chunk_id,
        article_id=article_id,
        title=title,
        date=date,
        source=source,
        text=text,
        start=start,
        end=end,
        score=score,
        **ranks,
    )


def _fuse(dense: list[Hit], lexical: list[Hit]) -> list[Hit]:
    """Reciprocal Rank Fusion: score = sum over lists of 1 / (RRF_K + rank)."""
    fused: dict[str, Hit] = {}
    for hits, field in ((dense, "dense_rank"), (lexical, "lexical_rank")):
        for rank, hit in enumerate(hits, start=1):
            entry = fused.get(hit.chunk_id)
            if entry is None:
                entry = hit.model_copy(update={"score": 0.0})
                fused[hit.chunk_id] = entry
            setattr(entry, field, rank)
            entry.score += 1.0 / (RRF_K + rank)
    return sorted(fused.values(), key=lambda h: h.score, reverse=True)
