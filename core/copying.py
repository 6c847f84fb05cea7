"""Features read by COPY ... TO STDOUT on a database connection of their own: a whole
collection (a GeoJSON export), or a first page that holds every feature that matches and
enough of them to be worth the connection. core.features.stream_feature_collection asks
`copies` whether a collection is read here."""

from __future__ import annotations

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
    wait forever, as would the thread's next query after a response left unread. Closing
    this generator early cancels the COPY with its connection. No LIMIT: under one,
    PostgreSQL renders the features after sorting them, in the leader alone (the whole
    layer took 1.4 s instead of 1.05 s); the page stops here instead.

    COPY's text format escapes backslashes, and newlines end rows: Feature texts are JSON,
    which holds no raw control characters, so that is all there is to undo."""
    options = connection.get_connection_params()
    options.pop("context", None)  # Django's adapters: this connection only reads bytes
    chunk = bytearray()
    counted = kept = 0
    last = b""
    try:
        with (
            psycopg.connect(**options, autocommit=True) as own,
            own.cursor() as cursor,
            cursor.copy(f"COPY ({sql}) TO STDOUT") as copy,
        ):
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
