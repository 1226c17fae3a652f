# tailkit — the verbs a newcomer needs. Every target builds .venv from the pinned
# environment (binder/requirements.txt) if it is missing or stale, then does its job.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.stamp-install
export OPENBLAS_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1
export PYTHONHASHSEED ?= 0
HOST ?= 127.0.0.1
PORT ?= 8866

.PHONY: help install demo test lint format app lab bench browser postgres pins clean

help:
	@echo "make demo    run every objective notebook headless into runs/demo-<timestamp>/"
	@echo "make test    lint + the whole test suite (notebooks and browser tests included)"
	@echo "make app     serve notebooks/apps/ with Voila on http://$(HOST):$(PORT)/"
	@echo "make lab     JupyterLab on this repository"
	@echo "make bench   run benchmarks/ and print their tables"
	@echo "make pins    regenerate binder/requirements.txt from pyproject.toml"

$(STAMP): binder/requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip "setuptools>=77" wheel
	$(BIN)/python -m pip install --quiet -r binder/requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m tailkit._warm
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/tailkit demo --out runs

browser:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || \
	  { echo "installing Debian chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || \
	  { echo "installing Debian postgresql for the shared-book tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

lint: $(STAMP)
	$(BIN)/ruff check tailkit widgets tests benchmarks notebooks
	$(BIN)/ruff format --check tailkit widgets tests benchmarks notebooks
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix tailkit widgets tests benchmarks notebooks
	$(BIN)/ruff format tailkit widgets tests benchmarks notebooks

test: $(STAMP) browser postgres lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup --durations=25 $(PYTEST_ARGS)

app: $(STAMP)
	@echo "tailkit apps (index: http://$(HOST):$(PORT)/):"
	@for nb in notebooks/apps/*.ipynb; do echo "  http://$(HOST):$(PORT)/voila/render/$$(basename $$nb)"; done
	@echo "serving config: serving/voila.py (preheated kernels, book_review reads the book when opened; idle kernels culled after 1 h; VOILA_ARGS to override)"
	$(BIN)/voila notebooks/apps --no-browser --Voila.ip=$(HOST) --port=$(PORT) \
	  --Voila.config_file_paths=serving $(VOILA_ARGS)

lab: $(STAMP)
	$(BIN)/jupyter lab --ip=$(HOST) --no-browser

bench: $(STAMP)
	$(BIN)/python -m benchmarks

pins:
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "uv>=0.4"
	$(BIN)/uv pip compile pyproject.toml --all-extras --python-version 3.11 \
	  --no-header --annotation-style line -o binder/requirements.txt

clean:
	rm -rf $(VENV) runs .pytest_cache .ruff_cache .hypothesis
