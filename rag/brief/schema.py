"""What a brief is: its pydantic schema, the one the model drafts into and the one shown."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from rag.llm import Usage

SCHEMA_VERSION = "3"  # 2: entities carry a role; variants merged; 3: organisation and place kinds
# Bumped when what a brief's checks or entity rules let through changes, so that cached
# briefs made under older rules are made again (rag.brief.briefing.BriefCache.key).
CHECKS_VERSION = "2026-12-06b"  # a time of day (midnight) as a figure; kinds from usage


Mode = Literal["auto", "full", "guided"]


QUOTE_MAX_CHARS = 300


class KeyPoint(BaseModel):
    point: str = Field(min_length=8, max_length=150, description="One fact, in a sentence.")
    quote: str = Field(
        min_length=8, max_length=QUOTE_MAX_CHARS, description="Verbatim sentence from the article."
    )


SentimentLabel = Literal["positive", "negative", "neutral", "mixed"]


class Sentiment(BaseModel):
    label: SentimentLabel
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


EntityKind = Literal["company", "person", "product", "organisation", "place", "other"]


class Entity(BaseModel):
    name: str
    kind: EntityKind
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
    """A figure another copy of the same story gives otherwise (rag.answer.conflicts)."""

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
    outlet: str | None = Field(None, description="Where the article ran, as the page names it.")
    author: str | None = Field(None, description="The byline, when the page gives one.")
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
