"""How well and how fast near-duplicate articles are grouped into stories.

Signs every article of evals/newsroom/articles/ (the seeds' copies and updates, planted as
stories in evals/newsroom/stories.json) and of the 490-article corpus (no story there has
two copies: any pair of its articles grouped is a false merge; the newsroom's "other-"
articles are excerpts of corpus articles, so they may join those), then for thresholds
0.3-0.9: pair precision and recall on the planted stories, and false merges in the corpus.
Last, what signing adds to an ingest: the signing time of the corpus against the embedder's
time for its chunks (a 512-chunk sample timed in the same run, scaled to all chunks).

    python bench/stories.py [--corpus ../shared/corpora/wiki-articles]
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from pathlib import Path

from rag.index.stories import Signature, StoryIndex, overlap

ROOT = Path(__file__).parents[1]
NEWSROOM = ROOT / "evals" / "newsroom"


def pairs(groups: list[list[str]]) -> set[frozenset[str]]:
    return {frozenset(p) for g in groups for p in itertools.combinations(sorted(g), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", type=Path, default=ROOT.parent / "shared" / "corpora" / "wiki-articles"
    )
    args = parser.parse_args()
    planted = json.loads((NEWSROOM / "stories.json").read_text())["stories"]
    gold = pairs(planted)
    files = sorted((NEWSROOM / "articles").glob("*.txt")) + sorted(args.corpus.glob("*.txt"))
    texts = {f.name: f.read_text(encoding="utf-8") for f in files}
    Signature.of("warm up")  # the first use imports datasketch (and scipy): not signing
    t = time.perf_counter()
    sigs = {name: Signature.of(text) for name, text in texts.items()}
    sign_s = time.perf_counter() - t
    each = sign_s / len(sigs) * 1000
    print(f"{len(sigs)} articles signed in {sign_s:.2f} s ({each:.2f} ms each)")
    newsroom = {f.name for f in (NEWSROOM / "articles").glob("*.txt")}
    scores = {
        frozenset(p): overlap(sigs[p[0]], sigs[p[1]])
        for p in itertools.combinations(sorted(newsroom), 2)
    }
    positives = [scores[p] for p in gold]
    negatives = [s for p, s in scores.items() if p not in gold]
    print(
        f"planted copies: overlap {min(positives):.3f}-{max(positives):.3f}; "
        f"other newsroom pairs at most {max(negatives):.3f}"
    )
    print("| threshold | pair precision | pair recall | false merges in the corpus |")
    print("|---|---|---|---|")
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        index = StoryIndex(threshold)
        story = {name: index.assign(name, sig) for name, sig in sigs.items()}
        found = {
            frozenset(p)
            for p in itertools.combinations(sorted(story), 2)
            if story[p[0]] == story[p[1]]
        }
        in_newsroom = {p for p in found if p <= newsroom}
        tp = len(in_newsroom & gold)
        precision = tp / len(in_newsroom) if in_newsroom else 1.0
        merges = len({p for p in found if not p & newsroom})
        print(f"| {threshold} | {precision:.3f} | {tp / len(gold):.3f} | {merges} |")
    _ingest_share(texts, sign_s)


def _ingest_share(texts: dict[str, str], sign_s: float) -> None:
    from rag.core.tokens import get_encoding
    from rag.index.embed import LocalEmbedder
    from rag.ingest.chunking import chunk_article
    from rag.ingest.loaders import make_article

    enc = get_encoding()
    chunks = [
        c.text
        for name, text in texts.items()
        for c in chunk_article(make_article(text, name), enc, 256, 48)
    ]
    embedder = LocalEmbedder()
    embedder.embed(chunks[:8])  # load the model first
    sample = chunks[:512]
    t = time.perf_counter()
    embedder.embed(sample)
    embed_s = (time.perf_counter() - t) / len(sample) * len(chunks)
    print(
        f"signing {sign_s:.1f} s vs embedding {len(chunks):,} chunks ~{embed_s:.0f} s: "
        f"ingest +{sign_s / embed_s:.1%}"
    )


if __name__ == "__main__":
    main()
