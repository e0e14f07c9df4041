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
_URL = re.compile(
    r"<?(?:https?://|www\.)[^\s)\]>\"']+>?"
    # a bare domain, as planted links are often written: 'canary-site.io/x?c=TOKEN'
    r"|\b[a-z0-9][\w-]*(?:\.[\w-]+)*\.(?:com|net|org|io|ai|co|info|biz|xyz|example|ru|cn|"
    r"de|fr|uk|app|dev|site|online|top|me|ly|gl|sh|to|cc|tk|click|link)\b(?:/[^\s)\]>\"']*)?",
    re.I,
)


def _is_address(url: str) -> bool:
    """A URL proper (scheme, www, a path or a query), not a bare name such as 'Amazon.com'."""
    return bool(re.match(r"<?(?:https?://|www\.)", url, re.I)) or bool(re.search(r"[/?]", url))


def has_link(text: str) -> bool:
    """The text holds a web address or a Markdown link (a bare name like 'Amazon.com' is not)."""
    return bool(_MD_IMAGE.search(text) or _MD_LINK.search(text)) or any(
        _is_address(m.group()) for m in _URL.finditer(text)
    )


def neutralise_links(text: str, allowed: str, *, addresses: bool = True) -> str:
    """Markdown images and links become their alt text or label, and bare URLs are removed,
    unless the URL occurs in `allowed` (the sources the text cites). With addresses=False,
    every web address is removed; only bare names found in `allowed` stay."""

    def keep(url: str) -> bool:
        url = url.strip("<>").rstrip(".,;:")
        if not addresses and _is_address(url):
            return False
        return bool(url) and url.lower() in allowed.lower()

    text = _MD_IMAGE.sub(lambda m: m.group(0) if keep(m.group(2)) else m.group(1), text)
    text = _MD_LINK.sub(lambda m: m.group(0) if keep(m.group(2)) else m.group(1), text)
    return _URL.sub(lambda m: m.group(0) if keep(m.group(0)) else "[link removed]", text)
