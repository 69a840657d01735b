# civicdata: `make run` serves the site with the sample content; `make test` runs every check.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PORT ?= 8000

.PHONY: run test test-only lint install install-dev serve clean

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

## Lint, Django's checks, migrations up to date, then the whole test suite.
test: install lint test-only

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run

test-only: install
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
