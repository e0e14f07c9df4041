"""Per-article briefs: a draft (by the model, or guided by code), then checks by code.

Two ways to draft, chosen by `mode`:
- full: the model writes the whole Draft (one_line, summary, key points with quotes,
  sentiment, what to watch) as schema-constrained JSON. For capable models behind an
  OpenAI-compatible URL.
- guided (the default for the embedded 135M/270M models, which degenerate on free-form JSON):
  code picks the key sentences (verbatim, so every quote holds), builds the summary from them
  and reads sentiment and what-to-watch from the text; the model writes the one-line gist
  from a completion prompt.
Either way entities with tickers, market moves and figures come from deterministic
extraction (rag.brief.extract), and `verify` removes every quote not in the article and every
sentence or item carrying a number the article does not contain, recording each in `checks`.
Articles longer than SINGLE_PASS_TOKENS go map-reduce over chunks: key points per chunk
(by the model in full mode, by code in guided mode), then the brief from those points."""

from __future__ import annotations

import logging

from rag.brief import extract
from rag.brief.entities import entities_and_moves, lead_moves
from rag.brief.schema import QUOTE_MAX_CHARS, Brief, Check, Draft, KeyPoint, MapPoints, Mode
from rag.brief.sentences import (
    as_point,
    clean_sentences,
    gist_problems,
    is_prose,
    lead_line,
    lexical_sentiment,
    rank,
    same_fact,
    term_weights,
    unbulleted,
    watch_items,
)
from rag.brief.verify import verify
from rag.core.guard import GuardedText, redact
from rag.core.prompts import Prompt, load_prompt
from rag.core.text import sentences
from rag.core.tokens import get_encoding
from rag.core.types import Article
from rag.ingest.chunking import chunk_article
from rag.llm import ChatModel, Message, Usage, structured

log = logging.getLogger(__name__)


SINGLE_PASS_TOKENS = 900  # beyond this the article goes through map-reduce


MAP_CHUNK_TOKENS = 700


def make_brief(
    article: Article, model: ChatModel, *, mode: Mode = "auto", max_attempts: int = 2
) -> Brief:
    """A checked Brief of `article`; `auto` drafts guided for embedded models, full otherwise."""
    if mode == "auto":
        mode = "full" if model.drafts_briefs else "guided"
    prompt = load_prompt("brief" if mode == "guided" else "brief_full")
    notes: list[Check] = []
    guarded = GuardedText(article.text)  # split and scanned once for drafting and checks
    withheld = [reason for _, _, reason in guarded.flagged]
    if withheld:
        notes.append(
            Check(
                field="article",
                action="flagged",
                detail=f"{len(withheld)} sentences addressed to an AI were withheld from the "
                f"model and from extraction ({'; '.join(sorted(set(withheld)))})",
            )
        )
    if mode == "guided":
        draft, usage = _guided_draft(article, guarded, model, prompt, notes)
    else:
        draft, usage = _full_draft(article, guarded, model, prompt, max_attempts)
    brief = verify(article, draft, model.name, prompt, guarded)
    brief.mode = mode
    brief.checks[:0] = notes
    brief.usage = usage
    return brief


def _too_long(article: Article) -> bool:
    return len(get_encoding().encode_ordinary(article.text)) > SINGLE_PASS_TOKENS


def _full_draft(
    article: Article, guarded: GuardedText, model: ChatModel, prompt: Prompt, max_attempts: int
) -> tuple[Draft, Usage]:
    usage = Usage()
    text = guarded.redacted
    if _too_long(article):  # map: key points per chunk; reduce: the brief from their quotes
        map_prompt = load_prompt("brief_map")
        quotes: list[str] = []
        for chunk in chunk_article(article, get_encoding(), MAP_CHUNK_TOKENS, overlap=0):
            got = structured(
                model,
                [Message(role="user", content=map_prompt.render(chunk=redact(chunk.text)[0]))],
                MapPoints,
                max_attempts=max_attempts,
                max_tokens=400,
            )
            usage = usage + got.usage
            quotes += [
                kp.quote for kp in got.value.key_points if extract.quote_in(kp.quote, chunk.text)
            ]
        text = "\n".join(quotes) or article.text[:3000]

    def unquoted(draft: Draft) -> list[str]:
        return [
            f"key point {i}'s quote is not in the article: copy a sentence word for word"
            for i, point in enumerate(draft.key_points, 1)
            if not extract.quote_in(point.quote, guarded.blanked)
        ]

    draft = structured(
        model,
        [Message(role="user", content=prompt.render(title=article.title, article=text))],
        Draft,
        max_attempts=max_attempts,
        max_tokens=900,
        check=unquoted,  # re-asked as the answers' reading path is; verify() drops the rest
        check_required=False,
    )
    return draft.value, usage + draft.usage


def _guided_draft(
    article: Article, guarded: GuardedText, model: ChatModel, prompt: Prompt, notes: list[Check]
) -> tuple[Draft, Usage]:
    text = article.text
    sents = [s for s in unbulleted(guarded.safe_sentences) if is_prose(s)] or guarded.sentences
    weights = term_weights(sents)
    if _too_long(article):  # map: the best sentences of each chunk; reduce: the best of those
        pool: list[str] = []
        for chunk in chunk_article(article, get_encoding(), MAP_CHUNK_TOKENS, overlap=0):
            local = [s for s in clean_sentences(chunk.text) if is_prose(s)]
            pool += rank(local, weights)[:3]
    else:
        pool = sents
    # a key point quotes its sentence whole, so a sentence too long to quote is not one
    quotable = [s for s in pool if len(s) <= QUOTE_MAX_CHARS]
    picked = rank(quotable, weights)[:5]
    ordered = sorted(set(picked), key=text.find)  # article order reads naturally
    lead = sents[0] if sents else article.title
    gist_source = " ".join(dict.fromkeys([lead, *ordered]))
    completion = model.complete(
        [Message(role="user", content=prompt.render(title=article.title, article=gist_source))],
        max_tokens=60,
        stop=list(prompt.stop),
    )
    gist = next(iter(sentences(completion.text.strip())), "")
    one_line = gist
    if problems := gist_problems(gist, sents):
        notes.append(
            Check(
                field="one_line",
                action="replaced",
                detail=f"the model's line is not backed by the article ({gist!r}: "
                f"{'; '.join(problems)}); using the opening sentence",
            )
        )
        one_line = lead_line(sents, fallback=lead)
    summary_parts: list[str] = []
    for sentence in dict.fromkeys([lead, *ordered]):
        if any(same_fact(sentence, part) for part in summary_parts):
            continue
        if len(" ".join([*summary_parts, sentence]).split()) > 120:
            break
        summary_parts.append(sentence)
    _, moves = entities_and_moves(guarded.blanked)
    return (
        Draft.model_construct(
            one_line=one_line,
            summary=" ".join(summary_parts) or lead,
            key_points=[KeyPoint(point=as_point(s), quote=s) for s in ordered],
            sentiment=lexical_sentiment(text, article.title, lead_moves(moves)),
            what_to_watch=watch_items(unbulleted(guarded.safe_sentences)),
        ),
        completion.usage,
    )
