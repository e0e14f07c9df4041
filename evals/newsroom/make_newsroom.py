"""Write the newsroom corpus: the seeds, copies of them as other outlets and later updates run
them, and articles on other subjects, dated across several weeks.

- a syndicated copy: the same body under another outlet's headline and byline;
- an updated version: a figure corrected, an update line added, the closing paragraph cut;
- a wire copy cut short: the first two thirds, under a third headline, with the company's
  value rounded ($318 billion for $317.7 billion);
- another outlet's market brief of the Tuesday rally in its own words, rounding 8.1% to 8%;
- distinct articles: the two seeds are two stories about one company (never one story), and
  openings of Wikipedia articles from ../shared/corpora (CC BY-SA 4.0) stand for the rest of
  the news.

`stories.json` lists the expected stories (file names); every file not in a group is a
story of its own. Run once; the output is committed:

    python evals/newsroom/make_newsroom.py
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
WIKI = ROOT.parent / "shared" / "corpora" / "wiki-articles"
OUT = HERE / "articles"

TUESDAY = (ROOT / "seeds" / "000_c88aad9c334f0d3b.txt").read_text(encoding="utf-8")
THURSDAY = (ROOT / "seeds" / "004_6f3f07893199474a.txt").read_text(encoding="utf-8")


def body_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def write(name: str, title: str, published: str, lines: list[str], byline: str = "") -> str:
    head = [title, f"Published: {published}"] + ([byline] if byline else [])
    (OUT / name).write_text("\n".join(head + [""] + lines) + "\n", encoding="utf-8")
    return name


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    groups: list[list[str]] = []

    tue = body_lines(TUESDAY)
    tue_group = [
        write("2025-07-15-alibaba-rallies.txt", "Alibaba rallies on Nvidia's H20 news",
              "July 15, 2025", tue),
        write("2025-07-15-wire-alibaba-h20.txt", "Chinese AI stocks jump as Nvidia plans H20 sales",
              "July 15, 2025", tue, byline="By Wire Staff"),
        write("2025-07-16-alibaba-rallies-updated.txt",
              "Alibaba rallies on Nvidia's H20 news (updated)", "July 16, 2025",
              [tue[0].replace("rallied 8.1%", "rallied 8.3%")]
              + tue[1:-1]
              + ["Update: an earlier version of this story gave Tuesday's gain as 8.1%."]),
    ]  # fmt: skip
    groups.append(tue_group)

    thu = body_lines(THURSDAY)
    cut = thu[: max(8, len(thu) * 2 // 3)]
    thu_group = [
        write("2025-03-06-alibaba-qwq.txt", "Alibaba stock jumps after QwQ-32B goes open source",
              "March 6, 2025", thu),
        write("2025-03-06-wire-qwq-short.txt", "Alibaba shares surge on open-source AI model",
              "March 6, 2025", [line.replace("$317.7 billion", "$318 billion") for line in cut],
              byline="By Wire Staff"),
    ]  # fmt: skip
    groups.append(thu_group)

    # another outlet's market brief: its own words (a story of its own), a rounder figure
    write("2025-07-15-brief-markets.txt", "Markets brief: Chinese tech in demand", "July 15, 2025",
          ["Alibaba shares gained 8% on Tuesday after Nvidia said it expects to sell its H20 "
           "chips in China again.",
           "Other Chinese technology names followed, with investors betting that access to "
           "American AI hardware would return.",
           "The Hang Seng Tech index closed higher for a third session."],
          byline="By Markets Desk")  # fmt: skip

    others = [
        ("1973_oil_crisis.txt", "Oil embargo sends prices soaring", "October 20, 2025"),
        ("2008_Sichuan_earthquake.txt", "Earthquake strikes Sichuan", "May 13, 2025"),
        ("Gramophone_record.txt", "Vinyl's long history, revisited", "June 2, 2025"),
        ("Sichuan.txt", "Sichuan province at a glance", "May 20, 2025"),
        ("European_Central_Bank.txt", "What the ECB does", "August 4, 2025"),
    ]
    for source, title, published in others:
        path = WIKI / source
        if not path.exists():
            continue
        lines = [ln for ln in body_lines(path.read_text(encoding="utf-8"))[1:] if len(ln) > 80]
        write(f"other-{path.stem.lower()}.txt", title, published, lines[:8])
    (HERE / "stories.json").write_text(json.dumps({"stories": groups}, indent=1) + "\n")


if __name__ == "__main__":
    main()
