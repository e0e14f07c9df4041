"""LLM and Chroma server faults: bounded retries, clear errors, and the REPL going on."""

import json
import os
import re
import shutil
import sys
import time
import urllib.request
from pathlib import Path

import pexpect
import pytest
from conftest import free_port
from pydantic import BaseModel

from rag.cli.main import main
from rag.core.errors import BackendError, RagError
from rag.llm import Message, structured
from rag.llm.remote import OpenAIChatModel

QUESTION = [Message(role="user", content="By how much did Alibaba rally?")]


class Move(BaseModel):
    company: str
    percent: float


def model(base: str, fault: str, **kw) -> OpenAIChatModel:
    return OpenAIChatModel("fault", base_url=f"{base}/{fault}/v1", **kw)


def test_a_429_is_retried_with_backoff_and_then_succeeds(fault_url):
    reply = model(fault_url, "429once", max_retries=2).complete(QUESTION, max_tokens=8)
    assert reply.text == "8.1% [1]" and reply.usage.completion_tokens == 3


def test_a_500_is_retried_a_bounded_number_of_times_then_a_clear_error(fault_url):
    started = time.monotonic()
    with pytest.raises(BackendError, match=r"answered 500 after retries: boom"):
        model(fault_url, "500", max_retries=2).complete(QUESTION, max_tokens=8)
    assert time.monotonic() - started < 15


def test_a_slow_server_times_out_with_a_clear_error(fault_url):
    started = time.monotonic()
    with pytest.raises(BackendError, match="timed out: raise RAG_LLM_TIMEOUT"):
        model(fault_url, "slow", timeout=1, max_retries=0).complete(QUESTION, max_tokens=8)
    assert time.monotonic() - started < 2.9  # the 3 s reply was not waited for


def test_a_reply_that_is_not_json_is_a_clear_error(fault_url):
    with pytest.raises(
        BackendError, match="LLM server at .*notjson.* did not answer with an OpenAI-style"
    ):
        model(fault_url, "notjson", max_retries=0).complete(QUESTION, max_tokens=8)


def test_truncated_json_is_re_asked_then_a_clear_error(fault_url):
    with pytest.raises(RagError, match="gave no valid Move in 2 attempts"):
        structured(model(fault_url, "malformed", max_retries=0), QUESTION, Move, max_attempts=2)


def test_a_stream_cut_mid_way_is_a_clear_error(fault_url):
    stream = model(fault_url, "streamcut", max_retries=0).stream(QUESTION, max_tokens=8)
    got = []
    with pytest.raises(BackendError, match="stream"):
        for delta in stream:
            got.append(delta)
    assert got == ["8.1", "% "]


def test_the_repl_survives_a_failing_server_and_answers_the_next_question(fault_url, seeds):
    """The server answers 429 to every other call; with no retries the first question fails,
    the REPL reports it and the next question is answered."""
    assert main(["ingest", str(seeds)]) == 0
    env = {
        "RAG_LLM_PROVIDER": "openai", "RAG_LLM_BASE_URL": f"{fault_url}/429once/v1",
        "RAG_LLM_MAX_RETRIES": "0", "RAG_LLM_MODEL": "fault", "TERM": "dumb",
    }  # fmt: skip
    chat = pexpect.spawn(
        sys.executable, ["-m", "rag.cli", "chat"], env={**os.environ, **env},
        encoding="utf-8", timeout=60, dimensions=(40, 200),
    )  # fmt: skip
    chat.expect("rag> ")
    question = "Which AI start-up has Alibaba invested in?"  # the served model reads it
    calls_before = _calls(fault_url).get("429once", 0)
    if calls_before % 2 == 1:  # make the next call the failing one
        model(fault_url, "429once", max_retries=0).complete(QUESTION, max_tokens=8)
    chat.sendline(question)
    chat.expect("error: the LLM server at .* answered 429")
    chat.expect("rag> ")
    chat.sendline(question)
    chat.expect("The articles do not say")  # the model's reply: its passages do not answer
    chat.expect("rag> ")
    chat.sendline("/quit")
    chat.expect(pexpect.EOF)


