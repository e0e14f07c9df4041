"""The article sentences a brief is made of: ranked, cut into points, read for sentiment and
for what to watch."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answer.claims import line_problems
from rag.brief.schema import Sentiment, SentimentLabel
from rag.core.guard import GuardedText
from rag.core.numbers import canonical, numbers_in
from rag.core.text import clip, content_terms, sentences


def clean_sentences(text: str) -> list[str]:
    """Sentences without list bullets (still verbatim substrings of the text), leaving out
    any that address the model or carry a link."""
    return unbulleted(GuardedText(text).safe_sentences)


def unbulleted(sents: list[str]) -> list[str]:
    """Without a list bullet or an interview's 'Q:' and 'A:' opening the sentence."""
    return [_INTERVIEW.sub("", s.lstrip("•*-–· ")).strip() for s in sents]


_INTERVIEW = re.compile(r"^[QA]:\s+")  # 'A: I have been well served in my career by ...'


def is_prose(sentence: str, min_words: int = 8) -> bool:
    """A sentence, not a heading, caption or bullet fragment."""
    words = sentence.split()
    return len(words) >= min_words and sentence.rstrip()[-1:] in '.!?"”'


def term_weights(sents: list[str]) -> dict[str, float]:
    """How central each term is: the share of the article's sentences that use it."""
    counts: dict[str, int] = {}
    for sentence in sents:
        for term in content_terms(sentence):
            counts[term] = counts.get(term, 0) + 1
    n = max(1, len(sents))
    return {t: c / n for t, c in counts.items() if c > 1}


def rank(sents: list[str], weights: dict[str, float]) -> list[str]:
    """Sentences by centrality, plus a bonus for figures and moves, minus near-duplicates."""

    def score(sentence: str) -> float:
        terms = content_terms(sentence)
        centrality = sum(weights.get(t, 0.0) for t in terms) / (len(terms) ** 0.5 or 1)
        facts = 0.3 * min(2, len(numbers_in(sentence)))
        return centrality + facts

    def self_contained(sentence: str) -> float:
        return 0.0 if _DANGLING.match(sentence) else 1.0

    ranked: list[str] = []
    for sentence in sorted(
        dict.fromkeys(sents), key=lambda s: (self_contained(s), score(s)), reverse=True
    ):
        if any(same_fact(sentence, r) for r in ranked):
            continue  # a caption or bullet repeating a body sentence
        ranked.append(sentence)
    return ranked


# A sentence that leans on the one before it: "It said...", "This means...", "They added".
_DANGLING = re.compile(r"(?:This|That|These|Those|It|They|He|She|Such|Both)\b(?!-)")


# Connectives a key point does not need: "Therefore, Alibaba rose" -> "Alibaba rose"
_CONNECTIVE = re.compile(
    r"(?:Therefore|Thus|Hence|Nevertheless|Nevetheless|Nonetheless|However|Still|Meanwhile|"
    r"Moreover|Also|Besides|And|But|So|Indeed|Instead|Consequently|As a result|In addition|"
    r"After all|Even so),\s+(?=[A-Za-z])"
)


def same_fact(a: str, b: str) -> bool:
    """Two sentences state the same fact: most of the shorter one's terms are in the other;
    or they give the same figures and share a third of their terms (a photo caption, a
    bullet and a body sentence about one 7% jump); or both tell of the same name's price
    moving the same way with no figure that differs ('Alibaba shares surged 7% after ...'
    and 'Alibaba surged on Thursday after ...')."""
    ta, tb = content_terms(a), content_terms(b)
    if not ta or not tb:
        return False
    shared = len(ta & tb) / min(len(ta), len(tb))
    figures_a, figures_b = set(map(canonical, numbers_in(a))), set(map(canonical, numbers_in(b)))
    if shared > 0.6 or (bool(figures_a) and figures_a == figures_b and shared >= 0.3):
        return True
    names = set(re.findall(r"\b[A-Z][a-zA-Z]+", a)) & set(re.findall(r"\b[A-Z][a-zA-Z]+", b))
    same_way = bool(ta & tb & {"move-up", "move-down"})
    agree = not figures_a or not figures_b or figures_a == figures_b
    return same_way and agree and bool(names - _SENTENCE_WORDS)


_SENTENCE_WORDS = frozenset(
    ["The", "A", "An", "It", "Its", "This", "That", "They", "Shares", "Stock", "In", "On"]
)


