# Jiugai: `make demo` to try it, `make test` for the full gate (what CI runs via .ci/run).
#
# Every target is idempotent. `make install` sets up Python (uv), front-end packages (npm) and,
# when run as root on Debian, the system packages the demo needs; `make install-test` adds the
# ones the test suite needs. `make test` runs every stage, prints its time, and fails if any failed.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
RUN := $(UV) run --frozen
PYTEST := $(RUN) pytest

# PostgreSQL for the second pass; pytest-django creates (and --create-db recreates) test_<name>.
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/jiugai
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
CHROMIUM_PATH ?= /usr/bin/chromium
export TEST_POSTGRES_URL TEST_REDIS_URL CHROMIUM_PATH

# Parallel pytest workers for the unit passes (pytest-xdist); 0 runs in-process.
PYTEST_WORKERS ?= 2
XDIST := $(if $(filter-out 0,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS) --dist loadfile,)
UNIT := -m "not browser and not celery"

# Stages of `make test`, in order. KEEP_GOING=0 stops at the first failed stage.
TEST_STAGES := preflight lint typecheck imports migrations-check translations-check deploy-check \
	test-sqlite test-postgres test-browser test-celery
KEEP_GOING ?= 1

APT_DEMO := fonts-noto-cjk gettext libpango-1.0-0 libpangoft2-1.0-0
APT_TEST := chromium poppler-utils

.PHONY: help install install-test demo serve test $(TEST_STAGES) fmt bench-synth bench-import bench-screen bench-votes bench-plan bench-funding bench-ledger clean \
	_uv _python _node _apt-demo _apt-test

help:
	@echo "make demo        install, then load the demo data and serve it on http://127.0.0.1:8000"
	@echo "make test        every check CI runs (lint, types, layers, migrations, translations,"
	@echo "                 deploy check, pytest on SQLite and PostgreSQL, browser, Celery worker)"
	@echo "make install     Python and front-end dependencies (+ Debian fonts/gettext when root)"
	@echo "make fmt         format and autofix lint"
	@echo "make bench-synth synthetic national-scale benchmark"
	@echo "make bench-import 100,000-household workbook import vs python-calamine's raw read"
	@echo "make bench-screen eligibility screening of 220,000 synthetic estates"
	@echo "make bench-votes  ballots: cast throughput and p95, bulk paper import, recount, sustained run"
	@echo "make bench-plan   annual-plan optimiser on 20,000 and 220,000 synthetic estates (gap, bound, time)"
	@echo "make bench-funding cost shares for 1,000,000 households (exact cents) vs a plain numpy split"
	@echo "single stages:   $(TEST_STAGES)"

# --- installation ----------------------------------------------------------------------------

_uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || { \
		echo "installing uv with pip"; python3 -m pip install --quiet uv; }

_python: _uv
	$(UV) sync --frozen

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

_node: node_modules/.package-lock.json

# Installs Debian packages only when missing, only as root, only where apt-get exists.
define apt_ensure
	@missing=""; for pkg in $(1); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing Debian packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
		else \
			echo "warning: missing Debian packages:$$missing (install them as root: apt-get install -y$$missing)"; \
		fi; \
	fi
endef

_apt-demo:
	$(call apt_ensure,$(APT_DEMO))

_apt-test:
	$(call apt_ensure,$(APT_DEMO) $(APT_TEST))

install: _python _node _apt-demo

install-test: _python _node _apt-test

# --- running -----------------------------------------------------------------------------------

demo: install
	$(RUN) jiugai demo

serve: install
	$(RUN) jiugai serve

bench-synth: install
	$(RUN) python bench/bench_synth.py

bench-votes: install
	$(RUN) python bench/bench_votes.py

bench-import: install
	$(RUN) python bench/bench_import.py

bench-screen: install
	$(RUN) python bench/bench_screen.py

bench-plan: install
	$(RUN) python bench/bench_plan.py

bench-funding: install
	$(RUN) python bench/bench_funding.py

bench-ledger: install
	$(RUN) python bench/bench_ledger.py

fmt: _python
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

clean:
	rm -rf test-artifacts .pytest_cache .mypy_cache .ruff_cache

# --- the test gate -----------------------------------------------------------------------------

test: install-test
	@rm -rf test-artifacts; mkdir -p test-artifacts; \
	total=$$(date +%s); failed=""; summary=""; \
	for stage in $(TEST_STAGES); do \
		start=$$(date +%s); echo; echo "==> $$stage"; \
		if $(MAKE) --no-print-directory $$stage; then status=ok; else status=FAILED; failed="$$failed $$stage"; fi; \
		line=$$(printf '%-20s %-7s %4ss' $$stage $$status $$(( $$(date +%s) - start ))); \
		summary="$$summary$$line"$$'\n'; echo "==> $$line"; \
		if [ $$status = FAILED ] && { [ $$stage = preflight ] || [ "$(KEEP_GOING)" = 0 ]; }; then break; fi; \
	done; \
	echo; echo "==> summary"; printf '%s' "$$summary" | tee test-artifacts/stages.txt; \
	echo "==> total $$(( $$(date +%s) - total ))s"; \
	if [ -n "$$failed" ]; then echo "==> FAILED:$$failed"; exit 1; fi; echo "==> all stages passed"

preflight:
	$(RUN) python scripts/preflight.py --need postgres,redis,chromium,gettext

lint:
	$(RUN) ruff format --check .
	$(RUN) ruff check .

typecheck:
	$(RUN) mypy

imports:
	$(RUN) lint-imports

migrations-check:
	DJANGO_SETTINGS_MODULE=jiugai.settings.test $(RUN) python manage.py makemigrations --check --dry-run

translations-check:
	$(RUN) python scripts/check_translations.py

deploy-check:
	SECRET_KEY="$$(python3 -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	ALLOWED_HOSTS=jiugai.example.gov.cn DJANGO_SETTINGS_MODULE=jiugai.settings.production \
		$(RUN) python manage.py check --deploy --fail-level WARNING

test-sqlite:
	env -u DATABASE_URL $(PYTEST) $(UNIT) $(XDIST)

test-postgres:
	DATABASE_URL=$(TEST_POSTGRES_URL) $(PYTEST) $(UNIT) $(XDIST) --create-db

test-browser:
	DATABASE_URL=$(TEST_POSTGRES_URL) $(PYTEST) -m browser --create-db tests/browser

test-celery:
	DATABASE_URL=$(TEST_POSTGRES_URL) $(PYTEST) -m celery --create-db tests/integration
