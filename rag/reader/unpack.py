"""Torch weights from the shipped int8 reader, to train on from it when the run folder that
made it is gone: `python -m rag.reader.unpack OUT_DIR` writes OUT_DIR/reader.pt, for
`python -m rag.reader.train --init OUT_DIR/reader.pt`.

The int8 file keeps each weight matrix as int8 values with one scale and zero point; they are
turned back into floats (the quantisation's rounding stays in them) and placed by the order
in which the export traced the layers. The result is checked against the ONNX file itself
on probe pairs before it is written.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np
import torch

from rag.reader.encode import encode
from rag.reader.model import MODEL_DIR, MODEL_FILE, Reader
from rag.reader.train import base_dir, batch_tensors, load_reader

# per encoder layer, the matrices in the order the export traced them
_LAYER = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)
_MATMUL = re.compile(r"onnx::MatMul_\d+_quantized")
_PROBES = [
    ("When was the bridge opened?", "The bridge opened to traffic in 1937."),
    ("Who founded the company?", "It was founded by Jane Smith in Ohio."),
    ("How much did it cost?", "The tunnel cost $35 million and took four years to dig."),
]


def _floats(inits: dict[str, np.ndarray], stem: str) -> np.ndarray:
    scale, zero = inits[f"{stem}_scale"], inits[f"{stem}_zero_point"]
    return (inits[f"{stem}_quantized"].astype(np.float32) - zero.astype(np.float32)) * scale


def state_from_onnx(path: Path, template: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The Reader's state dict (keys as `template`) from the int8 ONNX file at `path`."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    inits = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    state: dict[str, np.ndarray] = {}
    for name in template:
        exported = f"model.{name}"
        if exported in inits:  # biases and layer norms stay floats
            state[name] = inits[exported]
        elif f"{exported}_quantized" in inits:  # the embedding tables
            state[name] = _floats(inits, exported)
    matmuls = sorted(
        {n.removesuffix("_quantized") for n in inits if _MATMUL.fullmatch(n)},
        key=lambda n: int(n.rsplit("_", 1)[1]),
    )
    layers = len(matmuls) // len(_LAYER)
    names = [f"encoder.encoder.layer.{i}.{part}.weight" for i in range(layers) for part in _LAYER]
    for name, stem in zip([*names, "span.weight"], matmuls, strict=True):
        state[name] = _floats(inits, stem).T  # MatMul keeps (in, out); Linear (out, in)
    state["here.weight"] = _floats(inits, "model.here.weight_Transposed").T
    missing = set(template) - set(state)
    if missing:
        raise ValueError(f"{path} lacks weights for {sorted(missing)[:3]}")
    return {k: torch.from_numpy(np.array(v, dtype=np.float32)).reshape(template[k].shape)
            for k, v in state.items()}  # fmt: skip


def load_shipped(model: torch.nn.Module, folder: Path = MODEL_DIR) -> None:
    """Set a freshly built Reader's weights to those of the int8 file in `folder`."""
    template = {  # the pooler is never used, so the export left it out
        k: v for k, v in model.state_dict().items() if "position_ids" not in k and "pooler" not in k
    }
    model.load_state_dict(state_from_onnx(folder / MODEL_FILE, template), strict=False)


def unpack(out: Path, folder: Path = MODEL_DIR) -> Path:
    model, tokenizer = load_reader(base_dir())
    load_shipped(model, folder)
    model.eval()
    rows = [(encode(tokenizer, q, s), 0, 0, 0) for q, s in _PROBES]
    with torch.no_grad():
        b = batch_tensors(rows)
        here = torch.sigmoid(model(b["ids"], b["mask"], b["types"])[2]).numpy()
    reader = Reader(folder)
    shipped = [reader.read(q, [("", s)])[0].here for q, s in _PROBES]
    print("answers-here, unpacked torch vs shipped int8:", here.round(3), np.round(shipped, 3))
    if not np.allclose(here, shipped, atol=0.05):
        raise SystemExit("the unpacked weights do not reproduce the shipped reader")
    out.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), out / "reader.pt")
    print(f"wrote {out / 'reader.pt'}")
    return out / "reader.pt"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("out", type=Path)
    unpack(p.parse_args(argv).out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
