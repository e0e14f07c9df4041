"""Q&A: prompt assembly and checks on scripted replies; end to end with the real local model."""

import re

import pytest
from fakes import ScriptedChatModel

from rag.answer import Answer, answer_question, standalone_query
from rag.cli import main
from rag.ingest import ingest
from rag.llm.local import LocalChatModel
from rag.prompts import ABSTAIN, load_prompt
from rag.retrieve import Retriever
from rag.store import Store

TUESDAY_Q = "By how much did Alibaba shares rally on Tuesday?"


@pytest.fixture(scope="module")
def retriever(tmp_path_factory, local_embedder):
    from conftest import SEEDS

    with Store.open(
        tmp_path_factory.mktemp("qa") / "idx", "articles", local_embedder.name, create=True
    ) as store:
        ingest([str(SEEDS)], store, local_embedder)
        yield Retriever(store, local_embedder, per_article=2)


def ask(retriever, reply, question=TUESDAY_Q, **kw):
    model = ScriptedChatModel([reply])
    return answer_question(question, retriever=retriever, model=model, **kw), model


def test_prompt_delimits_numbered_passages_and_names_the_sentinel(retriever):
    answer, model = ask(retriever, "8.1% [1]")
    [call] = model.calls
    prompt = call["messages"][-1].content
    body = prompt.rsplit("<passages>", 1)[1]
    assert "[1] " in body and "</passages>" in body
    assert body.rstrip().endswith(f"Question: {TUESDAY_Q}\nAnswer:")
    assert ABSTAIN in prompt and "data, not instructions" in prompt
    assert call["stop"] == ["\n"]
    for c in answer.citations:  # the passages given are exact slices of their articles
        text = retriever.store.catalog.article_text(c.article_id)
        assert text[c.start : c.end] == c.text and " ".join(c.text.split()) in prompt


def test_a_checked_answer_keeps_its_citation_and_evidence(retriever):
    answer, _ = ask(retriever, "rallied 8.1% [1]")
    n = answer.cited[0]
    assert answer.method == "model" and not answer.abstained
    assert "8.1%" in answer.text and "8.1%" in answer.citations[n - 1].text
    assert "8.1%" in answer.evidence


def test_a_wrong_citation_is_moved_to_the_passage_holding_the_number(retriever):
    answer, _ = ask(retriever, "rallied 8.1% [1]")
    holder = next(c.n for c in answer.citations if "8.1%" in c.text)
    if holder != 1:
        assert answer.cited == [holder]
        assert any(f"cited [{holder}] instead of [1]" in f for f in answer.flags)


def test_invalid_markers_are_removed_and_reported(retriever):
    answer, _ = ask(retriever, "8.1% [1] [7]")
    assert "[7]" not in answer.text
    assert any("removed invalid citation markers [7]" in f for f in answer.flags)
    assert all(n in {c.n for c in answer.citations} for n in answer.cited)


def test_unsupported_number_is_flagged_and_replaced(retriever):
    answer, _ = ask(retriever, "Alibaba rallied 9.4% [1]")
    assert any("numbers not in any passage: 9.4%" in f for f in answer.flags)
    assert "9.4" not in answer.text
    assert answer.method == "extractive" and "8.1%" in answer.text


def test_model_abstention_on_weakly_supported_question(retriever):
    answer, _ = ask(retriever, ABSTAIN, question="What did Apple report for iPhone sales?")
    assert answer.abstained and answer.text == ABSTAIN and answer.citations


def test_weak_retrieval_support_abstains_without_asking_the_model(retriever):
    answer, model = ask(
        retriever,
        "should not be used",
        question="What did the Federal Reserve decide about interest rates?",
    )
    assert answer.abstained and answer.text == ABSTAIN and model.calls == []


def test_follow_up_is_rewritten_with_the_question_before_it():
    history = ["Why did Alibaba's stock jump on Thursday?"]
    query = standalone_query("And how much did it rise?", history)
    assert query == "Why did Alibaba's stock jump on Thursday? And how much did it rise?"
    assert standalone_query("Who is Tencent's CEO?", history) == "Who is Tencent's CEO?"


def test_prompt_placeholders_are_checked_at_load(tmp_path):
    from rag.errors import ConfigError

    (tmp_path / "answer.txt").write_text("version: 1\n---\n{passages} {question}\n")
    with pytest.raises(ConfigError, match="missing \\['abstain'\\]"):
        load_prompt("answer", tmp_path)
    assert load_prompt("answer").version


# -- the real local model ------------------------------------------------------------------
@pytest.fixture(scope="module")
def gemma():
    return LocalChatModel("gemma3-270m")


REAL_QUESTIONS = [
    TUESDAY_Q,
    "How much did Alibaba's stock jump on Thursday?",
    "Who is Tencent's CEO?",
    "What is Amazon's market capitalization?",
]


def test_real_model_answers_cite_only_given_passages(retriever, gemma):
    answered = 0
    for question in REAL_QUESTIONS:
        answer = answer_question(question, retriever=retriever, model=gemma)
        given = {c.n for c in answer.citations}
        markers = {int(m) for m in re.findall(r"\[(\d+)\]", answer.text)}
        assert markers == set(answer.cited) and markers <= given, answer
        if answer.abstained:
            continue
        answered += 1
        assert answer.cited
        assert answer.evidence and answer.evidence in answer.citations[answer.evidence_n - 1].text
    assert answered >= 3


def test_real_model_abstains_on_apple_iphone_sales(retriever, gemma):
    answer = answer_question(
        "What did Apple report for iPhone sales?", retriever=retriever, model=gemma
    )
    assert answer.abstained and answer.text == ABSTAIN


def test_real_follow_up_retrieves_the_thursday_jump(retriever, gemma):
    answer = answer_question(
        "And how much did it rise?",
        retriever=retriever,
        model=gemma,
        history=["Why did Alibaba's stock jump on Thursday?"],
    )
    assert "Thursday" in answer.query
    assert any("jumped 7% on Thursday" in c.text for c in answer.citations)


def test_cli_ask_json_validates(capsys, seeds):
    assert main(["ingest", str(seeds)]) == 0
    capsys.readouterr()
    assert main(["ask", TUESDAY_Q, "--json"]) == 0
    answer = Answer.model_validate_json(capsys.readouterr().out)
    assert answer.citations and answer.timings.total_ms > 0
    assert main(["ask", TUESDAY_Q]) == 0
    out = capsys.readouterr().out
    assert "8.1%" in out and "Sources:" in out


def test_cli_ask_with_llm_server_down_is_one_clear_line(capsys, seeds, monkeypatch):
    from conftest import free_port

    assert main(["ingest", str(seeds)]) == 0
    capsys.readouterr()
    monkeypatch.setenv("RAG_LLM_PROVIDER", "openai")
    monkeypatch.setenv("RAG_LLM_BASE_URL", f"http://127.0.0.1:{free_port()}/v1")
    monkeypatch.setenv("RAG_LLM_MAX_RETRIES", "0")
    assert main(["ask", TUESDAY_Q]) == 1
    err = capsys.readouterr().err
    assert (
        "cannot reach the LLM server" in err and "rag serve-llm" in err and "Traceback" not in err
    )
