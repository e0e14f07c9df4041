"""What a question asks for: the noun it counts or names, the words that must be answered,
the figures that fit it."""

from __future__ import annotations

import re
from typing import NamedTuple

from rag.answer.spans import (
    MEASURE,
)
from rag.core.lexical import STOPWORDS
from rag.core.text import QUESTION_WORDS, initials, stem
from rag.core.tokens import get_encoding


def asked_noun(question: str) -> str | None:
    """What a 'which <noun>' question asks for: 'Which gland sets off puberty?' -> 'gland'."""
    m = re.match(r"\s*(?:which|what)\s+([a-z]{3,})\b", question, re.I)
    word = m.group(1).lower() if m else ""
    if not m or word in STOPWORDS or word in QUESTION_WORDS or word in _LOOSE_NOUNS:
        return None
    return word


def names_noun(sentence: str, noun: str) -> bool:
    """The sentence names a thing of that noun: 'the pituitary gland', 'Waheguru is the name'."""
    for m in re.finditer(rf"\b([\w'’-]+)\s+{re.escape(noun)}(?:s|es)?\b", sentence, re.I):
        if m.group(1).lower() not in STOPWORDS and m.group(1).lower() not in _NOT_A_KIND:
            return True
    return False


_NOT_A_KIND = {"which", "what", "this", "that", "these", "those", "each", "every", "any", "no"}


def count_noun(question: str) -> str | None:
    """What a 'how many' question counts, by stem: 'How many police officers ...' -> 'officer'."""
    m = re.search(r"\bhow many ((?:[\w'-]+ ){0,2}?[\w'-]+?)(?= (?:did|do|does|are|were|is|was|"
                  r"have|has|had|will|can|could|would|should|in|of|on|at|for)\b|\?|$)",
                  question, re.I)  # fmt: skip
    if not m:
        return None
    return stem(m.group(1).split()[-1].lower())


class Counted(NamedTuple):
    """What a 'how many' question counts: stems the answering sentence must say, and whether
    they are people (said next to the figure: 'inhabitants', 'were confirmed dead')."""

    stems: frozenset[str]
    people: bool = False


def counted_by(question: str) -> Counted:
    """The first words after 'how many', by stem ('students attend' -> student, attend): the
    answering sentence names at least one of them ('How many students attend Newcastle
    University?' is not answered by the average age of its people)."""
    m = re.search(r"\bhow many ([\w'-]+)(?: ([\w'-]+))?", question, re.I)
    if not m:
        return Counted(frozenset())
    if m.group(1).lower() == "people":  # 'How many people lived ...': inhabitants, staff
        return Counted(_PEOPLE_STEMS, people=True)
    if m.group(1).lower() in _LOOSE_NOUNS:
        return Counted(frozenset())  # 'How many kinds are ...': the noun is what it lists
    words = {w.lower() for w in m.groups() if w} - _LOOSE_COUNTED
    return Counted(
        frozenset(stem(w) for w in words if w not in STOPWORDS and w not in QUESTION_WORDS)
    )


# nouns that say how something is counted, not what: 'How many kinds of rock ...'
_LOOSE_NOUNS = frozenset({"times", "kinds", "types", "sorts", "forms", "categories"})


_PEOPLE = """people persons inhabitants residents population citizens individuals employees
staff workers members men women children adults students voters visitors dead killed deaths
died victims injured wounded missing casualties fatalities survivors refugees displaced
evacuated arrested passengers soldiers troops fans spectators patients tourists migrants"""


_PEOPLE_STEMS = frozenset(stem(w) for w in _PEOPLE.split())


NEAR_FIGURE = 40  # characters either side of a figure where what it counts is said


_LOOSE_COUNTED = _LOOSE_NOUNS | {
    "more", "other", "people", "of", "different", "new", "total", "main", "major", "basic",
    "key", "distinct",
}  # fmt: skip


UNITFUL = re.compile(r"[%$€£¥]|\d[\s-]?[a-zA-Z]|\b(?:of the|percent|million|billion)\b")


def asks_year(question: str) -> bool:
    return bool(re.search(r"\b(?:year|when)\b", question, re.I))


def in_question(phrase: str, question: str) -> bool:
    digits = re.findall(r"\d[\d,.]*", phrase)
    if digits:
        return all(d.strip(".,") in question for d in digits)
    return phrase.lower() in question.lower()


def word_set(text: str) -> set[str]:
    """The text's words, lower case, without a possessive "'s" ("Gilmore's" is Gilmore)."""
    return {re.sub(r"['’]s$", "", w.lower()) for w in re.findall(r"[\w'’-]+", text)}


def named_in(question: str) -> set[str]:
    """The question's names, by stem ('Nvidia'): the named part of specific_terms."""
    return {stem(word.lower()) for i, word in _question_words(question) if _is_name(i, word)}


def names_all(named: set[str], terms: set[str]) -> bool:
    """Every name (a stem) starts one of the terms."""
    return all(any(t.startswith(n) for t in terms) for n in named)


SPECIFIC_LEN = 7  # 'revenue', 'quarterly': a word this long is seldom a loose one


