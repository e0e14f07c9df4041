"""Token-counted, sentence-aligned chunks with overlap and char offsets into the article."""

from __future__ import annotations

import re
from dataclasses import dataclass

import tiktoken

from rag.types import Article, Chunk

# A sentence ends at . ! ? (plus closing quotes/brackets) before whitespace and a capital,
# digit, quote or bullet; or at a line break. Abbreviations below never end a sentence.
_BOUNDARY = re.compile(
    r"(?<=[.!?])[\"'”’)\]]*(?=\s+[\"'“‘(\[A-Z0-9•\-\u00c0-\u00de\u0388-\u03ab\u0400-\u042f\u3040-\u30ff\u4e00-\u9fff])|(?<=[。！？])\s*|\n"
)
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "inc", "corp", "co", "ltd", "jr", "sr", "st", "vs",
    "etc", "e.g", "i.e", "u.s", "u.k", "u.n", "no", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "gov", "gen", "sen", "rep", "fig", "approx",
}  # fmt: skip
_LAST_WORD = re.compile(r"([A-Za-z.]+)\.$")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def split_sentences(text: str) -> list[Span]:
    """Sentence spans, whitespace-trimmed, covering every non-space character of `text`."""
    spans: list[Span] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if match.group() != "\n":
            word = _LAST_WORD.search(text[start:end].rstrip("\"'”’)]"))
            if word and word.group(1).lower() in _ABBREVIATIONS:
                continue
        _add_trimmed(text, start, end, spans)
        start = end
    _add_trimmed(text, start, len(text), spans)
    return spans


def _add_trimmed(text: str, start: int, end: int, spans: list[Span]) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        spans.append(Span(start + lead, start + lead + len(stripped)))


def _split_long(
    text: str, span: Span, tokens: list[int], enc: tiktoken.Encoding, max_tokens: int
) -> list[tuple[Span, int]]:
    """Cut a sentence longer than max_tokens at whitespace near every max_tokens tokens."""
    _, offsets = enc.decode_with_offsets(tokens)
    pieces: list[tuple[Span, int]] = []
    first_tok = 0
    while first_tok < len(tokens):
        last_tok = min(first_tok + max_tokens, len(tokens))
        cut = span.start + (offsets[last_tok] if last_tok < len(tokens) else span.end - span.start)
        if last_tok < len(tokens):
            space = text.rfind(" ", span.start + offsets[first_tok] + 1, cut)
            if space > span.start + offsets[first_tok]:
                cut = space
                while last_tok > first_tok + 1 and span.start + offsets[last_tok] > cut:
                    last_tok -= 1
        piece_start = span.start + offsets[first_tok]
        piece = Span(piece_start, cut)
        trimmed: list[Span] = []
        _add_trimmed(text, piece.start, piece.end, trimmed)
        if trimmed:
            pieces.append((trimmed[0], last_tok - first_tok))
        first_tok = last_tok
    return pieces


def chunk_article(
    article: Article, enc: tiktoken.Encoding, max_tokens: int = 256, overlap: int = 48
) -> list[Chunk]:
    """Pack whole sentences into chunks of at most max_tokens; consecutive chunks share
    trailing sentences worth up to `overlap` tokens."""
    text = article.text
    sentences = split_sentences(text)
    token_lists = enc.encode_ordinary_batch([text[s.start : s.end] for s in sentences])
    units: list[tuple[Span, int]] = []
    for span, toks in zip(sentences, token_lists, strict=True):
        if len(toks) > max_tokens:
            units.extend(_split_long(text, span, toks, enc, max_tokens))
        else:
            units.append((span, len(toks)))

    chunks: list[Chunk] = []
    i = 0
    while i < len(units):
        j, total = i, 0
        while j < len(units) and (j == i or total + units[j][1] <= max_tokens):
            total += units[j][1]
            j += 1
        start, end = units[i][0].start, units[j - 1][0].end
        chunks.append(
            Chunk(
                id=f"{article.id}:{len(chunks)}",
                article_id=article.id,
                index=len(chunks),
                start=start,
                end=end,
                text=text[start:end],
                tokens=total,
            )
        )
        if j == len(units):
            break
        k, back = j, 0
        while k - 1 > i and back + units[k - 1][1] <= overlap:
            k -= 1
            back += units[k][1]
        i = k
    return chunks
