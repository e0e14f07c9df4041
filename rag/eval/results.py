"""What an eval run produces: per-item results, the run with its summary, and the gate's
thresholds. Shared by `rag.eval.run` (which makes them) and `rag.eval.report` (which renders them).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

# Metrics where lower is better (the gate reads their thresholds as maxima, the report
# colours them the other way round).
LOWER_IS_BETTER = ("_rate", ".errors", "_ms", "tokens_mean", "confident_error", "wrong_abstention")


def lower_is_better(metric: str) -> bool:
    return metric.endswith(LOWER_IS_BETTER)


# Below this many items a bound that spans the threshold decides nothing: 'too few items'.
MIN_ITEMS_TO_DECIDE = 10
Status = Literal["pass", "fail", "no data", "too few items"]


class Threshold(BaseModel):
    metric: str
    limit: float
    value: float | None
    passed: bool = Field(description="Only a 'pass' passes: no data never does.")
    status: Status = Field(
        "fail",
        description="pass; fail; no data (no item measured it); too few items (under "
        f"{MIN_ITEMS_TO_DECIDE} items and the 95% bounds span the threshold).",
    )
    lower_is_better: bool
    count: list[float] | None = Field(None, description="[hits, total] behind the value.")
    bound: float | None = Field(
        None,
        description="The bound the decision used: the upper bound for a floor, the lower "
        "bound for a ceiling (exact counts for errors).",
    )

    def describe(self) -> str:
        """One line a person can read: the figure, its counts, the limit and the bound."""
        verdict = {"pass": "ok  ", "fail": "FAIL"}.get(self.status, self.status)
        kind = "ceiling" if self.lower_is_better else "floor"
        if self.value is None:
            return f"gate {verdict} {self.metric}: not measured ({kind} {self.limit:g})"
        shown = f"{self.value:.3f}"
        if self.metric.endswith(".errors"):
            return f"gate {verdict} {self.metric} {self.value:.0f} (at most {self.limit:g})"
        if self.count and self.count[1]:
            hits, total = self.count
            shown = (
                f"{hits:.0f}/{total:.0f} = {shown}"
                if float(hits).is_integer()
                else f"{shown} over {total:.0f} items"
            )
        line = f"gate {verdict} {self.metric} {shown} ({kind} {self.limit:g}"
        if self.bound is not None:
            side = "lower" if self.lower_is_better else "upper"
            line += f"; 95% {side} bound {self.bound:.3f}"
        return line + ")"


class ItemResult(BaseModel):
    suite: str
    id: str
    type: str
    repeat: int = 0
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    scores: dict[str, float | None]
    units: dict[str, list[int]] = Field(
        default_factory=dict,
        description="[hits, total] behind a score that pools several units of one item "
        "(facts of a brief, numbers of an answer).",
    )
    error: str | None = None


class RunResult(BaseModel):
    label: str
    started: str
    settings: dict[str, Any]
    suites: list[str]
    summary: dict[str, float | None] = Field(description="Metric -> value, e.g. qa.correct.")
    by_type: dict[str, dict[str, float | None]] = Field(default_factory=dict)
    spread: dict[str, list[float]] = Field(default_factory=dict, description="[min, max].")
    counts: dict[str, list[float]] = Field(
        default_factory=dict,
        description="Metric -> [hits, total] behind its value (for token F1: [sum, items]).",
    )
    bounds: dict[str, list[float]] = Field(
        default_factory=dict,
        description="Metric -> [low, high]: one-sided 95% bounds (Wilson for counts, normal "
        "for token F1); the gate decides on these, not on the value alone.",
    )
    gate: list[Threshold] = Field(
        default_factory=list, description="The committed thresholds checked on this run."
    )
    items: list[ItemResult]
    wall_s: float = 0.0

    def summary_errors(self) -> int:
        """Items whose generation raised an error, over every suite."""
        return sum(item.error is not None for item in self.items)


CURVE_THRESHOLDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def risk_coverage(items: list[ItemResult]) -> list[dict[str, float]]:
    """Per reader threshold: the share of QA items answered, and the confident errors among
    them, had the answer abstained below that threshold. Items the reader did not answer
    (yes/no, summaries, an earlier abstention) count as they are; thresholds below the run's
    own cannot be told apart from it, nor an answer the rules' second opinion vetoed (run
    with RAG_READER_THRESHOLD=0 RAG_READER_SURE=0 for the whole curve)."""
    qa = [i for i in items if i.suite == "qa" and i.error is None]
    rows = []
    for t in CURVE_THRESHOLDS:
        answered = errors = 0
        for item in qa:
            score = item.outputs.get("reader_score")
            said = item.outputs.get("method") not in (None, "abstain")
            if said and (item.outputs.get("method") != "reader" or (score or 0.0) >= t):
                answered += 1
                errors += item.scores.get("confident_error") == 1.0
        share = answered / max(1, len(qa))
        rows.append(
            {"threshold": t, "answered": share, "confident_errors": errors / max(1, answered)}
        )
    return rows
