"""Progress on stderr for long work: a bar per stage on a terminal, terse lines when piped.

`Stages.tick(stage, total)` starts a stage when total > 0 and advances it by one when total
is 0, which is the callback shape the core takes (`run_eval(progress=...)`).
"""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

# When piped, a stage says how far it is at most this often (and always when it ends).
PIPED_EVERY_S = 10.0


class Stages:
    def __init__(self, console: Console, prefix: str = "") -> None:
        self.console = console
        self.prefix = prefix
        self.terminal = console.is_terminal
        self.bar = Progress(
            TextColumn("{task.description:<10}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=not self.terminal,
        )
        self.tasks: dict[str, TaskID] = {}
        self.state: dict[str, list[float]] = {}  # stage -> [done, total, started, last said]

    def __enter__(self) -> Stages:
        self.bar.__enter__()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.bar.__exit__(kind, exc, tb)

    def tick(self, stage: str, total: int) -> None:
        base = stage.split(" ")[0]
        now = time.monotonic()
        if total:
            self.tasks[base] = self.bar.add_task(stage, total=total)
            self.state[base] = [0, total, now, now]
            self._say(f"{stage}: {total} items")
            return
        if base not in self.state:
            return
        self.bar.advance(self.tasks[base])
        done, total_f, started, said = self.state[base]
        done += 1
        self.state[base] = [done, total_f, started, said]
        if done >= total_f:
            self._say(f"{base}: {int(done)}/{int(total_f)} done in {now - started:.1f}s")
        elif now - said >= PIPED_EVERY_S:
            self.state[base][3] = now
            self._say(f"{base}: {int(done)}/{int(total_f)} ({now - started:.0f}s)")

    def _say(self, line: str) -> None:
        if not self.terminal:
            self.console.print(f"{self.prefix}{line}", markup=False, highlight=False)
