"""What a question asks for, and the phrase of that kind in a sentence.

A reader's "How many...?" wants a number with its unit, "When...?" a date, "Who...?" a name,
"Why...?" a cause, "Did...?" yes or no. These rules find the question's kind and take the
phrase of that kind from the sentence that answers it, verbatim, so that an answer is the
short phrase and never a figure the sentence does not give (with its unit and currency).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["quantity", "date", "person", "reason", "yesno", "summary", "other"]

_KINDS: list[tuple[Kind, re.Pattern[str]]] = [
    ("summary", re.compile(r"^(?:what(?:'s| is| was)(?: the)? (?:main |big |latest )?"
                           r"(?:news|story|headline)|what happened\b(?! to)|"
                           r"summari[sz]e\b|compare\b|contrast\b|describe\b|explain\b|"
                           r"(?:can you |please )?tell me (?:about|more)\b|"
                           r"what do (?:we|you|the articles) know about\b|"
                           r"give (?:me )?(?:an overview|the gist|a summary)\b|"
                           r"what(?:'s| is| are) the differences? between\b)", re.I)),
    ("reason", re.compile(r"^(?:why\b|what (?:caused|led to|drove|explains)\b|"
                          r"for what reason\b|how come\b)", re.I)),
    ("quantity", re.compile(
        r"^(?:how (?:many|much|long(?! ago)|big|large|high|far(?! back)|old|tall|deep|often|fast|"
        r"strong|powerful|heavy|wide|expensive)\b|"
        r"(?:what|which) (?:was |is |were |are |will be )?(?:the |its |their )?(?:[\w'’-]+ ){0,2}"
        r"(?:percentage|share|proportion|"
        r"number|amount|price|value|rate|size|cost|total|figure|rank|sum|population|"
        r"exchange rate|half-life|displacement|budget|worth|market value|revenue|"
        r"valuation)\b|by how much\b|at what (?:rate|price|exchange rate)\b|"
        r"into how many\b|in how many\b|on how many\b|(?:what|which) .{0,40}\b(?:rank|"
        r"number)\b|where did .{0,60}\brank\b|what (?:does|did|do|will|would) .{0,40}\b(?:cost|"
        r"displace|weigh|earn|pay|spend|raise)\b|"
        r"up to what\b|(?:what|which) (?:was |is |were |are )?the (?:highest|lowest|peak|record) "
        r"level\b)", re.I)),
    ("date", re.compile(
        r"^(?:when\b|since when\b|by when\b|until when\b|(?:in |on |by )?(?:what|which) "
        r"(?:year|month|day|date|decade|century|time)\b|(?:in |from )?what year'?s?\b|"
        r"how (?:far back|long ago)\b)", re.I)),
    ("person", re.compile(r"^(?:who\b|whom\b|whose\b|to whom\b|(?:which|what) "
                          r"(?:person|people|man|woman)\b|(?:which|what) "
                          r"(?:[\w'’-]+ ){0,2}?(?:economist|analyst|footballer|pope|king|queen|"
                          r"ceo|chief executive|president|chairman|founder|author|"
                          r"archbishop|executive|spokes(?:man|woman|person)|minister|"
                          r"official|director|scientist|senator|governor|mayor|emperor|"
                          r"general|coach|manager|lama|historian|theologian|philosopher|artist|writer|poet|"
                          r"composer|painter|architect|musician|singer|actor|actress|player|"
                          r"explorer|inventor|engineer|physicist|chemist|professor|journalist|"
                          r"editor|leader|politician|novelist|critic|saint|prophet|monarch)\b)",
                          re.I)),
    ("yesno", re.compile(r"^(?:is|are|was|were|did|does|do|has|have|had|can|could|will|"
                         r"would|should)\b", re.I)),
]  # fmt: skip


def question_kind(question: str) -> Kind:
    """The kind of answer a question asks for (leading 'and', 'so' of follow-ups ignored). A
    question that opens with a phrase of time or place ('In the early 1900s, were ...',
    'In what share of ...') is read from where it asks."""
    text = re.sub(r"^\s*(?:and|but|so|also|ok(?:ay)?|then)[, ]+", "", question.strip(), flags=re.I)
    for candidate in (text, _OPENING.sub("", text, count=1)):
        for kind, pattern in _KINDS:
            if pattern.search(candidate):
                return kind
    return "other"


# 'Around the year 2000, ', 'In the early 1900s, ', or a leading preposition ('In what share')
_OPENING = re.compile(
    r"^(?:(?:in|on|at|around|during|after|before|since|by|for|from|under|with|according to|"
    r"as of|back in|over)\b[^,?]{1,60},\s*|"
    r"(?:in|on|at|for|to|from|by|with|of)\s+(?=(?:what|which)\b))",
    re.I,
)


# --- numbers with their unit ---------------------------------------------------------------

_NUM_WORD = (  # longer phrases first: 'three quarters' before 'three'
    r"(?:two-thirds|three quarters|three-quarters|one-fifth|one-third|one-quarter|a fifth|"
    r"a half|a third|a quarter|a dozen|dozens|several|half|eleven|twelve|thirteen|fifteen|"
    r"twenty|thirty|forty|fifty|hundred|one|two|three|four|five|six|seven|eight|nine|ten)"
)
_DIGITS = r"\d+(?:,\d{3})*(?:\.\d+)?"
_WORD_NUMBER = rf"\b{_NUM_WORD}(?![a-z])"  # not the 'one' of 'alone' or the 'ten' of 'often'
_SCALE = r"(?:thousand|million|billion|trillion|bn|mn|m\b|k\b)"
_CURRENCY_BEFORE = r"(?:US\$|USD\s?\$?|[$€£¥₹]|Rs\.?\s?|R\$)"
# What a figure measures, other than money, time or a count: one fragment for the quantity
# phrase below and for MEASURE ('how many people' is not answered by '17,000 km')
_LENGTH_WEIGHT_AREA = (
    r"kilomet(?:er|re)s?|km|miles?|mi|met(?:er|re)s?|feet|ft|inches|tonnes|tons|kg|kilograms|"
    r"grams|g\b|mg(?:/day)?|lbs?|pounds|acres?|hectares?|ha\b"
)
_PHYSICAL_OTHER = r"[kMG]?Hz|°[CF]|degrees"
MEASURE = re.compile(rf"\b(?:{_LENGTH_WEIGHT_AREA})(?![a-z])|(?:{_PHYSICAL_OTHER})\b")
_UNIT = (
    r"(?:%|percent(?:age points?)?|per cent|percentage points?|points?|basis points|bps|"
    r"(?:[A-Z][a-z]+ )?(?:yuan|reais|real|euros?|dollars|pounds|yen|rupees|pesos|francs|"
    rf"drachmae|won|rubles)|(?:square |sq )?(?:{_LENGTH_WEIGHT_AREA})|{_PHYSICAL_OTHER}|"
    r"years?|months?|weeks?|days?|hours?|minutes?|seconds?|people|"
    r"employees|staff|workers|households|families|residents|users|customers|shares|"
    r"votes|seats|stores|copies|units|vehicles|cars|ships|aircraft|countries|candidates|"
    r"games|times|parameters|cents|steps|districts|members|[a-z]+ (?:per|a|each) [a-z]+)"
)
QUANTITY = re.compile(
    rf"(?:(?:about|around|approximately|roughly|nearly|almost|over|more than|less than|"
    rf"fewer than|at least|up to|just (?:above|below|over|under)|some|as much as|"
    rf"as many as|between)\s+)?"
    rf"(?:{_CURRENCY_BEFORE}\s?)?(?:[-+−]\s?)?(?:{_DIGITS}|{_WORD_NUMBER}(?:\s(?:hundred|thousand)\b)?)"
    rf"(?:(?:\s?(?:-|–|to|and)\s?)(?:{_CURRENCY_BEFORE}\s?)?(?:{_DIGITS}|{_WORD_NUMBER}))?"
    rf"(?:\s?{_SCALE})?(?:(?:\s?|-)(?:{_UNIT})(?![a-z]))?"
    rf"(?:\s(?:of the|of)\s(?:{_DIGITS}|{_NUM_WORD}))?",
    re.I,
)
_HAS_DIGIT_OR_WORD = re.compile(rf"\d|\b{_NUM_WORD}\b", re.I)
_YEAR = re.compile(r"^(?:1[5-9]|20)\d\d$")

MONTH_NAMES = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)"
)
_MONTH = rf"{MONTH_NAMES}\.?"
_ERA = r"(?:BCE|BC|AD|CE|B\.C\.E|B\.C|A\.D|C\.E)(?![\w])"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
DATE = re.compile(
    rf"\b(?:\d{{1,2}} {_MONTH},? \d{{4}}|{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}|"
    rf"{_MONTH} \d{{4}}|(?:early |late |mid-?)?{_MONTH}(?: \d{{1,2}}(?:st|nd|rd|th)?)?|"
    rf"(?:the )?(?:early |late |mid-?)?\d{{1,2}}(?:st|nd|rd|th) (?:century|millennium)"
    rf"(?:\s{_ERA})?|"
    rf"(?:from )?\d{{3,4}}\s?(?:to|[–-])\s?\d{{3,4}}\s?{_ERA}|"
    rf"(?:c\. |ca\. |circa |around |about )?\d{{1,3}}(?:,?\d{{3}})?\s?{_ERA}|"
    rf"(?:the )?\d{{4}}s|\d{{4}}\s?[–-]\s?\d{{2,4}}|\d{{4}}|"
    rf"(?:(?:early |late )?on |last |next )?{_WEEKDAY}|yesterday|today|last (?:week|month|year)|"
    rf"Q[1-4] \d{{4}})\b"
)

_PARTICLE = r"(?:ben|bin|ibn|de|da|del|della|di|van|von|der|den|la|le|al|el|ul|y|bint|of)"
_CAP = r"(?:[A-Z][\w'’.-]*[\w]|[A-Z]\.|[IVX]+\b)"
NAME = re.compile(rf"{_CAP}(?:\s(?:{_PARTICLE}\s)?{_CAP})*")

# Words that always give a cause, and words that may ('after', a bare 'to'): a sentence's
# cause clause is the first of the first kind, else the first of the second.
_CAUSE = re.compile(
    r"\b(?:[Bb]ecause(?: of)?|[Dd]ue to|[Oo]wing to|[Tt]hanks to|[Aa]s a result of|"
    r"in an attempt to|in order to|so as to|so that|for reasons of)\b"
)
_MAYBE_CAUSE = re.compile(
    r"\b(?:after|amid|following|since|"
    r"(?<=\w )to (?!(?:the|a|an|this|that|these|those|his|her|its|their|our|all|some)\b)"
    r"(?=[a-z]+ )|as (?=[a-z]+ (?:was|were|is|are|had|has)\b))",
)
NEGATION = re.compile(
    r"\b(?:not|no|never|none|neither|nor|without|cannot|failed to|rejected|denied|"
    r"refused|by no means)\b|n't\b",
    re.I,
)


def glued(sentence: str, at: int) -> bool:
    """The number starting at `at` is part of a name or code, no figure: 'H20', 'A100',
    'COVID-19', 'ZEBRA-7731' ('US$5' is money: the currency sign starts the match)."""
    return sentence[at : at + 1] in "0123456789-+−" and bool(_CODE_BEFORE.search(sentence[:at]))


_CODE_BEFORE = re.compile(r"[A-Za-z]-?$")


def in_brackets(sentence: str, at: int) -> bool:
    """Inside an open bracket: '(1235–1280)', '(BABA -1.71%)'."""
    before = sentence[:at]
    return before.rfind("(") > before.rfind(")")


@dataclass(frozen=True)
class Phrase:
    text: str
    start: int
    end: int


def quantities(sentence: str) -> list[Phrase]:
    """Numbers in a sentence with what makes them a figure: '$317.7 billion', '380 billion
    Chinese yuan', '267 kilometers', 'over 100', 'two-thirds', '8.1%'."""
    out: list[Phrase] = []
    for m in QUANTITY.finditer(sentence):
        text = m.group().strip(" ,;")
        if not text or not _HAS_DIGIT_OR_WORD.search(text) or glued(sentence, m.start()):
            continue
        if re.fullmatch(r"\d+[A-Z]", text) and not sentence[m.end() : m.end() + 1].isalpha():
            continue  # '3G', '4K': a name, no figure
        if re.fullmatch(r"\d{1,3}", text) and _NAMED_BEFORE.search(sentence[: m.start()]):
            continue  # 'The Neolithic 2 (PPNB)', 'Apollo 11': part of a name
        out.append(Phrase(text, m.start(), m.start() + len(text)))
    return out


