"""Features read by COPY ... TO STDOUT on a database connection of their own: a whole
collection (a GeoJSON export), or a first page that holds every feature that matches and
enough of them to be worth the connection. core.features.stream_feature_collection asks
`copies` whether a collection is read here."""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Iterator
from typing import Any

import psycopg
from django.db import connection

# How every Feature text begins (core.features writes it so); its id follows.
FEATURE_START = b'{"type":"Feature","id":'
# Bytes of features gathered before a chunk of a copied collection is sent.
COPY_CHUNK_BYTES = 1 << 20


# A first page holding at least this many features, all that match, is copied too: below
# it, opening a connection would cost more than the parallel rendering saves.
COPY_AT_LEAST = 5000


def can_copy() -> bool:
    """Whether features may be read by COPY on a connection of their own: only when this
    thread's connection holds no transaction, whose uncommitted rows the other connection
    would not see (a service writing, a test's rolled-back transaction)."""
    return not connection.in_atomic_block


class _Enough(Exception):
    """The page is full: leave the COPY (and cancel it with its connection)."""


def iter_copied_features(sql: str, limit: int, end: Any) -> Iterator[tuple[bytes, int]]:
    """(comma-separated Feature texts, how many), about COPY_CHUNK_BYTES at a time, of the
    query `sql` (one Feature text a row, values bound) read with COPY ... TO STDOUT on a
    connection of the thread's own; at most `limit` of them, `end` (a core.features.PageEnd)
    saying where they ended and whether more matched.

    A server-side cursor renders each FETCH's features only when asked, in one process; a
    COPY keeps PostgreSQL rendering, with its parallel workers, while the previous features
    are sent (bench/exports.py). Its own connection, because psycopg holds a connection's
    lock for the whole COPY: anything else the thread sent meanwhile (a job's progress) would
    wait forever, as would the thread's next query after a response left unread. The
    connection is kept for the thread's next copy (a fresh server process renders a ward's
    features about 20 ms slower than a warm one, and connecting costs 3 ms more); closing
    this generator early cancels the COPY with its connection. No LIMIT: under one,
    PostgreSQL renders the features after sorting them, in the leader alone (the whole
    layer took 1.4 s instead of 1.05 s); the page stops here instead.

    COPY's text format escapes backslashes, and newlines end rows: Feature texts are JSON,
    which holds no raw control characters, so that is all there is to undo."""
    chunk = bytearray()
    counted = kept = 0
    last = b""
    try:
        with _copy_out(sql) as copy:
            for block in copy:  # one row per block
                if kept == limit:
                    end.more, last = True, bytes(last)
                    raise _Enough
                chunk += block
                kept += 1
                last = block
                if len(chunk) >= COPY_CHUNK_BYTES:
                    last = bytes(last)
                    yield _copied(chunk), kept - counted
                    chunk, counted = bytearray(), kept
            last = bytes(last)
    except _Enough:
        pass
    if chunk:
        yield _copied(chunk), kept - counted
    if last:
        end.last_id = _feature_id(last)


# The copying connection each thread keeps (a gunicorn worker: one idle connection more).
# A thread that ends (runserver's, the test server's: one a request) closes its own as its
# thread-local holder goes; close_kept_connections() closes those of threads still running
# (a test run, before dropping its database).
_KEPT = threading.local()
_HOLDERS: weakref.WeakSet = weakref.WeakSet()
_HOLDERS_LOCK = threading.Lock()


class _Kept:
    def __init__(self, key: str, own: psycopg.Connection):
        self.key, self.own = key, own

    def close(self) -> None:
        if not self.own.closed:
            self.own.close()

    def __del__(self) -> None:
        self.close()


def _kept_connection() -> psycopg.Connection:
    """The thread's copying connection to the database Django's connection uses now."""
    options = connection.get_connection_params()
    options.pop("context", None)  # Django's adapters: this connection only reads bytes
    key = repr(sorted(options.items()))
    held = getattr(_KEPT, "held", None)
    if held is not None and (held.key != key or held.own.closed or held.own.broken):
        _discard(held.own)
        held = None
    if held is None:
        held = _KEPT.held = _Kept(key, psycopg.connect(**options, autocommit=True))
        with _HOLDERS_LOCK:
            _HOLDERS.add(held)
    return held.own


def _copy_started(own: psycopg.Connection, sql: str) -> tuple[Any, Any, Any]:
    cursor = own.cursor()
    copy = cursor.copy(f"COPY ({sql}) TO STDOUT")
    return cursor, copy, copy.__enter__()


@contextlib.contextmanager
def _copy_out(sql: str) -> Iterator[Any]:
    """COPY (sql) TO STDOUT on the thread's kept connection (once more on a new one if the
    server closed it meanwhile: a restart, an idle timeout). A COPY not read to its end is
    cancelled, and its connection closed."""
    own = _kept_connection()
    try:
        cursor, copy, rows = _copy_started(own, sql)
    except psycopg.OperationalError:
        if not (own.closed or own.broken):
            raise
        _discard(own)
        own = _kept_connection()
        cursor, copy, rows = _copy_started(own, sql)
    completed = False
    try:
        with contextlib.ExitStack() as stack:
            stack.callback(cursor.close)
            stack.push(copy)
            yield rows
        completed = True
    finally:
        if not completed:
            _discard(own)


def _discard(own: psycopg.Connection) -> None:
    held = getattr(_KEPT, "held", None)
    if held is not None and held.own is own:
        del _KEPT.held
    own.close()


def close_kept_connections() -> None:
    """Close every running thread's kept copying connection."""
    with _HOLDERS_LOCK:
        every = list(_HOLDERS)
    for held in every:
        held.close()
    _KEPT.__dict__.pop("held", None)


def _feature_id(text: bytes) -> int:
    """The id of a Feature text as feature_sql writes it."""
    return int(text[len(FEATURE_START) : text.index(b",", len(FEATURE_START))])


def _copied(chunk: bytearray) -> bytes:
    """Rows as COPY sent them -> comma-separated Feature texts."""
    data = bytes(chunk[:-1]).replace(b"\n", b",")  # the last row's newline: nothing follows
    if b"\\" in data:  # most chunks hold no escaped character at all
        data = data.replace(b"\\\\", b"\\")
    return data


def copies(*, copy: bool, number_matched: int | None, query: Any) -> bool:
    """Whether a collection is read here: a whole collection asked for (`copy`), or a first
    page holding all that match, COPY_AT_LEAST or more (a ward's buildings); never at an
    offset, nor inside a transaction (`can_copy`). `query`: a core.features.LayerQuery."""
    whole_page = (
        number_matched is not None
        and COPY_AT_LEAST <= number_matched <= query.limit
        and query.after is None
    )
    return (copy or whole_page) and query.offset == 0 and can_copy()
