# Wijkplein: the two commands a newcomer needs are `make run` and `make test`.
# Needs only Python 3.11, git and make: uv is installed into .tools/ if missing.

PYTHON ?= python3.11
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
MANAGE := $(UV) run --frozen python manage.py
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
# `make run PORT=8001` when 8000 is taken; links in e-mails follow (SITE_URL, unless set).
PORT ?= 8000

.PHONY: help install npm-tools run run-idp migrate demo test test-postgres lint format typecheck check-deploy messages vendor-css bench clean

help:
	@echo "make run            install, create the SQLite database, load the demo, serve on :8000 (PORT=...),"
	@echo "                    with the demo DigiD/eHerkenning provider on :8090 (IDP_PORT=..., IDP=0: without)"
	@echo "make test           run the whole test suite (SQLite, or DATABASE_URL when set)"
	@echo "make test-postgres  the suite on PostgreSQL ($(PG_URL))"
	@echo "make lint           ruff, and djhtml on the HTML templates"
	@echo "make format         fix what ruff and djhtml can"
	@echo "make typecheck      mypy on the services, selectors and workflow modules"
	@echo "make bench          benchmarks (see benchmarks/README.md)"

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

install: $(UV)
	$(UV) sync --frozen --python $(PYTHON)

# axe-core (package.json) is what the accessibility browser tests inject into each page;
# without it those tests are skipped.
npm-tools:
	@if [ -d node_modules/axe-core ]; then :; \
	elif command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund; \
	else echo "npm is missing: the accessibility checks (axe-core) will be skipped." >&2; fi

migrate: install
	@mkdir -p var
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) demo_data

# `make run` also starts the demo DigiD/eHerkenning identity provider (devtools/idp) on
# IDP_PORT, beside runserver and stopped with it; `make run IDP=0` leaves it out (no DigiD
# button then, unless DIGID_OIDC_SERVER_URL points at a broker of your own).
IDP ?= 1
IDP_PORT ?= 8090
IDP_URL := http://127.0.0.1:$(IDP_PORT)/o
IDP_ENV := DIGID_OIDC_SERVER_URL="$${DIGID_OIDC_SERVER_URL:-$(IDP_URL)}" \
	DIGID_OIDC_CLIENT_ID="$${DIGID_OIDC_CLIENT_ID:-wijkplein-digid}" \
	DIGID_OIDC_CLIENT_SECRET="$${DIGID_OIDC_CLIENT_SECRET:-wijkplein-digid-secret}" \
	EHERKENNING_OIDC_SERVER_URL="$${EHERKENNING_OIDC_SERVER_URL:-$(IDP_URL)}" \
	EHERKENNING_OIDC_CLIENT_ID="$${EHERKENNING_OIDC_CLIENT_ID:-wijkplein-eherkenning}" \
	EHERKENNING_OIDC_CLIENT_SECRET="$${EHERKENNING_OIDC_CLIENT_SECRET:-wijkplein-eherkenning-secret}"

run: demo
ifeq ($(IDP),1)
	@$(UV) run --frozen python -m devtools.idp serve --port $(IDP_PORT) --site http://127.0.0.1:$(PORT) >var/idp.log 2>&1 & idp=$$!; \
	trap 'kill $$idp 2>/dev/null' EXIT; \
	echo "Demo DigiD/eHerkenning on $(IDP_URL) (log: var/idp.log); test people in devtools/idp/people.py"; \
	$(IDP_ENV) SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" $(MANAGE) runserver 127.0.0.1:$(PORT)
else
	SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" $(MANAGE) runserver 127.0.0.1:$(PORT)
endif

# The demo identity provider alone, for a site started some other way.
run-idp: install
	@mkdir -p var
	$(UV) run --frozen python -m devtools.idp serve --port $(IDP_PORT) --site http://127.0.0.1:$(PORT)

test: install npm-tools
	$(UV) run --frozen pytest

test-postgres: install npm-tools
	DATABASE_URL=$(PG_URL) $(UV) run --frozen pytest

# djhtml only indents, and only the .html templates: the plain-text e-mails (.txt) keep
# their whitespace as written. The tab width is fixed, not guessed per file.
DJHTML := $(UV) run --frozen djhtml --tabwidth 2 templates

lint: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(DJHTML) --check

format: install
	$(UV) run --frozen ruff check --fix .
	$(UV) run --frozen ruff format .
	$(DJHTML)

# The files and settings are in pyproject.toml ([tool.mypy]).
typecheck: install
	$(UV) run --frozen mypy

check-deploy: install
	DJANGO_SETTINGS_MODULE=config.settings.production \
	SECRET_KEY=check-deploy-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH \
	ALLOWED_HOSTS=wijkplein.example.nl DATABASE_URL=sqlite:////tmp/wijkplein-check.sqlite3 \
	$(UV) run --frozen python manage.py check --deploy --fail-level WARNING

# Needs GNU gettext; the compiled .mo files are committed so nobody else does.
# Dutch for new strings goes in locale/nl/strings/<app>.json (see scripts/i18n_apply.py).
messages: install
	flock /tmp/wijkplein-i18n.lock sh -c '\
	  $(MANAGE) makemessages -l nl --no-obsolete --ignore=.venv --ignore=.tools --ignore=tests --ignore=benchmarks --ignore=scripts && \
	  $(UV) run --frozen python scripts/i18n_apply.py && \
	  $(MANAGE) compilemessages -l nl --ignore=.venv --ignore=.tools'


# Needs npm; the built CSS is committed so nobody else does.
vendor-css:
	rm -rf .tools/npm && mkdir -p .tools/npm
	cd .tools/npm && npm pack --silent @utrecht/component-library-css@9.0.4 @utrecht/design-tokens@5.0.1
	cd .tools/npm && for f in *.tgz; do mkdir -p "$${f%.tgz}" && tar xzf "$$f" -C "$${f%.tgz}"; done
	cp .tools/npm/utrecht-component-library-css-9.0.4/package/dist/index.css static/vendor/utrecht/component-library.css
	cp .tools/npm/utrecht-design-tokens-5.0.1/package/dist/theme.css static/vendor/utrecht/design-tokens-theme.css

bench: install
	$(UV) run --frozen python benchmarks/bench_tally.py

clean:
	rm -rf .venv .tools var node_modules .pytest_cache .ruff_cache .mypy_cache
