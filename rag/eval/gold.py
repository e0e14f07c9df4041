"""Gold data for evals: JSONL files of items validated by pydantic, errors named by line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from rag.brief.schema import EntityKind
from rag.core.errors import RagError

G = TypeVar("G", bound=BaseModel)
QuestionType = Literal[
    "factual", "numeric", "entity", "cross", "followup", "unanswerable",
    "who", "when", "why", "yesno",
]  # fmt: skip
Split = Literal["dev", "test"]


class GoldFileError(RagError):
    """A gold file has invalid items; the message names file, line and item."""


class GoldQA(BaseModel):
    """One question with its reference answer and the sentences that support it."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, description="Unique within the file.")
    type: QuestionType = Field(description="Question type, for per-type figures.")
    question: str = Field(min_length=3)
    answer: str | None = Field(description="Reference answer; null when the articles do not say.")
    variants: list[str] = Field(default_factory=list, description="Other accepted answers.")
    articles: list[str] = Field(
        default_factory=list, description="File names of the supporting articles."
    )
    evidence: list[str] = Field(
        default_factory=list, description="Verbatim supporting sentences from those articles."
    )
    follow_up_of: str | None = Field(
        None, description="Id of the question this one follows (asked first, in the same chat)."
    )
    split: Split | None = Field(
        None, description="dev (tune on it) or test (report only); set once, before tuning."
    )

    @model_validator(mode="after")
    def _consistent(self) -> GoldQA:
        if (self.type == "unanswerable") != (self.answer is None):
            raise ValueError("answer must be null exactly when type is 'unanswerable'")
        if self.answer is not None and not self.answer.strip():
            raise ValueError("the reference answer is empty: fill in a short phrase")
        if self.answer is not None and not (self.evidence and self.articles):
            raise ValueError("an answerable item needs 'articles' and 'evidence'")
        return self

    @property
    def answerable(self) -> bool:
        return self.answer is not None


class GoldNews(BaseModel):
    """A newsroom item (evals/newsroom/gold.jsonl): a time question with the articles its
    time expression leaves (null: it must not filter), a question whose answer must say the
    figures `values` differ (empty: must not), or an article whose brief must list these
    (here, there) figure pairs under "Differs from"."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    type: Literal["time", "conflict", "brief"]
    question: str | None = None
    as_of: str | None = Field(None, description="Reference day; null: the newest article's.")
    articles: list[str] | None = None
    article: str | None = None
    values: list[str] | list[list[str]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> GoldNews:
        if (self.type == "brief") != (self.article is not None):
            raise ValueError("'article' is given exactly for brief items")
        if self.type != "brief" and not self.question:
            raise ValueError("time and conflict items need a 'question'")
        return self


def load_news_gold(path: Path) -> list[GoldNews]:
    return _load_jsonl(path, GoldNews)


def load_gold(path: Path) -> list[GoldQA]:
    """Items of a JSONL gold file; every invalid line is reported (file:line, item id)."""
    return _load_jsonl(path, GoldQA)


def _load_jsonl(path: Path, model: type[G]) -> list[G]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldFileError(f"cannot read gold file {path}: {exc}") from None
    items: list[G] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            item = model.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            problems.append(f"{path}:{lineno}: invalid JSON (column {exc.colno}): {exc.msg}")
            continue
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "item"
            ident = _id_of(line)
            problems.append(f"{path}:{lineno}{ident}: {where}: {first['msg']}")
            continue
        ident_value: str = getattr(item, "id")  # noqa: B009 - both gold models have an id
        if ident_value in seen:
            problems.append(
                f"{path}:{lineno}: id {ident_value!r} already used on line {seen[ident_value]}"
            )
            continue
        follows = getattr(item, "follow_up_of", None)
        if follows is not None and follows not in seen:
            problems.append(
                f"{path}:{lineno} (id {ident_value}): follow_up_of {follows!r} must name "
                "an item on an earlier line"
            )
            continue
        seen[ident_value] = lineno
        items.append(item)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise GoldFileError(f"{problems[0]}{more}: fix the gold file and run again")
    if not items:
        raise GoldFileError(f"{path} has no gold items")
    return items


def _id_of(line: str) -> str:
    try:
        value = json.loads(line).get("id")
    except (json.JSONDecodeError, AttributeError):
        return ""
    return f" (id {value})" if value else ""


class GoldMove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    who: str
    pct: float = Field(description="Signed percent, e.g. 8.1 or -1.71.")
    kind: Literal["reported", "quote_box"] = "reported"


class GoldFact(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fact: str = Field(description="The fact in words, for readers of the report.")
    must_contain: list[str] = Field(
        min_length=1,
        description="Strings that must all occur in the brief's text; 'a|b' is either.",
    )


class ForbiddenClaim(BaseModel):
    model_config = ConfigDict(extra="forbid")

    claim: str = Field(description="What the brief must not say, in words.")
    pattern: str | None = Field(None, description="Regex that must not match the brief's text.")
    move: GoldMove | None = Field(None, description="A market move the brief must not list.")
    field: Literal["what_to_watch", "key_points", "entities"] | None = Field(
        None, description="Search the pattern in this field only (default: all the text)."
    )

    @model_validator(mode="after")
    def _one_test(self) -> ForbiddenClaim:
        if (self.pattern is None) == (self.move is None):
            raise ValueError("give exactly one of 'pattern' or 'move'")
        return self


class GoldBrief(BaseModel):
    """What a good brief of one article contains, and what it must not claim."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    split: Split | None = Field(
        None, description="dev (tune on it) or test (report only); set once, before tuning."
    )
    article: str = Field(description="File name of the article (in the eval's article folder).")
    facts: list[GoldFact] = Field(min_length=1)
    entities: list[str] = Field(default_factory=list, description="Names the brief should list.")
    entity_types: dict[str, EntityKind] = Field(
        default_factory=dict, description="Entity name -> its kind, for type accuracy."
    )
    also_ok: list[str] = Field(
        default_factory=list,
        description="Other names a brief may list without error; with entity_types given, any "
        "listed name in neither list counts against entity precision.",
    )
    tickers: dict[str, str] = Field(default_factory=dict, description="Entity name -> ticker.")
    moves: list[GoldMove] = Field(default_factory=list)
    forbidden: list[ForbiddenClaim] = Field(default_factory=list)
    roles: dict[str, str] = Field(
        default_factory=dict,
        description="Person -> words their entity's role must contain ('HSBC analyst').",
    )
    variants: list[list[str]] = Field(
        default_factory=list,
        description="Names of one thing ('DeepSeek-R1', 'R1'): the brief lists at most one.",
    )
    same_fact: list[list[str]] = Field(
        default_factory=list,
        description="Phrases of sentences stating one fact: at most one key point may hold one.",
    )


def load_brief_gold(path: Path) -> list[GoldBrief]:
    """Items of a JSONL brief gold file; errors name file, line and item."""
    return _load_jsonl(path, GoldBrief)
