# Secure AI Gateway: `make dev` runs it locally, `make test` runs the tests.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# python3.12 is the Lambda runtime. On these machines it is a pyenv version; elsewhere
# any python3.12 on PATH works. Its directory goes on PATH (also for `sam build`).
PYTHON312 := $(shell PYENV_VERSION=3.12.1 pyenv which python 2>/dev/null || command -v python3.12)
ifeq ($(PYTHON312),)
$(error python3.12 not found: install it (pyenv install 3.12) or put python3.12 on PATH)
endif
export PATH := $(dir $(PYTHON312)):$(PATH)

VENV := .venv
PY := $(VENV)/bin/python
export PYTHONPATH := $(CURDIR)/functions/gateway:$(CURDIR)/layers/masking:$(CURDIR)
PYTEST_ARGS ?=

.PHONY: help dev keys test lint typecheck pytest sam-check bench load clean

help:
	@echo "make dev        run the gateway locally (moto + echo provider + uvicorn on :$${GATEWAY_PORT:-3000})"
	@echo "make keys ARGS=\"create --name alice\"   manage API keys of the running make dev (list, revoke <id>)"
	@echo "make test       lint, type-check and run every test suite"
	@echo "make sam-check  validate, lint, build and size-check the SAM stack"
	@echo "make bench      run every benchmark and print one table (bench/all.py)"
	@echo "make load       200+ concurrent streams through uvicorn, 5 rounds (bench/load.py)"
	@echo "make clean      remove the virtualenv and caches"

$(VENV)/.installed: requirements-dev.txt functions/gateway/requirements.txt layers/masking/requirements.txt
	$(PYTHON312) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

dev: $(VENV)/.installed
	$(PY) -m dev.serve

keys: $(VENV)/.installed
	@$(PY) -m dev.keys $(ARGS)

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(VENV)/.installed
	$(PY) -m mypy

test: lint typecheck pytest sam-check

pytest: $(VENV)/.installed
	$(PY) -m pytest $(PYTEST_ARGS)

# sam validate --lint, SAM transform + cfn-lint, sam build and the size budget (own venv).
sam-check:
	bash scripts/sam_checks.sh

# Every benchmark, one consolidated table (bench/all.py); `make load` is the soak alone.
bench: $(VENV)/.installed
	$(PY) -m bench.all

load: $(VENV)/.installed
	$(PY) -m bench.load

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
