"""Reliability: Chroma durability across clean exits, kill -9 during ingest, secrets kept out of
every artifact, and the HTML report escaping what articles and models say."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

from rag.cli.main import main
from rag.eval.run import ItemResult, RunResult, write_run
from rag.index.store import Store, catalog_path
from rag.ingest.run import ingest

LONG = ROOT / "tests" / "data" / "long_article.txt"
SECRET = "sk-planted-secret-7c1e9a"


def make_corpus(folder: Path, copies: int) -> Path:
    """`copies` distinct long articles (~55 chunks each at 64 tokens)."""
    folder.mkdir(parents=True)
    body = LONG.read_text()
    for n in range(copies):
        (folder / f"copy_{n:03d}.txt").write_text(f"Edition {n} of the reference text\n{body}")
    return folder


def rag_cli(*args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "rag.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def counts_in_fresh_process(data_dir: Path) -> dict:
    """Open the index in a new process (nothing cached in this one) and report its state."""
    code = (
        "import json, sys; from rag.index.store import Store; from rag.index.embed import LocalEmbedder;"
        "e = LocalEmbedder(); s = Store.open(__import__('pathlib').Path(sys.argv[1]), 'articles', e.name);"
        "r = s.check(); r['hits'] = len(s.dense_search(e.embed(['Liberia independence'])[0], 5));"
        "r['articles'] = len(s.catalog.articles()); print(json.dumps(r))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(data_dir)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("copies", [1, 20], ids=["below-sync-threshold", "above-sync-threshold"])
def test_vectors_survive_a_clean_exit_below_and_above_the_hnsw_sync_threshold(tmp_path, copies):
    corpus = make_corpus(tmp_path / "corpus", copies)
    proc = rag_cli(
        "--data-dir",
        str(tmp_path / "idx"),
        "ingest",
        str(corpus),
        "--chunk-tokens",
        "64",
        "--chunk-overlap",
        "16",
    )
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    state = counts_in_fresh_process(tmp_path / "idx")
    assert state["consistent"] and state["articles"] == copies
    assert state["vectors"] == state["catalog_chunks"] == state["lexical_rows"]
    assert (state["vectors"] < 1000) == (copies == 1)  # Chroma's default sync_threshold is 1000
    assert state["hits"] == 5


def done_articles(data_dir: Path) -> int:
    """Articles the index has finished, read from the catalog as another process sees it."""
    path = catalog_path(data_dir, "articles")
    if not path.exists():
        return 0
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return int(
                db.execute("SELECT COUNT(*) FROM articles WHERE state = 'done'").fetchone()[0]
            )
        finally:
            db.close()
    except sqlite3.OperationalError:  # created but not yet holding its tables
        return 0


def test_kill_9_during_ingest_loses_nothing_and_the_next_ingest_completes(tmp_path, local_embedder):
    """Each run is killed when the index shows it mid-way: it has finished at least one more
    article than it started with, and others of the corpus are still to come. The kill
    lands between articles of a batch or while the next batch is embedded, whatever the
    machine's speed (no sleep decides it)."""
    copies = 20  # ~5 articles per embedding batch: four runs each have more left to do
    corpus = make_corpus(tmp_path / "corpus", copies)
    data_dir = tmp_path / "idx"
    killed_at = []
    for _ in range(4):
        before = done_articles(data_dir)
        proc = rag_cli(
            "--data-dir",
            str(data_dir),
            "ingest",
            str(corpus),
            "--chunk-tokens",
            "64",
            "--chunk-overlap",
            "16",
            # the copies share most chunk texts: with the embedding cache, the runs after the
            # first would finish before the kill; the index is what is under test here
            env={"RAG_EMBED_CACHE": "false"},
        )
        while proc.poll() is None:
            done = done_articles(data_dir)
            if before < done < copies:
                proc.send_signal(signal.SIGKILL)
                killed_at.append(done)
                break
            time.sleep(0.02)  # polling interval, not a premise
        proc.communicate(timeout=600)
    assert len(killed_at) >= 3, killed_at
    with Store.open(data_dir, "articles", local_embedder.name) as store:
        report = ingest([str(corpus)], store, local_embedder, chunk_tokens=64, chunk_overlap=16)
        assert report.failed == 0 and report.ingested == copies
        state = store.check()
        assert state["consistent"], state
        assert len(store.catalog.articles()) == copies
        per_article = store.catalog.db.execute(
            "SELECT article_id, COUNT(*), COUNT(DISTINCT idx) FROM chunks GROUP BY article_id"
        ).fetchall()
        assert all(total == distinct for _, total, distinct in per_article)  # no duplicates
        assert len({n for _, n, _ in per_article}) == 1  # every copy fully indexed
    again = counts_in_fresh_process(data_dir)
    assert again["consistent"] and again["vectors"] == again["catalog_chunks"]


