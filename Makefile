# Two commands matter: `make run` and `make test`. Everything else is what they stand on.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run` is for a newcomer's machine: DEBUG on unless the environment says otherwise.
MANAGE := DEBUG=$${DEBUG:-1} $(PY) manage.py

# A Python 3.12+ interpreter: python3 if new enough, else one pyenv or the system has installed.
PYTHON ?= $(shell for p in python3.13 python3.12 python3 \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	  command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	  && { command -v $$p; break; }; done)

.PHONY: install system-deps smoke-deps run worker test test-db test-oidc lint bench bench-pack loadtest capacity prod-smoke \
	clean frameworks demo collectstatic lighthouse

PLOTLY_JS := static/vendor/plotly.min.js
# npm ci writes this last: the oidc tests' OpenID Provider is installed.
OIDC_PROVIDER := tests/oidc/provider/node_modules/.package-lock.json
HTML_CHECKER := tests/html_checker/node_modules/.package-lock.json
AZURITE := scripts/azurite/node_modules/.package-lock.json

install: $(VENV)/.installed system-deps $(PLOTLY_JS) $(OIDC_PROVIDER) $(HTML_CHECKER) $(AZURITE)

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "error: Python 3.12 or newer is needed (Django 6.1 requires it)."; \
	  echo "Install it (e.g. 'apt-get install python3.12' or 'pyenv install 3.12') and run make again,"; \
	  echo "or point at one: make PYTHON=/path/to/python3.12 ..."; exit 1; fi
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# Chromium exports the charts in PDFs as SVG; poppler-utils turns PDFs into images in checks;
# Node.js and npm build the pages' plotly.js; LibreOffice Writer turns the Word board paper into
# PDF for its page checks. The report and comparison PDFs, and the Word paper where Arial is
# missing, are set in Arial's metric twin (fonts-liberation).
system-deps:
	@missing=""; command -v chromium >/dev/null 2>&1 || [ -n "$$BROWSER_PATH" ] || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v soffice >/dev/null 2>&1 || missing="$$missing libreoffice-writer-nogui"; \
	fc-list 2>/dev/null | grep -q "Liberation Sans" || missing="$$missing fonts-liberation"; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  if command -v apt-get >/dev/null 2>&1; then \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null \
	    || { echo "error: could not install$$missing; install it by hand (PDF charts need Chromium)"; exit 1; }; \
	  else echo "error: please install$$missing with your system's package manager"; exit 1; fi; \
	fi

# The pages' plotly.js: only the trace types reports/charts.py draws, a quarter of the full
# bundle's size, built from the versions package-lock.json pins (scripts/build_plotly.mjs).
$(PLOTLY_JS): package.json package-lock.json scripts/build_plotly.mjs | system-deps
	npm ci --omit=dev --no-audit --no-fund --loglevel=error
	node scripts/build_plotly.mjs

# The OpenID Provider the oidc tests sign in through: node's certified oidc-provider, pinned by
# its own package-lock.json (tests/oidc/provider); only the tests start it, on loopback.
$(OIDC_PROVIDER): tests/oidc/provider/package.json tests/oidc/provider/package-lock.json | system-deps
	npm ci --prefix tests/oidc/provider --no-audit --no-fund --loglevel=error

# The Nu HTML Checker (vnu.jar, run with Java), pinned by tests/html_checker/package-lock.json;
# tests/test_html_checker.py runs it on every kind of page.
$(HTML_CHECKER): tests/html_checker/package.json tests/html_checker/package-lock.json | system-deps
	npm ci --prefix tests/html_checker --no-audit --no-fund --loglevel=error

# Microsoft's Azurite (an Azure Blob Storage emulator), pinned by scripts/azurite/package-lock.json;
# prod-smoke and tests/reports/test_storage_buckets.py start it on loopback, without telemetry.
$(AZURITE): scripts/azurite/package.json scripts/azurite/package-lock.json | system-deps
	npm ci --prefix scripts/azurite --no-audit --no-fund --loglevel=error

# Hashed, compressed copies of the static files, which WhiteNoise serves when DEBUG is off (a
# deployment's build step; `make run` with DEBUG on needs none).
collectstatic: install
	$(MANAGE) collectstatic --noinput -v0

frameworks: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_frameworks

# The app and one worker beside it (scripts/run.sh): `make run PORT=8001` serves on another port.
run: frameworks
	TASKS_BACKEND=$${TASKS_BACKEND:-database} $(MANAGE) seed_demo
	HOST=$(HOST) PORT=$(PORT) scripts/run.sh

