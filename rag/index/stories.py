"""Stories: near-duplicate articles grouped, so one story counts as one source.

Syndicated copies, updated versions and one wire story under several headlines share most
of their word 5-shingles. Each article gets a MinHash signature of its shingles (datasketch;
NUM_PERM permutations and a fixed seed, so signatures compare across runs and machines).
An article joins the story of the most similar indexed article when their overlap is at
least THRESHOLD, else it starts its own story, named by its own id. Overlap is the larger of
the estimated Jaccard similarity and the estimated containment of the shorter article in the
longer (a wire copy cut to two thirds shares most of its shingles with the full story but
under half of their union). THRESHOLD was chosen by measurement on evals/newsroom/
(bench/stories.py): planted copies score 0.91-0.99, other pairs 0.00, and no two of the 490
corpus articles reach 0.3.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from datasketch import MinHash

NUM_PERM = 128
SHINGLE_WORDS = 5
THRESHOLD = 0.5
LSH_THRESHOLD = 0.2  # candidates for the exact check: lower than THRESHOLD, so none is missed
SEED = 1
SCHEME = "affine32"  # datasketch 2 hash scheme, named so stored signatures stay comparable
_WORD = re.compile(r"\w+")


class Signature:
    """An article's MinHash values and its number of distinct shingles."""

    def __init__(self, values: np.ndarray, shingles: int) -> None:
        self.values = values
        self.shingles = shingles

    @classmethod
    def of(cls, text: str) -> Signature:
        words = _WORD.findall(text.lower())
        shingles = {
            " ".join(words[i : i + SHINGLE_WORDS])
            for i in range(max(1, len(words) - SHINGLE_WORDS + 1))
        }
        from datasketch import MinHash  # imported on use: it pulls in scipy (~1 s)

        mh = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
        mh.update_batch([s.encode("utf-8") for s in shingles])
        return cls(mh.hashvalues.astype(np.uint64), len(shingles))

    def to_bytes(self) -> bytes:
        return self.values.astype("<u8").tobytes()

    @classmethod
    def from_bytes(cls, blob: bytes, shingles: int) -> Signature:
        return cls(np.frombuffer(blob, dtype="<u8").astype(np.uint64), shingles)

    def minhash(self) -> MinHash:
        from datasketch import MinHash

        return MinHash(num_perm=NUM_PERM, seed=SEED, hashvalues=self.values, scheme=SCHEME)


def overlap(a: Signature, b: Signature) -> float:
    """max(Jaccard, containment of the smaller in the larger), both estimated."""
    jaccard = float(np.mean(a.values == b.values))
    smaller = max(1, min(a.shingles, b.shingles))
    # |A ∩ B| = J (|A| + |B|) / (1 + J)
    common = jaccard * (a.shingles + b.shingles) / (1 + jaccard)
    return max(jaccard, min(1.0, common / smaller))


class StoryIndex:
    """Signatures of indexed articles, searchable by LSH; `assign` names an article's story."""

    def __init__(self, threshold: float = THRESHOLD) -> None:
        from datasketch import MinHashLSH

        self.threshold = threshold
        self.lsh: Any = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self.signatures: dict[str, Signature] = {}
        self.story_of: dict[str, str] = {}

    def add(self, article_id: str, sig: Signature, story: str) -> None:
        if article_id in self.signatures:
            return
        self.lsh.insert(article_id, sig.minhash())
        self.signatures[article_id] = sig
        self.story_of[article_id] = story

    def assign(self, article_id: str, sig: Signature) -> str:
        """The story of the most similar indexed article at or above the threshold, else a
        new story named by this article's id; the article joins the index."""
        if article_id in self.story_of:
            return self.story_of[article_id]
        best, best_overlap = None, self.threshold
        for other in self.lsh.query(sig.minhash()):
            score = overlap(sig, self.signatures[other])
            if score >= best_overlap:
                best, best_overlap = other, score
        story = self.story_of[best] if best else article_id
        self.add(article_id, sig, story)
        return story

    @classmethod
    def of(cls, rows: Iterable[tuple[str, bytes, int, str]]) -> StoryIndex:
        """From (article id, signature bytes, shingles, story) rows of the catalog."""
        index = cls()
        for article_id, blob, shingles, story in rows:
            index.add(article_id, Signature.from_bytes(blob, shingles), story)
        return index