def as_point(sentence: str) -> str:
    """The sentence without quote boxes like '(BABA -1.71%)', which are not the point, and
    without a leading connective."""
    point = re.sub(r"\s*\([A-Z]{1,5}(?:\.[A-Z]{1,2})?\s+[-+−]?\d+(?:\.\d+)?%\)", "", sentence)
    point = " ".join(point.split())
    if (m := _CONNECTIVE.match(point)) and len(point) > m.end() + 8:
        point = point[m.end()].upper() + point[m.end() + 1 :]
    return clip(point, 150)


def gist_problems(gist: str, sents: Sequence[str]) -> list[str]:
    """Why the article's sentences do not back the model's one-liner: too short to say
    anything, or a claim that the one or two sentences supporting it best do not make
    (rag.answer.claims.line_problems: figures as written, superlatives, names and their
    order, words)."""
    if len(content_terms(gist)) < 3:
        return ["the line says too little"]
    return line_problems(gist, sents)


ONE_LINE_WORDS = 30


def lead_line(sents: Sequence[str], fallback: str = "") -> str:
    """The article's opening prose sentence, shortened by code to ONE_LINE_WORDS: at its
    last clause break before the limit, else at the limit with an ellipsis. Never a later
    sentence chosen for resembling a rejected line: a line steered by planted text would
    pick the planted sentence."""
    if not sents:
        return fallback
    return shortened(sents[0], ONE_LINE_WORDS)


def shortened(sentence: str, limit: int) -> str:
    words = sentence.split()
    if len(words) <= limit:
        return sentence
    head = " ".join(words[:limit])
    cut = max(head.rfind(", "), head.rfind("; "), head.rfind(" — "))
    if cut > len(head) // 2:
        return head[:cut].rstrip(" ,;—") + "…"
    return head.rstrip(",;:") + "…"


_POSITIVE_TEXT = """
    rally rallied rallies rallying surge surged surges surging jump jumped jumps jumping rise
    rose risen rises rising gain gained gains climb climbed climbs soar soared soaring boost
    boosted record best top tops beat beats beating growth leader euphoria comeback
    sustainable efficient raised upgrade upgraded"""


_NEGATIVE_TEXT = """
    fall fell falls falling drop dropped drops dropping slide slid slides sliding sink sank
    sinking tumble tumbled tumbling decline declined declining plunge plunged plunges
    plunging loss losses lost slump slumped slumping ban banned cut cuts crackdown halt
    fizzled weak weaker worst miss missed misses risk lawsuit probe lowered downgrade
    downgraded warning"""


_POSITIVE = frozenset(_POSITIVE_TEXT.split())


_NEGATIVE = frozenset(_NEGATIVE_TEXT.split())


# a sentence about markets, money or a company's results
_MARKET = re.compile(
    r"\b(?:shares?|stocks?|markets?|index|indices|prices?|priced|sales|revenues?|earnings|"
    r"profits?|investors?|trading|traders?|Dow|Nasdaq|S&P|bonds?|yields?|economy|economic|GDP|"
    r"inflation|valuation|guidance|dividends?|IPO|funding|quarter|quarterly)\b|[$€£¥]\d",
    re.IGNORECASE,
)


def lexical_sentiment(
    text: str, title: str = "", moves: Sequence[tuple[str, float]] = ()
) -> Sentiment:
    """Sentiment from what states the news first: the move of the company the article is
    about (its first reported move) and the headline's market words; when they agree (or one
    is silent) they decide, when they disagree it is mixed; with neither, the body's market
    words are counted. 'Sales miss, shares plunge' is negative whatever the body's words.
    `moves`: (who, signed percent), the main company's first. The reason names what decided,
    so it can be checked."""
    # the body's words count only in sentences about markets, money or a company's results:
    # 'political gain', 'a top aide' or 'a rainless fall' say nothing of a market
    markets = [s for s in sentences(text) if _MARKET.search(s)]
    words = re.findall(r"[a-z]+", " ".join(markets).lower())
    pos = [w for w in words if w in _POSITIVE]
    neg = [w for w in words if w in _NEGATIVE]
    head = re.findall(r"[a-z]+", title.lower())
    head_pos = [w for w in head if w in _POSITIVE]
    head_neg = [w for w in head if w in _NEGATIVE]
    votes: list[SentimentLabel] = []
    said = []
    if moves:
        who, pct = moves[0]
        votes.append("positive" if pct > 0 else "negative")
        said.append(f"move: {who} {'up' if pct > 0 else 'down'} {abs(pct):g}%")
    if len(head_pos) != len(head_neg) and (pos or neg or _MARKET.search(title)):
        votes.append("positive" if len(head_pos) > len(head_neg) else "negative")
        said.append(f"headline: {', '.join(dict.fromkeys(head_pos + head_neg))}")
    label: SentimentLabel
    if votes:
        label = votes[0] if len(set(votes)) == 1 else "mixed"
    elif not pos and not neg:
        return Sentiment(label="neutral", reason="no market-moving words in the article")
    elif max(len(pos), len(neg)) < MIN_MARKET_WORDS:  # 'boosted school spending' in a protest
        return Sentiment(
            label="neutral", reason=f"too few market words to tell ({', '.join(pos + neg)})"
        )
    elif pos and neg and min(len(pos), len(neg)) * 3 >= max(len(pos), len(neg)):
        label = "mixed"
    else:
        label = "positive" if len(pos) > len(neg) else "negative"
    top_pos = ", ".join(list(dict.fromkeys(pos))[:3]) or "none"
    top_neg = ", ".join(list(dict.fromkeys(neg))[:3]) or "none"
    counted = [f"market words: positive ({top_pos}), negative ({top_neg})"] if pos or neg else []
    reason = "; ".join([*said, *counted])
    return Sentiment(label=label, reason=clip(reason, 120))