# One worker: renders the documents and sends the e-mail web processes queue when
# TASKS_BACKEND=database (the worker's default here). `make run` starts one of its own.
worker: frameworks
	TASKS_BACKEND=$${TASKS_BACKEND:-database} $(MANAGE) pdf_worker

# The whole suite, on SQLite unless DATABASE_URL says otherwise: first everything but the browser
# (e2e) tests, spread over PYTEST_WORKERS processes (pytest-xdist; `auto` is one per core, and
# each process has a test database and a media folder of its own), then the e2e tests, which
# empty their database as they go and so run after the rest.
PYTEST_WORKERS ?= auto
test: install
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS)
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) -m e2e tests/e2e

# The suite without the tests that start Chromium (marked chromium: the PDFs' chart export, the
# PDF worker's browser, every e2e test), for a second database: `DATABASE_URL=postgres://... make
# test-db`. Chromium draws the same whatever the database, so CI runs those tests once, in
# `make test` on SQLite, and gives PostgreSQL the rest.
test-db: install
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) -m 'not chromium'

# Only the sign-ins through a real OpenID Provider (node's oidc-provider, started on loopback).
test-oidc: install
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) -m oidc tests/oidc
	$(VENV)/bin/pytest -m 'oidc and e2e' tests/e2e/test_oidc_signin.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# On its own SQLite database, seeded with 200 places x 2 rounds x 20 respondents.
bench: install collectstatic
	mkdir -p var
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench.sqlite3 MEDIA_ROOT=$(CURDIR)/var/bench-media $(MANAGE) migrate --noinput -v0
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench.sqlite3 MEDIA_ROOT=$(CURDIR)/var/bench-media DEBUG=0 SECRET_KEY=bench DOCUMENTS_AHEAD=0 $(PY) manage.py bench

# The board pack of the bench's 200 places (seeded as for make bench, on PostgreSQL) with two PDF
# workers, each PDF made afresh; figures in bench-results/bench-pack.md.
bench-pack: install
	scripts/bench_pack.sh

# Locust against the production shape (as prod-smoke runs it: two web nodes, a PDF worker,
# PostgreSQL, Redis, on loopback only), PDFs in a folder (SMOKE_STORAGE=s3 or azure for a bucket):
# USERS (50) for DURATION seconds (60); figures in bench-results/loadtest.md.
USERS ?= 50
DURATION ?= 60
loadtest: install smoke-deps
	$(PY) -m pip install --quiet -e '.[load]'
	SMOKE_USERS=$(USERS) SMOKE_SECONDS=$(DURATION) SMOKE_REPORT=bench-results/loadtest.md \
	  SMOKE_STORAGE="$${SMOKE_STORAGE:-folder}" scripts/prod_smoke.sh

# How many workshop participants one core serves: prod-smoke's servers (and PostgreSQL and Redis)
# pinned to core 0, Locust to core 1, loadtest/workshop.py at rising numbers of participants until
# a request other than sign-in has a p95 of 200 ms or more. CAPACITY_STEPS ("10 20 … 100") and
# CAPACITY_SECONDS (100 a step) change the run; figures in bench-results/capacity.md.
capacity: install smoke-deps
	$(PY) -m pip install --quiet -e '.[load]'
	scripts/capacity.sh

# Two web nodes, a PDF worker, PostgreSQL and Redis on loopback: one person across both nodes with
# PDFs in a folder, then in an S3-compatible bucket (moto's server), then in an Azure Blob
# container (Azurite); then the load test against both, on the last (SMOKE_STORAGE, "folder s3
# azure", picks and orders them). Fails on any error. Figures in bench-results/prod-smoke.md.
prod-smoke: install smoke-deps
	$(PY) -m pip install --quiet -e '.[load]'
	scripts/prod_smoke.sh

# Redis, for prod-smoke only (neither make run nor make test needs it); PostgreSQL is assumed,
# as CI's PostgreSQL run assumes it.
smoke-deps:
	@missing=""; command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  if command -v apt-get >/dev/null 2>&1; then \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null \
	    || { echo "error: could not install$$missing; install it by hand"; exit 1; }; \
	  else echo "error: please install$$missing with your system's package manager"; exit 1; fi; \
	fi

# Lighthouse 12 (desktop and mobile) on the home, scoring form, report and compare pages of the demo, served
# as in production (DEBUG off, collected static files); scores in bench-results/lighthouse.md.
lighthouse: collectstatic
	test -x node_modules/.bin/lighthouse || npm ci --no-audit --no-fund --loglevel=error
	scripts/lighthouse.sh

clean:
	rm -rf $(VENV) staticfiles var db.sqlite3 node_modules tests/oidc/provider/node_modules $(PLOTLY_JS) static/vendor/plotly.traces.json \
	  scripts/azurite/node_modules
