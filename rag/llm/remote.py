"""Any OpenAI-compatible chat endpoint (OpenAI, vLLM, Ollama, llama.cpp server) via `openai`."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx2 as httpx  # the HTTP library the openai SDK is built on
import openai

from rag.core.errors import BackendError
from rag.core.http import STATUS_PREFIX, deadline_client, short, within_budget
from rag.llm.base import Completion, Message, Stream, Usage
from rag.llm.structured import strict_schema

log = logging.getLogger(__name__)


class OpenAIChatModel:
    def __init__(
        self,
        model: str,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 2,
        max_parallel: int = 4,
        reads_passages: bool = True,
    ) -> None:
        self.name = f"openai:{model}"
        self.max_parallel = max_parallel  # a server takes parallel requests (llm_concurrency)
        self.drafts_briefs = True
        # a served model answers from the passages itself (RAG_LLM_READS=false: code reads)
        self.reads_passages = reads_passages
        self.model = model
        self.base_url = base_url or "https://api.openai.com/v1"
        self.timeout = timeout
        self.max_retries = max_retries
        # Each attempt has one deadline for its whole reply (a server that trickles its body
        # a byte at a time fails at `timeout`, not never); retries of 408/409/429/5xx and
        # connection errors fit in a total budget of BUDGET_FACTOR x timeout.
        self._client = openai.OpenAI(
            base_url=base_url,
            api_key=api_key or "not-needed",
            timeout=timeout,
            max_retries=0,
            http_client=deadline_client(timeout),
        )
        # llama_cpp.server rejects json_schema and accepts json_object + schema; some servers
        # take neither, and the prompt alone asks for JSON ("prompt"). Learnt on first use.
        self._json_mode: str | None = None

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
        if stop:
            kwargs["stop"] = stop
        if json_schema is None:
            response = self._call(messages, max_tokens, temperature, **kwargs)
        else:
            response = self._structured_call(messages, max_tokens, temperature, json_schema, kwargs)
        if not getattr(response, "choices", None):  # a proxy's HTML page, an empty body...
            raise BackendError(
                f"the LLM server at {self.base_url} did not answer with an OpenAI-style chat "
                f"completion ({short(str(response), 80)}): check RAG_LLM_BASE_URL"
            )
        choice = response.choices[0]
        usage = response.usage
        return Completion(
            text=choice.message.content or "",
            usage=Usage(
                prompt_tokens=usage.prompt_tokens if usage else 0,
                completion_tokens=usage.completion_tokens if usage else 0,
                estimated=usage is None,
            ),
            finish_reason=choice.finish_reason,
            refusal=getattr(choice.message, "refusal", None),
        )

    def _structured_call(
        self,
        messages: list[Message],
        max_tokens: int,
        temperature: float,
        schema: dict[str, Any],
        kwargs: dict[str, Any],
    ) -> Any:
        formats = {
            "json_schema": {
                "type": "json_schema",
                "json_schema": {"name": "output", "schema": strict_schema(schema), "strict": True},
            },
            "json_object": {"type": "json_object", "schema": schema},
        }
        modes = [self._json_mode] if self._json_mode else ["json_schema", "json_object", "prompt"]
        for mode in modes:
            given = {"response_format": formats[mode]} if mode in formats else {}
            try:
                response = self._create(messages, max_tokens, temperature, **given, **kwargs)
            except openai.APIStatusError as exc:
                # llama_cpp.server answers 500 with a validation message naming the field;
                # others answer 400 naming response_format or the mode.
                said = str(exc)
                refused = any(w in said for w in ("response_format", "json_schema", "json_object"))
                if mode != "prompt" and self._json_mode is None and refused:
                    log.info("server refused %s output; trying the next way", mode)
                    continue
                raise self._error(exc) from None
            except openai.APIError as exc:
                raise self._error(exc) from None
            self._json_mode = mode
            return response
        raise BackendError(f"{self.base_url} answered no structured request")

    def _create(
        self, messages: list[Message], max_tokens: int, temperature: float, **kw: Any
    ) -> Any:
        """One request, retried within the total budget; a reply that cannot be decoded
        (not UTF-8, not JSON) is a BackendError naming the server."""

        def send(timeout: float) -> Any:
            return self._client.with_options(timeout=timeout).chat.completions.create(
                model=self.model,
                messages=[m.model_dump() for m in messages],  # type: ignore[misc]
                max_tokens=max_tokens,
                temperature=temperature,
                **kw,
            )

        return within_budget(
            send, self.timeout, self.max_retries, f"the LLM server at {self.base_url}",
            "RAG_LLM_BASE_URL",
        )  # fmt: skip

    def _call(self, messages: list[Message], max_tokens: int, temperature: float, **kw: Any) -> Any:
        try:
            return self._create(messages, max_tokens, temperature, **kw)
        except openai.APIError as exc:
            raise self._error(exc) from None

    def _error(self, exc: openai.APIError) -> BackendError:
        if isinstance(exc, openai.APITimeoutError):
            return BackendError(
                f"the LLM server at {self.base_url} timed out: raise RAG_LLM_TIMEOUT or check "
                "the server"
            )
        if isinstance(exc, openai.APIConnectionError):
            return BackendError(
                f"cannot reach the LLM server at {self.base_url}: start one with "
                "`rag serve-llm --port 8080` (then RAG_LLM_BASE_URL=http://127.0.0.1:8080/v1), "
                "or unset RAG_LLM_PROVIDER to use the embedded model"
            )
        if isinstance(exc, openai.AuthenticationError):
            return BackendError(
                f"the LLM server at {self.base_url} refused the API key: set RAG_LLM_API_KEY"
            )
        if isinstance(exc, openai.APIStatusError):
            message = STATUS_PREFIX.sub("", exc.message)
            return BackendError(
                f"the LLM server at {self.base_url} answered {exc.status_code} "
                f"after retries: {short(message)}"
            )
        return BackendError(f"the LLM server at {self.base_url} failed: {short(str(exc))}")

    def stream(
        self,
        messages: list[Message],
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: list[str] | None = None,
    ) -> Stream:
        state: dict[str, Any] = {"usage": None, "chunks": 0}
        kwargs: dict[str, Any] = {"stop": stop} if stop else {}
        response = self._call(
            messages,
            max_tokens,
            temperature,
            stream=True,
            stream_options={"include_usage": True},
            **kwargs,
        )

        def deltas() -> Iterator[str]:
            try:
                for chunk in response:
                    if chunk.usage is not None:
                        state["usage"] = chunk.usage
                    if chunk.choices and chunk.choices[0].delta.content:
                        state["chunks"] += 1
                        yield chunk.choices[0].delta.content
            except openai.APIError as exc:
                raise self._error(exc) from None
            except httpx.HTTPError as exc:
                raise BackendError(
                    f"the LLM server at {self.base_url} broke off the stream: {short(str(exc))}"
                ) from None
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise BackendError(
                    f"the LLM server at {self.base_url} streamed something that is not UTF-8 "
                    f"JSON ({type(exc).__name__}): check RAG_LLM_BASE_URL"
                ) from None
            finally:
                response.close()

        def usage() -> Usage:
            got = state["usage"]
            if got is not None:
                return Usage(
                    prompt_tokens=got.prompt_tokens, completion_tokens=got.completion_tokens
                )
            return Usage(completion_tokens=state["chunks"], estimated=True)

        return Stream(deltas(), usage)
