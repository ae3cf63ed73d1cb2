# Shuitou Tracker: the commands a newcomer and CI use. Needs only Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run serve test lint check-migrations fuzz client-check bench-data bench

# The venv is rebuilt only when the requirements change.
$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production: gunicorn on PostgreSQL (DATABASE_URL and SECRET_KEY required); see bin/serve, docs/DEPLOYMENT.md.
serve: install
	HOST=$(HOST) PORT=$(PORT) PYTHON=$(BIN)/python bin/serve

# The suite over every core (pytest-xdist), each worker on its own test database. TEST_WORKERS=0 runs it in
# one process; PYTEST_ARGS adds options: make test PYTEST_ARGS="-x -k progress".
TEST_WORKERS ?= auto
test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check-migrations: install
	$(BIN)/python manage.py makemigrations --check --dry-run

# The API against its own schema: schemathesis on a live server with the demo data (tests/fuzz/run.sh).
# SQLite by default; FUZZ_DATABASE_URL=postgres://…/<name with "fuzz"> runs it on PostgreSQL.
fuzz: install
	BIN=$(BIN) tests/fuzz/run.sh

# A TypeScript client typed from the schema compiles (docs/examples; needs Node 20 and npm).
client-check: install
	$(BIN)/python manage.py spectacular --lang en --validate --fail-on-warn --file docs/examples/schema.yaml
	cd docs/examples && npm ci --no-audit --no-fund --loglevel=error \
		&& npx openapi-typescript schema.yaml --output schema.d.ts && npx tsc --noEmit

# Province scale against the floor (docs/PERFORMANCE.md): PostgreSQL, Redis and wrk (apt-get install wrk).
# bench-data empties and refills BENCH_DATABASE_URL (created first if missing); bench loads it.
# BENCH_ARGS passes options to bench/run.py: make bench BENCH_ARGS="--only progress-report".
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/shuitou_bench
bench-data: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/create_database.py
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py migrate --noinput
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/generate.py --yes

bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/run.py $(BENCH_ARGS)
