# OneWindow: `make run` sets everything up and starts the app; `make test` sets up and runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
VENDOR := webapp/static/vendor
export ONEWINDOW_DATA_DIR ?= $(CURDIR)/instance

.PHONY: help venv static fonts browser pgclient db run test test-sqlite test-postgresql bench check clean

help:
	@echo "make run    - install, create the SQLite database with sample items and demo data, start on :5000"
	@echo "make test   - install and run the whole test suite (SQLite, then PostgreSQL when reachable)"
	@echo "make bench  - run the benchmarks in bench/ and print each figure beside its floor"
	@echo "make check  - check every item bundle (onewindow check .)"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

venv: $(STAMP)

node_modules/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Third-party front-end files are copied from node_modules, never committed.
$(VENDOR)/.stamp: node_modules/.stamp
	mkdir -p $(VENDOR)/bpmn-js
	cp node_modules/bpmn-js/dist/bpmn-viewer.production.min.js node_modules/bpmn-js/dist/bpmn-modeler.production.min.js $(VENDOR)/bpmn-js/
	cp -r node_modules/bpmn-js/dist/assets/. $(VENDOR)/bpmn-js/assets/
	mkdir -p $(VENDOR)/echarts
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	@touch $@

static: $(VENDOR)/.stamp

# Debian packages: the PDF font (fonts-wqy-microhei is TrueType; reportlab cannot read the CFF outlines of
# fonts-noto-cjk) for `make run` and the tests, and chromium for browser journeys (Playwright's own browser
# download does not work here). Installed when we are root; otherwise we say what will not work.
PDF_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
APT_INSTALL = apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq
fonts:
	@if [ -f $(PDF_FONT) ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's fonts-wqy-microhei for PDF documents..."; $(APT_INSTALL) fonts-wqy-microhei >/dev/null; \
	else echo "fonts-wqy-microhei is not installed (apt-get install fonts-wqy-microhei): PDF documents will not render."; fi

browser: fonts
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the browser tests..."; $(APT_INSTALL) chromium fonts-noto-cjk >/dev/null; \
	else echo "chromium is not installed (apt-get install chromium fonts-noto-cjk): browser tests will be skipped."; fi

# pg_dump and pg_restore for `onewindow backup` / `restore` on PostgreSQL (and their tests).
pgclient:
	@if command -v pg_dump >/dev/null 2>&1 && command -v pg_restore >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's postgresql-client for backups..."; $(APT_INSTALL) postgresql-client >/dev/null; \
	else echo "pg_dump is not installed (apt-get install postgresql-client): PostgreSQL backups will not work."; fi

db: venv
	$(BIN)/onewindow init-db
	$(BIN)/onewindow load-items
	@if [ ! -f "$(ONEWINDOW_DATA_DIR)/.demo-loaded" ]; then \
		$(BIN)/onewindow demo --cases 12 && touch "$(ONEWINDOW_DATA_DIR)/.demo-loaded"; \
	else $(BIN)/onewindow demo --cases 0; fi

run: venv static fonts db
	$(BIN)/onewindow serve --host 127.0.0.1 --port 5000

check: venv
	$(BIN)/onewindow check .

test: venv static browser pgclient
	@bash tests/run.sh

test-sqlite: venv static
	ONEWINDOW_TEST_DB=sqlite $(BIN)/python -m pytest -n 2 -q

test-postgresql: venv static
	ONEWINDOW_TEST_DB=postgresql $(BIN)/python -m pytest -n 2 -q

bench: venv
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) instance
