"""Ingest: discover files, load and clean articles, chunk, embed and index them.

Unchanged articles cost no embedding; a changed file replaces its article's chunks; a bad
file or record is reported and the rest of the batch goes on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from rag.core.tokens import get_encoding
from rag.core.types import Article, Chunk
from rag.index.embed import Embedder
from rag.index.store import Store
from rag.index.stories import Signature, StoryIndex
from rag.ingest.chunking import chunk_article
from rag.ingest.loaders import SUFFIXES, LoadFailure, discover, load_path

log = logging.getLogger(__name__)

# Embed this many chunks at once across articles: small articles still fill a batch.
EMBED_BUFFER_CHUNKS = 256
# A shared index's planner statistics are refreshed after a run that added this many chunks.
ANALYZE_AFTER_CHUNKS = 500


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
        run = _Ingestion(
            store, embedder, get_encoding(encoding), chunk_tokens, chunk_overlap,
            on_failure, on_warning,
        )  # fmt: skip
        return run.run(inputs, prune, on_file, on_start)


class _Ingestion:
    """One ingest run: loads files, chunks what is new or changed, embeds in buffers of
    EMBED_BUFFER_CHUNKS and commits article by article, counting into `report`."""

    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        enc: Any,
        chunk_tokens: int,
        chunk_overlap: int,
        on_failure: Callable[[LoadFailure], None] | None,
        on_warning: Callable[[str], None] | None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.enc = enc
        self.chunk_tokens = chunk_tokens
        self.chunk_overlap = chunk_overlap
        self.on_failure = on_failure
        self.on_warning = on_warning
        self.report = IngestReport()
        self.pending: list[tuple[Article, list[Chunk], bool, str, Signature]] = []
        self._stories: StoryIndex | None = None  # built on the first new article
        self.buffered = 0
        self.late_duplicates: list[Article] = []  # same text as an article still pending
        self.elsewhere: list[Article] = []  # claimed by another writer of a shared index

    def run(
        self,
        inputs: list[str],
        prune: bool,
        on_file: Callable[[str], None] | None,
        on_start: Callable[[int], None] | None,
    ) -> IngestReport:
        started = time.perf_counter()
        cache_hits_before = getattr(self.embedder, "hits", 0)
        report = self.report
        report.recovered = len(self.store.recover())
        files = self.discover(inputs)
        if on_start:
            on_start(len(files))
        for path in files:
            for item in load_path(path):
                if isinstance(item, LoadFailure):
                    self.fail(item)
                else:
                    self.take(item)
            if on_file:
                on_file(str(path))
        self.flush()
        self.after_others()
        for article in self.late_duplicates:
            _point_source(self.store, article)
        if prune:
            # a shared index holds other machines' files: only those under these inputs
            within = [Path(i).resolve() for i in inputs] if self.store.shared else None
            report.pruned = prune_missing(self.store, within)
        if (shared := self.store.shared) and report.chunks_added > ANALYZE_AFTER_CHUNKS:
            shared.analyze()
        report.seconds = time.perf_counter() - started
        report.embeddings_cached = getattr(self.embedder, "hits", 0) - cache_hits_before
        report.model_load_seconds = min(report.seconds, getattr(self.embedder, "load_seconds", 0.0))
        return report

    def discover(self, inputs: list[str]) -> list[Path]:
        skipped: list[Path] = []
        files, failures = discover(inputs, skipped)
        for failure in failures:
            self.fail(failure)
        if skipped:
            names = ", ".join(p.name for p in skipped[:5]) + (", …" if len(skipped) > 5 else "")
            self.warn(
                f"skipped {len(skipped)} file{'s' * (len(skipped) > 1)} of other types "
                f"({names}): rag reads {' '.join(sorted(SUFFIXES))}"
            )
        return files

    def fail(self, failure: LoadFailure) -> None:
        self.report.failed += 1
        self.report.failures.append(str(failure))
        if self.on_failure:
            self.on_failure(failure)

    def warn(self, text: str) -> None:
        self.report.warnings.append(text)
        if self.on_warning:
            self.on_warning(text)

    def take(self, item: Article) -> None:
        """Count an unchanged or duplicate article; chunk a new or changed one for embedding."""
        catalog = self.store.catalog
        current = catalog.article_for_source(item.source)
        if current == (item.id, "done"):
            self.report.unchanged += 1
            return
        if catalog.article_state(item.id) == "done":
            _point_source(self.store, item)
            self.report.duplicates += 1
            return
        if any(p[0].id == item.id for p in self.pending):
            self.late_duplicates.append(item)
            self.report.duplicates += 1
            return
        if not self.store.claim(item.id):  # another machine is indexing it into a shared index
            self.elsewhere.append(item)
            return
        if item.invisible_chars:
            self.warn(
                f"{item.source}: removed {item.invisible_chars} characters that hide or "
                "reorder text (Unicode tags, bidi overrides): check the source"
            )
        chunks = chunk_article(item, self.enc, self.chunk_tokens, self.chunk_overlap)
        signature = Signature.of(item.text)
        story = self.stories.assign(item.id, signature)
        self.pending.append((item, chunks, current is not None, story, signature))
        self.buffered += len(chunks)
        if self.buffered >= EMBED_BUFFER_CHUNKS:
            self.flush()

    def after_others(self) -> None:
        """Articles another writer was indexing: wait for it to let go, then count its work
        as a duplicate (or do the article here, if that writer died without finishing)."""
        for item in self.elsewhere:
            self.store.claim(item.id, wait=True)
            if self.store.catalog.article_state(item.id) == "done":
                _point_source(self.store, item)
                self.report.duplicates += 1
                self.store.release(item.id)
            else:
                self.take(item)
        self.flush()

    @property
    def stories(self) -> StoryIndex:
        """The indexed articles' signatures, read once per run, when a new article needs its
        story (an unchanged re-ingest never pays for it)."""
        if self._stories is None:
            self._stories = StoryIndex.of(self.store.story_rows())
        return self._stories

    def flush(self) -> None:
        """Embed the pending chunks in one call, then commit their articles one by one."""
        if not self.pending:
            return
        texts = [c.text for _, chunks, *_ in self.pending for c in chunks]
        vectors = self.embedder.embed(texts)
        row = 0
        for article, chunks, replacing, story, signature in self.pending:
            part = vectors[row : row + len(chunks)]
            self.store.add_article(article, chunks, part, story=story, signature=signature)
            row += len(chunks)
            _point_source(self.store, article)
            self.store.release(article.id)
            self.report.chunks_added += len(chunks)
            if replacing:
                self.report.updated += 1
            else:
                self.report.new += 1
        self.pending.clear()
        self.buffered = 0


def _point_source(store: Store, article: Article) -> None:
    """Map the article's source to it; remove the old version of an edited file."""
    old = store.catalog.map_source(article.source, article.id)
    if old is not None and store.catalog.article_state(old) == "deleting":
        store.remove_article(old)


def prune_missing(store: Store, within: list[Path] | None = None) -> int:
    """Forget sources whose file is gone (only those under `within`, when given); remove
    articles left without a source."""
    gone = 0
    for source, _article_id in store.catalog.sources():
        path = Path(source.split("#", 1)[0])
        if within is not None and not any(path.is_relative_to(w) for w in within):
            continue
        if not path.exists():
            store.catalog.unmap_source(source)
            gone += 1
    removed = store.recover()
    log.info("pruned %d sources, %d articles", gone, len(removed))
    return len(removed)
