"""The shared index: catalog and lexical index on a real PostgreSQL server, vectors on a real
`chroma run` server, written by several processes ("machines", each with its own data dir)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from conftest import ROOT, run

from rag.core.config import load_settings
from rag.core.errors import BackendError, RagError
from rag.index.catalog import IndexVersionError
from rag.index.pgcatalog import PgCatalog
from rag.index.retrieve import Retriever
from rag.index.store import Store
from rag.ingest.run import ingest

READER = ROOT / "evals" / "reader" / "articles"


def collection() -> str:
    return "t" + uuid.uuid4().hex[:10]


def shared_env(postgres_server: str, chroma_server: str, name: str) -> dict[str, str]:
    return {
        "RAG_DATABASE_URL": postgres_server,
        "RAG_CHROMA_URL": chroma_server,
        "RAG_COLLECTION": name,
    }


def corpus(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True)
    for name in names:
        shutil.copy(READER / name, folder / name)
    return folder


def reader_names(n: int) -> list[str]:
    """The first n reader articles that are not seeds."""
    seeds = {p.name for p in (ROOT / "seeds").iterdir()}
    return sorted(p.name for p in READER.glob("*.txt") if p.name not in seeds)[:n]


def rag_process(data_dir: Path, *args: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "rag.cli", "--data-dir", str(data_dir), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )


def test_postgres_catalog_ranks_and_filters_as_sqlite_does(
    postgres_server, chroma_server, local_embedder, tmp_path
):
    """The same articles in both backends: the same counts, articles, filters, story copies,
    offsets and lexical ranking (bm25 scores equal), for the seed and reader questions."""
    folder = corpus(tmp_path / "mix", reader_names(8))
    for seed in (ROOT / "seeds").iterdir():
        shutil.copy(seed, folder / seed.name)
    (folder / "dated.txt").write_text(
        "---\ntitle: Dated copy\ndate: 2025-07-16\n---\n" + (ROOT / "seeds").joinpath(
            sorted(p.name for p in (ROOT / "seeds").iterdir())[0]
        ).read_text() + "\nThis story was updated with comment from the company.\n"
    )  # fmt: skip
    name = collection()
    with (
        Store.open(tmp_path / "sqlite", "articles", local_embedder.name, create=True) as lite,
        Store.open(
            tmp_path / "pg", name, local_embedder.name, chroma_url=chroma_server, create=True,
            database_url=postgres_server,
        ) as shared,
    ):  # fmt: skip
        assert shared.shared and not lite.shared
        for store in (lite, shared):
            report = ingest([str(folder)], store, local_embedder)
            assert report.failed == 0 and report.new == 11
        assert lite.counts() == shared.counts()
        assert lite.articles() == shared.articles()
        assert shared.check()["consistent"]
        some = [a.id for a in lite.articles()][:4]
        for kwargs in ({}, {"article_ids": some}, {"source": "Estonia"}):
            assert sorted(lite.filter_articles(**kwargs)) == sorted(
                shared.filter_articles(**kwargs)
            )
        assert lite.filter_articles(newest=2) == shared.filter_articles(newest=2)
        assert lite.newest_date() == shared.newest_date()
        dated = next(a.id for a in lite.articles() if a.title == "Dated copy")
        assert lite.copies_of(dated) == shared.copies_of(dated) != []
        assert lite.chunk_at(dated, 500) == shared.chunk_at(dated, 500)
        assert lite.doc_freq("alibaba") == shared.doc_freq("alibaba") > 1
        questions = [
            json.loads(line)["question"]
            for gold in ("qa_seeds.jsonl", "qa_reader.jsonl")
            for line in (ROOT / "evals" / gold).read_text().splitlines()
            if line.strip() and not line.startswith("//")
        ]
        a, b = (
            Retriever(lite, local_embedder, mode="lexical"),
            Retriever(shared, local_embedder, mode="lexical"),
        )
        compared = 0
        for question in questions:
            hits_a, hits_b = a.search(question, k=5), b.search(question, k=5)
            assert [h.chunk_id for h in hits_a] == [h.chunk_id for h in hits_b], question
            for x, y in zip(hits_a, hits_b, strict=True):
                assert x.score == pytest.approx(y.score, rel=1e-9)
            compared += bool(hits_a)
        assert compared > 250
        filtered = Retriever(shared, local_embedder, mode="lexical")
        from rag.index.retrieve import Filters

        only = Filters(article_ids=[dated])
        assert {h.article_id for h in filtered.search("Alibaba shares", 5, filters=only)} == {dated}


def test_two_machines_ingest_one_index_at_once_and_answer_alike(
    postgres_server, chroma_server, tmp_path, capsys, monkeypatch
):
    """Two processes, two data dirs, one shared index: each ingests half a corpus at the same
    time; then both ingest the whole corpus at once (nothing is embedded twice), and both
    answer the same question from the same passages."""
    names = reader_names(10)
    half_a = corpus(tmp_path / "a", names[:5])
    half_b = corpus(tmp_path / "b", names[5:])
    env = shared_env(postgres_server, chroma_server, collection())
    procs = [
        rag_process(tmp_path / "m1", "ingest", str(half_a), "--json", env=env),
        rag_process(tmp_path / "m2", "ingest", str(half_b), "--json", env=env),
    ]
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        reports.append(json.loads(out.strip().splitlines()[-1]))
    assert [r["new"] for r in reports] == [5, 5]
    # both machines now ingest both halves at once: every article is new to one of them
    # only, and the other counts it as a duplicate (it waited for the claim, not embedding)
    both = corpus(tmp_path / "all", names)
    (both / "extra.txt").write_text((ROOT / "seeds").iterdir().__next__().read_text())
    procs = [
        rag_process(tmp_path / m, "ingest", str(both), "--json", env=env) for m in ("m1", "m2")
    ]
    again = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        again.append(json.loads(out.strip().splitlines()[-1]))
    assert sorted(r["new"] for r in again) == [0, 1]  # extra.txt, by one machine only
    assert sorted(bool(r["chunks_added"]) for r in again) == [False, True]  # embedded once
    for r in again:  # every file is accounted for by each machine
        assert r["new"] + r["updated"] + r["unchanged"] + r["duplicates"] == 11, r
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    answers = []
    for machine in ("m1", "m2"):
        code, out, err = run(
            capsys, "--data-dir", str(tmp_path / machine), "ask", "--json", "--no-log",
            "What is the capital of Estonia?",
        )  # fmt: skip
        assert code == 0, err
        answer = json.loads(out)
        answers.append((answer["text"], [c["chunk_id"] for c in answer["citations"]]))
    assert answers[0] == answers[1] and answers[0][1]
    code, out, err = run(capsys, "--data-dir", str(tmp_path / "m2"), "doctor", "--json")
    assert code == 0 and json.loads(out)["consistent"] is True
    code, out, _ = run(capsys, "--data-dir", str(tmp_path / "m1"), "stats", "--json")
    assert json.loads(out)["articles"] == 11


def test_kill_9_of_one_writer_loses_nothing_and_the_other_machine_recovers(
    postgres_server, chroma_server, tmp_path
):
    """A writer is killed mid-ingest (when the index shows some of its articles done and
    others not): its claims die with its connection, so the next ingest, from another data
    dir, purges what it left pending and indexes everything once."""
    names = reader_names(12)
    folder = corpus(tmp_path / "corpus", names)
    name = collection()
    env = shared_env(postgres_server, chroma_server, name)
    watcher = PgCatalog(postgres_server, name)
    try:
        proc = rag_process(tmp_path / "m1", "ingest", str(folder), env=env)
        done = 0
        while proc.poll() is None:
            done = len(watcher.articles())
            if 0 < done < len(names):
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.02)  # polling interval, not a premise
        proc.communicate(timeout=600)
        assert proc.returncode == -signal.SIGKILL, "the writer finished before the kill"
        assert 0 < done < len(names)
        second = rag_process(tmp_path / "m2", "ingest", str(folder), "--json", env=env)
        out, err = second.communicate(timeout=600)
        assert second.returncode == 0, err
        report = json.loads(out.strip().splitlines()[-1])
        # the articles the killed writer finished are kept (one finished but not yet mapped
        # to its file counts as unfinished and is redone); every file is accounted for
        redone = report["new"] + report["updated"]
        assert len(names) - done <= redone <= len(names), report
        assert redone + report["unchanged"] + report["duplicates"] == len(names), report
        assert len(watcher.articles()) == len(names)
        per_article = watcher._all(
            "SELECT article_id, COUNT(*), COUNT(DISTINCT idx) FROM chunks GROUP BY article_id"
        )
        assert len(per_article) == len(names)
        assert all(total == distinct for _, total, distinct in per_article)  # no duplicates
        assert watcher.unfinished() == []
        doctor = rag_process(tmp_path / "m2", "doctor", "--json", env=env)
        out, err = doctor.communicate(timeout=120)
        state = json.loads(out)
        assert doctor.returncode == 0 and state["consistent"], state
        assert state["vectors"] == state["catalog_chunks"] == state["lexical_rows"]
    finally:
        watcher.close()


def test_the_seeds_eval_gives_the_same_figures_on_sqlite_and_postgresql(
    postgres_server, chroma_server, local_embedder
):
    from rag.eval.run import run_eval

    runs = {}
    for backend, extra in (
        ("sqlite", {}),
        ("postgresql", {"database_url": postgres_server, "chroma_url": chroma_server}),
    ):
        settings = load_settings(**extra)
        result = run_eval(
            settings, suite=("retrieval", "qa"), embedder=local_embedder, label=backend
        )
        runs[backend] = result.counts
    assert runs["sqlite"] == runs["postgresql"]
    assert runs["sqlite"]["qa.correct"][1] >= 56 and runs["sqlite"]["retrieval.hit_at_5"][0] > 0


def test_schema_versions_locks_and_redacted_secrets(
    postgres_server, chroma_server, local_embedder, tmp_path, capsys, monkeypatch
):
    name = collection()
    catalog = PgCatalog(postgres_server, name)
    assert catalog.get_meta("schema_version") == "1"
    assert catalog._one("SHOW jit") == ("off",)  # JIT cost each bm25 search 200-340 ms
    catalog.close()
    # a later release's migration runs once, in order, and the version is recorded
    import rag.index.pgdb as pg

    ran = []

    def add_column(conn) -> None:  # type: ignore[no-untyped-def]
        ran.append(2)
        conn.execute("ALTER TABLE articles ADD COLUMN section text")

    monkeypatch.setattr(pg, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(pg.MIGRATIONS, 2, add_column)
    for _ in range(2):
        PgCatalog(postgres_server, name).close()
    assert ran == [2]
    monkeypatch.undo()  # this release again: the index is newer than it
    with pytest.raises(IndexVersionError, match="schema 2 > 1"):
        PgCatalog(postgres_server, name)
    name = collection()
    catalog = PgCatalog(postgres_server, name)
    catalog.set_meta("schema_version", "99")
    catalog.close()
    with pytest.raises(IndexVersionError, match="newer release"):
        PgCatalog(postgres_server, name)
    with pytest.raises(RagError, match="no index"):
        PgCatalog(postgres_server, collection(), create=False)
    # a repair waits for no ingest anywhere: refused while a writer holds the shared lock
    name = collection()
    opened = [
        Store.open(
            tmp_path / f"m{n}", name, local_embedder.name, chroma_url=chroma_server,
            create=True, database_url=postgres_server,
        )
        for n in (1, 2)
    ]  # fmt: skip
    try:
        opened[0].lock()
        opened[1].lock()  # a second ingest at once is fine
        opened[1].unlock()
        with pytest.raises(RagError, match="another machine is ingesting"):
            opened[1].lock(exclusive=True)
        opened[0].unlock()
        opened[1].lock(exclusive=True)
        with pytest.raises(RagError, match="being repaired"):
            opened[0].lock()
    finally:
        for store in opened:
            store.close()
    # the password never shows: not in `rag config`, not in a connection error
    monkeypatch.setenv("RAG_DATABASE_URL", postgres_server)
    monkeypatch.setenv("RAG_CHROMA_URL", chroma_server)
    code, out, _ = run(capsys, "config")
    assert code == 0 and "s3cret-pw" not in out and "rag:***@127.0.0.1" in out
    wrong = postgres_server.rsplit(":", 1)[0].replace("s3cret-pw", "wrong-pw") + ":1/rag"
    monkeypatch.setenv("RAG_DATABASE_URL", wrong)
    code, out, err = run(capsys, "stats")
    assert code == 1 and "wrong-pw" not in out + err
    assert "cannot reach PostgreSQL at postgresql://rag:***@127.0.0.1:1/rag" in err
    assert len(err.strip().splitlines()) == 1
    # a server that is up but refuses the login says so, and what to check
    monkeypatch.setenv("RAG_DATABASE_URL", postgres_server.replace("s3cret-pw", "wrong-pw"))
    code, out, err = run(capsys, "stats")
    assert code == 1 and "wrong-pw" not in out + err and len(err.strip().splitlines()) == 1
    assert "refused the login" in err and "check the user, password" in err
    monkeypatch.delenv("RAG_CHROMA_URL")
    monkeypatch.setenv("RAG_DATABASE_URL", postgres_server)
    code, _, err = run(capsys, "stats")
    assert code == 1 and "set RAG_CHROMA_URL" in err
    with pytest.raises(BackendError):
        PgCatalog(wrong, "articles")


def test_prune_on_a_shared_index_touches_only_the_given_folders(
    postgres_server, chroma_server, tmp_path, capsys, monkeypatch, seeds
):
    """Another machine's files are not on this one: `--prune` forgets only missing files
    under the folders it was given."""
    for key, value in shared_env(postgres_server, chroma_server, collection()).items():
        monkeypatch.setenv(key, value)
    other = corpus(tmp_path / "other", reader_names(2))
    assert run(capsys, "--data-dir", str(tmp_path / "m1"), "ingest", str(seeds))[0] == 0
    assert run(capsys, "--data-dir", str(tmp_path / "m2"), "ingest", str(other))[0] == 0
    gone = sorted(other.iterdir())[0]
    gone.unlink()
    code, out, _ = run(
        capsys, "--data-dir", str(tmp_path / "m1"), "ingest", str(seeds), "--prune", "--json"
    )
    assert code == 0 and json.loads(out)["pruned"] == 0
    code, out, _ = run(capsys, "--data-dir", str(tmp_path / "m1"), "stats", "--json")
    assert json.loads(out)["articles"] == 4
    code, out, err = run(
        capsys, "--data-dir", str(tmp_path / "m2"), "ingest", str(other), "--prune", "--json"
    )
    assert code == 0, err
    assert json.loads(out)["pruned"] == 1
    code, out, _ = run(capsys, "--data-dir", str(tmp_path / "m2"), "stats", "--json")
    assert json.loads(out)["articles"] == 3


def test_connections_the_server_drops_are_replaced_and_the_query_retried(postgres_server, caplog):
    """A pooled connection killed by the server (a restart, a failover, an idle timeout) is
    a transient error: the query is retried on a fresh connection."""
    import psycopg

    catalog = PgCatalog(postgres_server, collection())
    try:
        catalog.set_meta("probe", "1")
        with psycopg.connect(postgres_server, autocommit=True) as admin:
            killed = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = 'rag'"
            ).fetchone()
        assert killed is not None and killed[0] >= 1
        with caplog.at_level("WARNING"):
            assert catalog.get_meta("probe") == "1"
        assert "retrying" in caplog.text
    finally:
        catalog.close()
