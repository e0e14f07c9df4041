"""The index: Chroma vectors and the SQLite catalog/lexical index, kept consistent.

Chroma runs embedded (PersistentClient in the data dir) or as a server (HttpClient) when
`chroma_url` is set; the catalog always lives in the data dir. Writes take a lock file so
two ingests on one data dir cannot interleave (Chroma is not process-safe for writers).
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict
from urllib.parse import urlparse

import numpy as np

from rag.core.errors import (
    BackendError,
    ConfigError,
    EmbedderMismatchError,
    IndexMissingError,
    RagError,
)
from rag.core.types import Article, ArticleInfo, Chunk
from rag.index.catalog import Catalog, Counts, HitRow
from rag.index.pgcatalog import PgCatalog

if TYPE_CHECKING:
    from rag.index.stories import Signature

log = logging.getLogger(__name__)

CATALOG_FILE = "catalog.sqlite"
DEFAULT_COLLECTION = "articles"


def catalog_path(data_dir: Path, collection: str) -> Path:
    """Each collection has its own catalog and lexical index in the data dir; the default
    collection keeps the original file name."""
    if collection == DEFAULT_COLLECTION:
        return data_dir / CATALOG_FILE
    return data_dir / f"catalog-{collection}.sqlite"


LOCK_FILE = "write.lock"
OPEN_LOCK_FILE = "open.lock"


@contextmanager
def _opening(data_dir: Path) -> Iterator[None]:
    """Processes open Chroma one at a time: two creating the same new store at once raced in
    Chroma's own set-up ("table collections already exists"). Held for the open only. (The
    SQLite files' own race is handled in rag.core.sqlitedb.connect_wal.)"""
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = _flock(data_dir / OPEN_LOCK_FILE, fcntl.LOCK_EX)
    try:
        yield
    finally:
        _unlock(fd)


