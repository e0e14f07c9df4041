"""The answer log: every `rag ask`, REPL turn and `rag brief` kept in `<data dir>/logs.sqlite`.

A record holds what a fact-check needs weeks later, even after the index changed: the
question, the standalone query, the filters, the passages given to the model (ids, titles,
dates, offsets and the text itself), the model and prompt version, the raw reply, the checked
answer, its method and flags, timings and tokens. One transaction per answer; WAL, so readers
never wait for a writer and two processes logging at once lose nothing.

Writing never costs the user an answer: `AnswerLog.record` warns once and carries on when the
file cannot be written (a read-only folder, a full disk, a damaged file). No API key or header
is ever stored; the model's raw reply passes through `redact_secrets` like every error.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.core.errors import RagError, redact_secrets
from rag.core.prompts import load_prompt
from rag.core.sqlitedb import connect_wal, statements

if TYPE_CHECKING:
    from rag.answer import Answer
    from rag.brief import Brief
    from rag.core.types import Article
    from rag.index.retrieve import Filters

LOG_FILE = "logs.sqlite"
log = logging.getLogger(__name__)

# Each step moves the file one version up (PRAGMA user_version); a file written by an older
# release is brought forward when opened, one step at a time, in one transaction each.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE entries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        time TEXT NOT NULL,
        command TEXT NOT NULL,
        session TEXT,
        question TEXT NOT NULL,
        query TEXT,
        filters TEXT NOT NULL DEFAULT '{}',
        answer TEXT NOT NULL,
        method TEXT NOT NULL,
        kind TEXT,
        abstained INTEGER NOT NULL DEFAULT 0,
        evidence TEXT,
        evidence_n INTEGER,
        flags TEXT NOT NULL DEFAULT '[]',
        model TEXT NOT NULL,
        prompt_version TEXT,
        model_text TEXT NOT NULL DEFAULT '',
        timings TEXT NOT NULL DEFAULT '{}',
        usage TEXT NOT NULL DEFAULT '{}',
        record TEXT
    );
    CREATE INDEX entries_time ON entries(time);
    CREATE TABLE passages (
        entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        n INTEGER NOT NULL,
        chunk_id TEXT NOT NULL,
        article_id TEXT NOT NULL,
        title TEXT NOT NULL,
        date TEXT,
        source TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        text TEXT NOT NULL,
        cited INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (entry_id, n)
    );
    CREATE VIRTUAL TABLE entries_fts USING fts5(
        question, answer, content='entries', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER entries_ai AFTER INSERT ON entries BEGIN
        INSERT INTO entries_fts(rowid, question, answer)
        VALUES (new.id, new.question, new.answer);
    END;
    CREATE TRIGGER entries_ad AFTER DELETE ON entries BEGIN
        INSERT INTO entries_fts(entries_fts, rowid, question, answer)
        VALUES ('delete', old.id, old.question, old.answer);
    END;
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


class LogError(RagError):
    """The answer log cannot be read, or has no such entry."""


@dataclass
class Passage:
    n: int
    chunk_id: str
    article_id: str
    title: str
    date: str | None
    source: str
    start: int
    end: int
    text: str
    cited: bool = False


@dataclass
class Entry:
    """One logged answer (or brief), as `rag logs show` prints it."""

    id: int
    time: str
    command: str
    question: str
    answer: str
    method: str
    model: str
    session: str | None = None
    query: str | None = None
    filters: dict[str, Any] = field(default_factory=dict)
    kind: str | None = None
    abstained: bool = False
    evidence: str | None = None
    evidence_n: int | None = None
    flags: list[str] = field(default_factory=list)
    prompt_version: str | None = None
    model_text: str = ""
    timings: dict[str, Any] = field(default_factory=dict)
    usage: dict[str, Any] = field(default_factory=dict)
    record: dict[str, Any] | None = None
    passages: list[Passage] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """What `rag logs --json` prints per entry."""
        return {
            "id": self.id,
            "time": self.time,
            "command": self.command,
            "question": self.question,
            "answer": self.answer,
            "method": self.method,
            "model": self.model,
        }

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def migrate(db: sqlite3.Connection) -> None:
    """Bring the file to SCHEMA_VERSION; a newer file than this release knows is refused."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise LogError(
            f"the answer log was written by a newer release (schema {version} > "
            f"{SCHEMA_VERSION}): upgrade rag, or set RAG_LOG=false"
        )
    for step in range(version, SCHEMA_VERSION):
        db.execute("BEGIN IMMEDIATE")
        try:
            # another process may have migrated while this one waited for the lock
            if db.execute("PRAGMA user_version").fetchone()[0] > step:
                db.execute("ROLLBACK")
                continue
            for statement in statements(MIGRATIONS[step]):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {step + 1}")
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise


