# `make run` and `make test` set up everything they need on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := app/static/vendor
export FLASK_APP := run.py

.PHONY: run test test-e2e lint install assets browser ocr screenshots audit bench bench-receipts loadtest clean translations catalogues

run: install assets catalogues ocr
	$(BIN)/flask db upgrade
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# Two workers by default (pytest-xdist); PYTEST_ARGS="-n 0" runs in one process.
PYTEST_ARGS ?= -n 2

test: install assets catalogues browser ocr
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Only the browser tests (tests/e2e, marked e2e).
test-e2e: install assets catalogues browser ocr
	$(BIN)/python -m pytest -m e2e $(PYTEST_ARGS)

# The interface's languages: app/translations/<language>/LC_MESSAGES/messages.po, written by people
# and committed; the .mo files the app reads are compiled from them (`catalogues`, which run and
# test depend on) and not committed. After changing any text people see, `make translations`
# extracts the messages (babel.cfg), merges them into every catalogue and compiles;
# tests/test_translations.py fails until each catalogue translates them all.
TRANSLATIONS := app/translations
CATALOGUES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)

translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_ngettext:1,2 --no-location --sort-output -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d $(TRANSLATIONS) --statistics

catalogues: install $(CATALOGUES:.po=.mo)

$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po
	$(BIN)/pybabel compile -i $< -o $@

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

assets: $(VENDOR)/.installed

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# Only the built files the pages use are copied; vendor/ is not committed.
$(VENDOR)/.installed: node_modules/.package-lock.json Makefile
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/bootstrap $(VENDOR)/bootstrap-icons $(VENDOR)/chart.js
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map $(VENDOR)/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map $(VENDOR)/bootstrap/
	cp -r node_modules/bootstrap-icons/icons $(VENDOR)/bootstrap-icons/
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/dist/chart.umd.min.js.map $(VENDOR)/chart.js/
	touch $@

# Finds Chromium for the browser tests (CHROME_PATH, /usr/bin/chromium, Playwright's own) or says
# what to install. Outside CI the browser tests are skipped when none is found; in CI they fail.
browser: install
	@$(BIN)/python -m tests.e2e.browser

# Tesseract (English and German) and poppler's pdftoppm read receipts on this machine
# (app/receipts/ocr.py); the receipt tests draw with the DejaVu and Liberation fonts. Installed with
# apt-get where this machine allows it (root, or sudo without a password), like Chromium; where it
# cannot, the app keeps receipts without reading them and the receipt tests say what to install.
OCR_PACKAGES := tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu poppler-utils fonts-dejavu-core fonts-liberation

ocr:
	@if command -v tesseract >/dev/null && command -v pdftoppm >/dev/null \
		&& tesseract --list-langs 2>/dev/null | grep -qx deu && tesseract --list-langs 2>/dev/null | grep -qx eng \
		&& [ -d /usr/share/fonts/truetype/dejavu ] && [ -d /usr/share/fonts/truetype/liberation ]; then \
		echo "Tesseract: $$(command -v tesseract), pdftoppm: $$(command -v pdftoppm)"; \
	else \
		if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
		echo "Installing $(OCR_PACKAGES) with apt-get"; \
		{ $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(OCR_PACKAGES); } \
		|| echo "Could not install them; receipts are kept but not read. On Debian: apt-get install -y $(OCR_PACKAGES)"; \
	fi

# The PNG icons of the web app manifest, drawn from app/static/favicon.svg by Chromium. They are
# committed (drawing text needs a browser and its fonts, which a server may not have); run this after
# changing the SVG: tests/test_pwa.py fails until then.
icons: install browser
	$(BIN)/python -m tools.make_icons

# Every page of the demo account (and login, register, the quick add dialog) at 390px and 1280px,
# light and dark, into screenshots/; plus docs/dashboard.png and docs/dashboard-mobile.png for the README.
screenshots: install assets browser
	$(BIN)/python -m tests.e2e.screenshots

# Lighthouse on the login page, the dashboard and the expense list (desktop and mobile presets), signed
# in as the demo account, 3 runs each (AUDIT_RUNS); fails when the median is below 100 for accessibility
# and best practices or 95 for performance.
audit: install assets browser
	$(BIN)/python -m tests.e2e.audit

# Seeds 1k, 10k and 100k expenses, times every page in process, serves them with gunicorn and drives
# every page with wrk; prints PASS/MISS per target (bench/run.py). BENCH_QUICK=1 skips 100k;
# BENCH_DATABASE_URL=postgresql+psycopg://... adds PostgreSQL; BENCH_SECONDS sets wrk's time per page.
# The category suggestions' accuracy and coverage against "most common category for this exact
# description", on the demo data and 5,000 generated bank descriptions, and the time to learn from
# 50,000 expenses (bench/autocat.py); `make bench` runs it first. Seconds, not minutes.
bench-autocat: install
	$(BIN)/python -m bench.autocat

bench: install assets bench-autocat
	@command -v wrk >/dev/null || { echo "make bench needs wrk: on Debian or Ubuntu, apt-get install -y wrk"; exit 1; }
	$(BIN)/python -m bench.run

# 200 people at once through nginx, two gunicorn instances, PostgreSQL with 2,000,000 expenses and
# Redis, all started here on their own ports and stopped at the end; then an app server killed,
# Redis stopped and PostgreSQL restarted under load (bench/loadtest/). Needs nginx, redis-server and
# PostgreSQL 15's programs (LOADTEST_PG_BIN); Locust goes into .venv-loadtest. About 15 minutes.
LOADTEST_VENV := .venv-loadtest

loadtest: install assets $(LOADTEST_VENV)/.installed
	$(BIN)/python -m bench.loadtest

$(LOADTEST_VENV)/.installed: bench/loadtest/requirements.txt
	test -x $(LOADTEST_VENV)/bin/python || $(PYTHON) -m venv $(LOADTEST_VENV)
	$(LOADTEST_VENV)/bin/python -m pip install --quiet -r bench/loadtest/requirements.txt
	touch $@

# Draws 60 receipts (RECEIPT_BENCH_COUNT) and reads them as an upload is read; prints the share of
# totals, dates and merchants read exactly and the median time per receipt (bench/receipts.py).
bench-receipts: install ocr
	$(BIN)/python -m bench.receipts

clean:
	rm -rf $(VENV) $(LOADTEST_VENV) node_modules $(VENDOR) .pytest_cache .ruff_cache
