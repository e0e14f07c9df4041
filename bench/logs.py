"""How fast the answer log lists and searches at 10,000 entries.

Writes N entries (each with k passages of ~1,000 characters, as `rag ask` logs them) into a
fresh logs.sqlite, then times, alternating in rounds so the machine's load hits all alike:
- the query alone, in-process: the newest 20 entries, and a full-text search (`-q`);
- the whole command in a new process: `rag logs` and `rag logs -q WORDS`, against the same
  process doing nothing but start (`rag --version`), measured in the same rounds; the
  difference is what the log costs, the ratio says how much of the wait is start-up.

    python bench/logs.py [--entries 10000] [--passages 5] [--rounds 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rag.answer.pipeline import Answer, Citation
from rag.logs import AnswerLog

WORDS = [
    "shares",
    "rallied",
    "revenue",
    "quarter",
    "profit",
    "guidance",
    "chips",
    "export",
    "market",
    "investors",
    "regulator",
    "tariff",
    "inflation",
    "bank",
    "rate",
    "merger",
    "acquisition",
    "earnings",
    "forecast",
    "growth",
    "decline",
    "dividend",
]
RAG = str(Path(sys.executable).parent / "rag")


def fake_answer(i: int, passages: int) -> Answer:
    word = WORDS[i % len(WORDS)]
    other = WORDS[(i * 7) % len(WORDS)]
    body = f"Company {i} said its {word} rose {i % 97}% as {other} improved. " * 14
    return Answer(
        question=f"How did {word} change for company {i} after the {other} news?",
        query=f"{word} company {i} {other}",
        text=f"{i % 97}% [1]",
        abstained=False,
        method="span",
        evidence=body[:70],
        evidence_n=1,
        citations=[
            Citation(
                n=n,
                chunk_id=f"{i:016x}:{n}",
                article_id=f"{i:016x}",
                title=f"Article {i}",
                date="2025-03-04",
                source=f"/news/{i}.txt",
                start=0,
                end=len(body),
                text=body,
            )
            for n in range(1, passages + 1)
        ],  # fmt: skip
        cited=[1],
        model="local:gemma3-270m",
    )


def timed(fn, rounds: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--passages", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="rag-logs-bench-"))
    t = time.perf_counter()
    with AnswerLog.open_for_writing(data) as log:
        for i in range(args.entries):
            log.record(fake_answer(i, args.passages), command="ask")
    write_s = time.perf_counter() - t
    size_mb = (data / "logs.sqlite").stat().st_size / 1e6
    print(
        f"{args.entries:,} entries x {args.passages} passages written in {write_s:.1f} s "
        f"({write_s / args.entries * 1000:.2f} ms each, one transaction each); {size_mb:.0f} MB"
    )

    results: dict[str, list[float]] = {
        k: [] for k in ("list", "search", "start", "cli list", "cli -q")
    }
    env = dict(os.environ, RAG_DATA_DIR=str(data))
    commands = {
        "start": [RAG, "--version"],
        "cli list": [RAG, "logs"],
        "cli -q": [RAG, "logs", "-q", "merger company 4"],
    }
    with AnswerLog.open(data) as log:
        for _ in range(args.rounds):
            results["list"] += timed(lambda: log.entries(20), 3)
            results["search"] += timed(lambda: log.entries(20, search="merger company 4"), 3)
            for name, argv in commands.items():
                t = time.perf_counter()
                subprocess.run(argv, env=env, check=True, capture_output=True)
                results[name].append((time.perf_counter() - t) * 1000)
        hits = len(log.entries(10_000, search="merger company 4"))
    print(f"-q 'merger company 4' matches {hits} entries (the newest 20 are listed)\n")
    print("| what | p50 ms | p95 ms |")
    print("|---|---|---|")
    for name, values in results.items():
        values = sorted(values)
        p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
        print(f"| {name} | {statistics.median(values):.1f} | {p95:.1f} |")
    start = statistics.median(results["start"])
    for name in ("cli list", "cli -q"):
        p50 = statistics.median(results[name])
        print(
            f"{name}: {p50:.0f} ms = start-up {start:.0f} ms + {p50 - start:.0f} ms "
            f"({p50 / start:.2f}x a bare start)"
        )


if __name__ == "__main__":
    main()
