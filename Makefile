# Community Brain — the front door. `make demo` and `make test` set everything up on a fresh
# machine: uv (a pinned release, installed into .tools/ when not on PATH), the virtualenv,
# the database and the demo data.
SHELL := /bin/bash
.DEFAULT_GOAL := setup

UV_VERSION := 0.13.9
PYTHON ?= python3
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
VENV := .venv
BRAIN := $(VENV)/bin/brain
PYTEST := $(VENV)/bin/pytest
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/community_brain
PORT ?= 8000

.PHONY: setup demo serve test test-sqlite test-postgres lint format bench messages clean browser

.tools/bin/uv:
	@echo "→ installing uv $(UV_VERSION) into .tools/"
	@$(PYTHON) -m venv .tools 2>/dev/null && .tools/bin/pip install -q "uv==$(UV_VERSION)" \
	  || { rm -rf .tools; mkdir -p .tools/bin; \
	       $(PYTHON) -m pip install -q --target .tools/pylib "uv==$(UV_VERSION)" \
	         || $(PYTHON) -m pip install -q --break-system-packages --target .tools/pylib "uv==$(UV_VERSION)"; \
	       ln -sf ../pylib/bin/uv .tools/bin/uv; }

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

setup: $(VENV)/.synced
	@$(BRAIN) compile-translations -v0

demo: setup
	PORT=$(PORT) $(BRAIN) demo

serve: setup
	$(BRAIN) serve

test: test-sqlite test-postgres

test-sqlite: setup
	$(PYTEST) -q

# Runs when PostgreSQL answers; with REQUIRE_SERVICES=1 (CI) its absence is a failure.
test-postgres: setup
	@if $(VENV)/bin/python -c "import psycopg,sys; psycopg.connect('$(dir $(PG_TEST_URL))postgres', connect_timeout=3).close()" 2>/dev/null; then \
	  echo "→ the suite again on PostgreSQL"; DATABASE_URL=$(PG_TEST_URL) $(PYTEST) -q; \
	elif [ "$$REQUIRE_SERVICES" = "1" ]; then echo "PostgreSQL is required but not reachable at $(PG_TEST_URL)"; exit 1; \
	else echo "→ PostgreSQL not reachable at $(PG_TEST_URL): skipped (set REQUIRE_SERVICES=1 to fail instead)"; fi

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# On PostgreSQL when it answers (the issues' speed targets are set there), else SQLite.
bench: setup
	@if $(VENV)/bin/python -c "import psycopg; psycopg.connect('$(dir $(PG_TEST_URL))postgres', connect_timeout=3).close()" 2>/dev/null; then \
	  DATABASE_URL=$${DATABASE_URL:-$(PG_TEST_URL)} $(VENV)/bin/python -m bench $(BENCH); \
	else echo "# PostgreSQL not reachable: benchmarks on SQLite"; $(VENV)/bin/python -m bench $(BENCH); fi

# Re-extract the interface's strings after changing them; then translate the new ones.
messages: setup
	cd src/community_brain && ../../$(BRAIN) makemessages -l zh_Hans --ignore "tests/*" --ignore testing.py

# Debian's Chromium (for the browser tests) and CJK fonts (pages and printed documents).
browser:
	@command -v chromium >/dev/null && fc-list :lang=zh | grep -q . || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

clean:
	rm -rf $(VENV) .tools var
