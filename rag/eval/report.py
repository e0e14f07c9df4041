"""Eval reports: Markdown, and a self-contained HTML page (inline CSS and SVG, no network).

Both open with the gate's verdict and each gated metric's figure, counts, threshold and
bound; then the summary, then the items with the failing ones first.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from rag.eval.results import lower_is_better

if TYPE_CHECKING:
    from rag.eval.results import ItemResult, RunResult, Threshold


def fmt(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if abs(value) <= 1 else f"{value:,.1f}"


def count(hits_total: list[float] | None) -> str:
    if not hits_total or not hits_total[1]:
        return ""
    hits, total = hits_total
    return f"{hits:.0f}/{total:.0f}" if float(hits).is_integer() else f"n={total:.0f}"


def passed(item: ItemResult) -> bool:
    """An item's headline pass/fail: correct answer, gold passage in the top 5, or a brief
    with all facts and no forbidden claim."""
    s = item.scores
    if item.error:
        return False
    if item.suite == "qa":
        return s.get("correct") == 1.0
    if item.suite == "retrieval":
        return s.get("hit_at_5") == 1.0
    return s.get("fact_recall") == 1.0 and not s.get("forbidden_rate")


def _headline(item: ItemResult) -> str:
    if item.error:
        return f"error: {item.error}"
    if item.suite == "qa":
        return str(item.outputs.get("answer", ""))
    if item.suite == "retrieval":
        return f"rank {item.outputs.get('rank') or '>5'}"
    return str(item.outputs.get("one_line", ""))


def verdict(result: RunResult) -> str:
    """One line: passed, or what kept it from passing (failures first, then metrics it
    could not decide)."""
    if not result.gate:
        return "gate: no thresholds checked"
    failed = [c for c in result.gate if c.status == "fail"]
    if failed:
        return f"gate FAILED: {len(failed)} of {len(result.gate)} metrics ({failed[0].metric}, …)"
    open_ = [c for c in result.gate if not c.passed]
    if open_:
        kinds = sorted({c.status for c in open_})
        return f"gate not passed: {len(open_)} of {len(result.gate)} metrics {' / '.join(kinds)}"
    return f"gate passed: {len(result.gate)} metrics"


def _setting_line(result: RunResult) -> str:
    s = result.settings
    model = s.get("model") or s.get("llm_model") or "(no model: retrieval only)"
    return (
        f"model {model} · embedder {s.get('embedder') or s.get('embed_model') or 'local'} · "
        f"retrieval {s.get('retrieval_mode')} · chunks {s.get('chunk_tokens')}/"
        f"{s.get('chunk_overlap')} tokens · repeat {s.get('repeat', 1)}"
    )


def _ordered(result: RunResult) -> list[ItemResult]:
    """Items of the first repeat, failing ones first, each group in suite order."""
    first = [i for i in result.items if i.repeat == 0]
    return [i for i in first if not passed(i)] + [i for i in first if passed(i)]


def _gate_row_md(c: Threshold) -> str:
    sign = "<=" if c.lower_is_better else ">="
    bound = "" if c.bound is None or c.metric.endswith(".errors") else fmt(c.bound)
    mark = {"pass": "pass", "fail": "**FAIL**"}.get(c.status, c.status)
    cells = [c.metric, fmt(c.value), count(c.count), f"{sign} {c.limit:g}", bound, mark]
    return "| " + " | ".join(cells) + " |"


def to_markdown(result: RunResult) -> str:
    lines = [f"# rag eval: {result.label}", "", f"**{verdict(result)}**", ""]
    lines.append(f"{result.started}, suites {', '.join(result.suites)}, {result.wall_s} s")
    lines += [_setting_line(result), ""]
    if result.gate:
        lines += ["## Gate", "", "A floor fails when the metric's one-sided 95% upper bound is "
                  "below it; a ceiling when the lower bound is above it.", "",
                  "| metric | value | count | threshold | 95% bound | verdict |",
                  "|---|---|---|---|---|---|"]  # fmt: skip
        lines += [_gate_row_md(c) for c in result.gate]
        lines.append("")
    lines += ["## Summary", "", "| metric | value | count | spread |", "|---|---|---|---|"]
    for metric, value in result.summary.items():
        spread = result.spread.get(metric)
        shown = f"{fmt(spread[0])}–{fmt(spread[1])}" if spread else ""
        lines.append(f"| {metric} | {fmt(value)} | {count(result.counts.get(metric))} | {shown} |")
    for metric, per_type in result.by_type.items():
        lines += ["", f"## {metric} by type", "", "| type | value |", "|---|---|"]
        lines += [f"| {kind} | {fmt(v)} |" for kind, v in per_type.items()]
    ordered = _ordered(result)
    failing = sum(not passed(i) for i in ordered)
    lines += ["", f"## Items ({failing} failing first, then {len(ordered) - failing} passing)", ""]
    lines += ["| suite | id | type | pass | output |", "|---|---|---|---|---|"]
    for item in ordered:
        text = _headline(item).replace("|", "\\|").replace("\n", " ")[:160]
        mark = "pass" if passed(item) else "FAIL"
        lines.append(f"| {item.suite} | {item.id} | {item.type} | {mark} | {text} |")
    return "\n".join(lines) + "\n"


_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:4px 8px;
text-align:left;vertical-align:top}th{background:#f4f4f4}td.num{text-align:right;
font-variant-numeric:tabular-nums}.pass{color:#176b2c;font-weight:600}.fail{color:#b00020;
font-weight:600}.muted{color:#666}blockquote{margin:2px 0 2px 1em;color:#555;font-size:12px}
.verdict{padding:8px 12px;border-radius:4px;font-weight:600;display:inline-block}
.verdict.ok{background:#e3f4e6;color:#176b2c}.verdict.bad{background:#fbe4e7;color:#b00020}
svg text{font:12px system-ui,sans-serif}#items tr.passing{display:none}
#items.all tr.passing{display:table-row}label{cursor:pointer}
"""


