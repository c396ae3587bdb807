# motcua: `make run` serves the demo province, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DEBUG ?= 1

.PHONY: run install install-test migrate demo messages test test-fast test-dates lint bench bench-load clean

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

# The links in SMS, e-mail and printouts (form 01's QR code) follow the server started here,
# unless SITE_URL is given: `make run PORT=8077` links to port 8077 (docs/running.md).
RUN_SITE_URL = $(or $(SITE_URL),http://$(HOST):$(PORT))

run: demo
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	SITE_URL=$(RUN_SITE_URL) $(BIN)/python manage.py demo_logins
	SITE_URL=$(RUN_SITE_URL) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# SQLite by default; set DATABASE_URL=postgres://... to run against PostgreSQL. The tests without a
# browser run on every core (pytest-xdist: one process and one test database each; TEST_WORKERS=0
# runs them in this process); the browser tests and the production smoke test (deploy/smoke.py) run
# after them in one process, so that a page's timeouts never race the rest of the suite for the CPU.
TEST_WORKERS ?= auto
PYTEST_PARALLEL = -n $(TEST_WORKERS)

test: $(VENV)/.installed-test messages
	DEBUG=0 $(BIN)/python -m pytest $(PYTEST_PARALLEL) -m "not browser and not smoke" $(PYTEST_ARGS)
	DEBUG=0 $(BIN)/python -m pytest -m "browser or smoke" $(PYTEST_ARGS)

test-fast: $(VENV)/.installed-test messages
	DEBUG=0 $(BIN)/python -m pytest $(PYTEST_PARALLEL) -m "not browser and not smoke" $(PYTEST_ARGS)

# The non-browser suite again with the clock moved: the first day of a month (early morning), a day
# of Tết, and the last afternoon of a year. No test may depend on the day it was written.
TEST_CLOCKS ?= 2027-02-01T07:30+07:00 2027-02-08T10:00+07:00 2027-12-31T16:30+07:00
test-dates: $(VENV)/.installed-test messages
	for clock in $(TEST_CLOCKS); do \
	  echo "== suite with the clock at $$clock"; \
	  DEBUG=0 $(BIN)/python -m pytest $(PYTEST_PARALLEL) -m "not browser and not fuzz and not smoke" -q --clock $$clock $(PYTEST_ARGS) || exit 1; \
	done

install-test: $(VENV)/.installed-test

lint: $(VENV)/.installed-test
	$(BIN)/python -m ruff check .

bench: $(VENV)/.installed-test messages
	DEBUG=0 $(BIN)/python bench/run_all.py

# The busiest hour against the production stack (nginx, gunicorn, PgBouncer, Celery) on PostgreSQL with
# 1M generated dossiers: a step-up of rates, then a 10-minute hold at the highest that held (25-35
# minutes, plus 1.5 minutes the first time to prepare the database motcua_load, kept). Run it on an idle
# machine; LOAD_ARGS adds options (bench/bench_load.py --help), e.g. LOAD_ARGS="--rates 20,30,40".
$(VENV)/.installed-load: pyproject.toml $(VENV)/.installed-test
	$(BIN)/pip install --quiet -e ".[load]"
	touch $@

bench-load: $(VENV)/.installed-load messages
	DEBUG=0 $(BIN)/python bench/bench_load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) var build *.egg-info
