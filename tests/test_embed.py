"""Embedders: the local model, and the OpenAI-compatible path through the openai SDK."""

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from conftest import free_port

from rag.core.config import load_settings
from rag.core.errors import BackendError, ConfigError, EmbedderMismatchError
from rag.index.embed import OpenAIEmbedder, make_embedder
from rag.index.retrieve import Retriever
from rag.index.store import Store
from rag.ingest.run import ingest


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


SEED_QUESTIONS = [
    json.loads(line)["question"]
    for line in (Path(__file__).parent.parent / "evals" / "qa_seeds.jsonl").open()
]


def test_questions_on_onnxruntime_get_the_torch_vectors(tmp_path):
    from rag.index.embed import LocalEmbedder

    onnx = LocalEmbedder(cache_dir=tmp_path / "cache")
    torch = LocalEmbedder(onnx=False)
    one_by_one = np.vstack([onnx.embed([q]) for q in SEED_QUESTIONS[:12]])
    padded = onnx.embed(SEED_QUESTIONS[12:16])  # a batch of different lengths
    assert onnx._onnx, "questions should have gone to onnxruntime"
    assert [p.suffix for p in (tmp_path / "cache").iterdir()] == [".onnx"]  # no partial file
    expected = torch.embed(SEED_QUESTIONS[:16])
    cosines = np.sum(np.vstack([one_by_one, padded]) * expected, axis=1)
    assert cosines.min() > 0.9999


def test_searching_an_index_never_imports_torch(tmp_path, local_embedder, seeds):
    """With the ONNX export in the cache dir, a process that only asks loads no torch."""
    with Store.open(tmp_path / "idx", "articles", local_embedder.name, create=True) as store:
        ingest([str(seeds)], store, local_embedder)
    local_embedder.embed(["exported by now"])
    script = (
        "import sys\nfrom rag.cli.main import main\n"
        f"sys.argv = ['rag', '--data-dir', {str(tmp_path / 'idx')!r}, 'search', "
        "'What did Nvidia say about H20 chips?', '--json']\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "print('torch imported:', 'torch' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    hits = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(hits) == 5 and any("H20" in h["text"] for h in hits)
    assert "torch imported: False" in done.stderr


def test_without_an_onnx_export_questions_fall_back_to_torch(tmp_path, caplog):
    from rag.index.embed import LocalEmbedder

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    embedder = LocalEmbedder(cache_dir=blocked)
    vector = embedder.embed(["Alibaba rallied 8.1%"])
    assert embedder._onnx is False
    assert "questions are embedded with torch" in caplog.text
    expected = LocalEmbedder(onnx=False).embed(["Alibaba rallied 8.1%"])
    assert float(vector[0] @ expected[0]) > 0.9999


def test_an_ingest_leaves_the_question_embedder_ready(tmp_path, seeds, monkeypatch, capsys):
    from rag.cli.main import main
    from rag.index.onnxembed import export_name

    monkeypatch.setenv("RAG_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["--data-dir", str(tmp_path / "idx"), "ingest", str(seeds)]) == 0
    assert (tmp_path / "cache" / export_name()).is_file()
    assert "2 new" in capsys.readouterr().err
