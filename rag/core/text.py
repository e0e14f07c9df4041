"""Text analysis shared by answers, briefs, the guard and the eval: sentences with their
spans, one `normalise`, the light stemmer and the content terms questions and sentences are
compared by, and the citation marker.

The answer step's stemmer is lighter than the lexical index's (FTS5 porter): it only has to
make a question's words meet a sentence's ("rallied"/"rally"), and it is what the answer
figures in evals/README.md were measured with.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rag.core.lexical import terms

# A sentence ends at . ! ? (plus closing quotes/brackets) before whitespace and a capital,
# digit, quote or bullet; or at a line break. Abbreviations below never end a sentence.
_BOUNDARY = re.compile(
    r"(?<=[.!?])[\"'”’)\]]*(?=\s+[\"'“‘(\[A-Z0-9•\-\u00c0-\u00de\u0388-\u03ab\u0400-\u042f\u3040-\u30ff\u4e00-\u9fff])|(?<=[。！？])\s*|\n"
)
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "inc", "corp", "co", "ltd", "jr", "sr", "st", "vs",
    "etc", "e.g", "i.e", "u.s", "u.k", "u.n", "no", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "gov", "gen", "sen", "rep", "fig", "approx",
    "c", "ca", "al", "cf", "vol", "pp",  # 'c. 8000 BC', 'Sanchez et al. (2005)'
}  # fmt: skip
_LAST_WORD = re.compile(r"([A-Za-z.]+)\.$")
_INITIAL = re.compile(r"[A-HJ-Z]")  # not "I."
_AFTER_INITIAL = re.compile(r"\s+[A-Z][a-z]")
_CLOCK = {"a.m", "p.m"}
# what goes on the sentence after a clock time: a time zone, a day ('at 10 a.m. Friday, Dec. 6')
_AFTER_CLOCK = re.compile(
    r"\s+(?:[ECMP][SD]?T|GMT|UTC|BST|CET|CEST|HKT|JST|IST|AEST|local|Monday|Tuesday|Wednesday|"
    r"Thursday|Friday|Saturday|Sunday|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b"
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def split_sentences(text: str) -> list[Span]:
    """Sentence spans, whitespace-trimmed, covering every non-space character of `text`."""
    spans: list[Span] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if match.group() != "\n":
            word = _LAST_WORD.search(text[start:end].rstrip("\"'”’)]"))
            if word and word.group(1).lower() in _ABBREVIATIONS:
                continue
            if word and word.group(1).lower() in _CLOCK and _AFTER_CLOCK.match(text, end):
                continue  # 'at 9 a.m. ET to discuss results'
            if word and _INITIAL.fullmatch(word.group(1)) and _AFTER_INITIAL.match(text, end):
                continue  # 'Richard F. Burton', 'John F. Kennedy': an initial ends no sentence
        add_trimmed(text, start, end, spans)
        start = end
    add_trimmed(text, start, len(text), spans)
    return spans


def add_trimmed(text: str, start: int, end: int, spans: list[Span]) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        spans.append(Span(start + lead, start + lead + len(stripped)))


def sentences(text: str) -> list[str]:
    """The sentences of `text`, as strings."""
    return [text[s.start : s.end] for s in split_sentences(text)]


_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "—": "-", "–": "-"})


def normalise(text: str) -> str:
    """Quote marks and dashes unified, whitespace collapsed, case kept."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip()


# Words that say what kind of answer is wanted, not what it is about.
_QUESTION_WORDS_TEXT = """
what which who whom whose when where why how much many did does do according article
articles name named give given tell say said kind shown next mentioned called figure
percentage symbol number amount ticker main news story latest happened happening headline
"""
QUESTION_WORDS = frozenset(_QUESTION_WORDS_TEXT.split())
# A citation marker, [n], as answers carry them.
MARKER = re.compile(r"\s*\[(\d+)\]")


# Verbs news uses for a price moving, met as one term: a reader asks why shares "rose", the
# article says they "rallied".
_MOVES = {
    "up": "rise rises rising rose risen rally rallies rallied rallying surge surges surged "
    "surging jump jumps jumped jumping climb climbs climbed climbing soar soars soared "
    "soaring gain gains gained gaining",
    "down": "fall falls falling fell fallen drop drops dropped dropping slump slumps slumped "
    "slumping tumble tumbles tumbled tumbling plunge plunges plunged plunging sink sinks "
    "sank sunk sinking slide slides slid sliding decline declines declined declining",
}
_MOVE_OF = {word: f"move-{way}" for way, words in _MOVES.items() for word in words.split()}


