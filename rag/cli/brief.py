"""Briefs of articles."""

from __future__ import annotations

from typing import Any

import click

from rag.cli.common import err, log_for, no_log_option, progress_bar, settings_of
from rag.core.config import Settings
from rag.core.errors import RagError
from rag.core.textsafe import safe


@click.command()
@click.argument("targets", nargs=-1, metavar="[ARTICLE]...")
@click.option("--all", "all_", is_flag=True, help="Brief every indexed article.")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
@click.option("--out", type=click.Path(file_okay=False), help="Write one file per article here.")
@click.option("--force", is_flag=True, help="Regenerate even when a cached brief exists.")
@click.option(
    "--mode",
    type=click.Choice(["auto", "guided", "full"]),
    default="auto",
    show_default=True,
    help="guided: code picks key sentences, the model writes the gist (embedded models); "
    "full: the model writes the whole draft (capable models); auto picks by backend.",
)
@no_log_option
@click.pass_context
def brief(
    ctx: click.Context,
    targets: tuple[str, ...],
    all_: bool,
    fmt: str,
    as_json: bool,
    out: str | None,
    force: bool,
    mode: str,
    no_log: bool,
) -> None:
    """Write a checked brief of each ARTICLE (an id from `rag articles`, or a file).

    --format json (or --json) prints one JSON object per line (JSON lines); with --out, one
    indented file per article.

    Every quote and number is checked against the article; what the checks removed is listed
    under Checks; figures that other indexed copies of the same story give otherwise are
    listed under "Differs from". Briefs are cached by article, model, mode, prompt and
    version of the checks; --force regenerates.
    """
    from pathlib import Path

    from rag.brief.briefing import BriefCache, brief_many, open_catalog, with_differences
    from rag.llm import make_chat_model

    if not targets and not all_:
        raise click.UsageError("name ARTICLE ids or files, or pass --all")
    settings = settings_of(ctx)
    model = make_chat_model(settings)
    cache = BriefCache(settings.data_dir / "briefs")
    catalog = open_catalog(settings.data_dir, settings.collection, settings.database_url)
    written = 0
    try:
        articles, failures = _brief_targets(catalog, targets, all_, settings)
        folder = Path(out) if out else None
        if folder:
            folder.mkdir(parents=True, exist_ok=True)
        with progress_bar("briefing") as progress, log_for(settings, no_log) as answer_log:
            task = progress.add_task("brief", total=len(articles))
            workers = model.max_parallel
            for article, result in brief_many(articles, model, cache, mode, force, workers):  # type: ignore[arg-type]
                if isinstance(result, RagError):
                    err.print(f"error: {article.title[:60]} ({article.id}): {result}", markup=False)
                    failures += 1
                    progress.advance(task)
                    continue
                result = with_differences(result, article, catalog)
                _emit_brief(result, "json" if as_json else fmt, folder)
                written += 1
                if answer_log:
                    answer_log.record_brief(result, article)
                progress.advance(task)
    finally:
        if catalog is not None:
            catalog.close()
    if folder:
        err.print(f"wrote {written} briefs to {folder}", markup=False)
    if failures:
        ctx.exit(1)


def _brief_targets(
    catalog: Any, targets: tuple[str, ...], all_: bool, settings: Settings
) -> tuple[list[Any], int]:
    """The articles to brief, and how many targets could not be read (one error line each)."""
    from rag.brief.briefing import all_articles, find_articles
    from rag.ingest.loaders import LoadFailure

    items = all_articles(catalog) if all_ else list(find_articles(list(targets), catalog))
    if all_ and not items:
        raise RagError(
            f"the index in {settings.data_dir} holds no articles: add some with `rag ingest PATH`"
        )
    failures = [a for a in items if isinstance(a, LoadFailure)]
    for failure in failures:
        err.print(f"error: {failure}", markup=False)
    return [a for a in items if not isinstance(a, LoadFailure)], len(failures)


def _emit_brief(brief: Any, fmt: str, folder: Any) -> None:
    """A brief on stdout (JSON: one object per line) or in its file in `folder`."""
    from rag.brief.briefing import brief_json, to_markdown

    text = brief_json(brief, lines=not folder) if fmt == "json" else to_markdown(brief)
    if folder:
        (folder / f"{brief.article_id}.{fmt}").write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(safe(text))
