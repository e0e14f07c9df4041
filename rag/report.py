"""Eval reports: Markdown, and a self-contained HTML page (inline CSS and SVG, no network)."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rag.evalrun import ItemResult, RunResult


def fmt(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if abs(value) <= 1 else f"{value:,.1f}"


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


def to_markdown(result: RunResult) -> str:
    lines = [f"# rag eval: {result.label}", ""]
    lines.append(f"{result.started}, suites {', '.join(result.suites)}, {result.wall_s} s")
    model = result.settings.get("llm_model")
    lines += [f"model {model}, retrieval {result.settings.get('retrieval_mode')}", ""]
    lines += ["## Summary", "", "| metric | value | spread |", "|---|---|---|"]
    for metric, value in result.summary.items():
        spread = result.spread.get(metric)
        shown = f"{fmt(spread[0])}–{fmt(spread[1])}" if spread else ""
        lines.append(f"| {metric} | {fmt(value)} | {shown} |")
    for metric, per_type in result.by_type.items():
        lines += ["", f"## {metric} by type", "", "| type | value |", "|---|---|"]
        lines += [f"| {kind} | {fmt(v)} |" for kind, v in per_type.items()]
    lines += ["", "## Items", "", "| suite | id | type | pass | output |", "|---|---|---|---|---|"]
    for item in result.items:
        if item.repeat:
            continue
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
svg text{font:12px system-ui,sans-serif}
"""


def _bars(title: str, values: dict[str, float | None]) -> str:
    """A horizontal bar chart of values in [0, 1] as inline SVG."""
    rows = [(k, v) for k, v in values.items() if v is not None and 0 <= v <= 1]
    if not rows:
        return ""
    height = 22 * len(rows) + 10
    parts = [f'<svg role="img" aria-label="{escape(title)}" width="720" height="{height}">']
    for n, (name, value) in enumerate(rows):
        y = 5 + 22 * n
        width = round(400 * value)
        parts.append(f'<text x="0" y="{y + 14}">{escape(name)}</text>')
        parts.append(f'<rect x="260" y="{y}" width="400" height="16" fill="#eee"/>')
        parts.append(f'<rect x="260" y="{y}" width="{width}" height="16" fill="#3b6fb6"/>')
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
        f"<tr><td>{escape(item.suite)}</td><td>{escape(item.id)}</td><td>{escape(item.type)}</td>"
        f'<td class="{"pass" if ok else "fail"}">{"pass" if ok else "fail"}</td>'
        f"<td>{question}</td><td>{detail}</td><td class=muted>{escape(scores)}</td></tr>"
    )


def to_html(result: RunResult) -> str:
    summary_rows = "".join(
        f"<tr><td>{escape(m)}</td><td class=num>{fmt(v)}</td></tr>"
        for m, v in result.summary.items()
    )
    charts = _bars("Summary metrics (0–1)", dict(result.summary))
    for metric, per_type in result.by_type.items():
        charts += _bars(f"{metric} by question type", per_type)
    items = "".join(_item_row(i) for i in result.items if i.repeat == 0)
    model = escape(str(result.settings.get("llm_model")))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>rag eval: {escape(result.label)}</title>
<style>{_CSS}</style></head><body>
<h1>rag eval: {escape(result.label)}</h1>
<p class="muted">{escape(result.started)} · suites {escape(", ".join(result.suites))} ·
model {model} · retrieval {escape(str(result.settings.get("retrieval_mode")))} ·
{result.wall_s} s</p>
<h2>Summary</h2>
<table id="summary"><thead><tr><th>metric</th><th>value</th></tr></thead>
<tbody>{summary_rows}</tbody></table>
{charts}
<h2>Items</h2>
<table id="items"><thead><tr><th>suite</th><th>id</th><th>type</th><th>result</th>
<th>input</th><th>output</th><th>scores</th></tr></thead><tbody>{items}</tbody></table>
</body></html>
"""
