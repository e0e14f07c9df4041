"""What grounds a plain Yes: a sentence that names the question's names (in it, or in the
text just before it), says what the question asks of its subject, and is not about
another. A Yes the polarity readings give (rag.answer.polarity) stands only on such a
sentence. What a sentence says is only asked or looked into ('the NYAG's questions include if
... Adam Neumann engaged in self-dealing') grounds no answer at all: no Yes, no No, no span."""

from __future__ import annotations

import re

from rag.answer.kinds import named_in
from rag.answer.polarity import ASKED_OPENING, PREP
from rag.core.lexical import STOPWORDS
from rag.core.text import clip, content_terms

# A Yes needs the sentence and the text before it to name at least this share of the
# question's names ('Was the chat held in New York?' is not answered by a sentence about
# the chat that names no place), and the sentence to say one of the question's other words
# when it has two or more ('Does Marc Benioff still own a computer?' is not answered by a
# sentence that names Benioff and says nothing of owning or a computer).
YES_NAMES = 0.5


def grounds_a_yes(question: str, sentence: str, context: str, passages: str = "") -> bool:
    """The context names YES_NAMES of the question's names and the sentence says one of its
    other content words, when it has two or more; a sentence about another ('Russia beat
    Croatia on Monday' for 'Did Spain play Croatia on Monday?') grounds none."""
    if _about_another(question, sentence, passages) or not _of_the_subject(question, sentence):
        return False
    named = named_in(question)
    around = content_terms(context)
    found = [n for n in named if any(t.startswith(n) for t in around)]
    if named and len(found) / len(named) < YES_NAMES:
        return False
    rest = {t for t in content_terms(question) if not any(t.startswith(n) for n in named)}
    said = bool(rest & content_terms(sentence))
    if len(rest) == 1 and not said and _COPULA_STATE.match(question):
        return False  # 'Is INWEGO free?' is not said by '... INWEGO ... for a flat fee'
    return (len(rest) < 2 or said) and _says_the_asked(question, sentence, context)


# 'Is INWEGO free?': a state asked of a name alone, which the sentence must say (a verb
# asked may be said in other words: 'buy' by 'acquired', 'win a Nobel Prize' by 'were
# awarded')
_COPULA_STATE = re.compile(
    r"^\s*(?:[Ii]s|[Aa]re|[Ww]as|[Ww]ere)\s+(?:the\s+)?(?:[A-Z][\w.'’&-]*\s+){1,4}"
    r"(?![\w-]+(?:ed|en)\?)[a-z][\w-]*\?\s*$"
)


# a phrase that ends a question and says where, when or with whom, not what is asked
_TRAILING = re.compile(rf"\s+{PREP}\s+(?:[\w'’$.,&-]+\s*){{1,6}}$", re.I)


# what is asked after a place: 'a success' of 'Was her trip to Beijing a success?'
_PREDICATE = re.compile(r"\b[A-Z][\w'’.-]*\s+(?:a|an)\s+[\w-]+$")


def _says_the_asked(question: str, sentence: str, context: str) -> bool:
    """The sentence says what the question asks of its subject: its last content word, or
    the last before a closing phrase ('white' of 'Is the RAVPower charger white?', 'master'
    of 'Is Cal a Jedi master?'; 'tie' or 'Russia' of 'Did Spain beat Russia in their Davis
    Cup Finals tie?'); a name may be said in the context ('at the Davis Cup?')."""
    asked = ASKED_OPENING.sub("", question.strip().rstrip("?"))
    lasts: list[str] = []
    while True:
        words = [w for w in re.findall(r"[\w'’$.%-]+", asked) if content_terms(w)]
        lasts += words[-1:]
        m = _TRAILING.search(asked)
        if m is None or len(content_terms(asked[: m.start()])) < 2 or _PREDICATE.search(m.group()):
            break
        asked = asked[: m.start()]
    if len(content_terms(question)) < 3:
        return True
    said, around = content_terms(sentence), content_terms(context)
    return not lasts or any(
        content_terms(w) & (around if w[0].isupper() else said) or w.lower()[:5] in sentence.lower()
        for w in lasts
    )


def _subject(question: str) -> str | None:
    """The question's first name past its opening word, without a "'s" ('Nvidia's')."""
    m = re.search(r"(?<=\s)[A-Z][\w'’&.-]*", question)
    return m.group().removesuffix("'s").removesuffix("’s") if m else None


