"""Human-readable rendering of answers for the terminal (used by `rag ask` and the REPL)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from rag.answer import Answer, Citation
from rag.textsafe import safe


def _trim(text: str, limit: int = 240) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def citation_header(c: Citation) -> str:
    name = Path(c.source.split("#", 1)[0]).name
    return (
        f"[{c.n}] {safe(c.title)} ({c.date or 'no date'}) — {safe(name)}, chars {c.start}-{c.end}"
    )


def print_answer(console: Console, answer: Answer) -> None:
    """The checked answer (after the model's streamed draft), its evidence, what the checks
    did, then the numbered sources."""
    label = {"model": "Answer", "extractive": "Answer (quoted)", "abstain": "Answer"}
    console.print(f"{label[answer.method]}: {safe(answer.text)}", style="bold", markup=False)
    if answer.evidence and answer.method != "extractive":
        console.print(f'Evidence [{answer.evidence_n}]: "{safe(answer.evidence)}"', markup=False)
    for flag in answer.flags:
        console.print(f"check: {safe(flag)}", style="yellow", markup=False)
    if answer.abstained and answer.citations:
        console.print("Closest passages:", style="dim")
    elif answer.citations:
        console.print("Sources:", style="dim")
    for c in answer.citations:
        style = "" if c.n in answer.cited else "dim"
        console.print(citation_header(c), style=style or None, markup=False)
        console.print(f'    "{safe(_trim(c.text))}"', style="dim", markup=False)