# a capitalised word, not the sentence's first, nor a month: 'the Neolithic 2', 'Apollo 11'
_NAMED_BEFORE = re.compile(rf"\S\s+(?!{MONTH_NAMES}\s$)[A-Z][a-z]+\s$")


_RATE = re.compile(
    rf"\b(?:\d[\d,.]*|one|a) in (?:every )?(?:\d[\d,.]*|{_NUM_WORD})(?:\s?{_SCALE})?\b|"
    rf"\b(?:once|twice|{_NUM_WORD} times|\d+ times) (?:a|an|per|every|each) \w+|"
    rf"\b(?:every|each) (?:\d+ |{_NUM_WORD} |other |few )?(?:days?|weeks?|months?|years?|"
    r"decades?)\b|"
    r"\b(?:daily|weekly|monthly|yearly|annually|hourly)\b",
    re.I,
)


def rates(sentence: str) -> list[Phrase]:
    """How often, as the sentence says it: '1 in 12 million', 'twice a year', 'every four
    years', 'annually'."""
    return [Phrase(m.group(), m.start(), m.end()) for m in _RATE.finditer(sentence)]


def dates(sentence: str) -> list[Phrase]:
    return [Phrase(m.group(), m.start(), m.end()) for m in DATE.finditer(sentence)]


