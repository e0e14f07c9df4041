"""The CLI in-process through main(argv) -> exit code, with the real store and embedder."""

import json
import re

from conftest import ROOT, run

from rag.cli.main import cli, main
from rag.core.types import ArticleInfo, Hit


def test_ingest_search_articles_stats(capsys, seeds):
    code, out, err = run(capsys, "ingest", str(seeds))
    assert code == 0
    assert "2 new" in err and "0 failed" in err

    code, out, _ = run(capsys, "search", "H20 chips", "-k", "2", "--json")
    assert code == 0
    hits = [Hit.model_validate_json(line) for line in out.splitlines()]
    assert len(hits) == 2 and "H20" in hits[0].text

    code, out, _ = run(capsys, "articles", "--json")
    infos = [ArticleInfo.model_validate_json(line) for line in out.splitlines()]
    assert sorted(i.chunks > 0 for i in infos) == [True, True]

    code, out, _ = run(capsys, "stats", "--json")
    stats = json.loads(out)
    assert stats["consistent"] and stats["articles"] == 2 and stats["vectors"] == stats["chunks"]

    code, out, _ = run(capsys, "doctor", "--json")
    assert code == 0 and json.loads(out)["consistent"]


def test_ingest_json_report_and_exit_codes(capsys, tmp_path, seeds):
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "empty.txt").write_text("")
    code, out, err = run(capsys, "ingest", str(tmp_path / "bad"), "--json")
    assert code == 1  # nothing could be ingested
    assert json.loads(out)["failed"] == 1
    assert len([line for line in err.splitlines() if line.startswith("error:")]) == 1

    code, out, err = run(capsys, "ingest", str(tmp_path / "bad"), str(seeds), "--json")
    assert code == 1  # one file failed: the exit code says so ...
    report = json.loads(out)
    assert (report["new"], report["failed"]) == (2, 1)  # ... and the good ones were ingested

    code, _, err = run(capsys, "ingest", "missing-folder")
    assert code == 1 and "no such file or folder" in err


def test_search_without_an_index_says_what_to_do(capsys):
    code, _, err = run(capsys, "search", "anything")
    assert code == 1
    assert err.strip().startswith("error: no index in") and "rag ingest" in err
    assert "Traceback" not in err


def test_usage_error_exits_2(capsys):
    code, _, err = run(capsys, "frobnicate")
    assert code == 2 and "No such command" in err


