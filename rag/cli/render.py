"""Human-readable rendering of answers for the terminal (used by `rag ask` and the REPL)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from rag.answer import Answer, Citation
from rag.answer.when import annotate_weekdays
from rag.core.textsafe import safe


def _trim(text: str, limit: int = 240) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def citation_header(c: Citation, detail: bool = False) -> str:
    """'[1] reuters.com · 2019-11-20 · Alibaba sets price for Hong Kong listing': the
    outlet (the file, for an article from a plain file), date and title; with `detail`, the
    file and the passage's characters too."""
    name = Path(c.source.split("#", 1)[0]).name
    line = f"[{c.n}] {safe(c.outlet or name)} · {c.date or 'undated'} · {safe(c.title)}"
    if detail:
        line += f" — {safe(name)}, chars {c.start}-{c.end}"
    return line


class StatusLine:
    """What a terminal shows while an answer is made: a status line, erased in place before
    the checked answer is printed. Off a terminal nothing is shown (the checked answer alone
    is printed)."""

    STATUS = "searching the articles…"

    def __init__(self, console: Console) -> None:
        self.console = console
        self.live = console.is_terminal
        self.shown = ""

    def start(self) -> None:
        if self.live:
            self._show(self.STATUS)

    def erase(self) -> None:
        """Clear the status line (however many rows it wraps to) and put the cursor at its start."""
        if not self.live or not self.shown:
            return
        width = max(self.console.width, 1)
        rows = max(1, -(-len(self.shown) // width))
        self.console.file.write("\r\x1b[2K" + "\x1b[1A\x1b[2K" * (rows - 1))
        self.console.file.flush()
        self.shown = ""

    def _show(self, text: str) -> None:
        self.console.print(text, end="", style="dim", markup=False)
        self.shown += text


def print_answer(console: Console, answer: Answer, passages: bool = True) -> None:
    """The checked answer, its evidence, what the checks
    did, then the numbered sources, one line each, with their passages unless `passages` is
    off (the REPL keeps the answer on screen; /sources shows them)."""
    label = {
        "read": "Answer",
        "reader": "Answer",
        "span": "Answer",
        "model": "Answer",
        "extractive": "Answer (quoted)",
        "abstain": "Answer",
    }
    console.print(f"{label[answer.method]}: {safe(answer.text)}", style="bold", markup=False)
    if answer.differs:
        console.print(safe(answer.differs), style="bold yellow", markup=False)
    if answer.quotes:  # the reading path: each quote was found in its passage
        for quote in answer.quotes:
            console.print(f'Quote [{quote.passage}]: "{safe(quote.text)}"', markup=False)
    elif answer.evidence and answer.method != "extractive":
        shown = annotate_weekdays(answer.evidence, answer.evidence_date)
        dated = f" ({answer.evidence_date})" if answer.evidence_date else ""
        console.print(f'Evidence [{answer.evidence_n}]{dated}: "{safe(shown)}"', markup=False)
    elif answer.evidence_date and not answer.abstained:
        console.print(f"Source date: {answer.evidence_date}", markup=False)
    if answer.read_as:
        console.print(f"Read as: {safe(answer.read_as)}", style="dim", markup=False)
    if answer.time_scope:
        console.print(f"Dates: {safe(answer.time_scope)}", style="dim", markup=False)
    for flag in answer.flags:
        console.print(f"check: {safe(flag)}", style="yellow", markup=False)
    if answer.abstained and answer.citations:
        console.print("Closest passages:", style="dim")
    elif answer.citations:
        console.print("Sources:", style="dim")
    for c in answer.citations:
        style = "" if c.n in answer.cited else "dim"
        console.print(citation_header(c), style=style or None, markup=False)
        if passages:
            console.print(f'    "{safe(_trim(c.text))}"', style="dim", markup=False)
