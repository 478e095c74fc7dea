# syntax=docker/dockerfile:1
# Nexus Réussite API image. Stage 1 turns the hash-locked requirements into wheels; stage 2 is
# the runtime: Python + one virtual environment, no compiler, no pip, uid 10001, read-only root.
#
# Base image: python:3.12-alpine, pinned by tag only. Nothing here can pull an image, so no
# digest was read; pin it as python:3.12-alpine@sha256:<digest> (`docker buildx imagetools
# inspect python:3.12-alpine`) and Dependabot's docker ecosystem keeps the digest fresh.
# Alpine rather than slim: docs/ci-cd.md, "Base image: Alpine or slim".

FROM python:3.12-alpine AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
COPY requirements/main.txt requirements/build.txt requirements/
# Every pinned runtime dependency ships a musllinux or pure-Python wheel for both platforms, so
# not even this stage needs a compiler; --only-binary turns a future sdist-only pin into a
# clear build error instead of a silent toolchain download.
RUN python -m pip wheel --require-hashes --only-binary=:all: --no-deps \
        --wheel-dir /wheels -r requirements/main.txt \
 && python -m pip install --require-hashes --only-binary=:all: --no-deps -r requirements/build.txt
COPY pyproject.toml ./
COPY src ./src
# The project's own wheel, built with the hash-locked setuptools (no build isolation download),
# then everything installed into a pip-less virtual environment from the local wheels only.
RUN python -m pip wheel --no-deps --no-build-isolation --wheel-dir /wheels . \
 && python -m venv --without-pip /opt/venv \
 && python -m pip --python /opt/venv/bin/python install --no-index --no-deps /wheels/*.whl

FROM python:3.12-alpine AS runtime
ARG BUILD_VERSION=0.0.0+local
ARG BUILD_COMMIT=unknown
# Settings read BUILD_VERSION/BUILD_COMMIT (nexus_build metric, /health); the gunicorn config
# reads HOST, PORT, WEB_CONCURRENCY, GUNICORN_THREADS and GUNICORN_GRACEFUL_TIMEOUT at start.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    NEXUS_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    TMPDIR=/tmp \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus \
    BUILD_VERSION=${BUILD_VERSION} \
    BUILD_COMMIT=${BUILD_COMMIT}
RUN addgroup -S -g 10001 nexus \
 && adduser -S -D -H -u 10001 -G nexus -h /nonexistent -s /sbin/nologin nexus
COPY --from=build /opt/venv /opt/venv
COPY docker/entrypoint.sh /usr/local/bin/nexus-entrypoint
WORKDIR /app
USER 10001:10001
EXPOSE 8000
# Exec form, no shell in between: the entry point execs `nexus serve`, which execs gunicorn, so
# the gunicorn master is PID 1, gets SIGTERM and drains in-flight requests for
# GUNICORN_GRACEFUL_TIMEOUT seconds before exiting.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('PORT', '8000'), timeout=4)"]
ENTRYPOINT ["/usr/local/bin/nexus-entrypoint"]
CMD ["nexus", "serve"]
