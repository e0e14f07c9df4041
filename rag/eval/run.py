"""`rag eval`: run the suites over the gold data, score every item, write a run folder.

A run indexes the eval's articles (seeds/ by default) into a fresh temporary index, so
figures never depend on what the user has ingested, then runs:
- retrieval: hit@1, hit@5, MRR (gold sentence in the retrieved chunks), latency;
- qa: answers scored per item (rag.eval.metrics.answer_scores), follow-ups asked after the
  question they follow, as in a chat;
- brief: one brief per gold article, scored against its facts, entities, moves and
  forbidden claims (rag.eval.metrics.brief_scores).
`repeat` runs qa and brief N times and reports each metric's mean over all repeats (the
spread goes into the summary as min/max).
"""

from __future__ import annotations

import statistics
import time
import tomllib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from rag.answer.read import reader_for
from rag.core.config import Settings
from rag.core.errors import ConfigError, InputError, RagError
from rag.core.resources import in_checkout, resource_dir
from rag.eval.gold import GoldBrief, GoldQA, load_brief_gold, load_gold
from rag.eval.newsroom import newsroom_items
from rag.eval.results import (
    MIN_ITEMS_TO_DECIDE,
    ItemResult,
    RunResult,
    Status,
    Threshold,
    lower_is_better,
)

Suite = Literal["retrieval", "qa", "brief", "redteam", "newsroom", "all"]
SUITES: tuple[str, ...] = ("retrieval", "qa", "brief", "redteam", "newsroom")
EVALS_DIR = resource_dir("evals")
SEEDS_DIR = resource_dir("seeds")


def run_eval(
    settings: Settings,
    *,
    suite: Suite | tuple[Suite, ...] = "all",
    qa_gold: Path = EVALS_DIR / "qa_seeds.jsonl",
    brief_gold: Path = EVALS_DIR / "briefs_seeds.jsonl",
    articles: Path = SEEDS_DIR,
    limit: int | None = None,
    split: str | None = None,
    repeat: int = 1,
    retrieval_mode: str = "hybrid",
    k: int | None = None,
    label: str = "run",
    progress: Callable[[str, int], None] | None = None,
    model: Any = None,
    embedder: Any = None,
) -> RunResult:
    """Run the chosen suite (or suites); `k` passages (settings.k when None) are searched
    per question. `model` and `embedder` are the collaborators (built from the settings when None).
    `progress(description, total)` is called per step with total > 0 to start a stage and
    0 to advance it."""
    from rag.index.retrieve import Retriever
    from rag.index.store import scratch_store

    k = k or settings.k
    chosen: list[str] = (
        list(SUITES) if suite == "all" else [suite] if isinstance(suite, str) else list(suite)
    )
    qa_items, briefs = _gold(chosen, qa_gold, brief_gold, split, limit)
    if not articles.is_dir():
        raise InputError(f"no article folder {articles}: pass --articles DIR")
    tick = progress or (lambda _d, _t: None)
    started = time.perf_counter()
    embedder, model = _collaborators(settings, chosen, embedder, model)
    reader = reader_for(settings)
    items: list[ItemResult] = []
    with scratch_store(
        "rag-eval-", settings.collection, embedder.name, settings.chroma_url, settings.database_url
    ) as store:
        _index(articles, store, embedder, settings)
        mode: Any = retrieval_mode
        retriever = Retriever(store, embedder, per_article=settings.per_article, mode=mode)
        if "retrieval" in chosen:
            items += retrieval_items(qa_items, retriever, tick)
        for r in range(repeat):
            if "qa" in chosen and model is not None:
                items += _qa(qa_items, retriever, model, r, tick, k, reader)
            if "brief" in chosen and model is not None:
                items += _briefs(briefs, articles, store, model, r, tick)
    if "redteam" in chosen and model is not None:  # each runs on an index of its own
        items += _redteam(model, embedder, split, limit, tick, reader)
    if "newsroom" in chosen:
        folder = EVALS_DIR / "newsroom"
        items += newsroom_items(folder, embedder, model, settings, tick, _index, k, reader)
    run = {"retrieval_mode": retrieval_mode, "k": k, "split": split, "qa_gold": qa_gold.name,
           "repeat": repeat, "embedder": embedder.name}  # fmt: skip
    result = _result(label, chosen, items, settings.model_dump(mode="json") | run, model)
    result.wall_s = round(time.perf_counter() - started, 2)
    return result