def names(sentence: str, skip: set[str]) -> list[Phrase]:
    """Capitalised name runs ('Mahbub ul Haq', 'Israel ben Eliezer') whose words are not all
    in `skip` (the question's own words), not places, institutions or events ('World War
    II', 'Cambridge University'), and not just the sentence's first word."""
    out: list[Phrase] = []
    for m in NAME.finditer(sentence):
        text, start = m.group().rstrip("."), m.start()
        # 'Tencent CEO Pony Ma': what the question names, and a title, lead to the name
        titles = list(re.finditer(rf"\b(?:{_TITLE})\s", text))
        if titles and titles[-1].end() < len(text):
            text, start = text[titles[-1].end() :], start + titles[-1].end()
        lead = re.match(r"([A-Z][a-z]*)\s", text)
        if lead and lead.group(1).lower() in _FUNCTION_WORDS - {"the", "a", "an"}:
            text, start = text[lead.end() :], start + lead.end()  # 'After Prussia' -> 'Prussia'
        words = [
            re.sub(r"['’]s$", "", w)  # "Xi's" is the question's Xi
            for w in re.findall(r"[\w'’-]+", text.lower())
            if w not in _PARTICLE_SET
        ]
        if not words or any(w in skip for w in words) or _NOT_PERSON.search(text):
            continue
        if start == 0 and " " not in text:
            continue  # a capitalised first word ('Starting', 'One') is no name
        if _DEMONYM.match(text):
            continue  # a nationality or a quarter: Pakistani economist, the Eastern world
        if m.start() == 0 and " " not in text and text.lower() in _FUNCTION_WORDS:
            continue
        if any(c.isdigit() for c in text):
            continue  # a model or a code ('H20', 'Kimi K2'), not a person
        if _CONTRACTION.match(text):
            continue  # 'said, "We've seen ...': a pronoun opening a quote
        if re.fullmatch(_TITLE, text):
            continue  # a title alone ('Chancellor') names no one
        if " " not in text and _PLACE_BEFORE.search(sentence[:start]):
            continue  # 'in Brasília', 'in the Philippines', 'in Brasília, Brazil': a place
        out.append(Phrase(text, start, start + len(text)))
    return out


