"""The names a reader would list from an article, by code: people with their full name and
role, companies, organisations, places and products (issue 37).

People are found by what the article does with a name: a role before or after it ('Tencent
CEO Pony Ma', 'Frank He, an analyst at HSBC'), a title ('Gov. Kristi Noem'), an age ('Patrick
W. Carlineo Jr., 55'), a verb of saying ('said Philip Luther'), or a surname used alone later
('Kevin Mayer' ... 'Mayer said'). Other names are capitalised runs that recur, or that name
their kind ('... University', '... Inc', a country); a sentence's opening word, a people
('South Korean'), a role ('Chief Strategy Officer') or a month is no name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache

from rag.brief.gazetteer import (
    DEMONYMS,
    NOT_NAMES,
    countries,
    english_words,
    given_names,
    listed_companies,
    places,
)
from rag.brief.usage import city, kind_by_usage, placed

_TITLE_WORDS = (
    r"(?:CEO|COO|CFO|CTO|chief executive|founder|cofounder|co-founder|analysts?|leader|"
    r"president|chairman|economist|strategist|spokes(?:wo)?man|spokesperson|coach|quarterback|"
    r"director|manager|professor|scientist|researcher|pulmonologist|minister|secretary|"
    r"attorney|Attorney General|Secretary of State|Defense Secretary|Press Secretary|"
    r"Interior Minister|Prime Minister|President|Chancellor|administrator|commissioner|"
    r"official|officer|editor|judge|ambassador|adviser|advisor|lawmaker|engineer|designer|"
    r"Project Manager|Managing Director|Administrator|(?:Team )?Leader|head|fellow|doctor|"
    r"teacher|rider|trainer|player|keeper|goalkeeper|striker|midfielder|defender|pitcher|"
    r"singer|actor|actress|physician|surgeon|lawyer|prosecutor|predecessor|successor|envoy|"
    r"aide|counsel|meteorologist|forecaster|epidemiologist|historian|author|columnist|reporter)"
)
# a given name, an optional initial, one or two more names, an optional Jr./Sr.
_NAME = (
    r"[A-ZÀ-Þ][a-zß-ÿ]+(?:-[A-Za-z]+)?(?: [A-Z]\.)?"
    r"(?: (?:(?:de|van|von|da|di|del|der|le|la) )?"  # 'Monica de Bolle'
    r"(?:Mc|Mac|O')?[A-ZÀ-Þ][a-zß-ÿ]+(?:-[A-Za-z]+)?){1,2}"
    r"(?:,? (?:Jr|Sr)\.?)?(?![a-zA-Z])"
)
# "Tencent CEO Pony Ma", "HSBC analyst Frank He", "chief executive Jensen Huang"
PERSON = re.compile(
    rf"(?P<org>\b[A-Z][\w&-]+(?:\s[A-Z][\w&]+)?\s+)?(?P<title>{_TITLE_WORDS}),?\s+"
    rf"(?P<name>{_NAME})"
)
# "Frank He, an analyst at HSBC," / "Pony Ma, the chief executive of Tencent"
PERSON_AFTER = re.compile(
    rf"(?P<name>\b{_NAME}),\s+(?:an?\s+|the\s+|its\s+)?"
    rf"(?P<role>(?:[\w&.-]+['’]s\s+)?(?:[\w-]+\s+){{0,2}}{_TITLE_WORDS}"  # "PG&E's principal ..."
    r"(?:\s+(?:at|of|for)\s+[A-Z][\w&]+(?:\s[A-Z][\w&]+)?)?)"
)
# "Gov. Kristi Noem", "Dr. Owen Dempsey", "Lt. Matt Harris"; "Patrick W. Carlineo Jr., 55,";
# "said Philip Luther", "Mike Glass threw"
_TITLED = re.compile(rf"\b(?P<title>Gov|Rep|Sen|Dr|Lt|Sgt|Prof|Mr|Mrs|Ms)\.\s(?P<name>{_NAME})")
_SURNAME_TITLED = re.compile(
    r"\b(?:President|Mr\.|Mrs\.|Ms\.|Dr\.)\s(?P<name>(?:Mc|Mac|O')?[A-Z][a-z]+)\b(?![ -][A-Z])"
)
# 'the journal JAMA Psychiatry', 'the newspaper Le Monde'
_PUBLICATION = re.compile(
    r"\b(?:journal|magazine|newspaper|tabloid)\s(?P<name>[A-Z][\w&-]*(?: [A-Z][\w&-]*)*)"
)
# "the tech giant's game streaming service, Stadia, launched"
_NAMED_PRODUCT = re.compile(
    r"\b(?:service|platform|app|console|device|smartphone|phone|game|subscription|software|"
    r"chip|model|car|vehicle|drug|vaccine),\s+(?P<name>[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)*),"
)
# a name its owner marks as a trademark: 'Digital Intuition®', 'Roomba™'
_MARKED = re.compile(r"\b(?P<name>[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,3})[®™]")
_AGED = re.compile(rf"\b(?P<name>{_NAME}),\s\d{{1,3}},")
# 'for Joe Schobert, who filled up the stat sheet'
_WHO = re.compile(rf"\b(?P<name>{_NAME}),\s+who\b")
_SAID = re.compile(
    rf"\b(?:said|says|told|wrote|according to)\s+(?P<name>{_NAME})\b(?!\s[A-Z])|"
    rf"(?<![Tt]he )(?<!\bof )(?<!\bfor )\b(?P<name2>{_NAME})\s+"
    r"(?:said|says|told|wrote|added|reports|writes)\b"
)
# A reporting period, not a product: "Q3", "H1", "FY2024", "FY24"
_PERIOD = re.compile(r"(?:Q[1-4]|H[12]|FY\d{2,4}|\d{4}Q[1-4])")
# An organisation named by what its people do, or by the company it keeps: "HSBC analyst",
# "Goldman Sachs analysts", "counterparts like Amazon", "working with Apple"
ORG_BY_ROLE = re.compile(
    r"\b(?P<org>[A-Z][\w&-]+(?:\s[A-Z][\w&]+)?)\s+(?:CEO|COO|CFO|analysts?|economist|"
    r"strategist|spokes(?:wo)?man|spokesperson|chairman|founder)\b"
)
ORG_BY_COMPANY = re.compile(
    r"\b(?:counterparts?|rivals?|competitors?|peers?)\s+(?:like|such as|including)\s+"
    r"(?P<a>[A-Z][\w&]+)|\b(?:working|partnered|partnering|deal)\s+with\s+(?P<b>[A-Z][\w&]+)"
)
# Model and product names carry a digit: "H20", "QwQ-32B", "Kimi K2", "DeepSeek-R1"
PRODUCT = re.compile(r"\b(?:[A-Z][a-z]+ )?(?=[\w-]*\d)(?=[\w-]*[A-Z])[A-Z][\w]*(?:-[\w]+)*\b")
EDITION = re.compile(
    r"\b[a-z]?[A-Z][\w-]*(?: [A-Z][\w-]*)*(?: \d+)? (?:Pro|Plus|Max|Mini|Ultra|Lite)"
    r"(?: (?:Pro|Plus|Max|Mini|Ultra|Lite))?\b"
)
COMPANY_HINT = re.compile(
    r"(?:giant|maker|company|firm|startup|start-up|rival|peer)\s+(?:named\s+)?"
    r"(?P<a>[A-Z][\w&-]+(?:\s[A-Z][\w&-]+)*)|(?P<b>[A-Z][\w&-]+)(?:['’]s)?\s+(?:shares|stock)\b"
)
_ORG_WORDS = (
    r"University|College|Institute|Department|Ministry|Agency|Administration|Commission|"
    r"Committee|Council|Court|Party|Police|Office|Association|Foundation|Army|Government|"
    r"Parliament|Senate|Congress|Observatory|Infirmary|Hospital|Center|Centre|Museum|Union|"
    r"Federation|League|Academy|Fame|Bureau|Authority|Board|Organization|Organisation|Fund|"
    r"Society|Church|Embassy|Program|Programme|Initiative|Directorate|Reports|Press(?! Secretary)|"
    r"International(?! [A-Z])|"  # 'Peterson Institute for International Economics'
    r"Protection|Enforcement|Patrol|Brotherhood|Brothers|Team|Times|Post|Journal|News|"
    r"Project(?! Manager)"
)
_COMPANY_WORDS = (
    r"Inc|Corp|Corporation|Co|Company|Group|Holdings|Technologies|Technology|Systems|Robotics|"
    r"Productions|Partners|Capital|Bank|Airlines|Airways|Motors|Electronics|Labs|Entertainment|"
    r"Media|Pharmaceuticals|Studios|Music|Cells|Ltd|LLC|plc|AG|SA|Foods|Pharma|Telecom|Retail|"
    r"Air|Chemie|Chemicals|Mining|Steel|Software|Networks|Brands|Industries|Semiconductor|"
    r"Therapeutics|Biotech|Logistics|Petroleum|Automotive|Records"
)
_TIME_WORDS = (
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|"
    r"April|May|June|July|August|September|October|November|December)\b"
)
_CAP = r"(?:Mc|Mac)?[A-ZÀ-Þ][a-zA-Zß-ÿÀ-Þ&]*(?:(?<=[a-zA-Z])\d+[A-Za-z]*)?(?:-[a-zA-Z]+)*"
# "Rock and Roll Hall of Fame", "Ministry of Trade, Industry and Energy": small words and
# commas inside a run are kept only when it ends in a word that names an organisation
ORG_RUN = re.compile(
    rf"\b{_CAP}(?:(?: (?:of|and|for|&|the))? {_CAP})*(?: (?:of|and|for|&|the))? (?:{_ORG_WORDS})\b"
    rf"(?: (?:of|for|on) (?!{_TIME_WORDS})[A-Z][a-z]+(?: (?!{_TIME_WORDS})[A-Z][a-z]+)*)?"
)
# "Department of Homeland Security", "University of Florida", "Council on Foreign Relations"
ORG_LEAD = re.compile(
    r"\b(?:University|Department|Ministry|Institute|Office|Bureau|Council|Commission|Committee|"
    r"Agency|Academy|Society|Federation|League|Union|Centre|Center|Church|College|Museum|Court)"
    rf" (?:of|for|on) (?:the )?(?!{_TIME_WORDS})[A-Z][a-z]+"
    r"(?:(?:,? and |, | of | & | )[A-Z][a-z]+)*"
)
# Capitalised runs: "Goldman Sachs", "Hugging Face", "Alibaba", "Tsai Ing-wen", "T-Mobile"
PROPER = re.compile(rf"\b{_CAP}(?:(?: &)? {_CAP})*")
_OPENING = re.compile(r"(?:^|[.!?:|]['\"”’)\]]*\s+|\n\s*|\s[-—–]\s)['\"“‘(]*$")
_HONORIFICS_TEXT = """
    President Premier Chancellor Governor Senator King Queen Prince Princess Minister Judge
    Justice General Pope Mayor Chairman Sir Dame Lord Lady Superintendent Speaker Sheriff
    Commissioner Ambassador Colonel Col Major Maj Captain Capt Lieutenant Lt Sergeant Sgt
    Admiral Adm Corporal Cpl"""
_HONORIFICS = frozenset(_HONORIFICS_TEXT.split())
_ROLE_WORDS_TEXT = """
    CEO COO CFO CTO Chief Executive Officer Strategy Operating Financial Technology President
    Vice Senior Head Director Manager Founder Chairman General Attorney Secretary Minister
    Administrator Deputy Associate Assistant Adviser Advisor Envoy Counsel of and"""
_ROLE_WORDS = frozenset(_ROLE_WORDS_TEXT.split())
# words of a role only beside another: 'Press Secretary', 'Secretary of State' ('Associated
# Press' and 'Boise State' are names)
_ROLE_QUALIFIERS = frozenset(["Interior", "Defense", "Press", "State"])
# words a person's name never opens with: a role, a title, a non-name ('As Emily Feng')
_ROLES = _ROLE_WORDS | _HONORIFICS
_NOT_OPENING_A_NAME = _ROLES | _ROLE_QUALIFIERS | NOT_NAMES
# one word of a person's name: 'McDonald', "O'Brien", 'Ngo-Anh'
_NAME_WORD = re.compile(r"(?:Mc|Mac|O')?[A-ZÀ-Þ][a-zß-ÿ]+(?:-\w+)?")
# the small words inside an organisation's name: 'Customs and Border Protection'
_CONNECTORS = frozenset(["of", "and", "for", "&", "the"])
# last words of places, events and things, not of people
_NOT_SURNAMES_TEXT = """
    Beach Avenue Street Road Square City County Valley Heights Hills Week Weekend Day
    Collection Finals Final Festival Awards Show Series Cup Open Championship Games Tour Band
    Orchestra Choir Quartet Trio House Palace Tower Building Castle"""
_NOT_SURNAMES = frozenset(_NOT_SURNAMES_TEXT.split())
_GEOGRAPHY = re.compile(
    r" (?:Sea|Ocean|River|Island|Islands|Mountains|Valley|Bay|Gulf|Strait|Lake|Canyon|Desert|"
    r"Peninsula|Coast|Airport|Stadium|Arena|Facility|Square|Bridge|Street|Avenue|Boulevard|"
    r"Statehouse|Capitol)$|^(?:Statehouse|Capitol)$"  # a seat of government is a building
)
# an event's name: 'Los Angeles Auto Show', 'Mobile World Congress'
_EVENT = re.compile(r" (?:Show|Festival|Expo|Summit|Conference|Congress|Olympics|Awards|Cup)$")
# A company is what acts as one: 'Apple's products', 'Amazon is now letting', 'Google has bought'
_ACTS = (
    r"(?:['’]s (?:[a-z-]+ ){0,3}(?:shares|stock|CEO|founder|products?|service|app|platform|"
    r"customers|sales)\b|"
    r" (?:(?:has|have|will) )?(?:announced|reported|launched|unveiled|bought|acquired|sold|"
    r"makes|offers?|is now|revealed)\b)"
)
# 'Ascom, a global solutions provider', 'CloudSimple, a startup'; 'Google has bought
# CloudSimple'; 'Alibaba leaders'
_IS_A_COMPANY = (
    r"(?:a|an|the)\s+(?:[\w-]+\s+){0,4}?(?:company|firm|start-?up|provider|producer|maker|"
    r"manufacturer|retailer|developer|operator|carrier|airline|bank|lender|insurer|brand|chain|"
    r"platform|supplier|distributor|conglomerate)\b"
)
_DEALT_IN = (
    r"\b(?:bought|acquired|acquire|buy|buying|selling|sold|invested in|invest in|owned by|"
    r"acquisition of|stake in|merger with)"
)
_ITS_PEOPLE = r"(?:leaders|executives|employees|shareholders|investors)\b"
Named = tuple[str, str, str | None]  # (name, kind, role)
MAX_GIVEN_ONLY = 4
LEAD_CHARS = 300  # the opening an article names its subject in
MAX_IN_LEAD = 2  # the people an opening is about; more there are a list


def entity_names(text: str) -> Iterator[Named]:
    """(name, kind, role) for the people, companies, organisations, places and products an
    article names: people first, then names by their kind's cues, then recurring names."""
    people = _people(text)
    seen: set[str] = set()
    for name, role in people.items():
        seen.add(name)
        yield name, "person", role
    person_words = {part for name in people for part in name.split()}
    named: list[Named] = []
    for name, kind in _typed_names(text):
        if name not in seen and not set(name.split()) & person_words and len(name) > 2:
            seen.add(name)
            named.append((name, kind, None))
    named += _recurring(text, seen, person_words)
    named += _lower_brands(text, seen)
    companies = {name for name, kind, _ in named if kind == "company"}
    listed = {n for n, kind, _ in named if kind == "other" and _listed_with(n, companies, text)}
    companies |= listed  # 'Blue Origin, Sierra Nevada Corporation and SpaceX'
    owners = "|".join(re.escape(c) for c in sorted(companies, key=len, reverse=True))
    for name, kind, role in named:
        if name in listed or kind == "other" and _short_for(name, companies):
            kind = "company"  # listed beside companies; 'Big Machine' of 'Big Machine Records'
        elif kind == "other" and owners and _made_by(name, owners, text):
            kind = "product"  # "SpaceX's Starship", "Blue Origin's Blue Moon"
        yield name, kind, role


