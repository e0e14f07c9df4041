"""Settings -> ChatModel, in one place."""

from __future__ import annotations

from rag.core.config import Settings
from rag.core.errors import ConfigError, register_secret
from rag.llm.base import ChatModel


def make_chat_model(settings: Settings) -> ChatModel:
    if settings.llm_provider == "local":
        from rag.llm.local import LocalChatModel

        local = LocalChatModel(
            settings.llm_model or "gemma3-270m",
            n_ctx=settings.llm_n_ctx,
            n_threads=settings.llm_threads,
        )
        local.reads_passages = settings.model_reads
        return local
    from rag.llm.remote import OpenAIChatModel

    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    register_secret(key)
    if settings.llm_base_url is None and key is None:
        raise ConfigError(
            "RAG_LLM_PROVIDER=openai needs RAG_LLM_BASE_URL (e.g. http://127.0.0.1:8080/v1 from "
            "`rag serve-llm`) or an API key in RAG_LLM_API_KEY / OPENAI_API_KEY"
        )
    return OpenAIChatModel(
        settings.llm_model or "gpt-4o-mini",
        base_url=settings.llm_base_url,
        api_key=key,
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
        max_parallel=settings.llm_concurrency,
        reads_passages=settings.model_reads,
    )
