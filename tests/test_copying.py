"""The copying connection a thread keeps (core.copying): reused by the thread's next copy,
closed with a copy left part-read, and replaced when the server closed it meanwhile."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from core.copying import iter_copied_features
from core.features import PageEnd

pytestmark = pytest.mark.django_db

# Features whose id is the server process that rendered them.
BACKEND = """SELECT '{"type":"Feature","id":' || pg_backend_pid() || ',"n":' || n || '}'
               FROM generate_series(1, %s) n"""


def _copied_by(rows: int = 3, limit: int = 10) -> tuple[int, PageEnd]:
    end = PageEnd()
    sent = b"".join(data for data, _count in iter_copied_features(BACKEND % rows, limit, end))
    assert sent.count(b'"type":"Feature"') == min(rows, limit)
    return end.last_id, end


def test_a_thread_reuses_its_copying_connection():
    first, _end = _copied_by()
    assert _copied_by()[0] == first
    assert first != connection.cursor().connection.info.backend_pid


def test_a_copy_left_part_read_takes_its_connection_with_it():
    first, _end = _copied_by()
    cut, end = _copied_by(rows=20, limit=5)
    assert cut == first
    assert end.more
    assert _copied_by()[0] != first


def test_a_connection_the_server_closed_is_replaced():
    first, _end = _copied_by()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [first])
        assert cursor.fetchone()[0] is True
    again, _end = _copied_by()
    assert again != first


def test_each_thread_has_its_own():
    mine, _end = _copied_by()
    theirs = []
    worker = threading.Thread(target=lambda: theirs.append(_copied_by()[0]))
    worker.start()
    worker.join()
    assert theirs
    assert theirs[0] != mine
    assert _copied_by()[0] == mine
