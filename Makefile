# Daiban: `make run` serves the demo county, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run serve test setup demo lint format check clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed (set PYTHON=/path/to/python3.11)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)
	DAIBAN_DEBUG=1 $(BIN)/python manage.py compiletranslations

# In development, QR codes, printed addresses and text links (the demo's too) follow the
# port served: PORT=8611 make run. DAIBAN_PUBLIC_URL, when set, wins.
demo run: export DAIBAN_PUBLIC_URL ?= http://127.0.0.1:$(PORT)

demo: setup
	DAIBAN_DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DAIBAN_DEBUG=1 $(BIN)/python manage.py load_demo

run: demo
	@echo "Starting the background worker (deadline sweeps, text messages) and the web server"
	trap 'kill 0' EXIT; \
	DAIBAN_DEBUG=1 $(BIN)/python manage.py run_huey --workers 1 --flush-locks & \
	DAIBAN_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The production profile (gunicorn, compressed static files, worker) on PostgreSQL:
# DATABASE_URL=postgres://… (default: local server, database daiban_serve), PORT.
serve: setup
	deploy/serve-local

test: setup
	DAIBAN_TESTING=1 $(BIN)/pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DAIBAN_TESTING=1 $(BIN)/mypy daiban

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: setup
	DAIBAN_TESTING=1 $(BIN)/python manage.py check
	DAIBAN_TESTING=1 $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var
