"""Ingest into real Chroma (under tmp_path) with the real MiniLM embedder."""

import pytest
from conftest import ALIBABA_THURSDAY, ALIBABA_TUESDAY

from rag.core.errors import EmbedderMismatchError, IndexMissingError, RagError
from rag.index.retrieve import Retriever
from rag.index.store import Store
from rag.ingest.run import ingest


@pytest.fixture
def store(tmp_path, embedder):
    with Store.open(tmp_path / "index", "articles", embedder.name, create=True) as s:
        yield s


def _consistent(store):
    report = store.check()
    assert report["consistent"], report
    return report


def test_second_ingest_embeds_nothing_and_changes_nothing(store, embedder, seeds):
    first = ingest([str(seeds)], store, embedder)
    assert (first.new, first.failed) == (2, 0)
    assert embedder.texts == first.chunks_added > 0
    ids_before = store.vector_ids()
    counts_before = store.catalog.counts()

    second = ingest([str(seeds)], store, embedder)
    assert (second.new, second.updated, second.unchanged) == (0, 0, 2)
    assert second.chunks_added == 0
    assert embedder.texts == first.chunks_added  # nothing embedded the second time
    assert store.vector_ids() == ids_before
    assert store.catalog.counts() == counts_before
    _consistent(store)


def test_edited_article_replaces_its_chunks(store, embedder, seeds):
    ingest([str(seeds)], store, embedder)
    path = seeds / ALIBABA_TUESDAY
    old_ids = {
        cid
        for cid in store.vector_ids()
        if store.catalog.hits_by_ids([cid])[cid][4] == str(path.resolve())
    }
    assert old_ids
    path.write_text(path.read_text() + "\nAlibaba later said the rally added $20 billion in value.")

    report = ingest([str(seeds)], store, embedder)
    assert (report.new, report.updated, report.unchanged) == (0, 1, 1)
    ids = store.vector_ids()
    assert not (old_ids & ids), "old chunks must be gone"
    [info] = [a for a in store.catalog.articles() if a.source == str(path.resolve())]
    new_ids = {f"{info.id}:{i}" for i in range(info.chunks)}
    assert new_ids <= ids
    assert len(ids) == sum(a.chunks for a in store.catalog.articles())  # counts exact
    assert len(store.catalog.articles()) == 2
    _consistent(store)


def test_prune_removes_articles_whose_files_are_gone(store, embedder, seeds):
    ingest([str(seeds)], store, embedder)
    (seeds / ALIBABA_THURSDAY).unlink()
    report = ingest([str(seeds)], store, embedder, prune=True)
    assert report.pruned == 1
    assert [a.source.endswith(ALIBABA_TUESDAY) for a in store.catalog.articles()] == [True]
    _consistent(store)


def test_duplicate_article_under_another_name_is_stored_once(store, embedder, seeds):
    (seeds / "copy.txt").write_text((seeds / ALIBABA_TUESDAY).read_text())
    report = ingest([str(seeds)], store, embedder)
    assert (report.new, report.duplicates) == (2, 1)
    assert len(store.catalog.articles()) == 2
    assert store.catalog.counts()["sources"] == 3
    # deleting one of the two names keeps the article
    (seeds / "copy.txt").unlink()
    assert ingest([str(seeds)], store, embedder, prune=True).pruned == 0
    assert len(store.catalog.articles()) == 2
    _consistent(store)


def test_bad_files_are_reported_and_good_ones_ingested(store, embedder, seeds):
    (seeds / "empty.txt").write_text("")
    (seeds / "binary.txt").write_bytes(b"\x00\xff\x00garbage")
    (seeds / "latin1.txt").write_bytes("Soci\u00e9t\u00e9 G\u00e9n\u00e9rale".encode("latin-1"))
    (seeds / "broken.json").write_text('[{"title": "x"')
    failures = []
    report = ingest([str(seeds), "no/such/path"], store, embedder, on_failure=failures.append)
    assert report.new == 2
    assert report.failed == 5
    messages = " | ".join(str(f) for f in failures)
    for expected in ("empty file", "binary file", "not UTF-8", "invalid JSON", "no such file"):
        assert expected in messages
    _consistent(store)


def test_search_h20_ranks_the_licence_passage_first(store, embedder, seeds):
    ingest([str(seeds)], store, embedder)
    hits = Retriever(store, embedder).search("H20 chips", k=3)
    assert "H20" in hits[0].text and "licenses will be granted" in hits[0].text
    article_text = store.catalog.article_text(hits[0].article_id)
    assert article_text[hits[0].start : hits[0].end] == hits[0].text


@pytest.mark.parametrize("mode", ["lexical", "hybrid"])
def test_exact_tokens_find_the_right_passage(store, embedder, seeds, mode):
    ingest([str(seeds)], store, embedder)
    retriever = Retriever(store, embedder)
    assert "(BABA -1.71%)" in retriever.search("BABA", k=3, mode=mode)[0].text
    top = retriever.search("QwQ-32B one-fifth of the parameters", k=3, mode=mode)[0]
    assert "one-fifth of the parameters" in top.text


def test_crash_leftovers_are_purged_and_redone(store, embedder, seeds):
    ingest([str(seeds)], store, embedder)
    [victim] = [a for a in store.catalog.articles() if a.source.endswith(ALIBABA_TUESDAY)]
    # Simulate a crash after vectors were written but before the catalog finished.
    store.catalog.db.execute("UPDATE articles SET state = 'pending' WHERE id = ?", (victim.id,))
    store.catalog.db.execute(
        "DELETE FROM chunks_fts WHERE rowid IN (SELECT rowid FROM chunks WHERE article_id = ?)",
        (victim.id,),
    )
    store.catalog.db.execute("DELETE FROM chunks WHERE article_id = ?", (victim.id,))
    assert not store.check()["consistent"]
    report = ingest([str(seeds)], store, embedder)
    assert (report.recovered, report.new, report.unchanged) == (1, 1, 1)
    _consistent(store)


def test_doctor_repairs_stray_vectors(store, embedder, seeds):
    ingest([str(seeds)], store, embedder)
    store.collection.add(ids=["stray:0"], embeddings=embedder.embed(["stray"]))
    report = store.check()
    assert report["stray_vectors"] == 1 and not report["consistent"]
    store.check(repair=True)
    _consistent(store)


def test_second_writer_is_refused(tmp_path, embedder, seeds):
    with Store.open(tmp_path / "i", "articles", embedder.name, create=True) as one:
        one.lock()
        with (
            Store.open(tmp_path / "i", "articles", embedder.name) as two,
            pytest.raises(RagError, match="another `rag ingest`"),
        ):
            ingest([str(seeds)], two, embedder)


def test_other_embedder_is_a_clear_error(store, embedder, seeds, tmp_path):
    ingest([str(seeds)], store, embedder)
    with pytest.raises(EmbedderMismatchError, match="built with local:all-MiniLM-L6-v2"):
        Store.open(tmp_path / "index", "articles", "openai:text-embedding-3-small")


def test_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(IndexMissingError, match="rag ingest"):
        Store.open(tmp_path / "nothing", "articles", "local:all-MiniLM-L6-v2")
