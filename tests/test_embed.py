"""Embedders: the local model, and the OpenAI-compatible path through the openai SDK."""

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from conftest import free_port

from rag.config import load_settings
from rag.embed import OpenAIEmbedder, make_embedder
from rag.errors import BackendError, ConfigError, EmbedderMismatchError
from rag.ingest import ingest
from rag.retrieve import Retriever
from rag.store import Store


@pytest.fixture(scope="module")
def embed_server():
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).parent / "embed_server.py"), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/docs", timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(proc.stderr.read()) from None
            time.sleep(0.3)
    yield f"http://127.0.0.1:{port}/v1"
    proc.terminate()
    proc.wait(timeout=10)


def test_local_embedder_gives_unit_vectors(local_embedder):
    vectors = local_embedder.embed(["Alibaba rallied 8.1%", "Nvidia H20 licences"])
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_openai_embedder_batches_through_a_real_server(embed_server, local_embedder):
    remote = OpenAIEmbedder("all-MiniLM-L6-v2", embed_server, None, batch_size=2)
    texts = ["one", "two", "three", "four", "five"]
    vectors = remote.embed(texts)
    assert vectors.shape == (5, 384)
    assert np.allclose(vectors, local_embedder.embed(texts), atol=1e-4)


def test_index_built_through_the_endpoint_answers_searches(embed_server, tmp_path, seeds):
    settings = load_settings(embedder="openai", embed_base_url=embed_server, embed_model="minilm")
    embedder = make_embedder(settings)
    assert embedder.name == "openai:minilm"
    with Store.open(tmp_path / "idx", "articles", embedder.name, create=True) as store:
        assert ingest([str(seeds)], store, embedder).new == 2
        assert store.dimension == 384
        hits = Retriever(store, embedder).search("H20 chips", k=2)
        assert "H20" in hits[0].text
    # the index remembers its embedder
    with pytest.raises(EmbedderMismatchError):
        Store.open(tmp_path / "idx", "articles", "local:all-MiniLM-L6-v2")


def test_endpoint_down_is_a_clear_error():
    remote = OpenAIEmbedder("m", f"http://127.0.0.1:{free_port()}/v1", None, max_retries=0)
    with pytest.raises(BackendError, match="cannot reach the embeddings endpoint"):
        remote.embed(["x"])


def test_openai_embedder_needs_a_url_or_key():
    with pytest.raises(ConfigError, match="RAG_EMBED_BASE_URL"):
        make_embedder(load_settings(embedder="openai"))


def _max_in_flight(server: str) -> int:
    request = urllib.request.Request(server.removesuffix("/v1") + "/stats/reset", method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        return int(json.loads(response.read())["max"])


def test_remote_embedding_requests_run_in_parallel_up_to_the_bound(embed_server, local_embedder):
    texts = [f"sentence number {i} about chips" for i in range(8)]
    _max_in_flight(embed_server)
    serial = OpenAIEmbedder("slow", embed_server, None, batch_size=1, concurrency=1)
    assert np.allclose(serial.embed(texts[:3]), local_embedder.embed(texts[:3]), atol=1e-4)
    assert _max_in_flight(embed_server) == 1

    parallel = OpenAIEmbedder("slow", embed_server, None, batch_size=1, concurrency=3)
    vectors = parallel.embed(texts)
    assert np.allclose(vectors, local_embedder.embed(texts), atol=1e-4)  # order kept
    assert 2 <= _max_in_flight(embed_server) <= 3
