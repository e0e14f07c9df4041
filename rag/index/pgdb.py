"""A session with one collection's schema on PostgreSQL: a pool of connections with retries
on transient errors, transactions, the schema's creation and migrations, and the advisory
locks that let several writers ingest at once.

Several writers at once: a writer holds a shared advisory lock while it ingests (`rag doctor
--repair` takes it exclusively), and claims each article with an advisory lock on its id
before it embeds it, so two machines never do the same article twice. The locks are held by
a session: a writer killed mid-ingest loses them with its connection, and the articles it
left 'pending' are purged by the next writer (an article still claimed is someone's work in
progress and is left alone).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from rag.core.errors import BackendError, ConfigError
from rag.core.lexical import Stems
from rag.index.catalog import IndexVersionError

if TYPE_CHECKING:
    import psycopg


log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
CONNECT_TIMEOUT_S = 10
STATEMENT_TIMEOUT_MS = 120_000
RETRIES = 3  # attempts for a read or a transaction that fails on a transient error
POOL_SIZE = 4

_TABLES = """
CREATE TABLE IF NOT EXISTS meta(key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS articles(
    id text PRIMARY KEY,
    title text NOT NULL,
    date text,
    time text,
    source text NOT NULL,
    url text,
    publisher text,
    author text,
    word_count integer NOT NULL,
    text text NOT NULL,
    state text NOT NULL CHECK (state IN ('pending', 'done', 'deleting')),
    story text,
    minhash bytea,
    shingles integer
);
CREATE INDEX IF NOT EXISTS articles_filter ON articles(state, date, source, id);
CREATE INDEX IF NOT EXISTS articles_story ON articles(story, state);
CREATE TABLE IF NOT EXISTS sources(
    source text PRIMARY KEY,
    article_id text NOT NULL REFERENCES articles(id)
);
CREATE INDEX IF NOT EXISTS sources_article ON sources(article_id);
CREATE TABLE IF NOT EXISTS chunks(
    rowid bigserial PRIMARY KEY,
    id text NOT NULL UNIQUE,
    article_id text NOT NULL REFERENCES articles(id),
    idx integer NOT NULL,
    start integer NOT NULL,
    "end" integer NOT NULL,
    tokens integer NOT NULL,
    text text NOT NULL,
    terms tsvector NOT NULL,
    length integer NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_article ON chunks(article_id);
-- The inverted index bm25 reads: a posting per (token, chunk) with its count in the chunk and
-- the chunk's token count; read by token through the primary key alone.
CREATE TABLE IF NOT EXISTS postings(
    term text NOT NULL,
    chunk bigint NOT NULL,
    tf integer NOT NULL,
    dl integer NOT NULL,
    PRIMARY KEY (term, chunk) INCLUDE (tf, dl)
);
CREATE TABLE IF NOT EXISTS lexicon(term text PRIMARY KEY, df integer NOT NULL);
CREATE TABLE IF NOT EXISTS lexstats(
    one integer PRIMARY KEY CHECK (one = 1),
    chunks bigint NOT NULL,
    tokens bigint NOT NULL
);
INSERT INTO lexstats VALUES (1, 0, 0) ON CONFLICT DO NOTHING;
"""

# Version 1: the tables above. A later version adds a function here that brings version
# n-1 to n inside the migration's transaction; a new schema is created at the latest.
MIGRATIONS: dict[int, Callable[[Any], None]] = {}

_COLLECTION = re.compile(r"^[A-Za-z0-9_-]{1,50}$")

T = TypeVar("T")


def redact_url(url: str) -> str:
    """The URL with its password replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))


def schema_name(collection: str) -> str:
    if not _COLLECTION.match(collection):
        raise ConfigError(
            f"collection {collection!r} cannot name a PostgreSQL schema: use letters, digits, "
            "'_' and '-' (at most 50)"
        )
    return "rag_" + collection.replace("-", "_").lower()


