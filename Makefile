# Reachback: `make run` serves the demo, `make test` runs the whole suite.
PY      := .venv/bin/python
PIP     := .venv/bin/pip
RB      := .venv/bin/reachback
STAMP   := .venv/.installed
TSTAMP  := .venv/.installed-test

.PHONY: help run test lint demo upgrade clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s "$$(printf '\t')"

.venv:
	python3 -m venv .venv
	$(PIP) install -q --upgrade pip

$(STAMP): setup.cfg pyproject.toml | .venv
	$(PIP) install -q -e .
	touch $@

$(TSTAMP): setup.cfg pyproject.toml | .venv
	$(PIP) install -q -e '.[test]'
	touch $(STAMP) $@

run: $(STAMP)  ## set up, upgrade the database, load the demo into an empty one, serve on :5000
	$(RB) db upgrade
	$(RB) demo --if-empty
	$(RB) run --host 127.0.0.1 --port 5000

upgrade: $(STAMP)  ## apply database migrations
	$(RB) db upgrade

demo: $(STAMP)  ## load the demo data (idempotent)
	$(RB) demo

test: $(TSTAMP)  ## set up and run the whole test suite
	$(PY) -m pytest

lint: $(TSTAMP)  ## ruff
	.venv/bin/ruff check .

clean:  ## remove the virtualenv and caches (keeps instance/)
	rm -rf .venv *.egg-info .pytest_cache .ruff_cache
