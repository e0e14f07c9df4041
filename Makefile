# Every install step lives here; the README's Quickstart and .ci/run call these targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test lint typecheck clean-index

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch goes in first as the CPU build (a wheel on this machine's disk), so that
# sentence-transformers finds it satisfied and nothing pulls a multi-GB CUDA build.
# llama-cpp-python has no wheel on PyPI: pip compiles it (~6 min on 2 cores) and caches it.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The main job on the embedded defaults: index the seed articles and open the Q&A REPL.
run: install
	$(BIN)/rag ingest seeds/
	$(BIN)/rag chat

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check rag tests
	$(BIN)/ruff format --check rag tests

typecheck: install
	$(BIN)/mypy rag

clean-index:
	rm -rf .rag
