"""Saved news pages (evals/pages/): main text only, real metadata, no boilerplate anywhere."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from rag.cli.main import main
from rag.ingest.loaders import load_path, parse_html

PAGES = Path(__file__).parents[1] / "evals" / "pages" / "html"
EXPECTED = PAGES.parent / "expected"
NAMES = sorted(p.stem for p in PAGES.glob("*.html"))


def _tokens(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def precision_recall(got: str, expected: str) -> tuple[float, float]:
    g, e = _tokens(got), _tokens(expected)
    common = sum((g & e).values())
    return common / max(1, sum(g.values())), common / max(1, sum(e.values()))


def test_the_corpus_has_the_layouts_the_issue_names():
    assert len(NAMES) >= 7
    for kind in ("wire", "markets", "blog", "amp", "live", "paywall"):
        assert any(n.startswith(kind) for n in NAMES), kind


@pytest.mark.parametrize("name", NAMES)
def test_a_saved_page_gives_the_article_body_title_date_and_author(name):
    expected = json.loads((EXPECTED / f"{name}.json").read_text(encoding="utf-8"))
    (article,) = list(load_path(PAGES / f"{name}.html"))
    precision, recall = precision_recall(article.text, "\n".join(expected["body"]))
    assert precision >= 0.95 and recall >= 0.95, (name, precision, recall)
    assert article.title == expected["title"]
    assert article.date == expected["date"]
    assert article.author == expected["author"]
    assert not any(m in article.text for m in expected["markers"])
    assert article.source.endswith(f"{name}.html")  # the pointer to the saved file


def test_site_name_is_kept_apart_from_the_title_and_the_canonical_url_is_read():
    article = parse_html((PAGES / "wire-oil-crisis.html").read_text(encoding="utf-8"), "p")
    assert article.publisher == "Global Wire" and "|" not in article.title
    assert article.url == "https://www.globalwire.example/business/2025-08-20/story-1234"


def test_a_fragment_without_a_main_text_is_still_read_whole():
    article = parse_html("<p>Alibaba shares rallied 8.1% on Tuesday.</p>", "frag.html")
    assert "rallied 8.1% on Tuesday" in article.text


def test_no_boilerplate_reaches_the_index_briefs_or_answers(tmp_path, capsys):
    """Every boilerplate block of every page carries a marker word; none may be indexed,
    briefed or answered with."""
    assert main(["ingest", str(PAGES)]) == 0
    db = sqlite3.connect(Path(".rag") / "catalog.sqlite")
    indexed = " ".join(r[0] for r in db.execute("SELECT text FROM chunks"))
    titles = " ".join(r[0] for r in db.execute("SELECT title FROM articles"))
    db.close()
    assert len(re.findall(r"\w+", indexed)) > 2000
    assert "zqmark" not in indexed.lower() and "zqmark" not in titles.lower()
    assert "cookies" not in indexed and "Most read" not in indexed
    capsys.readouterr()
    assert main(["brief", "--all", "--format", "json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    briefs = [json.loads(line) for line in lines]  # JSON lines: one object per line
    assert len(briefs) == len(NAMES)
    assert "zqmark" not in json.dumps(briefs).lower()
    assert not any("Nortek" in json.dumps(b) or "24%" in json.dumps(b) for b in briefs)
    for question in (
        "Which robotics company's shares jumped 24%?",
        "Why did oil fall 3%?",
        "What are the ten best savings accounts?",
    ):
        assert main(["ask", question, "--json"]) == 0
        answer = json.loads(capsys.readouterr().out)
        assert "zqmark" not in json.dumps(answer).lower()
        assert "Nortek" not in answer["text"] and "savings" not in answer["text"]


def test_briefs_of_saved_pages_meet_their_gold(tmp_path):
    gold = PAGES.parents[1] / "briefs_pages.jsonl"
    runs = tmp_path / "runs"
    args = ["eval", "--suite", "brief", "--articles", str(PAGES), "--brief-gold", str(gold)]
    assert main([*args, "--out", str(runs), "--label", "pages"]) == 0
    (folder,) = runs.iterdir()
    counts = json.loads((folder / "results.json").read_text())["counts"]
    hits = {metric: counts[f"brief.{metric}"] for metric in (
        "fact_recall", "entity_recall", "forbidden_rate", "numeric_precision",
        "quote_validity", "dangling_point_rate", "schema_valid",
    )}  # fmt: skip
    assert hits["schema_valid"] == [len(NAMES), len(NAMES)]
    assert hits["fact_recall"][0] >= 0.9 * hits["fact_recall"][1], hits
    assert hits["entity_recall"][0] >= 0.9 * hits["entity_recall"][1], hits
    assert hits["forbidden_rate"][0] == 0 and hits["dangling_point_rate"][0] == 0, hits
    assert hits["numeric_precision"][0] == hits["numeric_precision"][1], hits
    assert hits["quote_validity"][0] == hits["quote_validity"][1], hits


def test_bylines_keep_the_people_and_drop_titles_dates_desks_and_credentials():
    """Issue 39: bylines of the saved news pages, as trafilatura reads them."""
    from rag.ingest.meta import clean_byline

    cases = {
        "Tom Gillespie News reporter": "Tom Gillespie",
        "Jeff Foust Monday; November": "Jeff Foust",
        "Phil Helsel is a reporter": "Phil Helsel",
        "ROBERT BURNS; AP National Security Writer": "Robert Burns",
        "Ilana Muhlstein; MS; RDN": "Ilana Muhlstein",
        "Troy Smith; Troy L Smith; Cleveland com": "Troy Smith",
        "Lia Eustachewich; Yaron Steinbuch": "Lia Eustachewich, Yaron Steinbuch",
        "The Associated Press": "Associated Press",
        "Staff Reports": None,
        "Practical Horseman Editorial Staff": None,
        "Regan": "Regan",
    }
    for byline, people in cases.items():
        assert clean_byline(byline) == people, byline
    assert clean_byline("Charlie Wood; Business Insider", "Business Insider Deutschland") == (
        "Charlie Wood"
    )


def test_the_outlet_is_read_from_the_title_tag_when_the_page_names_no_site():
    from rag.ingest.meta import page_url, plausible_site, site_in_title

    page = (
        "<html><head><title>The Space Review: Seeking a bigger role for a big rocket</title>"
        '<meta property="og:url" content="https://www.thespacereview.com/article/3835/1">'
        "</head></html>"
    )
    assert site_in_title(page, "Seeking a bigger role for a big rocket") == "The Space Review"
    assert site_in_title(
        "<title>Deals on Apple devices – BGR</title>", "Deals on Apple devices"
    ) == ("BGR")
    assert site_in_title("<title>Deals on Apple devices</title>", "Deals on Apple devices") is None
    assert page_url(page) == "https://www.thespacereview.com/article/3835/1"
    assert plausible_site("Copyright 2014") is None and plausible_site("BGR") == "BGR"


def test_a_layout_table_cell_and_the_header_run_into_the_text_are_not_kept():
    """A page laid out in a table (The Space Review): the article is one long cell among
    empty ones, opening with the headline, byline and date run into its first sentence."""
    body = "Earlier this month, NASA announced a milestone. " * 6
    page = (
        "<html><head><title>The Space Review: A bigger role for a big rocket</title>"
        '<meta property="og:title" content="A bigger role for a big rocket"></head><body>'
        "<table><tr><td></td><td>"
        f"<p>A bigger role for a big rocket by Jeff Foust Monday, November 18, 2019 {body}</p>"
        "</td></tr></table></body></html>"
    )
    article = parse_html(page, "space.html")
    assert article.text.startswith("Earlier this month, NASA") and "|" not in article.text
    assert article.publisher == "The Space Review"


def test_search_names_the_outlet_of_each_passage(capsys):
    assert main(["ingest", str(PAGES / "wire-oil-crisis.html")]) == 0
    capsys.readouterr()
    assert main(["search", "oil", "-k", "1"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("[1] Global Wire · ") and "score" in first
