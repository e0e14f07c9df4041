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
extraction (rag.extract), and `verify` removes every quote not in the article and every
sentence or item carrying a number the article does not contain, recording each in `checks`.
Articles longer than SINGLE_PASS_TOKENS go map-reduce over chunks: key points per chunk
(by the model in full mode, by code in guided mode), then the brief from those points.
"""

from __future__ import annotations

import logging
import re
from typing import Literal

from pydantic import BaseModel, Field

from rag import extract
from rag.chunking import chunk_article
from rag.guard import GuardedText, injection_reason, redact
from rag.llm import ChatModel, Message, Usage, structured
from rag.numbers import canonical, numbers_in, unsupported_numbers
from rag.prompts import Prompt, load_prompt
from rag.text import content_terms, sentences
from rag.textsafe import has_link, neutralise_links
from rag.tokens import get_encoding
from rag.types import Article

log = logging.getLogger(__name__)

SCHEMA_VERSION = "2"  # 2: entities carry a role; variants merged
SINGLE_PASS_TOKENS = 900  # beyond this the article goes through map-reduce
MAP_CHUNK_TOKENS = 700
MIN_ONE_LINE_SUPPORT = 0.7  # share of the one-liner's content words the article must contain
Mode = Literal["auto", "full", "guided"]


QUOTE_MAX_CHARS = 300


class KeyPoint(BaseModel):
    point: str = Field(min_length=8, max_length=150, description="One fact, in a sentence.")
    quote: str = Field(
        min_length=8, max_length=QUOTE_MAX_CHARS, description="Verbatim sentence from the article."
    )


class Sentiment(BaseModel):
    label: Literal["positive", "negative", "neutral", "mixed"]
    reason: str = Field(min_length=3, max_length=120)


class Draft(BaseModel):
    """What the model writes (grammar-constrained); code checks all of it."""

    one_line: str = Field(min_length=10, max_length=200, description="The gist, <= 30 words.")
    summary: str = Field(min_length=40, max_length=500, description="<= 120 words.")
    key_points: list[KeyPoint] = Field(min_length=3, max_length=5)
    sentiment: Sentiment
    what_to_watch: list[str] = Field(default_factory=list, max_length=3)  # items <= 120 chars


class MapPoints(BaseModel):
    """Map step over one chunk of a long article."""

    key_points: list[KeyPoint] = Field(min_length=1, max_length=3)


class Entity(BaseModel):
    name: str
    kind: Literal["company", "person", "product", "other"]
    ticker: str | None = Field(None, description="Only when the article gives it.")
    role: str | None = Field(
        None, description="A person's role as the article gives it ('Tencent CEO')."
    )


class MarketMove(BaseModel):
    who: str
    ticker: str | None = None
    move_pct: float = Field(description="Signed percent change.")
    direction: Literal["up", "down"]
    when: str | None = None
    kind: Literal["reported", "quote_box"] = Field(
        description="reported: a move the article states ('rallied 8.1% on Tuesday'); "
        "quote_box: the change printed next to a ticker ('(BABA -1.71%)'), often from another "
        "session than the one the article reports."
    )
    quote: str = Field(description="Verbatim sentence holding the move.")


class Figure(BaseModel):
    value: str = Field(description="As written, with its unit ('$317.7 billion').")
    measures: str = Field(description="What it measures, from its sentence.")
    quote: str


Action = Literal["removed", "replaced", "flagged"]


class Difference(BaseModel):
    """A figure another copy of the same story gives otherwise (rag.conflicts)."""

    value: str = Field(description="The figure here, with its scale ('8.1%').")
    quote: str = Field(description="The sentence here that states it.")
    other_value: str
    other_quote: str
    other_article_id: str
    other_title: str
    other_date: str | None


class Check(BaseModel):
    field: str
    action: Action
    detail: str


class Brief(BaseModel):
    """A structured brief of one article; every quote and number is checked against it."""

    article_id: str
    title: str
    source: str
    date: str | None
    one_line: str = Field(description="The gist in at most 30 words.")
    summary: str = Field(description="At most 120 words.")
    key_points: list[KeyPoint] = Field(description="3-6 facts, each with a verbatim quote.")
    entities: list[Entity] = Field(description="Companies (with tickers the article gives).")
    market_moves: list[MarketMove]
    figures: list[Figure]
    sentiment: Sentiment
    what_to_watch: list[str] = Field(description="0-3 items.")
    checks: list[Check] = Field(description="What verification removed, replaced or flagged.")
    differs_from: list[Difference] = Field(
        default_factory=list,
        description="Figures that other indexed copies of the same story give otherwise "
        "(filled from the index when the brief is shown, not cached).",
    )
    model: str
    mode: Literal["full", "guided"] = Field(
        "guided", description="Who drafted it (see module doc)."
    )
    prompt_version: str
    schema_version: str = SCHEMA_VERSION
    usage: Usage = Field(default_factory=Usage)


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
    draft = structured(
        model,
        [Message(role="user", content=prompt.render(title=article.title, article=text))],
        Draft,
        max_attempts=max_attempts,
        max_tokens=900,
    )
    return draft.value, usage + draft.usage


def _guided_draft(
    article: Article, guarded: GuardedText, model: ChatModel, prompt: Prompt, notes: list[Check]
) -> tuple[Draft, Usage]:
    text = article.text
    sents = [s for s in _unbulleted(guarded.safe_sentences) if _is_prose(s)] or guarded.sentences
    weights = _term_weights(sents)
    if _too_long(article):  # map: the best sentences of each chunk; reduce: the best of those
        pool: list[str] = []
        for chunk in chunk_article(article, get_encoding(), MAP_CHUNK_TOKENS, overlap=0):
            local = [s for s in _clean_sentences(chunk.text) if _is_prose(s)]
            pool += _rank(local, weights)[:3]
    else:
        pool = sents
    # a key point quotes its sentence whole, so a sentence too long to quote is not one
    quotable = [s for s in pool if len(s) <= QUOTE_MAX_CHARS]
    picked = _rank(quotable, weights)[:5]
    ordered = sorted(set(picked), key=text.find)  # article order reads naturally
    lead = sents[0] if sents else article.title
    gist_source = " ".join(dict.fromkeys([lead, *ordered]))
    completion = model.complete(
        [Message(role="user", content=prompt.render(title=article.title, article=gist_source))],
        max_tokens=60,
        stop=list(prompt.stop),
    )
    gist = next(iter(sentences(completion.text.strip())), "")
    one_line = _supported_gist(gist, text)
    if one_line is None:
        notes.append(
            Check(
                field="one_line",
                action="replaced",
                detail=f"the model's line is not backed by the article ({gist!r}); using the lead",
            )
        )
        one_line = lead
    summary_parts: list[str] = []
    for sentence in dict.fromkeys([lead, *ordered]):
        if any(same_fact(sentence, part) for part in summary_parts):
            continue
        if len(" ".join([*summary_parts, sentence]).split()) > 120:
            break
        summary_parts.append(sentence)
    return (
        Draft.model_construct(
            one_line=one_line,
            summary=" ".join(summary_parts) or lead,
            key_points=[KeyPoint(point=_as_point(s), quote=s) for s in ordered],
            sentiment=_lexical_sentiment(text),
            what_to_watch=_watch_items(sents),
        ),
        completion.usage,
    )


def _clean_sentences(text: str) -> list[str]:
    """Sentences without list bullets (still verbatim substrings of the text), leaving out
    any that address the model or carry a link."""
    return _unbulleted(GuardedText(text).safe_sentences)


def _unbulleted(sents: list[str]) -> list[str]:
    return [s.lstrip("•*-–· ").strip() for s in sents]


def _is_prose(sentence: str) -> bool:
    """A sentence, not a heading, caption or bullet fragment."""
    words = sentence.split()
    return len(words) >= 8 and sentence.rstrip()[-1:] in '.!?"”'


def _term_weights(sents: list[str]) -> dict[str, float]:
    """How central each term is: the share of the article's sentences that use it."""
    counts: dict[str, int] = {}
    for sentence in sents:
        for term in content_terms(sentence):
            counts[term] = counts.get(term, 0) + 1
    n = max(1, len(sents))
    return {t: c / n for t, c in counts.items() if c > 1}


