"""Questions: ask one, or chat in the REPL."""

from __future__ import annotations

from datetime import datetime

import click

from rag.cli.common import (
    all_copies_option,
    filter_options,
    filters_of,
    log_for,
    no_log_option,
    open_store,
    out,
    print_json,
    question_arg,
    settings_of,
)


@click.command()
@click.argument("question", callback=question_arg)
@click.option("-k", type=click.IntRange(1, 20), help="Passages searched for the answer [5].")
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print the Answer as JSON.")
@all_copies_option
@no_log_option
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
    from rag.answer.read import reader_for
    from rag.cli.render import StatusLine, print_answer
    from rag.index.retrieve import Retriever
    from rag.llm import make_chat_model

    settings = settings_of(ctx)
    model = make_chat_model(settings)
    view = StatusLine(out) if not as_json else None
    filters = filters_of(articles_, source, since, until, latest)
    with open_store(settings, need_articles=True) as (store, embedder):
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
            as_of=as_of.date() if as_of else None,
            reader=reader_for(settings),
        )
    if as_json or view is None:
        print_json(answer)
    else:
        view.erase()
        print_answer(out, answer)
    with log_for(settings, no_log) as answer_log:
        if answer_log:
            answer_log.record(answer, command="ask", filters=filters)


@click.command()
@click.option("-k", type=click.IntRange(1, 20), help="Passages searched per answer [5].")
@filter_options
@all_copies_option
@no_log_option
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
    from rag.cli.repl import Repl
    from rag.index.retrieve import Retriever
    from rag.llm import make_chat_model

    settings = settings_of(ctx)
    model = make_chat_model(settings)
    with (
        open_store(settings, need_articles=True) as (store, embedder),
        log_for(settings, no_log) as answer_log,
    ):
        retriever = Retriever(
            store, embedder, per_article=settings.per_article, all_copies=all_copies
        )
        repl = Repl(retriever, model, settings, out)
        repl.filters = filters_of(articles_, source, since, until, latest)
        repl.k = k or settings.k
        repl.as_of = as_of.date() if as_of else None
        repl.answer_log = answer_log
        repl.run()
