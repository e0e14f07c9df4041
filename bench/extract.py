"""How well and how fast saved news pages are read: main text, title, date and author.

For every page in evals/pages/html/ (see evals/pages/make_pages.py): the body text's token
precision and recall against the expected body, and whether title, date and author are exact;
then pages/s for the main-text extraction (trafilatura) against the old whole-page reading
(BeautifulSoup, markup stripped), measured in the same run, alternating, so the machine's load
hits both.

    python bench/extract.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections import Counter
from pathlib import Path

from rag.ingest.loaders import parse_html, parse_html_whole

PAGES = Path(__file__).parents[1] / "evals" / "pages" / "html"


def precision_recall(got: str, expected: str) -> tuple[float, float]:
    g = Counter(re.findall(r"\w+", got.lower()))
    e = Counter(re.findall(r"\w+", expected.lower()))
    common = sum((g & e).values())
    return common / max(1, sum(g.values())), common / max(1, sum(e.values()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    pages = sorted(PAGES.glob("*.html"))
    texts = {p: p.read_text(encoding="utf-8") for p in pages}
    print("| page | old P / R | new P / R | title | date | author |")
    print("|---|---|---|---|---|---|")
    tot = {"old": Counter(), "new": Counter()}
    for page in pages:
        expected = PAGES.parent / "expected" / f"{page.stem}.json"
        want = json.loads(expected.read_text(encoding="utf-8"))
        body = "\n".join(want["body"])
        cells = []
        for name, fn in (("old", parse_html_whole), ("new", parse_html)):
            article = fn(texts[page], str(page))
            p, r = precision_recall(article.text, body)
            tot[name]["p"] += p
            tot[name]["r"] += r
            cells.append(f"{p:.3f} / {r:.3f}")
        new = parse_html(texts[page], str(page))
        marks = [
            "ok" if getattr(new, f) == want[f] else f"**{getattr(new, f)!r}**"
            for f in ("title", "date", "author")
        ]
        print(f"| {page.stem} | {' | '.join(cells)} | {' | '.join(marks)} |")
    n = len(pages)
    print(
        f"| **mean** | {tot['old']['p'] / n:.3f} / {tot['old']['r'] / n:.3f} "
        f"| {tot['new']['p'] / n:.3f} / {tot['new']['r'] / n:.3f} | | | |"
    )
    rates: dict[str, list[float]] = {"old": [], "new": []}
    for _ in range(args.rounds):
        for name, fn in (("old", parse_html_whole), ("new", parse_html)):
            started = time.perf_counter()
            for page in pages:
                fn(texts[page], str(page))
            rates[name].append(len(pages) / (time.perf_counter() - started))
    old, new = statistics.median(rates["old"]), statistics.median(rates["new"])
    print(
        f"\npages/s (median of {args.rounds} alternating rounds): old {old:.1f}, new {new:.1f}, "
        f"ratio new/old {new / old:.2f}"
    )


if __name__ == "__main__":
    main()
