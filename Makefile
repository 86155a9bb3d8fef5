# The two commands: `make run` (demo on SQLite) and `make test` (the whole suite).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# `make run` works on an embedded SQLite database with Celery tasks run eagerly.
RUN_ENV := DEBUG=1 DATABASE_URL=sqlite:///db.sqlite3 CELERY_TASK_ALWAYS_EAGER=1

.PHONY: run test lint format lock migrations-check install assets clean smoke

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

assets: node_modules/.installed

run: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py load_demo
	@echo "cdv : http://$(HOST):$(PORT)/"
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The suite runs on every core (pytest-xdist), a test module per worker: module-scoped
# fixtures (a browser, a loaded demo) are built once. PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto

test: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile \
		--cov --cov-report=term-missing:skip-covered --cov-fail-under=90 $(PYTEST_ARGS)

# What `make run` does, on a fresh SQLite database, without staying up: migrate, load the
# demo, serve, and check that the sign-in page and the API schema answer.
SMOKE_DB := /tmp/cdv-smoke.sqlite3
SMOKE_ENV := DEBUG=1 DATABASE_URL=sqlite:///$(SMOKE_DB) CELERY_TASK_ALWAYS_EAGER=1

smoke: install
	rm -f $(SMOKE_DB)
	$(SMOKE_ENV) $(BIN)/python manage.py migrate --noinput
	$(SMOKE_ENV) $(BIN)/python manage.py load_demo
	$(SMOKE_ENV) $(BIN)/python manage.py check
	$(SMOKE_ENV) $(BIN)/python .ci/smoke.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# Re-pin the dependencies after editing pyproject.toml.
lock: | $(BIN)/python
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url -o requirements/base.txt pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --extra dev -o requirements/dev.txt pyproject.toml

clean:
	rm -rf $(VENV) node_modules db.sqlite3 staticfiles
