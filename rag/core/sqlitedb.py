"""Opening the project's SQLite files (catalog, embedding cache, answer log) in WAL mode,
and running their schema scripts."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

BUSY_SECONDS = 30.0


def connect_wal(path: Path) -> sqlite3.Connection:
    """A connection in WAL mode, autocommit, waiting up to BUSY_SECONDS for locks.

    Switching a new file to WAL takes a lock that SQLite does not wait for: two processes
    creating the same file at once (two `rag ingest` on a new data dir) got "database is
    locked" at once. The switch is retried until the busy timeout."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                db.close()
                raise
            time.sleep(0.05)
    db.execute("PRAGMA synchronous=NORMAL")
    return db


def statements(script: str) -> Iterator[str]:
    """A schema or migration script cut into statements, to run inside a transaction the
    caller holds (executescript would commit it first); triggers keep their inner semicolons."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip():
        yield buffer.strip()