def _flock(path: Path, operation: int) -> int:
    """An exclusive flock on `path` (created if missing); its fd, to give to _unlock."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, operation)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _unlock(fd: int) -> None:
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


def chroma_client(data_dir: Path, chroma_url: str | None) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if chroma_url is None:
        # Chroma caches clients by path string: an absolute path keeps two cwd-relative
        # ".rag" folders from sharing one client.
        path = (data_dir / "chroma").resolve()
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    url = urlparse(chroma_url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ConfigError(f"invalid chroma_url {chroma_url!r}: use http://HOST:PORT")
    try:
        return chromadb.HttpClient(
            host=url.hostname,
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    except Exception as exc:  # chromadb raises plain Exception/ValueError on connect failure
        raise BackendError(
            f"cannot reach the Chroma server at {chroma_url} ({exc}): start it with "
            f"`chroma run --path DIR --host {url.hostname} --port {url.port or 8000}` "
            "or unset RAG_CHROMA_URL to use the embedded store"
        ) from None


class Store:
    """Chroma collection + catalog. Open with `Store.open`; close when done."""

    def __init__(
        self, data_dir: Path, catalog: Catalog | PgCatalog, collection: Any, embedder: str
    ) -> None:
        self.data_dir = data_dir
        self.catalog = catalog
        self.collection = collection
        self.embedder = embedder
        self._lock_fd: int | None = None

    @classmethod
    def open(
        cls,
        data_dir: Path,
        collection: str,
        embedder: str,
        chroma_url: str | None = None,
        create: bool = False,
        database_url: str | None = None,
    ) -> Store:
        """The index in `data_dir`, or, with `database_url`, the shared index whose catalog
        is on PostgreSQL and whose vectors are on the Chroma server at `chroma_url`."""
        catalog = _open_catalog(data_dir, collection, embedder, chroma_url, create, database_url)
        try:
            with _opening(data_dir):
                client = chroma_client(data_dir, chroma_url)
                coll = client.get_or_create_collection(
                    name=collection,
                    embedding_function=None,
                    metadata={"hnsw:space": "cosine", "embedder": embedder},
                )
        except RagError:
            catalog.close()
            raise
        except Exception as exc:
            catalog.close()
            where = chroma_url or str(data_dir / "chroma")
            raise BackendError(f"cannot open the Chroma collection at {where}: {exc}") from None
        coll_embedder = (coll.metadata or {}).get("embedder")
        if coll_embedder not in (None, embedder):
            catalog.close()
            raise EmbedderMismatchError(
                f"Chroma collection {collection!r} was built with {coll_embedder}, but "
                f"{embedder} is configured: use another --collection or the same embedder"
            )
        if catalog.get_meta("embedder") != embedder:
            catalog.set_meta("embedder", embedder)
        return cls(data_dir, catalog, coll, embedder)

    @property
    def shared(self) -> PgCatalog | None:
        """The catalog on PostgreSQL, when the index is shared (several writers at once)."""
        return self.catalog if isinstance(self.catalog, PgCatalog) else None

    def close(self) -> None:
        self.unlock()
        self.catalog.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- writer lock ------------------------------------------------------------------------
    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the writer lock for a block (re-entrant within this Store)."""
        if self._lock_fd is not None:
            yield
            return
        self.lock()
        try:
            yield
        finally:
            self.unlock()

    def lock(self, exclusive: bool = False) -> None:
        """Refuse a second writer on the same data dir with a clear message. On a shared
        index ingests hold the writers' lock together and `exclusive` (a repair) waits for
        none of them to run."""
        if self._lock_fd is not None:
            return
        if shared := self.shared:
            if not shared.writer_lock(exclusive):
                raise RagError(
                    "another machine is ingesting into the shared index: repair when it is done"
                    if exclusive
                    else "the shared index is being repaired: ingest "
                    "when `rag doctor --repair` is done"
                )
            self._lock_fd = -1
            return
        try:
            fd = _flock(self.data_dir / LOCK_FILE, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RagError(
                f"another `rag ingest` is writing to {self.data_dir}: wait for it to finish"
            ) from None
        self._lock_fd = fd

    def unlock(self) -> None:
        if self._lock_fd == -1 and (shared := self.shared):
            shared.writer_unlock()
        elif self._lock_fd is not None:
            _unlock(self._lock_fd)
        self._lock_fd = None

    def claim(self, article_id: str, wait: bool = False) -> bool:
        """Claim an article before embedding it: False while another writer of a shared index
        works on it (with `wait`, until it is done). One writer per data dir needs none."""
        shared = self.shared
        return shared.claim(article_id, wait) if shared else True

    def release(self, article_id: str) -> None:
        if shared := self.shared:
            shared.release(article_id)

    # -- writing ----------------------------------------------------------------------------
    def add_article(
        self,
        article: Article,
        chunks: Sequence[Chunk],
        vectors: np.ndarray,
        story: str | None = None,
        signature: Signature | None = None,
    ) -> None:
        """Index one article: pending -> vectors in Chroma -> chunks + FTS rows -> done."""
        if len(chunks):
            self._check_dimension(int(np.asarray(vectors).shape[1]))
        self.catalog.begin_article(article, story, signature)
        self._delete_vectors(article.id)
        if chunks:
            self.collection.upsert(
                ids=[c.id for c in chunks],
                embeddings=vectors,
                documents=[c.text for c in chunks],
                metadatas=[_chunk_metadata(article, c) for c in chunks],
            )
        self.catalog.finish_article(article.id, chunks)

    def _check_dimension(self, dimension: int) -> None:
        recorded = self.catalog.get_meta("dimension")
        if recorded is None:
            self.catalog.set_meta("dimension", str(dimension))
        elif int(recorded) != dimension:
            raise EmbedderMismatchError(
                f"the index in {self.data_dir} holds {recorded}-d vectors but {self.embedder} "
                f"gives {dimension}-d: ingest into another --data-dir"
            )

    @property
    def dimension(self) -> int | None:
        recorded = self.catalog.get_meta("dimension")
        return int(recorded) if recorded else None

    def forget_article(self, article_id: str) -> None:
        """Remove an article from both indexes (crash-safe: marked first, purged after)."""
        with self.writing():
            self.catalog.forget(article_id)
            self.remove_article(article_id)

    def remove_article(self, article_id: str) -> None:
        self._delete_vectors(article_id)
        self.catalog.delete_article(article_id)

    def _delete_vectors(self, article_id: str) -> None:
        self.collection.delete(where={"article_id": article_id})

    def recover(self) -> list[str]:
        """Purge articles a crash or replacement left unfinished; they get re-ingested."""
        shared = self.shared
        purged = shared.unfinished(keep=True) if shared else self.catalog.unfinished()
        for article_id in purged:
            log.info("purging unfinished article %s", article_id)
            self.remove_article(article_id)
        return purged

    # -- reading ----------------------------------------------------------------------------
    def dense_search(
        self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) best first.

        No count() first: chromadb 1.5 returns fewer results (none for an empty collection)
        when n exceeds the vectors, and count() cost more than the search at 100k vectors."""
        result = self.collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)],
            n_results=n,
            where=where or None,
            include=["distances"],
        )
        ids = result["ids"][0]
        distances = result["distances"][0] if result.get("distances") else [0.0] * len(ids)
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, distances, strict=True)]

    def exact_search(self, vector: np.ndarray, ids: list[str], n: int) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) best first among the given chunks, scored exactly
        from their stored vectors (a few hundred: cheaper than a filtered HNSW search)."""
        if not ids:
            return []
        got = self.collection.get(ids=ids, include=["embeddings"])
        matrix = np.asarray(got["embeddings"], dtype=np.float32)
        if not len(matrix):
            return []
        query = np.asarray(vector, dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1) * max(float(np.linalg.norm(query)), 1e-12)
        sims = matrix @ query / np.maximum(norms, 1e-12)
        best = np.argsort(-sims, kind="stable")[:n]
        return [(got["ids"][i], float(sims[i])) for i in best]

    def vector_count(self) -> int:
        return int(self.collection.count())

    def vector_ids(self) -> set[str]:
        ids: set[str] = set()
        offset, page = 0, 5000
        while True:
            got = self.collection.get(include=[], limit=page, offset=offset)["ids"]
            ids.update(got)
            if len(got) < page:
                return ids
            offset += page

    # -- reading: what retrieval, answers, the REPL and the CLI ask of the index ------------
    def articles(self) -> list[ArticleInfo]:
        """The indexed articles, by date then title."""
        return self.catalog.articles()

    def article(self, id_or_prefix: str) -> Article | None:
        """An indexed article by id or unique id prefix."""
        return self.catalog.article(id_or_prefix)

    def article_text(self, article_id: str) -> str | None:
        return self.catalog.article_text(article_id)

    def matching_ids(self, prefix: str) -> list[str]:
        """Ids of indexed articles starting with `prefix`."""
        return self.catalog.matching_ids(prefix)

    def counts(self) -> Counts:
        return self.catalog.counts()

    def article_total(self) -> int:
        return self.catalog.article_total()

    def chunk_total(self) -> int:
        return self.catalog.chunk_total()

    def newest_date(self) -> date | None:
        """The latest publication date in the index: what 'today' means to a question."""
        newest = self.catalog.newest_date()
        return date.fromisoformat(newest) if newest else None

    def dated_in(self, since: date | None, until: date | None) -> int:
        """How many indexed articles are dated in this range."""
        return len(self.filter_articles(since=since, until=until))

    def filter_articles(
        self,
        article_ids: Sequence[str] | None = None,
        source: str | None = None,
        since: date | None = None,
        until: date | None = None,
        newest: int | None = None,
    ) -> list[str]:
        """Ids of articles passing every given filter (undated ones fail date filters); with
        `newest`, only that many, the latest first."""
        return self.catalog.filter_articles(
            article_ids,
            source,
            since.isoformat() if since else None,
            until.isoformat() if until else None,
            newest,
        )

    def chunk_ids_of(self, article_ids: Sequence[str], limit: int) -> list[str] | None:
        return self.catalog.chunk_ids_of(article_ids, limit)

    def hits(self, chunk_ids: Iterable[str]) -> dict[str, HitRow]:
        """Chunk id -> the chunk with its article's citation columns."""
        return self.catalog.hits_by_ids(chunk_ids)

    def copies_of(self, article_id: str) -> list[tuple[str, str, str | None]]:
        """(id, title, date) of the other copies of the article's story, newest first."""
        return self.catalog.copies_of(article_id)

    def chunk_at(self, article_id: str, offset: int) -> HitRow | None:
        return self.catalog.chunk_at(article_id, offset)

    def story_rows(self) -> list[tuple[str, bytes, int, str]]:
        """(id, signature, shingles, story) of the indexed articles (rag.index.stories)."""
        return self.catalog.story_rows()

    def doc_freq(self, term: str) -> int:
        """Chunks whose lexical terms match `term`."""
        return self.catalog.doc_freq(term)

    def lexical_search(
        self, terms: list[str], n: int, article_ids: Sequence[str] | None, wide: int | None
    ) -> list[tuple[HitRow, float]]:
        """The best chunks for the query terms by bm25 (commonest terms dropped past the
        postings budget), with their scores."""
        if not terms:
            return []
        return self.catalog.lexical_search(
            self.catalog.drop_common_terms(terms), n, article_ids, wide
        )

    def check(self, repair: bool = False) -> IndexCheck:
        """Compare Chroma with the catalog; with repair, delete strays and purge articles
        whose vectors are missing (the next ingest re-does them)."""
        in_catalog = self.catalog.chunk_ids()
        in_chroma = self.vector_ids()
        missing = sorted(in_catalog - in_chroma)
        stray = sorted(in_chroma - in_catalog)
        counts = self.catalog.counts()
        unfinished = len(self.catalog.unfinished())
        report: IndexCheck = {
            "catalog_chunks": len(in_catalog),
            "vectors": len(in_chroma),
            "lexical_rows": counts["lexical_rows"],
            "missing_vectors": len(missing),
            "stray_vectors": len(stray),
            "unfinished_articles": unfinished,
            "consistent": (
                not missing
                and not stray
                and counts["lexical_rows"] == counts["chunks"]
                and unfinished == 0
            ),
        }
        if repair and not report["consistent"]:
            if stray:
                self.collection.delete(ids=stray)
            for article_id in sorted({cid.rsplit(":", 1)[0] for cid in missing}):
                self.remove_article(article_id)
            self.recover()
            report["repaired"] = True
        return report


@contextmanager
def scratch_store(
    prefix: str,
    collection: str,
    embedder: str,
    chroma_url: str | None = None,
    database_url: str | None = None,
) -> Iterator[Store]:
    """A new, empty index for one run (the evals), removed afterwards: in a temporary
    folder, or, on a shared index's servers, as a collection of its own that is dropped."""
    import tempfile
    import uuid

    with tempfile.TemporaryDirectory(prefix=prefix) as workdir:
        if database_url is None:
            with Store.open(Path(workdir), collection, embedder, create=True) as store:
                yield store
            return
        name = f"scratch_{uuid.uuid4().hex[:12]}"
        store = Store.open(
            Path(workdir), name, embedder, chroma_url=chroma_url, create=True,
            database_url=database_url,
        )  # fmt: skip
        try:
            yield store
        finally:
            try:
                chroma_client(Path(workdir), chroma_url).delete_collection(name)
                if shared := store.shared:
                    shared.drop()
            finally:
                store.close()


class IndexCheck(TypedDict):
    """What `rag doctor` reports: Chroma and the catalog compared."""

    catalog_chunks: int
    vectors: int
    lexical_rows: int
    missing_vectors: int
    stray_vectors: int
    unfinished_articles: int
    consistent: bool
    repaired: NotRequired[bool]


def _chunk_metadata(article: Article, chunk: Chunk) -> dict[str, str | int]:
    meta: dict[str, str | int] = {
        "article_id": article.id,
        "index": chunk.index,
        "start": chunk.start,
        "end": chunk.end,
        "title": article.title,
        "source": article.source,
    }
    if article.date:
        meta["date"] = article.date
        meta["date_num"] = int(article.date.replace("-", ""))
    return meta


def _open_catalog(
    data_dir: Path,
    collection: str,
    embedder: str,
    chroma_url: str | None,
    create: bool,
    database_url: str | None,
) -> Catalog | PgCatalog:
    """The catalog of the index: the SQLite file in the data dir, or PostgreSQL; refused
    when it was built with another embedder."""
    if database_url is not None:
        from rag.index.pgcatalog import PgCatalog

        if chroma_url is None:
            raise ConfigError(
                "RAG_DATABASE_URL shares the catalog, so the vectors must be shared too: set "
                "RAG_CHROMA_URL to a Chroma server (see docs/DEPLOYMENT.md)"
            )
        catalog: PgCatalog | None = PgCatalog(database_url, collection, create=create)
        assert catalog is not None
        built_with = catalog.get_meta("embedder")
        where = f"the shared index {collection!r}"
    else:
        path = catalog_path(data_dir, collection)
        if not create and not path.exists():
            raise IndexMissingError(
                f"no index in {data_dir}: run `rag ingest seeds/` (or your folder) first"
            )
        built_with = _read_embedder(path) if path.exists() else None
        catalog = None
        where = f"the index in {data_dir}"
    if built_with is not None and built_with != embedder:
        if catalog is not None:
            catalog.close()
        raise EmbedderMismatchError(
            f"{where} was built with {built_with}, but {embedder} is "
            f"configured: set RAG_EMBEDDER back, or ingest into another --data-dir"
        )
    return catalog if catalog is not None else Catalog(catalog_path(data_dir, collection))


def _read_embedder(catalog_path: Path) -> str | None:
    import sqlite3

    db = sqlite3.connect(catalog_path)
    try:
        row = db.execute("SELECT value FROM meta WHERE key = 'embedder'").fetchone()
    except sqlite3.DatabaseError:
        return None
    finally:
        db.close()
    return row[0] if row else None
