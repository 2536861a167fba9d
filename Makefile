# Everything a newcomer needs: `make run` starts the app, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: install browser run test test-fast load lint typecheck lint-js test-js format bench bench-smoke clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# Debian's Chromium drives the browser suite (Playwright's own browser download is not used).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing chromium with apt-get..."; \
		apt-get update -qq && apt-get install -y -qq chromium fonts-noto-color-emoji fonts-noto-cjk; }

# runserver is Daphne's ("daphne" in INSTALLED_APPS): pages, API and the live sockets, with
# SQLite and the in-memory channel layer.
run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_seed
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST)

# The official Argdown parser (@argdown/core, pinned in package-lock.json) checks the argdown
# export in tests/claims/exporters/test_export_argdown.py.
node_modules: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
		echo "Installing Node.js and npm with apt-get..."; \
		apt-get update -qq && apt-get install -y -qq nodejs npm; }
	npm ci --no-audit --no-fund
	touch $@

test: install browser node_modules test-js
	$(VENV)/bin/pytest

test-fast: install node_modules test-js
	$(VENV)/bin/pytest -m "not e2e and not load"

# The load test alone; it needs PostgreSQL, e.g.
# DATABASE_URL=postgres://postgres@127.0.0.1:5432/claim_annotator LOAD_SECONDS=20 make load
load: install
	$(VENV)/bin/pytest -m load tests/load

lint: install lint-js
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: install
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The page scripts: ESLint (eslint.config.js) and the unit tests of their pure modules.
lint-js: node_modules
	npx eslint static tests/js eslint.config.js

test-js: node_modules
	node --test tests/js/

bench: install browser
	$(PY) -m bench

bench-smoke: install browser
	$(PY) -m bench --smoke

clean:
	rm -rf $(VENV) staticfiles .pytest_cache node_modules
