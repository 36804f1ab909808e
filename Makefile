# Every target sets up the virtual environment first (from pyproject.toml and
# requirements.lock), so a fresh clone needs nothing but Python 3.11+.
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock 2>/dev/null | cksum | cut -d' ' -f1)
NIANBAO := $(BIN)/nianbao
DATA    ?= data

.PHONY: setup test lint crawl extract load all demo export dictionary reliability bench lock clean

$(STAMP):
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

setup: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

crawl: $(STAMP)
	$(NIANBAO) crawl --data-dir $(DATA)

extract: $(STAMP)
	$(NIANBAO) extract --data-dir $(DATA)

load: $(STAMP)
	$(NIANBAO) load --data-dir $(DATA)

all: crawl extract load

demo: $(STAMP)
	$(NIANBAO) demo

export: $(STAMP)
	$(NIANBAO) export --data-dir $(DATA)

dictionary: $(STAMP)
	$(NIANBAO) dictionary --out $(DATA)

reliability: $(STAMP)
	$(BIN)/python -m tests.reliability.report

bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python benchmarks/extract_speed.py

# Regenerate requirements.lock from pyproject.toml (needs uv).
lock:
	uv pip compile pyproject.toml --extra dev -o requirements.lock -q

clean:
	rm -rf $(VENV) build *.egg-info
