"""Eval metrics. Deterministic; formulas in evals/README.md."""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from rag.answer import Answer
from rag.answer.reading import claim_problems
from rag.answer.spans import unit_mismatches
from rag.brief import Brief
from rag.brief.entities import bare_name
from rag.brief.extract import quote_in
from rag.brief.schema import MarketMove
from rag.brief.sentences import gist_problems
from rag.core.numbers import NUMBER, canonical, numbers_in
from rag.core.text import MARKER, sentences
from rag.core.text import normalise as text_normalise
from rag.core.types import Hit
from rag.eval.gold import GoldBrief, GoldMove, GoldQA


def normalise(text: str) -> str:
    """Lower-cased, quote marks and dashes unified, whitespace collapsed (for containment)."""
    return text_normalise(text).lower()


def contains_evidence(hit: Hit, item: GoldQA) -> bool:
    """The hit holds one of the item's gold sentences, from one of its articles."""
    if item.articles and Path(hit.source.split("#", 1)[0]).name not in item.articles:
        return False
    text = normalise(hit.text)
    return any(normalise(sentence) in text for sentence in item.evidence)


def retrieval_query(item: GoldQA, by_id: dict[str, GoldQA]) -> str:
    """A follow-up is searched together with the question it follows (a fixed, simple
    stand-in for conversational rewriting, so retrieval figures do not depend on a model)."""
    if item.follow_up_of and item.follow_up_of in by_id:
        return f"{by_id[item.follow_up_of].question} {item.question}"
    return item.question


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), round(pct / 100 * len(sorted_values) + 0.5)))
    return float(sorted_values[rank - 1])


# --- answers -------------------------------------------------------------------------------

_TOKEN = re.compile(r"\$|[a-z0-9]+(?:\.[0-9]+)?%?")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_ARTICLES = {"a", "an", "the"}


def tokens(text: str) -> list[str]:
    """Words and numbers after normalisation, SQuAD-style: punctuation and the articles a,
    an, the dropped; '8.1 percent' is '8.1%', '2,500' is '2500'; '$' is its own token."""
    text = _THOUSANDS.sub("", normalise(text))
    text = re.sub(r"(\d)\s*(?:per ?cent|pct)\b", r"\1%", text)
    return [t for t in _TOKEN.findall(text) if t not in _ARTICLES]


