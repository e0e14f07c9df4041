"""The LLM layer: both embedded models in-process, and the openai SDK against `rag serve-llm`."""

from __future__ import annotations

import time

import pytest
from conftest import free_port, serve_llm
from fakes import ScriptedChatModel
from pydantic import BaseModel, Field

from rag.core.config import load_settings
from rag.core.errors import BackendError, ConfigError
from rag.llm import Message, make_chat_model, structured
from rag.llm.local import LocalChatModel
from rag.llm.remote import OpenAIChatModel
from rag.llm.structured import StructuredOutputError, strict_schema

PASSAGE = (
    "Shares of Chinese tech giant Alibaba (BABA -1.71%) rallied 8.1% on Tuesday. Alibaba rose "
    "after AI chip giant Nvidia suggested it would be able to recommence shipping its H20 AI "
    "chips to China once again after an April ban."
)
QUESTION = [
    Message(role="system", content="Answer the question from the passage in a few words."),
    Message(
        role="user",
        content=f"Passage: {PASSAGE}\nQuestion: By how much did Alibaba's shares rally on "
        "Tuesday?\nAnswer:",
    ),
]


class MarketMove(BaseModel):
    company: str = Field(min_length=2, max_length=40)
    percent: float
    day: str = Field(min_length=3, max_length=20)


EXTRACT = [
    Message(
        role="user",
        content=f"Passage: {PASSAGE}\nAs JSON, give the company whose shares rallied, the rally in "
        "percent and the day.",
    )
]


@pytest.fixture(scope="module", params=["gemma3-270m", "smollm2-135m"])
def local_model(request):
    return LocalChatModel(request.param)


def test_local_model_answers_a_grounded_question_with_usage(local_model):
    completion = local_model.complete(QUESTION, max_tokens=24, stop=["\n"])
    assert "8.1" in completion.text
    assert completion.usage.prompt_tokens > 40 and completion.usage.completion_tokens > 0


def test_local_structured_output_is_a_valid_instance(local_model):
    result = structured(local_model, EXTRACT, MarketMove, max_tokens=96)
    assert isinstance(result.value, MarketMove)
    assert result.value.company.strip() and result.value.day.strip()
    assert result.usage.completion_tokens > 0 and result.attempts >= 1


def test_local_stream_yields_deltas_and_stops_early(local_model):
    stream = local_model.stream(QUESTION, max_tokens=40)
    seen = []
    for delta in stream:
        seen.append(delta)
        if len(seen) == 3:
            break
    stream.close()
    assert len(seen) == 3
    assert stream.usage is not None and stream.usage.completion_tokens == 3
    # the model is free again for the next call
    assert local_model.complete(QUESTION, max_tokens=8, stop=["\n"]).text


# -- the openai SDK against a real server on loopback --------------------------------------
@pytest.fixture(scope="module")
def llm_server():
    with serve_llm() as served:
        yield served


def test_openai_backend_text_stream_and_structured(llm_server):
    _, url = llm_server
    model = OpenAIChatModel("gemma3-270m", base_url=url)
    completion = model.complete(QUESTION, max_tokens=24, stop=["\n"])
    assert "8.1" in completion.text and completion.usage.completion_tokens > 0

    stream = model.stream(QUESTION, max_tokens=24, stop=["\n"])
    deltas = list(stream)
    assert len(deltas) > 3 and "8.1" in "".join(deltas)
    assert stream.usage is not None and stream.usage.completion_tokens > 0

    result = structured(model, EXTRACT, MarketMove, max_tokens=96)
    assert isinstance(result.value, MarketMove) and result.value.company
    assert model._json_mode == "json_object"  # llama_cpp.server refuses json_schema


def test_server_down_fails_fast_with_a_clear_error():
    url = f"http://127.0.0.1:{free_port()}/v1"
    model = OpenAIChatModel("gemma3-270m", base_url=url, max_retries=1, timeout=5)
    started = time.monotonic()
    with pytest.raises(BackendError, match=r"cannot reach the LLM server at .*rag serve-llm"):
        model.complete(QUESTION, max_tokens=8)
    assert time.monotonic() - started < 10


# -- structured(): validation and re-asks, on scripted replies -------------------------------
def test_invalid_reply_is_fed_back_and_retried():
    fake = ScriptedChatModel(
        [
            '{"company": "A", "percent": "lots"}',
            '{"company": "Alibaba", "percent": 8.1, "day": "Tuesday"}',
        ]
    )
    result = structured(fake, EXTRACT, MarketMove)
    assert result.attempts == 2 and result.value.percent == 8.1
    feedback = fake.calls[1]["messages"][-1].content
    assert "company" in feedback and "percent" in feedback
    assert result.usage.completion_tokens == sum(
        len(r.split())
        for r in [
            '{"company": "A", "percent": "lots"}',
            '{"company": "Alibaba", "percent": 8.1, "day": "Tuesday"}',
        ]
    )
    assert fake.calls[0]["json_schema"] == MarketMove.model_json_schema()


def test_gives_up_after_max_attempts_with_a_clear_error():
    fake = ScriptedChatModel(["not json", "{}", "[1]"])
    with pytest.raises(StructuredOutputError, match="no valid MarketMove in 3 attempts"):
        structured(fake, EXTRACT, MarketMove)


def test_strict_schema_keeps_fields_named_like_keywords():
    class Doc(BaseModel):
        title: str = Field(min_length=1, max_length=10)
        items: list[str] = Field(min_length=1)

    schema = strict_schema(Doc.model_json_schema())
    assert set(schema["properties"]) == {"title", "items"}
    assert schema["required"] == ["title", "items"] and schema["additionalProperties"] is False
    assert "minLength" not in str(schema) and "maxLength" not in str(schema)


def test_factory_picks_backends_from_settings(monkeypatch):
    assert make_chat_model(load_settings()).name == "local:gemma3-270m"
    assert make_chat_model(load_settings(llm_model="smollm2-135m")).name == "local:smollm2-135m"
    remote = make_chat_model(
        load_settings(llm_provider="openai", llm_base_url="http://127.0.0.1:9/v1", llm_model="m")
    )
    assert remote.name == "openai:m"
    with pytest.raises(ConfigError, match="RAG_LLM_BASE_URL"):
        make_chat_model(load_settings(llm_provider="openai"))
    with pytest.raises(ConfigError, match="unknown local model"):
        make_chat_model(load_settings(llm_model="gpt-5")).complete(QUESTION)
