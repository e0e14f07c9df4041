"""Retrieval quality and latency per mode on an existing index (not a test).

    python bench/retrieval.py --data-dir .rag evals/qa_seeds.jsonl [more gold files] [--json]

Prints hit@1, hit@5, MRR and latency p50/p95 (LLM excluded) for dense, lexical and hybrid.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rag.embed import LocalEmbedder
from rag.evalset import load_gold
from rag.evaluate import evaluate_retrieval
from rag.retrieve import Retriever
from rag.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("gold", nargs="+", type=Path)
    parser.add_argument("--data-dir", type=Path, default=Path(".rag"))
    parser.add_argument("--collection", default="articles")
    parser.add_argument("-k", type=int, default=5)
    parser.add_argument("--per-article", type=int, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    items = [item for path in args.gold for item in load_gold(path)]
    embedder = LocalEmbedder()
    embedder.embed(["warm-up"])  # model load is not query latency
    results = {}
    with Store.open(args.data_dir, args.collection, embedder.name) as store:
        chunks = store.catalog.counts()["chunks"]
        retriever = Retriever(store, embedder, per_article=args.per_article)
        for mode in ("dense", "lexical", "hybrid"):
            retriever.search("warm-up query", k=args.k, mode=mode)
            results[mode] = evaluate_retrieval(items, retriever, mode, args.k)
    if args.json:
        print(json.dumps({m: r.model_dump() for m, r in results.items()} | {"chunks": chunks}))
        return
    n = len(results["hybrid"].items)
    print(f"{n} answerable questions, {chunks} chunks in the index")
    print(f"{'mode':<8} {'hit@1':>6} {'hit@5':>6} {'MRR':>6} {'p50 ms':>7} {'p95 ms':>7}")
    for mode, r in results.items():
        print(
            f"{mode:<8} {r.hit_at_1:>6.3f} {r.hit_at_5:>6.3f} {r.mrr:>6.3f} "
            f"{r.latency_p50_ms:>7.1f} {r.latency_p95_ms:>7.1f}"
        )
    misses = [i.id for i in results["hybrid"].items if i.rank is None]
    print(f"hybrid misses: {', '.join(misses) or 'none'}")


if __name__ == "__main__":
    main()
