# civicdata: `make run` serves the site with the sample content; `make test` runs every check.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PORT ?= 8000
# The browser tests (tests/browser/) drive Debian's Chromium by this path; Playwright never
# downloads a browser of its own.
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test test-only lint install install-dev serve bench clean browser-deps browser-system-deps service-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet ".[dev]"
	@touch $@

install: $(VENV)/.installed

## Serve the site with the sample content on http://127.0.0.1:$(PORT) (SQLite unless DATABASE_URL says otherwise).
run: install
	@mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) import_hugo demo-content
	$(MANAGE) local_admin --url http://127.0.0.1:$(PORT)/admin/
	$(MANAGE) runserver 127.0.0.1:$(PORT)

## Serve the site as in production: gunicorn (gunicorn.conf.py) with DEBUG=0 on http://127.0.0.1:$(PORT),
## on SQLite or DATABASE_URL, after collectstatic and migrate. Without SECRET_KEY a throwaway key
## is made for this run. Plain HTTP on the loopback, so no redirect to HTTPS (SECURE_SSL_REDIRECT=0).
serve: install
	@mkdir -p var
	@if [ -z "$$SECRET_KEY" ]; then \
	  echo "warning: SECRET_KEY is not set: using a throwaway key for this run only (logins end" \
	    "when it stops). Never serve the public this way: set SECRET_KEY." >&2; \
	  SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')"; \
	fi; \
	export SECRET_KEY DEBUG=0 ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	  SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-0}" GUNICORN_BIND="$${GUNICORN_BIND:-127.0.0.1:$(PORT)}"; \
	$(MANAGE) collectstatic --noinput -v0 && $(MANAGE) migrate --noinput && exec $(BIN)/gunicorn civicdata.wsgi

## The benchmark (bench/run.py; README: The benchmark): several minutes; not part of `make test`.
## Installs Debian's wrk (and redis-server, service-deps) when missing (as root). BENCH_ARGS passes
## options, e.g. BENCH_ARGS="--duration 5 --skip-import".
bench: install service-deps
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then \
	    echo "make bench needs wrk (Debian: apt-get install wrk): install it." >&2; exit 1; \
	  fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python -m bench.run $(BENCH_ARGS)

## Lint, Django's checks, migrations up to date, then the whole test suite.
test: install lint test-only

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run

test-only: install browser-deps service-deps
	$(BIN)/pytest -q

## What the browser tests need besides Python packages: Debian's chromium, Java (for the HTML
## checker) and npm, installed with apt-get when missing (as root); axe-core from the npm registry
## (npm ci). Quick when everything is there.
browser-deps: node_modules/.package-lock.json

browser-system-deps:
	@missing=""; \
	[ -x "$(CHROMIUM)" ] || missing="$$missing chromium"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then \
	    echo "The browser tests need these Debian packages:$$missing. They cannot be installed" \
	      "here (that takes root and apt-get): install them, or set CHROMIUM to a Chromium." >&2; \
	    exit 1; \
	  fi; \
	  echo "Installing Debian's$$missing for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi; \
	[ -x "$(CHROMIUM)" ] || { echo "No Chromium at $(CHROMIUM): the browser tests cannot run." >&2; exit 1; }

## The services the tests start for real: Debian's redis-server (the two-instance test,
## tests/civicdata/test_two_instances.py), installed with apt-get when missing (as root).
service-deps:
	@command -v redis-server >/dev/null || { \
	  if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then \
	    echo "The tests need Debian's redis-server. It cannot be installed here (that takes" \
	      "root and apt-get): install it." >&2; \
	    exit 1; \
	  fi; \
	  echo "Installing Debian's redis-server for the tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
	}

# npm ci rewrites node_modules/.package-lock.json: run again only when the lock file changes.
node_modules/.package-lock.json: package.json package-lock.json | browser-system-deps
	npm ci --no-audit --no-fund --loglevel=error

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache node_modules