def _colour(metric: str, value: float) -> str:
    """Green for a good figure, red for a bad one, whichever way the metric points."""
    good = 1 - value if lower_is_better(metric) else value
    return "#2e8b57" if good >= 0.8 else "#d08c00" if good >= 0.5 else "#c0392b"


def _bars(title: str, values: dict[str, float | None]) -> str:
    """A horizontal bar chart of values in [0, 1] as inline SVG; for a metric where low is
    good (errors, forbidden_rate) the bar is coloured by 1 - value and marked ↓."""
    rows = [(k, v) for k, v in values.items() if v is not None and 0 <= v <= 1]
    if not rows:
        return ""
    height = 22 * len(rows) + 10
    parts = [f'<svg role="img" aria-label="{escape(title)}" width="720" height="{height}">']
    for n, (name, value) in enumerate(rows):
        y = 5 + 22 * n
        width = round(400 * value)
        shown = f"{name} ↓" if lower_is_better(name) else name
        parts.append(f'<text x="0" y="{y + 14}">{escape(shown)}</text>')
        parts.append(f'<rect x="260" y="{y}" width="400" height="16" fill="#eee"/>')
        parts.append(
            f'<rect x="260" y="{y}" width="{width}" height="16" fill="{_colour(name, value)}"/>'
        )
        parts.append(f'<text x="{265 + width}" y="{y + 13}">{value:.2f}</text>')
    parts.append("</svg>")
    return f"<h2>{escape(title)}</h2>" + "".join(parts)


