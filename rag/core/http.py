"""What every client of an OpenAI-compatible server shares (chat and embeddings): one deadline
for a whole reply, retries of transient failures within a total budget, and replies that
cannot be decoded turned into one readable error."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

import httpx2 as httpx  # the HTTP library the openai SDK is built on
import openai

from rag.core.errors import BackendError

T = TypeVar("T")

BUDGET_FACTOR = 1.5  # all attempts of one request end within this many timeouts
STATUS_PREFIX = re.compile(r"^Error code: \d+ - ")


def deadline_client(timeout: float) -> httpx.Client:
    """An HTTP client whose every reply must arrive whole within its request's timeout."""
    return httpx.Client(transport=_DeadlineTransport(), timeout=timeout)


def within_budget(
    send: Callable[[float], T], timeout: float, max_retries: int, server: str, setting: str
) -> T:
    """`send(attempt_timeout)`, retried on connection errors, 408/409/429 and 5xx with
    backoff, all attempts ending within BUDGET_FACTOR x timeout. A reply that is not UTF-8
    JSON is a BackendError naming the server and the setting to check; openai's other
    errors are raised for the caller to word."""
    deadline = time.monotonic() + BUDGET_FACTOR * timeout
    attempt = 0
    while True:
        left = deadline - time.monotonic()
        try:
            return send(min(timeout, max(left, 0.1)))
        except openai.APIStatusError as exc:
            wait = backoff(exc, attempt)
            status = exc.status_code
            if not (status in (408, 409, 429) or status >= 500) or attempt >= max_retries:
                raise
            if time.monotonic() + wait >= deadline:
                raise
        except openai.APIConnectionError as exc:
            wait = backoff(exc, attempt)
            if attempt >= max_retries or time.monotonic() + wait >= deadline:
                raise
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BackendError(
                f"{server} sent a reply that is not UTF-8 JSON ({type(exc).__name__}): "
                f"check {setting}"
            ) from None
        time.sleep(wait)
        attempt += 1


def backoff(exc: Exception, attempt: int) -> float:
    """Seconds before the next attempt: the server's Retry-After (up to 8 s), else 0.5 s
    doubling."""
    response = getattr(exc, "response", None)
    after = response.headers.get("retry-after") if response is not None else None
    try:
        return min(8.0, max(0.0, float(after))) if after is not None else 0.5 * 2**attempt
    except ValueError:
        return 0.5 * 2**attempt


def short(text: str, limit: int = 200) -> str:
    """One line of at most `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
