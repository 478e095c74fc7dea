"""nexus.ops.log_buffer: lines written in batches, never lost on the way, never twice."""

from __future__ import annotations

import io
import logging
import os
import time

from nexus.ops.log_buffer import MAX_BUFFERED, BatchingStreamHandler


def _record(message: str, level: int = logging.INFO) -> logging.LogRecord:
    return logging.LogRecord("nexus.test", level, __file__, 1, message, None, None)


def _wait_for(stream: io.StringIO, text: str) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and text not in stream.getvalue():
        time.sleep(0.02)
    return stream.getvalue()


def test_info_lines_are_written_together_by_the_writer_thread() -> None:
    stream = io.StringIO()
    handler = BatchingStreamHandler(stream, flush_seconds=0.05)
    for n in range(3):
        handler.handle(_record(f"line {n}"))
    assert _wait_for(stream, "line 2") == "line 0\nline 1\nline 2\n"


def test_a_warning_writes_what_is_pending_and_itself_at_once_in_order() -> None:
    stream = io.StringIO()
    handler = BatchingStreamHandler(stream, flush_seconds=3600)
    handler.handle(_record("before"))
    assert stream.getvalue() == ""
    handler.handle(_record("careful", logging.WARNING))
    assert stream.getvalue() == "before\ncareful\n"


def test_a_full_batch_is_written_without_waiting() -> None:
    stream = io.StringIO()
    handler = BatchingStreamHandler(stream, flush_seconds=3600)
    line = "x" * 1000
    for _ in range(MAX_BUFFERED // len(line) + 1):
        handler.handle(_record(line))
    assert stream.getvalue().count("\n") == MAX_BUFFERED // len(line) + 1


def test_zero_seconds_writes_each_line_at_once() -> None:
    stream = io.StringIO()
    handler = BatchingStreamHandler(stream, flush_seconds=0)
    handler.handle(_record("now"))
    assert stream.getvalue() == "now\n"


def test_a_forked_child_does_not_write_its_parents_pending_lines() -> None:
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "w") as stream:
        handler = BatchingStreamHandler(stream, flush_seconds=3600)
        handler.handle(_record("parent"))
        pid = os.fork()
        if pid == 0:  # the child: whatever it still had pending would be written here
            handler.flush()
            os._exit(0)
        os.waitpid(pid, 0)
    with os.fdopen(read_end) as written:
        assert written.read() == "parent\n"
