"""Property-based tests (hypothesis) on loading and cleaning: no input crashes them, and
cleaning never loses a word that is not boilerplate. Chunking's properties: test_chunking.py."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.core.clean import INVISIBLE, clean_text
from rag.core.textsafe import neutralise_links, safe
from rag.ingest.loaders import LoadFailure, load_path

WORDS = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FFF), min_size=1, max_size=12
)
SENTENCE = st.lists(WORDS, min_size=3, max_size=12).map(lambda w: " ".join(w).strip() + ".")
FAST = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FAST
@given(st.binary(max_size=3000), st.sampled_from([".txt", ".md", ".html", ".json", ".jsonl"]))
def test_any_bytes_load_as_articles_or_one_line_failures(tmp_path, data, suffix):
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    for item in load_path(path):
        if isinstance(item, LoadFailure):
            assert item.message and "\n" not in str(item)
        else:
            assert item.text.strip() and item.title and item.id
            assert item.word_count == len(item.text.split())


@FAST
@given(st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=50),
                          st.fixed_dictionaries({"title": st.text(max_size=30)}),
                          st.fixed_dictionaries({"body": st.one_of(st.text(max_size=200),
                                                                   st.lists(st.text(max_size=50)))})),
                max_size=8))  # fmt: skip
def test_any_jsonl_records_give_articles_or_failures_per_line(tmp_path, records):
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    items = list(load_path(path))
    assert len(items) <= max(1, len(records))


@FAST
@given(st.lists(SENTENCE, min_size=1, max_size=20))
def test_cleaning_keeps_every_word_of_ordinary_sentences(sentences):
    text = "\n".join(sentences)
    cleaned = clean_text(text)
    visible = INVISIBLE.sub("", text)  # invisible characters are dropped at load, and counted
    assert cleaned.split() == " ".join(visible.split()).split()


@FAST
@given(st.text(max_size=300))
def test_safe_text_has_no_escape_or_control_characters(text):
    shown = safe(text)
    assert "\x1b" not in shown
    assert all(ch in "\n\t" or not (ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F) for ch in shown)


def test_links_not_in_the_sources_are_neutralised():
    sources = "See https://example.org/report for the filing."
    text = (
        "Revenue rose ![x](http://canary.example/i.png) [read](http://canary.example/r) "
        "http://canary.example/raw and https://example.org/report"
    )
    shown = neutralise_links(text, sources)
    assert "canary.example" not in shown
    assert "https://example.org/report" in shown and "[link removed]" in shown
    assert "read" in shown and "x" in shown
