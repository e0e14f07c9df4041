"""Indexes and logs written by an earlier release open after an upgrade (versioned schema)."""

import json
import sqlite3

from rag.cli.main import main
from rag.index.catalog import SCHEMA_VERSION
from rag.index.store import catalog_path


def test_an_index_of_the_previous_schema_is_brought_forward(capsys, seeds, tmp_path):
    assert main(["ingest", str(seeds)]) == 0
    path = catalog_path(tmp_path / ".rag", "articles")
    # the shape the first release wrote: version '1', and (before bylines) no author column
    with sqlite3.connect(path) as db:
        db.execute("ALTER TABLE articles DROP COLUMN author")
        db.execute("DROP INDEX articles_hit")
        db.execute("DROP INDEX articles_story")
        for column in ("story", "minhash", "shingles"):
            db.execute(f"ALTER TABLE articles DROP COLUMN {column}")
        db.execute("CREATE INDEX articles_hit ON articles(id, state, title, date, source)")
        db.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    capsys.readouterr()

    assert main(["articles", "--json"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(listed) == 2
    assert main(["search", "H20 chips", "-k", "1", "--json"]) == 0
    assert "H20" in json.loads(capsys.readouterr().out)["text"]
    with sqlite3.connect(path) as db:
        version = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        columns = {row[1] for row in db.execute("PRAGMA table_info(articles)")}
    assert version == (str(SCHEMA_VERSION),) and {"author", "story", "time"} <= columns
    assert main(["ingest", str(seeds)]) == 0  # and it takes new work
    assert "0 new" in capsys.readouterr().err


def test_an_index_of_a_newer_release_is_refused_in_one_line(capsys, seeds, tmp_path):
    assert main(["ingest", str(seeds)]) == 0
    path = catalog_path(tmp_path / ".rag", "articles")
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    capsys.readouterr()
    assert main(["articles"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: the index in") and "newer release" in err
    assert len(err.strip().splitlines()) == 1
    with sqlite3.connect(path) as db:  # refusing changed nothing
        assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
            "99",
        )
