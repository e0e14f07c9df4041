"""Shared fixtures. Real components throughout; the network is refused beyond 127.0.0.1."""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run_dir() -> Path:
    """A folder of this test run, the same for every pytest-xdist worker of the run."""
    uid = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if not uid:
        return Path(tempfile.mkdtemp(prefix="rag-test-"))
    path = Path(tempfile.gettempdir()) / f"rag-test-{uid}"
    path.mkdir(exist_ok=True)
    return path


RUN_DIR = _run_dir()
# The modules that take longest (minutes each on one core), started first; test_eval runs
# the seeds eval (seeds_eval) that test_injection, started last, reads.
FIRST = ["test_eval.py", "test_shared_index.py", "test_reading.py", "test_reliability.py",
         "test_pages.py"]  # fmt: skip
LAST = "test_injection.py"
SEEDS = ROOT / "seeds"
ALIBABA_TUESDAY = "000_c88aad9c334f0d3b.txt"
ALIBABA_THURSDAY = "004_6f3f07893199474a.txt"

# --- no network beyond loopback ----------------------------------------------------------
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_loopback(address: object) -> bool:
    if isinstance(address, tuple) and address:
        host = str(address[0])
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False
    return True  # AF_UNIX paths


def _guarded_connect(self: socket.socket, address: object) -> None:
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
        raise OSError(f"tests may not use the network: refused connection to {address}")
    return _real_connect(self, address)  # type: ignore[arg-type]


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
        raise OSError(f"tests may not use the network: refused connection to {address}")
    return _real_connect_ex(self, address)  # type: ignore[arg-type]


