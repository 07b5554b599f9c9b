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

# Every install comes from a lock file with hashes (`make lock` writes them): the same
# versions on every machine, in CI and in the Lambda build. --no-deps: the locks are
# complete, so nothing unlisted can slip in. pip prints what it downloads and installs.
PIP_LOCKED = -m pip install --disable-pip-version-check --require-hashes --no-deps

# The SAM CLI and cfn-lint live in their own venv: aws-sam-cli pins many dependencies.
SAM_VENV := .venv-sam
SAM := $(SAM_VENV)/bin/sam
export SAM_CLI_TELEMETRY := 0

# One architecture for the template parameter and the wheels (functions/gateway/Makefile).
# The default is the template's (a template test keeps them equal); BUILD_DIR is where
# `sam local` and `sam deploy` look by default.
ARCH ?= arm64
BUILD_DIR ?= .aws-sam/build
# Extra deploy parameters, e.g. PARAMETERS="PiiFloor=block SnapStart=true".
PARAMETERS ?=

.PHONY: help dev keys install install-dev test lint typecheck pytest sam-check sam-tools build deploy lock \
	bench load clean

help:
	@echo "make dev        run the gateway locally (moto + echo provider + uvicorn on :$${GATEWAY_PORT:-3000})"
	@echo "make keys ARGS=\"create --name alice\"   manage API keys of the running make dev (list, revoke <id>)"
	@echo "make test       lint, type-check and run every test suite"
	@echo "make build      sam build for ARCH=$(ARCH) (arm64 or x86_64: parameter and wheels together)"
	@echo "make deploy     make build, then sam deploy with the same ARCH (PARAMETERS=\"Name=value ...\")"
	@echo "make lock       re-resolve every requirements*.in into its hashed lock file"
	@echo "make sam-check  validate, lint, build and size-check the SAM stack"
	@echo "make bench      run every benchmark and print one table (bench/all.py)"
	@echo "make load       soak: 50,000 mixed requests through run.sh + 10,000 via Mangum, RSS per round (bench/soak.py)"
	@echo "make clean      remove the virtualenvs, builds and caches"

# What `make dev` needs (runtime of function and layer, boto3, moto's server, uvicorn),
# then what `make test` adds: a first `make dev` does not wait for the test tools.
$(VENV)/.dev: requirements/dev.txt
	@echo "== $(VENV): installing the dev set (requirements/dev.txt): about a minute the first time"
	@test -x $(PY) || $(PYTHON312) -m venv $(VENV)
	$(PY) $(PIP_LOCKED) -r requirements/dev.txt
	@touch $@

$(VENV)/.test: $(VENV)/.dev requirements/test.txt
	@echo "== $(VENV): adding the test tools (requirements/test.txt)"
	$(PY) $(PIP_LOCKED) -r requirements/test.txt
	@touch $@

install-dev: $(VENV)/.dev
install: $(VENV)/.test

dev: $(VENV)/.dev
	$(PY) -m dev.serve

keys: $(VENV)/.dev
	@$(PY) -m dev.keys $(ARGS)

lint: $(VENV)/.test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(VENV)/.test
	$(PY) -m mypy

test: lint typecheck sam-check pytest

# tests/lambda builds the stack for this machine's architecture (scripts/host_build.sh)
# with the SAM CLI, so the SAM venv comes first.
pytest: $(VENV)/.test $(SAM_VENV)/.installed
	$(PY) -m pytest $(PYTEST_ARGS)

$(SAM_VENV)/.installed: requirements/sam.txt
	@echo "== $(SAM_VENV): installing the SAM CLI and cfn-lint (requirements/sam.txt)"
	rm -rf $(SAM_VENV)
	$(PYTHON312) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python $(PIP_LOCKED) -r requirements/sam.txt
	@touch $@

sam-tools: $(SAM_VENV)/.installed

# sam validate --lint, SAM transform + cfn-lint, sam build for the template's architecture,
# then the artifact checks (architecture of every .so, bytecode, size budget).
sam-check: $(SAM_VENV)/.installed
	bash scripts/sam_checks.sh

# SAM does not tell a makefile build the architecture, so LAMBDA_ARCH carries it to
# functions/gateway/Makefile and layers/masking/Makefile; scripts/check_build.py then checks
# every compiled extension against it and pins the built template's Architecture to it,
# so no deploy of this build can ask for the other one.
build: $(SAM_VENV)/.installed
	LAMBDA_ARCH=$(ARCH) $(SAM) build --build-dir $(BUILD_DIR) --cache-dir $(BUILD_DIR)-cache \
	  --cached --parallel --parameter-overrides Architecture=$(ARCH)
	$(SAM_VENV)/bin/python scripts/check_build.py $(BUILD_DIR) $(ARCH)

# Saved answers of `sam deploy --guided` (samconfig.toml) are kept; Architecture is this build's.
deploy: build
	$(SAM) deploy --template-file $(BUILD_DIR)/template.yaml \
	  --parameter-overrides $$($(SAM_VENV)/bin/python scripts/deploy_parameters.py samconfig.toml \
	    Architecture=$(ARCH) $(PARAMETERS))

# Re-resolve the .in files into hashed locks. Existing pins are kept unless an .in file asks
# otherwise; `make lock UPGRADE=1` moves everything to the newest allowed versions. The
# function and the layer are resolved alone (they ship alone); the dev set is held to their
# versions, and the test set to the dev set's. --universal: one lock for x86_64 and arm64.
LOCK_VENV := .venv-lock
UV_VERSION := 0.13.8
UV_COMPILE = $(LOCK_VENV)/bin/uv pip compile --quiet --generate-hashes --universal --python-version 3.12 \
	--custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)
lock:
	@test -x $(LOCK_VENV)/bin/uv || { $(PYTHON312) -m venv $(LOCK_VENV) && \
	  $(LOCK_VENV)/bin/python -m pip install --disable-pip-version-check uv==$(UV_VERSION); }
	$(UV_COMPILE) functions/gateway/requirements.in -o functions/gateway/requirements.txt
	$(UV_COMPILE) layers/masking/requirements.in -o layers/masking/requirements.txt
	$(UV_COMPILE) requirements/dev.in -c functions/gateway/requirements.txt -c layers/masking/requirements.txt \
	  -o requirements/dev.txt
	$(UV_COMPILE) requirements/test.in -c requirements/dev.txt -o requirements/test.txt
	$(UV_COMPILE) requirements/sam.in -o requirements/sam.txt
	$(UV_COMPILE) requirements/runtime.in -c requirements/dev.txt -o requirements/runtime.txt

# Every benchmark, one consolidated table (bench/all.py); `make load` is the soak alone
# (bench/soak.py: 50,000 mixed requests through run.sh, 10,000 through Mangum, RSS per round).
bench: $(VENV)/.test $(SAM_VENV)/.installed
	$(PY) -m bench.all

load: $(VENV)/.test
	$(PY) -m bench.soak

clean:
	rm -rf $(VENV) $(SAM_VENV) $(LOCK_VENV) .aws-sam .pytest_cache .mypy_cache .ruff_cache .hypothesis
