"""Ingest memory and retrieval latency at ~1k, ~10k and ~100k chunks (a benchmark, not a test).

    .venv/bin/python bench/scale.py build [--work DIR] [--sizes 1000 10000 100000] [--fresh]
    .venv/bin/python bench/scale.py query [--work DIR] [--json]

build: the 490-article corpus is replicated into editions (each copy gets its own title, a
date and an "Edition N." line, so a new article id and a new first chunk); for each size, the
first articles in edition order that reach it are ingested by `rag ingest` into their own data
dir, in a subprocess whose peak RSS is read from wait4. Edition 0 is ingested first on its own
with an empty embedding cache: the full cost of embedding the corpus. The later, larger
indexes start from a copy of its embedding cache, so replicated chunk texts are not embedded
again; their ingest time is chunking, cache lookups, Chroma and the lexical index. With
--fresh, each size is ingested with the embedding cache off (every chunk embedded, into
fresh-SIZE), to see peak RSS while embedding at that size.

query: every index answers the wiki gold questions (evals/retrieval_corpus.jsonl) and the
seed questions (evals/qa_seeds.jsonl, query load only: 68 questions, 3 rounds) in dense,
lexical and hybrid mode, unfiltered and with a date range, a source and an article-id filter;
p50/p95 latency per cell (LLM excluded, the embedder loaded and warmed first), and hit@5 on
the wiki gold to show quality at scale. Then this session's changes are undone one at a time
and timed in interleaved rounds against the code as it is (before/after rows).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from rag.index.retrieve import Filters

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "wiki-articles"
GOLD = ROOT / "evals" / "retrieval_corpus.jsonl"
SEED_GOLD = ROOT / "evals" / "qa_seeds.jsonl"
ROUNDS = 3  # every question this many times per cell
CACHE = "embed-cache.sqlite"
FIRST_DAY = date(2020, 1, 1)


def edition(text: str, stem: str, number: int, index: int) -> str:
    day = FIRST_DAY + timedelta(days=(index * 37 + number * 101) % 2190)
    title = stem.replace("_", " ") + ("" if number == 0 else f" (edition {number})")
    return f"---\ntitle: {title}\ndate: {day.isoformat()}\n---\nEdition {number}.\n{text}"


def chunks_per_article(files: list[Path]) -> list[int]:
    from rag.core.tokens import get_encoding
    from rag.ingest.chunking import chunk_article
    from rag.ingest.loaders import load_path

    enc = get_encoding("cl100k_base")
    counts = []
    for path in files:
        article = next(iter(load_path(path)))
        counts.append(len(chunk_article(article, enc, 256, 48)))  # type: ignore[arg-type]
    return counts


def ingest(folder: Path, data_dir: Path, fresh: bool = False) -> dict:
    started = time.perf_counter()
    env = dict(os.environ, RAG_EMBED_CACHE="false") if fresh else None
    proc = subprocess.Popen(
        [sys.executable, "-m", "rag.cli", "--data-dir", str(data_dir), "ingest", str(folder),
         "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
    )  # fmt: skip
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"ingest of {folder} failed: exit {proc.returncode}")
    report = json.loads(out)
    return {
        "wall_s": round(time.perf_counter() - started, 1),
        "seconds": round(report["seconds"], 1),
        "model_load_s": round(report["model_load_seconds"], 1),
        "articles": report["new"],
        "chunks": report["chunks_added"],
        "embeddings_cached": report["embeddings_cached"],
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
    }


def build(work: Path, sizes: list[int], fresh: bool = False) -> None:
    originals = sorted(CORPUS.glob("*.txt"))
    per_article = chunks_per_article(originals)
    per_edition = sum(per_article)
    editions = -(-max(sizes) // per_edition)
    corpus = work / "corpus"
    if not corpus.exists():
        for number in range(editions):
            folder = corpus / f"e{number:02d}"
            folder.mkdir(parents=True)
            for index, path in enumerate(originals):
                text = path.read_text(encoding="utf-8")
                (folder / f"{path.stem}.md").write_text(edition(text, path.stem, number, index))
    ordered = [corpus / f"e{n:02d}" / f"{p.stem}.md" for n in range(editions) for p in originals]
    results: dict[str, dict] = {}
    first = work / "idx-edition0"
    if not (first / "done.json").exists():
        shutil.rmtree(first, ignore_errors=True)
        results["edition0"] = ingest(corpus / "e00", first)
        (first / "done.json").write_text(json.dumps(results["edition0"]))
    results["edition0"] = json.loads((first / "done.json").read_text())
    print("edition0", results["edition0"], flush=True)
    for size in sizes:
        data_dir = work / (f"fresh-{size}" if fresh else f"idx-{size}")
        if (data_dir / "done.json").exists():
            results[str(size)] = json.loads((data_dir / "done.json").read_text())
            print(size, results[str(size)], flush=True)
            continue
        shutil.rmtree(data_dir, ignore_errors=True)
        subset = work / f"subset-{size}"
        shutil.rmtree(subset, ignore_errors=True)
        subset.mkdir()
        total = 0
        for n, path in enumerate(ordered):
            if total >= size:
                break
            (subset / f"{n:05d}-{path.name}").symlink_to(path)
            total += per_article[n % len(originals)]
        data_dir.mkdir(parents=True)
        if not fresh:
            shutil.copy(first / CACHE, data_dir / CACHE)
        results[str(size)] = ingest(subset, data_dir, fresh)
        (data_dir / "done.json").write_text(json.dumps(results[str(size)]))
        print(size, results[str(size)], flush=True)
    summary = work / ("build-fresh.json" if fresh else "build.json")
    summary.write_text(json.dumps(results, indent=1))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def old_drop_common_terms(catalog: Any, terms: list[str]) -> list[str]:
    """Session 3's rule: leave out terms in over 10% of the chunks (>= 2,000 chunks), keeping
    the 3 rarest; replaced by the postings budget."""
    db = catalog._reader()
    state = catalog._term_state(db)
    total = state["chunks"]
    if total < 2000 or len(terms) <= 3:
        return terms
    freq = catalog._doc_freqs(db, state, terms)
    kept = [t for t in terms if freq[t] <= 0.10 * total]
    if len(kept) < 3:
        rarest = set(sorted(terms, key=lambda t: freq[t])[:3])
        kept = [t for t in terms if t in rarest]
    return kept


def before_after(
    retriever: Any, torch_embedder: Any, questions: list[str], rows: list, chunks: int
) -> None:
    """This session's changes undone one at a time, in interleaved rounds of the same run."""
    from rag.index.retrieve import Retriever, diversify, fuse

    catalog = retriever.store.catalog
    budget = catalog.drop_common_terms
    old = Retriever(retriever.store, torch_embedder)
    some_ids = [a.id for a in catalog.articles()[:10]]
    article = Filters(article_ids=some_ids)

    def with_rule(rule: Any, run: Any) -> Any:
        def call(q: str) -> Any:
            catalog.drop_common_terms = rule
            try:
                return run(q)
            finally:
                catalog.drop_common_terms = budget

        return call

    def in_search(q: str) -> Any:
        from rag.index import retrieve

        saved = retrieve.EXACT_MAX_CHUNKS
        retrieve.EXACT_MAX_CHUNKS = 0
        try:
            return retriever.search(q, k=5, mode="dense", filters=article)
        finally:
            retrieve.EXACT_MAX_CHUNKS = saved

    old_rule = lambda terms: old_drop_common_terms(catalog, terms)  # noqa: E731

    def one_after_other(r: Any) -> Any:
        return lambda q: diversify(fuse(r._dense(q, 40, None), r._lexical(q, 40, None)), 5, None)

    variants = {
        ("hybrid", "none", "before (torch question, 10% share rule, one after the other)"): (
            with_rule(old_rule, one_after_other(old))
        ),
        ("hybrid", "none", "torch question, postings budget, one after the other"): (
            one_after_other(old)
        ),
        ("hybrid", "none", "onnx question, postings budget, one after the other"): (
            one_after_other(retriever)
        ),
        ("hybrid", "none", "torch question, postings budget, side by side"): lambda q: old.search(
            q, k=5
        ),
        ("hybrid", "none", "after (onnx question, postings budget, side by side)"): (
            lambda q: retriever.search(q, k=5)
        ),
        ("lexical", "none", "10% share rule"): with_rule(
            old_rule, lambda q: retriever.search(q, k=5, mode="lexical")
        ),
        ("lexical", "none", "postings budget"): lambda q: retriever.search(q, k=5, mode="lexical"),
        ("dense", "torch", "question embedding"): lambda q: torch_embedder.embed([q]),
        ("dense", "onnx", "question embedding"): lambda q: retriever.embedder.embed([q]),
        ("dense", "article", "before (Chroma $in)"): in_search,
        ("dense", "article", "after (exact by id)"): lambda q: retriever.search(
            q, k=5, mode="dense", filters=article
        ),
    }
    times: dict[tuple, list[float]] = {key: [] for key in variants}
    for _ in range(ROUNDS):  # interleaved rounds: noise from the shared machine hits all alike
        for key, run in variants.items():
            run("warm-up query")
            for question in questions:
                started = time.perf_counter()
                run(question)
                times[key].append((time.perf_counter() - started) * 1000)
    for (mode, flt, name), values in times.items():
        rows.append(
            {
                "chunks": chunks,
                "mode": f"{mode}: {name}",
                "filter": flt,
                "p50_ms": round(statistics.median(values), 1),
                "p95_ms": round(pct(values, 0.95), 1),
            }
        )
        print(rows[-1], flush=True)


