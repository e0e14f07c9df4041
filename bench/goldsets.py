"""Every QA gold set, dev and test together, in one run: right answers and confident errors
per set and split, and per-item outcomes to compare two runs (an ablation, a new check).

    python bench/goldsets.py [--sets seeds,reader,...] [--ablate NAME] [--out FILE.json]
    python bench/goldsets.py --diff A.json B.json
    python bench/goldsets.py --table ALL_ON.json ABLATED.json...

`--ablate` switches one family of hand-written readings off for the run (bench/ablations.py
names them), so the table of docs/answers.md ("What earns its place") is made with this
script: a family stays only where switching it off loses right answers net or adds
confident errors. Not a test: the news and yes/no sets read pages from ../shared.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EVALS = ROOT / "evals"

# name: (gold file, article folder; None: made by the set's own articles.sh)
SETS: dict[str, tuple[Path, Path | None]] = {
    "seeds": (EVALS / "qa_seeds.jsonl", ROOT / "seeds"),
    "reader": (EVALS / "qa_reader.jsonl", EVALS / "reader" / "articles"),
    "dev2": (EVALS / "qa_reader_dev2.jsonl", EVALS / "reader2" / "articles"),
    "dev3": (EVALS / "qa_reader_dev3.jsonl", EVALS / "reader3" / "articles"),
    "news": (EVALS / "news" / "qa_news.jsonl", SHARED / "corpora" / "news-pages" / "html"),
    "yesno": (EVALS / "yesno" / "qa_yesno.jsonl", None),
}


def run_set(name: str, work: Path, yesno: bool = False) -> dict[str, dict[str, object]]:
    """Per item of one gold set: split, answered, correct, the answer. `yesno`: only the
    questions read as yes/no (and those they follow up)."""
    from rag.answer.spans import question_kind
    from rag.core.config import load_settings
    from rag.eval.run import run_eval

    gold, articles = SETS[name]
    if articles is None:
        articles = work / name
        subprocess.run(["bash", str(gold.parent / "articles.sh"), str(articles)], check=True)
    lines = [ln for ln in gold.read_text(encoding="utf-8").splitlines() if ln.startswith("{")]
    items = [json.loads(line) for line in lines]
    splits = {item["id"]: item.get("split", "dev") for item in items}
    if yesno:
        asked = [item for item in items if question_kind(item["question"]) == "yesno"]
        if not asked:
            return {}
        wanted = {i["id"] for i in asked} | {i.get("follow_up_of") for i in asked}
        gold = work / f"{name}-yesno.jsonl"
        kept = [line for line, item in zip(lines, items, strict=True) if item["id"] in wanted]
        gold.write_text("\n".join(kept) + "\n", encoding="utf-8")
    result = run_eval(
        load_settings(), suite="qa", qa_gold=gold, articles=articles, label=f"gold-{name}"
    )
    out: dict[str, dict[str, object]] = {}
    for item in result.items:
        answer = str(item.outputs.get("answer", ""))
        answered = item.scores.get("confident_error") is not None
        out[item.id] = {
            "split": splits.get(item.id, "dev"),
            "correct": item.scores.get("correct", 0.0) == 1.0,
            "answered": answered,
            "answer": answer,
        }
    return out


def table(items: dict[str, dict[str, dict[str, object]]]) -> str:
    """Right / confident errors / n per set and split."""
    lines = [
        "| set | split | right | confident errors | answered | n |",
        "|---|---|---|---|---|---|",
    ]
    for name, per_item in items.items():
        for split in ("dev", "test"):
            rows = [r for r in per_item.values() if r["split"] == split]
            if not rows:
                continue
            right = sum(bool(r["correct"]) for r in rows)
            answered = [r for r in rows if r["answered"]]
            wrong = sum(not r["correct"] for r in answered)
            lines.append(
                f"| {name} | {split} | {right} | {wrong} | {len(answered)} | {len(rows)} |"
            )
    return "\n".join(lines)


def changes(a: dict, b: dict, show: bool = False) -> tuple[int, int, int, int]:
    """(right gained, right lost, confident errors added, removed) from run a to run b."""
    gained = lost = ce_added = ce_removed = 0
    for name in a["items"]:
        for item_id, ra in a["items"][name].items():
            rb = b["items"].get(name, {}).get(item_id)
            if rb is None or (ra["correct"], ra["answered"]) == (rb["correct"], rb["answered"]):
                continue
            gained += rb["correct"] and not ra["correct"]
            lost += ra["correct"] and not rb["correct"]
            ce_a = ra["answered"] and not ra["correct"]
            ce_b = rb["answered"] and not rb["correct"]
            ce_added += ce_b and not ce_a
            ce_removed += ce_a and not ce_b
            if show:
                print(f"{name}/{item_id} [{ra['split']}]: {ra['answer']!r} -> {rb['answer']!r}")
    return gained, lost, ce_added, ce_removed


def diff(a_path: Path, b_path: Path) -> None:
    """Items whose outcome differs between two runs, and the net counts."""
    a, b = (json.loads(p.read_text()) for p in (a_path, b_path))
    gained, lost, ce_added, ce_removed = changes(a, b, show=True)
    print(f"right +{gained} -{lost}; confident errors +{ce_added} -{ce_removed}")


def ablation_table(base_path: Path, runs: list[Path]) -> None:
    """One row per ablation run against the run with every family on: what switching the
    family off gains and loses (dev and test together)."""
    base = json.loads(base_path.read_text())
    print("| family off | right lost | right gained | confident errors added | removed |")
    print("|---|---|---|---|---|")
    for path in runs:
        run = json.loads(path.read_text())
        gained, lost, ce_added, ce_removed = changes(base, run)
        print(f"| {run['ablate']} | {lost} | {gained} | {ce_added} | {ce_removed} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated set names")
    parser.add_argument("--ablate", default=None, help="a family of bench/ablations.py")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--yesno", action="store_true", help="only the yes/no questions")
    parser.add_argument("--diff", nargs=2, type=Path, metavar=("A", "B"))
    parser.add_argument("--table", nargs="+", type=Path, metavar="RUN",
                        help="the run with every family on, then ablation runs")  # fmt: skip
    args = parser.parse_args()
    if args.diff:
        diff(*args.diff)
        return
    if args.table:
        ablation_table(args.table[0], args.table[1:])
        return
    sys.path.insert(0, str(Path(__file__).parent))
    from ablations import switched_off

    started = time.perf_counter()
    items: dict[str, dict[str, dict[str, object]]] = {}
    with tempfile.TemporaryDirectory() as work, ExitStack() as stack:
        if args.ablate:
            stack.enter_context(switched_off(args.ablate))
        for name in args.sets.split(","):
            items[name] = run_set(name, Path(work), args.yesno)
            print(f"{name}: done ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    print(table(items))
    if args.out:
        args.out.write_text(json.dumps({"ablate": args.ablate, "items": items}, indent=1))


if __name__ == "__main__":
    main()
