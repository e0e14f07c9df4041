"""Errors a user can act on: every message says what is wrong and what to do."""


class RagError(Exception):
    """Base for expected failures; the CLI prints the message (no traceback) and exits 1."""


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
