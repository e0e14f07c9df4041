"""The catalog and lexical index on PostgreSQL, for an index several machines share.

Chosen by `RAG_DATABASE_URL` (postgresql://...); the vectors then live on a Chroma server
(`RAG_CHROMA_URL`). Same behaviour as the SQLite catalog (rag/catalog.py) behind the Store:
articles, sources, chunks with offsets, states, story and date filters, and the lexical
index. Each collection is a PostgreSQL schema of its own (`rag_<collection>`).

Lexical search: a chunk's terms (rag.core.lexical) go through the FTS5 tokenizer the SQLite index
uses (rag.core.lexical.Stems), so tickers, figures and model names stay whole ("8.1%", "qwq-32b")
and both backends hold the same tokens. Each chunk keeps them with their positions as a
tsvector; the ranking is FTS5's bm25 (k1 1.2, b 0.75, the same idf and document length),
computed in one query from a postings table (token, chunk, count, chunk length) and a table
of document frequencies, both written in the chunk's transaction. (bm25 straight from the
tsvectors, unnesting each matching chunk's vector for its counts, took 10 ms p50 at 2k
chunks against 0.9 ms for FTS5, and grows with the matches: docs/DEPLOYMENT.md.)

The connection, its retries, migrations and locks are `rag.index.pgdb.PgSession`'s.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rag.core.lexical import index_text
from rag.core.types import Article, ArticleInfo, Chunk
from rag.index.catalog import POSTINGS_BUDGET, Counts, HitRow

if TYPE_CHECKING:
    import psycopg

    from rag.index.stories import Signature

from rag.index.pgdb import PgSession

BM25_K1 = 1.2
BM25_B = 0.75
_HIT_COLUMNS = (
    'c.id, c.article_id, a.title, a.date, a.source, c.text, c.start, c."end", a.story, '
    "a.publisher, a.url"
)


def _tsvector(positions: dict[str, list[int]]) -> str:
    """A tsvector literal holding exactly these tokens at these positions (1-based)."""
    parts = []
    for term, where in positions.items():
        quoted = term.replace("\\", "\\\\").replace("'", "''")
        parts.append(f"'{quoted}':{','.join(str(min(p + 1, 16383)) for p in where)}")
    return " ".join(parts)


class PgCatalog(PgSession):
    """The Catalog interface (rag/catalog.py) on PostgreSQL."""

    # -- meta -------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self._one("SELECT value FROM meta WHERE key = %s", (key,))
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._write(
            lambda conn: conn.execute(
                "INSERT INTO meta VALUES (%s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
        )

    # -- articles and sources ---------------------------------------------------------------
    def article_for_source(self, source: str) -> tuple[str, str] | None:
        row = self._one(
            "SELECT a.id, a.state FROM sources s JOIN articles a ON a.id = s.article_id "
            "WHERE s.source = %s",
            (source,),
        )
        return (row[0], row[1]) if row else None

    def article_state(self, article_id: str) -> str | None:
        row = self._one("SELECT state FROM articles WHERE id = %s", (article_id,))
        return row[0] if row else None

    def begin_article(
        self, article: Article, story: str | None = None, signature: Signature | None = None
    ) -> None:
        values = (
            article.id, article.title, article.date, article.time, article.source,
            article.url, article.publisher, article.author, article.word_count, article.text,
            story or article.id, signature.to_bytes() if signature else None,
            signature.shingles if signature else None,
        )  # fmt: skip

        def begin(conn: psycopg.Connection) -> None:
            self._delete_chunks(conn, article.id)
            conn.execute(
                "INSERT INTO articles(id, title, date, time, source, url, publisher, author, "
                "word_count, text, state, story, minhash, shingles) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'pending', %s, %s, %s) "
                "ON CONFLICT (id) DO UPDATE SET title = excluded.title, date = excluded.date, "
                "time = excluded.time, source = excluded.source, url = excluded.url, "
                "publisher = excluded.publisher, author = excluded.author, "
                "word_count = excluded.word_count, text = excluded.text, state = 'pending', "
                "story = excluded.story, minhash = excluded.minhash, "
                "shingles = excluded.shingles",
                values,
            )

        self._write(begin)

    def story_rows(self) -> list[tuple[str, bytes, int, str]]:
        rows = self._all(
            "SELECT id, minhash, shingles, story FROM articles "
            "WHERE state = 'done' AND minhash IS NOT NULL"
        )
        return [(r[0], bytes(r[1]), r[2], r[3]) for r in rows]

    def finish_article(self, article_id: str, chunks: Sequence[Chunk]) -> None:
        """Chunks with their lexical terms, the document frequencies, then state 'done', in
        one transaction."""
        found = self._stems.positions([index_text(c.text) for c in chunks])
        rows = [
            (c.id, c.article_id, c.index, c.start, c.end, c.tokens, c.text, _tsvector(p),
             sum(len(w) for w in p.values()))
            for c, p in zip(chunks, found, strict=True)
        ]  # fmt: skip

        def finish(conn: psycopg.Connection) -> None:
            self._delete_chunks(conn, article_id)
            with conn.cursor() as cur:
                cur.executemany(
                    'INSERT INTO chunks(id, article_id, idx, start, "end", tokens, text, terms, '
                    "length) VALUES (%s, %s, %s, %s, %s, %s, %s, %s::tsvector, %s)",
                    rows,
                )
                rowid: dict[str, int] = dict(
                    conn.execute(
                        "SELECT id, rowid FROM chunks WHERE article_id = %s", (article_id,)
                    ).fetchall()
                )
                with cur.copy("COPY postings(term, chunk, tf, dl) FROM STDIN") as copy:
                    for row, positions in zip(rows, found, strict=True):
                        for term, where in positions.items():
                            copy.write_row((term, rowid[row[0]], len(where), row[8]))
            self._count_terms(conn, found, +1)
            conn.execute("UPDATE articles SET state = 'done' WHERE id = %s", (article_id,))

        self._write(finish)

    @staticmethod
    def _count_terms(
        conn: psycopg.Connection, found: list[dict[str, list[int]]], sign: int
    ) -> None:
        """Add (or take away) these chunks' terms to the document frequencies and the totals.
        Rows are locked in term order, then the totals, so two writers cannot deadlock."""
        df: dict[str, int] = {}
        for positions in found:
            for term in positions:
                df[term] = df.get(term, 0) + 1
        terms = sorted(df)
        if terms:
            conn.execute(
                "INSERT INTO lexicon(term, df) SELECT t, %s * n FROM unnest(%s::text[], "
                "%s::int[]) AS u(t, n) ORDER BY t "
                "ON CONFLICT (term) DO UPDATE SET df = lexicon.df + excluded.df",
                (sign, terms, [df[t] for t in terms]),
            )
        tokens = sum(len(w) for p in found for w in p.values())
        conn.execute(
            "UPDATE lexstats SET chunks = chunks + %s, tokens = tokens + %s",
            (sign * len(found), sign * tokens),
        )

    def _delete_chunks(self, conn: psycopg.Connection, article_id: str) -> None:
        rows = conn.execute(
            "DELETE FROM chunks WHERE article_id = %s RETURNING rowid, terms::text", (article_id,)
        ).fetchall()
        if rows:
            found = [_parse_tsvector(r[1]) for r in rows]
            pairs = [(term, r[0]) for r, p in zip(rows, found, strict=True) for term in p]
            conn.execute(
                "DELETE FROM postings p USING unnest(%s::text[], %s::bigint[]) AS d(term, chunk) "
                "WHERE p.term = d.term AND p.chunk = d.chunk",
                ([t for t, _ in pairs], [c for _, c in pairs]),
            )
            self._count_terms(conn, found, -1)

    def map_source(self, source: str, article_id: str) -> str | None:
        def map_(conn: psycopg.Connection) -> str | None:
            previous = conn.execute(
                "SELECT article_id FROM sources WHERE source = %s FOR UPDATE", (source,)
            ).fetchone()
            conn.execute(
                "INSERT INTO sources VALUES (%s, %s) "
                "ON CONFLICT (source) DO UPDATE SET article_id = excluded.article_id",
                (source, article_id),
            )
            old = previous[0] if previous and previous[0] != article_id else None
            if old is not None:
                self._mark_deleting_if_unreferenced(conn, old)
            return old

        return self._write(map_)

    def unmap_source(self, source: str) -> str | None:
        def unmap(conn: psycopg.Connection) -> str | None:
            row = conn.execute(
                "DELETE FROM sources WHERE source = %s RETURNING article_id", (source,)
            ).fetchone()
            if row is None:
                return None
            self._mark_deleting_if_unreferenced(conn, row[0])
            return str(row[0])

        return self._write(unmap)

    @staticmethod
    def _mark_deleting_if_unreferenced(conn: psycopg.Connection, article_id: str) -> None:
        conn.execute(
            "UPDATE articles SET state = 'deleting' WHERE id = %s AND NOT EXISTS "
            "(SELECT 1 FROM sources WHERE article_id = %s)",
            (article_id, article_id),
        )

    def sources(self) -> list[tuple[str, str]]:
        return [
            (r[0], r[1])
            for r in self._all("SELECT source, article_id FROM sources ORDER BY source")
        ]

    def unfinished(self, keep: bool = False) -> list[str]:
        """Articles not 'done' (or with no source left) that no live writer has claimed: a
        crashed writer's; another machine's work in progress is not listed. With `keep`,
        they stay claimed by this writer (to purge them)."""
        rows = self._all(
            "SELECT id FROM articles WHERE state != 'done' OR NOT EXISTS "
            "(SELECT 1 FROM sources s WHERE s.article_id = articles.id) ORDER BY id"
        )
        free = []
        for (article_id,) in rows:
            mine = article_id in self._claimed
            if mine or self.claim(article_id):
                free.append(article_id)
                if not keep and not mine:
                    self.release(article_id)
        return free

    def matching_ids(self, prefix: str) -> list[str]:
        rows = self._all(
            "SELECT id FROM articles WHERE id LIKE %s AND state = 'done' ORDER BY id LIMIT 6",
            (prefix.replace("%", "").replace("_", "") + "%",),
        )
        return [r[0] for r in rows]

    def forget(self, article_id: str) -> None:
        def forget(conn: psycopg.Connection) -> None:
            conn.execute("DELETE FROM sources WHERE article_id = %s", (article_id,))
            conn.execute("UPDATE articles SET state = 'deleting' WHERE id = %s", (article_id,))

        self._write(forget)

    def delete_article(self, article_id: str) -> None:
        def delete(conn: psycopg.Connection) -> None:
            self._delete_chunks(conn, article_id)
            conn.execute("DELETE FROM sources WHERE article_id = %s", (article_id,))
            conn.execute("DELETE FROM articles WHERE id = %s", (article_id,))

        self._write(delete)
        self.release(article_id)

    # -- reading ----------------------------------------------------------------------------
    def articles(self) -> list[ArticleInfo]:
        rows = self._all(
            "SELECT a.id, a.title, a.date, a.source, a.word_count, "
            "(SELECT COUNT(*) FROM chunks c WHERE c.article_id = a.id), a.story, "
            "(SELECT COUNT(*) FROM articles b WHERE b.story = a.story AND b.state = 'done'), "
            "a.time, a.url, a.publisher, a.author FROM articles a WHERE a.state = 'done' "
            "ORDER BY a.date IS NULL, a.date, a.time, a.title"
        )
        return [
            ArticleInfo(
                id=r[0], title=r[1], date=r[2], source=r[3], word_count=r[4], chunks=r[5],
                story=r[6] or r[0], copies=max(1, r[7]), time=r[8], url=r[9], publisher=r[10],
                author=r[11],
            )
            for r in rows
        ]  # fmt: skip

    def article(self, article_id: str) -> Article | None:
        rows = self._all(
            "SELECT id, title, date, source, url, publisher, text, word_count, author, time "
            "FROM articles WHERE id LIKE %s AND state = 'done' LIMIT 2",
            (article_id.replace("%", "").replace("_", "") + "%",),
        )
        if len(rows) != 1:
            return None
        r = rows[0]
        return Article(
            id=r[0], title=r[1], date=r[2], source=r[3], url=r[4], publisher=r[5], text=r[6],
            word_count=r[7], author=r[8], time=r[9],
        )  # fmt: skip

    def article_text(self, article_id: str) -> str | None:
        row = self._one("SELECT text FROM articles WHERE id = %s", (article_id,))
        return row[0] if row else None

    def chunk_ids(self) -> set[str]:
        return {r[0] for r in self._all("SELECT id FROM chunks")}

    def counts(self) -> Counts:
        row = self._one(
            "SELECT (SELECT COUNT(*) FROM articles WHERE state = 'done'), "
            "(SELECT COUNT(*) FROM sources), (SELECT COUNT(*) FROM chunks), "
            "(SELECT COUNT(*) FROM chunks WHERE length(terms) > 0 OR length = 0), "
            "(SELECT COALESCE(SUM(tokens), 0) FROM chunks)"
        )
        assert row is not None
        return {
            "articles": int(row[0]),
            "sources": int(row[1]),
            "chunks": int(row[2]),
            "lexical_rows": int(row[3]),
            "tokens": int(row[4]),
        }

    def hits_by_ids(self, ids: Iterable[str]) -> dict[str, HitRow]:
        ids = list(ids)
        if not ids:
            return {}
        rows = self._all(
            f"SELECT {_HIT_COLUMNS} FROM chunks c JOIN articles a ON a.id = c.article_id "
            "WHERE c.id = ANY(%s)",
            (ids,),
        )
        return {r[0]: HitRow(*r) for r in rows}

    def copies_of(self, article_id: str) -> list[tuple[str, str, str | None]]:
        rows = self._all(
            "SELECT id, title, date FROM articles WHERE state = 'done' AND id != %s "
            "AND story = (SELECT story FROM articles WHERE id = %s) "
            "ORDER BY date DESC NULLS LAST, id",
            (article_id, article_id),
        )
        return [(r[0], r[1], r[2]) for r in rows]

    def chunk_at(self, article_id: str, offset: int) -> HitRow | None:
        row = self._one(
            f"SELECT {_HIT_COLUMNS} FROM chunks c JOIN articles a ON a.id = c.article_id "
            'WHERE c.article_id = %s AND c.start <= %s AND c."end" > %s ORDER BY c.start LIMIT 1',
            (article_id, offset, offset),
        )
        return HitRow(*row) if row else None

    def filter_articles(
        self,
        article_ids: Sequence[str] | None = None,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
        newest: int | None = None,
    ) -> list[str]:
        sql = ["SELECT id FROM articles WHERE state = 'done'"]
        params: list[object] = []
        if article_ids is not None:
            sql.append("AND id = ANY(%s)")
            params.append(list(article_ids))
        if source is not None:
            sql.append("AND (source LIKE %s OR url LIKE %s)")
            escaped = source.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params.extend([f"%{escaped}%"] * 2)
        if since is not None:
            sql.append("AND date >= %s")
            params.append(since)
        if until is not None:
            sql.append("AND date <= %s")
            params.append(until)
        if newest is not None:
            sql.append("ORDER BY date IS NULL, date DESC, time DESC NULLS LAST, id LIMIT %s")
            params.append(newest)
        return [r[0] for r in self._all(" ".join(sql), params)]

    def newest_date(self) -> str | None:
        row = self._one("SELECT MAX(date) FROM articles WHERE state = 'done'")
        return row[0] if row else None

    def chunk_total(self) -> int:
        row = self._one("SELECT chunks FROM lexstats")
        return int(row[0]) if row else 0

    def chunk_ids_of(self, article_ids: Sequence[str], limit: int) -> list[str] | None:
        rows = self._all(
            "SELECT id FROM chunks WHERE article_id = ANY(%s) LIMIT %s",
            (list(article_ids), limit + 1),
        )
        return None if len(rows) > limit else [r[0] for r in rows]

    def _tokens(self, terms: list[str]) -> dict[str, list[str]]:
        return dict(zip(terms, self._stems.of_terms(terms), strict=True))

    def _doc_freqs(self, tokens: Iterable[str]) -> tuple[int, dict[str, int]]:
        """The chunk count and each token's document frequency, in one query."""
        wanted = sorted(set(tokens))
        rows = self._all(
            "SELECT NULL, chunks FROM lexstats UNION ALL "
            "SELECT term, df FROM lexicon WHERE term = ANY(%s)",
            (wanted,),
        )
        total = next((int(r[1]) for r in rows if r[0] is None), 0)
        found = {r[0]: int(r[1]) for r in rows if r[0] is not None}
        return total, {t: found.get(t, 0) for t in wanted}

    def doc_freq(self, term: str) -> int:
        tokens = self._tokens([term])[term]
        _, df = self._doc_freqs(tokens)
        return min((df[t] for t in tokens), default=0)

    def drop_common_terms(self, terms: list[str]) -> list[str]:
        """As the SQLite catalog: the commonest terms dropped past POSTINGS_BUDGET."""
        if len(terms) <= 1:
            return terms
        tokens = self._tokens(terms)
        total, df = self._doc_freqs(t for group in tokens.values() for t in group)
        if total * len(terms) <= POSTINGS_BUDGET:
            return terms
        freq = {t: min((df[s] for s in tokens[t]), default=0) for t in terms}
        kept: set[str] = set()
        postings = 0
        for term in sorted(terms, key=lambda t: freq[t]):
            if kept and postings + freq[term] > POSTINGS_BUDGET:
                break
            kept.add(term)
            postings += freq[term]
        return [t for t in terms if t in kept]

    def lexical_search(
        self,
        terms: list[str],
        n: int,
        article_ids: Sequence[str] | None = None,
        overfetch: int | None = None,
    ) -> list[tuple[HitRow, float]]:
        """Rows with their bm25 score (higher is better), ranked as FTS5 ranks them; with a
        filter and `overfetch`, as the SQLite catalog: unfiltered first, filtered if short."""
        tokens = sorted({t for group in self._tokens(terms).values() for t in group})
        if not tokens:
            return []
        if article_ids is not None and overfetch:
            found = self._ranked(tokens, overfetch, None)
            allowed = set(article_ids)
            kept = [pair for pair in found if pair[0].article_id in allowed]
            if len(kept) >= n or len(found) < overfetch:
                return kept[:n]
        return self._ranked(tokens, n, article_ids)

    def _ranked(
        self, tokens: list[str], n: int, article_ids: Sequence[str] | None
    ) -> list[tuple[HitRow, float]]:
        """bm25 as FTS5 computes it, in one query: idf = ln((N - df + 0.5) / (df + 0.5)),
        1e-6 where that is not positive; the document length is its token count."""
        join = (
            "JOIN chunks f ON f.rowid = p.chunk AND f.article_id = ANY(%(ids)s)"
            if article_ids is not None
            else ""
        )
        sql = f"""
            WITH s AS (SELECT chunks::float8 AS n, tokens::float8 / GREATEST(chunks, 1) AS avgdl
                       FROM lexstats),
            q AS (
                SELECT t.term, CASE WHEN x > 0 THEN x ELSE 1e-6 END AS idf
                FROM unnest(%(terms)s::text[]) AS t(term) LEFT JOIN lexicon l ON l.term = t.term
                CROSS JOIN s CROSS JOIN LATERAL (SELECT ln((s.n - COALESCE(l.df, 0) + 0.5)
                                                 / (COALESCE(l.df, 0) + 0.5)) AS x) AS v
            ),
            best AS (
                SELECT p.chunk, SUM(q.idf * (p.tf * (%(k1)s + 1.0))
                    / (p.tf + %(k1)s * (1.0 - %(b)s + %(b)s * p.dl / s.avgdl))) AS score
                FROM q JOIN postings p ON p.term = q.term CROSS JOIN s {join}
                GROUP BY p.chunk ORDER BY score DESC, p.chunk LIMIT %(n)s
            )
            SELECT {_HIT_COLUMNS}, best.score FROM best JOIN chunks c ON c.rowid = best.chunk
            JOIN articles a ON a.id = c.article_id WHERE a.state = 'done'
            ORDER BY best.score DESC, c.rowid
        """
        params = {
            "terms": tokens, "k1": BM25_K1, "b": BM25_B, "n": n,
            "ids": list(article_ids) if article_ids is not None else None,
        }  # fmt: skip
        rows = self._all(sql, params)  # type: ignore[arg-type]
        return [(HitRow(*r[:11]), float(r[11])) for r in rows]

    def article_total(self) -> int:
        row = self._one("SELECT COUNT(*) FROM articles WHERE state = 'done'")
        return int(row[0]) if row else 0


_LEXEME = re.compile(r"'((?:[^']|'')*)'(?::([\d,A-D]+))?")


def _parse_tsvector(text: str) -> dict[str, list[int]]:
    """A tsvector's text form back into token -> positions (to take its counts away)."""
    found: dict[str, list[int]] = {}
    for match in _LEXEME.finditer(text):
        term = match.group(1).replace("''", "'").replace("\\\\", "\\")
        where = match.group(2) or ""
        found[term] = [int(re.sub(r"[A-D]$", "", p)) for p in where.split(",") if p]
    return found
