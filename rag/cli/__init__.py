"""The command line: `rag` and its subcommands, the REPL, and how results are shown."""

from rag.cli.main import main

__all__ = ["main"]
