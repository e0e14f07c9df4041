"""Make article and model text safe to print: no terminal escapes, no control characters."""

from __future__ import annotations

import re

# CSI/OSC/other ESC sequences, then any remaining C0/C1 control characters but \n and \t.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(text: str) -> str:
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]*)[^)]*\)")
_MD_LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(([^)\s]*)[^)]*\)")
_URL = re.compile(r"(?:https?://|www\.)[^\s)\]>\"']+")


def neutralise_links(text: str, allowed: str) -> str:
    """Markdown images and links become their alt text or label, and bare URLs are removed,
    unless the URL occurs in `allowed` (the sources the text cites)."""

    def keep(url: str) -> bool:
        return bool(url) and url in allowed

    text = _MD_IMAGE.sub(lambda m: m.group(0) if keep(m.group(2)) else m.group(1), text)
    text = _MD_LINK.sub(lambda m: m.group(0) if keep(m.group(2)) else m.group(1), text)
    return _URL.sub(lambda m: m.group(0) if keep(m.group(0)) else "[link removed]", text)
