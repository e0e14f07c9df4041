"""Retrieval quality and latency per mode on an existing index (not a test).

    python bench/retrieval.py --data-dir .rag evals/qa_seeds.jsonl [more gold files] [--json]

Prints hit@1, hit@5, MRR@5 and latency p50/p95 (LLM excluded) for dense, lexical and hybrid,
scored by the eval's own retrieval suite (rag.eval.run.retrieval_items).
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from rag.eval.gold import load_gold
from rag.eval.metrics import percentile
from rag.eval.run import retrieval_items
from rag.index.embed import LocalEmbedder
from rag.index.retrieve import Retriever
from rag.index.store import Store


def scores(rows: list) -> dict:  # type: ignore[type-arg]
    """The mean of each 0/1 score and MRR, and latency p50/p95, over the items."""
    n = max(len(rows), 1)
    latencies = sorted(r.scores["latency_ms"] for r in rows) or [0.0]
    return {
        "hit_at_1": sum(r.scores["hit_at_1"] for r in rows) / n,
        "hit_at_5": sum(r.scores["hit_at_5"] for r in rows) / n,
        "mrr": sum(r.scores["mrr"] for r in rows) / n,
        "latency_p50_ms": statistics.median(latencies),
        "latency_p95_ms": percentile(latencies, 95),
        "items": len(rows),
        "misses": [r.id for r in rows if r.outputs["rank"] is None],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("gold", nargs="+", type=Path)
    parser.add_argument("--data-dir", type=Path, default=Path(".rag"))
    parser.add_argument("--collection", default="articles")
    parser.add_argument("--per-article", type=int, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    items = [item for path in args.gold for item in load_gold(path)]
    embedder = LocalEmbedder()
    embedder.embed(["warm-up"])  # model load is not query latency
    results = {}
    with Store.open(args.data_dir, args.collection, embedder.name) as store:
        chunks = store.counts()["chunks"]
        for mode in ("dense", "lexical", "hybrid"):
            retriever = Retriever(store, embedder, per_article=args.per_article, mode=mode)
            retriever.search("warm-up query", k=5)
            results[mode] = scores(retrieval_items(items, retriever))
    if args.json:
        print(json.dumps(results | {"chunks": chunks}))
        return
    print(f"{results['hybrid']['items']} answerable questions, {chunks} chunks in the index")
    print(f"{'mode':<8} {'hit@1':>6} {'hit@5':>6} {'MRR':>6} {'p50 ms':>7} {'p95 ms':>7}")
    for mode, r in results.items():
        print(
            f"{mode:<8} {r['hit_at_1']:>6.3f} {r['hit_at_5']:>6.3f} {r['mrr']:>6.3f} "
            f"{r['latency_p50_ms']:>7.1f} {r['latency_p95_ms']:>7.1f}"
        )
    print(f"hybrid misses: {', '.join(results['hybrid']['misses']) or 'none'}")


if __name__ == "__main__":
    main()
