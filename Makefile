# Nexus Réussite backend: one entry point for every task. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: help install run test test-unit test-integration eval-aria lock lock-check format translations clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | sort | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}'

$(BIN)/.installed: requirements/dev.txt pyproject.toml
	PYTHON=$(PYTHON) VENV=$(VENV) bin/install
	@touch $@

install: $(BIN)/.installed ## Create .venv and install the locked dependencies (hash-checked)

run: install ## Install, migrate, seed the demo data and serve on http://$(HOST):$(PORT) (SQLite, in-process cache, ARIA offline)
	HOST=$(HOST) PORT=$(PORT) bin/run-demo

test: install install-tools ## Run the whole test suite with branch coverage (set DATABASE_URL/REDIS_URL for PostgreSQL + Redis)
	bin/test

test-unit: install ## Unit tests only (no coverage floor)
	bin/test tests/unit --no-cov

test-integration: install ## Integration tests only (no coverage floor)
	bin/test tests/integration --no-cov

eval-aria: install ## ARIA's retrieval on tests/evaluation/aria_retrieval.yaml: top-1/top-3/MRR, off-topic, level, latency; fails under target (DATABASE_URL for PostgreSQL)
	bin/eval-aria

lock: install ## Re-resolve requirements/*.in into hash-pinned requirements/*.txt
	bin/lock

lock-check: install ## Fail when a lock file is out of date with its .in
	bin/lock --check

translations: install ## Extract the messages users read into the French catalogue and compile it
	bin/translations

format: install ## Apply black and isort
	$(BIN)/black src tests
	$(BIN)/isort src tests

clean: ## Remove build artefacts and reports (keeps .venv)
	rm -rf reports build dist .pytest_cache .mypy_cache .coverage* src/*.egg-info

-include mk/*.mk
