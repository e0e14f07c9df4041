"""Gold data for evals: JSONL files of items validated by pydantic, errors named by line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from rag.errors import RagError

QuestionType = Literal["factual", "numeric", "entity", "cross", "followup", "unanswerable"]


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

    @model_validator(mode="after")
    def _consistent(self) -> GoldQA:
        if (self.type == "unanswerable") != (self.answer is None):
            raise ValueError("answer must be null exactly when type is 'unanswerable'")
        if self.answer is not None and not (self.evidence and self.articles):
            raise ValueError("an answerable item needs 'articles' and 'evidence'")
        return self

    @property
    def answerable(self) -> bool:
        return self.answer is not None


def load_gold(path: Path) -> list[GoldQA]:
    """Items of a JSONL gold file; every invalid line is reported (file:line, item id)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldFileError(f"cannot read gold file {path}: {exc}") from None
    items: list[GoldQA] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            item = GoldQA.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            problems.append(f"{path}:{lineno}: invalid JSON (column {exc.colno}): {exc.msg}")
            continue
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "item"
            ident = _id_of(line)
            problems.append(f"{path}:{lineno}{ident}: {where}: {first['msg']}")
            continue
        if item.id in seen:
            problems.append(f"{path}:{lineno}: id {item.id!r} already used on line {seen[item.id]}")
            continue
        if item.follow_up_of is not None and item.follow_up_of not in seen:
            problems.append(
                f"{path}:{lineno} (id {item.id}): follow_up_of {item.follow_up_of!r} must name "
                "an item on an earlier line"
            )
            continue
        seen[item.id] = lineno
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
