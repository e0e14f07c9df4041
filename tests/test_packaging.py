"""A wheel install, not the editable one: it must carry the prompts, the eval's gold data and
the seeds, and answer a question from a folder outside the checkout."""

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile

import pytest
from conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel, built offline from a copy of the checkout (nothing written into it)."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for name in ("rag", "prompts", "seeds"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "evals", src / "evals", ignore=shutil.ignore_patterns("runs"))
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "-w", str(dist), str(src)],
        check=True, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    [built] = list(dist.glob("rag-*.whl"))
    return built


def test_the_wheel_ships_the_prompts_gold_data_and_seeds(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for prompt in (ROOT / "prompts").glob("*.txt"):
        assert f"rag/data/prompts/{prompt.name}" in names
    assert "rag/data/evals/qa_seeds.jsonl" in names and "rag/data/evals/thresholds.toml" in names
    assert {f"rag/data/seeds/{p.name}" for p in (ROOT / "seeds").glob("*.txt")} <= names
    assert "rag/llm/local.py" in names  # subpackages too
    assert not any("/runs/" in n for n in names)


def test_a_wheel_install_ingests_and_answers_outside_the_checkout(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    # Dependencies come from the project venv's site-packages (no network); a path added by
    # a .pth file is not a site dir, so the project's editable-install hook is not loaded.
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    (tmp_path / "venv" / site.split(str(venv) + "/", 1)[1] / "deps.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n"
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
         "--no-index", str(wheel)],
        check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    work = tmp_path / "elsewhere"
    work.mkdir()
    shutil.copytree(ROOT / "seeds", work / "articles")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    rag = str(venv / "bin" / "rag")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [rag, *args], cwd=work, env=env, capture_output=True, text=True, timeout=600
        )

    where = subprocess.run(
        [str(python), "-c", "import rag, rag.core.prompts as p; print(rag.__file__); print(p.PROMPTS_DIR)"],
        cwd=work, env=env, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert all(path.startswith(str(venv)) for path in where), where
    ingested = run("ingest", "articles")
    assert ingested.returncode == 0, ingested.stderr
    asked = run("ask", "By how much did Alibaba shares rally on Tuesday?", "--json")
    assert asked.returncode == 0, asked.stderr
    assert "8.1%" in asked.stdout
    evaluated = run("eval", "--suite", "retrieval", "--limit", "3")  # 3 items: no gate verdict
    assert evaluated.returncode == 0, evaluated.stderr
    assert list((work / "evals" / "runs").iterdir())  # runs go under the current folder