class PgSession:
    """A pooled session with one collection's schema, and this writer's locks."""

    def __init__(self, url: str, collection: str, create: bool = True) -> None:
        try:
            import psycopg
            from psycopg_pool import ConnectionPool
        except ImportError:  # pragma: no cover - a dependency of the package
            raise ConfigError(
                "RAG_DATABASE_URL needs psycopg: pip install 'psycopg[binary]' psycopg-pool"
            ) from None
        self.url = url
        self.where = redact_url(url)
        self.schema = schema_name(collection)
        self._errors = (psycopg.OperationalError, psycopg.errors.DeadlockDetected,
                        psycopg.errors.SerializationFailure)  # fmt: skip
        self._psycopg = psycopg
        self._stems = Stems()
        schema = self.schema

        def configure(conn: psycopg.Connection) -> None:
            conn.execute(f"SET search_path TO {schema}")  # a checked name (schema_name)

        # JIT compilation is for long analytic queries: it added 200-340 ms to each bm25 search
        # (a few ms without it) whenever the planner's estimate crossed jit_above_cost, as on
        # tables not yet analysed.
        options = f"-c statement_timeout={STATEMENT_TIMEOUT_MS} -c jit=off"
        kwargs: dict[str, Any] = {
            "autocommit": True,
            "connect_timeout": CONNECT_TIMEOUT_S,
            "options": options,
            "application_name": "rag",
        }
        try:
            # first the session that holds advisory locks: a refused login says why at once
            self._locks = psycopg.connect(url, **{**kwargs, "application_name": "rag-locks"})
            self.pool = ConnectionPool(
                url, min_size=1, max_size=POOL_SIZE, kwargs=kwargs, configure=configure,
                open=True, timeout=CONNECT_TIMEOUT_S, name=f"rag-{collection}",
            )  # fmt: skip
            self.pool.wait(timeout=CONNECT_TIMEOUT_S)
        except Exception as exc:
            if hasattr(self, "pool"):
                self.pool.close()
            if hasattr(self, "_locks"):
                self._locks.close()
            why = first_line(exc, url)
            if _REFUSED_LOGIN.search(why):
                raise BackendError(
                    f"PostgreSQL at {self.where} refused the login ({why}): check the user, "
                    "password and database name in RAG_DATABASE_URL"
                ) from None
            raise BackendError(
                f"cannot reach PostgreSQL at {self.where} ({why}): start "
                "it, or unset RAG_DATABASE_URL to keep the index in the data dir"
            ) from None
        self._claimed: set[str] = set()
        self._writer: str | None = None  # 'shared' or 'exclusive' while held
        try:
            self._migrate(create)
        except BaseException:
            self.close()
            raise

    # -- connections ------------------------------------------------------------------------
    def close(self) -> None:
        if not self._locks.closed:
            self._locks.close()  # releases every advisory lock of this session
        self.pool.close()

    def _retry(self, work: Callable[[psycopg.Connection], T]) -> T:
        """Run `work` on a pooled connection; a transient error (connection lost, deadlock,
        serialization) is retried RETRIES times with a growing pause."""
        for attempt in range(RETRIES):
            try:
                with self.pool.connection() as conn:
                    return work(conn)
            except self._errors as exc:
                if attempt == RETRIES - 1:
                    raise BackendError(
                        f"PostgreSQL at {self.where} failed: {first_line(exc, self.url)}"
                    ) from None
                log.warning("PostgreSQL: %s; retrying", first_line(exc, self.url))
                time.sleep(0.2 * 2**attempt)
                self.pool.check()  # drop the pooled connections the server has closed
            except self._psycopg.Error as exc:  # not transient: said once, no traceback
                raise BackendError(
                    f"PostgreSQL at {self.where} refused a query of the index {self.schema!r} "
                    f"({first_line(exc, self.url)}): run `rag doctor`; if the schema was "
                    "changed by hand, ingest into another --collection"
                ) from None
        raise AssertionError("unreachable")

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return self._retry(lambda conn: conn.execute(sql, params).fetchall())

    def _one(self, sql: str, params: Sequence[Any] = ()) -> tuple | None:
        return self._retry(lambda conn: conn.execute(sql, params).fetchone())

    def _write(self, work: Callable[[psycopg.Connection], T]) -> T:
        """`work` in one transaction (retried whole on a transient error)."""

        def tx(conn: psycopg.Connection) -> T:
            with conn.transaction():
                return work(conn)

        return self._retry(tx)

    # -- schema -----------------------------------------------------------------------------
    def _migrate(self, create: bool) -> None:
        """Create the schema at SCHEMA_VERSION, or bring an older one forward, under a
        transaction-scoped advisory lock (two machines opening a new index at once)."""
        if self._version() == SCHEMA_VERSION:
            return
        if not create and self._version() is None:
            from rag.core.errors import IndexMissingError

            raise IndexMissingError(
                f"no index {self.schema!r} in PostgreSQL at {self.where}: run `rag ingest "
                "seeds/` (or your folder) first"
            )

        def migrate(conn: psycopg.Connection) -> None:
            conn.execute(
                "SELECT pg_advisory_xact_lock(hashtext('rag-migrate'), hashtext(%s))",
                (self.schema,),
            )
            version = self._version(conn)
            if version is None:
                version = SCHEMA_VERSION
                conn.execute(f"CREATE SCHEMA IF NOT EXISTS {self.schema}")
            if version > SCHEMA_VERSION:
                raise IndexVersionError(
                    f"the index {self.schema!r} in PostgreSQL at {self.where} was written by a "
                    f"newer release of rag (schema {version} > {SCHEMA_VERSION}): upgrade rag"
                )
            for step in range(version + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[step](conn)
            conn.execute(_TABLES)
            conn.execute(
                "INSERT INTO meta VALUES ('schema_version', %s) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(SCHEMA_VERSION),),
            )

        self._write(migrate)

    def _version(self, conn: psycopg.Connection | None = None) -> int | None:
        exists = (
            "SELECT 1 FROM information_schema.tables WHERE table_schema = %s "
            "AND table_name = 'meta'"
        )

        def read(c: psycopg.Connection) -> int | None:
            if c.execute(exists, (self.schema,)).fetchone() is None:
                return None
            row = c.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            return int(row[0]) if row else None

        return read(conn) if conn is not None else self._retry(read)

    def drop(self) -> None:
        """Remove this collection's schema and everything in it (eval's temporary index)."""
        self._write(lambda conn: conn.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE"))

    def analyze(self) -> None:
        """Refresh the planner's statistics after a large ingest (a new postings table read
        by sequential scan took 95 ms a query at 2k chunks instead of 2)."""
        self._retry(lambda conn: conn.execute("ANALYZE chunks, postings, lexicon, articles"))

    # -- coordination -----------------------------------------------------------------------
    def writer_lock(self, exclusive: bool = False) -> bool:
        """Take the writers' lock: shared for an ingest (several at once), exclusive for a
        repair (no ingest running anywhere). False if it is held the other way."""
        fn = "pg_try_advisory_lock" if exclusive else "pg_try_advisory_lock_shared"
        row = self._lock_query(f"SELECT {fn}(hashtext('rag-writers'), hashtext(%s))", ())
        if row and row[0]:
            self._writer = "exclusive" if exclusive else "shared"
            return True
        return False

    def writer_unlock(self) -> None:
        if self._writer is None or self._locks.closed:
            return
        fn = "pg_advisory_unlock" if self._writer == "exclusive" else "pg_advisory_unlock_shared"
        self._lock_query(f"SELECT {fn}(hashtext('rag-writers'), hashtext(%s))", ())
        self._writer = None

    def _lock_query(self, sql: str, params: tuple[str, ...]) -> tuple | None:
        """A lock function on the locking session, keyed by this index's schema first. Its
        connection lost, the locks are lost too: said, never retried."""
        try:
            return self._locks.execute(sql, (self.schema, *params)).fetchone()
        except self._psycopg.Error as exc:
            raise BackendError(
                f"lost the connection holding this writer's locks on PostgreSQL at "
                f"{self.where} ({first_line(exc, self.url)}): run the ingest again"
            ) from None

    def claim(self, article_id: str, wait: bool = False) -> bool:
        """Claim an article for this writer; False if another writer holds it (with `wait`,
        wait for it to let go)."""
        if article_id in self._claimed:
            return True
        row = self._lock_query(
            "SELECT true FROM pg_advisory_lock(hashtext(%s), hashtext(%s))" if wait else
            "SELECT pg_try_advisory_lock(hashtext(%s), hashtext(%s))",
            (article_id,),
        )  # fmt: skip
        if row and row[0]:
            self._claimed.add(article_id)
            return True
        return False

    def release(self, article_id: str) -> None:
        if article_id in self._claimed and not self._locks.closed:
            self._lock_query("SELECT pg_advisory_unlock(hashtext(%s), hashtext(%s))", (article_id,))
        self._claimed.discard(article_id)


# What the server says when it is up but will not let this user in.
_REFUSED_LOGIN = re.compile(
    r"password authentication failed|role \S+ does not exist|database \S+ does not exist|"
    r"no pg_hba\.conf entry|permission denied for database"
)


def first_line(exc: BaseException, url: str) -> str:
    """An error's first line without the URL's password."""
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    password = urlsplit(url).password
    return text.replace(password, "***") if password else text
