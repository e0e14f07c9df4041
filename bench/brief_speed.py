"""Seconds per brief with the embedded model, by article length (not a timed test).

    .venv/bin/python bench/brief_speed.py [--model gemma3-270m] [--repeat 3]

Short = the Thursday seed (~500 words); long = tests/data/long_article.txt (~2,300 words, map-
reduce). The model load is measured separately and excluded. The baseline in the same run is
one bare completion of the same prompt size, so the ratio shows what the brief adds to it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from rag.brief import make_brief
from rag.ingest.loaders import load_path
from rag.llm import Message
from rag.llm.local import LocalChatModel

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = {
    "short": ROOT / "seeds" / "004_6f3f07893199474a.txt",
    "long": ROOT / "tests" / "data" / "long_article.txt",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="gemma3-270m")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    model = LocalChatModel(args.model)
    start = time.perf_counter()
    model.llama  # noqa: B018 - load once, outside the timings
    load_s = time.perf_counter() - start
    rows = []
    for label, path in ARTICLES.items():
        [article] = list(load_path(path))
        runs, baseline = [], []
        for _ in range(args.repeat):
            t = time.perf_counter()
            made = make_brief(article, model)
            runs.append(time.perf_counter() - t)
            t = time.perf_counter()  # a bare completion with as many prompt tokens
            model.complete(
                [Message(role="user", content=" ".join(article.text.split()[:400]))],
                max_tokens=made.usage.completion_tokens or 1,
            )
            baseline.append(time.perf_counter() - t)
        rows.append(
            {
                "article": label,
                "words": article.word_count,
                "brief_s_median": round(statistics.median(runs), 2),
                "bare_completion_s_median": round(statistics.median(baseline), 2),
                "ratio": round(statistics.median(runs) / statistics.median(baseline), 2),
                "prompt_tokens": made.usage.prompt_tokens,
                "completion_tokens": made.usage.completion_tokens,
            }
        )
    print(f"model {args.model}, load {load_s:.2f} s")
    for r in rows:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
