"""A persistent embedding cache keyed by content hash.

A chunk whose exact text was embedded before by the same embedder is never embedded again:
an edited article re-embeds only its changed chunks, and rebuilding an index (another
collection, a repaired one, a copy of the same articles) costs a lookup per chunk. The cache
is one SQLite file in the data dir; deleting it is always safe.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from rag.core.sqlitedb import connect_wal
from rag.index.embed import Embedder

CACHE_FILE = "embed-cache.sqlite"
_LOOKUP_BATCH = 500  # stays under SQLite's bound-parameter limit


def content_key(embedder_name: str, text: str) -> bytes:
    return hashlib.sha256(f"{embedder_name}\0{text}".encode()).digest()


class CachedEmbedder:
    """Wraps an embedder; same name and vectors, but texts seen before cost no model call."""

    def __init__(self, inner: Embedder, path: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.path = path
        self.db = connect_wal(path)
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, dim INTEGER, vec BLOB)"
            " WITHOUT ROWID"
        )
        self.hits = 0
        self.misses = 0

    @property
    def load_seconds(self) -> float:
        return float(getattr(self.inner, "load_seconds", 0.0))

    def embed(self, texts: list[str]) -> np.ndarray:
        keys = [content_key(self.name, t) for t in texts]
        found = self._lookup(set(keys))
        missing: dict[bytes, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in found and key not in missing:
                missing[key] = text
        if missing:
            fresh = self.inner.embed(list(missing.values()))
            rows = []
            for key, vector in zip(missing, fresh, strict=True):
                vector = np.asarray(vector, dtype=np.float32)
                found[key] = vector
                rows.append((key, len(vector), vector.tobytes()))
            self.db.execute("BEGIN")
            self.db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)
            self.db.execute("COMMIT")
        self.misses += len(missing)
        self.hits += len(texts) - len(missing)
        if not texts:
            return self.inner.embed([])
        return np.stack([found[k] for k in keys])

    def _lookup(self, keys: set[bytes]) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        wanted = list(keys)
        for i in range(0, len(wanted), _LOOKUP_BATCH):
            batch = wanted[i : i + _LOOKUP_BATCH]
            marks = ",".join("?" * len(batch))
            for key, dim, blob in self.db.execute(
                f"SELECT key, dim, vec FROM vectors WHERE key IN ({marks})", batch
            ):
                vector = np.frombuffer(blob, dtype=np.float32)
                if len(vector) == dim:  # a torn row is treated as missing
                    found[key] = vector
        return found

    def entries(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM vectors").fetchone()[0])

    def close(self) -> None:
        self.db.close()
