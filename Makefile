# Every target sets up the virtual environment first (from pyproject.toml and
# requirements.lock), so a fresh clone needs nothing but Python 3.11+.  The demo and
# the pipeline install the runtime only; tests (dev) and the notebook add their extras.
# One lock pins every version: it is used as pip's constraints file, so each extra
# installs exactly the locked versions of what it needs and nothing more.
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
HASH    := $(shell cat pyproject.toml requirements.lock 2>/dev/null | cksum | cut -d' ' -f1)
RUNTIME := $(VENV)/.installed-runtime-$(HASH)
DEV     := $(VENV)/.installed-dev-$(HASH)
NOTEBOOK_ENV := $(VENV)/.installed-notebook-$(HASH)
NIANBAO := $(BIN)/nianbao
DATA    ?= data
PIP     := $(BIN)/python -m pip install -q -c requirements.lock

.PHONY: browser system setup test lint crawl extract load all demo audit notebook export dictionary reliability bench lock clean

$(RUNTIME):
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(PIP) -e .
	@# rapidocr pulls in opencv-python (needs libGL); the headless build's cv2 goes on top
	$(PIP) --no-deps --force-reinstall opencv-python-headless
	rm -f $(VENV)/.installed-runtime-*
	touch $@

$(DEV): $(RUNTIME)
	$(PIP) -e '.[dev]'
	rm -f $(VENV)/.installed-dev-*
	touch $@

$(NOTEBOOK_ENV): $(RUNTIME)
	$(PIP) -e '.[notebook]'
	rm -f $(VENV)/.installed-notebook-*
	touch $@

setup: $(DEV)

# System packages the tests need and no Python registry ships: headless Chromium
# (browser fetcher, page screenshots for the OCR tests, the audit site's test)
# and a CJK font (charts, rendered pages). Installed with apt-get where it exists
# and we are root; elsewhere the targets that need them say so and skip.
SYSTEM_PKGS := chromium fonts-noto-cjk
system:
	@if command -v dpkg-query >/dev/null 2>&1 && \
	    [ "$$(dpkg-query -W -f='$${Status} ' $(SYSTEM_PKGS) 2>/dev/null)" = "$$(for p in $(SYSTEM_PKGS); do printf 'install ok installed '; done)" ]; then \
	  :; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  echo "installing $(SYSTEM_PKGS) (apt-get)"; \
	  (apt-get install -y -q --no-install-recommends $(SYSTEM_PKGS) >/dev/null 2>&1 || \
	   (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends $(SYSTEM_PKGS) >/dev/null)) || \
	  echo "warning: could not install $(SYSTEM_PKGS); tests that need them will skip"; \
	else \
	  echo "note: $(SYSTEM_PKGS) not installed and apt-get unavailable or not root; tests that need them will skip"; \
	fi

# A headless Chromium for the crawler's browser fetcher (crawler/browser.py): one already found is kept;
# else Playwright's own build (where it can be downloaded), else the system package. Says clearly when none.
BROWSER_REPORT := $(BIN)/python -c "from crawler.browser import find_browser, unavailable_reason as u; \
	r = u(); print('browser: ' + find_browser() if r is None else 'no browser available: ' + r)"
browser: $(RUNTIME)
	@if $(BIN)/python -c "import sys; from crawler.browser import unavailable_reason as u; sys.exit(u() is not None)"; then \
	  :; \
	elif timeout 600 $(BIN)/playwright install chromium >/dev/null 2>&1; then \
	  echo "installed Playwright's Chromium"; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  echo "Playwright's Chromium cannot be downloaded here; installing the system chromium (apt-get)"; \
	  apt-get install -y -q --no-install-recommends chromium >/dev/null 2>&1 || \
	  (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends chromium >/dev/null 2>&1) || true; \
	else \
	  echo "Playwright's Chromium cannot be downloaded and apt-get is unavailable or not root"; \
	fi
	@$(BROWSER_REPORT)

test: $(DEV) system
	$(BIN)/python -m pytest

lint: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

crawl: $(RUNTIME)
	$(NIANBAO) crawl --data-dir $(DATA)

extract: $(RUNTIME)
	$(NIANBAO) extract --data-dir $(DATA)

load: $(RUNTIME)
	$(NIANBAO) load --data-dir $(DATA)

# One step after the other, stopping at the first that fails, even under make -j:
# a crawl that exits 1 (some sources reached nothing) or 2 (bad input) builds
# nothing. After a partial crawl, `make extract load` builds from what it reached.
all: $(RUNTIME)
	$(NIANBAO) crawl --data-dir $(DATA)
	$(NIANBAO) extract --data-dir $(DATA)
	$(NIANBAO) load --data-dir $(DATA)

demo: $(RUNTIME)
	$(NIANBAO) demo

# The audit site and xlsx of every district and year in DATA (after `make load`): DATA/audit/index.html
audit: $(RUNTIME)
	$(NIANBAO) audit --data-dir $(DATA) --out $(DATA)/audit

# The analyst notebook in the venv's JupyterLab, on the demo's database (make demo first
# when it is not there); NIANBAO_DB=path/to/nianbao.duckdb make notebook for another one.
NIANBAO_DB ?= data/demo-run/nianbao.duckdb
notebook: $(NOTEBOOK_ENV)
	@[ -f "$(NIANBAO_DB)" ] || $(NIANBAO) demo
	NIANBAO_DB="$(abspath $(NIANBAO_DB))" $(BIN)/jupyter lab notebooks/analyst.ipynb

export: $(RUNTIME)
	$(NIANBAO) export --data-dir $(DATA)

dictionary: $(RUNTIME)
	$(NIANBAO) dictionary --out $(DATA)

reliability: $(DEV)
	$(BIN)/python -m tests.reliability.report

bench: $(DEV)
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python benchmarks/extract_speed.py

# Regenerate requirements.lock from pyproject.toml (needs uv).
lock:
	uv pip compile pyproject.toml --extra dev --extra notebook -o requirements.lock -q

clean:
	rm -rf $(VENV) build *.egg-info
