# Routine tasks. `make run` and `make test` work on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: run serve hub test lint format bench chromium postgresql proxy clean

run: $(VENV)/.installed
	$(BIN)/esafety init --demo
	$(BIN)/esafety serve

serve: $(VENV)/.installed
	$(BIN)/esafety serve

# The hosted path: JupyterHub in front (write its configuration first: esafety hub config).
hub: $(VENV)/.installed proxy
	$(BIN)/esafety hub

test: $(VENV)/.installed-test chromium postgresql proxy
	$(BIN)/esafety validate
	$(BIN)/python -m pytest -m "not browser"
	$(BIN)/python -m pytest -m browser -n 0

lint: $(VENV)/.installed-test
	$(BIN)/ruff check toolkit tests benchmarks
	$(BIN)/ruff format --check toolkit tests benchmarks

format: $(VENV)/.installed-test
	$(BIN)/ruff format toolkit tests benchmarks

# Every benchmark, one after another (the trust-sized ones take minutes each);
# `make bench BENCH_ARGS=--smoke`
# only checks that each still runs, as `make test` does (tests/test_benchmarks.py).
bench: $(VENV)/.installed-test chromium
	@for script in benchmarks/*.py; do \
	  echo "== $$script"; \
	  $(BIN)/python $$script $(BENCH_ARGS) || exit 1; \
	done

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The browser tests drive Debian's Chromium (a browser download does not work offline).
chromium:
	@test -x /usr/bin/chromium || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

# The store's tests also run on a throwaway PostgreSQL server, as a school trust would use.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "Installing Debian's postgresql for the store's tests"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; }

# The Hub's proxy, configurable-http-proxy, from the npm registry into .node/ (Debian's
# node-configurable-http-proxy where npm is missing), unless the machine has one.
proxy:
	@command -v configurable-http-proxy >/dev/null || test -x .node/node_modules/.bin/configurable-http-proxy || { \
	  echo "Installing configurable-http-proxy for the Hub"; \
	  if command -v npm >/dev/null; then \
	    npm install --prefix .node --no-audit --no-fund --silent configurable-http-proxy@4.6.3; \
	  else \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q node-configurable-http-proxy; \
	  fi; }

clean:
	rm -rf $(VENV) .pytest_cache
