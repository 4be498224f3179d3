# The two commands: `make run` (set up and serve the embedded default) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run test install translations db seed screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed translations

translations: $(VENV)/.installed
	$(BIN)/flask lms compile-translations

db: install
	$(BIN)/flask db upgrade

seed: db
	$(BIN)/flask lms seed-demo --if-empty

run: seed
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# The suite runs twice: on SQLite, then on PostgreSQL (LMS_TEST_POSTGRES_URL, default 127.0.0.1:5432).
test: install
	LMS_TEST_DB=sqlite $(BIN)/python -m pytest $(PYTEST_ARGS)
	LMS_TEST_DB=postgresql $(BIN)/python -m pytest $(PYTEST_ARGS)

# docs/screenshots/*.png and docs/README.md, from a freshly seeded demo city in headless Chromium.
screenshots: install
	$(BIN)/python docs/screenshots.py

clean:
	rm -rf $(VENV) instance/lms.sqlite3* instance/storage