def test_a_planted_api_key_appears_in_no_output_or_artifact(tmp_path, capsys, monkeypatch, seeds):
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("RAG_LLM_API_KEY", SECRET)
    monkeypatch.setenv("RAG_EMBED_API_KEY", SECRET)
    outputs = []
    for args in (
        ["-vv", "ingest", str(seeds)],
        ["config"],
        ["config", "--json"],
        ["-vv", "ask", "By how much did Alibaba shares rally on Tuesday?", "--json"],
        ["brief", "--all", "--format", "json", "--out", "briefs"],
        ["eval", "--suite", "retrieval", "--out", "runs"],
    ):
        assert main(args) == 0, args
        captured = capsys.readouterr()
        outputs += [captured.out, captured.err]
    # a failing remote backend: its error names the URL, never the key
    monkeypatch.setenv("RAG_LLM_PROVIDER", "openai")
    monkeypatch.setenv("RAG_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("RAG_LLM_MAX_RETRIES", "0")
    # a served model reads the passages: it is asked
    assert main(["ask", "Which AI start-up has Alibaba invested in?"]) == 1
    captured = capsys.readouterr()
    assert "127.0.0.1:9" in captured.err
    outputs += [captured.out, captured.err]
    assert not any(SECRET in text for text in outputs)
    files = [p for p in Path.cwd().rglob("*") if p.is_file()]
    assert len(files) > 10
    leaked = [p for p in files if SECRET.encode() in p.read_bytes()]
    assert leaked == []


def test_the_html_report_runs_no_script_from_article_or_model_text(tmp_path):
    import shutil

    hostile = (
        '<script>document.title="PWNED"</script><img src=x onerror="document.title=\'PWNED\'">'
    )
    run = RunResult(
        label="<b>label</b>", started="now", settings={"llm_model": hostile}, suites=["qa"],
        summary={"qa.correct": 0.5}, by_type={"qa.correct": {hostile: 0.5}},
        items=[ItemResult(
            suite="qa", id=hostile, type="factual",
            inputs={"question": hostile, "reference": hostile},
            outputs={"answer": hostile, "cited": [1], "citations": [
                {"n": 1, "article": hostile, "start": 0, "end": 1, "text": hostile}]},
            scores={"correct": 0.0},
        )],
    )  # fmt: skip
    write_run(run, tmp_path / "run")
    html = (tmp_path / "run" / "report.html").read_text()
    assert "<script" not in html and "<img" not in html and "&lt;script&gt;" in html
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is missing: run `make chromium`"
    dom = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
         (tmp_path / "run" / "report.html").as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    assert "<title>rag eval: &lt;b&gt;label&lt;/b&gt;</title>" in dom  # the script never ran
    assert "PWNED</title>" not in dom


def test_a_batch_with_huge_broken_and_unreadable_files_ingests_the_rest(tmp_path, capsys, seeds):
    (seeds / "huge.txt").write_bytes(b"Big news. " * (5 * 1024 * 1024))  # 50 MB
    (seeds / "gone.txt").symlink_to(tmp_path / "missing-target.txt")
    (seeds / "records.jsonl").write_text(
        '{"title": "Fine", "body": "A record that loads fine, with a sentence."}\n{"title": \n'
        '{"body": "No title given, so the first line is the title."}\n'
    )
    code = main(["ingest", str(seeds), "--json"])
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert code == 1 and report["new"] == 4 and report["failed"] == 3  # the rest went in
    lines = captured.err.strip().splitlines()
    assert any("huge.txt" in line and "over the 20 MB limit" in line for line in lines)
    assert any("gone.txt" in line for line in lines)
    assert any("records.jsonl#2: invalid JSON" in line for line in lines)
    with Store.open(Path(".rag"), "articles", "local:all-MiniLM-L6-v2") as store:
        assert store.check()["consistent"]


def test_an_invalid_settings_file_is_one_clear_line(tmp_path, capsys):
    Path(".env").write_text("RAG_K=many\n")
    assert main(["config"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "k" in err and len(err.splitlines()) == 1


def test_two_ingests_at_once_are_serialised_or_refused_never_corrupting(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", 6)
    args = ("--data-dir", str(tmp_path / "idx"), "ingest", str(corpus), "--chunk-tokens", "64",
            "--chunk-overlap", "16")  # fmt: skip
    first, second = rag_cli(*args), rag_cli(*args)
    results = [p.communicate(timeout=600) for p in (first, second)]
    codes = [first.returncode, second.returncode]
    assert 0 in codes
    for code, (_, err) in zip(codes, results, strict=True):
        if code != 0:
            assert "another `rag ingest` is writing to" in err and "Traceback" not in err
    state = counts_in_fresh_process(tmp_path / "idx")
    assert state["consistent"] and state["articles"] == 6


def test_processes_creating_one_new_index_at_once_all_open_it(tmp_path):
    """Creating a new index raced between processes: in Chroma's set-up ("table collections
    already exists") and in switching the catalog and embedding cache files to WAL ("database
    is locked"). Each of several simultaneous openers now gets the store and the cache."""
    code = (
        "import sys, time; from pathlib import Path; from rag.index.store import Store\n"
        "from rag.index.embedcache import CachedEmbedder; from rag.index.embed import LocalEmbedder\n"
        "barrier = Path(sys.argv[2]); (barrier / sys.argv[3]).touch()\n"
        "while not (barrier / 'go').exists(): time.sleep(0.005)\n"
        "cache = CachedEmbedder(LocalEmbedder(), Path(sys.argv[1]) / 'embed-cache.sqlite')\n"
        "with Store.open(Path(sys.argv[1]), 'articles', 'local:x', create=True) as s:\n"
        "    print(s.vector_count() + cache.entries())\n"
    )
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(tmp_path / "idx"), str(barrier), f"ready-{n}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    # every interpreter has imported everything before any opens: they open at one moment
    deadline = time.monotonic() + 120
    while len(list(barrier.glob("ready-*"))) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    (barrier / "go").touch()
    results = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert out.strip() == "0"


def test_terminal_escapes_in_articles_never_reach_the_terminal(tmp_path, capsys):
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "esc.txt").write_text(
        "Escape\x1b[2J\x1b]0;pwned\x07 Corp [bold]news[/bold]\n"
        "Escape Corp said revenue rose 5% to $3 billion\x1b[31m in the quarter.\x08\n"
    )
    assert main(["ingest", str(folder)]) == 0
    capsys.readouterr()
    for args in (["articles"], ["search", "Escape Corp revenue"],
                 ["ask", "How much did Escape Corp revenue rise?"], ["brief", "--all"]):  # fmt: skip
        assert main(args) == 0, args
        captured = capsys.readouterr()
        shown = captured.out + captured.err
        assert "\x1b" not in shown and "\x07" not in shown and "\x08" not in shown, args
    assert main(["articles"]) == 0
    assert "Corp [bold]new" in capsys.readouterr().out  # shown as text (clipped), not as markup
