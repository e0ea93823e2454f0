# Two commands do all the set-up: `make run` and `make test` (see README.md).
SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo .venv-bootstrap/bin/uv)
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
STUDENTS ?= 30000

# The local PostgreSQL server when one answers on 127.0.0.1:5432, else the embedded one.
LOCAL_PG_URL := postgres://postgres@127.0.0.1:5432/test
TEST_DATABASE_URL = $(or $(DATABASE_URL),$(shell $(PY) -c "from khuyenhoc.dbserver import tcp_reachable as r; print('$(LOCAL_PG_URL)' if r('127.0.0.1', 5432) else '')" 2>/dev/null))
TEST_REDIS_URL = $(or $(REDIS_URL),$(shell $(PY) -c "from khuyenhoc.dbserver import tcp_reachable as r; print('redis://127.0.0.1:6379/0' if r('127.0.0.1', 6379) else '')" 2>/dev/null))

.PHONY: install run serve migrate seed test lint format bench worker clean

$(UV):
	python3 -m venv .venv-bootstrap && .venv-bootstrap/bin/pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	touch $@

# Django's own messages in this project's Vietnamese (locale/vi/LC_MESSAGES/django.po).
LOCALE_MO := locale/vi/LC_MESSAGES/django.mo
$(LOCALE_MO): locale/vi/LC_MESSAGES/django.po
	@command -v msgfmt >/dev/null || { echo "msgfmt is missing: apt-get install gettext"; exit 1; }
	msgfmt --check -o $@ $<

install: .venv/.synced $(LOCALE_MO)

migrate: install
	DEBUG=1 $(PY) manage.py migrate --no-input

seed: migrate
	DEBUG=1 $(PY) manage.py load_areas --province "Quảng Trị"
	DEBUG=1 $(PY) manage.py seed_demo --students $(STUDENTS)
	DEBUG=1 $(PY) manage.py history_baseline

run: seed
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

worker: install
	DEBUG=1 .venv/bin/celery -A khuyenhoc worker -l info

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: install
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

test: install lint
	DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)" SECRET_KEY=test-only-secret-key \
		$(PY) -m pytest $(PYTEST_ARGS)

bench: install
	DEBUG=1 $(PY) -m bench

clean:
	rm -rf .venv .venv-bootstrap staticfiles
