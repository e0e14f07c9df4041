"""SQuAD's answer metrics: exact match and token F1 after its normalisation."""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Iterable

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = set(string.punctuation)


def squad_normalise(text: str) -> str:
    text = "".join(ch for ch in text.lower() if ch not in _PUNCT)
    return " ".join(_ARTICLES.sub(" ", text).split())


def exact(prediction: str, references: Iterable[str]) -> float:
    p = squad_normalise(prediction)
    return float(any(p == squad_normalise(r) for r in references))


def f1(prediction: str, references: Iterable[str]) -> float:
    def one(ref: str) -> float:
        p, r = squad_normalise(prediction).split(), squad_normalise(ref).split()
        same = sum((Counter(p) & Counter(r)).values())
        if not same:
            return 0.0
        precision, recall = same / len(p), same / len(r)
        return 2 * precision * recall / (precision + recall)

    return max((one(r) for r in references), default=0.0)
