# CI stages, runnable locally with the very commands the workflows run (docs/ci-cd.md).
# Included by the Makefile (`-include mk/*.mk`).
TOOLS_VENV ?= .venv-tools
UV_COMPILE := $(BIN)/uv pip compile --system-certs --universal --generate-hashes --python-version 3.11 \
	--index-url https://pypi.org/simple --no-header

.PHONY: install-tools lint security image ci test-pipeline migrations-check lock-tools ci-parity

install-tools: install ## Install the CI tools: .venv-tools (requirements/tools.txt) + node_modules (npm ci); stamped, cheap when unchanged
	PYTHON=$(PYTHON) VENV=$(VENV) TOOLS_VENV=$(TOOLS_VENV) bin/install-tools

lint: install install-tools ## black, isort, flake8, pylint, mypy + actionlint, zizmor, hadolint, shellcheck, kustomize/kubernetes-validate/checkov
	VENV=$(VENV) TOOLS_VENV=$(TOOLS_VENV) bin/lint

security: install-tools ## Bandit + Semgrep (committed rules, offline gate) + Safety + pip-audit (SECURITY_PATHS=src by default)
	TOOLS_VENV=$(TOOLS_VENV) bin/security $(SECURITY_PATHS)

image: install ## Build the container image with docker buildx (fails clearly without a Docker engine)
	VENV=$(VENV) bin/image $(IMAGE_ARGS)

test-pipeline: install install-tools ## The pipeline's own tests (workflows, Dockerfile, security gate) without coverage
	$(BIN)/python -m pytest tests/pipeline -p no:cacheprovider --junitxml=reports/junit-pipeline.xml

migrations-check: install ## Upgrade a database from the previous v* release's schema with this code (DATABASE_URL, default SQLite)
	VENV=$(VENV) bin/migrations-upgrade-check

ci-parity: install ## Run the `test` job of ci-cd.yml (both matrix entries) as the ubuntu-24.04 runner would: its services, env and steps from the YAML, the image's programs only (root)
	VENV=$(VENV) bin/ci-parity $(CI_PARITY_ARGS)

ci: lint test security ## What CI gates on, in order: lint, test, security (image build excluded)

lock-tools: install ## Re-resolve requirements/tools.in and build.in into hash-pinned .txt files
	$(UV_COMPILE) requirements/tools.in -o requirements/tools.txt
	$(UV_COMPILE) requirements/build.in -o requirements/build.txt