def _connect(path: Path) -> sqlite3.Connection:
    """The log's file in WAL mode, at SCHEMA_VERSION, rows readable by column name."""
    db = connect_wal(path)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA foreign_keys=ON")
    migrate(db)
    return db


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _filters_json(filters: Filters | None) -> dict[str, Any]:
    if filters is None:
        return {}
    return {k: v for k, v in filters.model_dump(mode="json").items() if v not in (None, [])}


class AnswerLog:
    """Writes and reads the log. `open_for_writing` never raises: a log that cannot be
    written warns once, and every later `record` is a no-op."""

    def __init__(
        self,
        path: Path,
        db: sqlite3.Connection | None,
        on_warning: Callable[[str], None] | None = None,
    ) -> None:
        self.path = path
        self.db = db
        self.on_warning = on_warning or log.warning
        self.warned = False

    # -- opening ----------------------------------------------------------------------------
    @classmethod
    def open(cls, data_dir: Path) -> AnswerLog:
        """For reading (`rag logs`): a missing or unreadable log is a LogError."""
        path = Path(data_dir) / LOG_FILE
        if not path.is_file():
            raise LogError(
                f"no answer log in {data_dir}: answers are logged by `rag ask`, `rag chat` "
                "and `rag brief` (unless RAG_LOG=false)"
            )
        try:
            return cls(path, _connect(path))
        except sqlite3.Error as exc:
            raise LogError(f"cannot read the answer log {path}: {exc}") from None

    @classmethod
    def open_for_writing(
        cls, data_dir: Path, on_warning: Callable[[str], None] | None = None
    ) -> AnswerLog:
        path = Path(data_dir) / LOG_FILE
        log_ = cls(path, None, on_warning)
        try:
            log_.db = _connect(path)
        except (sqlite3.Error, OSError, RagError) as exc:
            log_._warn(exc)
        return log_

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def __enter__(self) -> AnswerLog:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _warn(self, exc: BaseException) -> None:
        if not self.warned:
            self.warned = True
            self.on_warning(
                f"the answer was not logged ({type(exc).__name__}: {redact_secrets(str(exc))}): "
                f"check {self.path}, or turn the log off with RAG_LOG=false or --no-log"
            )

    # -- writing ----------------------------------------------------------------------------
    def record(
        self,
        answer: Answer,
        *,
        command: str,
        filters: Filters | None = None,
        session: str | None = None,
    ) -> int | None:
        """Log one answer in one transaction; its id, or None when it could not be written.
        The prompt version is the answer prompt's when the model was asked."""
        kept = {f.name for f in fields(Passage)}  # what the log stores of each passage
        passages = [
            Passage(**c.model_dump(include=kept), cited=c.n in answer.cited)
            for c in answer.citations
        ]
        # what newsroom reading added: how dates were read, figures the sources give otherwise
        dated = answer.model_dump(
            include={"time_scope", "differs", "evidence_date", "evidence_days"},
            exclude_defaults=True,
        )
        row = {
            "command": command,
            "session": session,
            "question": answer.question,
            "query": answer.query,
            "filters": json.dumps(_filters_json(filters)),
            "answer": answer.text,
            "method": answer.method,
            "kind": answer.kind,
            "abstained": int(answer.abstained),
            "evidence": answer.evidence,
            "evidence_n": answer.evidence_n,
            "flags": json.dumps(answer.flags, ensure_ascii=False),
            "model": answer.model,
            "prompt_version": load_prompt("answer_read").version if answer.model_text else None,
            "model_text": redact_secrets(answer.model_text),
            "timings": answer.timings.model_dump_json(),
            "usage": answer.usage.model_dump_json(),
            "record": json.dumps(dated, ensure_ascii=False) if dated else None,
        }
        return self._insert(row, passages)

    def record_brief(
        self, brief: Brief, article: Article, *, command: str = "brief", session: str | None = None
    ) -> int | None:
        """Log a brief with the article it rests on (its whole text: the record outlives a
        re-ingest)."""
        passage = Passage(
            n=1, chunk_id=f"{article.id}:all", article_id=article.id, title=article.title,
            date=article.date, source=article.source, start=0, end=len(article.text),
            text=article.text, cited=True,
        )  # fmt: skip
        row = {
            "command": command,
            "session": session,
            "question": f"brief: {brief.title}",
            "query": None,
            "filters": json.dumps({"article_ids": [article.id]}),
            "answer": brief.one_line,
            "method": f"brief-{brief.mode}",
            "kind": "brief",
            "abstained": 0,
            "evidence": None,
            "evidence_n": None,
            "flags": json.dumps(
                [f"{c.field}: {c.action}: {c.detail}" for c in brief.checks], ensure_ascii=False
            ),
            "model": brief.model,
            "prompt_version": brief.prompt_version,
            "model_text": "",
            "timings": "{}",
            "usage": brief.usage.model_dump_json(),
            "record": json.dumps(brief.model_dump(mode="json"), ensure_ascii=False),
        }
        return self._insert(row, [passage])

    def _insert(self, row: dict[str, Any], passages: Sequence[Passage]) -> int | None:
        if self.db is None:
            return None
        row = {"time": now(), **row}
        columns = ", ".join(row)
        marks = ", ".join(f":{name}" for name in row)
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                cursor = self.db.execute(f"INSERT INTO entries ({columns}) VALUES ({marks})", row)
                entry_id = int(cursor.lastrowid or 0)
                self.db.executemany(
                    'INSERT INTO passages (entry_id, n, chunk_id, article_id, title, date, '
                    'source, start, "end", text, cited) VALUES (?,?,?,?,?,?,?,?,?,?,?)',
                    [
                        (entry_id, p.n, p.chunk_id, p.article_id, p.title, p.date, p.source,
                         p.start, p.end, p.text, int(p.cited))
                        for p in passages
                    ],
                )  # fmt: skip
                self.db.execute("COMMIT")
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise
        except (sqlite3.Error, OSError) as exc:
            self._warn(exc)
            return None
        return entry_id

    # -- reading ----------------------------------------------------------------------------
    def _db(self) -> sqlite3.Connection:
        if self.db is None:
            raise LogError(f"the answer log {self.path} is not open")
        return self.db

    def entries(
        self, limit: int = 20, search: str | None = None, since: date | None = None
    ) -> list[Entry]:
        """The newest entries first, without their passages; `search` is full-text over
        questions and answers (every word must occur; a word matches as a prefix)."""
        where: list[str] = []
        params: list[Any] = []
        if since:
            where.append("e.time >= ?")
            params.append(since.isoformat())
        sql = "SELECT e.* FROM entries e"
        if search:
            query = fts_query(search)
            if not query:
                raise LogError(f"nothing to search for in {search!r}: give a word or a number")
            sql += " JOIN entries_fts f ON f.rowid = e.id"
            where.append("entries_fts MATCH ?")
            params.append(query)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY e.id DESC LIMIT ?"
        params.append(limit)
        return [_entry(row) for row in self._db().execute(sql, params)]

    def get(self, entry_id: int) -> Entry:
        db = self._db()
        row = db.execute("SELECT * FROM entries WHERE id = ?", (entry_id,)).fetchone()
        if row is None:
            newest = db.execute("SELECT max(id) FROM entries").fetchone()[0]
            raise LogError(
                f"no log entry {entry_id} (entries run 1-{newest or 0}): `rag logs` lists them"
            )
        entry = _entry(row)
        rows = db.execute("SELECT * FROM passages WHERE entry_id = ? ORDER BY n", (entry_id,))
        entry.passages = [_passage(row) for row in rows]
        return entry

    def count(self) -> int:
        return int(self._db().execute("SELECT count(*) FROM entries").fetchone()[0])


