"""Command line: builds the parts from settings and calls the core. `main(argv) -> int`."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime
from typing import Any

import click
from pydantic import BaseModel
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from rag import __version__
from rag.config import Settings, load_settings
from rag.errors import RagError
from rag.progress import Stages
from rag.textsafe import safe

out = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, soft_wrap=True, highlight=False)


def _settings(ctx: click.Context, **overrides: Any) -> Settings:
    return load_settings(**ctx.obj, **overrides)


def _print_json(value: BaseModel | dict[str, Any] | list[Any]) -> None:
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    click.echo(json.dumps(value, ensure_ascii=False))


@contextmanager
def _open_store(
    settings: Settings, create: bool = False, cache: bool = False, need_articles: bool = False
) -> Iterator[Any]:
    """The index and its embedder; `cache` puts the embedding cache in front (ingest only:
    queries are not worth a write); `need_articles` refuses an index with none (questions
    on it could only be answered "the articles do not say")."""
    from rag.embed import make_embedder
    from rag.embedcache import CACHE_FILE, CachedEmbedder
    from rag.store import Store

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


def _print_comparison(a: Any, b: Any, names: tuple[str, str]) -> None:
    """Metric by metric, then the items whose scores changed; columns are named by the run
    folders (their time and label), which tell two runs apart when labels are the same."""
    from rag import evalrun

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


def _question(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """A QUESTION or QUERY argument: not empty, not huge, valid text."""
    from rag.errors import question_problem

    problem = question_problem(value)
    if problem:
        raise click.BadParameter(problem)
    return value


def _filter_options(f: Any) -> Any:
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


def _filters(
    articles_: tuple[str, ...],
    source: str | None,
    since: datetime | None,
    until: datetime | None,
    latest: bool = False,
) -> Any:
    from rag.retrieve import Filters

    return Filters(
        article_ids=list(articles_) or None,
        source=source,
        since=since.date() if since else None,
        until=until.date() if until else None,
        latest=latest,
    )


def _all_copies_option(f: Any) -> Any:
    return click.option(
        "--all-copies", is_flag=True, help="Keep every copy of a story (default: its newest)."
    )(f)


def _no_log_option(f: Any) -> Any:
    return click.option(
        "--no-log", is_flag=True, help="Do not keep this in the answer log (RAG_LOG=false: never)."
    )(f)


def _answer_log(settings: Settings, no_log: bool) -> AbstractContextManager[Any]:
    """The answer log for writing (None when it is off); a log that cannot be written warns
    once on stderr and never stops the command."""
    if no_log or not settings.log:
        return nullcontext()
    from rag.answerlog import AnswerLog

    return AnswerLog.open_for_writing(
        settings.data_dir, on_warning=lambda text: err.print(f"warning: {text}", markup=False)
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data-dir", type=click.Path(file_okay=False), help="Index folder [./.rag].")
@click.option("--collection", help="Chroma collection name [articles].")
@click.option("--chroma-url", help="Use a Chroma server, e.g. http://127.0.0.1:8000.")
@click.option("--embedder", type=click.Choice(["local", "openai"]), help="Embedding backend.")
@click.option("-v", "--verbose", count=True, help="More logging (-v info, -vv debug).")
@click.version_option(__version__, prog_name="rag")
@click.pass_context
def cli(ctx: click.Context, verbose: int, **overrides: Any) -> None:
    """rag: ask questions about your news articles, with citations, offline by default.

    Settings come from flags, then RAG_* environment variables or .env, then defaults;
    `rag config` shows the effective values.
    """
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = overrides


@cli.command()
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
    from rag.ingest import ingest as run_ingest

    settings = _settings(ctx, chunk_tokens=chunk_tokens, chunk_overlap=chunk_overlap)
    with (
        _open_store(settings, create=True, cache=True) as (store, embedder),
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
        _print_json(report.model_dump(mode="json") | {"ingested": report.ingested})
    else:
        err.print(report.summary(), markup=False)
    if report.failed > 0:  # the rest of the batch is indexed; the exit code says not all was
        raise click.exceptions.Exit(1)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def articles(ctx: click.Context, as_json: bool) -> None:
    """List indexed articles: id, date, chunks, words, story, title, file.

    story: near-duplicates (syndicated copies, updated versions) share one, shown by the
    first copy's id (its first 6 characters; --json has it whole) and the number of copies;
    '-' for an article that is its own story.
    """
    with _open_store(_settings(ctx), need_articles=True) as (store, _):
        items = store.articles()
    if as_json:
        for item in items:
            _print_json(item)
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
        title = _clip(safe(item.title), title_width)  # article text is never read as markup
        name = _clip(safe(item.source.split("#", 1)[0].rsplit("/", 1)[-1]), file_width)
        story = f"{(item.story or item.id)[:6]} x{item.copies}" if item.copies > 1 else "-"
        line = (
            f"{item.id:16}  {item.date or 'undated':10}  {item.chunks:>6}  {item.word_count:>6}  "
            f"{story:9}  {title:{title_width}}  {name}"
        )
        out.print(line, markup=False, highlight=False, soft_wrap=True)


def _clip(text: str, limit: int) -> str:
    """One line, at most `limit` characters, cut at a word where one is near."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    word = cut.rsplit(" ", 1)[0]
    return (word if len(word) > limit // 2 else cut) + "…"


@cli.command("rm")
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
@click.option("--json", "as_json", is_flag=True, help="Print {removed, failed} as JSON.")
@click.pass_context
def rm(ctx: click.Context, ids: tuple[str, ...], as_json: bool) -> None:
    """Remove articles (ids or unique id prefixes from `rag articles`) from both indexes.

    A bad ID gets one error line and the others are still removed; the exit code is then 1.
    """
    removed: list[dict[str, str]] = []
    failed: list[str] = []
    with _open_store(_settings(ctx)) as (store, _):
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
        _print_json({"removed": removed, "failed": failed})
    if failed:
        raise click.exceptions.Exit(1)


@cli.command()
@click.argument("query", callback=_question)
@click.option("-k", type=int, help="How many passages [5].")
@click.option(
    "--mode", type=click.Choice(["dense", "lexical", "hybrid"]), default="hybrid", show_default=True
)
@_filter_options
@click.option("--per-article", type=int, help="At most N passages per article while others exist.")
@_all_copies_option
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
    from rag.retrieve import Retriever

    settings = _settings(ctx, k=k)
    filters = _filters(articles_, source, since, until, latest)
    with _open_store(settings, need_articles=True) as (store, embedder):
        retriever = Retriever(store, embedder, per_article=per_article, all_copies=all_copies)
        filters, query, scope = dated_query(query, store, filters, as_of and as_of.date())
        hits = retriever.search(query, settings.k, mode, filters)  # type: ignore[arg-type]
    if scope is not None and not as_json:
        err.print(f"dates: {scope.describe()}", style="dim", markup=False)
    if as_json:
        for hit in hits:
            _print_json(hit)
        return
    if not hits:
        err.print("no matching passages")
    for n, hit in enumerate(hits, start=1):
        line = f"[{n}] {safe(hit.title)}  ({hit.date or 'no date'}, score {hit.score:.3f})"
        if explain:
            line += f"  dense #{hit.dense_rank or '-'} lexical #{hit.lexical_rank or '-'}"
        out.print(line, style="bold", markup=False)
        snippet = safe(" ".join(hit.text.split()))
        out.print(f"    {snippet[:300]}{'…' if len(snippet) > 300 else ''}", markup=False)
        out.print(f"    {hit.chunk_id} chars {hit.start}-{hit.end}", style="dim", markup=False)


@cli.command()
@click.argument("question", callback=_question)
@click.option("-k", type=click.IntRange(1, 20), help="Passages searched for the answer [5].")
@_filter_options
@click.option("--json", "as_json", is_flag=True, help="Print the Answer as JSON.")
@_all_copies_option
@_no_log_option
@click.pass_context
def ask(
    ctx: click.Context,
    question: str,
    k: int | None,
    articles_: tuple[str, ...],
    source: str | None,
    since: datetime | None,
    until: datetime | None,
    as_of: datetime | None,
    latest: bool,
    as_json: bool,
    all_copies: bool,
    no_log: bool,
) -> None:
    """Answer QUESTION from the indexed articles, citing the passages.

    Numbers and words in the answer are checked against the passages; an answer that fails
    is replaced by the best supporting sentence, and when the articles do not say, the
    answer says so. The answer and its passages are kept in the answer log (`rag logs`).
    """
    from rag.answer import answer_question
    from rag.llm import make_chat_model
    from rag.render import DraftView, print_answer
    from rag.retrieve import Retriever

    settings = _settings(ctx)
    model = make_chat_model(settings)
    view = DraftView(out) if not as_json else None
    filters = _filters(articles_, source, since, until, latest)
    with _open_store(settings, need_articles=True) as (store, embedder):
        if view:
            view.start()
        answer = answer_question(
            question,
            retriever=Retriever(
                store, embedder, per_article=settings.per_article, all_copies=all_copies
            ),
            model=model,
            k=k or settings.k,
            filters=filters,
            on_delta=view.on_delta if view else None,
            as_of=as_of.date() if as_of else None,
        )
    if as_json or view is None:
        _print_json(answer)
    else:
        view.erase()
        print_answer(out, answer)
    with _answer_log(settings, no_log) as answer_log:
        if answer_log:
            answer_log.record(answer, command="ask", filters=filters)


@cli.command()
@click.option("-k", type=click.IntRange(1, 20), help="Passages searched per answer [5].")
@_filter_options
@_all_copies_option
@_no_log_option
@click.pass_context
def chat(
    ctx: click.Context,
    k: int | None,
    articles_: tuple[str, ...],
    source: str | None,
    since: datetime | None,
    until: datetime | None,
    as_of: datetime | None,
    latest: bool,
    all_copies: bool,
    no_log: bool,
) -> None:
    """Ask questions in a REPL: streamed, cited answers; /help lists the commands.

    The filters set the starting scope; /scope, /since and /k change it in the REPL.
    Every turn is kept in the answer log: /history lists this session's, /export N prints
    one as a fact-check sheet.
    """
    from rag.llm import make_chat_model
    from rag.repl import Repl
    from rag.retrieve import Retriever

    settings = _settings(ctx)
    model = make_chat_model(settings)
    with (
        _open_store(settings, need_articles=True) as (store, embedder),
        _answer_log(settings, no_log) as answer_log,
    ):
        retriever = Retriever(
            store, embedder, per_article=settings.per_article, all_copies=all_copies
        )
        repl = Repl(retriever, model, settings, out)
        repl.filters = _filters(articles_, source, since, until, latest)
        repl.k = k or settings.k
        repl.as_of = as_of.date() if as_of else None
        repl.answer_log = answer_log
        repl.run()


@cli.command()
@click.argument("targets", nargs=-1, metavar="[ARTICLE]...")
@click.option("--all", "all_", is_flag=True, help="Brief every indexed article.")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
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
@_no_log_option
@click.pass_context
def brief(
    ctx: click.Context,
    targets: tuple[str, ...],
    all_: bool,
    fmt: str,
    out: str | None,
    force: bool,
    mode: str,
    no_log: bool,
) -> None:
    """Write a checked brief of each ARTICLE (an id from `rag articles`, or a file).

    --format json prints one JSON object per line (JSON lines); with --out, one indented
    file per article.

    Every quote and number is checked against the article; what the checks removed is listed
    under Checks; figures that other indexed copies of the same story give otherwise are
    listed under "Differs from". Briefs are cached by article, model, mode and prompt
    version; --force regenerates.
    """
    from pathlib import Path

    from rag.briefing import BriefCache, brief_many, open_catalog, with_differences
    from rag.llm import make_chat_model

    if not targets and not all_:
        raise click.UsageError("name ARTICLE ids or files, or pass --all")
    settings = _settings(ctx)
    model = make_chat_model(settings)
    cache = BriefCache(settings.data_dir / "briefs")
    catalog = open_catalog(settings.data_dir, settings.collection, settings.database_url)
    written = 0
    try:
        articles, failures = _brief_targets(catalog, targets, all_, settings)
        folder = Path(out) if out else None
        if folder:
            folder.mkdir(parents=True, exist_ok=True)
        with _progress("briefing") as progress, _answer_log(settings, no_log) as answer_log:
            task = progress.add_task("brief", total=len(articles))
            workers = model.max_parallel
            for article, result in brief_many(articles, model, cache, mode, force, workers):  # type: ignore[arg-type]
                if isinstance(result, RagError):
                    err.print(f"error: {article.title[:60]} ({article.id}): {result}", markup=False)
                    failures += 1
                    progress.advance(task)
                    continue
                result = with_differences(result, article, catalog)
                _emit_brief(result, fmt, folder)
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
    from rag.briefing import all_articles, find_articles
    from rag.loaders import LoadFailure

    items = all_articles(catalog) if all_ else list(find_articles(list(targets), catalog))
    if all_ and not items:
        raise RagError(
            f"the index in {settings.data_dir} holds no articles: add some with `rag ingest PATH`"
        )
    failures = [a for a in items if isinstance(a, LoadFailure)]
    for failure in failures:
        err.print(f"error: {failure}", markup=False)
    return [a for a in items if not isinstance(a, LoadFailure)], len(failures)


def _progress(label: str) -> Progress:
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


def _emit_brief(brief: Any, fmt: str, folder: Any) -> None:
    """A brief on stdout (JSON: one object per line) or in its file in `folder`."""
    from rag.briefing import brief_json, to_markdown

    text = brief_json(brief, lines=not folder) if fmt == "json" else to_markdown(brief)
    if folder:
        (folder / f"{brief.article_id}.{fmt}").write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(safe(text))


@cli.command("eval")
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

    from rag import evalrun

    if compare:
        _compare_runs(*compare)
        return
    settings = _settings(ctx, chunk_tokens=chunk_tokens)
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

    from rag import evalrun

    first, second = Path(first_path), Path(second_path)
    names = (first.name or str(first), second.name or str(second))
    if names[0] == names[1]:
        names = (str(first), str(second))
    _print_comparison(evalrun.load_run(first), evalrun.load_run(second), names)


def _print_run(result: Any, folder: Any, as_json: bool) -> None:
    if as_json:
        _print_json(result.model_dump(mode="json") | {"run": str(folder)})
        return
    title = f"rag eval: {result.label}"
    table = Table("metric", "value", "count", title=title, title_justify="left")
    for metric, value in result.summary.items():
        table.add_row(metric, _fmt(value), _count(result.counts.get(metric)))
    out.print(table)
    out.print(f"wrote {folder}/results.json, report.md, report.html", markup=False)


def _gate_passed(result: Any) -> bool:
    """Each gated metric's line on stderr, then the verdict."""
    for c in result.gate:
        err.print(c.describe(), style=None if c.passed else "red", markup=False)
    failed = [c for c in result.gate if not c.passed]
    if failed:
        err.print(f"error: the gate failed on {len(failed)} metrics", markup=False)
        return False
    err.print(f"gate passed: {len(result.gate)} metrics", markup=False)
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
    from rag.report import fmt

    return fmt(value)


def _count(hits_total: list[float] | None) -> str:
    from rag.report import count

    return count(hits_total)


@cli.group(invoke_without_command=True)
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
    from rag.answerlog import AnswerLog

    settings = _settings(ctx)
    with AnswerLog.open(settings.data_dir) as answer_log:
        entries = answer_log.entries(limit, search, since.date() if since else None)
    if as_json:
        for entry in entries:
            _print_json(entry.summary())
        return
    if not entries:
        err.print("no logged answers match" if search or since else "the answer log is empty")
    table = Table("id", "time", "question", "answer", "method", box=None, pad_edge=False)
    for e in entries:
        table.add_row(
            str(e.id), e.time[:16].replace("T", " "), safe(_clip(e.question, 50)),
            safe(_clip(e.answer, 50)), e.method,
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
    from rag.answerlog import AnswerLog

    settings = _settings(ctx)
    with AnswerLog.open(settings.data_dir) as answer_log:
        entry = answer_log.get(entry_id)
    if as_json:
        _print_json(entry.to_json())
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
    from rag.answerlog import AnswerLog, sheet, sheet_markdown

    settings = _settings(ctx)
    with AnswerLog.open(settings.data_dir) as answer_log:
        entries = [answer_log.get(i) for i in entry_ids]
    if fmt == "json":
        text = "\n".join(json.dumps(sheet(e), ensure_ascii=False) for e in entries) + "\n"
    else:
        text = "\n".join(sheet_markdown(e) for e in entries)
    _write_or_echo(text, out_path, f"{len(entries)} fact-check sheet(s)")


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
    from rag.answerlog import AnswerLog, gold_lines

    settings = _settings(ctx)
    with AnswerLog.open(settings.data_dir) as answer_log:
        entries = [answer_log.get(i) for i in entry_ids]
    _write_or_echo("\n".join(gold_lines(entries)) + "\n", out_path, f"{len(entries)} gold line(s)")


def _write_or_echo(text: str, out_path: str | None, what: str) -> None:
    if not out_path:
        click.echo(safe(text), nl=False)
        return
    from pathlib import Path

    try:
        Path(out_path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise RagError(f"cannot write {out_path}: {exc.strerror}: choose another --out") from None
    err.print(f"wrote {what} to {out_path}", markup=False)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Counts of articles, chunks, tokens, and whether Chroma and the catalog agree."""
    settings = _settings(ctx)
    with _open_store(settings) as (store, embedder):
        data: dict[str, Any] = store.counts()
        data["vectors"] = store.vector_count()
        data["embedder"] = embedder.name
        data["dimension"] = store.dimension
        data["data_dir"] = str(settings.data_dir)
        data["consistent"] = data["vectors"] == data["chunks"] == data["lexical_rows"]
    if as_json:
        _print_json(data)
        return
    for key, value in data.items():
        out.print(f"{key:>13}: {value}", markup=False)


@cli.command()
@click.option("--repair", is_flag=True, help="Fix drift: drop stray vectors, re-queue articles.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def doctor(ctx: click.Context, repair: bool, as_json: bool) -> None:
    """Check that Chroma and the lexical index hold exactly the same chunks."""
    with _open_store(_settings(ctx)) as (store, _):
        if repair:
            store.lock(exclusive=True)
        report = store.check(repair=repair)
    if as_json:
        _print_json(report)
    else:
        for key, value in report.items():
            out.print(f"{key:>20}: {value}", markup=False)
        if not report["consistent"] and not repair:
            err.print("run `rag doctor --repair`, then `rag ingest` again to re-index")
    if not report["consistent"] and not repair:
        raise click.exceptions.Exit(1)


@cli.command("serve-llm")
@click.option("--host", default="127.0.0.1", show_default=True, help="Listen address.")
@click.option("--port", default=8080, show_default=True, help="Listen port.")
@click.option("--model", help="gemma3-270m or smollm2-135m [the RAG_LLM_MODEL setting].")
@click.pass_context
def serve_llm(ctx: click.Context, host: str, port: int, model: str | None) -> None:
    """Serve the embedded model as an OpenAI-compatible API (/v1/chat/completions).

    Other processes share the one loaded model by setting RAG_LLM_PROVIDER=openai and
    RAG_LLM_BASE_URL=http://HOST:PORT/v1.
    """
    from rag.llm.server import serve

    settings = _settings(ctx)
    name = model or (settings.llm_model if settings.llm_provider == "local" else None)
    err.print(f"serving {name or 'gemma3-270m'} on http://{host}:{port}/v1 (Ctrl-C stops)")
    serve(name or "gemma3-270m", host, port, settings.llm_n_ctx, settings.llm_threads)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def config(ctx: click.Context, as_json: bool) -> None:
    """Show the effective settings (secrets redacted) and where each can be set."""
    settings = _settings(ctx)
    data = settings.model_dump(mode="json")
    if settings.database_url:
        from rag.pgcatalog import redact_url

        data["database_url"] = redact_url(settings.database_url)
    if as_json:
        _print_json(data)
        return
    for name, field in Settings.model_fields.items():
        value = data[name]
        shown = "(unset)" if value is None else value
        out.print(f"{name:>16} = {shown}", markup=False)
        out.print(f"{'':>16}   RAG_{name.upper()}: {field.description}", style="dim", markup=False)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code (0 ok, 1 error, 2 usage)."""
    try:
        # Without standalone mode click returns a command's Exit code instead of raising it.
        code = cli.main(args=argv, prog_name="rag", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.exceptions.Abort:
        err.print("aborted")
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except RagError as exc:
        err.print(f"error: {exc}", markup=False)
        return 1
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())
