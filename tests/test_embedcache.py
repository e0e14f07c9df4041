"""The embedding cache: text embedded once by an embedder is never embedded again."""

import json
import sqlite3

import numpy as np
from test_cli import run

from rag.index.embedcache import CACHE_FILE, CachedEmbedder


def test_cached_vectors_equal_the_model_and_only_misses_are_embedded(tmp_path, embedder):
    cached = CachedEmbedder(embedder, tmp_path / CACHE_FILE)
    texts = ["Alibaba rallied 8.1%", "Nvidia H20 licences", "Alibaba rallied 8.1%"]
    first = cached.embed(texts)
    assert embedder.texts == 2  # the repeated text is embedded once
    assert np.allclose(first, embedder.inner.embed(texts), atol=1e-5)
    assert (cached.hits, cached.misses) == (1, 2)

    second = cached.embed(["Nvidia H20 licences", "QwQ-32B"])
    assert embedder.texts == 3  # only the new text
    assert np.allclose(second[0], first[1])
    assert cached.entries() == 3
    cached.close()

    # a new process (a new wrapper on the same file) still finds them
    again = CachedEmbedder(embedder, tmp_path / CACHE_FILE)
    assert np.allclose(again.embed(texts), first)
    assert embedder.texts == 3
    assert again.embed([]).shape[0] == 0


def test_keys_include_the_embedder_name(tmp_path, embedder):
    a = CachedEmbedder(embedder, tmp_path / CACHE_FILE)
    a.embed(["same text"])
    embedder.name = "local:another-model"
    b = CachedEmbedder(embedder, tmp_path / CACHE_FILE)
    b.embed(["same text"])
    assert embedder.texts == 2 and b.entries() == 2


def test_a_torn_row_is_embedded_again(tmp_path, embedder):
    cached = CachedEmbedder(embedder, tmp_path / CACHE_FILE)
    good = cached.embed(["a sentence about chips"])
    with sqlite3.connect(tmp_path / CACHE_FILE) as db:
        db.execute("UPDATE vectors SET vec = substr(vec, 1, 100)")
    assert np.allclose(cached.embed(["a sentence about chips"]), good, atol=1e-5)
    assert embedder.texts == 2


def test_ingest_reuses_vectors_across_collections_and_edits(capsys, seeds):
    code, out, _ = run(capsys, "ingest", str(seeds), "--json")
    first = json.loads(out)
    assert code == 0 and first["chunks_added"] > 0 and first["embeddings_cached"] == 0

    # the same articles into another collection: every vector comes from the cache
    code, out, err = run(capsys, "--collection", "copy", "ingest", str(seeds), "--json")
    copy = json.loads(out)
    assert code == 0 and copy["embeddings_cached"] == copy["chunks_added"] == first["chunks_added"]

    # an edit at the end of one article: its unchanged leading chunks are not embedded again
    article = sorted(seeds.iterdir())[0]
    article.write_text(article.read_text() + "\nA closing sentence added by an editor.\n")
    code, out, err = run(capsys, "ingest", str(seeds))
    assert code == 0 and "1 updated" in err and "from the embedding cache" in err


def test_the_cache_can_be_switched_off(capsys, seeds, monkeypatch, tmp_path):
    monkeypatch.setenv("RAG_EMBED_CACHE", "false")
    code, out, _ = run(capsys, "ingest", str(seeds), "--json")
    assert code == 0 and json.loads(out)["embeddings_cached"] == 0
    assert not (tmp_path / ".rag" / CACHE_FILE).exists()


def test_collections_in_one_data_dir_are_separate_indexes(capsys, seeds):
    assert run(capsys, "ingest", str(seeds))[0] == 0
    code, out, _ = run(capsys, "--collection", "other", "stats", "--json")
    assert code == 1  # nothing ingested into it yet
    assert run(capsys, "--collection", "other", "ingest", str(sorted(seeds.iterdir())[0]))[0] == 0
    code, out, _ = run(capsys, "--collection", "other", "stats", "--json")
    stats = json.loads(out)
    assert stats["articles"] == 1 and stats["consistent"]
    code, out, _ = run(capsys, "stats", "--json")
    assert json.loads(out)["articles"] == 2
