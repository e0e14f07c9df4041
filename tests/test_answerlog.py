"""The answer log: real SQLite files, the real CLI on the seeds, real processes and limits."""

import io
import json
import shutil
import sqlite3
import subprocess
import sys
import textwrap

import pytest
from conftest import ROOT, run

from rag.answer import Answer, Citation
from rag.core.errors import register_secret
from rag.eval.gold import GoldFileError, load_gold
from rag.ingest.loaders import load_path
from rag.logs import LOG_FILE, SCHEMA_VERSION, AnswerLog, LogError, migrate

TUESDAY_Q = "By how much did Alibaba shares rally on Tuesday?"
TUESDAY_FILE = "000_c88aad9c334f0d3b.txt"


def make_answer(n: int, model_text: str = "") -> Answer:
    passage = f"Passage {n}: shares rose {n}% on Tuesday."
    return Answer(
        question=f"question {n} about shares",
        query=f"question {n} about shares",
        text=f"{n}% [1]",
        abstained=False,
        method="span",
        kind="quantity",
        evidence=passage,
        evidence_n=1,
        citations=[
            Citation(
                n=1,
                chunk_id=f"a{n}:0",
                article_id=f"a{n}",
                title=f"Title {n}",
                date=None,
                source=f"/x/{n}.txt",
                start=10,
                end=10 + len(passage),
                text=passage,
            )
        ],  # fmt: skip
        cited=[1],
        model="local:test",
        model_text=model_text,
    )


def test_a_logged_answer_keeps_its_passages_after_reingest_and_rm(capsys, seeds):
    original = next(load_path(seeds / TUESDAY_FILE))
    assert run(capsys, "ingest", str(seeds))[0] == 0
    code, out, _ = run(capsys, "ask", TUESDAY_Q)
    assert code == 0 and "8.1%" in out

    code, out, _ = run(capsys, "logs", "--json")
    [row] = [json.loads(line) for line in out.splitlines()]
    assert row["id"] == 1 and row["command"] == "ask" and "8.1%" in row["answer"]
    code, out, _ = run(capsys, "logs", "show", "1", "--json")
    before = json.loads(out)
    assert before["passages"] and before["evidence"] and before["model"].startswith("local:")

    # the article changes on disk and is re-ingested, then removed from the index
    path = seeds / TUESDAY_FILE
    path.write_text(path.read_text().replace("8.1%", "9.9%"), encoding="utf-8")
    assert run(capsys, "ingest", str(seeds))[0] == 0  # the old version leaves the index
    edited = next(load_path(path))
    assert edited.id != original.id
    assert run(capsys, "rm", edited.id)[0] == 0

    code, out, _ = run(capsys, "logs", "show", "1", "--json")
    assert code == 0 and json.loads(out)["passages"] == before["passages"]
    code, out, _ = run(capsys, "logs", "export", "1", "--format", "json")
    sheet = json.loads(out)
    evidence = [q for q in sheet["quotes"] if q["role"] == "evidence"]
    assert evidence and "8.1%" in evidence[0]["quote"]
    for quote in sheet["quotes"]:  # offsets point into the article as it was answered from
        assert quote["article_id"] == original.id
        assert original.text[quote["start"] : quote["end"]] == quote["quote"]
    code, out, _ = run(capsys, "logs", "show", "1")
    assert "8.1%" in out and "chars " in out and "Tuesday" in out
    code, out, _ = run(capsys, "logs", "export", "1")
    assert out.startswith("## Log 1:") and "Evidence [" in out and "> " in out


def test_list_search_since_and_the_off_switches(capsys, tmp_path, monkeypatch):
    with AnswerLog.open_for_writing(tmp_path / ".rag") as answer_log:
        ids = [answer_log.record(make_answer(n), command="ask") for n in range(1, 31)]
    assert ids == list(range(1, 31))
    code, out, _ = run(capsys, "logs", "-n", "5", "--json")
    assert [json.loads(line)["id"] for line in out.splitlines()] == [30, 29, 28, 27, 26]
    code, out, _ = run(capsys, "logs", "-q", "question 7", "--json")
    assert [json.loads(line)["id"] for line in out.splitlines()] == [7]
    code, out, _ = run(capsys, "logs", "-q", "ques 12%", "--json")  # a word as a prefix
    assert [json.loads(line)["id"] for line in out.splitlines()] == [12]
    code, out, err = run(capsys, "logs", "-q", '"OR(*', "--json")  # no query syntax leaks
    assert code == 0 and out == ""
    code, out, err = run(capsys, "logs", "--since", "2999-01-01")
    assert code == 0 and out == "" and "no logged answers match" in err
    code, out, _ = run(capsys, "logs", "-n", "2")
    assert "30" in out and "question 30" in out and "span" in out
    code, _, err = run(capsys, "logs", "show", "99")
    assert code == 1 and "no log entry 99 (entries run 1-30)" in err

    monkeypatch.setenv("RAG_LOG", "false")
    code, out, _ = run(capsys, "logs", "show", "30")
    assert code == 0 and "question 30" in out  # reading works with logging off


