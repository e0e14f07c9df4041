"""Body extraction on the 94 saved news pages of ../shared/corpora/news-pages/, scored with the
article-extraction benchmark's metric: token-shingle (n=4) precision, recall and F1 of the
text `rag ingest` keeps against the body a person marked (`articleBody`), averaged over pages.

    python bench/news_bodies.py [--worst 10] [--phrases]

--worst lists the pages with the lowest F1 and what they keep that the marked body does not
(the first such lines); --phrases counts site boilerplate that should never reach an index.
Not a test: the pages live outside the repository and belong to their publishers.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
from pathlib import Path

from rag.ingest.loaders import load_path

PAGES = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "news-pages"
BOILERPLATE = [
    "for your personal, non-commercial use only", "an error has occurred", "copyright ©",
    "get fox business on the go", "read more:", "image credit", "all rights reserved",
    "sign up for", "click here", "subscribe to",
]  # fmt: skip


def shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    tokens = re.findall(r"\w+", text.lower())
    if len(tokens) < n:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def score(got: str, expected: str) -> tuple[float, float, float]:
    g, e = shingles(got), shingles(expected)
    if not g and not e:
        return 1.0, 1.0, 1.0
    common = len(g & e)
    p = common / len(g) if g else 0.0
    r = common / len(e) if e else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--worst", type=int, default=10)
    ap.add_argument("--phrases", action="store_true")
    args = ap.parse_args()
    truth = json.loads((PAGES / "ground-truth.json").read_text())
    rows = []
    for key, item in sorted(truth.items()):
        page = PAGES / "html" / f"{key}.html"
        got = [a for a in load_path(page) if hasattr(a, "text")]
        text = got[0].text if got else ""
        rows.append(
            (key, text, item.get("articleBody") or "", *score(text, item.get("articleBody") or ""))
        )
    p, r, f = (statistics.mean(row[i] for row in rows) for i in (3, 4, 5))
    print(f"{len(rows)} pages: precision {p:.3f}, recall {r:.3f}, F1 {f:.3f}")
    for key, text, body, pp, rr, ff in sorted(rows, key=lambda row: row[5])[: args.worst]:
        extra = [ln for ln in text.splitlines() if ln.strip() and ln.strip()[:60] not in body]
        print(
            f"  {key[:12]} P {pp:.2f} R {rr:.2f} F1 {ff:.2f}  kept, not in body: {extra[:2]!r:.160}"
        )
    if args.phrases:
        for phrase in BOILERPLATE:
            hits = [row[0][:12] for row in rows if phrase in row[1].lower()]
            print(f"  {phrase!r}: {len(hits)} pages {hits[:4]}")


if __name__ == "__main__":
    main()
