"""Change history of registers and decisions, recorded by database triggers (django-pghistory)
so that no write path escapes it: the API, the admin, services, bulk SQL and imports alike.

`record_history` reads a record's events for its page and API; `paused` switches the
triggers off for one transaction, for loading a demo town (its starting state is not a
change anyone made).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pghistory
import pgtrigger
from django.db import connection

HISTORY_TRIGGERS = ("insert_insert", "update_update", "delete_delete")

# "Any column changed", as a whole-row comparison. pghistory's default compares column by
# column (OLD.geom IS DISTINCT FROM NEW.geom), which resolves geometry's "=" by name: a
# pg_restore, which runs with an empty search_path, then fails on the trigger ("operator is
# not unique: geometry = geometry") and a backup could not be restored. A row comparison
# uses each type's default btree operator class instead, found without the search path.
ROW_CHANGED = pgtrigger.Condition("OLD.* IS DISTINCT FROM NEW.*")


# Columns the database or Django sets on every write: a write that changes nothing else (a
# save() of an unchanged record) is not a change anyone made, and records no event.
AUTO_COLUMNS = ("updated_at",)


def changed_condition(model) -> pgtrigger.Condition:
    """ROW_CHANGED, or, when `model` has an AUTO_COLUMNS column, "a column other than those
    changed": the other columns compared as a row, each geometry as its binary form. Every
    operator is then found without the search path, as ROW_CHANGED's are (a pg_restore
    recreates the trigger with an empty one), and no row is turned into JSON (a whole-table
    update paid 1.4x for that)."""
    columns = [field.column for field in model._meta.concrete_fields]
    if not any(column in AUTO_COLUMNS for column in columns):
        return ROW_CHANGED
    geometries = {
        field.column
        for field in model._meta.concrete_fields
        if getattr(field, "geom_type", None) is not None
    }
    plain = [c for c in columns if c not in AUTO_COLUMNS and c not in geometries]

    def row(alias: str) -> str:
        return "ROW(" + ", ".join(f'{alias}."{column}"' for column in plain) + ")"

    tests = [f"{row('OLD')} IS DISTINCT FROM {row('NEW')}"]
    tests += [
        f'OLD."{column}"::bytea IS DISTINCT FROM NEW."{column}"::bytea'
        for column in sorted(geometries)
    ]
    return pgtrigger.Condition("(" + " OR ".join(tests) + ")")


def tracked(**options):
    """pghistory.track for a register or decision: insert, update (a change of anything but
    AUTO_COLUMNS) and delete."""

    def decorate(model):
        return pghistory.track(
            pghistory.InsertEvent(),
            pghistory.UpdateEvent(condition=changed_condition(model)),
            pghistory.DeleteEvent(),
            **options,
        )(model)

    return decorate


def _history_trigger_ids() -> list[str]:
    ids = []
    for model, trigger in pgtrigger.registered():
        if trigger.name in HISTORY_TRIGGERS and not model._meta.label.endswith("Event"):
            pgid = trigger.get_pgid(model)
            # pgtrigger's ignore function accepts the trigger id and, from older versions,
            # "table:id"; both are given, as pgtrigger.ignore itself does.
            ids += [pgid, f"{model._meta.db_table}:{pgid}"]
    return ids


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No history events inside the block, which must run in a transaction.

    Sets pgtrigger's transaction-local switch once, instead of pgtrigger.ignore's rewriting
    of every statement (which breaks statements with named parameters and misses COPY)."""
    if not connection.in_atomic_block:
        raise RuntimeError("history.paused() needs a transaction")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pgtrigger.ignore', %s, true)",
            ["{" + ",".join(_history_trigger_ids()) + "}"],
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")


def record_baseline(*, source: str) -> int:
    """Give every tracked record that has no history yet one "insert" event holding its
    values as they are now, attributed to `source` (for example the demo generator or a
    bulk load that ran with the triggers paused). Without it the first change to such a
    record had nothing to compare with and vanished from its history. One INSERT ... SELECT
    per table; returns the number of events written."""
    import uuid

    from django.apps import apps
    from pghistory.models import Context, Event

    context = Context.objects.create(id=uuid.uuid4(), metadata={"source": source})
    written = 0
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if not issubclass(model, Event) or model._meta.abstract:
                continue
            tracked_table = model.pgh_tracked_model._meta.db_table
            columns = [
                f.column for f in model._meta.concrete_fields if not f.name.startswith("pgh_")
            ]
            names = ", ".join(f'"{c}"' for c in columns)
            values = ", ".join(f't."{c}"' for c in columns)
            cursor.execute(
                f"""
                INSERT INTO "{model._meta.db_table}"
                       (pgh_created_at, pgh_label, pgh_obj_id, pgh_context_id, {names})
                SELECT now(), 'insert', t.id, %s, {values} FROM "{tracked_table}" t
                 WHERE NOT EXISTS (SELECT 1 FROM "{model._meta.db_table}" e
                                    WHERE e.pgh_obj_id = t.id)
                """,  # noqa: S608 (identifiers from the model registry)
                [context.pk],
            )
            written += cursor.rowcount
    return written


def record_history(obj: Any, *, limit: int = 20) -> list[dict]:
    """Newest first: when, what happened (insert, update, delete), who (when known) and the
    fields that changed with their old and new values."""
    from django.contrib.auth import get_user_model
    from pghistory.models import Events

    events = list(Events.objects.tracks(obj).order_by("-pgh_created_at", "-pgh_id")[:limit])
    user_ids = {(event.pgh_context or {}).get("user") for event in events} - {None}
    names = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username"))
    history = []
    for event in events:
        context = event.pgh_context or {}
        changes = {
            field: change
            for field, change in (event.pgh_diff or {}).items()
            if field not in ("id", "pgh_obj", "pgh_id")
        }
        if event.pgh_label == "update" and not changes:
            continue  # only an untracked column (a timestamp) moved
        history.append(
            {
                "at": event.pgh_created_at,
                "event": event.pgh_label,
                "user": names.get(context.get("user")),
                "source": context.get("source"),
                "changes": changes,
            }
        )
    return history