def stem(term: str) -> str:
    """A light suffix strip so 'rallied'/'rally', 'shares'/'share', 'surged'/'surge' meet;
    verbs of a price moving up (or down) meet as one term."""
    if term in _MOVE_OF:
        return _MOVE_OF[term]
    term = _LEMMA.get(term, term)  # 'bought' meets 'buy', 'born' meets 'birth'
    if len(term) <= 3 or not term.isalpha():
        return term
    if term.endswith(("ies", "ied")):
        term = term[:-3] + "y"
    elif term.endswith("ing") and len(term) > 5:
        term = term[:-3]
    elif term.endswith("ed"):
        term = term[:-2]
    elif term.endswith("s") and not term.endswith("ss"):
        term = term[:-1]
    term = _DOER.get(term, term)  # 'founder' meets 'founded'
    term = term[:-1] if term.endswith("e") else term
    # British and American spellings meet: licence/license, organise/organize, labour/labor
    if len(term) > 5:
        term = re.sub(r"nc$", "ns", term)
        term = re.sub(r"is$", "iz", term)
        term = re.sub(r"our$", "or", term)
    return term


# Irregular forms meet their word ('Who wrote X?' - 'X was written by'), and the words of
# being born, dying and beginning meet one another ('When was X born?' - 'his birthday')
_LEMMA_TABLE = """
birth born birthday birthdays
death die died dies dying dead deaths
start begin begins began begun beginning
buy bought
sell sold
win won
lead led
pay paid
make made
take took taken
give gave given
build built
write wrote written
hold held
tell told
say said
become became
meet met
grow grew grown
know knew known
fight fought
teach taught
bring brought
think thought
choose chose chosen
drive drove driven
spend spent
send sent
lose lost
keep kept
strike struck
shoot shot
fly flew flown
see saw seen
speak spoke spoken
break broke broken
steal stole stolen
"""
_LEMMA = {
    form: line.split()[0] for line in _LEMMA_TABLE.strip().splitlines() for form in line.split()
}
# Who does what: the noun meets its verb ('Who founded Alibaba?' - 'Alibaba founder Jack Ma')
_DOER = {
    "founder": "found", "cofounder": "cofound", "co-founder": "co-found", "owner": "own",
    "investor": "invest", "creator": "create", "inventor": "invent", "developer": "develop",
    "publisher": "publish", "producer": "produce", "manufacturer": "manufacture",
    "buyer": "buy", "seller": "sell", "maker": "make", "builder": "build", "designer": "design",
    "operator": "operate", "supplier": "supply", "acquirer": "acquire", "employer": "employ",
    "lender": "lend", "organizer": "organize", "organiser": "organise",
}  # fmt: skip
_INITIALS = re.compile(r"\b(?:[A-Z]\.){2,}")


def initials(text: str) -> str:
    """'U.S.' and 'U.K.' read as 'US' and 'UK'; the titles news writes either way read as
    their initials ('chief executive' as 'CEO')."""
    text = _INITIALS.sub(lambda m: m.group().replace(".", ""), text)
    return _SPELLED_OUT.sub(lambda m: _ACRONYM[m.group(1).lower()], text)


_ACRONYM = {
    "chief executive officer": "CEO", "chief executive": "CEO", "chief financial officer": "CFO",
    "chief operating officer": "COO", "chief technology officer": "CTO",
    "initial public offering": "IPO", "gross domestic product": "GDP",
}  # fmt: skip
_SPELLED_OUT = re.compile(
    r"\b(" + "|".join(sorted(_ACRONYM, key=len, reverse=True)) + r")s?\b", re.I
)


def content_terms(text: str) -> set[str]:
    """The text's terms by stem, past question words; a hyphenated word also as one word
    ('re-launched' meets 'relaunched')."""
    out = set()
    for term in terms(initials(text)):
        if term not in QUESTION_WORDS:
            out.add(stem(term))
            if "-" in term:
                out.add(stem(term.replace("-", "")))
    return out


def clip(text: str, limit: int) -> str:
    """One line, at most `limit` terminal columns (a wide character takes two), cut at a
    word where one is near."""
    text = " ".join(text.split())
    if cells(text) <= limit:
        return text
    used, end = 0, 0
    for end, ch in enumerate(text):  # noqa: B007 - `end` is where the room runs out
        used += _width(ch)
        if used > limit - 1:
            break
    cut = text[:end]
    word = cut.rsplit(" ", 1)[0]
    return (word if len(word) > len(cut) // 2 else cut) + "…"


def cells(text: str) -> int:
    """The columns `text` takes on a terminal: East Asian wide and full-width characters
    ('特許', 'Ｒ') take two ('rag articles' lines up titles from Japanese and Korean sites)."""
    return sum(_width(ch) for ch in text)


def pad(text: str, width: int) -> str:
    """`text` and the spaces that fill it out to `width` columns."""
    return text + " " * max(0, width - cells(text))


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1
