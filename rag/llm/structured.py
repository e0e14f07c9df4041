"""Structured output: constrained decoding, then validation and the caller's checks, then
bounded re-asks that name what failed (the answers' reading path and full briefs share it)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from rag.core.errors import RagError
from rag.llm.base import ChatModel, Message, Usage

log = logging.getLogger(__name__)
T = TypeVar("T", bound=BaseModel)


class StructuredOutputError(RagError):
    """The model did not produce a valid object within the allowed attempts; `problems` are
    what the last attempt failed."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]


class Structured(BaseModel, Generic[T]):
    value: T
    usage: Usage
    attempts: int


def structured(
    model: ChatModel,
    messages: list[Message],
    schema: type[T],
    *,
    max_attempts: int = 3,
    max_tokens: int = 512,
    temperature: float = 0.0,
    check: Callable[[T], list[str]] | None = None,
    check_required: bool = True,
) -> Structured[T]:
    """A validated `schema` instance that passes `check` (which lists what is wrong with a
    value; empty when nothing is); with check_required off, the last valid value when no
    attempt passed (the caller drops what fails). The grammar/JSON mode constrains
    decoding; pydantic validates anyway (servers that claim to enforce a schema do not
    always), and each validation error or failed check is fed back for another attempt. A
    refusal ends at
    once. Every attempt's tokens are counted."""
    json_schema = schema.model_json_schema()
    usage = Usage()
    history = list(messages)
    problems: list[str] = []
    valid: T | None = None
    for attempt in range(1, max_attempts + 1):
        completion = model.complete(
            history, max_tokens=max_tokens, temperature=temperature, json_schema=json_schema
        )
        usage = usage + completion.usage
        if completion.refusal:
            raise StructuredOutputError(
                f"{model.name} refused: {completion.refusal}",
                [f"the model refused ({' '.join(completion.refusal.split())[:120]})"],
            )
        try:
            value = schema.model_validate_json(_json_part(completion.text))
        except ValidationError as exc:
            problems = [_describe(exc, completion.finish_reason)]
            ask = f"That JSON is invalid: {problems[0]}. Reply with corrected JSON only."
        else:
            valid, problems = value, check(value) if check else []
            if not problems:
                return Structured[schema](value=value, usage=usage, attempts=attempt)  # type: ignore[valid-type]
            ask = (
                "That reply failed these checks: " + "; ".join(problems) + ". Reply again "
                "with corrected JSON only, using only what the text says."
            )
        log.info("structured attempt %d failed: %s", attempt, "; ".join(problems))
        history = [
            *messages,
            Message(role="assistant", content=completion.text),
            Message(role="user", content=ask),
        ]
    if valid is not None and not check_required:
        return Structured[schema](value=valid, usage=usage, attempts=max_attempts)  # type: ignore[valid-type]
    raise StructuredOutputError(
        f"{model.name} gave no valid {schema.__name__} in {max_attempts} attempts "
        f"(last problem: {'; '.join(problems)}); try a stronger model via RAG_LLM_BASE_URL",
        problems,
    )


_FENCED = re.compile(r"```(?:json)?\s*(\{.*\})\s*```", re.S)


def _json_part(text: str) -> str:
    """The JSON object of a reply: all of it, or (from a server that ignores JSON mode) the
    fenced or outermost {...} block of a reply that wraps it in prose."""
    stripped = text.strip()
    if stripped.startswith("{"):
        return stripped
    fenced = _FENCED.search(text)
    if fenced:
        return fenced.group(1)
    start, end = text.find("{"), text.rfind("}")
    return text[start : end + 1] if 0 <= start < end else text


def _describe(exc: ValidationError, finish_reason: str | None) -> str:
    if finish_reason == "length":
        return "the output was cut off at max_tokens; be shorter"
    parts: list[str] = []
    for error in exc.errors()[:5]:
        where = ".".join(str(p) for p in error["loc"]) or "(root)"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)


def strict_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """OpenAI strict mode: every property required, no additional properties, and none of
    the keywords it rejects. Validation afterwards still enforces the full schema."""
    unsupported = {"minLength", "maxLength", "minItems", "maxItems", "pattern", "format",
                   "default", "minimum", "maximum", "title"}  # fmt: skip

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            out: dict[str, Any] = {}
            for key, value in node.items():
                if key in ("properties", "$defs"):  # maps of names, not keywords
                    out[key] = {name: walk(sub) for name, sub in value.items()}
                elif key not in unsupported:
                    out[key] = walk(value)
            if out.get("type") == "object" and "properties" in out:
                out["additionalProperties"] = False
                out["required"] = list(out["properties"])
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(json.loads(json.dumps(schema)))