def _rank(sents: list[str], weights: dict[str, float]) -> list[str]:
    """Sentences by centrality, plus a bonus for figures and moves, minus near-duplicates."""

    def score(sentence: str) -> float:
        terms = content_terms(sentence)
        centrality = sum(weights.get(t, 0.0) for t in terms) / (len(terms) ** 0.5 or 1)
        facts = 0.3 * min(2, len(numbers_in(sentence)))
        return centrality + facts

    def self_contained(sentence: str) -> float:
        return 0.0 if _DANGLING.match(sentence) else 1.0

    ranked: list[str] = []
    for sentence in sorted(
        dict.fromkeys(sents), key=lambda s: (self_contained(s), score(s)), reverse=True
    ):
        if any(same_fact(sentence, r) for r in ranked):
            continue  # a caption or bullet repeating a body sentence
        ranked.append(sentence)
    return ranked


# A sentence that leans on the one before it: "It said...", "This means...", "They added".
_DANGLING = re.compile(r"(?:This|That|These|Those|It|They|He|She|Such|Both)\b(?!-)")
# Connectives a key point does not need: "Therefore, Alibaba rose" -> "Alibaba rose"
_CONNECTIVE = re.compile(
    r"(?:Therefore|Thus|Hence|Nevertheless|Nevetheless|Nonetheless|However|Still|Meanwhile|"
    r"Moreover|Also|Besides|And|But|So|Indeed|Instead|Consequently|As a result|In addition|"
    r"After all|Even so),\s+(?=[A-Za-z])"
)


