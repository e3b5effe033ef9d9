# surveyapp: two commands do everything on a fresh machine.
#   make run   - virtual environment, install, migrate SQLite, load definitions + demo data, serve :5000
#   make test  - install (plus Chromium for browser tests), lint, and run the whole suite on SQLite and PostgreSQL
#   make serve - production-style: migrate DATABASE_URL, then gunicorn (docs/DEPLOY.md)
#   make lint  - ruff and mypy as configured in pyproject.toml
#   make wheel - dist/surveyapp-*.whl, a self-contained install (docs/DEVELOPING.md)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app surveyapp
STAMP  := $(VENV)/.installed-stamp
MO     := surveyapp/translations/vi/LC_MESSAGES/messages.mo surveyapp/translations/en/LC_MESSAGES/messages.mo

.PHONY: install run serve test lint wheel bench translations extract-messages system-deps clean

$(STAMP): pyproject.toml setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) translations

surveyapp/translations/%/LC_MESSAGES/messages.mo: surveyapp/translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(VENV)/bin/pybabel compile --use-fuzzy -d surveyapp/translations -l $* >/dev/null

translations: $(MO)

# Regenerate the message catalogue after changing user-visible strings.
extract-messages: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o surveyapp/translations/messages.pot surveyapp
	$(VENV)/bin/pybabel update -i surveyapp/translations/messages.pot -d surveyapp/translations --no-fuzzy-matching

system-deps:
	bash scripts/install-system-deps.sh

run: install
	$(FLASK) init-db
	$(FLASK) load-demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

# Lint first (ruff, mypy), then both databases: SQLite, then PostgreSQL on a throwaway server (scripts/run-tests.sh).
test: install system-deps lint
	bash scripts/run-tests.sh

# Style and types; both run even when the first fails, so one pass shows everything.
lint: $(STAMP)
	$(VENV)/bin/ruff check . ; ruff=$$? ; $(VENV)/bin/mypy ; mypy=$$? ; test $$ruff -eq 0 && test $$mypy -eq 0

# A wheel (and sdist) with compiled translations and every runtime file, built offline with the
# venv's setuptools and babel (setup.py); `pip install dist/surveyapp-*.whl` needs no checkout.
wheel: $(STAMP)
	$(PY) -m build --no-isolation --outdir dist .

# Benchmarks (not tests): the pooled-index coverage grid (bench/coverage.py, docs/ANALYSIS.md §3), then
# submission load, province reports, page weight, procedure catalogue, weak phone, the citizen's POST beside
# its baseline, worker memory, start-up -> docs/BENCHMARKS.md (about 30 min).
bench: install system-deps
	$(PY) -m bench.coverage
	$(PY) -m bench.run_all

# Production-style serving: migrate, then gunicorn with gunicorn.conf.py (docs/DEPLOY.md).
serve: install
	$(FLASK) init-db
	$(VENV)/bin/gunicorn --config gunicorn.conf.py

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache build dist *.egg-info