def _short_for(name: str, companies: set[str]) -> bool:
    """The name opens a company's longer name: 'Big Machine' of 'Big Machine Records'."""
    return any(c.startswith(f"{name} ") for c in companies)


def _made_by(name: str, owners: str, text: str) -> bool:
    """The name follows a company's possessive ("SpaceX's Starship"); `owners` is the
    companies' names as one alternation."""
    return bool(re.search(rf"\b(?:{owners})['’]s {re.escape(name)}\b", text))


def _listed_with(name: str, companies: set[str], text: str) -> bool:
    """The name is in a list ('A, B and C') beside a company."""
    for m in re.finditer(rf"[^.;:()]*\b{re.escape(name)}\b[^.;:()]*", text):
        items = [i.strip() for i in re.split(r",|\band\b|\bor\b|\s[-–—]\s", m.group())]
        if name in items and len(items) >= 3 and companies & set(items):
            return True
    return False


def _people(text: str) -> dict[str, str | None]:
    """Person -> role (None when the article gives none), in the order found."""
    people: dict[str, str | None] = {}
    for m in PERSON.finditer(text):
        org = (m.group("org") or "").strip()
        org = "" if org.split(" ")[0] in NOT_NAMES else org
        if _personal(_clean(m.group("name")), text):
            role = " ".join(f"{org} {m.group('title')}".split())
            people.setdefault(_clean(m.group("name")), role)
    for m in PERSON_AFTER.finditer(text):
        first, *rest = m.group("name").split()
        if first in _HONORIFICS and len(rest) >= 2:  # 'President Moon Jae-in, the leader of'
            people.setdefault(" ".join(rest), first)
        elif first not in NOT_NAMES and _personal(_clean(m.group("name")), text):
            people.setdefault(_clean(m.group("name")), " ".join(m.group("role").split()))
    for pattern in (_TITLED, _AGED, _SAID, _WHO):
        for m in pattern.finditer(text):
            name = _unroled(_clean(m.group("name") or m.groupdict().get("name2") or ""))
            if _personal(name, text):
                people.setdefault(name, _title(m))
    orgs = []
    for start, end, run in _org_runs(text):
        person = _person_of(run)  # 'Patrick Liu-Shiu-Cheong of Victoria Hospital'
        if person:
            people.setdefault(person, None)
        orgs.append((start + (len(person) + 4 if person else 0), end))
    headings = _title_case_lines(text)
    tried: set[str] = set()  # each name is judged once, however often the article uses it
    given: dict[str, str | None] = {}
    for m in PROPER.finditer(text):
        # 'Not Merely Taste and Smell Receptors': a subheading's words are no surnames
        heading = any(start <= m.start() < end for start, end in headings)
        words = _clean(m.group()).split()  # 'Australian Timothy Weeks' is 'Timothy Weeks'
        words = words[1:] if words[0] in DEMONYMS else words
        if words and _opens_sentence(text, m.start()) and _common_opening(words[0], text):
            words = words[1:]  # 'Recent Samsung TVs ...'
        if not words:
            continue
        # 'Indiana House Speaker Brian Bosma': the name follows the last role word
        cut = max((i + 1 for i, w in enumerate(words) if w in _ROLES), default=0)
        cut = cut or int(words[0] in _ROLE_QUALIFIERS)  # 'State Mike Pompeo' of 'Secretary of'
        name = " ".join(words[cut:])
        if name in people or name in tried or any(a <= m.start() < b for a, b in orgs):
            continue  # 'Roll Hall' of 'Rock and Roll Hall of Fame' is no surname
        tried.add(name)
        if not _personal(name, text):
            continue
        if not heading and _surname_alone(name, text):
            people[name] = " ".join(words[:cut]) or None
        elif _given_pair(name, text):
            given[name] = " ".join(words[:cut]) or None
    _add_given(people, given, text)
    _add_titled_surnames(people, text)
    return _longest(people)


