"""Benchmark (not a test): load time, prompt-processing and generation tokens/s of the
embedded models on this machine. Usage: python bench/llm_speed.py [--json]"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from rag.llm.local import LOCAL_MODELS, load_llama

SEED = Path(__file__).resolve().parent.parent / "seeds" / "004_6f3f07893199474a.txt"


def measure(name: str, repeats: int = 3) -> dict[str, float]:
    started = time.perf_counter()
    llama = load_llama(name)
    load_s = time.perf_counter() - started
    prompt = SEED.read_text()[:3000] + "\n\nQuestion: What did Alibaba open-source?\nAnswer:"
    n_prompt = len(llama.tokenize(prompt.encode(), add_bos=True))
    pp, gen = [], []
    for _ in range(repeats):
        llama.reset()  # no prompt cache between runs
        t0 = time.perf_counter()
        llama.create_completion(prompt, max_tokens=1, temperature=0)
        t1 = time.perf_counter()
        llama.reset()
        out = llama.create_completion(prompt, max_tokens=64, temperature=0, stop=[])
        t2 = time.perf_counter()
        n_gen = out["usage"]["completion_tokens"]
        pp.append(n_prompt / (t1 - t0))
        # generation time = the full call minus one prompt pass
        gen.append((n_gen - 1) / max((t2 - t1) - (t1 - t0), 1e-6))
    return {
        "load_s": round(load_s, 2),
        "prompt_tokens": n_prompt,
        "prompt_tok_s": round(statistics.median(pp), 1),
        "gen_tok_s": round(statistics.median(gen), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = {name: measure(name) for name in LOCAL_MODELS}
    if args.json:
        print(json.dumps(results))
        return
    print(f"{'model':<14} {'load s':>7} {'prompt tok':>10} {'pp tok/s':>9} {'gen tok/s':>9}")
    for name, r in results.items():
        print(
            f"{name:<14} {r['load_s']:>7} {r['prompt_tokens']:>10} {r['prompt_tok_s']:>9} "
            f"{r['gen_tok_s']:>9}"
        )


if __name__ == "__main__":
    main()
