"""Yes or No, read from the evidence sentence's polarity against the question's:

1. who won: 'Did Russia win?' against '... a 2-1 win over Russia' (the question's names as
   the winner or the beaten side of a win, a defeat or a beat);
2. figures compared: 'more than 200 million light-years' against 'some 230 million
   light-years' (the question's bound against the evidence's value of the same unit);
3. the opposite said: the evidence says the opposite of a question word and not the word
   itself ('fall' / 'rallied', 'stop' / 'recommence', 'more' / 'smaller', 'praised' /
   'criticism', 'first' / 'fourth');
4. negation in scope: a 'not', 'yet to', 'no longer', 'unlikely to', 'cancelled' ... in the
   clause of the evidence that holds the question's words (or right before one of them),
   once in the question or the evidence, not in both.

5. another in the asked one's place: the evidence says all but the question's last phrase
   and puts another after the same word ('Does Locksley work at the University of
   Pennsylvania?' against '... at the University of California');
6. only possible: the question's word follows a 'would', 'could', 'may', 'should' in the
   evidence ('it would be better off adopting commercial alternatives' does not say it did).

The first of these that applies decides; when none does, the evidence says what is asked:
Yes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answer.spans import negated
from rag.core.numbers import NUMBER, canonical
from rag.core.text import content_terms


@dataclass(frozen=True)
class Polarity:
    answer: str  # "Yes" or "No"
    why: str  # which reading decided, for the answer's flags and the eval report


def yes_or_no(question: str, evidence: str) -> Polarity:
    question, evidence = _plain(question), _plain(evidence)
    for reading in (_who_won, _compared, _opposite, swapped, _only_possible):
        found = reading(question, evidence)
        if found is not None:
            return found
    asked_not = _negates(question)
    said_not = _negated_in_scope(question, evidence)
    if asked_not != said_not:
        return Polarity("No", "negation: " + ("the question's" if asked_not else "the evidence's"))
    return Polarity("Yes", "the evidence says what is asked")


def _plain(text: str) -> str:
    return text.translate(str.maketrans("’‘“”", "''\"\""))


# -- 1. who won ---------------------------------------------------------------------------
_BEAT = r"(?:defeated|defeats|beat|beats|beating|routed|edged|downed|eliminated|knocked out)"
_WIN_OVER = r"(?:win|wins|won|victory|victories) (?:over|against)"
_WIN_Q = re.compile(r"\b(?:win|won|beat|defeat|triumph)\b", re.I)
_LOSE_Q = re.compile(r"\b(?:lose|lost|loss|fall to|beaten|defeated by)\b", re.I)


def _who_won(question: str, evidence: str) -> Polarity | None:
    wants_win, wants_loss = bool(_WIN_Q.search(question)), bool(_LOSE_Q.search(question))
    if wants_win == wants_loss:
        return None
    names = re.findall(r"\b[A-Z][\w'.-]+", question)[1:]  # not the opening 'Did'
    if not names:
        return None
    subject = names[0]
    won, lost = _winners(evidence)
    if subject in won or subject in lost:
        subject_won = subject in won
    elif len(names) > 1 and (names[1] in won or names[1] in lost):
        subject_won = names[1] in lost  # 'Did Spain beat Russia?': Russia beaten
    else:
        return None
    says = subject_won == wants_win
    return Polarity("Yes" if says else "No", f"{subject} {'won' if subject_won else 'lost'}")


def _winners(evidence: str) -> tuple[set[str], set[str]]:
    """Names said to win and names said to be beaten in the evidence."""
    won: set[str] = set()
    lost: set[str] = set()
    name = r"((?:[A-Z][\w'.-]+)(?:\s+(?:and\s+)?[A-Z][\w'.-]+)*)"
    beaten = rf"(?:{_BEAT}|{_WIN_OVER})\s+(?:the\s+)?(?:[a-z-]+\s+){{0,2}}?{name}"
    for m in re.finditer(beaten, evidence):
        lost.update(m.group(1).replace(" and ", " ").split())
    for m in re.finditer(rf"{name}\s+(?:[a-z-]+\s+){{0,2}}?(?:{_BEAT}|won|wins)\b", evidence):
        won.update(m.group(1).replace(" and ", " ").split())
    return won - lost, lost - won


# -- 2. figures compared -------------------------------------------------------------------
_BOUND = re.compile(
    r"\b(?P<cmp>more|greater|higher|larger|bigger|over|above|at least|less|fewer|lower|"
    r"smaller|under|below|at most)(?: than)?\s+(?P<num>" + NUMBER.pattern + r")"
    r"(?P<scale>\s+(?:thousand|million|billion|trillion))?\s*(?P<unit>[a-z%-]+)?",
    re.I,
)
_UPPER = {"less", "fewer", "lower", "smaller", "under", "below", "at most"}


def _compared(question: str, evidence: str) -> Polarity | None:
    """The question's bound ('more than 200 million light-years') against the evidence's
    value of the same unit."""
    bound = _BOUND.search(question)
    if bound is None:
        return None
    limit = _value(bound.group("num"), bound.group("scale") or "")
    unit = (bound.group("unit") or "").lower()
    kind = bound.group("cmp").lower()
    for m in NUMBER.finditer(evidence):
        after = evidence[m.end() : m.end() + 40]
        words = re.findall(r"[a-z%-]+", after.lower())[:3]
        if unit and unit not in words and unit not in ("than", "a", "the"):
            continue
        value = _value(m.group(), after)
        if value is None or limit is None:
            continue
        if kind in ("at least", "at most"):
            holds = value <= limit if kind == "at most" else value >= limit
        else:
            holds = value < limit if kind in _UPPER else value > limit
        return Polarity("Yes" if holds else "No", f"{m.group().strip()} against {bound.group(0)}")
    return None


_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "m": 1e6}


def _value(number: str, after: str) -> float | None:
    try:
        value = float(canonical(number).replace(",", "").strip("$€£¥%"))
    except ValueError:
        return None
    word = re.match(r"\s*([a-z]+)", after.lower())
    return value * _SCALE.get(word.group(1), 1.0) if word else value


# -- 3. the opposite said ------------------------------------------------------------------
_OPPOSITES: list[tuple[frozenset[str], frozenset[str]]] = [
    (frozenset(a.split()), frozenset(b.split()))
    for a, b in [
        ("more above higher greater exceed exceeded larger bigger premium",
         "less fewer below lower smaller discount"),
        ("stop stopped halt halted suspend suspended end ended cease pause",
         "resume resumed recommence recommenced restart restarted continue continued reopen"),
        ("praise praised applaud applauded welcomed hailed",
         "criticism criticised criticized ridicule ridiculed backlash condemned slammed mocked"),
        ("accept accepted agree agreed approve approved allow allowed",
         "reject rejected refuse refused deny denied decline declined block blocked veto"),
        ("open opened", "close closed shut"),
        ("hire hired", "fire fired laid layoffs"),
        ("first", "second third fourth fifth sixth seventh eighth ninth tenth"),
    ]
]  # fmt: skip


def _opposite(question: str, evidence: str) -> Polarity | None:
    asked, said = _words(question), _words(evidence)
    moves_q, moves_e = content_terms(question), _terms_and_moves(evidence)
    for way, other in (("move-up", "move-down"), ("move-down", "move-up")):
        if way in moves_q and other in moves_e and way not in moves_e:
            return Polarity("No", f"the evidence moves the other way ({other[5:]})")
    for a, b in _OPPOSITES:
        for mine, theirs in ((a, b), (b, a)):
            if asked & mine and said & theirs and not said & mine:
                hit = sorted(said & theirs)[0]
                return Polarity("No", f"the evidence says {hit!r}, not {sorted(asked & mine)[0]!r}")
    return None


def said_share(question: str, sentence: str) -> float:
    """The share of the question's content words that the sentence says, or says the
    opposite of; 0 when it says the opposite of none (it is then no sentence that speaks
    to the question by its opposite)."""
    said, words = _terms_and_moves(sentence), _words(sentence)
    flipped = {"move-up": "move-down", "move-down": "move-up"}
    asked = [(w, content_terms(w)) for w in _words(question)]
    asked = [(w, terms) for w, terms in asked if terms]
    covered = opposed = 0
    for word, terms in asked:
        opposite = {x for a, b in _OPPOSITES for mine, other in ((a, b), (b, a)) if word in mine
                    for x in other}  # fmt: skip
        if terms <= said:
            covered += 1
        elif {flipped.get(t) for t in terms} & said or opposite & words:
            covered, opposed = covered + 1, opposed + 1
    return covered / len(asked) if asked and opposed else 0.0


def _terms_and_moves(text: str) -> set[str]:
    """The text's content terms, with a quote's 'up 0.35%' / 'down 2%' read as a move."""
    moves = {f"move-{w.lower()}" for w in re.findall(r"\b(up|down)\s+[\d.]+%", text, re.I)}
    return content_terms(text) | moves


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


# -- 4. negation in scope ------------------------------------------------------------------
# negation beyond rag.answer.spans.negated's words ('not', 'never', "n't", 'failed to' ...)
_MORE_NEGATION = re.compile(r"\b(?:no longer|yet to|unlikely to|declined to)\b", re.I)


def _negates(text: str) -> bool:
    return negated(text) or bool(_MORE_NEGATION.search(text))


# words that negate the noun after them ('its cancelled IPO')
_UNDONE = re.compile(
    r"\b(?:cancell?ed|scrapped|called-off|abandoned|aborted|shelved|withdrawn|failed|halted)\s+"
    r"(?:\w+\s+)?(\w+)",
    re.I,
)
_CLAUSE = re.compile(r";|,\s(?:but|while|although|though|whereas)\b|\bbut\b")


def _negated_in_scope(question: str, evidence: str) -> bool:
    """A negation in the clause of the evidence holding the most of the question's words,
    or a 'cancelled'-like word right before one of them."""
    asked = content_terms(question)
    for m in _UNDONE.finditer(evidence):
        if content_terms(m.group(1)) & asked:
            return True
    clauses = _CLAUSE.split(evidence)
    best = max(clauses, key=lambda c: len(content_terms(c) & asked))
    return _negates(best)


# -- 5. another in the asked one's place ---------------------------------------------------
_PREP = r"(?:at|in|from|with|of|by|to|for|on|into)"
_LAST_PHRASE = re.compile(
    rf"\b(?P<head>[\w'’-]+)\s+(?P<prep>{_PREP})\s+(?P<slot>(?:(?!{_PREP}\b)[\w'’$.,-]+\s*){{1,5}})$",
    re.I,
)
_OPENING = re.compile(r"^\s*(?:did|does|do|is|are|was|were|has|have|had|will|can)\s+", re.I)


def swapped(question: str, evidence: str) -> Polarity | None:
    """'No' when the evidence says the rest of the question (all its words but one at most)
    and, after the word the question's last phrase follows, names another in its place:
    'associated with the lining of the lungs?' against '... the lining of the intestines'."""
    asked = _LAST_PHRASE.search(_OPENING.sub("", question).rstrip(" ?"))
    if asked is None:
        return None
    slot, said = content_terms(asked["slot"]), content_terms(evidence)
    rest = content_terms(_OPENING.sub("", question)[: asked.start("prep")])
    if not slot or slot <= said or len(rest - said) > 1 or len(rest & said) < 2:
        return None
    head = content_terms(asked["head"]) or {asked["head"].lower()}
    place = rf"\b([\w'’-]+)\s+{asked['prep']}\s+((?:[\w'’-]+\s*){{1,6}})"
    for m in re.finditer(place, evidence, re.I):
        mine = content_terms(m.group(1)) or {m.group(1).lower()}
        other = content_terms(m.group(2)) - content_terms(question)
        if mine & head and other:
            instead = " ".join(m.group(2).split()[:4])
            return Polarity(
                "No",
                f"the evidence says {asked['prep']} {instead!r}, not {asked['slot'].strip()!r}",
            )
    return None


# -- 6. only possible ----------------------------------------------------------------------
_MODAL = re.compile(r"\b(?:would|could|might|may|should|ought to)\b")
_FACT_ASKED = re.compile(r"^\s*(?:did|does|do|is|are|was|were|has|have|had)\b", re.I)
# words between a modal and the verb it governs: 'would be better off adopting'
_SOFT = frozenset(
    [
        "be",
        "been",
        "have",
        "not",
        "also",
        "still",
        "only",
        "better",
        "off",
        "well",
        "soon",
        "then",
        "even",
        "need",
        "to",
    ]
)


def _only_possible(question: str, evidence: str) -> Polarity | None:
    """'No' when a question of fact ('Did ...?') finds its verb in the evidence only as what
    would, could or should be: 'NASA has held firm despite criticisms that it would be better
    off adopting commercial alternatives' for 'Did NASA adopt commercial alternatives?'."""
    if not _FACT_ASKED.match(question) or _MODAL.search(question.lower()):
        return None
    asked = content_terms(_FACT_ASKED.sub("", question))
    if len(asked & content_terms(evidence)) < 2:
        return None
    for m in _MODAL.finditer(evidence):
        words = re.findall(r"[\w'’-]+", evidence[m.end() :])[:5]
        verb = next((w for w in words if w.lower() not in _SOFT), "")
        if content_terms(verb) & asked:
            said = " ".join([m.group(), *words[: words.index(verb) + 1]])
            return Polarity("No", f"the evidence says only that it {said!r}")
    return None