def _item_row(item: ItemResult) -> str:
    ok = passed(item)
    detail = escape(_headline(item))
    if item.suite == "qa" and not item.error:
        cited = set(item.outputs.get("cited") or [])
        for c in item.outputs.get("citations", []):
            if c["n"] in cited:
                quote = escape(" ".join(str(c["text"]).split())[:300])
                detail += f"<blockquote>[{c['n']}] {escape(c['article'])}: {quote}</blockquote>"
        reference = item.inputs.get("reference")
        detail += f'<div class="muted">reference: {escape(str(reference))}</div>'
    scores = ", ".join(
        f"{k} {fmt(v)}" for k, v in item.scores.items() if v is not None and not k.endswith("_ms")
    )
    question = escape(str(item.inputs.get("question") or item.inputs.get("query") or ""))
    question = question or escape(str(item.inputs.get("article", "")))
    return (
        f'<tr class="{"passing" if ok else "failing"}"><td>{escape(item.suite)}</td>'
        f"<td>{escape(item.id)}</td><td>{escape(item.type)}</td>"
        f'<td class="{"pass" if ok else "fail"}">{"pass" if ok else "fail"}</td>'
        f"<td>{question}</td><td>{detail}</td><td class=muted>{escape(scores)}</td></tr>"
    )


_MARK_CLASS = {"pass": "pass", "fail": "fail"}  # 'no data' and 'too few items' stay plain


def _gate_rows(result: RunResult) -> str:
    rows = []
    for c in result.gate:
        sign = "≤" if c.lower_is_better else "≥"
        bound = "" if c.bound is None or c.metric.endswith(".errors") else fmt(c.bound)
        mark = c.status
        rows.append(
            f"<tr><td>{escape(c.metric)}</td><td class=num>{fmt(c.value)}</td>"
            f"<td class=num>{count(c.count)}</td><td class=num>{sign} {c.limit:g}</td>"
            f'<td class=num>{bound}</td><td class="{_MARK_CLASS.get(mark, "")}">{mark}</td></tr>'
        )
    return "".join(rows)


def to_html(result: RunResult) -> str:
    summary_rows = "".join(
        f"<tr><td>{escape(m)}</td><td class=num>{fmt(v)}</td>"
        f"<td class=num>{count(result.counts.get(m))}</td></tr>"
        for m, v in result.summary.items()
    )
    charts = _bars("Summary metrics (0–1; ↓ = lower is better)", dict(result.summary))
    for metric, per_type in result.by_type.items():
        charts += _bars(f"{metric} by question type", per_type)
    ordered = _ordered(result)
    failing = sum(not passed(i) for i in ordered)
    items = "".join(_item_row(i) for i in ordered)
    ok = result.gate and all(c.passed for c in result.gate)
    gate = ""
    if result.gate:
        gate = f"""<h2>Gate</h2>
<p class="muted">A floor (≥) fails when the metric's one-sided 95% upper bound is below it; a
ceiling (≤) when its lower bound is above it; errors are counted exactly.</p>
<table id="gate"><thead><tr><th>metric</th><th>value</th><th>count</th><th>threshold</th>
<th>95% bound</th><th>verdict</th></tr></thead><tbody>{_gate_rows(result)}</tbody></table>"""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>rag eval: {escape(result.label)}</title>
<style>{_CSS}</style></head><body>
<h1>rag eval: {escape(result.label)}</h1>
<p id="verdict" class="verdict {"ok" if ok else "bad"}">{escape(verdict(result))}</p>
<p class="muted">{escape(result.started)} · suites {escape(", ".join(result.suites))} ·
{escape(_setting_line(result))} · {result.wall_s} s</p>
{gate}
<h2>Summary</h2>
<table id="summary"><thead><tr><th>metric</th><th>value</th><th>count</th></tr></thead>
<tbody>{summary_rows}</tbody></table>
{charts}
<h2>Items</h2>
<p>{failing} failing, {len(ordered) - failing} passing.
<label><input type="checkbox" id="show-all"
onchange="document.getElementById('items').classList.toggle('all', this.checked)">
show passing items too</label></p>
<table id="items"><thead><tr><th>suite</th><th>id</th><th>type</th><th>result</th>
<th>input</th><th>output</th><th>scores</th></tr></thead><tbody>{items}</tbody></table>
</body></html>
"""
