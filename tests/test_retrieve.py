"""Retrieval with the real store: modes, filters, diversity, expansion, no orphans."""

import json
from datetime import date

import pytest
from conftest import ALIBABA_THURSDAY, ALIBABA_TUESDAY

from rag.index.retrieve import Filters, Retriever
from rag.index.store import Store
from rag.ingest.run import ingest


@pytest.fixture
def dated_seeds(seeds):
    """The seeds as JSONL records with dates, plus one undated text file."""
    records = [
        {
            "title": "Alibaba rallies on H20 news",
            "body": (seeds / ALIBABA_TUESDAY).read_text(),
            "date": "2025-07-15",
            "source": "Motley Fool",
        },
        {
            "title": "Alibaba jumps on QwQ-32B",
            "body": (seeds / ALIBABA_THURSDAY).read_text(),
            "date": "2025-03-06",
            "source": "Business Insider",
        },
    ]
    (seeds / ALIBABA_TUESDAY).unlink()
    (seeds / ALIBABA_THURSDAY).unlink()
    (seeds / "dated.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    (seeds / "undated.txt").write_text(
        "Nvidia news\nNvidia said H20 licenses will be granted by the U.S. government."
    )
    return seeds


@pytest.fixture
def retriever(tmp_path, embedder, dated_seeds):
    with Store.open(tmp_path / "idx", "articles", embedder.name, create=True) as store:
        ingest([str(dated_seeds)], store, embedder)
        yield Retriever(store, embedder)


def test_date_filter_excludes_articles_outside_the_range(retriever):
    july = Filters(since=date(2025, 7, 1), until=date(2025, 7, 31))
    for mode in ("dense", "lexical", "hybrid"):
        hits = retriever.search("Alibaba shares jumped", k=5, mode=mode, filters=july)
        assert hits and {h.date for h in hits} == {"2025-07-15"}, mode
    march = retriever.search("QwQ-32B", k=5, filters=Filters(until=date(2025, 3, 31)))
    assert march and all(h.date == "2025-03-06" for h in march)
    assert retriever.search("H20", k=5, filters=Filters(since=date(2030, 1, 1))) == []


def test_article_and_source_filters(retriever):
    [tuesday] = [a for a in retriever.store.catalog.articles() if a.date == "2025-07-15"]
    hits = retriever.search("QwQ-32B model", k=5, filters=Filters(article_ids=[tuesday.id]))
    assert hits and {h.article_id for h in hits} == {tuesday.id}
    hits = retriever.search("H20", k=5, filters=Filters(source="undated.txt"))
    assert hits and all(h.source.endswith("undated.txt") for h in hits)


def test_every_filter_route_gives_the_filtered_results(retriever, monkeypatch):
    """A filter down to a few articles scores their vectors exactly; one that keeps many ranks
    unfiltered and keeps the allowed hits, falling back to filtering inside the index when too
    few are left. Every route gives the hits of filtering inside the index."""
    from rag.index import retrieve

    july = Filters(since=date(2025, 7, 1))
    [tuesday] = [a for a in retriever.store.catalog.articles() if a.date == "2025-07-15"]
    cases = [("Alibaba shares jumped", july), ("H20 licences", Filters(article_ids=[tuesday.id]))]

    def results():
        return [
            [(h.chunk_id, h.dense_rank, h.lexical_rank) for h in retriever.search(q, 5, m, f)]
            for q, f in cases
            for m in ("dense", "lexical", "hybrid")
        ]

    monkeypatch.setattr(retrieve, "EXACT_MAX_SHARE", 1.0)
    exact = results()  # the collection is small: every filter is a few chunks
    monkeypatch.setattr(retrieve, "EXACT_MAX_CHUNKS", 0)
    wide = results()  # and one unfiltered search holds every chunk
    monkeypatch.setattr(retrieve, "OVERFETCH_MAX", 0)  # filter inside both indexes
    filtered = results()
    monkeypatch.setattr(retrieve, "OVERFETCH_MAX", 1000)
    monkeypatch.setattr(retrieve, "OVERFETCH_FACTOR", 0.01)  # too few kept: fall back
    fallback = results()
    assert exact == wide == filtered == fallback
    assert all(run for run in wide)


def test_exact_scoring_of_a_few_articles_does_not_search_the_index(retriever, monkeypatch):
    from rag.index import retrieve

    store = retriever.store
    [tuesday] = [a for a in store.catalog.articles() if a.date == "2025-07-15"]
    only_tuesday = Filters(article_ids=[tuesday.id])
    searched = []
    monkeypatch.setattr(store, "dense_search", lambda *a, **k: searched.append(a) or [])
    retriever.search("H20 licences", 50, "dense", only_tuesday)
    assert searched  # half of a small index: over EXACT_MAX_SHARE, the index is searched
    searched.clear()
    monkeypatch.setattr(retrieve, "EXACT_MAX_SHARE", 1.0)
    hits = retriever.search("H20 licences", 50, "dense", only_tuesday)
    assert not searched
    assert len(hits) == tuesday.chunks and {h.article_id for h in hits} == {tuesday.id}
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True) and -1 <= scores[-1] <= scores[0] <= 1