def _passage(row: sqlite3.Row) -> Passage:
    data = dict(row)
    del data["entry_id"]
    return Passage(**data | {"cited": bool(data["cited"])})


_JSON_COLUMNS = ("filters", "flags", "timings", "usage", "record")


def _entry(row: sqlite3.Row) -> Entry:
    data = dict(row)
    for name in _JSON_COLUMNS:
        data[name] = json.loads(data[name]) if data[name] else None
    return Entry(**data | {"abstained": bool(data["abstained"])})


def fts_query(text: str) -> str:
    """A user's words as an FTS5 query: each word quoted (no operator syntax), as a prefix."""
    words = re.findall(r"\w+", text)
    return " ".join(f'"{w}"*' for w in words)


# -- fact-check sheets ----------------------------------------------------------------------


def evidence_offsets(entry: Entry) -> tuple[Passage, int, int] | None:
    """The passage the evidence sentence comes from and the sentence's char offsets in the
    article (the passage's offset plus its place in the passage)."""
    if not entry.evidence or entry.evidence_n is None:
        return None
    for p in entry.passages:
        if p.n == entry.evidence_n and (at := p.text.find(entry.evidence)) >= 0:
            return p, p.start + at, p.start + at + len(entry.evidence)
    return None


def sheet(entry: Entry) -> dict[str, Any]:
    """A fact-check sheet: the question, the answer, and each quote it rests on with the
    article's title, date, source and the quote's char offsets in the cleaned article."""
    quotes: list[dict[str, Any]] = []
    found = evidence_offsets(entry)
    if found:
        p, start, end = found
        quotes.append(_quote(p, entry.evidence or "", start, end, "evidence"))
    for p in entry.passages:
        if p.cited or entry.abstained:
            quotes.append(_quote(p, p.text, p.start, p.end, "passage"))
    return {
        "id": entry.id,
        "time": entry.time,
        "question": entry.question,
        "answer": entry.answer,
        "method": entry.method,
        "abstained": entry.abstained,
        "model": entry.model,
        "checks": entry.flags,
        "differs": (entry.record or {}).get("differs"),
        "dates": (entry.record or {}).get("time_scope"),
        "quotes": quotes,
    }