def _calls(base: str) -> dict:
    import json
    import urllib.request

    request = urllib.request.Request(f"{base}/count/v1/chat/completions", data=b"{}", method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def test_a_chroma_server_that_is_down_is_a_clear_error(capsys, seeds):
    url = f"http://127.0.0.1:{free_port()}"
    assert main(["--chroma-url", url, "ingest", str(seeds)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and url.split("//")[1] in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def _inflight(base: str) -> int:
    request = urllib.request.Request(f"{base}/inflight", data=b"{}", method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        return int(json.loads(response.read())["max"])


def _briefs(text: str) -> list[dict]:
    decoder, found, at = json.JSONDecoder(), [], 0
    while text[at:].strip():
        at += len(text[at:]) - len(text[at:].lstrip())
        value, at = decoder.raw_decode(text, at)
        found.append(value)
    return found


def test_brief_all_drafts_in_parallel_on_a_server_up_to_the_bound(
    fault_url, seeds, capsys, monkeypatch
):
    shutil.copy(Path(__file__).parent / "data" / "long_article.txt", seeds)
    assert main(["ingest", str(seeds)]) == 0
    monkeypatch.setenv("RAG_LLM_PROVIDER", "openai")
    monkeypatch.setenv("RAG_LLM_MODEL", "fault")
    monkeypatch.setenv("RAG_LLM_BASE_URL", f"{fault_url}/parallel/v1")
    _inflight(fault_url)
    runs = {}
    for workers in (1, 3):
        monkeypatch.setenv("RAG_LLM_CONCURRENCY", str(workers))
        capsys.readouterr()
        code = main(["brief", "--all", "--mode", "guided", "--force", "--format", "json"])
        runs[workers] = _briefs(capsys.readouterr().out)
        assert code == 0 and len(runs[workers]) == 3
        seen = _inflight(fault_url)
        assert (seen == 1) if workers == 1 else (2 <= seen <= 3)
    # the same briefs, in the same order, whatever the parallelism
    assert [b["article_id"] for b in runs[1]] == [b["article_id"] for b in runs[3]]
    assert [b["key_points"] for b in runs[1]] == [b["key_points"] for b in runs[3]]


def test_a_server_dripping_its_reply_fails_within_one_and_a_half_timeouts(fault_url):
    started = time.monotonic()
    with pytest.raises(BackendError, match="timed out"):
        model(fault_url, "drip", timeout=2, max_retries=2).complete(QUESTION, max_tokens=8)
    assert time.monotonic() - started < 2 * 1.5 + 0.5  # retries fit in the budget


def test_retries_of_a_slow_server_fit_in_the_total_budget(fault_url):
    started = time.monotonic()
    with pytest.raises(BackendError, match="timed out"):
        model(fault_url, "slow", timeout=1, max_retries=5).complete(QUESTION, max_tokens=8)
    assert time.monotonic() - started < 1 * 1.5 + 0.5


@pytest.mark.parametrize("fault", ["badbytes", "badjson"])
def test_a_reply_that_cannot_be_decoded_is_a_clear_error(fault_url, fault):
    with pytest.raises(
        BackendError, match=f"LLM server at .*{fault}.*(not UTF-8 JSON|OpenAI-style)"
    ):
        model(fault_url, fault, max_retries=0).complete(QUESTION, max_tokens=8)
    with pytest.raises(BackendError, match=f"LLM server at .*{fault}"):
        structured(model(fault_url, fault, max_retries=0), QUESTION, Move, max_attempts=2)


@pytest.mark.parametrize("fault", ["echokey", "echokey401"])
def test_a_server_echoing_the_key_never_gets_it_printed(
    fault_url, fault, seeds, capsys, monkeypatch
):
    key = "sk-test-7f3a9c2e4b1d8a6f5e0c"
    monkeypatch.setenv("RAG_LLM_PROVIDER", "openai")
    monkeypatch.setenv("RAG_LLM_BASE_URL", f"{fault_url}/{fault}/v1")
    monkeypatch.setenv("RAG_LLM_API_KEY", key)
    monkeypatch.setenv("RAG_LLM_MAX_RETRIES", "0")
    assert main(["ingest", str(seeds)]) == 0
    capsys.readouterr()
    assert main(["ask", "Which AI start-up has Alibaba invested in?"]) == 1
    assert main(["ask", "Which AI start-up has Alibaba invested in?", "--json"]) == 1
    assert main(["brief", "--all", "--mode", "full"]) == 1
    out = capsys.readouterr()
    assert "error:" in out.err
    if fault == "echokey":  # the 500's body is shown, with the key taken out
        assert "bad request from key Bearer [redacted]" in out.err
    assert key not in out.out + out.err and "7f3a9c2e" not in out.out + out.err


# -- the embeddings client: the same deadline, retries and one-line errors as the chat client --
EMBED_KEY = "sk-embed-3c9e1a7f5b2d4086"


@pytest.mark.parametrize(
    "fault, said",
    [
        ("badbytes", "not UTF-8 JSON"),  # garbage bytes
        ("badjson", "not UTF-8 JSON"),
        ("notjson", "did not answer with OpenAI-style embeddings"),  # an HTML error page
        ("ok", "did not answer with OpenAI-style embeddings"),  # a chat reply, not vectors
        ("echokey", "answered 500: bad request from key Bearer \\[redacted\\]"),
        ("echokey401", "answered 401"),
        ("slow", "timed out: raise RAG_EMBED_TIMEOUT"),  # accepts, answers after 3 s
        ("drip", "timed out: raise RAG_EMBED_TIMEOUT"),  # a byte every 0.2 s
    ],
)
def test_a_faulty_embeddings_server_ends_ingest_with_one_line_and_keeps_the_index(
    fault_url, embed_server, fault, said, seeds, capsys, monkeypatch
):
    first, second = Path("first"), Path("second")
    for folder, seed in ((first, sorted(seeds.iterdir())[0]), (second, sorted(seeds.iterdir())[1])):
        folder.mkdir()
        (folder / seed.name).write_bytes(seed.read_bytes())
    monkeypatch.setenv("RAG_EMBEDDER", "openai")
    monkeypatch.setenv("RAG_EMBED_MODEL", "minilm")
    monkeypatch.setenv("RAG_EMBED_API_KEY", EMBED_KEY)
    monkeypatch.setenv("RAG_EMBED_BASE_URL", embed_server)
    assert main(["ingest", str(first)]) == 0
    capsys.readouterr()
    monkeypatch.setenv("RAG_EMBED_BASE_URL", f"{fault_url}/{fault}/v1")
    monkeypatch.setenv("RAG_EMBED_TIMEOUT", "1")
    started = time.monotonic()
    assert main(["ingest", str(second)]) == 1
    took = time.monotonic() - started
    out = capsys.readouterr()
    assert took < 2 * 1 + 1.0, took  # within twice the timeout (and the index's opening)
    errors = [line for line in out.err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and re.search(said, errors[0]), out.err
    assert f"{fault_url}/{fault}/v1" in errors[0] or fault in ("echokey", "echokey401")
    assert "Traceback" not in out.err and EMBED_KEY not in out.out + out.err
    monkeypatch.setenv("RAG_EMBED_BASE_URL", embed_server)
    assert main(["doctor"]) == 0  # the index is consistent
    capsys.readouterr()
    assert main(["articles", "--json"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert len(listed) == 1  # the first ingest's article is kept, no half of the second