def test_per_article_cap_lets_other_articles_in(retriever):
    uncapped = retriever.search("Alibaba shares AI model", k=3, mode="hybrid")
    retriever.per_article = 1
    capped = retriever.search("Alibaba shares AI model", k=3, mode="hybrid")
    assert len(capped) == 3
    assert len({h.article_id for h in capped}) >= min(3, len({h.article_id for h in uncapped}) + 1)


def test_explain_ranks_and_fused_scores(retriever):
    hits = retriever.search("BABA", k=3, mode="hybrid")
    top = hits[0]
    assert top.lexical_rank == 1 and "(BABA -1.71%)" in top.text
    from rag.index.retrieve import DENSE_WEIGHT, LEXICAL_WEIGHT, RRF_K

    expected = LEXICAL_WEIGHT / (RRF_K + top.lexical_rank)
    expected += DENSE_WEIGHT / (RRF_K + top.dense_rank) if top.dense_rank else 0
    assert top.score == pytest.approx(expected)


def test_replace_and_delete_leave_no_orphans_in_either_index(tmp_path, embedder, seeds):
    with Store.open(tmp_path / "idx", "articles", embedder.name, create=True) as store:
        ingest([str(seeds)], store, embedder)
        path = seeds / ALIBABA_TUESDAY
        path.write_text(path.read_text().replace("8.1%", "9.9%"))
        ingest([str(seeds)], store, embedder)
        (seeds / ALIBABA_THURSDAY).unlink()
        ingest([str(seeds)], store, embedder, prune=True)
        [only] = store.catalog.articles()
        db = store.catalog.db
        assert (
            db.execute("SELECT COUNT(*) FROM chunks WHERE article_id != ?", (only.id,)).fetchone()[
                0
            ]
            == 0
        )
        fts_rows = db.execute("SELECT COUNT(*) FROM chunks_fts").fetchone()[0]
        assert fts_rows == only.chunks
        orphan_fts = db.execute(
            "SELECT COUNT(*) FROM chunks_fts WHERE rowid NOT IN (SELECT rowid FROM chunks)"
        ).fetchone()[0]
        assert orphan_fts == 0
        assert store.vector_ids() == {f"{only.id}:{i}" for i in range(only.chunks)}
        lexical = Retriever(store, embedder).search("8.1%", k=5, mode="lexical")
        assert all("8.1%" not in h.text for h in lexical)


def test_an_empty_index_and_a_small_one_answer_without_errors(tmp_path, local_embedder, seeds):
    with Store.open(tmp_path / "idx", "articles", local_embedder.name, create=True) as store:
        retriever = Retriever(store, local_embedder)
        for mode in ("dense", "lexical", "hybrid"):
            assert retriever.search("Alibaba H20", k=5, mode=mode) == []
        ingest([str(seeds / ALIBABA_TUESDAY)], store, local_embedder)
        chunks = store.catalog.counts()["chunks"]
        # more candidates asked for than there are vectors: all of them, best first
        hits = retriever.search("H20 chips", k=50, mode="dense")
        assert len(hits) == chunks and hits == sorted(hits, key=lambda h: -h.score)


def test_common_terms_are_left_out_when_their_postings_pass_the_budget(
    tmp_path, local_embedder, seeds, monkeypatch
):
    from rag.index import catalog as catalog_module

    with Store.open(tmp_path / "idx", "articles", local_embedder.name, create=True) as store:
        ingest([str(seeds)], store, local_embedder)
        catalog = store.catalog
        terms = ["alibaba", "shares", "h20", "nvidia", "qwq-32b"]
        assert catalog.drop_common_terms(terms) == terms  # a few chunks: nothing dropped
        chunks = catalog.counts()["chunks"]
        freq = {t: catalog.doc_freq(t) for t in terms}
        assert freq["alibaba"] == chunks and freq["qwq-32b"] < chunks  # in every chunk; in few
        monkeypatch.setattr(catalog_module, "POSTINGS_BUDGET", chunks)
        kept = catalog.drop_common_terms(terms)
        assert "alibaba" not in kept and "qwq-32b" in kept
        assert sum(freq[t] for t in kept) <= chunks
        assert kept == [t for t in terms if t in kept]  # in the query's order
        dropped = sorted(set(terms) - set(kept), key=freq.__getitem__)
        assert sum(freq[t] for t in kept) + freq[dropped[0]] > chunks  # the budget was used
        monkeypatch.setattr(catalog_module, "POSTINGS_BUDGET", 0)
        rarest = sorted(terms, key=freq.__getitem__)[0]
        assert catalog.drop_common_terms(terms) == [rarest]  # the rarest always stays