def _quote(p: Passage, text: str, start: int, end: int, role: str) -> dict[str, Any]:
    return {
        "role": role, "n": p.n, "quote": text, "title": p.title, "date": p.date,
        "source": p.source, "article_id": p.article_id, "start": start, "end": end,
    }  # fmt: skip


def sheet_markdown(entry: Entry) -> str:
    data = sheet(entry)
    lines = [f"## Log {entry.id}: {entry.question}", ""]
    lines.append(f"*{entry.time} · {entry.command} · {entry.model} · method {entry.method}*")
    lines += ["", f"**Answer:** {entry.answer}", ""]
    for label in ("differs", "dates"):
        if data[label]:
            lines += [f"**{label.capitalize()}:** {data[label]}", ""]
    for check in data["checks"]:
        lines.append(f"- check: {check}")
    if data["checks"]:
        lines.append("")
    if not data["quotes"]:
        lines += ["No passage was given: nothing to check against.", ""]
    for q in data["quotes"]:
        what = "Evidence" if q["role"] == "evidence" else "Passage"
        lines.append(
            f"{what} [{q['n']}] — {q['title']} ({q['date'] or 'no date'}), {q['source']}, "
            f"article {q['article_id']}, chars {q['start']}-{q['end']}:"
        )
        lines += ["", *(f"> {line}" for line in q["quote"].splitlines() or [""]), ""]
    return "\n".join(lines).rstrip() + "\n"


def gold_lines(entries: Sequence[Entry]) -> list[str]:
    """JSONL for `rag eval --qa-gold`: each logged question with its evidence, the reference
    answer left empty for a person to fill (the tool's own answer is shown on the comment line
    above it, never copied in: gold written by the system under test proves nothing)."""
    lines = [
        "// From the answer log: fill in each 'answer' (a short reference) and check the "
        "evidence; for a question the articles do not answer, set type 'unanswerable' and "
        "answer null.",
    ]
    for entry in entries:
        found = evidence_offsets(entry)
        cited = [p for p in entry.passages if p.cited] or ([found[0]] if found else [])
        articles = sorted({Path(p.source.split("#", 1)[0]).name for p in cited})
        lines.append(f"// log {entry.id} answered ({entry.method}): {entry.answer}")
        item = {
            "id": f"log-{entry.id}",
            "type": _gold_type(entry),
            "question": entry.question,
            "answer": "",
            "variants": [],
            "articles": articles,
            "evidence": [entry.evidence] if entry.evidence else [],
        }
        lines.append(json.dumps(item, ensure_ascii=False))
    return lines


def _gold_type(entry: Entry) -> str:
    return {
        "quantity": "numeric", "date": "when", "person": "who", "reason": "why",
        "yesno": "yesno",
    }.get(entry.kind or "", "factual")  # fmt: skip
