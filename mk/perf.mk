# Performance test (docs/performance.md): targets here, logic in bin/perf and tests/performance/.
PERF_VENV ?= .venv-perf
PERF_USERS ?= 100
PERF_SPAWN_RATE ?= 5
PERF_DURATION ?= 60s
PERF_ENV = VENV=$(VENV) PERF_VENV=$(PERF_VENV) PYTHON=$(PYTHON) PERF_USERS=$(PERF_USERS) \
	PERF_SPAWN_RATE=$(PERF_SPAWN_RATE) PERF_DURATION=$(PERF_DURATION)

.PHONY: install-perf perf perf-saturation perf-memory perf-baseline perf-round-trips lock-perf

install-perf: install ## Install Locust into .venv-perf (requirements/perf.txt, hash-checked; stamped)
	$(PERF_ENV) bin/perf install

perf: install install-perf ## Load test under gunicorn on PostgreSQL + Redis: budgets, memory, regression, wrk saturation (PERF_USERS, PERF_DURATION)
	$(PERF_ENV) bin/perf run

perf-saturation: install ## Only the wrk saturation run against the bare-Flask floor
	$(PERF_ENV) bin/perf saturation

perf-memory: install ## Only the memory-growth check (tracemalloc, N vs 10 N requests)
	$(PERF_ENV) bin/perf memory

perf-baseline: install install-perf ## `make perf`, then record tests/performance/baseline.json (run at 100 users)
	$(PERF_ENV) bin/perf baseline

perf-round-trips: install ## PG statements + Redis commands of one request per scenario endpoint, at the wire (ROUND_TRIPS_ARGS="--compare FILE")
	$(PERF_ENV) bin/perf round-trips $(ROUND_TRIPS_ARGS)

lock-perf: install ## Re-resolve requirements/perf.in into the hash-pinned requirements/perf.txt
	$(UV_COMPILE) requirements/perf.in -o requirements/perf.txt
