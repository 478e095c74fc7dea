"""Counting the SQL statements a request sends (the dashboards' and lists' query budgets)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection


class QueryCounter:
    """Counts the SQL statements sent on the test connection's engine."""

    def __init__(self, connection: Connection) -> None:
        self.engine = connection.engine
        self.statements: list[str] = []

    def _on_execute(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.statements.append(statement)

    @contextmanager
    def count(self) -> Iterator[list[str]]:
        self.statements = []
        event.listen(self.engine, "before_cursor_execute", self._on_execute)
        try:
            yield self.statements
        finally:
            event.remove(self.engine, "before_cursor_execute", self._on_execute)

    def queries(self) -> list[str]:
        """The statements that read or write data (no SAVEPOINT/RELEASE bookkeeping)."""
        return [
            s
            for s in self.statements
            if s.lstrip().upper().startswith(("SELECT", "WITH", "INSERT", "UPDATE", "DELETE"))
        ]
