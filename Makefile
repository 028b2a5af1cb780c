# Dimos Portal — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CHROMIUM_PATH ?= /usr/bin/chromium
export CHROMIUM_PATH
MANAGE := $(PY) manage.py
# `make run` is the only place DEBUG is switched on.
DEV := DJANGO_DEBUG=1
LOCALE_FLAGS := -l el --no-location --ignore=.venv --ignore=.data --ignore=tests --ignore=bench

.PHONY: run test install chromium translations lint checks ci bench messages stop-db clean backup restore load

run: install translations ## Serve the portal with demo data at http://127.0.0.1:8000
	$(DEV) $(MANAGE) migrate --noinput
	$(DEV) $(MANAGE) load_demo
	@echo "E-mails are printed here, in this terminal (console e-mail backend)."
	@echo "TAXISnet login goes to a stand-in GSIS server with test citizens at http://127.0.0.1:8001/oauth2server."
	@echo "Address search goes to a stand-in Nominatim at http://127.0.0.1:8002 unless GEOCODER_URL is set."
	@echo "Card payments go to a stand-in Viva Smart Checkout at http://127.0.0.1:8003 (no real card is charged)."
	$(PY) -m tests.stubs.gsis --port 8001 & gsis=$$!; \
	  $(PY) -m tests.stubs.geocoder --port 8002 & geocoder=$$!; \
	  $(PY) -m tests.stubs.viva --port 8003 --portal http://127.0.0.1:8000 & viva=$$!; \
	  trap 'kill $$gsis $$geocoder $$viva 2>/dev/null' EXIT INT TERM; \
	  $(DEV) TAXISNET_BASE_URL=http://127.0.0.1:8001/oauth2server TAXISNET_CLIENT_ID=demo-portal \
	  TAXISNET_CLIENT_SECRET=demo-secret GEOCODER_URL=$${GEOCODER_URL:-http://127.0.0.1:8002} \
	  VIVA_ACCOUNTS_URL=http://127.0.0.1:8003 VIVA_API_URL=http://127.0.0.1:8003 VIVA_WEB_URL=http://127.0.0.1:8003 \
	  VIVA_CLIENT_ID=demo-portal VIVA_CLIENT_SECRET=demo-secret VIVA_MERCHANT_ID=demo-merchant VIVA_API_KEY=demo-key \
	  VIVA_SOURCE_CODE=1234 $(MANAGE) runserver 127.0.0.1:8000

test: install chromium translations ## The whole suite, browser tests included
	$(PY) -m pytest

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock build-constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade uv
	$(VENV)/bin/uv pip sync --quiet --python $(PY) --build-constraints build-constraints.txt requirements.lock
	touch $@

chromium:
	@if [ ! -x "$(CHROMIUM_PATH)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Chromium is missing: installing it (apt-get install chromium) for the browser tests."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Chromium is needed for the browser tests: install it with 'sudo apt-get install chromium'"; \
	    echo "(or point CHROMIUM_PATH at a Chromium binary)."; \
	    exit 1; \
	  fi; \
	fi

translations: install ## Compile locale/*/LC_MESSAGES/*.po (Babel; no GNU gettext needed)
	$(DEV) $(MANAGE) translations compile

messages: install ## After adding strings: update the Greek catalogue, then translate what is new
	$(DEV) $(MANAGE) makemessages $(LOCALE_FLAGS)

lint: install ## ruff, and the layers between the apps (import-linter's contracts in pyproject.toml)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

checks: install ## Migrations, translations and the production deploy check
	$(DEV) $(MANAGE) makemigrations --check --dry-run
	$(DEV) $(MANAGE) makemessages $(LOCALE_FLAGS)
	$(DEV) $(MANAGE) translations check
	@# CACHE_URL as production sets it (never connected to by the check); without it portal.W001 fails the check.
	DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=portal.example.gr CACHE_URL="$${CACHE_URL:-redis://127.0.0.1:6379/0}" \
	  DATABASE_URL="$${DATABASE_URL:-$$($(DEV) $(PY) -m portal.embedded_db)}" \
	  DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  $(MANAGE) check --deploy --fail-level WARNING

ci: lint checks test

bench: install translations ## Every benchmark in bench/ (requests at 100,000 and 1,000,000 rows; BENCH_REQUEST_ROWS_LARGE=0 skips the million)
	$(PY) -m bench
	@for module in bench/bench_*.py; do [ -e "$$module" ] || continue; \
	  name=$$(basename $$module .py); echo; echo "== $$name"; \
	  BENCH_REQUEST_ROWS_LARGE=$${BENCH_REQUEST_ROWS_LARGE:-1000000} $(PY) -m bench.$$name || exit 1; done
	@echo; echo "== load (short; the long one: make load)"; $(PY) -m bench.load --skip-setup

# --- Operations (issue 17): backup and restore drill, and the load test.
backup: install ## Dump the database (one snapshot) and the media files with a manifest: BACKUP_DIR=.data/backups
	$(MANAGE) backup --output $${BACKUP_DIR:-.data/backups}

restore: install ## Restore BACKUP=<backup dir> into DATABASE=<new name> (REPLACE=1 drops it first), then verify
	@test -n "$(BACKUP)" -a -n "$(DATABASE)" || { echo "usage: make restore BACKUP=.data/backups/backup-… DATABASE=portal_restored"; exit 2; }
	$(MANAGE) restore "$(BACKUP)" --database "$(DATABASE)" $(if $(REPLACE),--replace)

load: install translations ## The long load test: 100 req/s for 10 minutes on 1,000,000 requests (bench/load.py)
	$(PY) -m bench.load --long

stop-db: ## Stop the embedded PostgreSQL that `make run` and `make test` start
	$(DEV) $(PY) -m portal.embedded_db stop

clean:
	rm -rf $(VENV) .data
