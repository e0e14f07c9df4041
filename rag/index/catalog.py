"""The SQLite side of the index: articles, their sources, chunk text and the FTS5 lexical index.

An article moves through states so a crash at any point is recoverable: 'pending' while its
vectors are written to Chroma, 'done' once chunks and FTS rows are committed, 'deleting'
while its vectors are removed. Anything not 'done' at start-up is purged and re-ingested.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypedDict

from rag.core.errors import RagError
from rag.core.lexical import FTS_TOKENIZE, index_text, or_match
from rag.core.sqlitedb import connect_wal, statements
from rag.core.types import Article, ArticleInfo, Chunk

if TYPE_CHECKING:
    from rag.index.stories import Signature

# Version 1: the first release's tables. Version 2: articles keep their byline (author).
# Version 3: articles belong to a story (near-duplicates grouped; rag/stories.py).
# Version 4: articles keep their publication time of day, when the source states one.
# A new file is created at the latest version by _SCHEMA; an older file is brought forward by
# MIGRATIONS, one step at a time, each in one transaction, and the version is then recorded.
SCHEMA_VERSION = 4

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles(
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    date TEXT,
    time TEXT,
    source TEXT NOT NULL,
    url TEXT,
    publisher TEXT,
    author TEXT,
    word_count INTEGER NOT NULL,
    text TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'deleting')),
    story TEXT,
    minhash BLOB,
    shingles INTEGER
);
CREATE TABLE IF NOT EXISTS sources(
    source TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id)
);
CREATE INDEX IF NOT EXISTS sources_article ON sources(article_id);
CREATE TABLE IF NOT EXISTS chunks(
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    article_id TEXT NOT NULL REFERENCES articles(id),
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    tokens INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_article ON chunks(article_id);
-- Covers the filters and counts, so they never scan the article texts stored in the rows.
CREATE INDEX IF NOT EXISTS articles_filter ON articles(state, date, source, url, id);
-- Covers the article columns of a hit: joining a hit with its article row read the article's
-- whole text (state is stored after it), 20 ms for 750 hits at 100k chunks, 5 ms with this.
CREATE INDEX IF NOT EXISTS articles_hit ON articles(id, state, title, date, source, story);
CREATE INDEX IF NOT EXISTS articles_story ON articles(story, state);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(terms, tokenize="{FTS_TOKENIZE}");
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_vocab USING fts5vocab(chunks_fts, 'row');
"""

# The lexical query's cost grows with the posting lists it reads (~1.2 us per posting at 100k
# chunks). Terms are kept rarest first while their lists add up to at most POSTINGS_BUDGET;
# the rarest term always stays. Common terms weigh little in bm25 and are what made the
# slowest queries slow (at 100k chunks, "state", "new", "year" are each in over 20% of the
# chunks); on the eval's 15,886-chunk index no gold question reaches the budget.
POSTINGS_BUDGET = 10_000


def _add_author(db: sqlite3.Connection) -> None:
    columns = {row[1] for row in db.execute("PRAGMA table_info(articles)")}
    if "author" not in columns:  # some version-1 files gained it before versions were read
        db.execute("ALTER TABLE articles ADD COLUMN author TEXT")


def _add_stories(db: sqlite3.Connection) -> None:
    """Story columns, filled for the articles already indexed (oldest first)."""
    from rag.index.stories import Signature, StoryIndex

    columns = {row[1] for row in db.execute("PRAGMA table_info(articles)")}
    for column, kind in (("story", "TEXT"), ("minhash", "BLOB"), ("shingles", "INTEGER")):
        if column not in columns:
            db.execute(f"ALTER TABLE articles ADD COLUMN {column} {kind}")
    db.execute("DROP INDEX IF EXISTS articles_hit")  # remade with the story column
    index = StoryIndex()
    rows = db.execute(
        "SELECT id, text FROM articles WHERE state = 'done' ORDER BY date IS NULL, date, id"
    ).fetchall()
    for article_id, text in rows:
        sig = Signature.of(text)
        story = index.assign(article_id, sig)
        db.execute(
            "UPDATE articles SET story = ?, minhash = ?, shingles = ? WHERE id = ?",
            (story, sig.to_bytes(), sig.shingles, article_id),
        )