def same_fact(a: str, b: str) -> bool:
    """Two sentences state the same fact: most of the shorter one's terms are in the other;
    or they give the same figures and share a third of their terms (a photo caption, a
    bullet and a body sentence about one 7% jump); or both tell of the same name's price
    moving the same way with no figure that differs ('Alibaba shares surged 7% after ...'
    and 'Alibaba surged on Thursday after ...')."""
    ta, tb = content_terms(a), content_terms(b)
    if not ta or not tb:
        return False
    shared = len(ta & tb) / min(len(ta), len(tb))
    figures_a, figures_b = set(map(canonical, numbers_in(a))), set(map(canonical, numbers_in(b)))
    if shared > 0.6 or (bool(figures_a) and figures_a == figures_b and shared >= 0.3):
        return True
    names = set(re.findall(r"\b[A-Z][a-zA-Z]+", a)) & set(re.findall(r"\b[A-Z][a-zA-Z]+", b))
    same_way = bool(ta & tb & {"move-up", "move-down"})
    agree = not figures_a or not figures_b or figures_a == figures_b
    return same_way and agree and bool(names - _SENTENCE_WORDS)


_SENTENCE_WORDS = frozenset(
    ["The", "A", "An", "It", "Its", "This", "That", "They", "Shares", "Stock", "In", "On"]
)


def _as_point(sentence: str) -> str:
    """The sentence without quote boxes like '(BABA -1.71%)', which are not the point, and
    without a leading connective."""
    point = re.sub(r"\s*\([A-Z]{1,5}(?:\.[A-Z]{1,2})?\s+[-+−]?\d+(?:\.\d+)?%\)", "", sentence)
    point = " ".join(point.split())
    if (m := _CONNECTIVE.match(point)) and len(point) > m.end() + 8:
        point = point[m.end()].upper() + point[m.end() + 1 :]
    return point if len(point) <= 150 else point[:149].rsplit(" ", 1)[0] + "…"


def _supported_gist(gist: str, text: str) -> str | None:
    """The model's one-liner when the article backs it: most content words in the article,
    every number in the article, and not the prompt's example."""
    terms = content_terms(gist)
    if len(terms) < 3 or unsupported_numbers(gist, text):
        return None
    known = content_terms(text)
    if sum(t in known for t in terms) / len(terms) < MIN_ONE_LINE_SUPPORT:
        return None
    return gist


_POSITIVE_TEXT = """
    rally rallied surge surged jump jumped rise rose risen gain gained climb climbed soar
    soared boost boosted record best top tops beat beats growth leader euphoria comeback
    sustainable efficient"""
_NEGATIVE_TEXT = """
    fall fell drop dropped slide slid sink sank tumble tumbled decline declined plunge
    plunged loss lost slump slumped ban banned cut cuts crackdown halt fizzled weak weaker
    worst miss missed risk lawsuit probe"""
_POSITIVE = frozenset(_POSITIVE_TEXT.split())
_NEGATIVE = frozenset(_NEGATIVE_TEXT.split())


