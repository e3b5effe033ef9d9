# surveyapp: two commands do everything on a fresh machine.
#   make run   - virtual environment, install, migrate SQLite, load definitions + demo data, serve :5000
#   make test  - install (plus Chromium for browser tests) and run the whole suite
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app surveyapp
STAMP  := $(VENV)/.installed-stamp
MO     := surveyapp/translations/vi/LC_MESSAGES/messages.mo surveyapp/translations/en/LC_MESSAGES/messages.mo

.PHONY: install run test translations extract-messages system-deps clean

$(STAMP): pyproject.toml
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

test: install system-deps
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) instance .pytest_cache
