# quifaitquoi — the two commands of the README: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
QFQ := $(VENV)/bin/qfq
HOST ?= 127.0.0.1
PORT ?= 8000
NODE_TOOLS := tools/cypher-lint tools/graphql-http-audit tools/vendor-js

.PHONY: install run load serve test lint-cypher node-tools browser bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test,bench]"
	touch $@

## Load the seeds into the embedded graph, then serve the product on http://$(HOST):$(PORT)/
run: install
	$(QFQ) load
	$(QFQ) serve --host $(HOST) --port $(PORT)

load: install
	$(QFQ) load

serve: install
	$(QFQ) serve --host $(HOST) --port $(PORT)

## Everything CI checks: Python tests (real FalkorDB, real browser, real clients) and Neo4j's Cypher lint.
test: install node-tools browser
	$(PY) -m pytest -q
	$(MAKE) lint-cypher

lint-cypher: node-tools
	node tools/cypher-lint/lint.mjs queries schema/neo4j.cypher

node-tools:
	@for d in $(NODE_TOOLS); do \
	  if [ -f $$d/package-lock.json ] && [ ! -d $$d/node_modules ]; then (cd $$d && npm ci --no-audit --no-fund --silent); fi; \
	done

# Debian's chromium for the browser tests (Playwright drives it; no browser download).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium absent: les tests navigateur seront sautés (apt-get install chromium)"; fi; \
	fi

bench: install
	$(PY) bench/lookup_bench.py
	$(PY) bench/load_bench.py
	$(PY) bench/national_bench.py
	$(PY) bench/api_load.py

clean:
	rm -rf $(VENV) var test-artifacts