def _lexical_sentiment(text: str) -> Sentiment:
    """Sentiment from counted market words; the reason names them, so it can be checked."""
    words = re.findall(r"[a-z]+", text.lower())
    pos = [w for w in words if w in _POSITIVE]
    neg = [w for w in words if w in _NEGATIVE]
    if not pos and not neg:
        return Sentiment(label="neutral", reason="no market-moving words in the article")
    if pos and neg and min(len(pos), len(neg)) * 3 >= max(len(pos), len(neg)):
        label: Literal["positive", "negative", "neutral", "mixed"] = "mixed"
    else:
        label = "positive" if len(pos) > len(neg) else "negative"
    top_pos = ", ".join(list(dict.fromkeys(pos))[:3]) or "none"
    top_neg = ", ".join(list(dict.fromkeys(neg))[:3]) or "none"
    reason = f"market words: positive ({top_pos}), negative ({top_neg})"
    return Sentiment(label=label, reason=reason[:120])


_FORWARD = re.compile(
    r"\b(?:will|hopes? to|plans? to|expects?|expected|remains to be seen|could|may|soon|next|"
    r"upcoming|over the next|outlook|forecast)\b",
    re.IGNORECASE,
)


_PAST_TIME = re.compile(
    r"\b(?:last (?:week|month|year|quarter)|yesterday|ago|earlier (?:this|in|on)|previously)\b",
    re.IGNORECASE,
)


def _watch_items(sents: list[str]) -> list[str]:
    """Forward-looking sentences, shortened: what the article says comes next. A sentence
    set in the past ('Early last week, Alibaba announced plans ...') reports an event, unless
    it also says what will happen."""
    items = []
    for sentence in sents:
        past = _PAST_TIME.search(sentence) and not re.search(r"\bwill\b", sentence)
        if _FORWARD.search(sentence) and not past:
            items.append(_as_point(sentence))
        if len(items) == 3:
            break
    return items


_PLANTED = "text addressed to an AI"


class _Verifier:
    """The checks of one article's draft; every removal or replacement is kept as a Check."""

    def __init__(self, guarded: GuardedText) -> None:
        self.text = guarded.text
        self.safe_text = guarded.blanked  # the article without sentences addressed to an AI
        planted = content_terms(" ".join(self.text[a:b] for a, b, _ in guarded.flagged))
        self.planted = planted - content_terms(self.safe_text)
        self.checks: list[Check] = []
        self.sents = guarded.safe_sentences

    def note(self, field: str, action: Action, detail: str) -> None:
        self.checks.append(Check(field=field, action=action, detail=detail))

    def echoes_planted(self, value: str) -> bool:
        return bool(content_terms(value) & self.planted)

    def prose(self, field: str, value: str, fallback: str, limit_words: int) -> str:
        """Sentences of the draft's prose whose numbers are in the article and which repeat
        nothing addressed to an AI; the fallback when none is left; at most limit_words."""
        kept = []
        for sentence in sentences(value) or [value]:
            bad = unsupported_numbers(sentence, self.safe_text)
            if self.echoes_planted(sentence) or injection_reason(sentence):
                self.note(field, "removed", f"a sentence repeats {_PLANTED} (not shown)")
            elif bad:
                self.note(
                    field, "removed",
                    f"sentence with {', '.join(bad)} not in the article: {sentence!r}",
                )  # fmt: skip
            else:
                kept.append(sentence)
        result = " ".join(kept).strip()
        if not result:
            self.note(field, "replaced", "nothing left after checks; using the article's opening")
            result = fallback
        words = result.split()
        if len(words) > limit_words:
            result = " ".join(words[:limit_words]).rstrip(",;:") + "…"
        return result

    def key_points(self, drafted: list[KeyPoint]) -> list[KeyPoint]:
        """The drafted points whose quote is verbatim and whose numbers are in the article,
        topped up to 3 with the article's most central prose sentences."""
        kept: list[KeyPoint] = []
        for kp in drafted:
            if injection_reason(kp.quote) or has_link(kp.quote):
                self.note("key_points", "removed", f"a quote is {_PLANTED} or a link (not shown)")
                continue
            if not extract.quote_in(kp.quote, self.text):
                self.note("key_points", "removed", f"quote not in the article: {kp.quote!r}")
                continue
            bad = unsupported_numbers(kp.point, self.safe_text)
            if self.echoes_planted(kp.point):
                bad = [_PLANTED]
            if bad:
                self.note(
                    "key_points", "removed",
                    f"point with {', '.join(bad)} not in the article: {kp.point!r}",
                )  # fmt: skip
                continue
            kept.append(kp)
        taken = {k.quote for k in kept}
        prose = [
            s for s in self.sents if _is_prose(s) and s not in taken and len(s) <= QUOTE_MAX_CHARS
        ]
        for sentence in _rank(prose, _term_weights(prose)):
            if len(kept) >= 3:
                break
            kept.append(KeyPoint(point=_as_point(sentence), quote=sentence))
            self.note(
                "key_points", "replaced",
                "added an extractive key point (fewer than 3 passed the checks)",
            )  # fmt: skip
        return kept

    def watch(self, items: list[str]) -> list[str]:
        kept = []
        for item in items[:3]:
            bad = unsupported_numbers(item, self.safe_text)
            if self.echoes_planted(item) or injection_reason(item):
                self.note("what_to_watch", "removed", f"an item repeats {_PLANTED} (not shown)")
            elif bad:
                self.note(
                    "what_to_watch", "removed", f"{item!r}: {', '.join(bad)} not in the article"
                )
            else:
                kept.append(item)
        return kept

    def sentiment(self, sentiment: Sentiment) -> Sentiment:
        bad = unsupported_numbers(sentiment.reason, self.text)
        if not bad:
            return sentiment
        self.note(
            "sentiment", "replaced",
            f"the reason cited {', '.join(bad)}, not in the article; using the article's "
            "market words",
        )  # fmt: skip
        return Sentiment(label=sentiment.label, reason=_lexical_sentiment(self.text).reason)


