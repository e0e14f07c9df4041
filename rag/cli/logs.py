"""The answer log: list, show, export, turn into gold."""

from __future__ import annotations

import json
from datetime import datetime

import click
from rich.table import Table

from rag.cli.common import err, out, print_json, settings_of, write_or_echo
from rag.core.text import clip
from rag.core.textsafe import safe


@click.group(invoke_without_command=True)
@click.option(
    "-n",
    "limit",
    type=click.IntRange(1),
    default=20,
    show_default=True,
    help="How many entries, newest first.",
)
@click.option("-q", "search", help="Only entries whose question or answer holds these words.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="From YYYY-MM-DD (UTC).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per entry, with its id.")
@click.pass_context
def logs(
    ctx: click.Context, limit: int, search: str | None, since: datetime | None, as_json: bool
) -> None:
    """The answer log: every `rag ask`, chat turn and brief, newest first.

    Kept in <data dir>/logs.sqlite with the passages each answer rested on (their text too,
    so a record outlives a re-ingest). RAG_LOG=false or --no-log turns logging off.
    """
    if ctx.invoked_subcommand is not None:
        return
    from rag.logs import AnswerLog

    settings = settings_of(ctx)
    with AnswerLog.open(settings.data_dir) as answer_log:
        entries = answer_log.entries(limit, search, since.date() if since else None)
    if as_json:
        for entry in entries:
            print_json(entry.summary())
        return
    if not entries:
        err.print("no logged answers match" if search or since else "the answer log is empty")
    table = Table("id", "time", "question", "answer", "method", box=None, pad_edge=False)
    for e in entries:
        table.add_row(
            str(e.id), e.time[:16].replace("T", " "), safe(clip(e.question, 50)),
            safe(clip(e.answer, 50)), e.method,
        )  # fmt: skip
    if entries:
        out.print(table)


@logs.command("show")
@click.argument("entry_id", metavar="ID", type=int)
@click.option("--json", "as_json", is_flag=True, help="The whole record as JSON.")
@click.pass_context
def logs_show(ctx: click.Context, entry_id: int, as_json: bool) -> None:
    """Print log entry ID in full: question, query, filters, answer, checks, model, timings
    and every passage given to the model."""
    from rag.logs import AnswerLog

    settings = settings_of(ctx)
    with AnswerLog.open(settings.data_dir) as answer_log:
        entry = answer_log.get(entry_id)
    if as_json:
        print_json(entry.to_json())
        return
    session = f", session {entry.session}" if entry.session else ""
    rows = [
        ("time", f"{entry.time} ({entry.command}{session})"),
        ("question", entry.question),
        ("query", entry.query or ""),
        ("filters", json.dumps(entry.filters) if entry.filters else "none"),
        ("answer", entry.answer),
        ("method", f"{entry.method}, kind {entry.kind or '-'}"),
        ("evidence", f"[{entry.evidence_n}] {entry.evidence}" if entry.evidence else ""),
        ("model", f"{entry.model}, prompt {entry.prompt_version or '-'}"),
        ("model reply", entry.model_text),
        ("timings", ", ".join(f"{k} {v}" for k, v in entry.timings.items() if v is not None)),
        ("tokens", ", ".join(f"{k} {v}" for k, v in entry.usage.items() if v)),
    ]  # fmt: skip
    for name, value in rows:
        if value:
            out.print(f"{name}: {safe(str(value))}", markup=False)
    for flag in entry.flags:
        out.print(f"check: {safe(flag)}", style="yellow", markup=False)
    for p in entry.passages:
        mark = "cited" if p.cited else "given"
        out.print(
            f"[{p.n}] {safe(p.title)} ({p.date or 'no date'}) — {safe(p.source)}, "
            f"{p.chunk_id}, chars {p.start}-{p.end}, {mark}",
            style="bold" if p.cited else None,
            markup=False,
        )
        out.print(f"    {safe(' '.join(p.text.split()))}", style="dim", markup=False)


@logs.command("export")
@click.argument("entry_ids", nargs=-1, required=True, metavar="ID...", type=int)
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.option("--out", "out_path", type=click.Path(dir_okay=False), help="Write to this file.")
@click.pass_context
def logs_export(
    ctx: click.Context, entry_ids: tuple[int, ...], fmt: str, out_path: str | None
) -> None:
    """A fact-check sheet of each entry: question, answer, and every quote it rests on with
    the article's title, date, source and the quote's character offsets (md, or JSON lines)."""
    from rag.logs import AnswerLog, sheet, sheet_markdown

    settings = settings_of(ctx)
    with AnswerLog.open(settings.data_dir) as answer_log:
        entries = [answer_log.get(i) for i in entry_ids]
    if fmt == "json":
        text = "\n".join(json.dumps(sheet(e), ensure_ascii=False) for e in entries) + "\n"
    else:
        text = "\n".join(sheet_markdown(e) for e in entries)
    write_or_echo(text, out_path, f"{len(entries)} fact-check sheet(s)")


@logs.command("to-gold")
@click.argument("entry_ids", nargs=-1, required=True, metavar="ID...", type=int)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False),
    required=True,
    help="The gold JSONL file to write (for `rag eval --qa-gold`).",
)
@click.pass_context
def logs_to_gold(ctx: click.Context, entry_ids: tuple[int, ...], out_path: str) -> None:
    """Gold lines from logged questions: each with its evidence sentence and article, the
    reference answer left empty for you to fill in (the tool's answer is on the comment line
    above it). `rag eval --suite qa --qa-gold FILE` refuses the file until every answer is
    filled."""
    from rag.logs import AnswerLog, gold_lines

    settings = settings_of(ctx)
    with AnswerLog.open(settings.data_dir) as answer_log:
        entries = [answer_log.get(i) for i in entry_ids]
    write_or_echo("\n".join(gold_lines(entries)) + "\n", out_path, f"{len(entries)} gold line(s)")
