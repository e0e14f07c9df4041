"""Everything that talks to a language model. Callers see `ChatModel` and `structured()`;
nothing outside this package knows which backend is in use."""

from rag.llm.base import ChatModel, Completion, Message, Stream, Usage
from rag.llm.factory import make_chat_model
from rag.llm.structured import Structured, structured

__all__ = [
    "ChatModel",
    "Completion",
    "Message",
    "Stream",
    "Structured",
    "Usage",
    "make_chat_model",
    "structured",
]
