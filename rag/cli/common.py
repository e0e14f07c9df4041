"""What every command shares: the consoles, settings from the context, the store, common options."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime
from typing import Any

import click
from pydantic import BaseModel
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from rag.core.config import Settings, load_settings
from rag.core.errors import RagError
from rag.core.textsafe import safe

out = Console(soft_wrap=True, highlight=False)


err = Console(stderr=True, soft_wrap=True, highlight=False)


def settings_of(ctx: click.Context, **overrides: Any) -> Settings:
    return load_settings(**ctx.obj, **overrides)


def print_json(value: BaseModel | dict[str, Any] | list[Any]) -> None:
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    click.echo(json.dumps(value, ensure_ascii=False))


@contextmanager
def open_store(
    settings: Settings, create: bool = False, cache: bool = False, need_articles: bool = False
) -> Iterator[Any]:
    """The index and its embedder; `cache` puts the embedding cache in front (ingest only:
    queries are not worth a write); `need_articles` refuses an index with none (questions
    on it could only be answered "the articles do not say")."""
    from rag.index.embed import make_embedder
    from rag.index.embedcache import CACHE_FILE, CachedEmbedder
    from rag.index.store import Store

    embedder: Any = make_embedder(settings)
    if cache and settings.embed_cache:
        embedder = CachedEmbedder(embedder, settings.data_dir / CACHE_FILE)
    store = Store.open(
        settings.data_dir,
        settings.collection,
        embedder.name,
        chroma_url=settings.chroma_url,
        create=create,
        database_url=settings.database_url,
    )
    try:
        if need_articles and not store.counts()["articles"]:
            raise RagError(
                f"the index in {settings.data_dir} holds no articles: add some with "
                "`rag ingest PATH`"
            )
        yield store, embedder
    finally:
        store.close()
        if isinstance(embedder, CachedEmbedder):
            embedder.close()


def question_arg(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """A QUESTION or QUERY argument: not empty, not huge, valid text."""
    from rag.core.errors import question_problem

    problem = question_problem(value)
    if problem:
        raise click.BadParameter(problem)
    return value


def filter_options(f: Any) -> Any:
    for option in reversed(
        [
            click.option(
                "--article", "articles_", multiple=True, help="Only this article id (repeatable)."
            ),
            click.option("--source", help="Only articles whose path or URL contains this."),
            click.option(
                "--since",
                type=click.DateTime(["%Y-%m-%d"]),
                help="Only articles on/after YYYY-MM-DD.",
            ),
            click.option(
                "--until",
                type=click.DateTime(["%Y-%m-%d"]),
                help="Only articles on/before YYYY-MM-DD.",
            ),
            click.option(
                "--as-of",
                type=click.DateTime(["%Y-%m-%d"]),
                help="The day 'today', 'last week' ... in a question count from "
                "[the newest article's date].",
            ),
            click.option("--latest", is_flag=True, help="Rank the newest matching articles first."),
        ]
    ):
        f = option(f)
    return f


def filters_of(
    articles_: tuple[str, ...],
    source: str | None,
    since: datetime | None,
    until: datetime | None,
    latest: bool = False,
) -> Any:
    from rag.index.retrieve import Filters

    return Filters(
        article_ids=list(articles_) or None,
        source=source,
        since=since.date() if since else None,
        until=until.date() if until else None,
        latest=latest,
    )


def all_copies_option(f: Any) -> Any:
    return click.option(
        "--all-copies", is_flag=True, help="Keep every copy of a story (default: its newest)."
    )(f)


def no_log_option(f: Any) -> Any:
    return click.option(
        "--no-log", is_flag=True, help="Do not keep this in the answer log (RAG_LOG=false: never)."
    )(f)


def log_for(settings: Settings, no_log: bool) -> AbstractContextManager[Any]:
    """The answer log for writing (None when it is off); a log that cannot be written warns
    once on stderr and never stops the command."""
    if no_log or not settings.log:
        return nullcontext()
    from rag.logs import AnswerLog

    return AnswerLog.open_for_writing(
        settings.data_dir, on_warning=lambda text: err.print(f"warning: {text}", markup=False)
    )


def progress_bar(label: str) -> Progress:
    """A bar with count and elapsed time on stderr when it is a terminal (one slow item, a
    server or --mode full, shows its time too)."""
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not err.is_terminal,
    )


def write_or_echo(text: str, out_path: str | None, what: str) -> None:
    if not out_path:
        click.echo(safe(text), nl=False)
        return
    from pathlib import Path

    try:
        Path(out_path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise RagError(f"cannot write {out_path}: {exc.strerror}: choose another --out") from None
    err.print(f"wrote {what} to {out_path}", markup=False)