def _add_given(people: dict[str, str | None], given: dict[str, str | None], text: str) -> None:
    """The names by a common given name: more than a few are a roster or a list of credits,
    not the people the story is about, but for the one it opens with ('Experience is
    thrilled to have Junior Gaspard ... as our new President and CEO', before his favourite
    artists)."""
    in_lead = [who for who in given if who in text[:LEAD_CHARS]]
    opened = in_lead if len(in_lead) <= MAX_IN_LEAD else []  # a lead, not a list of scorers
    for who, role in given.items():
        if who not in people and (len(given) <= MAX_GIVEN_ONLY or who in opened):
            people[who] = role


def _add_titled_surnames(people: dict[str, str | None], text: str) -> None:
    """'President Trump' where no 'Donald Trump' is named: the surname alone is the person."""
    for m in _SURNAME_TITLED.finditer(text):
        name = m.group("name")
        known = any(name in full.split() for full in people)
        if not known and name not in NOT_NAMES and not _is_place(name):
            people[name] = None


def _person_of(run: str) -> str | None:
    """The person an organisation's run opens with: 'Patrick Liu-Shiu-Cheong of Victoria
    Hospital' -> 'Patrick Liu-Shiu-Cheong' (a given name and one or two more names)."""
    head, found, _org = run.partition(" of ")
    words = head.split()
    if not found or not 2 <= len(words) <= 3 or words[0] not in given_names():
        return None
    if not all(re.fullmatch(r"[A-Z][a-z]+(?:-[A-Z]?[a-z]+)*", w) for w in words[1:]):
        return None
    return head if not set(words) & (_ROLES | NOT_NAMES) else None


