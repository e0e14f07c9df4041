"""What an answer is: the passages it cites, its text, how it was reached and what the
checks found."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, Field

from rag.core.types import outlet_of
from rag.llm import Usage


class Citation(BaseModel):
    n: int = Field(description="The marker number, [n], as given to the model.")
    chunk_id: str
    article_id: str
    title: str
    date: str | None
    source: str
    start: int = Field(description="Char offset of the passage in the cleaned article.")
    end: int
    text: str = Field(description="The passage exactly as given to the model.")
    publisher: str | None = Field(None, description="The site or outlet, as the page names it.")
    url: str | None = Field(None, description="The article's address, when known.")

    @classmethod
    def of(cls, n: int, passage: Mapping[str, Any]) -> Citation:
        """Passage n from a hit or a catalog row (their fields by name)."""
        return cls(n=n, **{f: passage.get(f) for f in cls.model_fields if f != "n"})

    @property
    def outlet(self) -> str | None:
        """Where the article ran: the site's name, else its web address (rag.core.types)."""
        return outlet_of(self.publisher, self.url)


class Quote(BaseModel):
    passage: int = Field(description="The number of the passage the words are copied from.")
    text: str = Field(description="Words copied exactly from that passage.")


class Timings(BaseModel):
    retrieve_ms: float = 0.0
    first_token_ms: float | None = None
    total_ms: float = 0.0


class Answer(BaseModel):
    question: str
    query: str = Field(description="The standalone query used for retrieval.")
    text: str = Field(description="The checked answer, with [n] markers.")
    abstained: bool
    method: Literal["read", "reader", "span", "model", "extractive", "abstain"] = Field(
        description="read: the configured model read the passages and answered with quotes, "
        "each quote, figure and name checked against them; "
        "reader: the learned reader's span of the answering sentence; span: the "
        "phrase of the asked kind, taken from the answering sentence by rule; model: the "
        "model copied it from that sentence; extractive: the sentence "
        "itself (why questions, summaries, or a model reply that failed the checks); "
        "abstain: the articles do not say."
    )
    kind: str = Field(
        "other",
        description="What the question asks for: quantity, date, "
        "person, reason, yesno, summary or other.",
    )
    evidence: str | None = Field(None, description="The answering sentence, verbatim.")
    reader_score: float | None = Field(
        None, description="The reader's probability that the evidence answers the question."
    )
    evidence_n: int | None = Field(None, description="The passage the evidence comes from.")
    quotes: list[Quote] = Field(
        default_factory=list,
        description="method read: the model's verbatim quotes, each found in its passage.",
    )
    citations: list[Citation] = Field(description="Numbered passages given to the model.")
    cited: list[int] = Field(default_factory=list, description="Valid markers in the answer.")
    flags: list[str] = Field(default_factory=list, description="What the checks found.")
    time_scope: str | None = Field(
        None,
        description="How a time expression in the question was read: the publication dates "
        "searched or preferred, and the reference day ('as of').",
    )
    read_as: str | None = Field(
        None,
        description="The question asked when the question pointed at another thing the last "
        "answer's passages name ('What about the other company?').",
    )
    evidence_date: str | None = Field(None, description="Publication date of the evidence.")
    evidence_days: dict[str, str] = Field(
        default_factory=dict,
        description="Weekdays in the evidence and the day each means, read against the "
        "article's date: {'Tuesday': '2025-07-15'}.",
    )
    differs: str | None = Field(
        None,
        description="When other passages or copies of the story give the answer's figure "
        "otherwise: 'Sources differ: 8.3% [1] vs 8.1% [3]'.",
    )
    model_text: str = Field("", description="The model's raw reply (empty when no model ran).")
    model: str
    usage: Usage = Field(default_factory=Usage)
    timings: Timings = Field(default_factory=Timings)
