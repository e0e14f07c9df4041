"""The in-domain SQuAD figure for the reader (issue 34): questions of training articles that
were held out of training (rag.reader.data.split_of == 'test'), answered through the whole
pipeline over an index of those articles plus distractors (training articles of the wiki corpus).

    python bench/reader_squad.py [--questions 200] [--distractors 60] [--label squad]

Writes the gold file and article folder under a temporary folder, then runs `rag eval --suite
qa` on them with the current settings (RAG_READER_THRESHOLD to compare). Not a test: it needs
../shared/data/squad-v1.1-train.json.gz and ../shared/corpora/wiki-articles/.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from rag.reader import data

ROOT = Path(__file__).resolve().parents[1]
WIKI = ROOT.parent / "shared" / "corpora" / "wiki-articles"


def main() -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--questions", type=int, default=200)
    p.add_argument("--distractors", type=int, default=60)
    p.add_argument("--split", default="test", choices=["dev", "test"])
    p.add_argument("--label", default="squad")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args()
    rng = random.Random(args.seed)
    articles = data.load_articles(ROOT / "evals")
    held = [a for a in articles if data.split_of(a["title"]) == args.split and a.get("corpus_file")]
    qs = rng.sample(data.questions(held), args.questions)
    # distractors: training articles (never SQuAD's dev articles, which the corpus also holds)
    others = sorted(
        a["corpus_file"] for a in articles
        if data.split_of(a["title"]) == "train" and a.get("corpus_file")
    )  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="rag-squad-"))
    folder = work / "articles"
    folder.mkdir()
    for name in {a["corpus_file"] for a in held} | set(rng.sample(others, args.distractors)):
        shutil.copy(WIKI / name, folder / name)
    by_title = {a["title"]: a["corpus_file"] for a in held}
    gold = work / "squad.jsonl"
    with gold.open("w") as fh:
        for q in qs:
            item = {"id": q.id[:12], "type": "factual", "question": q.question,
                    "answer": q.answers[0], "variants": q.answers[1:],
                    "articles": [by_title[q.title]],
                    "evidence": [q.sentences[q.answer_sentence]]}  # fmt: skip
            fh.write(json.dumps(item) + "\n")
    print(f"{len(qs)} questions over {len(held)} held-out articles + {args.distractors} others")
    cmd = [sys.executable, "-m", "rag.cli", "eval", "--suite", "qa", "--qa-gold", str(gold),
           "--articles", str(folder), "--label", args.label]  # fmt: skip
    return subprocess.call(cmd, cwd=ROOT)


if __name__ == "__main__":
    raise SystemExit(main())