def contains(reference: str, text: str) -> bool:
    """The reference's tokens occur in the text as a run of whole tokens: 'BABA' is not found
    in 'Alibaba', '8.1%' is not found in '18.1%'."""
    ref, got = tokens(reference), tokens(text)
    if not ref:
        return False
    return any(got[i : i + len(ref)] == ref for i in range(len(got) - len(ref) + 1))


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD-style token F1 after normalisation."""
    pred, ref = tokens(prediction), tokens(reference)
    if not pred or not ref:
        return float(pred == ref)
    common = sum(min(pred.count(t), ref.count(t)) for t in set(pred))
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def answer_units(item: GoldQA, answer: Answer) -> dict[str, list[int]]:
    """The counts behind the answer metrics that pool several units per item: markers for
    citation_validity, numbers for groundedness ([hits, total])."""
    text = MARKER.sub("", answer.text)
    units: dict[str, list[int]] = {}
    raw_markers = [int(n) for n in MARKER.findall(answer.model_text)]
    given = {c.n for c in answer.citations}
    if raw_markers:
        units["citation_validity"] = [sum(n in given for n in raw_markers), len(raw_markers)]
    shown = numbers_in(text)
    if shown and not answer.abstained:
        cited = [c for c in answer.citations if c.n in answer.cited]
        held = set(numbers_in(" ".join(c.text for c in (cited or answer.citations))))
        units["groundedness"] = [sum(n in held for n in shown), len(shown)]
    return units


def unsupported_claim(answer: Answer) -> float | None:
    """1.0 when a shown answer makes a claim its cited passages do not: a figure (or its
    unit or currency), a name or date, a superlative, a link, or mostly words they lack
    (rag.answer.reading.claim_problems, the reading path's own check, run on every path)."""
    if answer.abstained:
        return None
    cited = [c for c in answer.citations if c.n in answer.cited] or answer.citations
    support = " ".join(f"{c.title}. {c.text}" for c in cited)
    return float(bool(claim_problems(MARKER.sub("", answer.text), support, answer.question)))


def answer_scores(item: GoldQA, answer: Answer) -> dict[str, float | None]:
    """Per-item answer metrics (None = not applicable to this item). Formulas in
    evals/README.md."""
    text = MARKER.sub("", answer.text)
    scores: dict[str, float | None] = {}
    if not item.answerable:
        scores["correct"] = float(answer.abstained)
        scores["token_f1"] = None
        scores["exact_match"] = None
        scores["numeric_match"] = None
        scores["wrong_abstention"] = None
        scores["confident_error"] = None if answer.abstained else 1.0
    else:
        refs = [item.answer or "", *item.variants]
        right = not answer.abstained and any(contains(r, text) for r in refs)
        scores["correct"] = float(right)
        scores["token_f1"] = 0.0 if answer.abstained else max(token_f1(text, r) for r in refs)
        scores["exact_match"] = float(
            not answer.abstained and any(tokens(text) == tokens(r) for r in refs)
        )
        wanted = set(numbers_in(item.answer or ""))
        scores["numeric_match"] = (
            float(not answer.abstained and wanted <= set(numbers_in(text))) if wanted else None
        )
        shown = normalise(" ".join(c.text for c in answer.citations))
        scores["wrong_abstention"] = float(
            answer.abstained and any(normalise(e) in shown for e in item.evidence)
        )
        scores["confident_error"] = None if answer.abstained else float(not right)
    scores["answer_words"] = None if answer.abstained else float(len(text.split()))
    source = answer.evidence or " ".join(c.text for c in answer.citations)
    scores["unit_mismatch_rate"] = (
        float(bool(unit_mismatches(text, source)))
        if not answer.abstained and numbers_in(text)
        else None
    )
    scores["unsupported_claim"] = unsupported_claim(answer)
    units = answer_units(item, answer)
    for metric in ("citation_validity", "groundedness"):
        hits_total = units.get(metric)
        scores[metric] = hits_total[0] / hits_total[1] if hits_total else None
    cited = [c for c in answer.citations if c.n in answer.cited]
    if item.answerable and not answer.abstained and cited:
        scores["citation_support"] = float(
            any(normalise(s) in normalise(c.text) for c in cited for s in item.evidence)
        )
    else:
        scores["citation_support"] = None
    scores["abstained"] = float(answer.abstained)
    scores["answerable"] = float(item.answerable)
    scores["latency_ms"] = answer.timings.total_ms
    scores["first_token_ms"] = answer.timings.first_token_ms
    scores["tokens"] = float(answer.usage.prompt_tokens + answer.usage.completion_tokens)
    return scores


def abstention_counts(
    rows: Sequence[dict[str, float | None]],
) -> tuple[list[int] | None, list[int] | None]:
    """[hits, total] for abstention precision (of the abstentions, those on unanswerable
    items) and recall (of the unanswerable items, those abstained on)."""
    abstained = [r for r in rows if r.get("abstained")]
    unanswerable = [r for r in rows if r.get("answerable") == 0.0]
    precision = [sum(r.get("answerable") == 0.0 for r in abstained), len(abstained)]
    recall = [sum(bool(r.get("abstained")) for r in unanswerable), len(unanswerable)]
    return (precision if abstained else None), (recall if unanswerable else None)


def abstention_pr(rows: Sequence[dict[str, float | None]]) -> tuple[float | None, float | None]:
    """Precision: of the abstentions, the share on unanswerable items. Recall: of the
    unanswerable items, the share abstained on."""
    precision, recall = abstention_counts(rows)
    return (
        precision[0] / precision[1] if precision else None,
        recall[0] / recall[1] if recall else None,
    )


# --- uncertainty ---------------------------------------------------------------------------

# One-sided 95%: the gate fails a metric only when the run shows, with 95% confidence, that
# it is below its floor (or above its ceiling). See evals/README.md, "The gate".
Z_ONE_SIDED_95 = 1.645


def wilson_bounds(hits: float, total: float, z: float = Z_ONE_SIDED_95) -> tuple[float, float]:
    """Wilson score interval of a proportion; (0, 1) when nothing was counted."""
    if total <= 0:
        return 0.0, 1.0
    p = hits / total
    denom = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denom
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def mean_bounds(values: Sequence[float], z: float = Z_ONE_SIDED_95) -> tuple[float, float]:
    """Normal-approximation interval of a mean of values in [0, 1] (token F1)."""
    if not values:
        return 0.0, 1.0
    centre = statistics.fmean(values)
    spread = statistics.stdev(values) if len(values) > 1 else 0.5
    half = z * spread / math.sqrt(len(values))
    return max(0.0, centre - half), min(1.0, centre + half)


# --- briefs --------------------------------------------------------------------------------


BRIEF_METRICS = (
    "schema_valid", "fact_recall", "entity_recall", "ticker_accuracy", "move_recall",
    "numeric_precision", "quote_validity", "forbidden_rate", "role_recall", "entity_merge",
    "duplicate_fact_rate", "dangling_point_rate", "entity_precision", "entity_type_accuracy",
    "gist_supported",
)  # fmt: skip
# A key point that leans on the sentence before it, or opens with a connective it does not need
_DANGLING_POINT = re.compile(
    r"(?:This|That|These|Those|It|They|He|She|Therefore|Thus|However|Nevertheless|Nevetheless|"
    r"But|And|So|Also|Meanwhile|Moreover)\b"
)


def brief_text(brief: Brief) -> str:
    """Everything a reader sees in a brief, as one text."""
    parts = [brief.one_line, brief.summary, brief.sentiment.reason, *brief.what_to_watch]
    parts += [f"{kp.point} {kp.quote}" for kp in brief.key_points]
    parts += [f"{f.value} {f.measures}" for f in brief.figures]
    parts += [f"{m.who} {m.move_pct}% {m.when or ''}" for m in brief.market_moves]
    return "\n".join(parts)


def _same_move(move: MarketMove, gold: GoldMove) -> bool:
    return (
        gold.who.lower() in move.who.lower()
        and abs(move.move_pct - gold.pct) < 0.005
        and move.kind == gold.kind
    )


def brief_units(gold: GoldBrief, brief: Brief | None, article_text: str) -> dict[str, list[int]]:
    """[hits, total] per brief metric, counted over facts, entities, tickers, moves,
    numbers, quotes and forbidden claims; a brief that failed to generate has found none
    of its facts, entities and moves."""
    if brief is None:
        return {
            "schema_valid": [0, 1],
            "fact_recall": [0, len(gold.facts)],
            "entity_recall": [0, len(gold.entities)],
            "move_recall": [0, len(gold.moves)],
        }
    try:
        Brief.model_validate(brief.model_dump())
        valid = 1
    except ValidationError:
        valid = 0
    text = normalise(brief_text(brief))
    found = [
        all(any(normalise(a) in text for a in s.split("|")) for s in f.must_contain)
        for f in gold.facts
    ]
    move_hits = [any(_same_move(m, g) for m in brief.market_moves) for g in gold.moves]
    shown = [m.group() for m in NUMBER.finditer(brief_text(brief))]
    known = set(numbers_in(article_text))
    quotes = [kp.quote for kp in brief.key_points] + [m.quote for m in brief.market_moves]
    violated = [
        any(_same_move(m, claim.move) for m in brief.market_moves)
        if claim.move is not None
        else bool(re.search(claim.pattern or "", _field_text(brief, claim.field), re.IGNORECASE))
        for claim in gold.forbidden
    ]
    points = [kp.point for kp in brief.key_points]
    repeated = [
        sum(any(normalise(p) in normalise(point) for p in group) for point in points) > 1
        for group in gold.same_fact
    ]
    dangling = [bool(_DANGLING_POINT.match(point)) for point in points]
    return {
        "schema_valid": [valid, 1],
        "fact_recall": [sum(found), len(found)],
        **_entity_units(gold, brief),
        "move_recall": [sum(move_hits), len(move_hits)],
        "numeric_precision": [sum(canonical(n) in known for n in shown), len(shown)],
        "quote_validity": [sum(quote_in(q, article_text) for q in quotes), len(quotes)],
        "forbidden_rate": [sum(violated), len(violated)],
        "duplicate_fact_rate": [sum(repeated), len(repeated)],
        "dangling_point_rate": [sum(dangling), len(dangling)],
        "gist_supported": [int(not gist_problems(brief.one_line, sentences(article_text))), 1],
    }


def _entity_units(gold: GoldBrief, brief: Brief) -> dict[str, list[int]]:
    """Entities found, tickers right, people's roles given, variants listed once."""
    names = {e.name.lower(): e for e in brief.entities}
    bare = [_bare(n) for n in names]
    entity_hits = [any(_bare(g) in n for n in bare) for g in gold.entities]
    ticker_hits = [
        any(e.ticker == ticker and name.lower() in n for n, e in names.items())
        for name, ticker in gold.tickers.items()
    ]
    by_name = {e.name: e for e in brief.entities}
    role_hits = [
        person in by_name
        and all(w.lower() in (by_name[person].role or "").lower() for w in words.split())
        for person, words in gold.roles.items()
    ]
    merged = [len({v.lower() for v in group} & set(names)) <= 1 for group in gold.variants]
    listed = [_bare(e.name) for e in brief.entities] if gold.entity_types else []
    allowed = {_bare(n) for n in [*gold.entities, *gold.also_ok]}
    kinds = {_bare(e.name): e.kind for e in brief.entities}
    typed = [kinds[_bare(n)] == kind for n, kind in gold.entity_types.items() if _bare(n) in kinds]
    return {
        "entity_precision": [sum(n in allowed for n in listed), len(listed)],
        "entity_type_accuracy": [sum(typed), len(typed)],
        "entity_recall": [sum(entity_hits), len(entity_hits)],
        "ticker_accuracy": [sum(ticker_hits), len(ticker_hits)],
        "role_recall": [sum(role_hits), len(role_hits)],
        "entity_merge": [sum(merged), len(merged)],
    }


def _bare(name: str) -> str:
    """A name compared as the brief merges names (rag.brief.entities.bare_name), and also
    without a leading 'The', a company suffix or a full stop."""
    name = re.sub(r"^the\s+", "", name.lower().strip().rstrip("."))
    return bare_name(re.sub(r",?\s+(?:inc|corp|co|ltd|llc|plc)$", "", name))


def _field_text(brief: Brief, field: str | None) -> str:
    if field == "what_to_watch":
        return "\n".join(brief.what_to_watch)
    if field == "key_points":
        return "\n".join(f"{kp.point}\n{kp.quote}" for kp in brief.key_points)
    if field == "entities":
        return "\n".join(e.name for e in brief.entities)
    return brief_text(brief)


def brief_scores(
    gold: GoldBrief, brief: Brief | None, article_text: str
) -> dict[str, float | None]:
    """Per-article brief metrics (the shares of brief_units; None where nothing counts); a
    brief that failed to generate scores 0 on validity and recall and None elsewhere."""
    units = brief_units(gold, brief, article_text)
    return {
        metric: (units[metric][0] / units[metric][1])
        if metric in units and units[metric][1]
        else None
        for metric in BRIEF_METRICS
    }
