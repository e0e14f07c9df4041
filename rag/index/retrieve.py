"""Retrieval: dense (Chroma) and lexical (FTS5 bm25) candidates fused by Reciprocal Rank Fusion."""

from __future__ import annotations

import math
import threading
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from rag.core.lexical import query_terms
from rag.core.types import Hit
from rag.index.catalog import HitRow
from rag.index.embed import Embedder
from rag.index.store import Store

Mode = Literal["dense", "lexical", "hybrid"]
# Weighted Reciprocal Rank Fusion. Measured on evals/qa_seeds.jsonl + retrieval_corpus.jsonl
# over the seeds and the 490-article corpus (15,886 chunks): equal weights gave hybrid hit@5
# 0.966 against lexical's 1.000; dense at half weight gives 1.000 (hit@1 0.672 -> 0.776).
RRF_K = 60
DENSE_WEIGHT = 0.5
LEXICAL_WEIGHT = 1.0

# With a filter that keeps a large share of the articles, both searches rank unfiltered and
# keep the allowed hits (Chroma's `where article_id $in [...]` took 310 ms at 100k vectors for
# ~1,000 articles); they fetch n / share x OVERFETCH_FACTOR candidates, at most OVERFETCH_MAX,
# and fall back to the filtered search when too few remain.
OVERFETCH_FACTOR = 3
OVERFETCH_MAX = 1000
# A filter down to a few articles' chunks: their vectors are fetched by id and scored exactly.
# Fetching costs ~40 us a vector; Chroma's `$in` search grows with the index (bench/scale.py,
# 10 articles: 11 ms at 1k vectors, 19 ms at 10k, 91 ms at 100k, against 25 ms exactly), so
# exact scoring wins below ~2% of the index.
EXACT_MAX_CHUNKS = 600
EXACT_MAX_SHARE = 0.02

# Hybrid search runs the lexical search in a worker thread while this one embeds the question
# and searches Chroma: onnxruntime, Chroma and SQLite all release the GIL (100k chunks,
# bench/scale.py: p50/p95 22.7/38.0 ms one after the other, 16.0/25.9 ms side by side). With
# torch embedding the question it had been slower on 2 cores (p95 53 vs 48 ms).


class Filters(BaseModel):
    """Restrict retrieval to some articles; applied inside both indexes, before ranking."""

    article_ids: list[str] | None = Field(None, description="Only these article ids.")
    source: str | None = Field(None, description="Only articles whose source contains this.")
    since: date | None = Field(None, description="Only articles dated on or after this day.")
    until: date | None = Field(None, description="Only articles dated on or before this day.")
    latest: bool = Field(False, description="Rank the newest matching articles first (drops none).")

    def active(self) -> bool:
        return any(v is not None for v in self.restriction().values())

    def restriction(self) -> dict[str, Any]:
        """The fields that drop articles, as Store.filter_articles takes them."""
        return {f: getattr(self, f) for f in ("article_ids", "source", "since", "until")}


class Retriever:
    """What answer, brief and eval code call: (query, k, filters) -> hits, best first."""

    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        candidates: int = 40,
        per_article: int | None = None,
        mode: Mode = "hybrid",
        all_copies: bool = False,
    ) -> None:
        self.store = store
        self.all_copies = all_copies  # False: a story counts once (see one_copy)
        self.embedder = embedder
        self.candidates = candidates
        self.per_article = per_article
        self.mode = mode  # the default for searches that name none

    def search(
        self, query: str, k: int = 5, mode: Mode | None = None, filters: Filters | None = None
    ) -> list[Hit]:
        mode = mode or self.mode
        article_ids = self.allowed_articles(filters)
        if article_ids is not None and not article_ids:
            return []
        n = max(self.candidates, k * 4)
        if article_ids is not None:
            share = len(article_ids) / max(1, self.store.article_total())
            wanted = math.ceil(n / max(share, 1e-9) * OVERFETCH_FACTOR)
            wide = wanted if wanted <= OVERFETCH_MAX else None
        else:
            wide = None
        if mode == "dense":
            ranked = self._dense(query, n, article_ids, wide)
        elif mode == "lexical":
            ranked = self._lexical(query, n, article_ids, wide)
        else:
            # the lexical half runs beside the dense half on a daemon thread: a search stopped
            # by Ctrl-C leaves nothing that keeps the process from exiting (an executor's
            # worker did: '/quit' hung after a stopped answer)
            lexical = _Beside(self._lexical, query, n, article_ids, wide)
            try:
                dense = self._dense(query, n, article_ids, wide)
            finally:
                lexical_hits = lexical.result()  # never leave it running on an error
            ranked = fuse(dense, lexical_hits)
        if not self.all_copies:
            ranked = one_copy(ranked)
        if filters is not None and filters.latest:
            ranked = newest_first(ranked, LATEST_POOL * k)
        return diversify(ranked, k, self.per_article)

    def allowed_articles(self, filters: Filters | None) -> list[str] | None:
        """Ids of the articles the filters let through; None when nothing is filtered."""
        if filters is None or not filters.active():
            return None
        return self.store.filter_articles(**filters.restriction())

    def _dense(
        self, query: str, n: int, article_ids: list[str] | None, wide: int | None = None
    ) -> list[Hit]:
        scored = self._dense_scores(self.embedder.embed([query])[0], n, article_ids, wide)
        rows = self.store.hits(cid for cid, _ in scored)
        hits = []
        for rank, (cid, score) in enumerate(scored, start=1):
            if cid in rows:  # a vector without a catalog row is ignored (see `rag doctor`)
                hits.append(_hit(rows[cid], score, dense_rank=rank))
        return hits

    def _dense_scores(
        self, vector: Any, n: int, article_ids: list[str] | None, wide: int | None
    ) -> list[tuple[str, float]]:
        """(chunk id, similarity) best first: unfiltered, exactly over a few articles' chunks,
        wide-then-filter for a large share of the articles, else filtered inside Chroma."""
        if article_ids is None:
            return self.store.dense_search(vector, n)
        limit = min(EXACT_MAX_CHUNKS, int(EXACT_MAX_SHARE * self.store.chunk_total()))
        few = self.store.chunk_ids_of(article_ids, limit)
        if few is not None:
            return self.store.exact_search(vector, few, n)
        if wide:
            allowed = set(article_ids)
            unfiltered = self.store.dense_search(vector, wide)
            kept = [(cid, s) for cid, s in unfiltered if cid.rsplit(":", 1)[0] in allowed]
            if len(kept) >= n or len(unfiltered) < wide:
                return kept[:n]
        return self.store.dense_search(vector, n, {"article_id": {"$in": article_ids}})

    def _lexical(
        self, query: str, n: int, article_ids: list[str] | None, wide: int | None = None
    ) -> list[Hit]:
        found = self.store.lexical_search(query_terms(query), n, article_ids, wide)
        return [
            _hit(row, score, lexical_rank=rank) for rank, (row, score) in enumerate(found, start=1)
        ]


