# Every install step lives here; the README's Quickstart and .ci/run call these targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test lint typecheck clean-index chromium postgresql eval gate reader

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch goes in first as the CPU build (a wheel on this machine's disk), so that
# sentence-transformers finds it satisfied and nothing pulls a multi-GB CUDA build.
# llama-cpp-python has no wheel on PyPI: pip compiles it (~6 min on 2 cores) and caches it.
# On x86_64 it is built for AVX2, not for the building CPU: a native build on a CPU with
# AMX tiles died with "Illegal instruction" at the first token in this sandbox.
LLAMA_CMAKE := $(if $(filter x86_64,$(shell uname -m)),-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	CMAKE_ARGS="$(LLAMA_CMAKE)" $(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The main job on the embedded defaults: index the seed articles and open the Q&A REPL.
run: install
	$(BIN)/rag ingest seeds/
	$(BIN)/rag chat

# Debian's Chromium renders the eval's HTML report in a test; installed once, as root or via sudo.
chromium:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Debian's PostgreSQL server programs: the shared-index tests start a server of their own
# (tests/conftest.py, postgres_server); installed once, as root or via sudo.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq postgresql >/dev/null; }

# The tests include the eval gate: a full `rag eval` on the embedded defaults checked against
# evals/thresholds.toml (tests/test_eval.py). One worker per core, each pinned to its core
# (tests/conftest.py); a module's tests stay on one worker.
test: install chromium postgresql
	$(BIN)/python -m pytest -n auto --dist loadfile

# A full eval run into evals/runs/<time>-<label>/, and the same with the CI gate.
eval: install
	$(BIN)/rag eval

gate: install
	$(BIN)/rag eval --gate --label gate

lint: install
	$(BIN)/ruff check rag tests
	$(BIN)/ruff format --check rag tests
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy rag

# Train the learned reader on ../shared/data/squad-v1.1-train.json.gz in two stages (~2 h 15 min
# on 2 cores; each resumes with RESUME=--resume), then export it int8 into rag/reader/model/.
# CI never trains: it uses the shipped model.
reader: install
	$(BIN)/python -m rag.reader.train --examples 72000 $(RESUME)
	$(BIN)/python -m rag.reader.train --out .reader-run2 --init .reader-run/reader.pt \
		--first 72000 --examples 100000 --drop-before 1.0 --lr 5e-5 $(RESUME)
	$(BIN)/python -m rag.reader.export .reader-run2

clean-index:
	rm -rf .rag
