# quifaitquoi — the two commands of the README: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
QFQ := $(VENV)/bin/qfq
HOST ?= 127.0.0.1
PORT ?= 8000
NODE_TOOLS := tools/cypher-lint tools/graphql-http-audit tools/vendor-js

# The modules run a second time on a real Neo4j 5 (tools/neo4j/server.py, jars from Maven Central):
# store-level, lookup, GraphQL/REST/web, and the Neo4j-only ones (parity with FalkorDB, Browser).
NEO4J_TESTS := tests/test_graph_values.py tests/test_graph_config.py tests/test_loaders.py \
	tests/test_lookup_engine.py tests/test_lookup_evaluate.py \
	tests/test_api_*.py tests/test_web.py tests/test_web_browser.py tests/test_exposure.py \
	tests/test_exports.py tests/test_fuzz_api.py tests/test_neo4j.py tests/test_neo4j_browser.py

.PHONY: install run load serve neo4j check lint test test-neo4j lint-cypher node-tools browser bench clean

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

## A local Neo4j 5 Community in the foreground (127.0.0.1, generated password); writes var/neo4j/env.
neo4j: install
	$(PY) tools/neo4j/server.py

## The fast loop (about a minute): the tests not marked slow, then ruff and mypy.
check: install
	$(PY) -m pytest -q -m "not slow"
	$(MAKE) lint

## ruff (pyflakes, pycodestyle, bugbear, pyupgrade) and mypy, configured in pyproject.toml.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

## Everything CI checks: ruff and mypy, the Python tests (slow ones too) on the embedded FalkorDB, then on a
## real Neo4j 5, and Neo4j's Cypher lint.
test: install node-tools browser
	$(MAKE) lint
	$(PY) -m pytest -q
	$(MAKE) test-neo4j
	$(MAKE) lint-cypher

test-neo4j: install node-tools browser
	$(PY) -m pytest -q --backend=neo4j $(NEO4J_TESTS)

# The product's queries, the schema, and the tests' own statements (tests/cypher).
lint-cypher: node-tools
	node tools/cypher-lint/lint.mjs queries schema/neo4j.cypher tests/cypher

node-tools:
	@for d in $(NODE_TOOLS); do \
	  if [ -f $$d/package-lock.json ] && { [ ! -d $$d/node_modules ] || \
	     [ $$d/package-lock.json -nt $$d/node_modules/.package-lock.json ]; }; then \
	    (cd $$d && npm ci --no-audit --no-fund --silent); fi; \
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
	rm -rf $(VENV) var test-artifacts .mypy_cache .ruff_cache
