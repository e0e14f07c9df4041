"""Ingest: discover files, load and clean articles, chunk, embed and index them.

Unchanged articles cost no embedding; a changed file replaces its article's chunks; a bad
file or record is reported and the rest of the batch goes on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from rag.chunking import chunk_article
from rag.embed import Embedder
from rag.loaders import SUFFIXES, LoadFailure, discover, load_path
from rag.store import Store
from rag.tokens import get_encoding
from rag.types import Article, Chunk

log = logging.getLogger(__name__)

# Embed this many chunks at once across articles: small articles still fill a batch.
EMBED_BUFFER_CHUNKS = 256


class IngestReport(BaseModel):
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = Field(0, description="Same text as an article already indexed.")
    failed: int = 0
    pruned: int = 0
    recovered: int = Field(0, description="Unfinished articles from an earlier crash, purged.")
    chunks_added: int = 0
    seconds: float = 0.0
    model_load_seconds: float = Field(
        0.0, description="Part of `seconds` spent loading the embedding model (once per process)."
    )
    embeddings_cached: int = Field(
        0, description="Chunks whose vector came from the embedding cache, not the model."
    )
    failures: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(
        default_factory=list, description="Articles indexed with something to know."
    )

    @property
    def ingested(self) -> int:
        return self.new + self.updated + self.unchanged + self.duplicates

    def summary(self) -> str:
        parts = [
            f"{self.new} new",
            f"{self.updated} updated",
            f"{self.unchanged} unchanged",
        ]
        if self.duplicates:
            parts.append(f"{self.duplicates} duplicate")
        parts.append(f"{self.failed} failed")
        if self.pruned:
            parts.append(f"{self.pruned} pruned")
        cached = ""
        if self.embeddings_cached:
            cached = f" ({self.embeddings_cached} from the embedding cache)"
        return (
            f"articles: {', '.join(parts)}; {self.chunks_added} chunks added{cached} "
            f"in {self.seconds:.1f}s"
        )


def ingest(
    inputs: list[str],
    store: Store,
    embedder: Embedder,
    *,
    chunk_tokens: int = 256,
    chunk_overlap: int = 48,
    encoding: str = "cl100k_base",
    prune: bool = False,
    on_file: Callable[[str], None] | None = None,
    on_failure: Callable[[LoadFailure], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> IngestReport:
    with store.writing():
        return _ingest(
            inputs, store, embedder, chunk_tokens, chunk_overlap, encoding, prune,
            on_file, on_failure, on_start, on_warning,
        )  # fmt: skip


def _ingest(
    inputs: list[str],
    store: Store,
    embedder: Embedder,
    chunk_tokens: int,
    chunk_overlap: int,
    encoding: str,
    prune: bool,
    on_file: Callable[[str], None] | None,
    on_failure: Callable[[LoadFailure], None] | None,
    on_start: Callable[[int], None] | None,
    on_warning: Callable[[str], None] | None,
) -> IngestReport:
    started = time.perf_counter()
    cache_hits_before = getattr(embedder, "hits", 0)
    report = IngestReport()
    enc = get_encoding(encoding)
    report.recovered = len(store.recover())

    def fail(failure: LoadFailure) -> None:
        report.failed += 1
        report.failures.append(str(failure))
        if on_failure:
            on_failure(failure)

    skipped: list[Path] = []
    files, failures = discover(inputs, skipped)
    for failure in failures:
        fail(failure)
    if skipped:
        names = ", ".join(p.name for p in skipped[:5]) + (", …" if len(skipped) > 5 else "")
        report.warnings.append(
            f"skipped {len(skipped)} file{'s' * (len(skipped) > 1)} of other types ({names}): "
            f"rag reads {' '.join(sorted(SUFFIXES))}"
        )
        if on_warning:
            on_warning(report.warnings[-1])
    if on_start:
        on_start(len(files))

    pending: list[tuple[Article, list[Chunk], bool]] = []
    buffered = 0

    def flush() -> None:
        nonlocal buffered
        if not pending:
            return
        texts = [c.text for _, chunks, _ in pending for c in chunks]
        vectors = embedder.embed(texts)
        row = 0
        for article, chunks, replacing in pending:
            store.add_article(article, chunks, vectors[row : row + len(chunks)])
            row += len(chunks)
            _point_source(store, article)
            report.chunks_added += len(chunks)
            if replacing:
                report.updated += 1
            else:
                report.new += 1
        pending.clear()
        buffered = 0

    late_duplicates: list[Article] = []  # same text as an article still waiting in `pending`
    for path in files:
        for item in load_path(path):
            if isinstance(item, LoadFailure):
                fail(item)
                continue
            current = store.catalog.article_for_source(item.source)
            if current == (item.id, "done"):
                report.unchanged += 1
                continue
            if store.catalog.article_state(item.id) == "done":
                _point_source(store, item)
                report.duplicates += 1
                continue
            if any(a.id == item.id for a, _, _ in pending):
                late_duplicates.append(item)
                report.duplicates += 1
                continue
            if item.invisible_chars:
                report.warnings.append(
                    f"{item.source}: removed {item.invisible_chars} invisible characters "
                    "(zero-width, bidi or tag): they can hide text from readers"
                )
                if on_warning:
                    on_warning(report.warnings[-1])
            chunks = chunk_article(item, enc, chunk_tokens, chunk_overlap)
            pending.append((item, chunks, current is not None))
            buffered += len(chunks)
            if buffered >= EMBED_BUFFER_CHUNKS:
                flush()
        if on_file:
            on_file(str(path))
    flush()
    for article in late_duplicates:
        _point_source(store, article)
    if prune:
        report.pruned = prune_missing(store)
    report.seconds = time.perf_counter() - started
    report.embeddings_cached = getattr(embedder, "hits", 0) - cache_hits_before
    report.model_load_seconds = min(report.seconds, getattr(embedder, "load_seconds", 0.0))
    return report


def _point_source(store: Store, article: Article) -> None:
    """Map the article's source to it; remove the old version of an edited file."""
    old = store.catalog.map_source(article.source, article.id)
    if old is not None and store.catalog.article_state(old) == "deleting":
        store.remove_article(old)


def prune_missing(store: Store) -> int:
    """Forget sources whose file is gone; remove articles left without a source."""
    gone = 0
    for source, _article_id in store.catalog.sources():
        path = Path(source.split("#", 1)[0])
        if not path.exists():
            store.catalog.unmap_source(source)
            gone += 1
    removed = store.recover()
    log.info("pruned %d sources, %d articles", gone, len(removed))
    return len(removed)