def _add_time(db: sqlite3.Connection) -> None:
    """Publication time of day (left empty for the articles already indexed)."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(articles)")}
    if "time" not in columns:
        db.execute("ALTER TABLE articles ADD COLUMN time TEXT")


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    2: _add_author,
    3: _add_stories,
    4: _add_time,
}


class IndexVersionError(RagError):
    """The index was written by a newer release than this one."""


class Counts(TypedDict):
    articles: int
    sources: int
    chunks: int
    lexical_rows: int
    tokens: int


class HitRow(NamedTuple):
    """A chunk with the article columns a citation needs (hits_by_ids, lexical_search)."""

    chunk_id: str
    article_id: str
    title: str
    date: str | None
    source: str
    text: str
    start: int
    end: int
    story: str | None
    publisher: str | None
    url: str | None


_HIT_COLUMNS = (
    "c.id, c.article_id, a.title, a.date, a.source, c.text, c.start, c.end, a.story, "
    "a.publisher, a.url"
)


class Catalog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = connect_wal(path)
        self._local = threading.local()  # read-only connections of other threads
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._term_caches: dict[int, dict] = {}
        self._writes = 0  # this connection's own commits (data_version ignores them)
        self._migrate()

    def _migrate(self) -> None:
        """Create a new catalog at SCHEMA_VERSION, or bring an older one forward. An index
        at the current version is only read (opening never waits for a writer's lock)."""
        if self._version() == SCHEMA_VERSION:
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            version = self._version()  # another process may have migrated meanwhile
            if version is None:  # a new file: the tables are made at the latest version
                version = SCHEMA_VERSION
            if version > SCHEMA_VERSION:
                raise IndexVersionError(
                    f"the index in {self.path.parent} was written by a newer release of rag "
                    f"(catalog schema {version} > {SCHEMA_VERSION}): upgrade rag, or use "
                    "another --data-dir"
                )
            for step in range(version + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[step](self.db)
            for statement in statements(_SCHEMA):
                self.db.execute(statement)
            self.db.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)",
                (str(SCHEMA_VERSION),),
            )
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    def _version(self) -> int | None:
        """The catalog's schema version; None for a file without one (a new file)."""
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return None
            raise
        return int(row[0]) if row else None

    def close(self) -> None:
        with self._readers_lock:
            for reader in self._readers:
                reader.close()
            self._readers.clear()
        self.db.close()

    def _reader(self) -> sqlite3.Connection:
        """This thread's connection for searches: the writer's own in its thread, a
        read-only one elsewhere (so a lexical search can run beside a dense one)."""
        if threading.current_thread() is threading.main_thread():
            return self.db
        reader = getattr(self._local, "db", None)
        if reader is None:
            reader = sqlite3.connect(
                self.path, timeout=30, check_same_thread=False, isolation_level=None
            )
            self._local.db = reader
            with self._readers_lock:
                self._readers.append(reader)
        return reader

    # -- meta ---------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    # -- articles and sources -------------------------------------------------------------
    def article_for_source(self, source: str) -> tuple[str, str] | None:
        """(article id, state) currently indexed for `source`."""
        row = self.db.execute(
            "SELECT a.id, a.state FROM sources s JOIN articles a ON a.id = s.article_id "
            "WHERE s.source = ?",
            (source,),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def article_state(self, article_id: str) -> str | None:
        row = self.db.execute("SELECT state FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def begin_article(
        self, article: Article, story: str | None = None, signature: Signature | None = None
    ) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO articles(id, title, date, time, source, url, publisher, "
            "author, word_count, text, state, story, minhash, shingles) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
            (
                article.id,
                article.title,
                article.date,
                article.time,
                article.source,
                article.url,
                article.publisher,
                article.author,
                article.word_count,
                article.text,
                story or article.id,
                signature.to_bytes() if signature else None,
                signature.shingles if signature else None,
            ),
        )

    def story_rows(self) -> list[tuple[str, bytes, int, str]]:
        """(id, signature, shingles, story) of every indexed article that has a signature."""
        return self.db.execute(
            "SELECT id, minhash, shingles, story FROM articles "
            "WHERE state = 'done' AND minhash IS NOT NULL"
        ).fetchall()

    def finish_article(self, article_id: str, chunks: Sequence[Chunk]) -> None:
        """Chunks and their FTS rows, then state 'done', in one transaction."""
        with self._transaction():
            self._delete_chunks(article_id)
            for chunk in chunks:
                cur = self.db.execute(
                    "INSERT INTO chunks(id, article_id, idx, start, end, tokens, text) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        chunk.id,
                        chunk.article_id,
                        chunk.index,
                        chunk.start,
                        chunk.end,
                        chunk.tokens,
                        chunk.text,
                    ),
                )
                self.db.execute(
                    "INSERT INTO chunks_fts(rowid, terms) VALUES (?, ?)",
                    (cur.lastrowid, index_text(chunk.text)),
                )
            self.db.execute("UPDATE articles SET state = 'done' WHERE id = ?", (article_id,))

    def map_source(self, source: str, article_id: str) -> str | None:
        """Point `source` at `article_id`; return the article it pointed at before, if other."""
        with self._transaction():
            previous = self.db.execute(
                "SELECT article_id FROM sources WHERE source = ?", (source,)
            ).fetchone()
            self.db.execute(
                "INSERT OR REPLACE INTO sources(source, article_id) VALUES (?, ?)",
                (source, article_id),
            )
            old = previous[0] if previous and previous[0] != article_id else None
            if old is not None:
                self._mark_deleting_if_unreferenced(old)
        return old

    def unmap_source(self, source: str) -> str | None:
        with self._transaction():
            row = self.db.execute(
                "SELECT article_id FROM sources WHERE source = ?", (source,)
            ).fetchone()
            if row is None:
                return None
            self.db.execute("DELETE FROM sources WHERE source = ?", (source,))
            self._mark_deleting_if_unreferenced(row[0])
        return str(row[0])

    def _mark_deleting_if_unreferenced(self, article_id: str) -> None:
        self.db.execute(
            "UPDATE articles SET state = 'deleting' WHERE id = ? AND NOT EXISTS "
            "(SELECT 1 FROM sources WHERE article_id = ?)",
            (article_id, article_id),
        )

    def sources(self) -> list[tuple[str, str]]:
        return self.db.execute("SELECT source, article_id FROM sources ORDER BY source").fetchall()

    def unfinished(self) -> list[str]:
        """Articles a crash or a replacement left not 'done', or with no source left."""
        rows = self.db.execute(
            "SELECT id FROM articles WHERE state != 'done' OR NOT EXISTS "
            "(SELECT 1 FROM sources s WHERE s.article_id = articles.id)"
        ).fetchall()
        return [r[0] for r in rows]

    def matching_ids(self, prefix: str) -> list[str]:
        """Indexed article ids starting with `prefix` (as `rag articles` shows them)."""
        rows = self.db.execute(
            "SELECT id FROM articles WHERE id LIKE ? AND state = 'done' ORDER BY id LIMIT 6",
            (prefix.replace("%", "").replace("_", "") + "%",),
        ).fetchall()
        return [r[0] for r in rows]

    def forget(self, article_id: str) -> None:
        """Unmap every source of the article and mark it 'deleting' in one transaction, so a
        crash before its rows and vectors are gone still ends with it purged."""
        with self._transaction():
            self.db.execute("DELETE FROM sources WHERE article_id = ?", (article_id,))
            self.db.execute("UPDATE articles SET state = 'deleting' WHERE id = ?", (article_id,))

    def delete_article(self, article_id: str) -> None:
        with self._transaction():
            self._delete_chunks(article_id)
            self.db.execute("DELETE FROM sources WHERE article_id = ?", (article_id,))
            self.db.execute("DELETE FROM articles WHERE id = ?", (article_id,))

    def _delete_chunks(self, article_id: str) -> None:
        self.db.execute(
            "DELETE FROM chunks_fts WHERE rowid IN (SELECT rowid FROM chunks WHERE article_id = ?)",
            (article_id,),
        )
        self.db.execute("DELETE FROM chunks WHERE article_id = ?", (article_id,))

    def _transaction(self) -> _Tx:
        self._writes += 1
        return _Tx(self.db)

    # -- reading --------------------------------------------------------------------------
    def articles(self) -> list[ArticleInfo]:
        rows = self.db.execute(
            "SELECT a.id, a.title, a.date, a.source, a.word_count, "
            "(SELECT COUNT(*) FROM chunks c WHERE c.article_id = a.id), a.story, "
            "(SELECT COUNT(*) FROM articles b WHERE b.story = a.story AND b.state = 'done'), "
            "a.time, a.url, a.publisher, a.author FROM articles a WHERE a.state = 'done' "
            "ORDER BY a.date IS NULL, a.date, a.time, a.title"
        ).fetchall()
        return [
            ArticleInfo(
                id=r[0], title=r[1], date=r[2], source=r[3], word_count=r[4], chunks=r[5],
                story=r[6] or r[0], copies=max(1, r[7]), time=r[8], url=r[9], publisher=r[10],
                author=r[11],
            )
            for r in rows
        ]  # fmt: skip

    def article(self, article_id: str) -> Article | None:
        """An indexed article by id or unique id prefix (as `rag articles` shows it)."""
        rows = self.db.execute(
            "SELECT id, title, date, source, url, publisher, text, word_count, author, time "
            "FROM articles WHERE id LIKE ? AND state = 'done' LIMIT 2",
            (article_id.replace("%", "").replace("_", "") + "%",),
        ).fetchall()
        if len(rows) != 1:
            return None
        r = rows[0]
        return Article(
            id=r[0], title=r[1], date=r[2], source=r[3], url=r[4], publisher=r[5], text=r[6],
            word_count=r[7], author=r[8], time=r[9],
        )  # fmt: skip

    def article_text(self, article_id: str) -> str | None:
        row = self.db.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def chunk_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT id FROM chunks")}

    def counts(self) -> Counts:
        one = self.db.execute
        return {
            "articles": one("SELECT COUNT(*) FROM articles WHERE state = 'done'").fetchone()[0],
            "sources": one("SELECT COUNT(*) FROM sources").fetchone()[0],
            "chunks": one("SELECT COUNT(*) FROM chunks").fetchone()[0],
            "lexical_rows": one("SELECT COUNT(*) FROM chunks_fts").fetchone()[0],
            "tokens": one("SELECT COALESCE(SUM(tokens), 0) FROM chunks").fetchone()[0],
        }

    def hits_by_ids(self, ids: Iterable[str]) -> dict[str, HitRow]:
        ids = list(ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            f"SELECT {_HIT_COLUMNS} FROM chunks c CROSS JOIN articles a ON a.id = c.article_id "
            f"WHERE c.id IN ({marks})",
            ids,
        ).fetchall()
        return {r[0]: HitRow(*r) for r in rows}

    def copies_of(self, article_id: str) -> list[tuple[str, str, str | None]]:
        """(id, title, date) of the other indexed articles of this article's story."""
        return self.db.execute(
            "SELECT id, title, date FROM articles WHERE state = 'done' AND id != ? "
            "AND story = (SELECT story FROM articles WHERE id = ?) ORDER BY date DESC, id",
            (article_id, article_id),
        ).fetchall()

    def chunk_at(self, article_id: str, offset: int) -> HitRow | None:
        """The first chunk of the article that holds the character at `offset`."""
        row = self.db.execute(
            f"SELECT {_HIT_COLUMNS} FROM chunks c CROSS JOIN articles a ON a.id = c.article_id "
            "WHERE c.article_id = ? AND c.start <= ? AND c.end > ? ORDER BY c.start LIMIT 1",
            (article_id, offset, offset),
        ).fetchone()
        return HitRow(*row) if row else None

    def filter_articles(
        self,
        article_ids: Sequence[str] | None = None,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
        newest: int | None = None,
    ) -> list[str]:
        """Ids of indexed articles passing every given filter (undated ones fail date ones);
        with `newest`, only that many, the latest first."""
        sql = ["SELECT id FROM articles WHERE state = 'done'"]
        params: list[object] = []
        if article_ids is not None:
            sql.append(f"AND id IN ({','.join('?' * len(article_ids))})")
            params.extend(article_ids)
        if source is not None:
            sql.append("AND (source LIKE ? ESCAPE '\\' OR url LIKE ? ESCAPE '\\')")
            escaped = source.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params.extend([f"%{escaped}%"] * 2)
        if since is not None:
            sql.append("AND date >= ?")
            params.append(since)
        if until is not None:
            sql.append("AND date <= ?")
            params.append(until)
        if newest is not None:
            sql.append("ORDER BY date IS NULL, date DESC, time DESC, id LIMIT ?")
            params.append(newest)
        return [r[0] for r in self.db.execute(" ".join(sql), params)]

    def newest_date(self) -> str | None:
        """The latest publication date among the indexed articles (None: all undated)."""
        row = (
            self._reader().execute("SELECT MAX(date) FROM articles WHERE state = 'done'").fetchone()
        )
        return row[0] if row else None

    def chunk_total(self) -> int:
        """Chunks in the index (cached until the index changes)."""
        return int(self._term_state(self._reader())["chunks"])

    def chunk_ids_of(self, article_ids: Sequence[str], limit: int) -> list[str] | None:
        """The chunk ids of these articles, or None if there are more than `limit`."""
        marks = ",".join("?" * len(article_ids))
        sql = f"SELECT id FROM chunks WHERE article_id IN ({marks}) LIMIT ?"
        rows = self._reader().execute(sql, (*article_ids, limit + 1)).fetchall()
        return None if len(rows) > limit else [r[0] for r in rows]

    def doc_freq(self, term: str) -> int:
        """Chunks whose lexical terms match `term` (after the index's own stemming)."""
        row = self.db.execute(
            "SELECT COUNT(*) FROM chunks_fts WHERE chunks_fts MATCH ?",
            ('"' + term.replace('"', '""') + '"',),
        ).fetchone()
        return int(row[0])

    def drop_common_terms(self, terms: list[str]) -> list[str]:
        """The terms, in their order, without the commonest ones whose posting lists would
        take the query over POSTINGS_BUDGET (the rarest term always stays)."""
        if len(terms) <= 1:
            return terms
        db = self._reader()
        state = self._term_state(db)
        if state["chunks"] * len(terms) <= POSTINGS_BUDGET:
            return terms  # a small index: the lists cannot add up to the budget
        freq = self._doc_freqs(db, state, terms)
        kept: set[str] = set()
        postings = 0
        for term in sorted(terms, key=lambda t: freq[t]):
            if kept and postings + freq[term] > POSTINGS_BUDGET:
                break
            kept.add(term)
            postings += freq[term]
        return [t for t in terms if t in kept]

    def _term_state(self, db: sqlite3.Connection) -> dict:
        """Per connection: chunk count and cached document frequencies, dropped whenever
        another connection commits (PRAGMA data_version changes)."""
        version = db.execute("PRAGMA data_version").fetchone()[0]
        cache = self._term_caches.get(id(db))
        if cache is None or cache["version"] != version or cache["writes"] != self._writes:
            total = db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
            cache = {"version": version, "writes": self._writes, "chunks": total, "df": {}}
            self._term_caches[id(db)] = cache
            db.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.stem USING fts5(t, "
                f'tokenize="{FTS_TOKENIZE}")'
            )
            db.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.stem_vocab "
                "USING fts5vocab(temp, stem, 'instance')"
            )
        return cache

    def _doc_freqs(self, db: sqlite3.Connection, state: dict, terms: list[str]) -> dict[str, int]:
        """Chunks holding each term, after the index's own stemming (a compound that stems to
        several tokens counts by its rarest)."""
        known: dict[str, int] = state["df"]
        missing = [t for t in terms if t not in known]
        if missing:
            db.execute("DELETE FROM temp.stem")
            db.executemany(
                "INSERT INTO temp.stem(rowid, t) VALUES (?, ?)", list(enumerate(missing))
            )
            stems: dict[int, list[str]] = {}
            for doc, stem in db.execute("SELECT doc, term FROM temp.stem_vocab"):
                stems.setdefault(doc, []).append(stem)
            everything = sorted({st for group in stems.values() for st in group})
            marks = ",".join("?" * len(everything))
            df = (
                dict(
                    db.execute(
                        f"SELECT term, doc FROM chunks_vocab WHERE term IN ({marks})", everything
                    )
                )
                if everything
                else {}
            )
            for i, term in enumerate(missing):
                known[term] = min((df.get(st, 0) for st in stems.get(i, [])), default=0)
        return {t: known[t] for t in terms}

    def lexical_search(
        self,
        terms: list[str],
        n: int,
        article_ids: Sequence[str] | None = None,
        overfetch: int | None = None,
    ) -> list[tuple[HitRow, float]]:
        """Rows (as in hits_by_ids) with their bm25 score (higher is better).

        The best rowids are ranked inside the FTS index first, then only those rows are
        joined with their text: joining every match before the LIMIT read the text of
        thousands of chunks per query on a large index. With a filter and `overfetch`, the
        best `overfetch` matches are ranked unfiltered and the allowed ones kept; only if
        fewer than n remain is the filter joined into the ranking."""
        match = or_match(terms)
        if match is None:
            return []
        db = self._reader()
        if article_ids is not None and overfetch:
            ranked = self._ranked(db, match, overfetch, None)
            found = self._rows(db, ranked, set(article_ids))
            if len(found) >= n or len(ranked) < overfetch:
                return found[:n]
        return self._rows(db, self._ranked(db, match, n, article_ids), None)

    @staticmethod
    def _ranked(
        db: sqlite3.Connection, match: str, n: int, article_ids: Sequence[str] | None
    ) -> list[tuple[int, float]]:
        if article_ids is None:
            sql = (
                "SELECT rowid, -bm25(chunks_fts) FROM chunks_fts WHERE chunks_fts MATCH ? "
                "ORDER BY bm25(chunks_fts) LIMIT ?"
            )
            return db.execute(sql, (match, n)).fetchall()
        marks = ",".join("?" * len(article_ids))
        return db.execute(
            "SELECT chunks_fts.rowid, -bm25(chunks_fts) FROM chunks_fts "
            "JOIN chunks c ON c.rowid = chunks_fts.rowid "
            f"WHERE chunks_fts MATCH ? AND c.article_id IN ({marks}) "
            "ORDER BY bm25(chunks_fts) LIMIT ?",
            (match, *article_ids, n),
        ).fetchall()

    @staticmethod
    def _rows(
        db: sqlite3.Connection, ranked: list[tuple[int, float]], allowed: set[str] | None
    ) -> list[tuple[HitRow, float]]:
        if not ranked:
            return []
        scores = dict(ranked)
        marks = ",".join("?" * len(scores))
        rows = db.execute(
            # CROSS JOIN keeps chunks as the outer loop: the few ranked rows first, then their
            # articles (the planner otherwise walked every done article through its index)
            f"SELECT c.rowid, {_HIT_COLUMNS} FROM chunks c CROSS JOIN articles a "
            f"ON a.id = c.article_id WHERE c.rowid IN ({marks}) AND a.state = 'done'",
            list(scores),
        ).fetchall()
        found = [(HitRow(*r[1:]), scores[r[0]]) for r in rows if allowed is None or r[2] in allowed]
        return sorted(found, key=lambda pair: pair[1], reverse=True)

    def article_total(self) -> int:
        return int(
            self.db.execute("SELECT COUNT(*) FROM articles WHERE state = 'done'").fetchone()[0]
        )


class _Tx:
    """BEGIN IMMEDIATE ... COMMIT/ROLLBACK around a block (autocommit connection)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
