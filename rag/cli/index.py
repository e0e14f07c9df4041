"""Building and reading the index: ingest, articles, rm, search."""

from __future__ import annotations

from datetime import datetime

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from rag.cli.common import (
    all_copies_option,
    err,
    filter_options,
    filters_of,
    open_store,
    out,
    print_json,
    question_arg,
    settings_of,
)
from rag.core.text import cells, clip, pad
from rag.core.textsafe import safe
from rag.core.types import ArticleInfo, outlet_of


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--prune",
    is_flag=True,
    help="Remove indexed articles whose files are gone (on a shared index: only files under "
    "the given paths).",
)
@click.option("--chunk-tokens", type=int, help="Target tokens per chunk [256].")
@click.option("--chunk-overlap", type=int, help="Overlap tokens between chunks [48].")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def ingest(
    ctx: click.Context,
    paths: tuple[str, ...],
    prune: bool,
    chunk_tokens: int | None,
    chunk_overlap: int | None,
    as_json: bool,
) -> None:
    """Index articles from files, folders (recursive) or glob patterns.

    Formats: .txt/.md, .html, .json/.jsonl records ({title, body|content, date, url, source}).
    Unchanged articles are skipped without embedding; edited files replace their chunks.
    A file that cannot be read gets one error line; the others are still indexed, and the
    exit code is 1.
    """
    from rag.ingest.run import ingest as run_ingest

    settings = settings_of(ctx, chunk_tokens=chunk_tokens, chunk_overlap=chunk_overlap)
    with (
        open_store(settings, create=True, cache=True) as (store, embedder),
        Progress(
            TextColumn("ingest"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            console=err,
            transient=True,
        ) as bar,
    ):
        task = bar.add_task("", total=None)
        report = run_ingest(
            list(paths),
            store,
            embedder,
            chunk_tokens=settings.chunk_tokens,
            chunk_overlap=settings.chunk_overlap,
            encoding=settings.encoding,
            prune=prune,
            on_start=lambda total: bar.update(task, total=total),
            on_file=lambda name: bar.update(task, advance=1, description=name[-40:]),
            on_failure=lambda failure: err.print(f"error: {failure}", markup=False),
            on_warning=lambda warning: err.print(f"warning: {warning}", markup=False),
        )
        prepare = getattr(getattr(embedder, "inner", embedder), "prepare_questions", None)
        if prepare is not None:
            prepare()
    if as_json:
        print_json(report.model_dump(mode="json") | {"ingested": report.ingested})
    else:
        err.print(report.summary(), markup=False)
    if report.failed > 0:  # the rest of the batch is indexed; the exit code says not all was
        raise click.exceptions.Exit(1)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("-v", "--verbose", is_flag=True, help="Also chunks, words, story and the file.")
@click.pass_context
def articles(ctx: click.Context, as_json: bool, verbose: bool) -> None:
    """List indexed articles: id, date, where it ran (the outlet: the site's name or web
    address; the file, for plain files) and title. Titles are whole when the output is
    piped, and cut to the terminal's width on one.

    -v adds chunks, words, story and file. story: near-duplicates (syndicated copies,
    updated versions) share one, shown by the first copy's id (its first 6 characters;
    --json has it whole) and the number of copies; '-' for an article that is its own story.
    """
    with open_store(settings_of(ctx), need_articles=True) as (store, _):
        items = store.articles()
    if as_json:
        for item in items:
            print_json(item.model_dump() | {"outlet": item.outlet})
        return
    if not verbose:
        _list_articles(items)
        return
    # one line per article: the title and the file name share what the terminal has left
    rest = max(34, out.width - (16 + 10 + 6 + 6 + 9 + 12))
    title_width = max(20, rest * 2 // 3)
    file_width = max(10, rest - title_width - 2)
    header = (
        f"{'id':16}  {'date':10}  {'chunks':>6}  {'words':>6}  {'story':9}  "
        f"{'title':{title_width}}  file"
    )
    out.print(header, style="bold", markup=False, highlight=False)
    for item in items:
        title = clip(safe(item.title), title_width)  # article text is never read as markup
        name = clip(safe(item.source.split("#", 1)[0].rsplit("/", 1)[-1]), file_width)
        story = f"{(item.story or item.id)[:6]} x{item.copies}" if item.copies > 1 else "-"
        line = (
            f"{item.id:16}  {item.date or 'undated':10}  {item.chunks:>6}  {item.word_count:>6}  "
            f"{story:9}  {pad(title, title_width)}  {name}"
        )
        out.print(line, markup=False, highlight=False, soft_wrap=True)


WHERE_WIDTH = 20


def _list_articles(items: list[ArticleInfo]) -> None:
    """id, date, outlet and title, one line each; the title cut only on a terminal."""
    where = [clip(safe(i.outlet or i.source.split("#", 1)[0].rsplit("/", 1)[-1]), WHERE_WIDTH)
             for i in items]  # fmt: skip
    width = min(WHERE_WIDTH, max([5, *map(cells, where)]))
    header = f"{'id':16}  {'date':10}  {'where':{width}}  title"
    out.print(header, style="bold", markup=False, highlight=False)
    room = max(20, out.width - (16 + 2 + 10 + 2 + width + 2))
    for item, place in zip(items, where, strict=True):
        title = safe(item.title)
        title = clip(title, room) if out.is_terminal else " ".join(title.split())
        copies = f"  (x{item.copies})" if item.copies > 1 else ""
        line = f"{item.id:16}  {item.date or 'undated':10}  {pad(place, width)}  {title}{copies}"
        out.print(line, markup=False, highlight=False, soft_wrap=True, crop=False)


@click.command("rm")
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
@click.option("--json", "as_json", is_flag=True, help="Print {removed, failed} as JSON.")
@click.pass_context
def rm(ctx: click.Context, ids: tuple[str, ...], as_json: bool) -> None:
    """Remove articles (ids or unique id prefixes from `rag articles`) from both indexes.

    A bad ID gets one error line and the others are still removed; the exit code is then 1.
    """
    removed: list[dict[str, str]] = []
    failed: list[str] = []
    with open_store(settings_of(ctx)) as (store, _):
        for prefix in ids:
            found = store.matching_ids(prefix)
            if len(found) != 1:
                why = (
                    f"no indexed article has an id starting {prefix!r}: see `rag articles`"
                    if not found
                    else f"{prefix!r} is ambiguous ({', '.join(f[:12] for f in found)}): "
                    "give more of the id"
                )
                err.print(f"error: {why}", markup=False)
                failed.append(prefix)
                continue
            article = store.article(found[0])
            store.forget_article(found[0])
            title = article.title if article else ""
            removed.append({"id": found[0], "title": title})
            if not as_json:
                out.print(f"removed {found[0]}  {safe(title)[:70]}", markup=False)
    if as_json:
        print_json({"removed": removed, "failed": failed})
    if failed:
        raise click.exceptions.Exit(1)


@click.command()
@click.argument("query", callback=question_arg)
@click.option("-k", type=int, help="How many passages [5].")
@click.option(
    "--mode", type=click.Choice(["dense", "lexical", "hybrid"]), default="hybrid", show_default=True
)
@filter_options
@click.option("--per-article", type=int, help="At most N passages per article while others exist.")
@all_copies_option
@click.option("--explain", is_flag=True, help="Show each hit's dense and lexical rank.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hit.")
@click.pass_context
def search(
    ctx: click.Context,
    query: str,
    k: int | None,
    mode: str,
    articles_: tuple[str, ...],
    source: str | None,
    since: datetime | None,
    until: datetime | None,
    as_of: datetime | None,
    latest: bool,
    per_article: int | None,
    all_copies: bool,
    explain: bool,
    as_json: bool,
) -> None:
    """Show the passages that best match QUERY, best first (hybrid: dense + lexical, fused).

    A time expression in QUERY ('last week', 'in March') narrows the articles by date, as
    in `rag ask`."""
    from rag.answer import dated_query
    from rag.index.retrieve import Retriever

    settings = settings_of(ctx, k=k)
    filters = filters_of(articles_, source, since, until, latest)
    with open_store(settings, need_articles=True) as (store, embedder):
        retriever = Retriever(store, embedder, per_article=per_article, all_copies=all_copies)
        filters, query, scope = dated_query(query, store, filters, as_of and as_of.date())
        hits = retriever.search(query, settings.k, mode, filters)  # type: ignore[arg-type]
    if scope is not None and not as_json:
        err.print(f"dates: {scope.describe()}", style="dim", markup=False)
    if as_json:
        for hit in hits:
            print_json(hit)
        return
    if not hits:
        err.print("no matching passages")
    for n, hit in enumerate(hits, start=1):
        outlet = outlet_of(hit.publisher, hit.url)
        where = f"{safe(outlet)} · " if outlet else ""
        line = f"[{n}] {where}{safe(hit.title)}  ({hit.date or 'no date'}, score {hit.score:.3f})"
        if explain:
            line += f"  dense #{hit.dense_rank or '-'} lexical #{hit.lexical_rank or '-'}"
        out.print(line, style="bold", markup=False)
        snippet = safe(" ".join(hit.text.split()))
        out.print(f"    {snippet[:300]}{'…' if len(snippet) > 300 else ''}", markup=False)
        out.print(f"    {hit.chunk_id} chars {hit.start}-{hit.end}", style="dim", markup=False)
