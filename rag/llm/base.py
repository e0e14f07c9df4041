"""The ChatModel boundary and the values it returns."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field


class Message(BaseModel):
    role: Literal["system", "user", "assistant"]
    content: str


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated: bool = Field(False, description="True when the backend gave no counts.")

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            estimated=self.estimated or other.estimated,
        )


class Completion(BaseModel):
    text: str
    usage: Usage
    finish_reason: str | None = None
    refusal: str | None = Field(None, description="The model's refusal, when it declined.")


class Stream:
    """Text deltas from a model; stop early with close(). `usage` is set once it ends."""

    def __init__(self, deltas: Iterator[str], on_close: Callable[[], Usage]) -> None:
        self._deltas = deltas
        self._on_close = on_close
        self.usage: Usage | None = None
        self.text = ""

    def __iter__(self) -> Iterator[str]:
        try:
            for delta in self._deltas:
                self.text += delta
                yield delta
        finally:
            self.close()

    def close(self) -> None:
        if self.usage is None:
            close = getattr(self._deltas, "close", None)
            if close is not None:
                close()
            self.usage = self._on_close()


class ChatModel(Protocol):
    """One adapter per kind of backend: in-process llama.cpp, or any OpenAI-compatible URL."""

    name: str
    # Capabilities, read instead of guessing from the name:
    max_parallel: int  # calls worth running at once (1 for a model in this process)
    drafts_briefs: bool  # writes a whole structured brief reliably (else code guides it)
    reads_passages: bool  # answers from numbered passages with quotes (else code reads them)

    def complete(
        self,
        messages: list[Message],
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: list[str] | None = None,
        json_schema: dict[str, Any] | None = None,
    ) -> Completion:
        """Text for `messages`; with json_schema, output constrained to that schema."""
        ...

    def stream(
        self,
        messages: list[Message],
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: list[str] | None = None,
    ) -> Stream:
        """Like complete(), as a stream of text deltas."""
        ...