def pytest_configure(config: pytest.Config) -> None:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    for var in list(os.environ):
        if var.startswith("RAG_") or var == "OPENAI_API_KEY":
            del os.environ[var]
    os.environ["HF_HUB_OFFLINE"] = "1"
    # The embedder's ONNX export goes to a folder of this run (subprocesses inherit it), one
    # folder for all of the run's workers (pytest-xdist): it is written once, atomically.
    os.environ["RAG_CACHE_DIR"] = str(RUN_DIR / "cache")
    _one_core_per_worker()
    os.environ["ANONYMIZED_TELEMETRY"] = "False"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest modules first and test_injection last (with `--dist loadfile` a module
    runs on one worker): no worker is left with a long module at the end, and the seeds
    eval that test_injection reads is done by the time it starts. (xdist_group with
    `--dist loadgroup` would pair them, but pytest-xdist 3.8 no longer groups under pytest
    9.2: it renames node ids that pytest no longer reads.)"""

    def order(item: pytest.Item) -> int:
        name = item.path.name
        return FIRST.index(name) if name in FIRST else 100 if name == LAST else 50

    items.sort(key=order)


def _one_core_per_worker() -> None:
    """Under pytest-xdist with no more workers than cores, each worker (and every process it
    starts) runs on a core of its own: torch, onnxruntime and llama.cpp size their threads to
    the cores they may use, so two workers never fight over both cores (llama.cpp's threads
    busy-wait: two workers with two threads each ran the suite slower than one worker)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if not worker.startswith("gw") or workers < 2 or workers > len(cores):
        return
    core = cores[int(worker[2:]) % len(cores)]
    os.sched_setaffinity(0, {core})
    os.environ["OMP_NUM_THREADS"] = "1"  # torch's pool is sized when it is first imported


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """`rag ARGV...` in this process: (exit code, stdout, stderr)."""
    from rag.cli.main import main

    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test runs in its own folder so ./.rag and .env never leak between tests."""
    monkeypatch.chdir(tmp_path)


# --- real components ---------------------------------------------------------------------
@pytest.fixture(scope="session")
def seeds_eval() -> tuple[int, Path]:
    """`rag eval --gate` over the seeds, every suite, once per test run: (exit code, run
    folder). The first worker to ask runs it; another waits for it and reads its folder."""
    from filelock import FileLock

    from rag.cli.main import main

    done = RUN_DIR / "seeds-eval"
    with FileLock(str(RUN_DIR / "seeds-eval.lock")):
        if not (done / "exit").exists():
            code = main(["eval", "--out", str(done / "runs"), "--label", "ci", "--gate"])
            (done / "exit").write_text(str(code))
    [folder] = list((done / "runs").iterdir())
    return int((done / "exit").read_text()), folder


@pytest.fixture(scope="session")
def local_embedder():  # type: ignore[no-untyped-def]
    from rag.index.embed import LocalEmbedder

    return LocalEmbedder()


class CountingEmbedder:
    """Delegates to the real embedder and counts the texts it was asked to embed."""

    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        self.inner = inner
        self.name = inner.name
        self.texts = 0

    def embed(self, texts: list[str]) -> np.ndarray:
        self.texts += len(texts)
        return self.inner.embed(texts)


@pytest.fixture
def embedder(local_embedder) -> CountingEmbedder:  # type: ignore[no-untyped-def]
    return CountingEmbedder(local_embedder)


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A private copy of the seed articles (tests may edit it)."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `chroma run` server on 127.0.0.1 and a free port."""
    path = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    chroma = Path(sys.executable).parent / "chroma"
    log = (path / "server.log").open("w")
    env = dict(os.environ, ANONYMIZED_TELEMETRY="False")
    proc = subprocess.Popen(
        [
            str(chroma),
            "run",
            "--path",
            str(path / "data"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(
                    f"chroma run did not start: {(path / 'server.log').read_text()[-2000:]}"
                ) from None
            time.sleep(0.3)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def _postgres_bin() -> Path:
    """The folder of PostgreSQL's server programs (Debian's postgresql; `make postgresql`)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    if initdb is None:
        raise RuntimeError("PostgreSQL's initdb is not installed: run `make postgresql`")
    return Path(initdb).resolve().parent


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A real PostgreSQL server on 127.0.0.1 and a free port, with password login; its URL.
    As root the server runs as the 'postgres' user (initdb refuses root)."""
    bindir = _postgres_bin()
    root = Path(tempfile.mkdtemp(prefix="rag-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    password = "s3cret-pw"
    (root / "pw").write_text(password)
    shutil.chown(root / "pw", "postgres") if as_user else None
    port = free_port()
    subprocess.run(
        [*as_user, str(bindir / "initdb"), "-D", str(root / "data"), "-U", "rag",
         f"--pwfile={root / 'pw'}", "--auth=scram-sha-256", "-E", "UTF8", "--no-sync"],
        check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(
        [*as_user, str(bindir / "pg_ctl"), "-D", str(root / "data"), "-l", str(root / "log"),
         "-w", "-t", "60", "-o", f"-h 127.0.0.1 -p {port} -k {root} -F", "start"],
        check=True, capture_output=True,
    )  # fmt: skip
    import psycopg

    base = f"postgresql://rag:{password}@127.0.0.1:{port}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute("CREATE DATABASE rag")
    yield f"{base}/rag"
    subprocess.run(
        [*as_user, str(bindir / "pg_ctl"), "-D", str(root / "data"), "-m", "fast", "stop"],
        capture_output=True,
    )
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def embed_server() -> Iterator[str]:
    """A real OpenAI-compatible /v1/embeddings server on loopback (tests/embed_server.py)."""
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


@contextlib.contextmanager
def serve_llm(env: dict[str, str] | None = None) -> Iterator[tuple[subprocess.Popen, str]]:
    """`rag serve-llm` on a free loopback port, with `env` added: (process, base URL),
    stopped on exit."""
    port = free_port()
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "rag"), "serve-llm", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **(env or {})},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=1):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"rag serve-llm did not start: {proc.stderr.read()!r}") from None
            time.sleep(0.3)
    try:
        yield proc, url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@functools.cache
def default_reader():  # type: ignore[no-untyped-def]
    """The shipped reader at the default threshold and sure check, loaded once a process."""
    from rag.answer.read import AnswerReader
    from rag.reader.model import shipped_reader

    return AnswerReader(shipped_reader())


@pytest.fixture(scope="session")
def answer_reader():  # type: ignore[no-untyped-def]
    return default_reader()


@pytest.fixture(scope="module")
def seeds_retriever(tmp_path_factory, local_embedder):  # type: ignore[no-untyped-def]
    """The two seeds indexed once per test module, searched as `rag ask` searches them."""
    from rag.index.retrieve import Retriever
    from rag.index.store import Store
    from rag.ingest.run import ingest

    with Store.open(
        tmp_path_factory.mktemp("qa") / "idx", "articles", local_embedder.name, create=True
    ) as store:
        ingest([str(SEEDS)], store, local_embedder)
        yield Retriever(store, local_embedder, per_article=2)


@pytest.fixture(scope="module")
def fault_url() -> Iterator[str]:
    """tests/fault_server.py on loopback: an OpenAI-compatible server that misbehaves in the
    way its path names (/slow/v1 answers after 3 s, /500/v1 fails, ...)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).parent / "fault_server.py"), str(port)]
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)
