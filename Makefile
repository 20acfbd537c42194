# Two commands: `make run` and `make test`. Everything else is a helper for them.
# Compiled catalogues (.mo) are committed, so neither command needs GNU gettext;
# `make messages` (which does) refreshes them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test lint migrate demo browser-deps clean messages

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: export TRYGGVE_DEMO = 1
run: export STAFF_REQUIRE_OTP ?= 0
# Links in mail and text messages follow PORT (see tryggve/lib/links.py): the server and
# the worker both see it.
run: export PORT := $(PORT)
run: $(STAMP)
	mkdir -p var
	@# A local .env (gitignored) with a generated secret and the demo flags, so every
	@# command in the README works in this checkout afterwards.
	$(PY) scripts/write-demo-env .env $(PORT)
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_demo
	@echo "Tryggve: http://127.0.0.1:$(PORT)/"
	@# The task workers (mail; the survey's recounts) run beside the web server and stop with it.
	$(PY) manage.py db_worker --no-reload --interval 2 & worker=$$!; \
	$(PY) manage.py db_worker --no-reload --interval 2 --queue-name counting & counter=$$!; \
	trap 'kill $$worker $$counter 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT) --noreload

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	@# Migrations must match the models; this needs settings but no real secret.
	SECRET_KEY=makemigrations-check-only SITE_URL=https://check.invalid \
	  $(PY) manage.py makemigrations --check --dry-run -v0

browser-deps:
	@bash scripts/ensure-chromium

# One worker per core (at most 4): the browser tests keep a core busy each, and on two
# cores the suite takes about two thirds of its time in one process. Work stealing: a
# worker that runs out takes tests from the other's queue, so a few minute-long browser
# tests at the end of one queue do not leave the other core idle.
TEST_WORKERS ?= auto
test: $(STAMP) lint browser-deps
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --maxprocesses 4 --dist worksteal

messages: $(STAMP)
	$(PY) manage.py makemessages -l sv -l en --ignore=.venv --ignore=var --no-obsolete
	@# Source strings are Swedish, so the Swedish catalogue is the source itself.
	bash scripts/sv-catalogue
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var
