"""Looking after the index and the model: stats, doctor, serve-llm, config."""

from __future__ import annotations

from typing import Any

import click

from rag.cli.common import err, open_store, out, print_json, settings_of
from rag.core.config import Settings


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Counts of articles, chunks, tokens, and whether Chroma and the catalog agree."""
    settings = settings_of(ctx)
    with open_store(settings) as (store, embedder):
        data: dict[str, Any] = store.counts()
        data["vectors"] = store.vector_count()
        data["embedder"] = embedder.name
        data["dimension"] = store.dimension
        data["data_dir"] = str(settings.data_dir)
        data["consistent"] = data["vectors"] == data["chunks"] == data["lexical_rows"]
    if as_json:
        print_json(data)
        return
    for key, value in data.items():
        out.print(f"{key:>13}: {value}", markup=False)


@click.command()
@click.option("--repair", is_flag=True, help="Fix drift: drop stray vectors, re-queue articles.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def doctor(ctx: click.Context, repair: bool, as_json: bool) -> None:
    """Check that Chroma and the lexical index hold exactly the same chunks."""
    with open_store(settings_of(ctx)) as (store, _):
        if repair:
            store.lock(exclusive=True)
        report = store.check(repair=repair)
    if as_json:
        print_json(report)
    else:
        for key, value in report.items():
            out.print(f"{key:>20}: {value}", markup=False)
        if not report["consistent"] and not repair:
            err.print("run `rag doctor --repair`, then `rag ingest` again to re-index")
    if not report["consistent"] and not repair:
        raise click.exceptions.Exit(1)


@click.command("serve-llm")
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

    settings = settings_of(ctx)
    name = model or (settings.llm_model if settings.llm_provider == "local" else None)
    err.print(f"serving {name or 'gemma3-270m'} on http://{host}:{port}/v1 (Ctrl-C stops)")
    serve(name or "gemma3-270m", host, port, settings.llm_n_ctx, settings.llm_threads)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def config(ctx: click.Context, as_json: bool) -> None:
    """Show the effective settings (secrets redacted) and where each can be set."""
    settings = settings_of(ctx)
    data = settings.model_dump(mode="json")
    if settings.database_url:
        from rag.index.pgdb import redact_url

        data["database_url"] = redact_url(settings.database_url)
    if as_json:
        print_json(data | {"answers": settings.answer_path})
        return
    out.print(f"{'answers':>16} : {settings.answer_path}", markup=False)
    for name, field in Settings.model_fields.items():
        value = data[name]
        shown = "(unset)" if value is None else value
        out.print(f"{name:>16} = {shown}", markup=False)
        out.print(f"{'':>16}   RAG_{name.upper()}: {field.description}", style="dim", markup=False)
