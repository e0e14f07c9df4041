"""Lexical terms for the FTS5 index: tickers, model names, numbers and percentages survive.

SQLite's own tokenizer would split "8.1%" into "8" and "1" and "QwQ-32B" into "qwq" and
"32b"; news questions hinge on exactly those strings. We tokenise in Python, emit the whole
compound plus its parts, and let FTS5 index the space-separated terms.
"""

from __future__ import annotations

import re

# Order matters: money/numbers/percentages first, then words with inner hyphens/apostrophes.
_TOKEN = re.compile(
    r"[$€£]?\d+(?:[.,]\d+)*%?"
    r"|[A-Za-z0-9]+(?:[-'’][A-Za-z0-9]+)*"
)

# Dropped from queries and the index: they carry no signal and make OR queries slow.
_STOPWORDS_TEXT = """
a an and are as at be been but by did do does for from had has have he her his how i if
in into is it its itself me my of on or our she so than that the their them then there
these they this those to was we were what when where which who whom why will with would
you your about after also can could over said says such up
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

# FTS5 tokenizer: porter stemming over unicode61, keeping the characters our compounds use.
FTS_TOKENIZE = "porter unicode61 tokenchars '.%$-'"


def terms(text: str) -> list[str]:
    """Lower-cased terms; compounds are followed by their parts ("qwq-32b", "qwq", "32b")."""
    out: list[str] = []
    for match in _TOKEN.finditer(text):
        token = match.group().lower().replace("’", "'")
        if token[0].isdigit() or token[0] in "$€£":
            number = token.replace(",", "")
            out.append(number)
            bare = number.lstrip("$€£").rstrip("%")
            if bare != number:
                out.append(bare)
            continue
        if token.endswith("'s"):
            token = token[:-2]
        token = token.replace("'", "")
        if not token or token in STOPWORDS:
            continue
        out.append(token)
        if "-" in token:
            out.extend(part for part in token.split("-") if part and part not in STOPWORDS)
    return out


def index_text(text: str) -> str:
    """What goes into the FTS5 column for a chunk."""
    return " ".join(terms(text))


def query_terms(text: str) -> list[str]:
    """The distinct terms of a query, in order."""
    return list(dict.fromkeys(terms(text)))


def or_match(unique: list[str]) -> str | None:
    """An FTS5 MATCH expression: the terms, quoted, OR-ed. None if no terms."""
    if not unique:
        return None
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in unique)


class Stems:
    """The FTS5 tokenizer above, run on its own (an in-memory SQLite table), so that another
    lexical index (PostgreSQL's tsvector) holds exactly the tokens and positions FTS5 would:
    the same stems, the same document lengths, the same bm25."""

    def __init__(self) -> None:
        import sqlite3

        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.execute(f'CREATE VIRTUAL TABLE t USING fts5(x, tokenize="{FTS_TOKENIZE}")')
        self.db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
        import threading

        self.lock = threading.Lock()

    def positions(self, texts: list[str]) -> list[dict[str, list[int]]]:
        """Per text: token -> its positions (0-based), as FTS5 indexes it."""
        with self.lock:
            self.db.execute("DELETE FROM t")
            self.db.executemany("INSERT INTO t(rowid, x) VALUES (?, ?)", list(enumerate(texts)))
            found: list[dict[str, list[int]]] = [{} for _ in texts]
            for term, doc, offset in self.db.execute("SELECT term, doc, offset FROM v"):
                found[doc].setdefault(term, []).append(offset)
            self.db.execute("DELETE FROM t")
        return found

    def of_terms(self, terms: list[str]) -> list[list[str]]:
        """Per query term, the tokens FTS5 makes of it (a compound may give none or several)."""
        return [sorted(found, key=found.__getitem__) for found in self.positions(terms)]