def whole_name(phrase: Phrase, sentence: str) -> Phrase:
    """The whole name a phrase is part of ('Rousseau' in 'philosopher Jean-Jacques
    Rousseau'), and a name joined to it by 'and' ('led by Subutai and Jebe'); else the
    phrase."""
    found = [p for p in names(sentence, skip=set()) if not (p.start == 0 and " of " in p.text)]
    around = [p for p in found if p.start <= phrase.start < p.end and p.end >= phrase.end]
    if around:
        text = re.sub(r"['’]s$", "", around[0].text)  # "Alibaba's" names Alibaba
        phrase = Phrase(text, around[0].start, around[0].start + len(text))
    for other in (p for p in found if " of " not in p.text):  # not 'the Rights of Men'
        if re.fullmatch(r"\s(?:and|&)\s", sentence[phrase.end : other.start]):
            return Phrase(sentence[phrase.start : other.end], phrase.start, other.end)
        if re.fullmatch(r"\s(?:and|&)\s", sentence[other.end : phrase.start]):
            return Phrase(sentence[other.start : phrase.end], other.start, phrase.end)
    return phrase


# 'Korean', 'Japanese', 'Eastern', 'Pakistani' (but not 'Khan', 'Subutai', 'Gandhi')
_DEMONYM = re.compile(
    r"(?:[A-Z][a-z]+(?:ian|ean|can|ese|ish|ic|ern)|(?:Pakistan|Bangladesh|Israel|Iraq|Kuwait|"
    r"Saud|Somal|Yemen|Oman|Qatar|Emirat|Afghan|Nepal|Th|Bahrain|Azerbaijan|Uzbek|Punjab|"
    r"Bengal|Hind|Swahil|Azer|Kashmir|Sindh|Gujarat|Marath|Malaw)i)$"
)
_TITLE = (
    r"CEO|CFO|COO|Chairman|Chairwoman|President|Chancellor|Minister|Secretary|Governor|"
    r"Senator|Director|Analyst|Founder|Cofounder|Co-founder|Chief|Dr\.?|Mr\.?|Mrs\.?|Ms\.?|"
    r"Prof\.?|General|Judge|Mayor|Pope|Archbishop"
)
# a title before a person's name: 'Association President Keith Gambill'
TITLE = re.compile(rf"(?:{_TITLE}|Speaker|Superintendent|Commissioner|Chair|Spokesman)")
_NOT_PERSON = re.compile(
    r"\b(?:War|University|College|School|Square|River|Street|Avenue|Road|Company|Corporation|"
    r"Republic|Kingdom|Empire|Church|Museum|Island|Islands|Ocean|Sea|Mountains?|Park|"
    r"Airport|Station|Bank|Party|Act|Treaty|Agreement|Index|Report|Award|Prize|Council|"
    r"Court|Ministry|Department|Committee|Association|League|Series|Games|Olympics|"
    r"Dynasty|Province|State|States|City|County|District|Region|Valley|Bay|Minister|"
    r"Buddhism|Christianity|Islam|Judaism|Hinduism|Revolution|Century|January|February|"
    r"March|April|May|June|July|August|September|October|November|December|Monday|"
    r"Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mongol|Chinese|English|French|"
    r"German|Spanish|Japanese|Russian|American|British)\b"
)
# 'in the ', and 'in Brasília, ' (the country after its city)
_PLACE_BEFORE = re.compile(
    r"\b(?i:in|at|from|near|across|throughout|into)\s(?i:the\s)?$"
    r"|\b(?i:in|at|from|near)\s[A-Z][\w'’.-]+,\s$"
)
_CONTRACTION = re.compile(
    r"(?:I|You|We|They|He|She|It|That|There|What|Who|Let|Don|Can|Won|Isn|Didn|Doesn)['’]"
    r"(?:ve|re|ll|m|d|s|t)\b"
)
_PARTICLE_SET = set(_PARTICLE.strip("(?:)").split("|"))
_FUNCTION_WORDS = {
    "the", "a", "an", "in", "on", "at", "by", "for", "from", "with", "this", "that", "these",
    "those", "it", "its", "he", "she", "they", "we", "his", "her", "their", "there", "after",
    "before", "during", "when", "while", "although", "though", "however", "but", "and", "as",
    "since", "until", "under", "over", "despite", "according", "last", "early", "late",
}  # fmt: skip


