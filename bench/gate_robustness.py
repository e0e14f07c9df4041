"""Is the eval gate robust to another machine, and does it still catch a real regression?

Runs the full `rag eval` on the embedded defaults under perturbations that change the
floating-point order the way another CPU does (llama.cpp threads, questions embedded by
torch instead of onnxruntime, another embedding batch size) and under deliberately broken
variants, and prints, metric by metric, each run's figure and the gate's verdict against
evals/thresholds.toml. Every perturbed run should pass; every broken one should fail.

    python bench/gate_robustness.py [--only NAME ...] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

RAG = str(Path(sys.executable).parent / "rag")

PERTURBED = {
    "default": ({}, []),
    "threads-1": ({"RAG_LLM_THREADS": "1"}, []),
    "onnx-off": ({"RAG_EMBED_ONNX": "false"}, []),
    "batch-7": ({"RAG_EMBED_BATCH_SIZE": "7"}, []),
    "all-three": (
        {"RAG_LLM_THREADS": "1", "RAG_EMBED_ONNX": "false", "RAG_EMBED_BATCH_SIZE": "7"},
        [],
    ),
}
BROKEN = {
    "dense-k1": ({}, ["--mode", "dense", "-k", "1"]),
    # one passage per question: a conflict between two outlets can no longer be seen
    "newsroom-k1": ({}, ["--suite", "newsroom", "-k", "1"]),
}
OTHER = {  # not broken, not a perturbation: shown for what the gate says of it
    # on two articles, the one best lexical passage is nearly as good as five hybrid ones
    "lexical-k1": ({}, ["--mode", "lexical", "-k", "1"]),
    "smollm2": ({"RAG_LLM_MODEL": "smollm2-135m"}, []),
}


def run(name: str, env: dict[str, str], args: list[str], out: Path) -> dict:
    proc = subprocess.run(
        [RAG, "eval", "--label", name, "--out", str(out / name), "--json", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    result = json.loads(proc.stdout)
    return {"name": name, "gate": result["gate"], "summary": result["summary"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="Variant names to run.")
    parser.add_argument("--out", type=Path, help="Keep the run folders here.")
    opts = parser.parse_args()
    out = opts.out or Path(tempfile.mkdtemp(prefix="gate-robustness-"))
    variants = {**PERTURBED, **BROKEN, **OTHER}
    rows = []
    for name, (env, args) in variants.items():
        if opts.only and name not in opts.only:
            continue
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows.append(run(name, env, args, out))
    metrics = [c["metric"] for c in rows[0]["gate"]]
    print("| metric | threshold | " + " | ".join(r["name"] for r in rows) + " |")
    print("|---|---|" + "---|" * len(rows))
    for metric in metrics:
        cells = []
        for r in rows:
            c = next(c for c in r["gate"] if c["metric"] == metric)
            count = c.get("count") or [0, 0]
            shown = (
                f"{count[0]:.0f}/{count[1]:.0f}"
                if count[1] and float(count[0]).is_integer() and not metric.endswith("errors")
                else "–"
                if c["value"] is None
                else f"{c['value']:.3f}"
            )
            cells.append(shown + ("" if c["passed"] else " **FAIL**"))
        sign = "<=" if rows[0]["gate"][metrics.index(metric)]["lower_is_better"] else ">="
        limit = rows[0]["gate"][metrics.index(metric)]["limit"]
        print(f"| {metric} | {sign} {limit:g} | " + " | ".join(cells) + " |")
    verdicts = ["pass" if all(c["passed"] for c in r["gate"]) else "FAIL" for r in rows]
    print("| **verdict** | | " + " | ".join(f"**{v}**" for v in verdicts) + " |")


if __name__ == "__main__":
    main()
