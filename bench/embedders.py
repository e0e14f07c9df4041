"""Faster local embedders against the default, on speed and retrieval quality (a benchmark,
not a test; the product's default is not changed by it).

    .venv/bin/python bench/embedders.py [--chunks 3000] [--json]

Variants of all-MiniLM-L6-v2, all from the same bundled weights:
- torch-fp32: the default (sentence-transformers on torch, CPU);
- torch-int8: torch dynamic int8 quantisation of the Linear layers;
- onnx-fp32: the transformer exported to ONNX, run by onnxruntime;
- onnx-int8: that ONNX graph with onnxruntime's dynamic int8 quantisation.

Speed: the same chunk texts are embedded by each variant in turn, round after round in the
same run (the machine is shared), and chunks/s is reported against torch-fp32's.
Quality: every answerable gold question (evals/retrieval_corpus.jsonl, evals/qa_seeds.jsonl)
is asked by dense search over the chunks of the seeds, the wiki gold articles and other corpus
articles up to --chunks; hit@1, hit@5,
MRR per variant, and the mean cosine between each variant's vectors and the default's.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from rag.core.tokens import get_encoding
from rag.eval.gold import load_gold
from rag.index.embed import LocalEmbedder
from rag.ingest.chunking import chunk_article
from rag.ingest.loaders import load_path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "wiki-articles"
GOLD = ROOT / "evals" / "retrieval_corpus.jsonl"
SEEDS = ROOT / "seeds"
SEED_GOLD = ROOT / "evals" / "qa_seeds.jsonl"


class TorchInt8:
    def __init__(self, st_model: Any) -> None:
        import copy

        import torch

        self.model = copy.deepcopy(st_model)
        self.model[0].model = torch.quantization.quantize_dynamic(  # auto_model is a property
            self.model[0].model, {torch.nn.Linear}, dtype=torch.qint8
        )

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.asarray(
            self.model.encode(texts, batch_size=64, normalize_embeddings=True), dtype=np.float32
        )


class Onnx:
    """rag.index.onnxembed's export (what questions run on), over batches of 64 sorted by length."""

    def __init__(self, st_model: Any, workdir: Path, int8: bool) -> None:
        from rag.index.onnxembed import OnnxMiniLM, export

        model_dir = LocalEmbedder._model_dir()
        path = workdir / "minilm.onnx"
        if not path.exists():
            export(st_model, model_dir, path)
        if int8:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            quantised = workdir / "minilm-int8.onnx"
            if not quantised.exists():
                quantize_dynamic(str(path), str(quantised), weight_type=QuantType.QInt8)
            path = quantised
        self.model = OnnxMiniLM(path, model_dir)

    def embed(self, texts: list[str]) -> np.ndarray:
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # as sentence-transformers
        vectors = np.concatenate(
            [
                self.model.embed([texts[j] for j in order[i : i + 64]])
                for i in range(0, len(order), 64)
            ]
        )
        result = np.empty_like(vectors)
        result[order] = vectors
        return result


def corpus_chunks(limit: int, gold_files: set[str]) -> tuple[list[str], list[str]]:
    enc = get_encoding("cl100k_base")
    files = sorted(CORPUS.glob("*.txt"), key=lambda p: (p.name not in gold_files, p.name))
    texts: list[str] = []
    for path in sorted(SEEDS.iterdir()):  # the seed questions are asked over this pool too
        article = next(iter(load_path(path)))
        texts += [c.text for c in chunk_article(article, enc, 256, 48)]  # type: ignore[arg-type]
    for path in files:
        if len(texts) >= limit and path.name not in gold_files:
            break
        article = next(iter(load_path(path)))
        texts += [c.text for c in chunk_article(article, enc, 256, 48)]  # type: ignore[arg-type]
    return texts, [p.name for p in files]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chunks", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    wiki = load_gold(GOLD)
    texts, _ = corpus_chunks(args.chunks, {a for item in wiki for a in item.articles})
    gold = wiki + [item for item in load_gold(SEED_GOLD) if item.evidence]
    default = LocalEmbedder(onnx=False)
    st = default._load()
    workdir = Path(tempfile.mkdtemp(prefix="rag-onnx-"))
    variants: dict[str, Any] = {
        "torch-fp32": default,
        "torch-int8": TorchInt8(st),
        "onnx-fp32": Onnx(st, workdir, int8=False),
        "onnx-int8": Onnx(st, workdir, int8=True),
    }
    sample = texts[:256]
    for v in variants.values():
        v.embed(sample[:8])  # warm-up
    speed: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.rounds):
        for name, v in variants.items():
            started = time.perf_counter()
            v.embed(sample)
            speed[name].append(len(sample) / (time.perf_counter() - started))

    questions = [item.question for item in gold]
    results = {}
    reference = None
    for name, v in variants.items():
        started = time.perf_counter()
        matrix = v.embed(texts)
        seconds = time.perf_counter() - started
        if reference is None:
            reference = matrix
        queries = v.embed(questions)
        ranks = []
        for item, q in zip(gold, queries, strict=True):
            order = np.argsort(-(matrix @ q))[:10]
            rank = next(
                (r for r, i in enumerate(order, 1) if any(e in texts[i] for e in item.evidence)),
                None,
            )
            ranks.append(rank)
        results[name] = {
            "chunks_per_s": round(statistics.median(speed[name]), 1),
            "ratio_to_default": round(
                statistics.median(speed[name]) / statistics.median(speed["torch-fp32"]), 2
            ),
            "corpus_embed_s": round(seconds, 1),
            "hit@1": round(sum(r == 1 for r in ranks) / len(ranks), 3),
            "hit@5": round(sum(r is not None and r <= 5 for r in ranks) / len(ranks), 3),
            "mrr": round(sum(1 / r for r in ranks if r) / len(ranks), 3),
            "cosine_to_default": round(float(np.mean(np.sum(matrix * reference, axis=1))), 4),
        }
        if not args.json:
            print(name, results[name], flush=True)
    summary = {"chunks": len(texts), "questions": len(gold), "variants": results}
    if args.json:
        print(json.dumps(summary))


if __name__ == "__main__":
    main()
