# Kubernetes deployment (.github/deploy, docs/deployment.md).
TOOLS_BIN ?= .venv-tools/bin

.PHONY: deploy-check

deploy-check: ## Render both overlays; kubernetes-validate, checkov and shellcheck (tools from TOOLS_BIN)
	TOOLS_BIN=$(TOOLS_BIN) bin/deploy-check