def test_ask_with_no_log_and_rag_log_false_writes_nothing(capsys, seeds, monkeypatch):
    assert run(capsys, "ingest", str(seeds))[0] == 0
    assert run(capsys, "ask", TUESDAY_Q, "--no-log")[0] == 0
    monkeypatch.setenv("RAG_LOG", "false")
    assert run(capsys, "ask", TUESDAY_Q)[0] == 0
    assert not (seeds.parent / ".rag" / LOG_FILE).exists()
    code, _, err = run(capsys, "logs")
    assert code == 1 and "no answer log in" in err and "RAG_LOG=false" in err


def test_a_full_or_unwritable_log_still_prints_the_answer(capsys, seeds, tmp_path):
    assert run(capsys, "ingest", str(seeds))[0] == 0
    assert run(capsys, "ask", TUESDAY_Q)[0] == 0  # writes entry 1
    data = tmp_path / ".rag"
    shutil.move(data / LOG_FILE, tmp_path / "kept.sqlite")
    for suffix in ("-wal", "-shm"):
        (data / (LOG_FILE + suffix)).unlink(missing_ok=True)

    # a full device: every write to the log fails with ENOSPC from the kernel
    (data / LOG_FILE).symlink_to("/dev/full")
    code, out, err = run(capsys, "ask", TUESDAY_Q)
    assert code == 0 and "8.1%" in out and "Sources:" in out
    assert "warning: the answer was not logged" in err and "disk is full" in err
    assert len(err.strip().splitlines()) == 1  # one line, no traceback

    # a log that cannot be opened at all (root ignores file modes: a folder in its place)
    (data / LOG_FILE).unlink()
    (data / LOG_FILE).mkdir()
    code, out, err = run(capsys, "ask", TUESDAY_Q, "--json")
    assert code == 0 and "8.1%" in Answer.model_validate_json(out).text
    assert err.count("warning: the answer was not logged") == 1 and "RAG_LOG=false" in err


FULL_MID_WRITE = textwrap.dedent(
    """
    import resource, sys
    sys.path.insert(0, {tests!r})
    from pathlib import Path
    from test_answerlog import make_answer
    from rag.logs import AnswerLog
    warnings = []
    log = AnswerLog.open_for_writing(Path(sys.argv[1]), on_warning=warnings.append)
    assert log.record(make_answer(1), command="ask") == 1
    # the disk fills: no file of this process may grow (Python ignores SIGXFSZ: EFBIG)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    big = make_answer(2)
    big.citations[0].text = "x" * 200_000
    assert log.record(big, command="ask") is None
    assert log.record(make_answer(3), command="ask") is None
    log.close()
    print(len(warnings), warnings[0])
    """
)


def test_a_disk_that_fills_mid_write_leaves_the_log_whole(tmp_path):
    script = FULL_MID_WRITE.format(tests=str(ROOT / "tests"))
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("1 the answer was not logged")  # warned once, went on
    with AnswerLog.open(tmp_path) as answer_log:
        assert answer_log.count() == 1
        assert [p.n for p in answer_log.get(1).passages] == [1]
    with sqlite3.connect(tmp_path / LOG_FILE) as db:
        assert db.execute("SELECT count(*) FROM passages").fetchone()[0] == 1
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


