# Two commands: `make run` (set up and start the portal) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Tests run against the real services: PostgreSQL and Redis on this machine.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/productivity
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15
# Benchmarks use a database and Redis database of their own.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/productivity_bench
BENCH_BROKER_URL ?= redis://127.0.0.1:6379/14

.PHONY: run test bench setup lint format check-services clean

setup: $(VENV)/.installed node_modules/.installed static/build/app.css

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade "pip>=25.1"
	$(VENV)/bin/pip install --quiet -e . --group dev
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

static/build/app.css: static/src/app.scss node_modules/.installed
	npm run --silent build

# The embedded demo is a development server: DEBUG on unless the environment says otherwise.
run: export DEBUG ?= true
run: setup
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	$(PY) scripts/run.py

check-services:
	bash scripts/test-services.sh

test: setup check-services
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
	  DJANGO_ALLOW_ASYNC_UNSAFE=true REQUIRE_REAL_SERVICES=$${REQUIRE_REAL_SERVICES:-1} \
	  $(PY) -m pytest $(PYTEST_ARGS)

# Not tests: measures rendering (pipeline vs WeasyPrint directly, memory) and 317 plans through
# Redis, a worker and local SMTP. Prints the figures.
bench: export DEBUG ?= true
bench: setup check-services
	DATABASE_URL=$(BENCH_DATABASE_URL) CELERY_BROKER_URL=$(BENCH_BROKER_URL) $(PY) bench/render.py
	DATABASE_URL=$(BENCH_DATABASE_URL) CELERY_BROKER_URL=$(BENCH_BROKER_URL) $(PY) bench/throughput.py
	DATABASE_URL=$(BENCH_DATABASE_URL) CELERY_BROKER_URL=$(BENCH_BROKER_URL) $(PY) bench/panel.py
	DATABASE_URL=$(BENCH_DATABASE_URL) CELERY_BROKER_URL=$(BENCH_BROKER_URL) $(PY) bench/analysis.py

lint:
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format:
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf var static/build staticfiles
