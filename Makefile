# The whole set-up on a fresh machine (Python 3.11, git, make): `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: demo test serve lint format messages e2e totp bench bench-pages bench-data bench-check bench-load bench-partitioning drill-outbox clean cluster cluster-stop cluster-status cluster-drills

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e . 2>/dev/null || $(PY) -m pip install --quiet --no-deps -e .
	touch $@

# The demo's OpenID provider (/demo-idp/, the two demo citizens) behind the "Masuk dengan INApas
# (demo)" button; any of these set in the environment wins.
DEMO_OIDC = MPP_DEMO_IDP=$${MPP_DEMO_IDP:-1} \
	MPP_PUBLIC_BASE_URL=$${MPP_PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)} \
	MPP_OIDC_ISSUER=$${MPP_OIDC_ISSUER:-http://127.0.0.1:$(PORT)/demo-idp} \
	MPP_OIDC_CLIENT_ID=$${MPP_OIDC_CLIENT_ID:-mpp-demo} \
	MPP_OIDC_CLIENT_SECRET=$${MPP_OIDC_CLIENT_SECRET:-demo-rahasia} \
	MPP_OIDC_LABEL="$${MPP_OIDC_LABEL:-Masuk dengan INApas (demo)}"

## Run the product on SQLite with demo data at http://127.0.0.1:$(PORT) (data is kept between runs).
demo: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@# Static files under hashed names with brotli/gzip copies, as in production.
	STATIC_COMPRESSED=1 $(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "MPP Digital: http://127.0.0.1:$(PORT)/  (demo accounts: see README.md)"
	@# The scheduler runs the sweeps beside the server and stops with it.
	@# MPP_SIMULATORS: the partner simulators (Dukcapil) answer under /simulator/ — demo only.
	MPP_SIMULATORS=1 $(PY) manage.py run_scheduler & scheduler=$$!; trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(DEMO_OIDC) MPP_SIMULATORS=1 STATIC_COMPRESSED=1 $(VENV)/bin/granian --interface wsgi --host 127.0.0.1 --port $(PORT) --workers 1 --blocking-threads 4 --respawn-failed-workers --no-ws mpp.wsgi:application

## Run the whole test suite (browser tests too when /usr/bin/chromium exists), one worker per core.
TEST_WORKERS ?= auto
test: $(VENV)/.installed
	$(PY) -m pytest -n $(TEST_WORKERS)

e2e: $(VENV)/.installed
	$(PY) -m pytest -m e2e

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	PYTHONPATH=src $(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## Extract translatable strings into the English catalogue and compile it (needs GNU gettext).
messages: $(VENV)/.installed
	cd src/mpp && ../../$(PY) ../../manage.py makemessages -l en --no-obsolete --ignore '*/tests/*'
	cd src/mpp && ../../$(PY) ../../manage.py compilemessages -l en

## Print the current demo TOTP code for staff demo accounts.
totp: $(VENV)/.installed
	@$(PY) manage.py demo_totp

clean:
	rm -rf $(VENV) var

## Load the public pages, API reads and logged-in pages in production set-up (needs PostgreSQL; wrk if installed).
bench-pages: $(VENV)/.installed
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mpp_bench_pages} $(PY) bench/pages.py

## Benchmark data set in PostgreSQL (drops and recreates mpp_bench_$(SCALE)): SCALE=tiny|small|medium|national.
SCALE ?= small
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mpp_bench_$(SCALE)
## OTHERS_AS=N sizes the queue, complaint and survey rows as for N applications (see docs/performance.md).
OTHERS_AS ?=
bench-data: $(VENV)/.installed
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/generate.py --scale $(SCALE) $(if $(OTHERS_AS),--others-as $(OTHERS_AS))

## Hot paths on the generated data: p50/p95/p99 and queries per request against bench/budgets.toml.
bench: $(VENV)/.installed
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/hotpaths.py

## CI: query counts only, failing on any path over its budget in bench/budgets.toml.
bench-check: $(VENV)/.installed
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/hotpaths.py --check --requests 0

## Mixed load test (Locust headless) against granian + db_worker + PostgreSQL, 5 minutes.
bench-load: $(VENV)/.installed
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/mixed_load.py

## Ten years of workflow history, plain table against monthly partitions (drops and recreates mpp_bench_part; ~20 min here).
bench-partitioning: $(VENV)/.installed
	$(PY) bench/partitioning.py

## Kill the worker and the web process during LAPOR forwards and SMS sends: 0 lost, 0 doubled (< 3 min).
drill-outbox: $(VENV)/.installed
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mpp_drill_outbox} $(PY) bench/drill_outbox.py

## The cluster on one machine (as root): HAProxy, two granian web nodes, two workers, two schedulers,
## PostgreSQL primary + streaming replica, Redis, Swift (S3 API) — http://127.0.0.1:18080/.
cluster:
	deploy/cluster/cluster.sh up

cluster-stop:
	deploy/cluster/cluster.sh stop

cluster-status:
	deploy/cluster/cluster.sh status

## Every cluster drill in turn (beside `make cluster`; about 20 minutes; not in CI): figures per drill.
DRILLS ?= web_kill worker_kill scheduler_kill redis_restart replica_stop store_stop pg_restart
cluster-drills: $(VENV)/.installed
	@status=0; for drill in $(DRILLS); do $(PY) bench/drills/$$drill.py || status=1; done; exit $$status