def query(work: Path, as_json: bool) -> None:
    from rag.eval.gold import load_gold
    from rag.index.embed import LocalEmbedder
    from rag.index.retrieve import Retriever
    from rag.index.store import Store

    items = load_gold(GOLD)
    questions = [item.question for item in items] + [
        item.question for item in load_gold(SEED_GOLD)
    ]  # the seed questions are query load only: their articles are not in these indexes
    embedder = LocalEmbedder()
    embedder.embed(["warm-up"])
    torch_embedder = LocalEmbedder(onnx=False)
    torch_embedder.embed(["warm-up"])
    rows = []
    for data_dir in sorted(work.glob("idx-[0-9]*"), key=lambda p: int(p.name[4:])):
        with Store.open(data_dir, "articles", embedder.name) as store:
            chunks = store.catalog.counts()["chunks"]
            some_ids = [a.id for a in store.catalog.articles()[:10]]
            filters = {
                "none": None,
                "date": Filters(since=date(2021, 1, 1), until=date(2022, 12, 31)),
                "source": Filters(source="/e00/"),
                "article": Filters(article_ids=some_ids),
            }
            retriever = Retriever(store, embedder)
            for mode in ("dense", "lexical", "hybrid"):
                for name, flt in filters.items():
                    retriever.search("warm-up query", k=5, mode=mode, filters=flt)  # type: ignore[arg-type]
                    times = []
                    for _ in range(ROUNDS):
                        for question in questions:
                            started = time.perf_counter()
                            retriever.search(question, k=5, mode=mode, filters=flt)  # type: ignore[arg-type]
                            times.append((time.perf_counter() - started) * 1000)
                    found = sum(
                        any(any(e in h.text for e in item.evidence) for h in hits)
                        for item in (items if name == "none" else [])
                        for hits in [retriever.search(item.question, k=5, mode=mode)]  # type: ignore[arg-type]
                    )
                    row = {
                        "chunks": chunks,
                        "mode": mode,
                        "filter": name,
                        "p50_ms": round(statistics.median(times), 1),
                        "p95_ms": round(pct(times, 0.95), 1),
                    }
                    if name == "none":
                        row["hit@5"] = round(found / len(items), 3)
                    rows.append(row)
                    if not as_json:
                        print(row, flush=True)
            before_after(retriever, torch_embedder, questions, rows, chunks)
    (work / "query.json").write_text(json.dumps(rows, indent=1))
    if as_json:
        print(json.dumps(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("step", choices=["build", "query"])
    parser.add_argument("--work", type=Path, default=Path("/tmp/rag-scale"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--fresh", action="store_true", help="build: no embedding cache")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.step == "build":
        build(args.work, args.sizes, args.fresh)
    else:
        query(args.work, args.json)


if __name__ == "__main__":
    main()
