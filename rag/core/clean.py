"""Boilerplate removal: a small, explicit rule list that never touches article sentences.

Each rule removes a span (not a whole line), because publishers glue promos and photo
credits onto the end of real sentences ("...digital finance.Unlock stock picks ... Upgrade
Now"). Rules are anchored on wording no article sentence uses.
"""

from __future__ import annotations

import re

# (name, pattern), applied in order over the whole text; line rules use re.M.
RULES: list[tuple[str, re.Pattern[str]]] = [
    (
        "promo-upgrade",
        re.compile(r"Unlock stock picks and a broker-level newsfeed[^\n]*?Upgrade Now[ \t]*"),
    ),
    ("image-source-line", re.compile(r"^[ \t]*Image source:[^\n]{0,80}$", re.M)),
    (
        # A photo credit glued after a sentence's final stop: "...open source.Wang HE/Getty Images"
        "glued-photo-credit",
        re.compile(
            r"(?<=[.!?\"”])[A-Z][\w.'\- ]{0,40}/(?:Getty Images|Reuters|AP Photo|AFP|Bloomberg)"
            r"[ \t]*$",
            re.M,
        ),
    ),
    (
        "credit-only-line",
        re.compile(
            r"^[ \t]*(?:Photo|Image|Credit)s?:?[ \t]*[^\n]{0,50}"
            r"(?:Getty Images|Reuters|AP Photo|AFP|Shutterstock)[ \t]*$",
            re.M,
        ),
    ),
    (
        "advertisement-line",
        re.compile(r"^[ \t]*(?:Advertisement|ADVERTISEMENT|Story continues)$", re.M),
    ),
    (
        # publishers' notices, a line each (issue 39: a reprints notice opened a brief)
        "publisher-notice-line",
        re.compile(
            r"^[ \t]*(?:This copy is for your personal,? non-commercial use only\b[^\n]*"
            r"|An error has occurred,? please try again later\.?"
            r"|Copyright ©[^\n]{0,80}All Rights Reserved\.?"
            r"|(?:[-•*][ \t]*)?(?:Order Reprints|Print Article|Reprints|Share This Article)"
            r"|GET FOX BUSINESS ON THE GO BY CLICKING HERE"
            r"|(?:Main )?[Ii]mage credits?:[^\n]{0,60}"
            r"|Read more:[^\n]{0,160}"
            # a broadcaster's sign-off: 'Follow Newsbeat on Instagram, Facebook, Twitter and
            # YouTube.', 'Listen to Newsbeat live at 12:45 ... - or listen back here.'
            r"|Follow [^\n]{1,40} on (?:Instagram|Facebook|Twitter|YouTube|X)"
            r"(?:,? (?:and )?(?:Instagram|Facebook|Twitter|YouTube|X|TikTok|Snapchat))+\.?"
            r"|(?:Follow|Subscribe to) [^\n]{1,40} on (?:Instagram|Facebook|Twitter|YouTube)"
            r" (?:for more|to keep up with)\b[^\n]{0,120}"
            r"|Listen to [^\n]{1,80}(?:listen back here|on BBC Sounds)\.?)[ \t]*$",
            re.M,
        ),
    ),
    (
        # a press release's closing pointer, at the end of a line: '... exchange. For more
        # information, please visit www.example.com.' (not news; the injection guard read it
        # as sending the reader to a link)
        "more-information",
        re.compile(
            r"(?:(?<=[.!?])[ \t]+|^[ \t]*)(?:For more information\b[^\n]{0,120}?,?[ \t]*"
            r"(?:please[ \t]+)?visit:?|Download:)[ \t]*(?:https?://|www\.)\S+[ \t]*$",
            re.M,
        ),
    ),
    (
        # a footnote reference after a word or figure ('per shift [1], even ...'): no part
        # of the sentence, and in an answer or a brief it reads like rag's own citation
        # numbers (issue 37: 'per shift[1]' in a press release's summary); the notes list
        # itself ('[1] Alarm fatigue: ...', at a line's start) stays
        "footnote-marker",
        re.compile(
            r"(?<=[\w%.,;:)\"”’])[ \t]?\[\d{1,2}\](?=[ \t]*[.,;:!?)]|[ \t]*$|[ \t]+\w)", re.M
        ),
    ),
]

# Characters a reader cannot see: zero-width, bidi controls, soft hyphen, variation
# selectors, Unicode tag characters (invisible text). They can hide words from a rule
# ("ig\u200bnore") or carry text no reader sees, so they are removed at load and counted.
INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e007f]"
)


# Of those, the ones that hide or reorder text rather than shape it: Unicode tag characters
# (a whole sentence no reader sees) and bidi overrides, embeddings and isolates (text shown in
# another order than it is read). Soft hyphens, joiners and direction marks are ordinary in
# Wikipedia and news text: removed, but no reason to warn.
HIDING = re.compile("[\u202a-\u202e\u2066-\u2069\U000e0000-\U000e007f]")


def invisible_count(text: str) -> int:
    """The characters of `text` that hide or reorder text (a warning at ingest)."""
    return len(HIDING.findall(text))


_TRAILING_WS = re.compile(r"[ \t]+$", re.MULTILINE)
_BLANK_RUNS = re.compile(r"\n{3,}")


def clean_text(text: str) -> str:
    """Normalise line endings and whitespace, drop invisible characters, then remove
    boilerplate spans."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = INVISIBLE.sub("", text)
    for _name, pattern in RULES:
        text = pattern.sub("", text)
    text = _TRAILING_WS.sub("", text)
    text = _BLANK_RUNS.sub("\n\n", text)
    return text.strip()
