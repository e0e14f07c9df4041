"""The REPL as a user drives it: through a pseudo-terminal with pexpect."""

import os
import signal
import sys
from pathlib import Path

import pexpect
import pytest

from rag.cli.main import main

RAG = str(Path(sys.executable).parent / "rag")
PROMPT = "rag>"


@pytest.fixture
def chat(tmp_path, seeds, capsys):
    assert main(["--data-dir", str(tmp_path / "idx"), "ingest", str(seeds)]) == 0
    env = dict(
        os.environ, RAG_DATA_DIR=str(tmp_path / "idx"), PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm"
    )
    child = pexpect.spawn(
        RAG, ["chat"], env=env, encoding="utf-8", timeout=120, dimensions=(50, 200)
    )
    child.expect("rag chat")
    child.expect(PROMPT)
    yield child
    child.close(force=True)


def test_ctrl_c_stops_an_answer_in_progress(tmp_path, seeds, fault_url):
    """Ctrl-C while an answer is being produced stops it without leaving the REPL. The model
    is a loopback server that answers after 3 s, so the ^C lands while the answer is under
    way however fast the machine is (prompt_toolkit must have handed the terminal back
    first, or it reads ^C as input)."""
    assert main(["--data-dir", str(tmp_path / "idx"), "ingest", str(seeds)]) == 0
    env = dict(
        os.environ, RAG_DATA_DIR=str(tmp_path / "idx"), PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm",
        RAG_LLM_PROVIDER="openai", RAG_LLM_BASE_URL=f"{fault_url}/slow/v1", RAG_LLM_API_KEY="x",
        RAG_LLM_MAX_RETRIES="0",
    )  # fmt: skip
    # ^C as a user's terminal delivers it, even when the suite runs as a background job (whose
    # shell ignores SIGINT, which the child would inherit and Python would keep ignoring)
    chat = pexpect.spawn(
        RAG, ["chat"], env=env, encoding="utf-8", timeout=60, dimensions=(50, 200),
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    chat.expect(PROMPT)
    chat.sendline("What is Amazon's market capitalization?")
    chat.expect(
        "searching the articles"
    )  # the answer is under way: retrieval, then the model reads
    chat.sendcontrol("c")
    chat.expect(r"\(stopped\)")
    chat.expect(PROMPT)
    chat.sendline("/quit")
    chat.expect(pexpect.EOF)


def test_chat_session(chat):
    chat.sendline("By how much did Alibaba shares rally on Tuesday?")
    chat.expect("Sources:")
    assert "8.1%" in chat.before  # the answer, above its sources
    chat.expect(PROMPT)

    chat.sendline("/sources")
    chat.expect(r"\[1\] ")
    chat.expect(PROMPT)

    chat.sendline("/open 1")
    chat.expect("chars ")
    chat.expect(PROMPT)

    chat.sendline("/brief 371b9d71")  # the Tuesday seed, by id prefix
    chat.expect("Key points")
    chat.expect("8.1%")
    chat.expect(PROMPT)

    chat.sendline("/frobnicate")
    chat.expect("unknown command /frobnicate")
    chat.expect(PROMPT)

    chat.sendline("Who is Tencent's CEO?")
    chat.expect("Sources:")
    assert "Pony Ma" in chat.before
    chat.expect(PROMPT)

    chat.sendline("/quit")
    chat.expect(pexpect.EOF)


def test_chat_takes_the_filters_and_k_of_ask(tmp_path, seeds, capsys, monkeypatch):
    import io

    data = ["--data-dir", str(tmp_path / "idx")]
    assert main([*data, "ingest", str(seeds)]) == 0
    capsys.readouterr()
    question = "By how much did Alibaba shares rally on Tuesday?\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(question))
    assert main([*data, "chat"]) == 0
    assert "8.1%" in capsys.readouterr().out
    # scoped to the Thursday article, the Tuesday figure is not there to be found
    monkeypatch.setattr("sys.stdin", io.StringIO(question))
    assert main([*data, "chat", "--source", "004_", "-k", "2"]) == 0
    out = capsys.readouterr().out
    assert "k 2, scope source ~ 004_" in out
    assert "8.1%" not in out and "004_6f3f07893199474a.txt" in out


def test_the_prompt_shows_the_state_and_commands_take_prefixes(chat):
    chat.sendline("/articles")
    chat.expect(r"([0-9a-f]{16})\s")
    first = chat.match.group(1)
    chat.expect(PROMPT)
    chat.sendline(f"/scope {first[:4]}")  # a prefix, as /brief takes
    chat.expect(r"scope: 1 article\(s\)")
    chat.expect(r"rag \[1 article\]>")
    chat.sendline("/k 8")
    chat.expect(r"rag \[1 article, k 8\]>")
    chat.sendline("/scope zz")
    chat.expect("no article id starts with zz: see /articles")
    chat.sendline("/scope all")
    chat.expect(r"rag \[k 8\]>")
    chat.sendline("/since 2025-01-01")  # the seeds have no date
    chat.expect(r"rag \[since 2025-01-01, k 8\]>")
    chat.sendline("By how much did Alibaba shares rally on Tuesday?")
    chat.expect(r"no article matches the scope since 2025-01-01 \(2 of 2 articles have no date\)")
    chat.sendline("/since off")
    chat.expect(r"rag \[k 8\]>")
    chat.sendline("/model nope")
    chat.expect("unknown local model 'nope': use one of gemma3-270m, smollm2-135m")
    chat.sendline("/model smollm2-135m")
    chat.expect("model: local:smollm2-135m")
    chat.expect(r"rag \[k 8, smollm2-135m\]>")
    chat.sendline("/quit")
    chat.expect(pexpect.EOF)


def test_chat_reads_dates_and_says_when_sources_differ(tmp_path, capsys):
    newsroom = Path(__file__).parent.parent / "evals" / "newsroom" / "articles"
    assert main(["--data-dir", str(tmp_path / "idx"), "ingest", str(newsroom)]) == 0
    env = dict(
        os.environ,
        RAG_DATA_DIR=str(tmp_path / "idx"),
        PROMPT_TOOLKIT_NO_CPR="1",
        TERM="xterm",
        NO_COLOR="1",  # rich would colour the figures inside the lines matched below
    )
    child = pexpect.spawn(
        RAG, ["chat"], env=env, encoding="utf-8", timeout=120, dimensions=(50, 200)
    )
    try:
        child.expect(PROMPT)
        child.sendline("/asof 2025-07-21")
        child.expect("as of: 2025-07-21")
        child.sendline("What was reported last week?")
        child.expect("4 articles: ")
        child.expect(
            r"Dates: articles dated 2025-07-14 to 2025-07-20 \('last week', as of 2025-07-21\)"
        )
        child.expect(PROMPT)
        child.sendline("How much did Alibaba rally on Tuesday?")
        child.expect(r"Sources differ: 8\.3% \[\d\] vs .*8\.1% \[")
        child.expect(r"on Tuesday \(2025-07-15\)")
        child.expect(PROMPT)
        child.sendline("/asof soon")
        child.expect("usage: /asof YYYY-MM-DD")
        child.sendline("/quit")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
