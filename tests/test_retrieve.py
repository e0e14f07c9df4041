"""Retrieval with the real store: modes, filters, diversity, expansion, no orphans."""

import json
from datetime import date

import pytest
from conftest import ALIBABA_THURSDAY, ALIBABA_TUESDAY

from rag.ingest import ingest
from rag.retrieve import Filters, Retriever
from rag.store import Store


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


def test_wide_unfiltered_search_then_filter_gives_the_filtered_results(retriever, monkeypatch):
    """Filters that keep many articles rank unfiltered and keep the allowed hits; with too few
    left they fall back to the filtered search. Either way: the same hits as filtering first."""
    from rag import retrieve

    july = Filters(since=date(2025, 7, 1))
    [tuesday] = [a for a in retriever.store.catalog.articles() if a.date == "2025-07-15"]
    cases = [("Alibaba shares jumped", july), ("H20 licences", Filters(article_ids=[tuesday.id]))]

    def results():
        return [
            [(h.chunk_id, h.dense_rank, h.lexical_rank) for h in retriever.search(q, 5, m, f)]
            for q, f in cases
            for m in ("dense", "lexical", "hybrid")
        ]

    wide = results()  # the collection is small: one unfiltered search holds every chunk
    monkeypatch.setattr(retrieve, "OVERFETCH_MAX", 0)  # filter inside both indexes
    filtered = results()
    monkeypatch.setattr(retrieve, "OVERFETCH_MAX", 1000)
    monkeypatch.setattr(retrieve, "OVERFETCH_FACTOR", 0.01)  # too few kept: fall back
    fallback = results()
    assert wide == filtered == fallback
    assert all(run for run in wide)


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
    from rag.retrieve import DENSE_WEIGHT, LEXICAL_WEIGHT, RRF_K

    expected = LEXICAL_WEIGHT / (RRF_K + top.lexical_rank)
    expected += DENSE_WEIGHT / (RRF_K + top.dense_rank) if top.dense_rank else 0
    assert top.score == pytest.approx(expected)


def test_neighbour_expansion_widens_to_adjacent_chunks(retriever):
    hit = retriever.search("one-fifth of the parameters", k=1, mode="lexical")[0]
    wide = retriever.expand(hit, window=1)
    assert wide.start <= hit.start and wide.end >= hit.end and len(wide.text) > len(hit.text)
    text = retriever.store.catalog.article_text(hit.article_id)
    assert text[wide.start : wide.end] == wide.text


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


def test_common_terms_are_left_out_only_on_large_indexes(
    tmp_path, local_embedder, seeds, monkeypatch
):
    from rag import catalog as catalog_module

    with Store.open(tmp_path / "idx", "articles", local_embedder.name, create=True) as store:
        ingest([str(seeds)], store, local_embedder)
        terms = ["alibaba", "shares", "h20", "nvidia", "qwq-32b"]
        assert store.catalog.drop_common_terms(terms) == terms  # a few chunks: nothing dropped
        monkeypatch.setattr(catalog_module, "COMMON_TERM_MIN_CHUNKS", 1)
        kept = store.catalog.drop_common_terms(terms)
        assert "alibaba" not in kept  # in every chunk of both seeds
        assert len(kept) >= catalog_module.KEEP_TERMS and set(kept) <= set(terms)
