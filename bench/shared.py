"""The shared index against the embedded one at ~100k chunks (a benchmark, not a test).

    .venv/bin/python bench/shared.py build --database-url URL --chroma-url URL [--work DIR]
    .venv/bin/python bench/shared.py query --database-url URL --chroma-url URL [--work DIR]

Both indexes get the same articles through the same `ingest()`: the 490-article corpus
replicated into editions as bench/scale.py does (own title, date and first line), the first
articles that reach --chunks. One is embedded (SQLite catalog + Chroma PersistentClient in a
data dir), the other shared (PostgreSQL catalog + a `chroma run` server). Build time is
reported per index as chunks per second.

Vectors come from HashEmbedder below (a deterministic hashed bag of words, 384-d): MiniLM
costs ~25 minutes of CPU per 16k chunks on this machine, and the backends do the same work
for any vector, which is what is compared here. The question's embedding is left out on both
sides (~6 ms with onnxruntime, the same for both backends: docs/PERFORMANCE.md).

query: the 12 wiki gold questions and the 56 seed questions, 3 rounds, k=5, in dense, lexical
and hybrid mode, unfiltered and with a date range, a source and 10 article ids; the two
backends alternate question by question (the order flips each round), so both see the same
machine load. p50/p95 per cell and the ratio shared/embedded.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import CORPUS, GOLD, SEED_GOLD, edition, pct  # noqa: E402

from rag.index.retrieve import Filters, Retriever  # noqa: E402
from rag.index.store import Store, chroma_client  # noqa: E402
from rag.ingest.run import ingest  # noqa: E402

DIMENSION = 384
ROUNDS = 3
COLLECTION = "bench_shared"
_WORD = re.compile(r"[a-z0-9]+")


class HashEmbedder:
    """Words hashed into 384 signed buckets, L2-normalised: deterministic and fast, with
    overlapping texts near each other (enough to give HNSW a real neighbourhood structure)."""

    name = "bench:hash-384"

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
                value = int.from_bytes(digest, "little")
                out[row, value % DIMENSION] += 1.0 if value & 1 << 31 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)


def open_store(work: Path, backend: str, args: argparse.Namespace, create: bool) -> Store:
    embedder = HashEmbedder()
    if backend == "embedded":
        return Store.open(work / "idx-embedded", COLLECTION, embedder.name, create=create)
    return Store.open(
        work / "idx-shared", COLLECTION, embedder.name, chroma_url=args.chroma_url,
        create=create, database_url=args.database_url,
    )  # fmt: skip


def corpus(work: Path, chunks: int) -> Path:
    """Symlinks to the editions' articles, in edition order, until ~`chunks` (bench/scale.py
    counts chunks per article the same way)."""
    from scale import chunks_per_article

    originals = sorted(CORPUS.glob("*.txt"))
    per_article = chunks_per_article(originals)
    editions = -(-chunks // sum(per_article))
    subset = work / f"subset-{chunks}"
    if subset.exists():
        return subset
    folder = work / "editions"
    subset.mkdir(parents=True)
    total = 0
    for number in range(editions):
        for index, path in enumerate(originals):
            if total >= chunks:
                return subset
            target = folder / f"e{number:02d}" / f"{path.stem}.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(edition(path.read_text(encoding="utf-8"), path.stem, number, index))
            (subset / f"{number:02d}-{index:03d}-{path.stem}.md").symlink_to(target)
            total += per_article[index]
    return subset


def build(work: Path, args: argparse.Namespace) -> None:
    folder = corpus(work, args.chunks)
    results = {}
    for backend in ("embedded", "shared"):
        if backend == "embedded":
            shutil.rmtree(work / "idx-embedded", ignore_errors=True)
        else:  # a rebuild starts from nothing on the servers too
            with open_store(work, backend, args, create=True) as store:
                assert store.shared is not None
                store.shared.drop()
                chroma_client(work, args.chroma_url).delete_collection(COLLECTION)
        with open_store(work, backend, args, create=True) as store:
            started = time.perf_counter()
            report = ingest([str(folder)], store, HashEmbedder())
            seconds = time.perf_counter() - started
            if store.shared is not None:  # what autovacuum does soon after, done at once
                store.shared._retry(lambda c: c.execute("VACUUM (ANALYZE) postings, chunks"))
            results[backend] = {
                "articles": report.new, "chunks": report.chunks_added,
                "seconds": round(seconds, 1),
                "chunks_per_s": round(report.chunks_added / seconds, 1),
                "consistent": store.check()["consistent"],
            }  # fmt: skip
        print(backend, results[backend], flush=True)
    (work / "build.json").write_text(json.dumps(results, indent=1))


def questions() -> list[str]:
    found = []
    for gold in (GOLD, SEED_GOLD):
        for line in gold.read_text().splitlines():
            if line.strip() and not line.startswith("//"):
                found.append(json.loads(line)["question"])
    return found


def query(work: Path, args: argparse.Namespace) -> None:
    embedder = HashEmbedder()
    stores = {b: open_store(work, b, args, create=False) for b in ("embedded", "shared")}
    asked = questions()
    some_ids = sorted(stores["embedded"].filter_articles())[:: max(1, 1000)][:10]
    filters: dict[str, Filters | None] = {
        "none": None,
        "date": Filters(since=date(2021, 1, 1), until=date(2022, 12, 31)),
        "source": Filters(source="/e00/"),
        "article": Filters(article_ids=some_ids),
    }
    vectors = {q: embedder.embed([q])[0] for q in asked}

    class Known:  # the question's vector, computed beforehand (left out of the timing)
        name = embedder.name

        def embed(self, texts: list[str]) -> np.ndarray:
            return np.stack([vectors[t] for t in texts])

    retrievers = {b: Retriever(s, Known()) for b, s in stores.items()}
    rows = []
    for fname, flt in filters.items():
        for mode in ("dense", "lexical", "hybrid"):
            times: dict[str, list[float]] = {"embedded": [], "shared": []}
            same = 0
            for q in asked[:5]:  # warm-up
                for r in retrievers.values():
                    r.search(q, 5, mode, flt)  # type: ignore[arg-type]
            for round_ in range(ROUNDS):
                order = ["embedded", "shared"] if round_ % 2 == 0 else ["shared", "embedded"]
                for q in asked:
                    got = {}
                    for backend in order:
                        started = time.perf_counter()
                        hits = retrievers[backend].search(q, 5, mode, flt)  # type: ignore[arg-type]
                        times[backend].append((time.perf_counter() - started) * 1000)
                        got[backend] = [h.chunk_id for h in hits]
                    same += got["embedded"] == got["shared"]
            row = {"filter": fname, "mode": mode, "same_hits": f"{same}/{ROUNDS * len(asked)}"}
            for backend, values in times.items():
                row[f"{backend}_p50"] = round(statistics.median(values), 1)
                row[f"{backend}_p95"] = round(pct(values, 0.95), 1)
            row["ratio_p50"] = round(row["shared_p50"] / max(row["embedded_p50"], 0.1), 2)
            row["ratio_p95"] = round(row["shared_p95"] / max(row["embedded_p95"], 0.1), 2)
            rows.append(row)
            print(json.dumps(row), flush=True)
    counts = {b: s.counts()["chunks"] for b, s in stores.items()}
    for store in stores.values():
        store.close()
    (work / "query.json").write_text(json.dumps({"chunks": counts, "rows": rows}, indent=1))
    print("| filter | mode | embedded p50 / p95 | shared p50 / p95 | ratio p50 / p95 | same hits |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['filter']} | {r['mode']} | {r['embedded_p50']} / {r['embedded_p95']} | "
            f"{r['shared_p50']} / {r['shared_p95']} | {r['ratio_p50']} / {r['ratio_p95']} | "
            f"{r['same_hits']} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["build", "query"])
    parser.add_argument("--work", type=Path, default=Path("/tmp/rag-bench-shared"))
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--chroma-url", required=True)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    (build if args.step == "build" else query)(args.work, args)


if __name__ == "__main__":
    main()
