# Nexus Réussite API image. Stage 1 turns the hash-locked requirements into wheels; stage 2 is
# the runtime: Python + one virtual environment, no compiler, no pip, uid 10001, read-only root.
#
# Base image: python:3.12-alpine, pinned by tag only. Nothing here can pull an image, so no
# digest was read; pin it as python:3.12-alpine@sha256:<digest> (`docker buildx imagetools
# inspect python:3.12-alpine`) and Dependabot's docker ecosystem keeps the digest fresh.
# Alpine rather than slim: docs/ci-cd.md, "Base image: Alpine or slim".
# PYTHON_BASE exists for `make image-check`, which builds this file on a locally made glibc
# stand-in (no registry is reachable there); every step below works on both. No `# syntax=`
# line: it would pull a frontend image, and the built-in one has everything used here.
ARG PYTHON_BASE=python:3.12-alpine

FROM ${PYTHON_BASE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
COPY requirements/main.txt requirements/build.txt requirements/
# Every pinned runtime dependency ships a musllinux (and a manylinux) or pure-Python wheel for
# both platforms, so not even this stage needs a compiler; --only-binary turns a future
# sdist-only pin into a clear build error instead of a silent toolchain download.
# The optional secret `pip-ca` is a CA bundle for a TLS-intercepting proxy between the builder
# and PyPI (`make image-check` passes this machine's); a secret mount never reaches a layer.
RUN --mount=type=secret,id=pip-ca \
    if [ -s /run/secrets/pip-ca ]; then export PIP_CERT=/run/secrets/pip-ca; fi \
 && python -m pip wheel --require-hashes --only-binary=:all: --no-deps \
        --wheel-dir /wheels -r requirements/main.txt \
 && python -m pip install --require-hashes --only-binary=:all: --no-deps -r requirements/build.txt
COPY pyproject.toml ./
COPY src ./src
# The project's own wheel, built with the hash-locked setuptools (no build isolation download),
# then everything installed into a pip-less virtual environment from the local wheels only.
RUN python -m pip wheel --no-deps --no-build-isolation --wheel-dir /wheels . \
 && python -m venv --without-pip /opt/venv \
 && python -m pip --python /opt/venv/bin/python install --no-index --no-deps /wheels/*.whl

FROM ${PYTHON_BASE} AS runtime
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
# The account as two lines rather than adduser/useradd, whose options differ between BusyBox
# and Debian; and the base image's own pip goes, so nothing in the runtime installs packages.
RUN echo 'nexus:x:10001:' >>/etc/group \
 && echo 'nexus:x:10001:10001:nexus:/nonexistent:/sbin/nologin' >>/etc/passwd \
 && rm -rf /usr/local/bin/pip* /usr/local/lib/python3.12/site-packages/pip \
           /usr/local/lib/python3.12/site-packages/pip-*.dist-info
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
