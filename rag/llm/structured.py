"""Structured output: constrained decoding, then validation, then bounded re-asks."""

from __future__ import annotations

import json
import logging
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from rag.core.errors import RagError
from rag.llm.base import ChatModel, Message, Usage

log = logging.getLogger(__name__)
T = TypeVar("T", bound=BaseModel)


class StructuredOutputError(RagError):
    """The model did not produce a valid object within the allowed attempts."""


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
) -> Structured[T]:
    """A validated `schema` instance. The grammar/JSON mode constrains decoding; pydantic
    validates anyway (servers that claim to enforce a schema do not always), and each
    validation error is fed back for another attempt. Every attempt's tokens are counted."""
    json_schema = schema.model_json_schema()
    usage = Usage()
    history = list(messages)
    last_error = ""
    for attempt in range(1, max_attempts + 1):
        completion = model.complete(
            history, max_tokens=max_tokens, temperature=temperature, json_schema=json_schema
        )
        usage = usage + completion.usage
        try:
            value = schema.model_validate_json(completion.text)
        except ValidationError as exc:
            last_error = _describe(exc, completion.finish_reason)
            log.info("structured attempt %d invalid: %s", attempt, last_error)
            history = [
                *messages,
                Message(role="assistant", content=completion.text),
                Message(
                    role="user",
                    content=f"That JSON is invalid: {last_error}. Reply with corrected JSON only.",
                ),
            ]
            continue
        return Structured[schema](value=value, usage=usage, attempts=attempt)  # type: ignore[valid-type]
    raise StructuredOutputError(
        f"{model.name} gave no valid {schema.__name__} in {max_attempts} attempts "
        f"(last problem: {last_error}); try a stronger model via RAG_LLM_BASE_URL"
    )


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
