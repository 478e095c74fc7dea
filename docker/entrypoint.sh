#!/bin/sh
# Container entry point: prepare the writable scratch space under /tmp (the only writable path
# with a read-only root filesystem), then exec the command so that it becomes PID 1 and receives
# SIGTERM itself.
set -eu

# prometheus_client's multiprocess mode keeps one file per gunicorn worker in this directory.
# Files left by an earlier run of the container (same emptyDir after a restart) would be summed
# again, so start from an empty directory. Empty it, never remove it: in the pod it is a mount
# point (its own emptyDir), which cannot be removed (`rm -rf` exits 1, the pod crash-loops).
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
  mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
  find "$PROMETHEUS_MULTIPROC_DIR" -mindepth 1 -maxdepth 1 -exec rm -rf -- {} +
fi

exec "$@"