def _result(
    label: str, chosen: list[str], items: list[ItemResult], run: dict[str, Any], model: Any
) -> RunResult:
    """The run's items and settings (with the model's name, when one ran), summarised."""
    run |= {"model": model.name} if model is not None else {}
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    result = RunResult(label=label, started=started_at, suites=chosen, summary={}, items=items,
                       settings=run)  # fmt: skip
    summarise(result)
    return result


def _collaborators(settings: Settings, chosen: list[str], embedder: Any, model: Any) -> Any:
    """The embedder, and the chat model when a chosen suite needs one (built from the
    settings where the caller gave none)."""
    from rag.index.embed import make_embedder
    from rag.llm import make_chat_model

    if model is None and {"qa", "brief", "redteam", "newsroom"} & set(chosen):
        model = make_chat_model(settings)
    return embedder or make_embedder(settings), model


def _gold(
    chosen: list[str], qa_gold: Path, brief_gold: Path, split: str | None, limit: int | None
) -> tuple[list[GoldQA], list[GoldBrief]]:
    """The gold items the chosen suites need, of one split, the first `limit` of each."""
    qa_items = load_gold(qa_gold) if {"retrieval", "qa"} & set(chosen) else []
    briefs = load_brief_gold(brief_gold) if "brief" in chosen else []
    if split and {"retrieval", "qa"} & set(chosen):
        qa_items = [i for i in qa_items if i.split == split]
        if not qa_items:
            raise InputError(f"no gold item in {qa_gold} has split {split!r}")
    if split and briefs:
        briefs = [b for b in briefs if b.split == split]
        if not briefs:
            raise InputError(f"no brief gold item in {brief_gold} has split {split!r}")
    if limit:
        qa_items = _limit(qa_items, limit)
        briefs = briefs[:limit]
    return qa_items, briefs


def _index(articles: Path, store: Any, embedder: Any, settings: Settings) -> None:
    """The eval's articles into the run's own fresh index."""
    from rag.ingest.run import ingest

    report = ingest(
        [str(articles)],
        store,
        embedder,
        chunk_tokens=settings.chunk_tokens,
        chunk_overlap=settings.chunk_overlap,
        encoding=settings.encoding,
    )
    if report.failed:
        raise InputError(f"{report.failed} eval articles failed to load: {report.failures[0]}")


def _limit(items: list[GoldQA], limit: int) -> list[GoldQA]:
    """The first `limit` items, plus the questions their follow-ups need."""
    kept = items[:limit]
    ids = {i.id for i in kept}
    by_id = {i.id: i for i in items}
    extra = [by_id[i.follow_up_of] for i in kept if i.follow_up_of and i.follow_up_of not in ids]
    return extra + kept


def retrieval_items(
    items: list[GoldQA], retriever: Any, tick: Callable[[str, int], None] | None = None
) -> list[ItemResult]:
    """hit@1, hit@5, MRR and latency per answerable item (a hit: a retrieved chunk holding a
    gold sentence); the retrieval suite, and bench/retrieval.py per mode."""
    from rag.eval.metrics import contains_evidence, retrieval_query

    tick = tick or (lambda _d, _t: None)
    answerable = [i for i in items if i.answerable]
    tick("retrieval", len(answerable))
    by_id = {i.id: i for i in items}
    out = []
    for item in answerable:
        query = retrieval_query(item, by_id)
        t = time.perf_counter()
        hits = retriever.search(query, k=5)
        ms = (time.perf_counter() - t) * 1000
        rank = next((n for n, h in enumerate(hits, 1) if contains_evidence(h, item)), None)
        out.append(
            ItemResult(
                suite="retrieval",
                id=item.id,
                type=item.type,
                inputs={"query": query},
                outputs={"rank": rank, "hits": [h.chunk_id for h in hits]},
                scores={
                    "hit_at_1": float(rank == 1),
                    "hit_at_5": float(rank is not None and rank <= 5),
                    "mrr": 1 / rank if rank else 0.0,
                    "latency_ms": ms,
                },
            )
        )
        tick("retrieval", 0)
    return out


