"""Prompt files in prompts/: a small header (version, stop sequences), then the template.

Placeholders are checked when a prompt is loaded, so a broken prompt fails at start-up,
not in the middle of an answer.
"""

from __future__ import annotations

import functools
import string
from dataclasses import dataclass
from pathlib import Path

from rag.core.errors import ConfigError
from rag.core.resources import resource_dir

PROMPTS_DIR = resource_dir("prompts")

# The sentence every abstention uses: the prompt asks for it, code detects and emits it,
# tests compare against it.
ABSTAIN = "The articles do not say."

# Placeholders each prompt must use (and may use nothing else).
REQUIRED: dict[str, set[str]] = {
    "answer_read": {"question", "history", "passages", "abstain"},
    "brief": {"title", "article"},
    "brief_full": {"title", "article"},
    "brief_map": {"chunk"},
}


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    template: str
    stop: tuple[str, ...]

    def render(self, **values: str) -> str:
        return self.template.format(**values)


@functools.cache
def load_prompt(name: str, folder: Path = PROMPTS_DIR) -> Prompt:
    path = folder / f"{name}.txt"
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read prompt {path}: {exc.strerror}") from None
    header, sep, template = raw.partition("\n---\n")
    if not sep:
        raise ConfigError(f"{path}: missing the '---' line between header and template")
    meta: dict[str, str] = {}
    for line in header.splitlines():
        key, colon, value = line.partition(":")
        if colon:
            meta[key.strip()] = value.strip()
    if "version" not in meta:
        raise ConfigError(f"{path}: the header needs a 'version:' line")
    used = {field for _, field, _, _ in string.Formatter().parse(template) if field}
    expected = REQUIRED.get(name, used)
    if used != expected:
        missing, extra = expected - used, used - expected
        raise ConfigError(
            f"{path}: placeholders do not match: missing {sorted(missing)}, unknown {sorted(extra)}"
        )
    stops = tuple(s.encode().decode("unicode_escape") for s in meta.get("stop", "").split("|") if s)
    return Prompt(name=name, version=meta["version"], template=template.rstrip("\n"), stop=stops)
