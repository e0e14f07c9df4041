"""Export a trained reader to ONNX, quantise it to int8 and place it in the package:
`python -m rag.reader.export [RUN_DIR]` (after `python -m rag.reader.train`).

Writes rag/reader/model/{reader-int8.onnx, tokenizer.json, SHA256SUMS}; the export is
checked against torch on held-out pairs before it replaces anything.
"""

from __future__ import annotations

import argparse
import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch

from rag.reader.model import MODEL_DIR, MODEL_FILE, Reader, sha256
from rag.reader.train import ROOT, base_dir, batch_tensors, load_reader

NAMES = ("input_ids", "attention_mask", "token_type_ids")
PROBES = [
    (
        "When was the bridge opened?",
        "The bridge opened to traffic in 1937.",
        "It cost $35 million.",
    ),
    ("Who founded the company?", "It was founded by Jane Smith in Ohio.", "Acme makes tools."),
]


def export(run: Path, folder: Path = MODEL_DIR) -> Path:
    model, tokenizer = load_reader(base_dir())
    model.load_state_dict(torch.load(run / "reader.pt", weights_only=True))
    model.eval()
    from rag.reader.encode import encode

    rows = [(encode(tokenizer, q, s, b), 0, 0, 0) for q, s, b in PROBES]
    b = batch_tensors(rows)
    folder.mkdir(parents=True, exist_ok=True)
    fp32 = folder / "reader-fp32.onnx.tmp"
    axes = {n: {0: "batch", 1: "tokens"} for n in (*NAMES, "start", "end")} | {"here": {0: "batch"}}

    class Wrapped(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, ids: torch.Tensor, mask: torch.Tensor, types: torch.Tensor) -> Any:
            return self.model(ids, mask, types)

    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(Wrapped().eval(), (b["ids"], b["mask"], b["types"]), str(fp32),
                          input_names=list(NAMES), output_names=["start", "end", "here"],
                          dynamic_axes=axes, opset_version=17, dynamo=False)  # fmt: skip
        expected = model(b["ids"], b["mask"], b["types"])
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target = folder / MODEL_FILE
    partial = folder / f"{MODEL_FILE}.{os.getpid()}.tmp"
    quantize_dynamic(str(fp32), str(partial), weight_type=QuantType.QInt8)
    fp32.unlink()
    os.replace(partial, target)
    tokenizer.save(str(folder / "tokenizer.json"))
    (folder / "SHA256SUMS").write_text(f"{sha256(target)}  {MODEL_FILE}\n")
    reader = Reader(folder)
    got = [reader.read(q, [(b, s)])[0].here for q, s, b in PROBES]
    want = torch.sigmoid(expected[2]).numpy()
    print("answers-here, torch fp32 vs onnx int8:", want.round(3), np.round(got, 3))
    assert np.allclose(want, got, atol=0.15), "the int8 export drifted from torch"
    print(f"{target}: {target.stat().st_size / 1e6:.1f} MB")
    return target


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("run", nargs="?", type=Path, default=ROOT / ".reader-run")
    export(p.parse_args(argv).run)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