def reason(sentence: str) -> Phrase | None:
    """The cause clause of a sentence ('due to its support for Hezbollah'), if it has one."""
    m = _CAUSE.search(sentence) or _MAYBE_CAUSE.search(sentence)
    if not m:
        return None
    tail = sentence[m.start() :]
    end = len(tail)
    # 'Because X, Y': a cause that opens the sentence ends at its first comma
    stops = r"[;:,]" if m.start() == 0 else r"[;:]|,\s(?:and|but|while|which|who)\b"
    for stop in re.finditer(rf"{stops}|\.\s|\.$", tail):
        end = stop.start()
        break
    text = tail[:end].strip(" ,.")
    if len(text.split()) < 2:
        return None
    return Phrase(text, m.start(), m.start() + len(text))


def negated(sentence: str) -> bool:
    return bool(NEGATION.search(sentence))


# --- units: an answer's figure must carry the unit its sentence gives it -------------------

_CURRENCY_WORD = re.compile(
    r"\b(yuan|reais|real|euros?|dollars|pounds|yen|rupees|pesos|francs|drachmae|won|rubles)\b",
    re.I,
)


def unit_of(text: str, start: int, end: int) -> tuple[str, str, str]:
    """(currency, scale, unit) around the number at text[start:end]: what is written right
    before it and in the three words after it."""
    before = text[max(0, start - 5) : start]
    after = text[end : end + 40]
    currency = ""
    if m := re.search(r"(US\$|USD|[$€£¥₹]|R\$)\s?$", before):
        currency = {"US$": "$", "USD": "$"}.get(m.group(1), m.group(1))
    words = " ".join(after.split()[:3]).lower()
    scale = ""
    if m := re.match(r"\s*(thousand|million|billion|trillion|bn|mn)\b", after, re.I):
        scale = {"bn": "billion", "mn": "million"}.get(m.group(1).lower(), m.group(1).lower())
    if m := _CURRENCY_WORD.search(words):
        currency = currency or m.group(1).lower().rstrip("s")
    unit = ""
    if re.match(r"\s?(?:%|percent\b|per cent\b)", after):
        unit = "%"
    elif re.match(r"\s?(?:percentage )?points?\b", after, re.I):
        unit = "points"
    return currency, scale, unit


