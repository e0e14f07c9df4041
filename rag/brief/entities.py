"""The entities, market moves and figures of an article, read by code."""

from __future__ import annotations

import re

from rag.brief import extract
from rag.brief.names import company_name, entity_names
from rag.brief.schema import Entity, Figure, MarketMove
from rag.core.text import clip


def entities_and_moves(text: str) -> tuple[list[Entity], list[MarketMove]]:
    entities: dict[str, Entity] = {}
    moves: list[MarketMove] = []
    boxes = list(extract.quote_boxes(text))
    for name, ticker, shown, sentence in boxes:
        entities.setdefault(name, Entity(name=name, kind="company", ticker=ticker))
        if shown is not None:
            moves.append(
                MarketMove(
                    who=name,
                    ticker=ticker,
                    move_pct=shown,
                    direction="down" if shown < 0 else "up",
                    when=None,
                    kind="quote_box",
                    quote=sentence,
                )
            )
    named = list(entity_names(text))
    companies = [b[0] for b in boxes] + [n for n, kind, _ in named if kind == "company"]
    # with no company named as one, the most named thing that is no person or place
    others = [n for n, kind, _ in named if kind not in ("person", "place")]
    main = _main_company(text, [b[0] for b in boxes], companies) or _main_company(text, [], others)
    seen: set[tuple[float, str]] = set()
    for direction, pct, when, sentence, before in extract.reported_moves(text):
        if _moved_is_a_figure(before):
            continue  # 'quarterly profit rose 14%' is a figure, not a market move
        who = _subject(before, companies, main)
        if (pct, who) in seen:
            continue
        seen.add((pct, who))
        held = entities[who].ticker if who in entities else None
        signed = -pct if direction == "down" else pct
        moves.append(
            MarketMove(
                who=who,
                ticker=held,
                move_pct=signed,
                direction=direction,
                when=when,
                kind="reported",
                quote=sentence,
            )
        )
        entities.setdefault(who, Entity(name=who, kind="company"))
    for name, kind, role in named:
        if bare_name(name) not in {bare_name(e.name) for e in entities.values()}:
            entities[name] = Entity(name=name, kind=kind, role=role)
    kept, renamed = _merge_variants(list(entities.values()), text)
    moves = [m.model_copy(update={"who": renamed.get(m.who, m.who)}) for m in moves]
    return kept, moves


def _merge_variants(entities: list[Entity], text: str) -> tuple[list[Entity], dict[str, str]]:
    """One entry per thing, and the names merged into another: 'R1' and 'R-1' are
    'DeepSeek-R1' (a later part of a longer name), 'QwQ' is 'QwQ-32B' when the text never
    uses it alone; 'DeepSeek', used alone, stays; a company's short name is its full name
    ('Vantara' of 'Vantara Foods')."""

    def key(name: str) -> str:
        return re.sub(r"[^a-z0-9]", "", name.lower())

    kept, renamed = [], {}
    for entity in entities:
        k = key(entity.name)
        absorbed = False
        for other in entities:
            if other is entity or len(key(other.name)) <= len(k) or entity.kind == "person":
                continue
            parts = re.split(r"[-\s]", other.name)
            later = {key("".join(parts[i:])) for i in range(1, len(parts))}
            first = key(parts[0]) == k
            alone = re.search(rf"\b{re.escape(entity.name)}\b(?![-\w])", text)
            # 'R1' of 'DeepSeek-R1'; not 'Home Depot' of 'One Home Depot' (named alone more)
            part = k in later and _uses(entity.name, text) <= 2 * _uses(other.name, text)
            short = first and entity.kind == other.kind == "company" and company_name(other.name)
            if part or short or (first and not alone and entity.kind != "company"):
                absorbed = True
                renamed[entity.name] = other.name
                break
        if not absorbed:
            kept.append(entity)
    return kept, renamed


def lead_moves(moves: list[MarketMove]) -> list[tuple[str, float]]:
    """(who, signed percent) of the reported moves, the article's main company's first (the
    company with most reported moves; its first is the news)."""
    reported = [(m.who, m.move_pct) for m in moves if m.kind == "reported"]
    if not reported:
        return []
    whos = [who for who, _ in reported]
    main = max(dict.fromkeys(whos), key=whos.count)
    return sorted(reported, key=lambda r: r[0] != main)


def bare_name(name: str) -> str:
    """A name compared without case or possessive: 'Lowe’s' and 'Lowe' are one."""
    return re.sub(r"['’]s$", "", name.lower())


