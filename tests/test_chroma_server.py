"""The client/server path: the same ingest and search checks through chromadb.HttpClient."""

import json

import pytest

from rag.cli.main import main
from rag.core.errors import BackendError
from rag.index.retrieve import Retriever
from rag.index.store import Store
from rag.ingest.run import ingest


def test_ingest_and_search_through_a_chroma_server(chroma_server, tmp_path, embedder, seeds):
    with Store.open(
        tmp_path / "idx", "server-test", embedder.name, chroma_url=chroma_server, create=True
    ) as store:
        first = ingest([str(seeds)], store, embedder)
        assert (first.new, first.failed) == (2, 0)
        second = ingest([str(seeds)], store, embedder)
        assert second.unchanged == 2 and embedder.texts == first.chunks_added
        assert store.check()["consistent"]
        hits = Retriever(store, embedder).search("H20 chips", k=3)
        assert "licenses will be granted" in hits[0].text
        assert "(BABA -1.71%)" in Retriever(store, embedder).search("BABA", k=1)[0].text


def test_cli_with_chroma_url(chroma_server, capsys, seeds):
    assert (
        main(["--chroma-url", chroma_server, "--collection", "cli-test", "ingest", str(seeds)]) == 0
    )
    capsys.readouterr()
    assert main(["--chroma-url", chroma_server, "--collection", "cli-test", "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["vectors"] == stats["chunks"] > 0


def test_server_down_is_a_clear_error(tmp_path):
    from conftest import free_port

    with pytest.raises(BackendError, match="chroma run"):
        Store.open(
            tmp_path / "i",
            "x-test",
            "local:all-MiniLM-L6-v2",
            chroma_url=f"http://127.0.0.1:{free_port()}",
            create=True,
        )
