# Two commands do everything on a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python

DUCKDB1 := $(TOOLS)/duckdb1

.PHONY: install run test ui bench system-deps clean

# uv itself comes from PyPI into .tools/, so nothing but python3 is needed up front.
$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# The locked environment; seconds when nothing changed.
install: $(UV)
	$(UV) sync --locked --quiet

run: install
	$(PY) -m pipeline build

# What the tests need beyond Python packages: fonts for the PDF fixtures and the report (Debian's
# IPAex, plus DejaVu for a few symbols) and Chromium to render the report.
system-deps:
	@if ! fc-list 2>/dev/null | grep -q IPAexGothic || ! fc-list 2>/dev/null | grep -q "DejaVu Sans" || ! command -v chromium >/dev/null; then \
		echo "installing fonts-ipaexfont fonts-dejavu-core chromium"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-ipaexfont fonts-dejavu-core chromium >/dev/null; \
	fi

# A separate environment with a DuckDB 1.x client, as BI tools ship it: the tests open the
# published warehouse with it.
$(DUCKDB1)/bin/python: $(UV)
	$(UV) venv --quiet --python 3.11 $(DUCKDB1)
	$(UV) pip install --quiet --python $(DUCKDB1)/bin/python "duckdb==1.1.3"

test: install system-deps $(DUCKDB1)/bin/python
	$(PY) -m pytest -q

# `make ui PORT=3001` for another port.
ui: install
	$(PY) -m pipeline ui $(if $(PORT),--port $(PORT))

bench: install
	$(PY) bench/run.py

clean:
	rm -rf warehouse/*.duckdb warehouse/.build warehouse/.landing warehouse/report warehouse/parquet .dagster_home dbt_project/target
