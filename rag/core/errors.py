"""Errors a user can act on: every message says what is wrong and what to do.

Every message passes through `redact_secrets`: configured keys, and anything shaped like a
bearer token or an API key, never leave the process (a server's error body may echo the key).
"""

from __future__ import annotations

import re

_SECRETS: set[str] = set()
_TOKEN_SHAPES = re.compile(
    r"(?i)(?P<bearer>\bbearer\s+)[^\s\"',;]+"
    r"|\b(?:sk|pk|rk|ghp|gho|xox[abp])[-_][A-Za-z0-9_-]{8,}"
    r"|(?P<name>\b(?:api[_-]?key|access[_-]?token|auth[_-]?token|secret|password)"
    r"[\"']?\s*[=:]\s*[\"']?)[^\s\"',;]+"
)
REDACTED = "[redacted]"


def register_secret(value: str | None) -> None:
    """A configured key: removed from every message from now on."""
    if value and len(value) >= 4:
        _SECRETS.add(value)


def _hide(match: re.Match[str]) -> str:
    return (match.group("bearer") or match.group("name") or "") + REDACTED


def redact_secrets(text: str) -> str:
    """The text without configured keys and without token-shaped strings."""
    for secret in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return _TOKEN_SHAPES.sub(_hide, text)


class RagError(Exception):
    """Base for expected failures; the CLI prints the message (no traceback) and exits 1."""

    def __init__(self, *args: object) -> None:
        super().__init__(*(redact_secrets(a) if isinstance(a, str) else a for a in args))


class ConfigError(RagError):
    """Settings are invalid or inconsistent."""


class InputError(RagError):
    """An input file or record cannot be read as an article."""


class IndexMissingError(RagError):
    """There is no index yet where the settings point."""


class EmbedderMismatchError(RagError):
    """The index was built with another embedder than the one configured."""


class BackendError(RagError):
    """A server (Chroma, an OpenAI-compatible endpoint) is unreachable or failed."""


MAX_QUESTION_CHARS = 1000


def question_problem(text: str) -> str | None:
    """Why a question cannot be asked, in one line with what to do, or None."""
    if not text.strip():
        return "the question is empty: type what you want to know"
    if len(text) > MAX_QUESTION_CHARS:
        return (
            f"the question is {len(text):,} characters long; ask in at most "
            f"{MAX_QUESTION_CHARS:,} (search a passage with `rag search` instead)"
        )
    if any("\ud800" <= c <= "\udfff" for c in text):
        return "the question holds bytes that are not UTF-8: retype it"
    return None