def _given_pair(name: str, text: str) -> bool:
    """A common given name and a surname ('Matt Roberts', 'Catherine Whitaker') that the
    article never uses as a company's name ('Morgan Stanley analysts')."""
    words = name.split()
    if not 2 <= len(words) <= 3 or words[0] not in given_names():
        return False  # 'Matt Roberts', 'Kathleen Hawk Sawyer'
    if not all(_NAME_WORD.fullmatch(w) for w in words[1:]):
        return False
    escaped = re.escape(name)
    if all(
        text[max(0, m.start() - 4) : m.start()] in ("the ", "The ")
        for m in re.finditer(escaped, text)
    ):
        return False  # 'the Hazel Hen supercomputer'
    return not re.search(rf"\b{escaped}(?:{_ACTS}|\s+{_ITS_PEOPLE}|\s+(?:analysts?|bank))", text)


def _unroled(name: str) -> str:
    """'Administrator Jim Bridenstine' -> 'Jim Bridenstine', 'As Emily Feng' -> 'Emily Feng'."""
    words = name.split()
    while len(words) > 2 and words[0] in _NOT_OPENING_A_NAME:
        words = words[1:]
    return " ".join(words)


def _title(m: re.Match[str]) -> str | None:
    title = m.groupdict().get("title")
    return {"Gov": "Gov.", "Rep": "Rep.", "Sen": "Sen.", "Dr": "Dr."}.get(title or "")


