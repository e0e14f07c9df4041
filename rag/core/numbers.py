"""Numbers in text: find them, normalise them, and check them against a source."""

from __future__ import annotations

import re

# 8.1%, -1.71%, $317.7 billion, 2,500, 380, 7.5, 1973 ... (a leading sign only before a digit)
NUMBER = re.compile(
    r"(?<![\w.])[-+−]?[$€£]?\d+(?:,\d{3})*(?:\.\d+)?(?:%|\s?percent\b)?(?![A-Za-z0-9])"
)
# numbers written as words, by value
NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "half": "0.5", "one-fifth": "0.2", "a fifth": "0.2",
}  # fmt: skip


def canonical(number: str) -> str:
    """'$2,500' -> '2500'; '8.1 percent' -> '8.1'; '-1.71%' -> '1.71' (sign and unit dropped:
    the unit words around a number are checked as text, the value here)."""
    value = number.lower().replace("percent", "").replace("%", "").strip()
    value = value.lstrip("+-−$€£").replace(",", "").strip()
    if "." in value:
        value = value.rstrip("0").rstrip(".")
    return value or "0"


def numbers_in(text: str) -> list[str]:
    """Canonical values of the numbers written with digits in `text`, in order."""
    return [canonical(m.group()) for m in NUMBER.finditer(text)]


def unsupported_numbers(claim: str, *sources: str) -> list[str]:
    """Numbers in `claim` (as written) whose value appears in none of `sources`."""
    known = {value for source in sources for value in numbers_in(source)}
    return [m.group().strip() for m in NUMBER.finditer(claim) if canonical(m.group()) not in known]
