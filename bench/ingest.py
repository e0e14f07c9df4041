"""Ingest throughput against the raw embedder on the same chunk texts, re-ingest time and
peak memory (a benchmark, not a test).

    .venv/bin/python bench/ingest.py [CORPUS_DIR] [--limit N] [--json]

1. raw: load and chunk every article, then embed all chunk texts with the same embedder and
   batch size the pipeline uses, in this process (model loaded and warmed first);
2. pipeline: `rag ingest` of the same folder into a fresh data dir, in a subprocess (its own
   seconds from the report minus the model load it reports, a once-per-process cost shown
   apart; peak RSS of that process);
3. re-ingest of the unchanged folder (subprocess again).
The ratio pipeline/raw is the pipeline's overhead, measured in the same run on the same texts.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rag.core.tokens import get_encoding
from rag.core.types import Article
from rag.index.embed import LocalEmbedder
from rag.ingest.chunking import chunk_article
from rag.ingest.loaders import discover, load_path
from rag.ingest.run import EMBED_BUFFER_CHUNKS

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "wiki-articles"


def run_ingest(corpus: Path, data_dir: Path) -> tuple[dict, float]:
    """(the ingest report, peak RSS in MB of the ingest process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run(
        [sys.executable, "-m", "rag.cli", "--data-dir", str(data_dir), "ingest", str(corpus),
         "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return json.loads(proc.stdout), max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, help="Only the first N files.")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="rag-bench-"))
    try:
        corpus = args.corpus
        files, _ = discover([str(corpus)])
        if args.limit:
            corpus = work / "corpus"
            corpus.mkdir()
            for f in files[: args.limit]:
                shutil.copy(f, corpus / f.name)
            files = files[: args.limit]

        enc = get_encoding()
        t = time.perf_counter()
        articles = [a for f in files for a in load_path(f) if isinstance(a, Article)]
        load_s = time.perf_counter() - t
        t = time.perf_counter()
        texts = [c.text for a in articles for c in chunk_article(a, enc, 256, 48)]
        chunk_s = time.perf_counter() - t

        embedder = LocalEmbedder()
        embedder.embed(["warm-up"])
        t = time.perf_counter()
        for i in range(0, len(texts), EMBED_BUFFER_CHUNKS):  # as the pipeline buffers them
            embedder.embed(texts[i : i + EMBED_BUFFER_CHUNKS])
        raw_s = time.perf_counter() - t

        first, peak_mb = run_ingest(corpus, work / "idx")
        again, _ = run_ingest(corpus, work / "idx")
        work_s = first["seconds"] - first["model_load_seconds"]
        result = {
            "articles": len(articles),
            "chunks": len(texts),
            "load_s": round(load_s, 2),
            "chunk_s": round(chunk_s, 2),
            "raw_embed_chunks_per_s": round(len(texts) / raw_s, 1),
            "ingest_s": round(first["seconds"], 2),
            "ingest_model_load_s": round(first["model_load_seconds"], 2),
            "ingest_chunks_per_s": round(first["chunks_added"] / work_s, 1),
            "ingest_articles_per_s": round(first["new"] / work_s, 2),
            "ratio_ingest_to_raw": round(
                (first["chunks_added"] / work_s) / (len(texts) / raw_s), 3
            ),
            "reingest_s": round(again["seconds"], 2),
            "reingest_share_of_first": round(again["seconds"] / first["seconds"], 4),
            "ingest_peak_rss_mb": round(peak_mb),
            "cpus": os.cpu_count(),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:>26}: {value}")


if __name__ == "__main__":
    main()