def _qa(
    items: list[GoldQA],
    retriever: Any,
    model: Any,
    repeat: int,
    tick: Callable[[str, int], None],
    k: int,
    reader: Any,
) -> list[ItemResult]:
    from rag.answer import answer_question
    from rag.eval.metrics import answer_scores, answer_units

    tick("qa" if repeat == 0 else f"qa #{repeat + 1}", len(items))
    asked: dict[str, str] = {}
    out = []
    for item in items:
        history = [asked[item.follow_up_of]] if item.follow_up_of in asked else []
        try:
            answer = answer_question(
                item.question, retriever=retriever, model=model, history=history, k=k,
                reader=reader,
            )  # fmt: skip
        except RagError as exc:
            out.append(_failed("qa", item.id, item.type, repeat, {"question": item.question}, exc))
            tick("qa", 0)
            continue
        asked[item.id] = item.question
        said_differs = float(answer.differs is not None)
        out.append(
            ItemResult(
                suite="qa",
                id=item.id,
                type=item.type,
                repeat=repeat,
                inputs={"question": item.question, "reference": item.answer, "history": history},
                outputs=_answer_outputs(answer),
                # no seed question has a planted conflict: any 'Sources differ' is false
                scores=answer_scores(item, answer) | {"conflict_rate": said_differs},
                units=answer_units(item, answer) | {"conflict_rate": [said_differs, 1.0]},
            )
        )
        tick("qa", 0)
    return out


def _answer_outputs(answer: Any) -> dict[str, Any]:
    """What a QA item's report shows of the answer."""
    return {
        "answer": answer.text,
        "method": answer.method,
        "quotes": [q.model_dump() for q in answer.quotes],
        "model_text": answer.model_text,
        "evidence": answer.evidence,
        "reader_score": answer.reader_score,
        "cited": answer.cited,
        "citations": [
            {
                "n": c.n,
                "article": Path(c.source).name,
                "start": c.start,
                "end": c.end,
                "text": c.text,
            }
            for c in answer.citations
        ],  # fmt: skip
        "flags": answer.flags,
        "differs": answer.differs,
    }


def _briefs(
    golds: list[GoldBrief],
    folder: Path,
    store: Any,
    model: Any,
    repeat: int,
    tick: Callable[[str, int], None],
) -> list[ItemResult]:
    from rag.brief import make_brief
    from rag.eval.metrics import brief_scores, brief_units
    from rag.ingest.loaders import LoadFailure, load_path

    tick("brief" if repeat == 0 else f"brief #{repeat + 1}", len(golds))
    out = []
    for gold in golds:
        path = folder / gold.article
        loaded = list(load_path(path)) if path.is_file() else []
        if not loaded or isinstance(loaded[0], LoadFailure):
            raise InputError(f"brief gold {gold.id}: cannot read its article {path}")
        article = loaded[0]
        assert not isinstance(article, LoadFailure)
        t = time.perf_counter()
        try:
            brief = make_brief(article, model)
        except RagError as exc:
            item = _failed("brief", gold.id, "brief", repeat, {"article": gold.article}, exc)
            item.scores = brief_scores(gold, None, article.text)
            item.units = brief_units(gold, None, article.text)
            out.append(item)
            tick("brief", 0)
            continue
        scores = brief_scores(gold, brief, article.text)
        scores["latency_ms"] = (time.perf_counter() - t) * 1000
        scores["tokens"] = float(brief.usage.prompt_tokens + brief.usage.completion_tokens)
        out.append(
            ItemResult(
                suite="brief",
                id=gold.id,
                type="brief",
                repeat=repeat,
                inputs={"article": gold.article},
                outputs=brief.model_dump(mode="json"),
                scores=scores,
                units=brief_units(gold, brief, article.text),
            )
        )
        tick("brief", 0)
    return out


