# Smart Commune Platform — the front door. `make help` lists every target.
#
# Everything a fresh machine needs is installed from here: uv (from PyPI, into .tools/), the
# Python workspace (uv.lock), Debian's PostgreSQL, Maven and a JDK, and the Kafka / Keycloak
# artefacts from Maven Central (into ~/.cache/smartcommune, outside the repo).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

UV_VERSION   := 0.13.9
HELM_VERSION := v3.21.4
TOOLS        := $(CURDIR)/.tools
UV           := $(TOOLS)/bin/uv
HELM         := $(TOOLS)/bin/helm
HELM_BUILD   := $(TOOLS)/helm-$(HELM_VERSION)/bin/helm
VENV         := $(CURDIR)/.venv
PY           := $(VENV)/bin/python
SC           := $(VENV)/bin/smartcommune
PYTEST       := $(VENV)/bin/pytest
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := python3.11

APT_PACKAGES := postgresql maven default-jdk-headless unzip

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# ----------------------------------------------------------------------------- set-up
$(UV):
	@echo "==> installing uv $(UV_VERSION) into .tools/"
	python3 -m venv $(TOOLS)/uv-venv
	$(TOOLS)/uv-venv/bin/pip install --quiet uv==$(UV_VERSION)
	mkdir -p $(TOOLS)/bin && ln -sf ../uv-venv/bin/uv $(UV)

# helm from its Go module (the Go module proxy, like every Go dependency), built once per version
# into .tools/helm-<version>/ and linked as .tools/bin/helm; about 3 minutes cold on 2 cores.
$(HELM_BUILD):
	@command -v go >/dev/null || { echo "go is needed to build helm: apt-get install golang-go" >&2; exit 1; }
	@echo "==> installing helm $(HELM_VERSION) into .tools/ (go install)"
	GOBIN=$(dir $(HELM_BUILD)) GOFLAGS=-buildvcs=false go install helm.sh/helm/v3/cmd/helm@$(HELM_VERSION)

.PHONY: helm
helm: $(HELM_BUILD) ## Install helm (pinned HELM_VERSION) into .tools/bin with go install
	@mkdir -p $(TOOLS)/bin && ln -sf $(HELM_BUILD) $(HELM)

.PHONY: system-deps
system-deps: ## Install Debian packages the local servers need (PostgreSQL, Maven, JDK)
	@missing=""; \
	for bin in /usr/lib/postgresql/*/bin/postgres; do [ -x "$$bin" ] || missing="$$missing postgresql"; done; \
	command -v mvn >/dev/null || missing="$$missing maven"; \
	command -v java >/dev/null || missing="$$missing default-jdk-headless"; \
	command -v unzip >/dev/null || missing="$$missing unzip"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "==> apt-get install$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "missing system packages:$$missing — run: sudo apt-get install -y$$missing" >&2; exit 1; \
	  fi; \
	fi

.PHONY: bootstrap
bootstrap: $(UV) system-deps ## Install everything: uv, the Python workspace, system packages
	$(UV) sync --frozen --all-packages

.PHONY: fetch
fetch: bootstrap ## Download Kafka and Keycloak from Maven Central into the cache
	$(SC) stack fetch

# ----------------------------------------------------------------------------- quality
.PHONY: lint
lint: bootstrap ## ruff (lint + format check) and mypy --strict
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy services
	$(PY) -m smartcommune.cli.protogen --check
	$(PY) -m smartcommune.cli.docsgen --check

.PHONY: chart-check
chart-check: bootstrap helm ## Helm chart + Dockerfiles: lint, render, K8s schemas (3 versions), rules, inventory
	SMARTCOMMUNE_HELM=$(HELM) $(PY) -m smartcommune.cli.chartcheck

.PHONY: chart-readme
chart-readme: bootstrap ## Regenerate the chart README's parameter table from values.yaml
	$(PY) -m smartcommune.cli.chartcheck readme

.PHONY: fmt
fmt: bootstrap ## Format and auto-fix with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

.PHONY: docs
docs: bootstrap ## Generate each service's OpenAPI and AsyncAPI documents into docs/api
	$(PY) -m smartcommune.cli.docsgen

.PHONY: proto
proto: bootstrap ## Generate gRPC stubs from proto/ into one package
	$(PY) -m smartcommune.cli.protogen

# ----------------------------------------------------------------------------- tests
.PHONY: test
test: lint chart-check fetch ## Everything CI checks: lint, chart-check, unit, integration and e2e tests on real servers
	$(PY) -m smartcommune.cli.stack.leftovers --snapshot
	$(PYTEST) -q -p no:cacheprovider
	@$(MAKE) check-no-leftovers

.PHONY: test-unit
test-unit: bootstrap ## Unit tests only (no servers, seconds)
	$(PYTEST) -q -m "not integration and not e2e"

.PHONY: test-integration
test-integration: fetch helm ## Integration and e2e tests against real Kafka, Keycloak, PostgreSQL
	$(PYTEST) -q -m "integration or e2e"

.PHONY: check-no-leftovers
check-no-leftovers: ## Fail if a server started by this checkout is still running
	$(PY) -m smartcommune.cli.stack.leftovers

.PHONY: bench
bench: fetch ## Benchmarks (BENCH="name …" to choose), numbers and same-run baseline ratios
	$(PY) -m smartcommune.cli.bench $(BENCH)

# ----------------------------------------------------------------------------- run
.PHONY: demo
demo: fetch ## The main job end to end on the embedded defaults
	$(SC) demo

.PHONY: stack-up
stack-up: fetch ## Start local Kafka (KRaft), Keycloak and PostgreSQL as plain processes
	$(SC) stack up

.PHONY: stack-down
stack-down: ## Stop the local servers this checkout started
	@if [ -x $(SC) ]; then $(SC) stack down; fi

.PHONY: stack-status
stack-status: ## Health and address of each local server
	$(SC) stack status

.PHONY: clean
clean: stack-down ## Stop servers and remove the run folder and caches of this checkout
	rm -rf .run .pytest_cache .mypy_cache .ruff_cache
