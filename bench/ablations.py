"""The families of hand-written readings that remain beside the learned reader, each one
switchable off for a bench run (bench/goldsets.py --ablate NAME), to measure what it earns.

Switching off replaces the family's entry points for the run only (unittest.mock.patch):
nothing here is a switch in the product's code.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any
from unittest import mock


def _none(*_args: Any, **_kw: Any) -> None:
    return None


def _false(*_args: Any, **_kw: Any) -> bool:
    return False


# family: [(module, attribute, replacement), ...]
FAMILIES: dict[str, list[tuple[str, str, Any]]] = {
    # the answer path (quantity, date, person, other)
    "typed-bonus": [("rag.answer.choose", "TYPE_BONUS", 0.0)],
    "clause-span": [("rag.answer.read", "clause_span", _none)],
    "who-is": [
        ("rag.answer.read", "with_title", lambda _q, _s, end: end),
        ("rag.answer.read", "_another_person", _false),
    ],
    "whole-figure": [("rag.answer.read", "whole_figure", lambda _s, a, b: (a, b))],
    "alleged": [
        ("rag.answer.read", "only_asked", _none),
        ("rag.answer.read", "asked_at", _false),
        ("rag.answer.yesno", "only_asked", _none),
    ],
    "follow-up-name": [("rag.answer.pipeline", "with_name", lambda q, _h: q)],
    # yes/no: the readings of rag.answer.polarity.yes_or_no, and the steps around it
    "slots": [("rag.answer.yesno", "another_value", _none)],
    "party-said": [("rag.answer.yesno", "_party_said", _none)],
    "grounds-yes": [("rag.answer.yesno", "grounds_a_yes", lambda *_a, **_k: True)],
    "opposite-sentence": [("rag.answer.yesno", "_says_the_opposite", _none)],
}
_IN_YESNO = {"party", "other_figure", "swapped"}
for _reading in (
    "party",
    "_who_won",
    "_compared",
    "_superseded",
    "other_figure",
    "_only_some",
    "_instead",
    "_opposite",
    "swapped",
    "_other_qualifier",
    "_only_possible",
):
    # a reading yesno.py also calls by itself (to find a sentence to read) is off there too
    FAMILIES["polarity." + _reading.lstrip("_")] = [("rag.answer.polarity", _reading, _none)] + (
        [("rag.answer.yesno", _reading, _none)] if _reading in _IN_YESNO else []
    )
# the reader-sure check is a setting: 0 turns it off
SETTINGS: dict[str, dict[str, str]] = {"second-opinion": {"RAG_READER_SURE": "0"}}


@contextmanager
def switched_off(name: str) -> Iterator[None]:
    """The run inside has family `name` switched off."""
    if name not in FAMILIES and name not in SETTINGS:
        known = ", ".join(sorted([*FAMILIES, *SETTINGS]))
        raise SystemExit(f"unknown family {name!r}: one of {known}")
    with ExitStack() as stack:
        for module, attribute, replacement in FAMILIES.get(name, []):
            stack.enter_context(mock.patch(f"{module}.{attribute}", replacement))
        stack.enter_context(mock.patch.dict(os.environ, SETTINGS.get(name, {})))
        yield
