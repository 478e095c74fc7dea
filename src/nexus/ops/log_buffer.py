"""A log handler that writes its lines in batches: one system call per batch, not per line.

Measured under load (py-spy on a gunicorn worker, docs/performance.md): with one ``write`` and
``flush`` per access line, a quarter of a ``/health`` request went to the handler, most of it
threads queueing on the handler's lock while another one was in the system call. Here a line
is formatted and appended under the lock; the batch is written by a background thread every
``flush_seconds`` (0.2 s by default), at once when it reaches ``MAX_BUFFERED`` characters, and
at once for a WARNING or worse. ``logging.shutdown`` (at exit, gunicorn's worker exit
included) and a fork write what is pending. What a process killed outright (SIGKILL, out of
memory) loses is the last ``flush_seconds`` of lines. ``flush_seconds`` = 0 writes each line at
once, as ``logging.StreamHandler`` does.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from typing import TextIO

MAX_BUFFERED = 64 * 1024
_HANDLERS: weakref.WeakSet[BatchingStreamHandler] = weakref.WeakSet()


def _flush_all() -> None:
    for handler in list(_HANDLERS):
        handler.flush()


os.register_at_fork(before=_flush_all)  # a child must not write its parent's pending lines


class BatchingStreamHandler(logging.StreamHandler[TextIO]):
    def __init__(self, stream: TextIO, flush_seconds: float) -> None:
        super().__init__(stream)
        self.flush_seconds = flush_seconds
        self._pending: list[str] = []
        self._size = 0
        self._writer: threading.Thread | None = None
        self._writer_pid = 0
        _HANDLERS.add(self)

    def emit(self, record: logging.LogRecord) -> None:
        # Handler.handle() holds self.lock around this call.
        try:
            line = self.format(record) + self.terminator
        except Exception:  # pylint: disable=broad-exception-caught  # logging's own contract
            self.handleError(record)
            return
        self._pending.append(line)
        self._size += len(line)
        if self.flush_seconds <= 0 or record.levelno >= logging.WARNING:
            self._write_pending()
        elif self._size >= MAX_BUFFERED:
            self._write_pending()
        else:
            self._ensure_writer()

    def flush(self) -> None:
        self.acquire()
        try:
            self._write_pending()
        finally:
            self.release()

    def _write_pending(self) -> None:
        if not self._pending:
            return
        text = "".join(self._pending)
        self._pending.clear()
        self._size = 0
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed or broken stream: nothing else to tell
            pass

    def _ensure_writer(self) -> None:
        # One writer per process: a forked worker does not inherit its parent's thread.
        if self._writer is not None and self._writer_pid == os.getpid():
            return
        self._writer_pid = os.getpid()
        self._writer = threading.Thread(target=self._run, name="nexus-log-writer", daemon=True)
        self._writer.start()

    def _run(self) -> None:
        while True:
            time.sleep(self.flush_seconds)
            self.flush()
