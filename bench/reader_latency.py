"""Answer latency (retrieval, the learned reader and the checks) against the search alone,
measured in one run.

Indexes an article folder into a temporary index, then per question of a gold file runs the
search the answer starts with and the whole answer, alternating the order per question so
the machine's load hits both alike, and prints p50/p95 of each and their ratio: what reading
and checking add to a search.

    python bench/reader_latency.py [--gold evals/qa_seeds.jsonl] [--articles seeds] [--rounds 2]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from rag.answer import answer_question
from rag.answer.read import reader_for
from rag.core.config import load_settings
from rag.eval.gold import load_gold
from rag.eval.metrics import percentile
from rag.index.embed import make_embedder
from rag.index.retrieve import Retriever
from rag.index.store import Store
from rag.ingest.run import ingest
from rag.llm import make_chat_model

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--gold", type=Path, default=ROOT / "evals" / "qa_seeds.jsonl")
    p.add_argument("--articles", type=Path, default=ROOT / "seeds")
    p.add_argument("--rounds", type=int, default=2)
    args = p.parse_args()
    settings = load_settings()
    embedder, model = make_embedder(settings), make_chat_model(settings)
    reader = reader_for(settings)
    questions = [g.question for g in load_gold(args.gold)]
    times: dict[str, list[float]] = {"answer": [], "search": []}
    with (
        tempfile.TemporaryDirectory() as work,
        Store.open(Path(work), "articles", embedder.name, create=True) as store,
    ):
        ingest([str(args.articles)], store, embedder)
        retriever = Retriever(store, embedder, per_article=settings.per_article)
        answer_question(questions[0], retriever=retriever, model=model, reader=reader)  # warm
        for r in range(args.rounds):
            for i, q in enumerate(questions):
                order = ("answer", "search") if (i + r) % 2 == 0 else ("search", "answer")
                for name in order:
                    started = time.perf_counter()
                    if name == "answer":
                        answer_question(q, retriever=retriever, model=model, reader=reader)
                    else:
                        retriever.search(q, k=settings.k)
                    times[name].append((time.perf_counter() - started) * 1000)
    for name, values in times.items():
        values.sort()
        p50, p95 = statistics.median(values), percentile(values, 95)
        print(f"{name:7} p50 {p50:7.0f} ms  p95 {p95:7.0f} ms  ({len(values)} answers)")
    ratio = statistics.median(times["answer"]) / statistics.median(times["search"])
    diff = statistics.median(times["answer"]) - statistics.median(times["search"])
    print(f"answer / search p50: {ratio:.2f} ({diff:+.0f} ms)")


if __name__ == "__main__":
    main()
