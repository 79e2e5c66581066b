# Two commands do everything on a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python

DUCKDB1 := $(TOOLS)/duckdb1
# The Node.js DuckDB client (the one Node BI tools such as Evidence use), pinned; Node 20 runs it.
NODE_CLIENT := $(TOOLS)/node
DUCKDB_NODE_API := 1.5.6-r.1

.PHONY: install run test lint docs ui bench system-deps clean

# uv itself comes from PyPI into .tools/, so nothing but python3 is needed up front.
$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# The locked environment; seconds when nothing changed. Compiled to bytecode once, here: where Python
# runs with PYTHONDONTWRITEBYTECODE (as in many containers and CI images) it would otherwise compile
# Dagster's, dbt's and SQLAlchemy's modules again in every process, about 2 s of each build's start.
install: $(UV)
	$(UV) sync --locked --quiet --compile-bytecode

run: install
	$(PY) -m pipeline build

# dbt's docs of the published warehouse (read-only) as one offline page: warehouse/docs/index.html.
docs: install
	$(PY) -m pipeline docs

# What the tests need beyond Python packages: fonts for the PDF fixtures and the report (Debian's
# IPAex, plus DejaVu for a few symbols), Chromium to render the report, Node.js and npm for the Node client.
system-deps:
	@if ! fc-list 2>/dev/null | grep -q IPAexGothic || ! fc-list 2>/dev/null | grep -q "DejaVu Sans" || ! command -v chromium >/dev/null \
		|| ! command -v node >/dev/null || ! command -v npm >/dev/null; then \
		echo "installing fonts-ipaexfont fonts-dejavu-core chromium nodejs npm"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-ipaexfont fonts-dejavu-core chromium nodejs npm >/dev/null; \
	fi

# A separate environment with a DuckDB 1.x client, as BI tools ship it: the tests open the
# published warehouse with it.
# (A stamp file: bin/python is a symlink whose target's old mtime made make redo the venv each time.)
$(DUCKDB1)/.installed: $(UV)
	$(UV) venv --quiet --clear --python 3.11 $(DUCKDB1)
	$(UV) pip install --quiet --python $(DUCKDB1)/bin/python "duckdb==1.1.3"
	touch $@

# The Node.js client from npm into .tools/node (git-ignored): the tests open the warehouse with it.
$(NODE_CLIENT)/.installed-$(DUCKDB_NODE_API): | system-deps
	rm -rf $(NODE_CLIENT)
	npm install --prefix $(NODE_CLIENT) --no-save --no-package-lock --no-audit --no-fund --loglevel=error "@duckdb/node-api@$(DUCKDB_NODE_API)"
	touch $@

# Style: ruff (rules and format in pyproject.toml) over the Python, sqlfluff (.sqlfluff) over the dbt SQL.
lint: install
	$(VENV)/bin/ruff check pipeline tests bench
	$(VENV)/bin/ruff format --check pipeline tests bench
	$(VENV)/bin/sqlfluff lint --processes 0 dbt_project/models dbt_project/tests

test: lint system-deps $(DUCKDB1)/.installed $(NODE_CLIENT)/.installed-$(DUCKDB_NODE_API)
	$(PY) -m pytest -q

# `make ui PORT=3001` for another port.
ui: install
	$(PY) -m pipeline ui $(if $(PORT),--port $(PORT))

bench: install
	$(PY) bench/run.py

clean:
	rm -rf warehouse/*.duckdb warehouse/.build warehouse/.landing warehouse/report warehouse/parquet warehouse/csv warehouse/docs .dagster_home dbt_project/target