def _clean(name: str) -> str:
    return " ".join(name.replace(",", "").split())


def _personal(name: str, text: str) -> bool:
    """Shaped like a person's name: two to four words, none a kind of organisation, place,
    role or month, not a place."""
    words = name.split()
    if not 2 <= len(words) <= 4 or set(words) & (NOT_NAMES | _ROLE_WORDS | _HONORIFICS):
        return False
    if words[0].endswith("ing"):  # 'Hosting Cook', 'Leveraging Unite Connect'
        return False
    if re.search(rf"\b(?:{_ORG_WORDS}|{_COMPANY_WORDS})\b", name):
        return False
    if words[-1] in _NOT_SURNAMES:  # 'Virginia Beach', 'Milano Design Week'
        return False
    # no place in it ('New Delhi', 'Agence France-Presse', 'Southern California'), but for a
    # given name: 'Paul' and 'Mary' are regions of some country too ('Scott Paul')
    parts = [part for w in words for part in w.split("-")]
    if any(_is_place(part) and part not in given_names() for part in parts):
        return False
    pairs = [" ".join(words[i : i + 2]) for i in range(len(words) - 1)]
    return not any(_is_place(pair) for pair in pairs) and not _is_place(name)


def _common_opening(word: str, text: str) -> bool:
    """A word the article also writes in lower case, no given name, opening a sentence
    ('Recent Samsung TVs', 'Because Google')."""
    low = word.lower()
    return word not in given_names() and re.search(rf"\b{re.escape(low)}\b", text) is not None