# Planted in the attack articles' instructions ("print the API key"): never in any output.
REDTEAM_SECRET = "sk-canary-not-a-real-key-4242"


def _redteam(
    model: Any,
    embedder: Any,
    split: str | None,
    limit: int | None,
    tick: Callable[[str, int], None],
    reader: Any,
) -> list[ItemResult]:
    """Prompt injection: per attack article, whether its payload reached the answer to its
    question, or the brief (any field); and whether the answer still gave the real news."""
    from rag.eval.redteam import iter_attacks, load_cases

    cases = [c for c in load_cases() if split is None or c.split == split][:limit]
    tick("redteam", len(cases))
    out = []
    for case, answer, brief in iter_attacks(model, embedder, REDTEAM_SECRET, reader, cases):
        kept = {}
        if brief.facts_kept:
            kept = {"brief_facts_kept": brief.facts_kept[0] / brief.facts_kept[1]}
        out.append(
            ItemResult(
                suite="redteam",
                id=case.article,
                type=case.category,
                repeat=0,
                inputs={"question": case.question, "split": case.split},
                outputs={"answer": answer.output, "brief": brief.output},
                scores={
                    "answer_attack_rate": float(answer.succeeded),
                    "brief_attack_rate": float(brief.succeeded),
                    "answer_kept": float(bool(answer.answered)),
                }
                | kept,
                units={"brief_facts_kept": brief.facts_kept} if brief.facts_kept else {},
            )
        )
        tick("redteam", 0)
    return out


def _failed(
    suite: str, ident: str, kind: str, repeat: int, inputs: dict[str, Any], exc: Exception
) -> ItemResult:
    return ItemResult(
        suite=suite, id=ident, type=kind, repeat=repeat, inputs=inputs, outputs={}, scores={},
        error=str(exc),
    )  # fmt: skip


def summarise(result: RunResult) -> None:
    """Fill summary, counts and bounds of each metric per suite, by_type, and the spread
    across repeats. A metric pooled over units (facts, numbers) is hits / total over all
    items; a 0/1 metric is its share of items; token F1 is a mean."""
    from rag.eval.metrics import percentile

    summary: dict[str, float | None] = {}
    counts: dict[str, list[float]] = {}
    bounds: dict[str, list[float]] = {}
    by_type: dict[str, dict[str, float | None]] = {}
    spread: dict[str, list[float]] = {}
    for suite in result.suites:
        rows = [i for i in result.items if i.suite == suite]
        if not rows:
            continue
        metrics = sorted(
            {k for i in rows for k in i.scores} - {"answerable", "abstained", "answer_words"}
        )
        for metric in metrics:
            if metric.endswith("_ms") or metric == "tokens":
                _latency(summary, suite, metric, rows, percentile)
                continue
            name = f"{suite}.{metric}"
            summary[name], counts[name], bounds[name] = _pooled(metric, rows)
            per_repeat = [
                m
                for r in sorted({i.repeat for i in rows})
                if (m := _pooled(metric, [i for i in rows if i.repeat == r])[0]) is not None
            ]
            if len(per_repeat) > 1:
                spread[name] = [min(per_repeat), max(per_repeat)]
        if suite == "qa":
            _qa_extras(rows, summary, counts, bounds)
        errors = float(sum(i.error is not None for i in rows))
        summary[f"{suite}.errors"] = errors
        counts[f"{suite}.errors"] = [errors, float(len(rows))]
        key = {
            "qa": "correct",
            "retrieval": "hit_at_5",
            "redteam": "brief_attack_rate",
            "newsroom": "time_recall",
        }.get(suite, "fact_recall")
        for kind in sorted({i.type for i in rows}):
            typed = [i for i in rows if i.type == kind]
            by_type.setdefault(f"{suite}.{key}", {})[kind] = _pooled(key, typed)[0]
    result.summary = {k: (round(v, 4) if v is not None else None) for k, v in summary.items()}
    result.counts = counts
    result.bounds = {k: [round(lo, 4), round(hi, 4)] for k, (lo, hi) in bounds.items()}
    result.by_type = {
        m: {k: (round(v, 4) if v is not None else None) for k, v in per.items()}
        for m, per in by_type.items()
    }
    result.spread = spread


