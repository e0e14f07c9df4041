"""Stories: near-duplicates grouped at ingest, counted once by retrieval (evals/newsroom/)."""

import json
import sqlite3

from conftest import ROOT, run

from rag.index.store import catalog_path

NEWSROOM = ROOT / "evals" / "newsroom"
PLANTED = json.loads((NEWSROOM / "stories.json").read_text())["stories"]
TUESDAY_COPIES = set(PLANTED[0])


def groups(capsys) -> list[set[str]]:
    code, out, _ = run(capsys, "articles", "--json")
    assert code == 0
    by_story: dict[str, set[str]] = {}
    for line in out.splitlines():
        info = json.loads(line)
        by_story.setdefault(info["story"], set()).add(info["source"].rsplit("/", 1)[-1])
        assert info["copies"] >= 1
    return sorted((g for g in by_story.values() if len(g) > 1), key=sorted)


def test_copies_share_a_story_and_other_articles_do_not(capsys):
    assert run(capsys, "ingest", str(NEWSROOM / "articles"))[0] == 0
    assert groups(capsys) == sorted((set(g) for g in PLANTED), key=sorted)
    code, out, _ = run(capsys, "articles")
    assert "(x3)" in out and "(x2)" in out  # the number of copies, after the title
    code, out, _ = run(capsys, "articles", "-v")
    assert " x3 " in out and " x2 " in out and "story" in out.splitlines()[0]


def test_retrieval_counts_a_story_once_unless_all_copies(capsys):
    assert run(capsys, "ingest", str(NEWSROOM / "articles"))[0] == 0
    query = "Alibaba shares rallied on Tuesday after Nvidia H20 news"
    code, out, _ = run(capsys, "search", query, "-k", "5", "--json")
    hits = [json.loads(line) for line in out.splitlines()]
    copies = {h["source"].rsplit("/", 1)[-1] for h in hits} & TUESDAY_COPIES
    assert copies == {"2025-07-16-alibaba-rallies-updated.txt"}  # the newest copy only
    code, out, _ = run(capsys, "search", query, "-k", "5", "--json", "--all-copies")
    hits = [json.loads(line) for line in out.splitlines()]
    assert len({h["source"].rsplit("/", 1)[-1] for h in hits} & TUESDAY_COPIES) >= 2


def test_an_index_without_stories_gets_them_when_opened(capsys, tmp_path):
    assert run(capsys, "ingest", str(NEWSROOM / "articles"))[0] == 0
    path = catalog_path(tmp_path / ".rag", "articles")
    with sqlite3.connect(path) as db:  # the shape the previous release wrote (schema 2)
        db.execute("DROP INDEX articles_hit")
        db.execute("DROP INDEX articles_story")
        for column in ("story", "minhash", "shingles"):
            db.execute(f"ALTER TABLE articles DROP COLUMN {column}")
        db.execute("CREATE INDEX articles_hit ON articles(id, state, title, date, source)")
        db.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    assert groups(capsys) == sorted((set(g) for g in PLANTED), key=sorted)
    # new copies join the stories the migration made
    extra = tmp_path / "more"
    extra.mkdir()
    text = (NEWSROOM / "articles" / "2025-03-06-alibaba-qwq.txt").read_text()
    (extra / "copy.txt").write_text("Another outlet's headline\n" + text.split("\n", 1)[1])
    assert run(capsys, "ingest", str(extra))[0] == 0
    assert {"copy.txt", "2025-03-06-alibaba-qwq.txt"} <= next(
        g for g in groups(capsys) if "copy.txt" in g
    )