def verify(
    article: Article,
    draft: Draft,
    model_name: str,
    prompt: Prompt,
    guarded: GuardedText | None = None,
) -> Brief:
    """Turn a draft into a Brief whose every quote and number is in the article (`guarded`:
    the article's analysis, when the caller already has it)."""
    v = _Verifier(guarded or GuardedText(article.text))
    lead = " ".join(v.sents[:3])
    one_line = v.prose("one_line", draft.one_line, v.sents[0] if v.sents else article.title, 30)
    summary = v.prose("summary", draft.summary, lead, 120)
    key_points = v.key_points(draft.key_points)
    watch = v.watch(draft.what_to_watch)
    sentiment = v.sentiment(draft.sentiment)
    entities, moves = _entities_and_moves(v.safe_text)
    one_line, summary, watch, sentiment, key_points = _no_foreign_links(
        v.safe_text, v.checks, one_line, summary, watch, sentiment, key_points
    )
    entities = [e for e in entities if not _CODE.fullmatch(e.name)]
    return Brief(
        article_id=article.id,
        title=article.title,
        source=article.source,
        date=article.date,
        one_line=one_line,
        summary=summary,
        key_points=key_points[:6],
        entities=entities,
        market_moves=moves,
        figures=_figures(v.safe_text, moves),
        sentiment=sentiment,
        what_to_watch=watch,
        checks=v.checks,
        model=model_name,
        prompt_version=prompt.version,
    )


# A name made of capitals, digits and dashes with a digit in it is a code, not an entity
# ('ZEBRA-7731'): planted tokens look like this.
_CODE = re.compile(r"(?=[A-Z0-9-]*\d)[A-Z0-9]+(?:-[A-Z0-9]+)+")


def _no_foreign_links(
    article_text: str,
    checks: list[Check],
    one_line: str,
    summary: str,
    watch: list[str],
    sentiment: Sentiment,
    key_points: list[KeyPoint],
) -> tuple[str, str, list[str], Sentiment, list[KeyPoint]]:
    """Web addresses are removed from every field a reader sees, and names that look like
    domains unless the article's ordinary text holds them: a planted link must not become
    the brief's."""

    def scrub(field: str, value: str) -> str:
        kept = neutralise_links(value, article_text, addresses=False)
        if kept != value:
            checks.append(
                Check(field=field, action="removed", detail="a web address (not part of a brief)")
            )
        return kept

    points = [kp.model_copy(update={"point": scrub("key_points", kp.point)}) for kp in key_points]
    reason = scrub("sentiment", sentiment.reason)
    return (
        scrub("one_line", one_line),
        scrub("summary", summary),
        [scrub("what_to_watch", w) for w in watch],
        Sentiment(label=sentiment.label, reason=reason),
        points,
    )