def _uses(name: str, text: str) -> int:
    return len(re.findall(rf"(?<![-\w]){re.escape(name)}(?![-\w])", text))


def _main_company(text: str, boxed: list[str], companies: list[str]) -> str | None:
    """The company the article is about: of those shown with a ticker, else of those named,
    the one it names most; a firm named only for its analysts ('Jefferies analyst') is not."""
    pool = boxed or [c for c in companies if not _only_analysts(c, text)] or companies
    return max(pool, key=text.count) if pool else None


def _only_analysts(firm: str, text: str) -> bool:
    uses = len(re.findall(rf"\b{re.escape(firm)}\b", text))
    as_employer = len(re.findall(rf"\b{re.escape(firm)}(?:'s|’s)?\s+(?:{_ANALYSTS})\b", text))
    return uses == as_employer


_ANALYSTS = r"analysts?|economists?|strategists?|research|report|note"


_MARKET = re.compile(
    r"\b(?:shares?|stocks?|ADRs?|index|indexes|indices|futures|prices?|yields?|bonds?|"
    r"currency|dollar|euro|yen|yuan|pound|bitcoin|Nasdaq|Dow|S&P|FTSE|Nikkei|Hang Seng|"
    r"market|valuation|it|they)\b",
    re.I,
)
_FIGURE_NOUN = re.compile(
    r"\b(?:profits?|revenues?|sales|earnings|income|output|production|forecast|growth|"
    r"margins?|orders|costs?|spending|demand|deliveries|wages|employment|jobs|imports|exports|"
    r"GDP|inflation|subscribers|users|customers|passengers|traffic|volumes?|bookings)\b",
    re.I,
)


def _moved_is_a_figure(before: str) -> bool:
    """What moved, the nearest noun before the verb, is a business figure ('quarterly
    profit rose 14%', 'Online sales jumped 19%') rather than a price that trades."""
    clause = re.split(r"[,;:]|\b(?:that|while|and|as|after)\b", before)[-1]
    figure = [m.start() for m in _FIGURE_NOUN.finditer(clause)]
    market = [m.start() for m in _MARKET.finditer(clause)]
    return bool(figure) and (not market or max(figure) > max(market))


def _subject(before: str, companies: list[str], main: str | None) -> str:
    """Whose move: the company named nearest before the move in its sentence ('peer Lowe’s
    (LOW) stock is off too, down 1.8%'), unless it is named there only for its analysts;
    else the article's main company."""
    best, at = None, -1
    for name in companies:
        for m in re.finditer(rf"\b{re.escape(name)}\b", before):
            after = before[m.end() :]
            if re.match(rf"(?:'s|’s)?\s+(?:{_ANALYSTS})\b", after):
                continue
            if m.start() > at:
                best, at = name, m.start()
    if best:
        return best
    if main:
        return main
    words = re.findall(r"\b([A-Z][a-zA-Z]+)(?:'s)?\b", before)
    return next((w for w in words if w not in {"Shares", "The", "Its", "Stock"}), "unknown")


def figures_of(text: str, moves: list[MarketMove]) -> list[Figure]:
    in_moves = {m.quote for m in moves}
    out = []
    for value, sentence in extract.figures(text):
        if value.endswith("%") and sentence in in_moves:
            continue  # already a market move
        out.append(Figure(value=value, measures=measures_of(sentence, value), quote=sentence))
    return out


MEASURES_CHARS = 160  # the longest description of what a figure measures


def measures_of(sentence: str, value: str) -> str:
    """The clause around the value, as a short description of what it measures: the whole
    clause when it is short enough ('the claim that X is worth $17 million (or $3 million)
    is wholly unsubstantiated', not 'that X is worth ...'), else the words around the value."""
    whole = next((c for c in _CLAUSE.split(sentence) if value in c), None)
    if whole is not None and len(whole.strip()) <= MEASURES_CHARS:
        return whole.strip()
    at = sentence.find(value)
    # split at commas and semicolons, never inside a number ("137,000 km")
    start, end = max(0, at - 80), at + len(value) + 60
    while start > 0 and not sentence[start - 1].isspace():  # never cut a word or a number
        start -= 1
    while end < len(sentence) and not sentence[end].isspace():
        end += 1
    clause = _CLAUSE.split(sentence[start:end])
    best = next((c for c in clause if value in c), sentence)
    return clip(best, MEASURES_CHARS)


_CLAUSE = re.compile(r"(?<!\d),|,(?!\d)|;")  # never inside a number ("137,000 km")
