# Performance test (docs/performance.md): targets here, logic in bin/perf and tests/performance/.
PERF_VENV ?= .venv-perf
PERF_USERS ?= 100
PERF_SPAWN_RATE ?= 5
PERF_DURATION ?= 60s
PERF_STUDENTS ?= 1000
PERF_CAPACITY_USERS ?= 32
PERF_CAPACITY_DURATION ?= 45s
PERF_SCALE ?= 1
PERF_SCALE_STUDENTS ?= 10000
PERF_ENV = VENV=$(VENV) PERF_VENV=$(PERF_VENV) PYTHON=$(PYTHON) PERF_USERS=$(PERF_USERS) \
	PERF_SPAWN_RATE=$(PERF_SPAWN_RATE) PERF_DURATION=$(PERF_DURATION) \
	PERF_STUDENTS=$(PERF_STUDENTS) PERF_CAPACITY_USERS=$(PERF_CAPACITY_USERS) \
	PERF_CAPACITY_DURATION=$(PERF_CAPACITY_DURATION) PERF_SCALE=$(PERF_SCALE) \
	PERF_SCALE_STUDENTS=$(PERF_SCALE_STUDENTS)

.PHONY: install-perf perf perf-search perf-saturation perf-memory perf-baseline perf-round-trips lock-perf

install-perf: install ## Install Locust into .venv-perf (requirements/perf.txt, hash-checked; stamped)
	$(PERF_ENV) bin/perf install

perf-search: install ## Content search and ARIA retrieval on 10,000 generated items: p95 ≤ 20 ms in process (DATABASE_URL for PostgreSQL)
	.venv/bin/python -m tests.performance.search_scale

perf: install install-perf ## Load test on PostgreSQL + Redis: 100 users, capacity, wrk saturation, memory, 1,000 vs 10,000 students (PERF_SCALE=0 skips that), regression
	$(PERF_ENV) bin/perf run

perf-saturation: install ## Only the wrk saturation run against the bare-Flask floor (main data set)
	$(PERF_ENV) bin/perf saturation

perf-memory: install ## Only the memory-growth check (tracemalloc, N vs 10 N requests)
	$(PERF_ENV) bin/perf memory

perf-baseline: install install-perf ## `make perf`, then record tests/performance/baseline.json (run at 100 users)
	$(PERF_ENV) bin/perf baseline

perf-round-trips: install ## PG statements + Redis commands of one request per scenario endpoint, at the wire (ROUND_TRIPS_ARGS="--compare FILE")
	$(PERF_ENV) bin/perf round-trips $(ROUND_TRIPS_ARGS)

lock-perf: install ## Re-resolve requirements/perf.in into the hash-pinned requirements/perf.txt
	$(UV_COMPILE) requirements/perf.in -o requirements/perf.txt
