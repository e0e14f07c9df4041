"""Token-counted, sentence-aligned chunks with overlap and char offsets into the article."""

from __future__ import annotations

import tiktoken

from rag.core.text import Span, add_trimmed, split_sentences
from rag.core.types import Article, Chunk


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
        add_trimmed(text, piece.start, piece.end, trimmed)
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