def _hit(row: HitRow, score: float, **ranks: int) -> Hit:
    return Hit(**row._asdict(), score=score, **ranks)


def one_copy(ranked: list[Hit]) -> list[Hit]:
    """The hits of one article per story: of the story's copies among the hits, the newest
    (the best ranked of one date), so five syndicated copies cannot fill the k passages."""
    chosen: dict[str, Hit] = {}
    for hit in ranked:  # best first: on equal dates the first copy seen stays
        story = hit.story or hit.article_id
        kept = chosen.get(story)
        if kept is None or (hit.date or "") > (kept.date or ""):
            chosen[story] = hit
    keep = {hit.article_id for hit in chosen.values()}
    return [hit for hit in ranked if hit.article_id in keep]


# --latest reorders the LATEST_POOL x k best passages (a score floor does not work: RRF gives
# unrelated passages 0.8 of the best score on the newsroom set).
LATEST_POOL = 2


def newest_first(ranked: list[Hit], pool: int) -> list[Hit]:
    """The `pool` best hits, newest article first (undated last, ties in rank order), then
    the rest."""
    best = ranked[:pool]
    dated = sorted((h for h in best if h.date), key=lambda h: h.date or "", reverse=True)
    return dated + [h for h in best if not h.date] + ranked[pool:]


def diversify(ranked: list[Hit], k: int, per_article: int | None) -> list[Hit]:
    """Top k with at most `per_article` hits per article while others are available;
    if too few articles match, the remaining places go to the best of the rest."""
    if not per_article:
        return ranked[:k]
    chosen: list[Hit] = []
    held_back: list[Hit] = []
    counts: dict[str, int] = {}
    for hit in ranked:
        if len(chosen) == k:
            break
        if counts.get(hit.article_id, 0) < per_article:
            counts[hit.article_id] = counts.get(hit.article_id, 0) + 1
            chosen.append(hit)
        else:
            held_back.append(hit)
    chosen.extend(held_back[: k - len(chosen)])
    order = {id(hit): n for n, hit in enumerate(ranked)}
    return sorted(chosen, key=lambda h: order[id(h)])  # in ranked order (a preference holds)


def fuse(dense: list[Hit], lexical: list[Hit]) -> list[Hit]:
    """Weighted RRF: score = sum over lists of weight / (RRF_K + rank)."""
    fused: dict[str, Hit] = {}
    for hits, field, weight in (
        (dense, "dense_rank", DENSE_WEIGHT),
        (lexical, "lexical_rank", LEXICAL_WEIGHT),
    ):
        for rank, hit in enumerate(hits, start=1):
            entry = fused.get(hit.chunk_id)
            if entry is None:
                entry = hit.model_copy(update={"score": 0.0})
                fused[hit.chunk_id] = entry
            setattr(entry, field, rank)
            entry.score += weight / (RRF_K + rank)
    return sorted(fused.values(), key=lambda h: h.score, reverse=True)


class _Beside:
    """fn(*args) on a daemon thread; result() waits for it and re-raises its error."""

    def __init__(self, fn: Any, *args: Any) -> None:
        self._out: list[Any] = []
        self._error: list[BaseException] = []

        def run() -> None:
            try:
                self._out.append(fn(*args))
            except BaseException as exc:  # re-raised in the caller's thread
                self._error.append(exc)

        self._thread = threading.Thread(target=run, name="lexical", daemon=True)
        self._thread.start()

    def result(self) -> Any:
        self._thread.join()
        if self._error:
            raise self._error[0]
        return self._out[0]