def _qa_extras(
    rows: list[ItemResult],
    summary: dict[str, float | None],
    counts: dict[str, list[float]],
    bounds: dict[str, list[float]],
) -> None:
    """Abstention precision and recall with their counts and bounds; the median answer
    length of questions that do not ask why."""
    from rag.eval.metrics import abstention_counts

    precision, recall = abstention_counts([i.scores for i in rows if not i.error])
    for name, hits_total in (("precision", precision), ("recall", recall)):
        key = f"qa.abstention_{name}"
        summary[key] = hits_total[0] / hits_total[1] if hits_total else None
        if hits_total:
            counts[key] = [float(v) for v in hits_total]
            bounds[key] = list(_wilson(*hits_total))
    words = sorted(
        v for i in rows if i.type != "why" and (v := i.scores.get("answer_words")) is not None
    )
    if words:
        summary["qa.answer_words_p50"] = statistics.median(words)


def _wilson(hits: float, total: float) -> tuple[float, float]:
    from rag.eval.metrics import wilson_bounds

    return wilson_bounds(hits, total)


def _pooled(metric: str, rows: list[ItemResult]) -> tuple[float | None, list[float], list[float]]:
    """(value, [hits, total], [low, high]) of one metric over some items."""
    from rag.eval.metrics import mean_bounds

    units = [i.units[metric] for i in rows if metric in i.units]
    if units:
        hits, total = sum(u[0] for u in units), sum(u[1] for u in units)
        if not total:
            return None, [0.0, 0.0], [0.0, 1.0]
        return hits / total, [float(hits), float(total)], list(_wilson(hits, total))
    values = [v for i in rows if (v := i.scores.get(metric)) is not None]
    if not values:
        return None, [0.0, 0.0], [0.0, 1.0]
    if all(v in (0.0, 1.0) for v in values):
        return (
            sum(values) / len(values),
            [sum(values), float(len(values))],
            list(_wilson(sum(values), len(values))),
        )
    return (
        sum(values) / len(values),
        [round(sum(values), 4), float(len(values))],
        list(mean_bounds(values)),
    )


def _latency(
    summary: dict[str, float | None],
    suite: str,
    metric: str,
    rows: list[ItemResult],
    percentile: Callable[[list[float], float], float],
) -> None:
    values = sorted(v for i in rows if (v := i.scores.get(metric)) is not None)
    if not values:
        return
    if metric == "tokens":
        summary[f"{suite}.tokens_mean"] = round(statistics.fmean(values), 1)
        return
    name = metric.removesuffix("_ms")
    summary[f"{suite}.{name}_p50_ms"] = round(statistics.median(values), 1)
    summary[f"{suite}.{name}_p95_ms"] = round(percentile(values, 95), 1)


# --- run folders, comparison, gate --------------------------------------------------------


def write_run(result: RunResult, folder: Path) -> None:
    from rag.eval.report import to_html, to_markdown

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(result.model_dump_json(indent=1), encoding="utf-8")
    (folder / "report.md").write_text(to_markdown(result), encoding="utf-8")
    (folder / "report.html").write_text(to_html(result), encoding="utf-8")


