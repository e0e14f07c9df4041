"""Settings: one typed object; precedence CLI flag > environment (RAG_*, .env) > default."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from rag.core.errors import ConfigError, register_secret

LOCAL_EMBED_MODEL = "all-MiniLM-L6-v2"


def default_cache_dir() -> Path:
    """Where derived model files live: RAG_CACHE_DIR, else $XDG_CACHE_HOME/rag or ~/.cache/rag."""
    if os.environ.get("RAG_CACHE_DIR"):
        return Path(os.environ["RAG_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "rag"


class Settings(BaseSettings):
    """Effective configuration. Defaults are offline and local."""

    model_config = SettingsConfigDict(
        env_prefix="RAG_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(
        Path(".rag"), description="Folder holding the index (Chroma files, catalog, caches)."
    )
    collection: str = Field(
        "articles", min_length=3, max_length=63, description="Chroma collection name."
    )
    encoding: Literal["cl100k_base", "o200k_base"] = Field(
        "cl100k_base", description="tiktoken encoding used for every token count."
    )
    chunk_tokens: int = Field(256, ge=32, le=4096, description="Target tokens per chunk.")
    chunk_overlap: int = Field(
        48, ge=0, le=1024, description="Tokens of overlap between consecutive chunks."
    )
    embedder: Literal["local", "openai"] = Field(
        "local",
        description="'local': bundled all-MiniLM-L6-v2 in-process; "
        "'openai': any OpenAI-compatible /embeddings endpoint.",
    )
    embed_model: str | None = Field(
        None,
        description="Embedding model name; default all-MiniLM-L6-v2 (local) or "
        "text-embedding-3-small (openai).",
    )
    embed_base_url: str | None = Field(
        None, description="Base URL of the OpenAI-compatible embeddings endpoint."
    )
    embed_api_key: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("RAG_EMBED_API_KEY", "OPENAI_API_KEY", "embed_api_key"),
        description="API key for the embeddings endpoint (RAG_EMBED_API_KEY or OPENAI_API_KEY).",
    )
    embed_batch_size: int = Field(64, ge=1, le=2048, description="Texts per embedding call.")
    embed_cache: bool = Field(
        True,
        description="Keep chunk vectors in data_dir/embed-cache.sqlite keyed by (embedder, "
        "text hash), so text embedded once is never embedded again.",
    )
    embed_concurrency: int = Field(
        4, ge=1, le=64, description="Parallel requests to an OpenAI-compatible embeddings endpoint."
    )
    embed_timeout: float = Field(
        60.0,
        gt=0,
        description="Seconds an embeddings request may take, its whole reply included; "
        "retries of one batch end within 1.5x this.",
    )
    embed_max_retries: int = Field(
        2,
        ge=0,
        le=10,
        description="Retries (with backoff) of an embeddings request on "
        "429/5xx and connection errors.",
    )
    embed_onnx: bool = Field(
        True,
        description="Local embedder: embed questions with onnxruntime from an ONNX export of "
        "the same weights (identical vectors, ~3x faster per question); batches use torch.",
    )
    cache_dir: Path = Field(
        default_factory=default_cache_dir,
        description="Folder for derived model files (the ONNX export of the embedder); "
        "default $XDG_CACHE_HOME/rag or ~/.cache/rag.",
    )
    chroma_url: str | None = Field(
        None,
        description="Chroma server URL (e.g. http://127.0.0.1:8000); unset = embedded "
        "PersistentClient in data_dir.",
    )
    database_url: str | None = Field(
        None,
        description="PostgreSQL URL (postgresql://USER:PASSWORD@HOST/DB) for an index several "
        "machines share: the catalog and lexical index go there, the vectors to chroma_url "
        "(docs/DEPLOYMENT.md); unset = SQLite in data_dir.",
    )
    k: int = Field(5, ge=1, le=100, description="Passages returned by retrieval.")
    per_article: int = Field(
        2,
        ge=1,
        le=100,
        description="Passages one article may give an answer (ask, chat, eval) while other "
        "articles have matching passages: a cap, not MMR (see README, Search).",
    )
    log: bool = Field(
        True,
        description="Keep every answer and brief in data_dir/logs.sqlite (`rag logs`); "
        "false, or --no-log on a command, turns it off.",
    )
    reader_threshold: float = Field(
        0.7,
        ge=0.0,
        le=1.0,
        description="The reader's answers-here probability below which an answer abstains: "
        "higher answers less often and is wrong less often (evals/README.md, risk-coverage).",
    )
    reader_sure: float = Field(
        0.8,
        ge=0.0,
        le=1.0,
        description="Under this answers-here probability the reader answers only from the "
        "sentence the hand-written answer rules would also choose; 0 turns the check off "
        "(docs/answers.md, the learned reader).",
    )
    llm_provider: Literal["local", "openai"] = Field(
        "local",
        description="'local': a bundled GGUF model in-process (llama.cpp); 'openai': any "
        "OpenAI-compatible chat endpoint (OpenAI, vLLM, Ollama, llama.cpp server).",
    )
    llm_model: str | None = Field(
        None,
        description="Local: gemma3-270m (default) or smollm2-135m. OpenAI-compatible: the "
        "model name the server expects (default gpt-4o-mini).",
    )
    llm_base_url: str | None = Field(
        None, description="Base URL of the OpenAI-compatible chat endpoint, e.g. .../v1."
    )
    llm_api_key: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("RAG_LLM_API_KEY", "OPENAI_API_KEY", "llm_api_key"),
        description="API key for the chat endpoint (RAG_LLM_API_KEY or OPENAI_API_KEY).",
    )
    llm_timeout: float = Field(60.0, gt=0, description="Seconds before a chat request times out.")
    llm_max_retries: int = Field(
        2, ge=0, le=10, description="Retries (with backoff) on 429/5xx and connection errors."
    )
    llm_concurrency: int = Field(
        4,
        ge=1,
        le=64,
        description="Briefs drafted at once by an OpenAI-compatible chat endpoint "
        "(`rag brief --all`); the embedded model drafts one at a time.",
    )
    llm_reads: bool | None = Field(
        None,
        description="Who reads the passages to answer: true, the model (it answers with "
        "verbatim quotes, and code checks each quote, figure and name); false, code (the "
        "learned reader picks the sentence and span). Unset: the model when it is served "
        "at RAG_LLM_BASE_URL, code for the embedded models.",
    )
    llm_n_ctx: int = Field(2048, ge=512, le=32768, description="Local model context window.")
    llm_threads: int | None = Field(
        None, ge=1, description="Local model threads; default: the cores this process may use."
    )

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.chunk_overlap >= self.chunk_tokens // 2:
            raise ValueError(
                f"chunk_overlap ({self.chunk_overlap}) must be under half of chunk_tokens "
                f"({self.chunk_tokens})"
            )
        return self

    @property
    def model_reads(self) -> bool:
        """Whether the chat model answers from the passages itself (the reading path):
        RAG_LLM_READS, else yes for a served model and no for an embedded one."""
        return self.llm_reads if self.llm_reads is not None else self.llm_provider == "openai"

    @property
    def answer_path(self) -> str:
        """Who reads the passages to answer, in a line for `rag config` and the REPL."""
        if self.model_reads:
            return "the model reads the passages; code checks its quotes, figures and names"
        return "the learned reader reads the passages; code checks its span's figures and names"

    @property
    def embed_model_name(self) -> str:
        if self.embed_model:
            return self.embed_model
        return LOCAL_EMBED_MODEL if self.embedder == "local" else "text-embedding-3-small"


def load_settings(**overrides: Any) -> Settings:
    """Build settings; CLI overrides win. Invalid values become one readable ConfigError."""
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        settings = Settings(**given)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "settings"
        raise ConfigError(
            f"invalid setting {where}: {first['msg']} "
            f"(check the RAG_{where.upper()} variable, .env or the command-line flag)"
        ) from None
    for key in (settings.llm_api_key, settings.embed_api_key):
        register_secret(key.get_secret_value() if key else None)
    register_secret(os.environ.get("OPENAI_API_KEY"))
    if settings.database_url:
        if not settings.database_url.startswith(("postgresql://", "postgres://")):
            raise ConfigError(
                "invalid setting database_url: use postgresql://USER:PASSWORD@HOST:PORT/DB "
                "(check the RAG_DATABASE_URL variable or .env)"
            )
        register_secret(urlsplit(settings.database_url).password)
    return settings
