"""Sentence choice: every sentence of the retrieved passages scored for the question."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rag.answer.kinds import NEAR_FIGURE, asked_noun, count_noun, names_noun
from rag.answer.phrases import typed_phrase
from rag.answer.spans import (
    Kind,
)
from rag.answer.types import Answer, Citation
from rag.core.guard import injection_reason
from rag.core.lexical import terms
from rag.core.text import QUESTION_WORDS, content_terms, initials, split_sentences, stem
from rag.core.textsafe import has_link
from rag.index.store import Store


def term_weights(query: str, store: Store) -> dict[str, float]:
    """IDF weight per query content term (by stem). A term no article contains weighs most:
    a question about something the articles never mention should not look answered."""
    total = store.chunk_total()
    weights: dict[str, float] = {}
    for term in terms(initials(query)):
        if term in QUESTION_WORDS:
            continue
        df = store.doc_freq(term)
        weights[stem(term)] = max(weights.get(stem(term), 0.0), math.log((total + 1) / (df + 0.5)))
    return weights


@dataclass
class Candidate:
    """A sentence of a retrieved passage, scored for the question."""

    n: int  # the passage's marker
    text: str
    start: int  # char offset in the passage
    rank: int  # position of the sentence over all passages
    lexical: float = 0.0
    context: float = 0.0  # the same share, over this sentence and the one before it
    dense: float = 0.0
    typed: bool = False
    counted: bool = False  # its figure counts what a 'how many' question counts
    title: bool = False

    @property
    def score(self) -> float:
        return (
            self.lexical
            + CONTEXT_WEIGHT * self.context
            + DENSE_WEIGHT * self.dense
            + (TYPE_BONUS if self.typed else 0.0)
            + (TYPE_BONUS if self.counted else 0.0)
            - (TITLE_PENALTY if self.title else 0.0)
            - RANK_DECAY * self.rank
        )


# How a sentence is scored for a question: the IDF-weighted share of the question's terms
# it holds, plus its dense similarity to the question, plus a bonus when it holds a phrase
# of the kind asked for (a figure for "how many"); titles rank only when nothing else does.
# Tuned on the dev split of evals/qa_reader.jsonl (see evals/README.md).
DENSE_WEIGHT = 0.6


CONTEXT_WEIGHT = 0.3


TYPE_BONUS = 0.25


TITLE_PENALTY = 0.5


RANK_DECAY = 0.002


# The chosen sentence must hold at least this share of the question's weighted terms.
MIN_SENTENCE_SUPPORT = 0.3


EMBED_GROUP = 8  # the question embedder's fast path takes this many texts at once


def candidates(
    citations: Sequence[Citation], question: str, weights: dict[str, float], kind: Kind
) -> list[Candidate]:
    """Every sentence of the passages that is not addressed to a model, with its lexical
    score and whether it holds a phrase of the asked kind."""
    out: list[Candidate] = []
    total = sum(weights.values()) or 1.0
    asked = content_terms(question)
    counted = count_noun(question)
    noun = asked_noun(question)
    for c in citations:
        previous = ""
        for span in split_sentences(c.text):
            sentence = c.text[span.start : span.end]
            if injection_reason(sentence) or has_link(sentence) or len(sentence.split()) < 3:
                continue
            here = content_terms(sentence)
            around = here | content_terms(previous)  # 'This operation ...' names it before
            phrase = typed_phrase(sentence, question, kind, asked, weights)
            named_noun = kind == "other" and noun is not None and names_noun(sentence, noun)
            out.append(
                Candidate(
                    n=c.n,
                    text=sentence,
                    start=span.start,
                    rank=len(out),
                    lexical=sum(w for t, w in weights.items() if t in here) / total,
                    context=sum(w for t, w in weights.items() if t in around) / total,
                    typed=phrase is not None or named_noun,
                    counted=phrase is not None
                    and counted is not None
                    and counted in content_terms(sentence[phrase.start : phrase.end + NEAR_FIGURE]),
                    title=_is_title(sentence, c),
                )
            )
            previous = sentence
    return out


def _is_title(sentence: str, citation: Citation) -> bool:
    flat = " ".join(sentence.split())
    return flat == " ".join(citation.title.split()) or (
        citation.start == 0 and sentence is not None and not flat.endswith((".", "?", "!", '"'))
    )


def add_dense(cands: list[Candidate], query: str, embedder: Any) -> None:
    """Cosine similarity of each sentence to the question (the question embedder's fast
    path takes a few texts at a time, so sentences go in small groups)."""
    if not cands:
        return
    texts = [query] + [c.text for c in cands]
    vectors = np.vstack(
        [embedder.embed(texts[i : i + EMBED_GROUP]) for i in range(0, len(texts), EMBED_GROUP)]
    )
    vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    sims = vectors[1:] @ vectors[0]
    for cand, sim in zip(cands, sims, strict=True):
        cand.dense = float(sim)


def set_answer(result: Answer, text: str, cand: Candidate, method: str) -> None:
    """`result` answers `text`, citing the sentence `cand` as its evidence."""
    result.text = f"{text} [{cand.n}]"
    result.cited = [cand.n]
    result.evidence, result.evidence_n = cand.text, cand.n
    result.method = method  # type: ignore[assignment]
    result.abstained = False