# a pronoun, or a sentence that opens with 'the game', 'this company'
_REFERS_BACK = re.compile(
    r"(?i:\b(?:he|she|it|they|his|her|its|their|him|them)\b)|"
    r"^\W*(?:The|This|That|These|Those) [a-z]"
)


def _of_the_subject(question: str, sentence: str) -> bool:
    """The sentence names the question's subject (its first name), or refers back to one
    named before it ('Their virtual universe' after 'TNG50')."""
    name = _subject(question)
    if not name:
        return True
    said = content_terms(sentence)  # 'US' is said as 'U.S.'
    named = any(t.startswith(n) for n in content_terms(name) for t in said)
    return name in sentence or named or bool(_REFERS_BACK.search(sentence))


def _about_another(question: str, sentence: str, passages: str) -> bool:
    """The sentence opens with a name the question does not hold (one the passages also
    write inside a sentence) and does not name the question's subject, its first name."""
    subject = _subject(question)
    opening = re.match(r"[\"'“‘(]*(?:The\s+)?([A-Z][\w'’&.-]*)", sentence)
    if not subject or not opening or opening.group(1) in question:
        return False
    name = opening.group(1).removesuffix("'s").removesuffix("’s")
    if name.lower() in STOPWORDS:  # 'I don't even own a computer', 'The ...'
        return False
    inside = re.search(rf"[a-z,]\s+{re.escape(name)}\b", passages)
    return bool(inside) and subject not in sentence


# what is only asked or looked into, not said to have happened: 'the NYAG's questions include
# if WeWork founder ... Adam Neumann engaged in self-dealing', 'regulators are investigating
# whether the bank misled investors'
_OPEN_QUESTION = re.compile(
    r"\b(?:ask\w*|question\w*|investigat\w*|prob(?:e|es|ed|ing)|examin\w*|review\w*|"
    r"look\w* into|unclear|uncertain|not (?:yet )?(?:clear|known)|wonder\w*|decid\w*|"
    r"determin\w*|consider\w*|weigh\w*)\b[^.;]{0,40}?\b(?:whether|if)\b(?P<clause>[^.;]*)",
    re.I,
)


# what is only alleged or claimed: 'The CEO is accused of committing fraud', 'the man
# allegedly stole the car', 'the lawsuit alleges that the company broke the law'
_ALLEGED = re.compile(
    r"\b(?:accused of|accus(?:es|ing) [\w.'’ -]{1,40}? of|allegedly|alleged(?: that)?|"
    r"alleg(?:es|ing) that|claim(?:s|ed|ing)? that|suspected of|charged(?: [\w()-]+){0,3}? with)\b"
    r"(?P<clause>[^.;,]*)",
    re.I,
)
_ASKS_OF_A_CLAIM = re.compile(r"\b(?:accus|alleg|claim|charg|suspect)\w*", re.I)


def only_asked(question: str, sentence: str) -> str | None:
    """What the sentence says of the question's words when it says only that they are asked
    or looked into ('... investigating whether X did Y') or alleged ('X is accused of Y'):
    such a sentence says neither Yes nor No. None when it says them as what happened."""
    terms = content_terms(question) & content_terms(sentence)
    for m in _OPEN_QUESTION.finditer(sentence):
        inside = terms & content_terms(m["clause"])
        if len(inside) >= 2 and len(inside) * 2 > len(terms):
            return "asked"
    if _ASKS_OF_A_CLAIM.search(question) or len(terms) < 2:
        return None  # 'Was the CEO charged with fraud?' asks of the charge itself
    if any(terms & content_terms(m["clause"]) for m in _ALLEGED.finditer(sentence)):
        return "alleged"
    return None


def only_said(said: str, sentence: str) -> str:
    """Why an answer stands on nothing: the sentence says only that it is asked or alleged."""
    return f"the articles say only that it is {said}: {clip(sentence, 90)}"


def asked_at(sentence: str, start: int, end: int) -> bool:
    """The span lies inside what the sentence says is asked or looked into: a reader's
    'Adam Neumann' for 'Who engaged in self-dealing?' is no answer."""
    clauses = (m.span("clause") for m in _OPEN_QUESTION.finditer(sentence))
    return any(a <= start and end <= b for a, b in clauses)