def test_config_precedence_and_redaction(capsys, monkeypatch, tmp_path):
    (tmp_path / ".env").write_text("RAG_COLLECTION=fromdotenv\nRAG_K=9\n")
    monkeypatch.setenv("RAG_K", "7")
    monkeypatch.setenv("RAG_DATA_DIR", "/env/dir")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-planted-secret-123")
    code, out, _ = run(capsys, "--data-dir", "flagdir", "config", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["data_dir"] == "flagdir"  # flag > env
    assert data["k"] == 7  # env > .env
    assert data["collection"] == "fromdotenv"  # .env > default
    assert data["chunk_tokens"] == 256  # default
    assert "sk-planted-secret-123" not in out
    code, out, _ = run(capsys, "config")
    assert "sk-planted-secret-123" not in out and "RAG_CHUNK_TOKENS" in out


def test_invalid_setting_is_one_clear_line(capsys, monkeypatch):
    monkeypatch.setenv("RAG_CHUNK_TOKENS", "lots")
    code, _, err = run(capsys, "config")
    assert code == 1
    assert err.strip().splitlines() == [err.strip()]
    assert "invalid setting chunk_tokens" in err and "RAG_CHUNK_TOKENS" in err


def test_help_and_readme_agree():
    readme = (ROOT / "README.md").read_text()
    for name in cli.commands:
        assert f"`rag {name}" in readme, f"README does not document `rag {name}`"
    makefile = (ROOT / "Makefile").read_text()
    quickstart = readme.split("## Quickstart", 1)[1].split("##", 1)[0]
    commands = re.findall(r"^(make \w+)", quickstart, re.M)
    assert commands == ["make run", "make test"]
    for command in commands:
        assert re.search(rf"^{command.split()[1]}:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_rm_removes_an_article_from_both_indexes_and_leaves_no_orphan(capsys, seeds):
    import sqlite3

    from rag.core.config import load_settings
    from rag.index.embed import make_embedder
    from rag.index.store import Store

    (seeds / "paper.pdf").write_bytes(b"%PDF-1.4")
    assert main(["ingest", str(seeds)]) == 0
    assert "warning: skipped 1 file of other types (paper.pdf)" in capsys.readouterr().err
    assert main(["articles", "--json"]) == 0
    ids = [json.loads(line)["id"] for line in capsys.readouterr().out.splitlines()]
    assert len(ids) == 2
    code = main(["rm", ids[0][:6], "nope", "--json"])
    captured = capsys.readouterr()
    assert code == 1  # one bad id: said, and the good one still removed
    assert "no indexed article has an id starting 'nope'" in captured.err
    assert json.loads(captured.out)["removed"][0]["id"] == ids[0]
    db = sqlite3.connect(".rag/catalog.sqlite")
    for table in ("articles", "sources", "chunks"):
        column = "id" if table == "articles" else "article_id"
        assert (
            db.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (ids[0],)).fetchone()[0]
            == 0
        )
    fts = db.execute("SELECT COUNT(*) FROM chunks_fts").fetchone()[0]
    chunks = db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
    db.close()
    assert fts == chunks > 0
    settings = load_settings()
    with Store.open(settings.data_dir, settings.collection, make_embedder(settings).name) as store:
        assert store.collection.get(where={"article_id": ids[0]})["ids"] == []
        assert store.vector_count() == chunks
    assert main(["stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["consistent"] is True
    assert main(["articles"]) == 0
    listing = capsys.readouterr().out
    assert ids[1] in listing and ids[0] not in listing
    assert "000_c88a" in listing or "004_6f3f" in listing  # the file name column


def test_wide_characters_take_two_columns_so_lists_line_up():
    """A Japanese site's name is cut and padded by the columns it takes, not its characters,
    so the titles after it line up with the others' ('特許業務法人ライトハウス国際特許事務所')."""
    from rag.core.text import cells, clip, pad

    outlet = "特許業務法人ライトハウス国際特許事務所"
    assert cells("特許") == 4 and cells("MSN") == 3
    assert cells(clip(outlet, 20)) <= 20 and clip(outlet, 20).endswith("…")
    assert cells(pad(clip(outlet, 20), 20)) == cells(pad("MSN", 20)) == 20
    assert clip("A title of plain words that runs on", 20) == "A title of plain…"


def test_articles_are_named_by_outlet_and_piped_titles_stay_whole(capsys, monkeypatch, tmp_path):
    """Issue 39: outlet, date and title (whole when piped, at 80 columns); the file only with
    -v or --json; sources under an answer name the outlet too."""
    page = tmp_path / "page.html"
    title = "Alibaba prices its Hong Kong listing at a discount to New York, raising $12.9bn"
    page.write_text(
        "<html><head><title>x</title>"
        '<meta property="og:site_name" content="The Example Times">'
        f'<meta property="og:title" content="{title}">'
        '<meta property="article:published_time" content="2019-11-20T08:00:00Z"></head>'
        "<body><article><h1>" + title + "</h1>"
        + "".join(
            f"<p>Alibaba set the price of its second listing in Hong Kong on Wednesday, paragraph {i}, "
            "with shares at a 2.8 per cent discount to their New York close.</p>"
            for i in range(6)
        )
        + "</article></body></html>",
        encoding="utf-8",
    )  # fmt: skip
    assert main(["ingest", str(page)]) == 0
    capsys.readouterr()
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["articles"]) == 0
    line = capsys.readouterr().out.splitlines()[1]
    assert "The Example Times" in line and "2019-11-20" in line and title in line
    assert "page.html" not in line
    assert main(["articles", "-v"]) == 0
    assert "page.html" in capsys.readouterr().out
    assert main(["articles", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["outlet"] == "The Example Times"
    assert main(["ask", "At what discount were Alibaba's Hong Kong shares priced?"]) == 0
    out = capsys.readouterr().out
    assert "[1] The Example Times · 2019-11-20 · Alibaba prices" in out
