"""Make article and model text safe to print: no terminal escapes, no control characters."""

from __future__ import annotations

import re

# CSI/OSC/other ESC sequences, then any remaining C0/C1 control characters but \n and \t.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(text: str) -> str:
    return _CONTROLS.sub("", _ESCAPES.sub("", text))
