"""One input layout for training and inference: [CLS] question [SEP] before [SEP] sentence [SEP].

Only the candidate sentence's tokens (and [CLS], meaning "no answer here") may hold the span;
the sentence before it is context for pronouns ("It was founded in 1910").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_QUESTION = 40
MAX_BEFORE = 40
MAX_SENTENCE = 110


@dataclass(frozen=True)
class Encoded:
    ids: list[int]
    type_ids: list[int]
    first: int  # index of the sentence's first token
    offsets: list[tuple[int, int]]  # character offsets of the sentence's tokens in it


def plain(tokenizer: Any) -> Any:
    """The tokenizer without the padding and truncation its saved file may carry."""
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


def _ids_offsets(tokenizer: Any, text: str) -> tuple[list[int], list[tuple[int, int]]]:
    enc = tokenizer.encode(text, add_special_tokens=False)
    return list(enc.ids), [tuple(o) for o in enc.offsets]


def encode(tokenizer: Any, question: str, sentence: str, before: str = "") -> Encoded:
    """Token ids for one (question, sentence) pair; `tokenizer` is a `tokenizers.Tokenizer`."""
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    q_ids, _ = _ids_offsets(tokenizer, question)
    b_ids, _ = _ids_offsets(tokenizer, before) if before else ([], [])
    s_ids, s_off = _ids_offsets(tokenizer, sentence)
    q_ids = q_ids[:MAX_QUESTION]
    b_ids = b_ids[-MAX_BEFORE:]  # the end of the sentence before is nearest the candidate
    s_ids, s_off = s_ids[:MAX_SENTENCE], s_off[:MAX_SENTENCE]
    head = [cls, *q_ids, sep]
    body = [*b_ids, sep] if b_ids else []
    ids = head + body + s_ids + [sep]
    type_ids = [0] * len(head) + [1] * (len(ids) - len(head))
    return Encoded(ids, type_ids, len(head) + len(body), s_off)


def token_span(enc: Encoded, start: int, end: int) -> tuple[int, int] | None:
    """The first and last token (input positions) covering characters [start, end) of the
    sentence, or None when the sentence was cut before them."""
    first = last = None
    for i, (a, b) in enumerate(enc.offsets):
        if first is None and b > start:
            first = i
        if a < end:
            last = i
    if first is None or last is None or last < first or enc.offsets[last][1] < end:
        return None
    return enc.first + first, enc.first + last