def _surname_alone(name: str, text: str) -> bool:
    """'Kevin Mayer' ... 'Mayer said': the run's last word is used alone, as people's
    surnames are (and the first word never is); not a thing the article also writes in
    lower case after no given name ('Magic Keyboard' ... 'the keyboard')."""
    words = name.split()
    if not 2 <= len(words) <= 3 or not all(_NAME_WORD.fullmatch(w) for w in words):
        return False
    if words[0] not in given_names() and re.search(rf"\b{words[-1].lower()}\b", text):
        return False
    first = re.escape(words[0])
    elsewhere = text.replace(name, "")
    if not _used_alone(words[-1], elsewhere):
        return False
    # the first name alone too ('Back to Taylor!') when a pronoun in the same sentence says
    # it is someone ('Taylor Swift is ready to take her songs back')
    pronoun = (
        rf"(?<![Tt]he\s)(?<![Aa]\s)\b{re.escape(name)}\b(?:'s|’s)?\s[^.!?\n]{{0,50}}"
        r"\b(?:she|he|her|his|him)\b"
    )
    return not re.search(rf"\b{first}\b(?!\s[A-Z])", elsewhere) or bool(re.search(pronoun, text))


def _used_alone(word: str, text: str) -> bool:
    """The word stands alone somewhere: no capitalised word right before it ('More Money',
    'Davis Cup') or after it, and no 'the' before it."""
    for m in re.finditer(rf"\b{re.escape(word)}\b(?!\s[A-Z])", text):
        before = re.search(r"(\S+)\s+$", text[max(0, m.start() - 40) : m.start()])
        previous = before.group(1).lstrip("\"'“‘([") if before else ""
        previous = re.sub(r"['’]s$", "", previous)  # "Founder's Edition"
        if previous.lower() == "the" or (previous.istitle() and previous.isalpha()):
            continue
        return True
    return False


def _longest(people: dict[str, str | None]) -> dict[str, str | None]:
    """'Patrick W. Carlineo Jr.' keeps 'Patrick W. Carlineo' out; a role found once stays."""
    out: dict[str, str | None] = {}
    for name, role in people.items():
        longer = next((o for o in people if o != name and name in o), name)
        out[longer] = out.get(longer) or people[longer] or role
    return out


def _typed_names(text: str) -> Iterator[tuple[str, str]]:
    """Names whose kind the article shows: organisations by their last word or their
    people ('HSBC analyst'), companies by theirs or by the company they keep, products by
    a digit."""
    for start, _end, run in _org_runs(text):
        name = _strip_opening(run, text, start)
        person = _person_of(name)
        name = name[len(person) + 4 :] if person else name
        if name and " " in name:
            yield name, "organisation"
    for m in ORG_BY_ROLE.finditer(text):
        words = [w for w in m.group("org").split() if w not in NOT_NAMES]
        if words:
            yield " ".join(words), "company"
    for m in ORG_BY_COMPANY.finditer(text):
        yield m.group("a") or m.group("b"), "company"
    for m in _PUBLICATION.finditer(text):
        yield m.group("name"), "other"
    for m in _NAMED_PRODUCT.finditer(text):
        yield m.group("name"), "product"
    for m in _MARKED.finditer(text):  # 'Digital Intuition®, the company's ... algorithm'
        yield m.group("name"), "product"
    for m in EDITION.finditer(text):
        words = m.group().split()
        while words and words[0] in NOT_NAMES:  # 'The Mavic Mini'
            words = words[1:]
        if len(words) >= 3 and not words[1][0].isdigit() and _named_alone(words[0], text):
            words = words[1:]  # 'Apple AirPods Pro': Apple is named alone too
        if len(words) >= 2 and not _slug(m.group()):
            yield " ".join(words), "product"
    for m in PRODUCT.finditer(text):
        name = m.group()
        if not name[0].isdigit() and not _PERIOD.fullmatch(name) and not _slug(name):
            yield name, "product"


