# Reachback: `make run` serves the demo, `make test` runs the whole suite.
PY      := .venv/bin/python
PIP     := .venv/bin/pip
RB      := .venv/bin/reachback
STAMP   := .venv/.installed
PORT    ?= 5000
TSTAMP  := .venv/.installed-test
# Python keeps its compiled modules (and pytest its rewritten tests) between processes even
# where the environment says not to: each test process and CLI call would compile them again.
export PYTHONDONTWRITEBYTECODE =

.PHONY: help translations run test test-postgres test-faketime check lint demo upgrade clean chromium vnu screenshots bench-data bench

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

# Compiled catalogues (.mo) are made from the .po sources kept in git.
PO      := $(wildcard reachback/translations/*/LC_MESSAGES/messages.po)
MO      := $(PO:.po=.mo)
POT     := reachback/translations/messages.pot

%.mo: %.po | $(STAMP)
	.venv/bin/pybabel -q compile -i $< -o $@

translations: $(STAMP)  ## extract the strings to translate, update every catalogue (NEW=xx starts one), compile them
	.venv/bin/pybabel -q extract -F babel.cfg -k lazy_gettext -k _l -k lazy_pgettext:1c,2 -c Translators: --no-location --sort-output -o $(POT) .
	$(if $(NEW),.venv/bin/pybabel -q init -i $(POT) -d reachback/translations -l $(NEW),)
	.venv/bin/pybabel -q update -i $(POT) -d reachback/translations --no-fuzzy-matching --ignore-obsolete
	for po in reachback/translations/*/LC_MESSAGES/messages.po; do \
	  .venv/bin/pybabel -q compile -i $$po -o $${po%.po}.mo || exit 1; done

# Links in e-mails follow the port, unless REACHBACK_BASE_URL is set already.
run: export REACHBACK_BASE_URL ?= http://127.0.0.1:$(PORT)
run: $(STAMP) $(MO)  ## set up, upgrade the database, load the demo into an empty one, serve on :5000 (PORT=8080 for another port)
	$(RB) db upgrade
	$(RB) demo --if-empty
	$(RB) run --host 127.0.0.1 --port $(PORT)

upgrade: $(STAMP)  ## apply database migrations
	$(RB) db upgrade

demo: $(STAMP)  ## load the demo data (idempotent)
	$(RB) demo

# The mail-in tests poll a throwaway IMAP server (.ci/dovecot.sh installs and starts Debian's
# dovecot-imapd). Its exit status 3 means the package cannot be had here: the tests then say
# so (NOT TESTED against IMAP); any other failure stops the run.
IMAP_URL := { imap=$$(.ci/dovecot.sh) || [ $$? = 3 ]; } && export REACHBACK_TEST_IMAP_URL=$$imap

test: $(TSTAMP) $(MO) chromium vnu check  ## set up, run the static checks, the whole suite on SQLite (browser tests and the HTML checker included), the unit and service tests time-shifted, then the suite on PostgreSQL
	$(IMAP_URL) && $(PY) -m pytest -n 2 --durations=20
	$(MAKE) --no-print-directory test-faketime
	$(MAKE) --no-print-directory test-postgres

check: $(TSTAMP)  ## static checks: ruff, bandit (medium severity and up), pip-audit when PyPI answers
	.venv/bin/ruff check .
	.venv/bin/bandit -q -r reachback -ll
	$(PY) -m tests.security.audit_deps

chromium:  ## install Debian's Chromium for the browser tests when missing (as root only)
	@sh scripts/ensure-chromium.sh

vnu:  ## install Java (Debian's) and the Nu HTML Checker (npm's vnu-jar) for the markup test when missing
	@sh scripts/ensure-vnu.sh

screenshots: $(TSTAMP) chromium  ## refresh docs/screenshots/ from the demo data in a temporary instance
	$(PY) scripts/screenshots.py

# Where the database matters: services (search and the scheduler among them), the API, backup,
# the counters kept with upserts (rate limits, sign-in delays), the search leak on PostgreSQL's
# index, and the form input that reaches the database raw (the review's huge numbers). The
# pages, the browser and the wheel ran on SQLite above; the pages reach the same services.
# tests/service/test_cli.py is left out: the command runs on an instance of its own (SQLite).
PG_TESTS := tests/service tests/discussions tests/api tests/web/test_bad_input.py \
	$(addprefix tests/security/test_,backup.py rate_limits.py search_leak.py sign_in_throttle.py) \
	--ignore=tests/service/test_cli.py

test-postgres: $(TSTAMP)  ## the tests where the database matters, on a throwaway PostgreSQL server (.ci/postgres.sh installs and starts it; .ci/dovecot.sh the IMAP one)
	$(IMAP_URL) && url=$$(.ci/postgres.sh) && REACHBACK_TEST_DATABASE_URL=$$url $(PY) -m pytest -n 2 --durations=20 -m "not browser and not packaging" $(PG_TESTS)

# The time-shifted pass: a Monday 02:00 UTC, before any calendar's working day and the day after
# Europe's clocks moved to summer time (31 December 23:59 UTC is another awkward one).
FAKETIME_AT := 2027-03-29 02:00:00 UTC
# It proves that no test reads the wall clock where it should read the frozen one, so it runs
# the tests that involve time: every unit test (business time, SLA rules, ...), and the
# services that compute due times, deadlines, expiries and schedules: SLA, the scheduler,
# notifications and digests (outbox), accounts (expiry of links and sessions), queries
# (needed-by, the expert queue's due order: the test that failed on Mondays), routing and
# duplicates (their notices on the frozen clock).
# The others (search, permissions, the CLI, the library, synthesis) read no time and ran above.
FAKETIME_TESTS := tests/unit $(addprefix tests/service/test_,sla.py scheduler.py outbox.py \
	accounts.py query_services.py routing.py duplicates.py)

test-faketime: $(TSTAMP)  ## the tests that involve time again with every clock at FAKETIME_AT (libfaketime; installed as root when missing)
	sh scripts/pytest-at.sh '$(FAKETIME_AT)' $(PY) -n 2 -q $(FAKETIME_TESTS)

bench-data: $(STAMP)  ## generate the benchmark's large data set in bench/instance/ and index it (SCALE=0.05 for a quick one)
	$(PY) bench/generate.py --scale $(or $(SCALE),1)

bench: $(STAMP)  ## serve bench/instance/ with gunicorn and measure pages (and every page a crawl reaches), search, SLA job, memory; writes bench/results/latest.md and <database>-<scale>.md
	$(PY) bench/run.py

lint: $(TSTAMP)  ## ruff
	.venv/bin/ruff check .

clean:  ## remove the virtualenv and caches (keeps instance/)
	rm -rf .venv *.egg-info .pytest_cache .ruff_cache
