"""The eval suite: run it, gate it, compare two runs."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table

from rag.cli.common import err, out, print_json, settings_of
from rag.cli.progress import Stages


def _print_comparison(a: Any, b: Any, names: tuple[str, str]) -> None:
    """Metric by metric, then the items whose scores changed; columns are named by the run
    folders (their time and label), which tell two runs apart when labels are the same."""
    from rag.eval import run as evalrun

    metrics, items = evalrun.compare(a, b)
    table = Table("metric", *names, "change", title="metrics", title_justify="left")
    for m in metrics:
        delta = "" if m.a is None or m.b is None else f"{m.b - m.a:+.3f}"
        table.add_row(m.metric, _fmt(m.a), _fmt(m.b), delta)
    out.print(table)
    if not items:
        out.print("no item changed its scores")
    for row in items:
        changes = ", ".join(f"{k} {_fmt(v[0])} -> {_fmt(v[1])}" for k, v in row["changed"].items())
        out.print(f"{row['suite']} {row['id']}: {changes}", markup=False)


@click.command("eval")
@click.option(
    "--suite",
    type=click.Choice(["retrieval", "qa", "brief", "redteam", "newsroom", "all"]),
    default="all",
    show_default=True,
)
@click.option("--limit", type=click.IntRange(1), help="Only the first N gold items of each suite.")
@click.option(
    "--split",
    type=click.Choice(["dev", "test"]),
    help="Only gold items of this split (QA and red-team cases).",
)
@click.option(
    "--repeat",
    type=click.IntRange(1),
    default=1,
    show_default=True,
    help="Run qa and brief N times.",
)
@click.option("--label", default="run", show_default=True, help="Names the run folder.")
@click.option(
    "--mode",
    "retrieval_mode",
    type=click.Choice(["dense", "lexical", "hybrid"]),
    default="hybrid",
    show_default=True,
    help="Retrieval mode for the run.",
)
@click.option("--chunk-tokens", type=int, help="Chunk size for the run's index [256].")
@click.option("-k", "k", type=click.IntRange(1, 20),
              help="Passages searched per question [settings.k, 5].")  # fmt: skip
@click.option("--qa-gold", type=click.Path(dir_okay=False), help="QA gold JSONL.")
@click.option("--brief-gold", type=click.Path(dir_okay=False), help="Brief gold JSONL.")
@click.option("--articles", type=click.Path(file_okay=False), help="Article folder [seeds/].")
@click.option(
    "--out", "runs_dir", type=click.Path(file_okay=False), help="Runs folder [evals/runs]."
)
@click.option("--gate", is_flag=True, help="Exit 1 when a metric misses its threshold.")
@click.option("--thresholds", type=click.Path(dir_okay=False), help="[evals/thresholds.toml]")
@click.option(
    "--compare",
    nargs=2,
    type=click.Path(exists=True),
    metavar="RUN_A RUN_B",
    help="Compare two run folders instead of running.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.pass_context
def eval_(
    ctx: click.Context,
    suite: str,
    limit: int | None,
    split: str | None,
    repeat: int,
    label: str,
    retrieval_mode: str,
    chunk_tokens: int | None,
    k: int | None,
    runs_dir: str | None,
    gate: bool,
    thresholds: str | None,
    compare: tuple[str, str] | None,
    as_json: bool,
    **given: str | None,  # --qa-gold, --brief-gold, --articles
) -> None:
    """Score retrieval, answers, briefs, prompt-injection resistance and story grouping.

    Indexes the eval articles (seeds/) afresh, runs the suites, prints a summary and writes
    evals/runs/<time>-<label>/ with results.json, report.md and a self-contained report.html.
    --gate checks evals/thresholds.toml; --compare shows two runs' differences.
    """
    from pathlib import Path

    from rag.eval import run as evalrun

    if compare:
        _compare_runs(*compare)
        return
    settings = settings_of(ctx, chunk_tokens=chunk_tokens)
    limits = _thresholds(evalrun, thresholds, required=gate)
    root = Path(runs_dir) if runs_dir else evalrun.default_runs_dir()
    folder = evalrun.run_folder(root, label)
    paths = {name: Path(value) for name, value in given.items() if value}
    with Stages(err, prefix="eval ") as stages:
        result = evalrun.run_eval(
            settings,
            suite=suite,  # type: ignore[arg-type]
            limit=limit,
            split=split,
            repeat=repeat,
            retrieval_mode=retrieval_mode,
            k=k,
            label=label,
            progress=stages.tick,
            **paths,
        )
    result.gate = evalrun.gate(result, limits)
    evalrun.write_run(result, folder)
    _print_run(result, folder, as_json)
    errored = result.summary_errors()
    if gate and not _gate_passed(result):
        ctx.exit(1)
    if errored:
        err.print(
            f"error: {errored} items failed to run (see 'error' in {folder}/results.json)",
            markup=False,
        )
        ctx.exit(1)


def _compare_runs(first_path: str, second_path: str) -> None:
    from pathlib import Path

    from rag.eval import run as evalrun

    first, second = Path(first_path), Path(second_path)
    names = (first.name or str(first), second.name or str(second))
    if names[0] == names[1]:
        names = (str(first), str(second))
    _print_comparison(evalrun.load_run(first), evalrun.load_run(second), names)


def _print_run(result: Any, folder: Any, as_json: bool) -> None:
    if as_json:
        print_json(result.model_dump(mode="json") | {"run": str(folder)})
        return
    title = f"rag eval: {result.label}"
    table = Table("metric", "value", "count", title=title, title_justify="left")
    for metric, value in result.summary.items():
        table.add_row(metric, _fmt(value), _count(result.counts.get(metric)))
    out.print(table)
    if result.gate:
        from rag.eval.report import verdict

        out.print(verdict(result), markup=False)
    if any(i.outputs.get("method") == "reader" for i in result.items):
        _print_curve(result)
    out.print(f"wrote {folder}/results.json, report.md, report.html", markup=False)


def _print_curve(result: Any) -> None:
    """The reader's risk-coverage table: how often it answers and is wrong per threshold."""
    from rag.eval.results import risk_coverage

    table = Table("reader threshold", "answered", "confident errors / answered",
                  title="reader risk-coverage (qa)", title_justify="left")  # fmt: skip
    for row in risk_coverage(result.items):
        table.add_row(f"{row['threshold']:.1f}", f"{row['answered']:.3f}",
                      f"{row['confident_errors']:.3f}")  # fmt: skip
    out.print(table)


def _gate_passed(result: Any) -> bool:
    """Each gated metric's line on stderr, then the verdict."""
    from rag.eval.report import verdict

    for c in result.gate:
        err.print(c.describe(), style=None if c.passed else "red", markup=False)
    failed = [c for c in result.gate if not c.passed]
    if failed:
        err.print(f"error: {verdict(result)}", markup=False)
        return False
    err.print(verdict(result), markup=False)
    return True


def _thresholds(evalrun: Any, path: str | None, required: bool) -> dict[str, float]:
    """The thresholds to check: a given file, else the committed one when it is there (a
    wheel install has none unless given; --gate then says what to pass)."""
    from pathlib import Path

    if path:
        return dict(evalrun.load_thresholds(Path(path)))
    default = evalrun.EVALS_DIR / "thresholds.toml"
    if default.is_file():
        return dict(evalrun.load_thresholds(default))
    if required:
        raise click.UsageError(f"no {default}: pass --thresholds FILE")
    return {}


def _fmt(value: float | None) -> str:
    from rag.eval.report import fmt

    return fmt(value)


def _count(hits_total: list[float] | None) -> str:
    from rag.eval.report import count

    return count(hits_total)
