"""The entities, market moves and figures of an article, read by code."""

from __future__ import annotations

import re

from rag.brief import extract
from rag.brief.schema import Entity, Figure, MarketMove


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
    named = list(extract.entity_names(text))
    companies = [b[0] for b in boxes] + [n for n, kind, _ in named if kind == "company"]
    main = max(companies, key=text.count) if companies else None
    seen: set[tuple[float, str]] = set()
    for direction, pct, when, sentence in extract.reported_moves(text):
        who = _subject(sentence, companies, main)
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
        if name.lower() not in {e.name.lower() for e in entities.values()}:
            entities[name] = Entity(name=name, kind=kind, role=role)
    return _merge_variants(list(entities.values()), text), moves


def _merge_variants(entities: list[Entity], text: str) -> list[Entity]:
    """One entry per thing: 'R1' and 'R-1' are 'DeepSeek-R1' (a later part of a longer
    name), 'QwQ' is 'QwQ-32B' when the text never uses it alone; 'DeepSeek', used alone,
    stays."""

    def key(name: str) -> str:
        return re.sub(r"[^a-z0-9]", "", name.lower())

    kept = []
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
            if k in later or (first and not alone and entity.kind != "company"):
                absorbed = True
                break
        if not absorbed:
            kept.append(entity)
    return kept


def _subject(sentence: str, companies: list[str], main: str | None) -> str:
    """Whose move: a company named in the sentence, else the article's main company."""
    for name in companies:
        if name in sentence:
            return name
    if main:
        return main
    words = re.findall(r"\b([A-Z][a-zA-Z]+)(?:'s)?\b", sentence)
    return next((w for w in words if w not in {"Shares", "The", "Its", "Stock"}), "unknown")


def figures_of(text: str, moves: list[MarketMove]) -> list[Figure]:
    in_moves = {m.quote for m in moves}
    out = []
    for value, sentence in extract.figures(text):
        if value.endswith("%") and sentence in in_moves:
            continue  # already a market move
        out.append(Figure(value=value, measures=measures_of(sentence, value), quote=sentence))
    return out


def measures_of(sentence: str, value: str) -> str:
    """The clause around the value, as a short description of what it measures."""
    at = sentence.find(value)
    # split at commas and semicolons, never inside a number ("137,000 km")
    start, end = max(0, at - 80), at + len(value) + 60
    while start > 0 and not sentence[start - 1].isspace():  # never cut a word or a number
        start -= 1
    while end < len(sentence) and not sentence[end].isspace():
        end += 1
    clause = re.split(r"(?<!\d),|,(?!\d)|;", sentence[start:end])
    best = next((c for c in clause if value in c), sentence)
    return " ".join(best.split())[:160]
