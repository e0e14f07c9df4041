"""Command line: builds the parts from settings and calls the core. `main(argv) -> int`.

The root group and its global options live here; each group of subcommands is a module of
its own (index, ask, brief, eval, logs, admin), added below.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from rag import __version__
from rag.cli import admin, ask, brief, eval, index, logs
from rag.cli.common import err
from rag.core.errors import RagError


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


for command in (
    index.ingest, index.articles, index.rm, index.search, ask.ask, ask.chat, brief.brief,
    eval.eval_, logs.logs, admin.stats, admin.doctor, admin.serve_llm, admin.config,
):  # fmt: skip
    cli.add_command(command)


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
