"""A scripted chat model: a queue of replies and a record of the messages it was sent."""

from __future__ import annotations

from typing import Any

from rag.llm.base import Completion, Message, Stream, Usage


class ScriptedChatModel:
    def __init__(
        self,
        replies: list[str],
        name: str = "scripted",
        drafts_briefs: bool = True,
        reads_passages: bool = False,
    ) -> None:
        self.replies = list(replies)
        self.calls: list[dict[str, Any]] = []
        self.name = name
        self.max_parallel = 1  # replies are a queue: one call at a time
        self.drafts_briefs = drafts_briefs
        self.reads_passages = reads_passages

    def _next(self, messages: list[Message], **kwargs: Any) -> str:
        self.calls.append({"messages": list(messages), **kwargs})
        if not self.replies:
            raise AssertionError("ScriptedChatModel ran out of replies")
        return self.replies.pop(0)

    def complete(self, messages, *, max_tokens=256, temperature=0.0, stop=None, json_schema=None):  # type: ignore[no-untyped-def]
        text = self._next(messages, max_tokens=max_tokens, stop=stop, json_schema=json_schema)
        return Completion(
            text=text,
            usage=Usage(
                prompt_tokens=sum(len(m.content.split()) for m in messages),
                completion_tokens=len(text.split()),
            ),
            finish_reason="stop",
        )

    def stream(self, messages, *, max_tokens=256, temperature=0.0, stop=None):  # type: ignore[no-untyped-def]
        text = self._next(messages, max_tokens=max_tokens, stop=stop)
        words = [w + " " for w in text.split(" ")]
        return Stream(iter(words), lambda: Usage(completion_tokens=len(words), estimated=True))
