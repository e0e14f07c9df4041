"""Gold files: validation with line numbers, and every evidence sentence really in its article."""

import pytest
from conftest import ROOT, SEEDS

from rag.eval.gold import GoldFileError, load_brief_gold, load_gold
from rag.eval.metrics import normalise
from rag.ingest.loaders import load_path

EVALS = ROOT / "evals"


def test_seed_gold_set_shape():
    items = load_gold(EVALS / "qa_seeds.jsonl")
    assert len(items) >= 40
    types = [i.type for i in items]
    assert types.count("unanswerable") >= 8
    for kind in ("factual", "numeric", "entity", "cross", "followup"):
        assert kind in types
    assert all(len(i.articles) == 2 for i in items if i.type == "cross")


def test_every_evidence_sentence_is_in_its_article():
    for item in load_gold(EVALS / "qa_seeds.jsonl"):
        texts = []
        for name in item.articles:
            [article] = list(load_path(SEEDS / name))
            texts.append(normalise(article.text))
        for sentence in item.evidence:
            assert any(normalise(sentence) in t for t in texts), (item.id, sentence)


def test_errors_name_file_line_and_item(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(
        '{"id": "a", "type": "factual", "question": "Q one?", "answer": "x", "articles": ["f.txt"], "evidence": ["s."]}\n'
        '{"id": "b", "type": "unanswerable", "question": "Q two?", "answer": "oops"}\n'
    )
    with pytest.raises(GoldFileError, match=r"gold.jsonl:2 \(id b\).*null exactly when"):
        load_gold(path)
    path.write_text('{"id": "a", "type": "factual"\n')
    with pytest.raises(GoldFileError, match=r"gold.jsonl:1: invalid JSON"):
        load_gold(path)
    path.write_text(
        '{"id": "a", "type": "cross", "question": "Q three?", "answer": "x", "articles": ["f"], "evidence": ["s"], "extra": 1}\n'
    )
    with pytest.raises(GoldFileError, match="extra"):
        load_gold(path)
    path.write_text(
        '{"id": "b", "type": "followup", "question": "And?", "answer": "x", "articles": ["f"], "evidence": ["s"], "follow_up_of": "zz"}\n'
    )
    with pytest.raises(GoldFileError, match="follow_up_of 'zz'"):
        load_gold(path)


def test_brief_gold_facts_are_in_their_articles():
    golds = load_brief_gold(EVALS / "briefs_seeds.jsonl")
    assert {g.article for g in golds} == {p.name for p in SEEDS.iterdir()}
    for gold in golds:
        [article] = list(load_path(SEEDS / gold.article))
        text = normalise(article.text)
        for fact in gold.facts:
            assert all(normalise(s) in text for s in fact.must_contain), (gold.id, fact.fact)
        for name in gold.entities:
            assert name in article.text, (gold.id, name)


def test_brief_gold_errors_name_line_and_item(tmp_path):
    path = tmp_path / "briefs.jsonl"
    path.write_text(
        '{"id": "x", "article": "a.txt", "facts": [{"fact": "f", "must_contain": ["1%"]}]}\n'
        '{"id": "y", "article": "a.txt", "facts": [{"fact": "f", "must_contain": ["1%"]}], '
        '"forbidden": [{"claim": "c"}]}\n'
    )
    with pytest.raises(GoldFileError, match=r"briefs.jsonl:2 \(id y\).*exactly one of"):
        load_brief_gold(path)