WRITER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    from test_answerlog import make_answer
    from rag.logs import AnswerLog
    from pathlib import Path
    start = int(sys.argv[1])
    with AnswerLog.open_for_writing(Path(sys.argv[2])) as log:
        for n in range(start, start + 50):
            assert log.record(make_answer(n), command="ask") is not None
    """
)


def test_two_processes_logging_at_once_lose_nothing(tmp_path):
    script = WRITER.format(tests=str(ROOT / "tests"))
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(start), str(tmp_path / "d")])
        for start in (1, 51)
    ]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    with AnswerLog.open(tmp_path / "d") as answer_log:
        assert answer_log.count() == 100
        questions = {e.question for e in answer_log.entries(limit=1000)}
        assert questions == {f"question {n} about shares" for n in range(1, 101)}
        assert all(len(answer_log.get(i).passages) == 1 for i in range(1, 101))


def test_no_secret_is_stored(tmp_path):
    register_secret("sk-test-0123456789abcdef")
    with AnswerLog.open_for_writing(tmp_path) as answer_log:
        answer_log.record(make_answer(1, model_text="key sk-test-0123456789abcdef"), command="ask")
    raw = (tmp_path / LOG_FILE).read_bytes()
    for extra in ("-wal",):
        if (tmp_path / (LOG_FILE + extra)).exists():
            raw += (tmp_path / (LOG_FILE + extra)).read_bytes()
    assert b"0123456789abcdef" not in raw
    with AnswerLog.open(tmp_path) as answer_log:
        assert "[redacted]" in answer_log.get(1).model_text


def test_migrations_bring_an_old_file_forward_and_refuse_a_newer_one(tmp_path):
    db = sqlite3.connect(tmp_path / LOG_FILE, isolation_level=None)
    migrate(db)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    migrate(db)  # a second run changes nothing
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(LogError, match="newer release"):
        AnswerLog.open(tmp_path)
    # writing to it warns instead of failing
    warnings: list[str] = []
    with AnswerLog.open_for_writing(tmp_path, on_warning=warnings.append) as answer_log:
        assert answer_log.record(make_answer(1), command="ask") is None
    assert len(warnings) == 1 and "newer release" in warnings[0]


def test_to_gold_lines_need_a_person_to_fill_the_reference(capsys, tmp_path):
    with AnswerLog.open_for_writing(tmp_path / ".rag") as answer_log:
        for n in (1, 2):
            answer_log.record(make_answer(n), command="ask")
    gold = tmp_path / "new.jsonl"
    code, _, err = run(capsys, "logs", "to-gold", "1", "2", "--out", str(gold))
    assert code == 0 and "wrote 2 gold line(s)" in err
    text = gold.read_text()
    assert "// log 1 answered (span): 1% [1]" in text
    with pytest.raises(GoldFileError, match="reference answer is empty: fill in"):
        load_gold(gold)
    filled = text.replace('"answer": ""', '"answer": "1%"')
    gold.write_text(filled)
    items = load_gold(gold)
    assert [i.id for i in items] == ["log-1", "log-2"]
    assert items[0].type == "numeric" and items[0].articles == ["1.txt"]
    assert items[0].evidence == ["Passage 1: shares rose 1% on Tuesday."]


def test_chat_turns_are_logged_with_history_and_export(capsys, seeds, monkeypatch, tmp_path):
    assert run(capsys, "ingest", str(seeds))[0] == 0
    sheet = tmp_path / "sheet.md"
    monkeypatch.setattr(
        "sys.stdin", io.StringIO(f"{TUESDAY_Q}\n/history\n/export 1 {sheet}\n/export 7\n")
    )
    code, out, _ = run(capsys, "chat")
    assert code == 0
    assert "    1  By how much did Alibaba" in out and "wrote log entry 1" in out
    assert "no log entry 7" in out
    assert "8.1%" in sheet.read_text() and "chars " in sheet.read_text()
    code, out, _ = run(capsys, "logs", "--json")
    [row] = [json.loads(line) for line in out.splitlines()]
    assert row["command"] == "chat"


def test_a_brief_is_logged_with_its_article(capsys, seeds):
    assert run(capsys, "ingest", str(seeds))[0] == 0
    code, out, _ = run(capsys, "brief", str(seeds / TUESDAY_FILE), "--format", "json")
    assert code == 0
    brief = json.loads(out)
    code, out, _ = run(capsys, "logs", "show", "1", "--json")
    entry = json.loads(out)
    assert entry["command"] == "brief" and entry["record"]["key_points"] == brief["key_points"]
    [passage] = entry["passages"]
    assert "8.1%" in passage["text"] and passage["start"] == 0
    code, out, _ = run(capsys, "brief", str(seeds / TUESDAY_FILE), "--json", "--no-log")
    assert code == 0 and json.loads(out)["key_points"] == brief["key_points"]  # cached, same
