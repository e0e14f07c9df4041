"""Any OpenAI-compatible chat endpoint (OpenAI, vLLM, Ollama, llama.cpp server) via `openai`."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx2 as httpx  # the HTTP library the openai SDK is built on
import openai

from rag.core.errors import BackendError
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
    ) -> None:
        self.name = f"openai:{model}"
        self.max_parallel = max_parallel  # a server takes parallel requests (llm_concurrency)
        self.drafts_briefs = True
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
            http_client=httpx.Client(transport=_DeadlineTransport(), timeout=timeout),
        )
        # llama_cpp.server rejects json_schema and accepts json_object + schema; learn which
        # this server takes on first use.
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
                f"completion ({_short(str(response), 80)}): check RAG_LLM_BASE_URL"
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
        modes = [self._json_mode] if self._json_mode else ["json_schema", "json_object"]
        for mode in modes:
            try:
                response = self._create(
                    messages, max_tokens, temperature, response_format=formats[mode], **kwargs
                )
            except openai.APIStatusError as exc:
                # llama_cpp.server answers 500 with a validation message naming the field.
                refused = "response_format" in str(exc) or "json_schema" in str(exc)
                if mode == "json_schema" and self._json_mode is None and refused:
                    log.info("server refused json_schema; falling back to json_object")
                    continue
                raise self._error(exc) from None
            except openai.APIError as exc:
                raise self._error(exc) from None
            self._json_mode = mode
            return response
        raise BackendError(f"{self.base_url} accepts neither json_schema nor json_object output")

    def _create(
        self, messages: list[Message], max_tokens: int, temperature: float, **kw: Any
    ) -> Any:
        """One request, retried within the total budget; a reply that cannot be decoded
        (not UTF-8, not JSON) is a BackendError naming the server."""
        deadline = time.monotonic() + BUDGET_FACTOR * self.timeout
        attempt = 0
        while True:
            left = deadline - time.monotonic()
            try:
                return self._client.with_options(
                    timeout=min(self.timeout, max(left, 0.1))
                ).chat.completions.create(
                    model=self.model,
                    messages=[m.model_dump() for m in messages],  # type: ignore[misc]
                    max_tokens=max_tokens,
                    temperature=temperature,
                    **kw,
                )
            except (openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError,
                    openai.APIStatusError) as exc:  # fmt: skip
                status = getattr(exc, "status_code", None)
                retryable = status is None or status in (408, 409, 429) or status >= 500
                wait = _backoff(exc, attempt)
                if (
                    not retryable
                    or attempt >= self.max_retries
                    or (time.monotonic() + wait >= deadline)
                ):
                    raise
                time.sleep(wait)
                attempt += 1
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise BackendError(
                    f"the LLM server at {self.base_url} sent a reply that is not UTF-8 JSON "
                    f"({type(exc).__name__}): check RAG_LLM_BASE_URL"
                ) from None

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
            message = _STATUS_PREFIX.sub("", exc.message)
            return BackendError(
                f"the LLM server at {self.base_url} answered {exc.status_code} "
                f"after retries: {_short(message)}"
            )
        return BackendError(f"the LLM server at {self.base_url} failed: {_short(str(exc))}")

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
                    f"the LLM server at {self.base_url} broke off the stream: {_short(str(exc))}"
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


_STATUS_PREFIX = re.compile(r"^Error code: \d+ - ")
BUDGET_FACTOR = 1.5  # all attempts of one request end within this many timeouts


def _backoff(exc: Exception, attempt: int) -> float:
    """Seconds before the next attempt: the server's Retry-After (up to 8 s), else 0.5 s
    doubling."""
    response = getattr(exc, "response", None)
    after = response.headers.get("retry-after") if response is not None else None
    try:
        return min(8.0, max(0.0, float(after))) if after is not None else 0.5 * 2**attempt
    except ValueError:
        return 0.5 * 2**attempt


class _DeadlineStream(httpx.SyncByteStream):
    """A reply body that must arrive whole before its deadline."""

    def __init__(self, stream: httpx.SyncByteStream, deadline: float, limit: float) -> None:
        self._stream = stream
        self._deadline = deadline
        self._limit = limit

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._stream:
            if time.monotonic() > self._deadline:
                raise httpx.ReadTimeout(f"the reply took over {self._limit:g} s to arrive")
            yield chunk

    def close(self) -> None:
        self._stream.close()


class _DeadlineTransport(httpx.HTTPTransport):
    """httpx's timeouts bound each read; this bounds the whole reply by the request's read
    timeout, so a server dripping one byte at a time cannot hold a request open."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        started = time.monotonic()
        limit = float((request.extensions.get("timeout") or {}).get("read") or 60.0)
        response = super().handle_request(request)
        stream = response.stream
        assert isinstance(stream, httpx.SyncByteStream)
        response.stream = _DeadlineStream(stream, started + limit, limit)
        return response


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
