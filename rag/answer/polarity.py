"""Yes or No, read from the evidence sentence's polarity against the question's. The first
of these readings that applies decides:

1. who won: 'Did Russia win?' against '... a 2-1 win over Russia' (the question's names as
   the winner or the beaten side of a win, a defeat or a beat);
2. another figure: the question's figure is not said, another is, for the same word
   ('retire at age 65?' against 'retired ... at age 51', 'speak only once' against 'speak
   twice', 'six rounds' against 'four rounds');
3. instead: the evidence names the question's words as what did not happen ('a fraction of
   an inch of rain ... instead of the usual 5 inches' for 'Did it get its usual 5 inches?');
4. the opposite said: the clause of the evidence that holds the question's words says the
   opposite of a question word and not the word itself ('fall' / 'rallied', 'stop' /
   'recommence', 'raise' / 'cut', 'praised' / 'criticism', 'first' / 'fourth', 'up' /
   'down 5%');
5. another in the asked one's place: the evidence says all but the question's last phrase
   and puts another after the same word ('Does Locksley work at the University of
   Pennsylvania?' against '... at the University of California');
6. another qualifier: the evidence gives the question's last word after another word than
   the one the question puts before it ('a flat panel?' against 'a curved IPS panel');
7. only possible: a question of fact finds its verb after a 'would', 'could', 'may',
   'should' in the evidence ('it would be better off adopting commercial alternatives' does
   not say it did);
8. negation in scope: a 'not', 'yet to', 'no longer', 'unlikely to', 'cancelled' ... in the
   clause of the evidence that holds the question's words (or right before one of them),
   once in the question or the evidence, not in both (a negated word both say, 'without
   penalty', is part of what is asked).

When none applies, the evidence says what is asked: Yes; the answer step takes that Yes only
from a sentence that grounds it (rag.answer.grounds: the question's names and subject, what
it asks of them, not a sentence about another)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answer.checks import WHEN_WORDS
from rag.answer.spans import NEGATION, negated
from rag.answer.when import WEEKDAYS
from rag.core.lexical import STOPWORDS
from rag.core.numbers import NUMBER, NUMBER_WORDS, canonical
from rag.core.text import content_terms

SAYS_IT = "the evidence says what is asked"  # no reading applied


@dataclass(frozen=True)
class Polarity:
    answer: str  # "Yes" or "No"
    why: str  # which reading decided, for the answer's flags and the eval report


def yes_or_no(question: str, evidence: str) -> Polarity:
    question, evidence = _plain(question), _plain(evidence)
    readings = (
        party,
        _who_won,
        _superseded,
        other_figure,
        _only_some,
        _instead,
        _opposite,
        swapped,
        _other_qualifier,
        _only_possible,
    )
    for reading in readings:
        found = reading(question, evidence)
        if found is not None:
            return found
    question, evidence = _shared_negation_out(question, evidence)
    asked_not = _negates(question)
    said_not = _negated_in_scope(question, evidence)
    if asked_not != said_not:
        return Polarity("No", "negation: " + ("the question's" if asked_not else "the evidence's"))
    return Polarity("Yes", SAYS_IT)


def _plain(text: str) -> str:
    return text.translate(str.maketrans("’‘“”", "''\"\""))


# -- who won -------------------------------------------------------------------------------
_BEAT = (
    r"(?:defeated|defeats|beat|beats|beating|routed|edged|downed|eliminated|knocked out|"
    r"rolled past|rolls past|cruised past|cruises past|blanked|outlasted|thrashed|upset)"
)
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
    rival = re.search(r"\b(?:beat|defeat|top|edge)\s+(?:the\s+)?([A-Z][\w'.-]+)", question)
    if subject in won and rival and lost and rival.group(1) not in lost:
        # 'Did Nadal beat Rublev?' against 'Nadal earlier defeated Khachanov'
        return Polarity("No", f"{subject} beat another, not {rival.group(1)}")
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
    # 'The United States lost to Canada'
    for m in re.finditer(
        rf"{name}\s+(?:[a-z-]+\s+){{0,2}}?(?:lost|loses|fell) to\s+{name}", evidence
    ):
        lost.update(m.group(1).replace(" and ", " ").split())
        won.update(m.group(2).replace(" and ", " ").split())
    return won - lost, lost - won


# -- a figure the question bounds (other_figure leaves it alone) ----------------------
_BOUND = re.compile(
    r"\b(?P<cmp>more|greater|higher|larger|bigger|over|above|at least|less|fewer|lower|"
    r"smaller|under|below|at most)(?: than)?\s+(?P<num>" + NUMBER.pattern + r")"
    r"(?P<scale>\s+(?:thousand|million|billion|trillion))?\s*(?P<unit>[a-z%-]+)?",
    re.I,
)


_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "m": 1e6}


def _value(number: str, after: str) -> float | None:
    try:
        value = float(canonical(number).replace(",", "").strip("$€£¥%"))
    except ValueError:
        return None
    word = re.match(r"\s*([a-z]+)", after.lower())
    return value * _SCALE.get(word.group(1), 1.0) if word else value


# -- the opposite said ---------------------------------------------------------------------
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
        ("work works worked working", "fail fails failed failing"),
        ("hire hired", "fire fired laid layoffs"),
        ("first", "second third fourth fifth sixth seventh eighth ninth tenth latest newest"),
        ("longterm longhaul", "shortterm shorthaul"),
        ("raise raised raises increase increased increases boost boosted hike hiked",
         "cut cuts lowered reduce reduced reduces decrease decreased decreases slash slashed"),
        ("extrovert extroverts extroverted", "introvert introverts introverted"),
        ("several multiple many various", "single sole"),
    ]
]  # fmt: skip


# 'Was the stock up?': a state of up or down, not a phrasal verb ('step down', 'set up')
_UP_DOWN = re.compile(r"\b(?P<before>\w+)\s+(?P<way>up|down)\b(?!\s+(?:to|with|on|for|from)\b)")
_PHRASAL = frozenset(
    re.findall(
        r"\w+",
        "set step shut sign turn back break broke pick look show follow give take make wind "
        "slow calm cut bring brought put sum line open pay paid build built come came end ended",
    )
)


def _opposite(question: str, evidence: str) -> Polarity | None:
    evidence = _best_clause(question, evidence)  # '... a short-term solution — whereas ...'
    asked, said = _words(question), _words(evidence)
    moves_q, moves_e = content_terms(question), _terms_and_moves(evidence)
    for m in _UP_DOWN.finditer(question):
        if m["before"].lower() not in _PHRASAL:
            moves_q.add(f"move-{m['way'].lower()}")
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
    """The words, and a hyphenated compound also as one ('long-term': 'longterm')."""
    text = text.lower()
    return set(re.findall(r"[a-z]+", text)) | {
        w.replace("-", "") for w in re.findall(r"[a-z]+(?:-[a-z]+)+", text)
    }


# -- negation in scope ---------------------------------------------------------------------
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
_CLAUSE = re.compile(
    r";|[,—–]\s(?:but|while|although|though|whereas)\b|\b(?:but|whereas|because)\b"
)
# an aside between dashes or in brackets: '... your contributions — not including any
# earnings — tax-free'
_ASIDE = re.compile(r"\s[—–]\s[^—–]+\s[—–]\s|\s--\s.+?\s--\s|\([^()]*\)")
# what negates only the word after it, when the question says it too: 'without penalty'
_NEGATED_WORD = re.compile(r"\b(?:without|not|no|never)\s+(\w+)", re.I)


def _best_clause(question: str, evidence: str) -> str:
    """The clause of the evidence holding the most of the question's words (the first of
    equals)."""
    asked = {frozenset(terms) for w in question.split() if (terms := content_terms(w))}

    def said(clause: str) -> tuple[int, int]:  # question words said ('long-term' once), terms
        here = content_terms(clause)
        return sum(1 for terms in asked if terms & here), len(here & set().union(*asked))

    return max(_CLAUSE.split(evidence), key=said)


def _negated_in_scope(question: str, evidence: str) -> bool:
    """A negation in the clause of the evidence holding the most of the question's words,
    past asides that say at most one of them, with one of the question's words right after
    it; or a 'cancelled'-like word right before one of them."""
    asked = content_terms(question)
    for m in _UNDONE.finditer(evidence):
        if content_terms(m.group(1)) & asked:
            return True
    evidence = _ASIDE.sub(
        lambda m: m.group() if len(content_terms(m.group()) & asked) > 1 else " ", evidence
    )
    clause = _best_clause(question, evidence)
    for pattern in (NEGATION, _MORE_NEGATION):
        for m in pattern.finditer(clause):
            after = _scope_words(clause[m.end() :])
            if not after or content_terms(" ".join(after)) & asked:
                return True  # nothing after: the verb is left out ('reaching Mars haven't')
    return False


# A negation negates what follows it: one of the question's words must come within this many
# words after it ('investors shouldn't fret' says nothing of 'Did the analyst call it a
# disappointing result?').
NEGATED_WITHIN = 6


def _scope_words(text: str) -> list[str]:
    """The words a negation reaches: up to NEGATED_WITHIN words that are no stopword, with
    the stopwords between them ('no indication whatsoever of anything that resembled a
    quid-pro-quo' reaches 'quid-pro-quo')."""
    out, counted = [], 0
    for word in re.findall(r"[\w'’-]+", text):
        if counted == NEGATED_WITHIN:
            break
        out.append(word)
        counted += word.lower() not in STOPWORDS
    return out


def _shared_negation_out(question: str, evidence: str) -> tuple[str, str]:
    """Both texts without a negated word they share ('without penalty' asked of '... won't be
    able to take any money without penalty'): it is part of what is asked, not its answer."""
    for m in _NEGATED_WORD.finditer(question):
        phrase = re.compile(rf"\b{re.escape(m.group())}\b", re.I)
        if phrase.search(evidence):
            question, evidence = phrase.sub(m.group(1), question), phrase.sub(m.group(1), evidence)
    return question, evidence


# -- another in the asked one's place ------------------------------------------------------
PREP = r"(?:at|in|from|with|of|by|to|for|on|into)"
_LAST_PHRASE = re.compile(
    rf"\b(?P<head>[\w'’-]+)\s+(?P<prep>{PREP})\s+(?P<slot>(?:(?!{PREP}\b)[\w'’$.,-]+\s*){{1,5}})$",
    re.I,
)
ASKED_OPENING = re.compile(r"^\s*(?:did|does|do|is|are|was|were|has|have|had|will|can)\s+", re.I)


def swapped(question: str, evidence: str) -> Polarity | None:
    """'No' when the evidence says the rest of the question (all its words but one at most)
    and, after the word the question's last phrase follows, names another in its place:
    'associated with the lining of the lungs?' against '... the lining of the intestines'."""
    asked = _LAST_PHRASE.search(ASKED_OPENING.sub("", question).rstrip(" ?"))
    if asked is None:
        return None
    slot, said = content_terms(asked["slot"]), content_terms(evidence)
    rest = content_terms(ASKED_OPENING.sub("", question)[: asked.start("prep")])
    if not slot or slot <= said or len(rest - said) > 1 or len(rest & said) < 2:
        return None
    head = content_terms(asked["head"]) or {asked["head"].lower()}
    # the word before the preposition, or one of three ('a deal in place with Universal')
    place = rf"\b((?:[\w'’-]+\s+){{1,3}}?){asked['prep']}\s+((?:[\w'’-]+\s*){{1,6}})"
    found = []
    for m in re.finditer(place, evidence, re.I):
        last = m.group(1).split()[-1]
        mine = content_terms(last) or {last.lower()}
        if content_terms(m.group(1)) & head:  # the asked word a few words before
            mine |= head
        if mine & head and content_terms(m.group(2).split()[0]) & slot:
            return None  # the asked one in its place: 'trip to Beijing' (then 'designed to')
        found.append((m, mine))
    for m, mine in found:
        other = content_terms(m.group(2)) - content_terms(question)
        if any(a[:4] == b[:4] for a in slot for b in other if min(len(a), len(b)) >= 4):
            continue  # the same named otherwise: 'to China' and 'to fit the Chinese market'
        if mine & (head | rest) and other:  # 'held in Canada?': 'conference in Australia'
            instead = " ".join(m.group(2).split()[:4])
            return Polarity(
                "No",
                f"the evidence says {asked['prep']} {instead!r}, not {asked['slot'].strip()!r}",
            )
    return None


# -- another qualifier --------------------------------------------------------------------
_LAST_TWO = re.compile(r"\b(?P<mod>[a-z][\w-]*)\s+(?P<head>[a-z][\w-]*)\s*\??\s*$")


def _other_qualifier(question: str, evidence: str) -> Polarity | None:
    """'No' when the question ends with a word and the word it qualifies ('a flat panel',
    'radio ads'), and the evidence, saying two more of the question's words, gives the
    qualified word after another qualifier and never the asked one ('curved IPS panel',
    'digital and TV ads')."""
    m = _LAST_TWO.search(question)
    if m is None or m["mod"] in STOPWORDS or not content_terms(m["mod"]):
        return None
    head = content_terms(m["head"])
    if not head or m["mod"][:5].lower() in evidence.lower():
        return None  # the qualifier said, or said inside a word ('gift' in 'eGift')
    if len(content_terms(question[: m.start()]) & content_terms(evidence)) < 2:
        return None
    words = re.findall(r"[A-Za-z][\w-]*", evidence)
    for before, word in zip(words, words[1:], strict=False):
        other = content_terms(before)
        if content_terms(word) == head and other and not other & content_terms(question):
            return Polarity("No", f"the evidence says {before} {word!r}, not {m['mod']!r}")
    return None


# -- a party ------------------------------------------------------------------------------
_PARTIES = {"R": "republican", "D": "democrat", "I": "independent"}
_PARTY_ASKED = re.compile(r"\b(Republican|Democrat|Democratic|GOP|independent)\b", re.I)


def party(question: str, evidence: str) -> Polarity | None:
    """Yes or No to 'Is Brian Babin a Democrat?' from the party a US news story writes
    after a lawmaker's name: 'Rep. Brian Babin (R-TX)'."""
    asked = _PARTY_ASKED.search(question)
    if asked is None:
        return None
    for m in re.finditer(r"\b([A-Z][\w'’-]+)\s+\((R|D|I)-[A-Z][A-Za-z.]+\)", evidence):
        if re.search(rf"\b{re.escape(m[1])}\b", question):
            said = _PARTIES[m[2]]
            word = asked[1].lower().replace("democratic", "democrat").replace("gop", "republican")
            return Polarity("Yes" if word == said else "No", f"the evidence says ({m[2]}-...)")
    return None


# -- only possible -------------------------------------------------------------------------
_MODAL = re.compile(r"\b(?:would|could|might|may|should|ought to)\b")
_FORECAST = re.compile(
    r"\b(?:expect|expected|expects|likely|set to|plan|plans|planned|planning|going to|"
    r"forecast|forecasts|predicted|scheduled|due to)\b",
    re.I,
)
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
    if _FORECAST.search(question):
        return None  # 'Is the weather expected to ease?' is met by 'should ease'
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


# -- another figure ------------------------------------------------------------------------
_COUNTED = r"(?:once|twice|thrice|two|three|four|five|six|seven|eight|nine|ten)"
# digits, a count in words ('four rounds' for 'six rounds'), a weekday or a month (by name,
# capitalised: not the modal 'may'), not a month with its day ('December 6': a date)
# a measure written with its unit: '38mm', '512GB', '120Hz' (the unit's family is its slot)
_UNITS = {"mm": "length", "cm": "length", "km": "length", "GB": "bytes", "TB": "bytes",
          "MB": "bytes", "Hz": "rate", "GHz": "rate", "MHz": "rate", "kg": "mass", "lb": "mass",
          "lbs": "mass", "mAh": "charge"}  # fmt: skip
_MEASURE = rf"\b\d[\d,.]*(?:{'|'.join(_UNITS)})\b"
_UNIT_OF = re.compile(rf"[\d,.]+({'|'.join(_UNITS)})")
# a game's score: '3-0' for '2-1', its slot whatever the words around it
_SCORE = re.compile(r"(?<![\w.,-])\d{1,2}-\d{1,2}(?![\w-])")
_FIGURE = re.compile(
    rf"{_SCORE.pattern}|[$€£¥]\d[\d,.]*(?:bn|[MBK])\b|{_MEASURE}|{NUMBER.pattern}"
    rf"|(?i:\b{_COUNTED}\b)"
    rf"|{WHEN_WORDS}(?! \d)"
)  # '$300M' too
_YEAR = re.compile(r"^(?:19|20)\d\d$")


def other_figure(question: str, evidence: str) -> Polarity | None:
    """'No' when the evidence says at least two of the question's words, not the question's
    figure, and another figure for the same word: 'Did Tommy retire at age 65?' against
    'Tommy ... retired nearly 10 years ago at age 51', '10 times your annual expenses'
    against 'between 25 and 30 times your expected annual expenses', 'once' against
    'twice', 2018 against 2019, 'on a Monday' against 'Friday'."""
    if _BOUND.search(question):
        return None  # a bound is _compared's
    if len(content_terms(question) & content_terms(evidence)) < 2:
        return None
    said = [(m, _figure_slot(evidence, m)) for m in _FIGURE.finditer(evidence)]
    said = [(m, slot) for m, slot in said if _whole(evidence, m)]
    for asked in _FIGURE.finditer(question):
        figure = asked.group().strip()
        if re.search(r"[A-Za-z][.-]$", question[: asked.start()]):
            continue  # part of a name: 'RS-25', 'ID.3'
        if any(_same_value(m.group(), figure) for m, _ in said):
            continue
        amount = _amount(question, asked)
        if amount is not None and any(_near(_amount(evidence, m), amount) for m, _ in said):
            continue  # '$300 million' said as '$300M', '$13 billion' as '$12.9bn'
        mine = _figure_slot(question, asked)
        for m, slot in said:
            if mine & slot:
                return Polarity("No", f"the evidence says {m.group().strip()!r}, not {figure!r}")
    return None


# what the evidence says a figure was before it changed: 'compared with prior guidance of
# 4.0%', 'down from 4%'; a bare 'from' only in 'from 4% to 3.5%' or 'to 3.5% from 4%'
_WAS_BEFORE = re.compile(
    r"(?:\b(?:prior|previous|earlier|original|old|former)\s+(?:[a-z-]+\s+){0,3}?(?:of|at|was)"
    r"|\b(?:down|up|cut|lowered|raised|reduced)\s+from)\s+(?:about\s+)?$",
    re.I,
)
_FROM = re.compile(r"\bfrom\s+$")
_TO_FROM = re.compile(r"\bto\s+\S+\s+from\s+$")
_ASKS_BEFORE = re.compile(r"\b(?:prior|previous(?:ly)?|earlier|original(?:ly)?|former|had)\b", re.I)


def _superseded(question: str, evidence: str) -> Polarity | None:
    """'No' when the evidence gives the question's figure only as what another replaced:
    'Does Home Depot expect growth of 4%?' against 'growth will be 3.5%, compared with prior
    guidance of 4.0%'. A question of what was before ('prior', 'originally') is not."""
    if _ASKS_BEFORE.search(question) or len(content_terms(question) & content_terms(evidence)) < 2:
        return None
    said = [m for m in _FIGURE.finditer(evidence) if _whole(evidence, m)]
    for asked in _FIGURE.finditer(question):
        same = [m for m in said if _same_value(m.group(), asked.group().strip())]
        if same and len(said) > len(same) and all(_replaced(evidence, m) for m in same):
            return Polarity("No", f"the evidence gives {asked.group().strip()!r} as what changed")
    return None


def _replaced(evidence: str, m: re.Match[str]) -> bool:
    """The figure at m is said as what was before: 'prior guidance of 4.0%', 'from 4% to'."""
    before = evidence[max(0, m.start() - 60) : m.start()]
    if _WAS_BEFORE.search(before):
        return True
    to_next = bool(re.match(r"\s+to\b", evidence[m.end() :]))
    return bool(_FROM.search(before)) and (to_next or bool(_TO_FROM.search(before)))


_ONLY_SOME = re.compile(
    rf"\bonly\s+(?:\d+|{'|'.join(NUMBER_WORDS)})\s+(?:of\s+(?:them|those|these)\s+)?(\w+)", re.I
)


def _only_some(question: str, evidence: str) -> Polarity | None:
    """'Did all three companies commit?' against '... three of those companies ..., only two
    committed': the question's 'all' met by 'only' a number doing what it asks."""
    if not re.search(r"\b(?:all|every|each)\b", question, re.I):
        return None
    asked = content_terms(question)
    for m in _ONLY_SOME.finditer(evidence):
        done = content_terms(m.group(1))
        if any(d.startswith(a) or a.startswith(d) for d in done for a in asked if len(a) > 3):
            return Polarity("No", f"the evidence says {m.group().strip()!r}")
    return None


def _amount(text: str, m: re.Match[str]) -> float | None:
    """An amount of money with its scale ('$300M', '$300 million'), or None."""
    figure = m.group().strip()
    if not re.match(r"[$€£¥]", figure):
        return None
    short = re.fullmatch(r"(.+?)(bn|[MBK])", figure)
    if short:
        base = _value(short.group(1), "")
        scale = {"bn": 1e9, "B": 1e9, "M": 1e6, "K": 1e3}[short.group(2)]
        return None if base is None else base * scale
    return _value(figure, text[m.end() : m.end() + 15])


def _near(said: float | None, asked: float) -> bool:
    """The same amount within a per cent ('$13 billion' of '$12.9bn')."""
    return said is not None and abs(said - asked) <= 0.01 * max(abs(said), abs(asked))


def _whole(text: str, m: re.Match[str]) -> bool:
    """Not the head of a figure NUMBER stops short of ('$12' of '$12.9bn')."""
    return not re.match(r"[.,]?\w", text[m.end() :])


def _same_value(said: str, asked: str) -> bool:
    """The same value, or the same but for a decimal ('8%' asked of '8.1%')."""
    a, b = (
        NUMBER_WORDS.get(w) or canonical(w) for w in (said.strip().lower(), asked.strip().lower())
    )
    if a == b:
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return ("." in a or "." in b) and abs(x - y) < 0.25


def _figure_slot(text: str, m: re.Match[str]) -> set[str]:
    """What a figure counts: the content word after or before it ('65' in 'at age 65':
    'age'; '5%' in 'down 5%': 'down'), a year, a weekday, a month or a count ('once',
    'twice'). A currency or a per cent alone is no slot: any two amounts share it."""
    figure = m.group().strip().lower()
    if figure in ("once", "twice", "thrice"):
        return {"#count"}
    if _SCORE.fullmatch(figure):
        return {"#score"}
    if figure.capitalize() in WEEKDAYS:
        return {"#weekday"}
    if re.fullmatch(WHEN_WORDS, figure.capitalize()):
        return {"#month"}
    if re.match(r"[$€£¥]", figure):
        # an amount: what it is the price of, a few words before ('cost the state about $1
        # million', 'bought Big Machine for $300M'); a currency alone is no slot
        words = re.findall(r"[A-Za-z][\w-]*", text[max(0, m.start() - 40) : m.start()])[-4:]
        return {f"#paid:{t}" for w in words for t in content_terms(w) if t not in _HEDGES}
    unit = _UNIT_OF.fullmatch(m.group().strip())
    slot = {"#year"} if _YEAR.match(figure) else {f"#{_UNITS[unit[1]]}"} if unit else set()
    after = re.match(r"\s*([A-Za-z][\w-]*)", text[m.end() :])
    before = re.search(r"([A-Za-z][\w-]*)\s*$", text[: m.start()])
    for word in (after, before):
        if word:
            slot |= content_terms(word.group(1))
    return slot


_HEDGES = frozenset(["about", "roughly", "around", "nearly", "almost", "some", "approxim"])


# -- instead -------------------------------------------------------------------------------
_INSTEAD = re.compile(
    r"\b(?:instead of|rather than|in place of)\s+((?:[\w'’$%.,-]+\s*){1,5})", re.I
)


def _instead(question: str, evidence: str) -> Polarity | None:
    """'No' when at least two of the question's words follow an 'instead of', 'rather than'
    or 'in place of' in the evidence, and the question weighs no alternative itself."""
    if re.search(r"\b(?:instead|rather|in place)\b", question, re.I):
        return None
    asked = content_terms(question)
    for m in _INSTEAD.finditer(evidence):
        if len(content_terms(m.group(1)) & asked) >= 2:
            return Polarity("No", f"the evidence says {m.group().strip()!r}")
    return None
