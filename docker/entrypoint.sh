#!/bin/sh
# Container entry point: prepare the writable scratch space under /tmp (the only writable path
# with a read-only root filesystem), then exec the command so that it becomes PID 1 and receives
# SIGTERM itself.
set -eu

# prometheus_client's multiprocess mode keeps one file per gunicorn worker in this directory.
# Files left by an earlier run of the container (same emptyDir after a restart) would be summed
# again, so start from an empty directory.
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
  rm -rf "${PROMETHEUS_MULTIPROC_DIR:?}"
  mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
fi

exec "$@"
