# motcua: `make run` serves the demo province, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DEBUG ?= 1

.PHONY: run install install-test migrate demo messages test test-fast lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[test,bench]"
	touch $@

install: $(VENV)/.installed

messages: $(VENV)/.installed
	$(BIN)/python scripts/compile_messages.py

migrate: install messages
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	$(BIN)/python manage.py load_demo

run: demo
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(BIN)/python manage.py demo_logins
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# SQLite by default; set DATABASE_URL=postgres://... to run against PostgreSQL.
test: $(VENV)/.installed-test messages
	DEBUG=0 $(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: $(VENV)/.installed-test messages
	DEBUG=0 $(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/python -m ruff check .

bench: $(VENV)/.installed-test messages
	DEBUG=0 $(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var build *.egg-info