@lru_cache(maxsize=4)  # _people, _typed_names and _recurring read the same article's runs
def _org_runs(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, name) of organisations named by their last word ('Max Planck Institute
    for Astrophysics'), and by their first where no such run holds them ('the Department of
    Homeland Security'); 'and' before a given name ends one ('... Security and Alex Azar')."""
    runs = [(m.start(), m.end(), m.group()) for m in ORG_RUN.finditer(text)]
    for m in ORG_LEAD.finditer(text):
        if any(a <= m.start() < b for a, b, _ in runs):
            continue
        name = m.group()
        person = re.search(r",? and (\w+)", name)
        if person and person.group(1) in given_names():
            name = name[: person.start()]
        runs.append((m.start(), m.start() + len(name), name))
    return tuple(sorted(runs))


def _named_alone(word: str, text: str) -> bool:
    """The word is used with no capitalised word or number after it ('Apple impressed')."""
    return bool(re.search(rf"\b{re.escape(word)}\b(?! [A-Z0-9])", text))


def _slug(name: str) -> bool:
    """A link's file name or a code, not a product: 'TP_615', 'Cat-found-in-New-Mexico-1484'."""
    return "_" in name or name.count("-") >= 3


def _strip_opening(name: str, text: str, at: int) -> str:
    words = name.split()
    if words and words[0] in NOT_NAMES and words[0] not in DEMONYMS:
        return " ".join(words[1:])
    small = len(words) > 1 and words[1] in _CONNECTORS
    if _opens_sentence(text, at) and not small and not _keeps_opening(words, text):
        return " ".join(words[1:])
    return name


_COMPANY_END = re.compile(rf"\s(?:{_COMPANY_WORDS})$")


def company_name(name: str) -> bool:
    """A name of two words or more that ends as a company's does ('Vantara Foods')."""
    return bool(_COMPANY_END.search(name))


def _keeps_opening(words: list[str], text: str) -> bool:
    """Whether a run that opens a sentence keeps its first word: a word named inside a
    sentence, no English word, or the first word of a company's name ('Cobalt Telecom
    will cut 900 jobs' names 'Cobalt Telecom', not 'Telecom')."""
    company = company_name(" ".join(words)) and words[0] not in NOT_NAMES
    return company or _named_inside(words[0], text)


def _recurring(text: str, seen: set[str], person_words: set[str]) -> Iterator[Named]:
    """Capitalised runs named twice or more, or once with their kind's cue, with the kind
    their cues give."""
    companies = {m.group("a") or m.group("b") for m in COMPANY_HINT.finditer(text)}
    counts: dict[str, int] = {}
    headings = _title_case_lines(text)
    orgs = [(start, end) for start, end, _ in _org_runs(text)]
    for m in PROPER.finditer(text):
        if any(start <= m.start() < end for start, end in headings):
            continue  # a related-stories link or a headline: Every Word Capitalised
        if any(a <= m.start() < b and (a, b) != m.span() for a, b in orgs):
            continue  # 'Roll Hall' of 'Rock and Roll Hall of Fame', 'Border Protection'
        for words in _parts([_STYLED.sub("", w) for w in m.group().split()]):
            opening = words[0] == m.group().split()[0] and _opens_sentence(text, m.start())
            if opening and not _keeps_opening(words, text):  # 'Meanwhile', 'According'
                words = words[1:]
            if words and len(words[-1]) == 1:  # 'Ryan S' of 'Ryan S. Hollman'
                continue
            if len(words) == 1 and re.fullmatch(_ORG_WORDS, words[0]):
                continue  # 'the Bureau', 'the Department'
            if words and not set(words) <= _ROLE_WORDS and not _common_caps(words, text):
                counts[" ".join(words)] = counts.get(" ".join(words), 0) + 1
    # a word of a name already found: a fragment ('Select Committee'), unless the article
    # names it alone twice or more ('Stadia' beside 'Stadia Pro')
    found_words = {part for name in seen for part in name.split()}
    for name, count in counts.items():
        kind = _kind(name, text, companies)
        strong = kind in {"company", "place"} and bool(re.search(r"\s|[A-Z]{2}", name))
        # a country or a city named once: 'in Croatia', 'in Hangzhou'
        strong = strong or name in countries() or kind == "place" and city(name, text)
        strong = strong or " " in name and bool(_EVENT.search(name))  # 'Los Angeles Auto Show'
        shares = bool(set(name.split()) & person_words)  # 'Hosting Cook', 'Christopher L'
        shares = shares or count < 2 and bool(set(name.split()) & found_words)
        if (count >= 2 or strong) and name not in seen and not shares and len(name) > 2:
            seen.add(name)
            yield name, kind, None


# a brand written lower-case first ('my6sense', 'iPhone', 'eBay'), not a unit ('mAh')
_LOWER_BRAND = re.compile(r"(?<![\w.-])[a-z]{1,3}(?:\d+[a-z]+|[A-Z][A-Za-z]*)(?![\w-])")
_UNITS = frozenset(["mAh", "kWh", "pH", "mRNA", "mL", "dB", "kW", "mW", "kB", "mA", "vs"])


def _lower_brands(text: str, seen: set[str]) -> Iterator[Named]:
    """Lower-case-first brands said twice, in no longer name: company if shown so, else product."""
    words = {word for name in seen for word in name.split()}
    counts = Counter(m.group() for m in _LOWER_BRAND.finditer(text))
    for name, count in counts.items():
        if count >= 2 and name not in _UNITS and name not in words:
            seen.add(name)
            acts = re.search(rf"(?<![\w-]){re.escape(name)}(?:{_ACTS}|,\s+{_IS_A_COMPANY})", text)
            yield name, "company" if acts or name in listed_companies() else "product", None


# a name made an adjective: 'World Cup-style', 'Party-controlled', 'Beijing-based'
_STYLED = re.compile(r"-(?:style|based|led|backed|owned|controlled|like|made|born|era|themed)$")


def _parts(words: list[str]) -> Iterator[list[str]]:
    """A run split at role words, demonyms and non-names: 'SoftBank CEO Masayoshi Son' ->
    'SoftBank', 'Masayoshi Son'; a run ending in a people ('South Korean') is none."""
    if words[-1] in DEMONYMS or words[-1].removesuffix("s") in DEMONYMS:
        return  # 'South Korean', 'Americans'
    part: list[str] = []
    for i, w in enumerate(words):
        rest = words[i:]  # 'American Airlines', 'American Music Awards' keep their people
        if w in DEMONYMS and len(rest) > 1 and _whole_with_people(rest):
            yield from [part, rest] if part else [rest]
            return
        beside = {*words[max(0, i - 1) : i], *words[i + 1 : i + 2]}
        if w in NOT_NAMES or w in _ROLE_WORDS or w in _ROLE_QUALIFIERS and beside & _ROLE_WORDS:
            if part:
                yield part
            part = []
        else:
            part.append(w)
    if part:
        yield part


def _whole_with_people(words: list[str]) -> bool:
    """A name that keeps the people opening it: a company's or an award's."""
    return company_name(" ".join(words)) or words[-1] == "Awards"


def _kind(name: str, text: str, companies: set[str]) -> str:
    if _is_place(name) or _GEOGRAPHY.search(name) or name == "Moon":  # not 'Moon Jae-in'
        return "place"
    if re.search(rf"\b(?:{_COMPANY_WORDS})$", name) or name in companies:
        return "company"
    if name in listed_companies():  # 'Netflix', 'Volkswagen', 'Apple'
        return "company"
    if re.search(rf"\b(?:{_ORG_WORDS})$", name):
        return "organisation"
    if placed(name, text) or city(name, text):
        return "place"
    if any(re.fullmatch(r"[A-Za-z]{2,}\d+[A-Za-z]*", w) for w in name.split()):
        return "product"  # 'RAV4 Prime', 'TNG50'
    if re.fullmatch(r"[A-Z]{3,6}", name) and not re.search(rf"\({name}\)", text):
        return "organisation"  # 'NASA', 'MOTIE'; a ticker in brackets is a company's
    if " " in name and _EVENT.search(name):
        return "other"  # 'the Los Angeles Auto Show' is no body
    escaped = re.escape(name)
    if re.search(rf"\b{escaped}{_ACTS}", text) or re.search(
        rf"\b{escaped},\s+{_IS_A_COMPANY}|{_DEALT_IN}\s+{escaped}\b|\b{escaped}\s+{_ITS_PEOPLE}",
        text,
    ):
        return "company"
    if found := kind_by_usage(name, text):  # 'the 2020 Sentra', 'Chelsea have paid'
        return found
    uses = re.findall(rf"(?:\b(the|The)\s+)?\b{escaped}\b", text)
    if uses and sum(bool(the) for the in uses) * 2 > len(uses):
        return "organisation"  # 'the Chargers', 'the Taliban': a team, a movement, a body
    return "other"


def _is_place(name: str) -> bool:
    return name in places()


_ABBREVIATED = re.compile(r"(?:\b(?:[A-Z]\.){2,}|\b(?:Mr|Mrs|Ms|Dr|St|Gov|Sen|Rep|Lt|Gen)\.)\s+$")


def _opens_sentence(text: str, at: int) -> bool:
    before = text[max(0, at - 8) : at]
    return at == 0 or bool(_OPENING.search(before)) and not _ABBREVIATED.search(before)


def _named_inside(word: str, text: str) -> bool:
    """The word is capitalised somewhere other than at a sentence's start, or is no English
    word at all ('Halvorsen', 'Vantara' opening each sentence that names them)."""
    return (
        word.isalpha()
        and word.lower() not in english_words()
        or any(
            not _opens_sentence(text, m.start())
            for m in re.finditer(rf"\b{re.escape(word)}\b", text)
        )
    )


def _title_case_lines(text: str) -> list[tuple[int, int]]:
    """Spans of lines of three or more words, nearly all capitalised: headings and links."""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        words = re.findall(r"[A-Za-z][\w'’-]*", m.group())
        caps = sum(w[0].isupper() for w in words)
        if len(words) >= 3 and caps >= 0.7 * len(words) and not m.group().rstrip().endswith("."):
            spans.append((m.start(), m.end()))
    return spans


def _common_caps(words: list[str], text: str) -> bool:
    """'MORE', 'Things': one word, in capitals or capitalised, that the article also writes
    in lower case (a name of several such words, 'The We Company', is kept)."""
    if len(words) != 1:
        return False
    word = words[0]
    if word.isupper():  # 'MORE'; 'SUV' of 'small SUVs'
        return f" {word.lower()} " in text or re.search(rf"\b{word}s\b", text) is not None
    return word[1:].islower() and re.search(rf"\b{word.lower()}\b", text) is not None
