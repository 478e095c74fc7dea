"""The board of connection counts the workers share (nexus.ops.gunicorn_worker): slots given by
the master before each fork, freed when a worker exits, and what a worker compares itself to.
The behaviour under gunicorn: tests/integration/ops/test_gunicorn_worker.py."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from nexus.ops import gunicorn_worker
from nexus.ops.gunicorn_worker import ABSENT, SATURATED, ConnectionBoard


@pytest.fixture(autouse=True)
def _fresh_board(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gunicorn_worker, "_board", None)


def _server(workers: dict[int, SimpleNamespace], num_workers: int = 2) -> SimpleNamespace:
    return SimpleNamespace(num_workers=num_workers, WORKERS=workers)


def test_each_worker_gets_a_free_slot_and_gives_it_back_when_it_exits() -> None:
    workers: dict[int, SimpleNamespace] = {}
    first, second, third = SimpleNamespace(), SimpleNamespace(), SimpleNamespace()
    gunicorn_worker.assign_slot(_server(workers), first)
    workers[1] = first
    gunicorn_worker.assign_slot(_server(workers), second)
    workers[2] = second
    assert (first.nexus_board_slot, second.nexus_board_slot) == (0, 1)

    gunicorn_worker.release_slot(first)  # the master reaped it
    del workers[1]
    board = gunicorn_worker._board  # pylint: disable=protected-access
    assert board is not None and board.counts[0] == ABSENT
    gunicorn_worker.assign_slot(_server(workers), third)  # its replacement
    assert third.nexus_board_slot == 0 and board.counts[0] == 0


def test_a_reload_has_room_for_old_and_new_workers_then_none() -> None:
    workers: dict[int, SimpleNamespace] = {}
    for pid in range(5):
        worker = SimpleNamespace()
        gunicorn_worker.assign_slot(_server(workers), worker)
        workers[pid] = worker
    assert [w.nexus_board_slot for w in workers.values()] == [0, 1, 2, 3, None]


def test_a_worker_compares_itself_with_listening_siblings_only() -> None:
    board = ConnectionBoard(4)
    assert board.fewest_elsewhere(0) == SATURATED  # alone: nobody to leave connections to
    board.publish(0, 5)
    board.publish(1, 3)
    board.publish(2, SATURATED)  # not listening
    assert board.fewest_elsewhere(0) == 3
    assert board.fewest_elsewhere(1) == 5
    board.publish(1, ABSENT)
    assert board.fewest_elsewhere(0) == SATURATED