def unit_mismatches(answer: str, source: str) -> list[str]:
    """Figures in `answer` whose currency, scale or unit differs from every occurrence of the
    same value in `source` ('$13.3 billion' against '13.3 billion reais')."""
    from rag.core.numbers import NUMBER, canonical

    bad = []
    for m in NUMBER.finditer(answer):
        value = canonical(m.group())
        core = _core(m)
        mine = unit_of(answer, m.start() + core[0], m.start() + core[1])
        theirs = [
            unit_of(source, s.start() + _core(s)[0], s.start() + _core(s)[1])
            for s in NUMBER.finditer(source)
            if canonical(s.group()) == value
        ]
        if theirs and not any(_compatible(mine, t) for t in theirs):
            bad.append(m.group().strip())
    return bad


def _core(m: re.Match[str]) -> tuple[int, int]:
    """The digits of a NUMBER match, without a leading currency sign or trailing %."""
    text = m.group()
    digits = re.search(r"\d[\d,]*(?:\.\d+)?", text)
    assert digits is not None
    return digits.start(), digits.end()


def _compatible(mine: tuple[str, str, str], theirs: tuple[str, str, str]) -> bool:
    """Each part the answer states must be what the source states (an answer may leave a
    part out, as in '8.1' for '8.1%', but not add or change one)."""
    return all(not a or a == b for a, b in zip(mine, theirs, strict=True))
