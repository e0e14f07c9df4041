"""The shipped reader on onnxruntime: scores (question, sentence) pairs and finds the answer
span in each. The file is checked against its sha256 at load; torch is never imported.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from rag.core.errors import ConfigError
from rag.reader.encode import Encoded, encode, plain

MODEL_DIR = Path(__file__).resolve().parent / "model"
MODEL_FILE = "reader-int8.onnx"
MAX_SPAN_TOKENS = 20
BATCH = 16  # pairs per onnxruntime run: padding to the longest costs less in small batches


@dataclass(frozen=True)
class Reading:
    """One sentence read for one question."""

    here: float  # probability that the sentence answers the question
    span: float  # start + end logit of the best span, against the no-answer span's
    start: int  # the span's characters in the sentence
    end: int


class SentenceReader(Protocol):
    """What reads (sentence before, sentence) pairs for a question: the shipped Reader, or a
    scripted one in tests."""

    def read(self, question: str, pairs: list[tuple[str, str]]) -> list[Reading]: ...


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _expected_sha(folder: Path) -> str:
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        digest, _, name = line.partition("  ")
        if name.strip() == MODEL_FILE:
            return digest
    raise ConfigError(f"{folder / 'SHA256SUMS'} names no {MODEL_FILE}: reinstall rag")


class Reader:
    """The extractive reader; `read` is thread-safe (one run at a time)."""

    def __init__(self, folder: Path = MODEL_DIR) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        path = folder / MODEL_FILE
        if not path.is_file():
            raise ConfigError(f"the reader model {path} is missing: reinstall rag")
        expected = _expected_sha(folder)
        if sha256(path) != expected:
            raise ConfigError(f"the reader model {path} fails its sha256 check: reinstall rag")
        self.tokenizer = plain(Tokenizer.from_file(str(folder / "tokenizer.json")))
        options = ort.SessionOptions()
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.name = "reader-" + expected[:8]
        self._lock = threading.Lock()

    def read(self, question: str, pairs: list[tuple[str, str]]) -> list[Reading]:
        """A reading of each (sentence before, sentence) pair for the question."""
        encs = [encode(self.tokenizer, question, s, before) for before, s in pairs]
        out: list[Reading] = []
        for i in range(0, len(encs), BATCH):
            out += self._run(encs[i : i + BATCH])
        return out

    def _run(self, encs: list[Encoded]) -> list[Reading]:
        width = max(len(e.ids) for e in encs)
        ids = np.zeros((len(encs), width), dtype=np.int64)
        types, mask = np.zeros_like(ids), np.zeros_like(ids)
        for i, e in enumerate(encs):
            ids[i, : len(e.ids)], types[i, : len(e.ids)], mask[i, : len(e.ids)] = (
                e.ids, e.type_ids, 1
            )  # fmt: skip
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        with self._lock:
            start, end, here = self.session.run(None, feeds)
        return [_reading(e, start[i], end[i], float(here[i])) for i, e in enumerate(encs)]


def _reading(enc: Encoded, start: np.ndarray, end: np.ndarray, here: float) -> Reading:
    """The best span of at most MAX_SPAN_TOKENS tokens inside the sentence."""
    n, first = len(enc.offsets), enc.first
    s, e = start[first : first + n], end[first : first + n]
    scores = s[:, None] + e[None, :]
    band = np.triu(np.ones((n, n), dtype=bool)) & ~np.triu(
        np.ones((n, n), dtype=bool), MAX_SPAN_TOKENS
    )
    scores = np.where(band, scores, -np.inf)
    i, j = np.unravel_index(int(np.argmax(scores)), scores.shape)
    null = float(start[0] + end[0])
    return Reading(
        here=float(1 / (1 + np.exp(-here))),
        span=float(scores[i, j]) - null,
        start=enc.offsets[i][0],
        end=enc.offsets[j][1],
    )


@lru_cache(maxsize=1)
def shipped_reader() -> Reader:
    """The reader inside the package, loaded once per process."""
    return Reader()