def _entities_and_moves(text: str) -> tuple[list[Entity], list[MarketMove]]:
    entities: dict[str, Entity] = {}
    moves: list[MarketMove] = []
    boxes = list(extract.quote_boxes(text))
    for name, ticker, shown, sentence in boxes:
        entities.setdefault(name, Entity(name=name, kind="company", ticker=ticker))
        if shown is not None:
            moves.append(
                MarketMove(
                    who=name,
                    ticker=ticker,
                    move_pct=shown,
                    direction="down" if shown < 0 else "up",
                    when=None,
                    kind="quote_box",
                    quote=sentence,
                )
            )
    named = list(extract.entity_names(text))
    companies = [b[0] for b in boxes] + [n for n, kind, _ in named if kind == "company"]
    main = max(companies, key=text.count) if companies else None
    seen: set[tuple[float, str]] = set()
    for direction, pct, when, sentence in extract.reported_moves(text):
        who = _subject(sentence, companies, main)
        if (pct, who) in seen:
            continue
        seen.add((pct, who))
        held = entities[who].ticker if who in entities else None
        signed = -pct if direction == "down" else pct
        moves.append(
            MarketMove(
                who=who,
                ticker=held,
                move_pct=signed,
                direction=direction,
                when=when,
                kind="reported",
                quote=sentence,
            )
        )
        entities.setdefault(who, Entity(name=who, kind="company"))
    for name, kind, role in named:
        if name.lower() not in {e.name.lower() for e in entities.values()}:
            entities[name] = Entity(name=name, kind=kind, role=role)
    return _merge_variants(list(entities.values()), text), moves


def _merge_variants(entities: list[Entity], text: str) -> list[Entity]:
    """One entry per thing: 'R1' and 'R-1' are 'DeepSeek-R1' (a later part of a longer
    name), 'QwQ' is 'QwQ-32B' when the text never uses it alone; 'DeepSeek', used alone,
    stays."""

    def key(name: str) -> str:
        return re.sub(r"[^a-z0-9]", "", name.lower())

    kept = []
    for entity in entities:
        k = key(entity.name)
        absorbed = False
        for other in entities:
            if other is entity or len(key(other.name)) <= len(k) or entity.kind == "person":
                continue
            parts = re.split(r"[-\s]", other.name)
            later = {key("".join(parts[i:])) for i in range(1, len(parts))}
            first = key(parts[0]) == k
            alone = re.search(rf"\b{re.escape(entity.name)}\b(?![-\w])", text)
            if k in later or (first and not alone and entity.kind != "company"):
                absorbed = True
                break
        if not absorbed:
            kept.append(entity)
    return kept


def _subject(sentence: str, companies: list[str], main: str | None) -> str:
    """Whose move: a company named in the sentence, else the article's main company."""
    for name in companies:
        if name in sentence:
            return name
    if main:
        return main
    words = re.findall(r"\b([A-Z][a-zA-Z]+)(?:'s)?\b", sentence)
    return next((w for w in words if w not in {"Shares", "The", "Its", "Stock"}), "unknown")


def _figures(text: str, moves: list[MarketMove]) -> list[Figure]:
    in_moves = {m.quote for m in moves}
    out = []
    for value, sentence in extract.figures(text):
        if value.endswith("%") and sentence in in_moves:
            continue  # already a market move
        out.append(Figure(value=value, measures=_measures(sentence, value), quote=sentence))
    return out


def _measures(sentence: str, value: str) -> str:
    """The clause around the value, as a short description of what it measures."""
    at = sentence.find(value)
    # split at commas and semicolons, never inside a number ("137,000 km")
    start, end = max(0, at - 80), at + len(value) + 60
    while start > 0 and not sentence[start - 1].isspace():  # never cut a word or a number
        start -= 1
    while end < len(sentence) and not sentence[end].isspace():
        end += 1
    clause = re.split(r"(?<!\d),|,(?!\d)|;", sentence[start:end])
    best = next((c for c in clause if value in c), sentence)
    return " ".join(best.split())[:160]