def specific_terms(question: str) -> set[str]:
    """The question's terms that name something (by stem): capitalised words past the first
    (and mixed case like 'iPhone' anywhere), numbers, long words (SPECIFIC_LEN letters or
    more) and rare words (more than one token in cl100k, whose vocabulary holds every common
    English word whole). 'most', 'both', 'worth' or 'rival' missing from a sentence does not
    mean the articles do not say; 'Kimi', 'Newcastle', 'revenue' or 'parameters' does."""
    enc = get_encoding()
    out = set()
    # 'Which organization ...': the noun after 'which' is what the answer is, not a word the
    # answering sentence must hold ('Transparency International has identified ...')
    answer_noun = re.match(r"\s*which\s+([a-z]+)\b(?<!ed)", question, re.I)
    for i, word in _question_words(initials(question)):  # 'chief executive' is 'CEO'
        lower = word.lower()
        if answer_noun and lower == answer_noun.group(1).lower():
            continue
        rare = len(lower) >= SPECIFIC_LEN or len(enc.encode_ordinary(" " + lower)) > 1
        if _is_name(i, word) or rare or any(c.isdigit() for c in word):
            out.add(stem(lower))
    return out


def _question_words(question: str) -> list[tuple[int, str]]:
    """(position, word without its "'s") of the question's words past question words and
    stopwords."""
    words = (
        m.group().removesuffix("'s").removesuffix("’s") for m in re.finditer(r"[\w'’-]+", question)
    )
    return [(i, w) for i, w in enumerate(words) if w.lower() not in _NOT_SPECIFIC]


_NOT_SPECIFIC = QUESTION_WORDS | STOPWORDS


def _is_name(i: int, word: str) -> bool:
    """Capitalised past the question's first word, or in mixed case anywhere ('iPhone')."""
    return (i > 0 and word[:1].isupper()) or any(c.isupper() for c in word[1:])


_MONEY_Q = re.compile(
    r"^(?:how much (?!of\b).*\b(?:pay|paid|cost|costs|price|priced|sell|sold for|worth|"
    r"spend|spent|invest|earn|charge)|what (?:is |was )?(?:the )?price\b|how much money\b)",
    re.I,
)


_SHARE_Q = re.compile(r"\b(?:percentage|share|proportion|(?<!exchange )rate)\b", re.I)


_MONEY = re.compile(
    r"[$€£¥₹]|\b(?:yuan|reais|euros?|dollars|pounds|yen|rupees|USD|drachmae?)\b", re.I
)


_FRACTION = re.compile(r"%|percent|per cent|half|third|quarter|fifth|of the", re.I)


_SHARE_WORD = re.compile(r"\bper ?cent\b|half\b|\bthirds?\b|\bquarters?\b|\bfifths?\b", re.I)


_COMPARED = re.compile(r"\bcompared\b|\bthan\b|\brelative to\b|\bas many as\b", re.I)


_DURATION_OR_LENGTH = re.compile(
    r"\b(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centuries|century|"
    r"km|kilomet(?:er|re)s?|miles?|met(?:er|re)s?|feet|foot|ft|yards?|inch(?:es)?|cm|mm|mi|m)\b",
    re.I,
)


_SIZE_Q = re.compile(r"\bhow (?:big|large|high|tall|deep|far|heavy)\b", re.I)


_CHANGE_Q = re.compile(
    r"\bhow much (?:did|does|do|has|have|had|will|would)\b.*\b(?:grow|grew|rise|rose|fall|"
    r"fell|increase|decrease|drop|gain|jump|decline|climb|slip|surge|shrink)\w*\b",
    re.I,
)


_CHANGE = re.compile(
    r"%|percent|per cent|\bpoints?\b|\btimes\b|fold\b|[$€£¥₹]|\b(?:million|billion|"
    r"trillion|thousand)\b|\b(?:yuan|reais|euros?|dollars|pounds|yen|rupees)\b",
    re.I,
)


_MONEY_WORDS_Q = re.compile(r"\bhow many (?:dollars|euros|pounds|yuan|yen|rupees)\b", re.I)


_MONEY_NOUN_Q = re.compile(r"\b(?:prices?|salar(?:y|ies)|wages?|fees?|fares?)\b", re.I)


def fits(figure: str, question: str) -> bool:
    """A money question (a price, a salary, a fee) needs an amount of money, a share
    question a percentage or a fraction, a 'how long' question a duration or a length, a
    'how much' question a figure with a unit; a 'how many' question is not answered by a
    percentage or money."""
    if (_MONEY_Q.search(question) or _MONEY_NOUN_Q.search(question)) and not _MONEY.search(figure):
        return False
    if _SHARE_Q.search(question) and not _FRACTION.search(figure):
        return False
    if re.search(r"\bhow long\b", question, re.I) and not _DURATION_OR_LENGTH.search(figure):
        return False
    if re.search(r"\bhow much\b(?! of\b)", question, re.I) and not UNITFUL.search(figure):
        return False
    if _SIZE_Q.search(question) and not UNITFUL.search(figure):
        return False  # 'how big is the purse?' is not answered by 'two'
    if _CHANGE_Q.search(question) and not _CHANGE.search(figure):
        return False  # 'how much did advertising grow?' is not answered by '152 magazines'
    if re.search(r"\bhow many\b", question, re.I) and not _MONEY_WORDS_Q.search(question):
        if re.fullmatch(r"[-+]?[\d,]*\.\d+", figure.strip()):
            return False  # a count is whole: 37.8 (an average age) counts no students
        if "%" in figure or (_SHARE_WORD.search(figure) and not _COMPARED.search(question)):
            return False  # 'about one-half' (of the people) counts no one
        measure = MEASURE.search(figure)
        if measure and measure.group().lower() not in question.lower():
            return False  # 'how many people' is not answered by '17,000 km'
        return not _MONEY.search(figure)  # 40 jets, not $3.6 billion
    return True