# With no move and no headline to go by, the body's market words decide only when one side
# has at least this many: one 'boost', 'top' or 'leader' in a story about a protest, a car
# show or streaming glitches said 'positive' on the saved news pages.
MIN_MARKET_WORDS = 2


_FORWARD = re.compile(
    r"\b(?:will|hopes? to|plans? to|expects?|expected|remains to be seen|could|may|soon|next|"
    r"upcoming|over the next)\b",
    re.IGNORECASE,
)
_DAY = (
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|tomorrow|tonight|"
    r"next (?:week|month|year|quarter)|later (?:this|in the) (?:week|month|year)|"
    r"\d{1,2}(?::\d\d)? ?[ap]\.?m\.?)"
)
# A dated event to come: 'is scheduled to', 'reports earnings Wednesday', 'hosts a
# conference call at 9 a.m.', 'will vote next week'
_EVENT = re.compile(
    r"\b(?:is|are) (?:scheduled|due|set|slated) to\b|"
    r"\b(?:reports?|hosts?|holds?|meets?|votes?|releases?|publishes|unveils?|launch(?:es)?|"
    rf"opens?|begins?|decides?|rules?|will \w+)\b(?<!\ba report)(?<!\bresearch report)"
    rf"[^.;]{{0,60}}\b{_DAY}",
)
_PAST_TIME = re.compile(
    r"\b(?:last (?:week|month|year|quarter)|yesterday|ago|earlier (?:this|in|on)|previously)\b",
    re.IGNORECASE,
)


# a quote's end and who said it: '... we will win,” Trump tweeted'
_QUOTED = re.compile(
    r"[”\"],?\s+(?:[A-Z][\w.'’-]*\s+){0,3}(?:said|says|tweeted|told|wrote|added|stated)\b|"
    r"\b(?:said|says|told|wrote|added|stated)\b[^.]{0,40}:\s*[“\"]"
)
# a past account told forward: 'his health continued to decline over the next three months'
# what was done for the years ahead: 'continued to decline over the next', 'a budget that
# boosted spending by 2.5% each of the next two years'
_LOOKING_BACK = re.compile(
    r"\b[a-z]+ed\b(?:[^.;]|\.\d){0,40}\b(?:over|each of|in each of) the next\b"
)


def watch_items(sents: list[str]) -> list[str]:
    """What the article says comes next, shortened: dated events to come first ('Lowe's
    reports earnings Wednesday'), then other forward-looking sentences that are not a
    speaker's quote. A sentence set in the past ('Early last week, Alibaba announced plans
    ...') reports an event, unless it also says what will happen."""
    events, forward = [], []
    for sentence in sents:
        past = _PAST_TIME.search(sentence) and not re.search(r"\bwill\b", sentence)
        if past:
            continue
        if _EVENT.search(sentence):
            events.append(sentence)
        elif (
            _FORWARD.search(sentence)
            and is_prose(sentence, min_words=5)  # 'Nvidia hopes to start deliveries soon.'
            and not sentence.lstrip().startswith(("“", '"'))
            and not _QUOTED.search(sentence)  # the end of a speaker's quote
            and not sentence.rstrip(" \"'”’").endswith("?")  # 'or will Stadia fall flat?'
            and not _LOOKING_BACK.search(sentence)  # 'continued to decline over the next'
        ):
            forward.append(sentence)
    chosen = (events + forward)[:3]
    return [as_point(s) for s in sents if s in chosen]