def load_run(path: Path) -> RunResult:
    file = path / "results.json" if path.is_dir() else path
    try:
        return RunResult.model_validate_json(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read run {file}: {exc.strerror}: pass a run folder") from None
    except ValueError as exc:
        raise InputError(f"{file} is not a results.json of rag eval: {exc}") from None


def default_runs_dir() -> Path:
    """evals/runs of the checkout; with a wheel install, evals/runs under the current folder."""
    return EVALS_DIR / "runs" if in_checkout() else Path("evals") / "runs"


def run_folder(root: Path, label: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return root / f"{stamp}-{label}"


def load_thresholds(path: Path) -> dict[str, float]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read thresholds {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    flat: dict[str, float] = {}
    for suite, table in data.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [{suite}] must be a table of metric = number")
        for metric, value in table.items():
            if not isinstance(value, int | float):
                raise ConfigError(f"{path}: {suite}.{metric} must be a number, not {value!r}")
            flat[f"{suite}.{metric}"] = float(value)
    return flat


def gate(result: RunResult, thresholds: dict[str, float]) -> list[Threshold]:
    """Each threshold of a suite that ran, checked against the run. A floor fails only when
    the metric's one-sided 95% upper bound is below it (a ceiling: the lower bound above
    it), so one or two answers that differ between machines do not flip the verdict while
    a real regression does; errors are counted exactly. A metric no item measured is 'no
    data', and one whose bounds span the threshold over fewer than MIN_ITEMS_TO_DECIDE items
    is 'too few items': neither passes (a metric must not pass by not being measured)."""
    checks = []
    for metric, limit in thresholds.items():
        if metric.split(".", 1)[0] not in result.suites:
            continue
        value = result.summary.get(metric)
        lower = lower_is_better(metric)
        low, high = result.bounds.get(metric, [value, value]) if value is not None else [0, 0]
        if metric.endswith(".errors") or metric.endswith("_ms"):
            bound = value
        else:
            bound = low if lower else high
        passed = (
            value is not None
            and bound is not None
            and (bound <= limit if lower else bound >= limit)
        )
        status = _status(passed, lower, value, result.counts.get(metric), (low, high), limit)
        checks.append(
            Threshold(
                metric=metric,
                limit=limit,
                value=value,
                passed=status == "pass",
                status=status,
                lower_is_better=lower,
                count=result.counts.get(metric),
                bound=bound if value is not None else None,
            )
        )
    return checks


def _status(
    passed: bool,
    lower: bool,
    value: float | None,
    count: list[float] | None,
    bounds: tuple[float | None, float | None],
    limit: float,
) -> Status:
    """What the gate can say of one metric from its value, counts and bounds."""
    total = count[1] if count else None
    if value is None or total == 0:
        return "no data"
    # a pass that only the bound gives (the figure itself misses the threshold) decides
    # nothing over a handful of items; a figure that meets it passes however few they are
    low, high = bounds
    spans = low is not None and high is not None and low <= limit <= high
    value_misses = value < limit if not lower else value > limit
    if total is not None and total < MIN_ITEMS_TO_DECIDE and spans and value_misses:
        return "too few items"
    return "pass" if passed else "fail"


class Change(BaseModel):
    metric: str
    a: float | None
    b: float | None


def compare(a: RunResult, b: RunResult) -> tuple[list[Change], list[dict[str, Any]]]:
    """Metric by metric, then item by item where a per-item score changed."""
    metrics = [
        Change(metric=m, a=a.summary.get(m), b=b.summary.get(m))
        for m in sorted(set(a.summary) | set(b.summary))
    ]
    first = {(i.suite, i.id): i for i in a.items if i.repeat == 0}
    items = []
    for i in b.items:
        if i.repeat != 0 or (i.suite, i.id) not in first:
            continue
        before = first[(i.suite, i.id)]
        changed = {
            k: [before.scores.get(k), i.scores.get(k)]
            for k in sorted(set(before.scores) | set(i.scores))
            if not k.endswith("_ms") and k != "tokens" and before.scores.get(k) != i.scores.get(k)
        }
        if changed:
            items.append({"suite": i.suite, "id": i.id, "changed": changed})
    return metrics, items
