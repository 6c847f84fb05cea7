"""What every placed register shares (a record with a place in a municipality): its
municipality, a code the database gives, the ward the database derives from its geometry,
its timestamps, and soft delete (retired with a reason, restorable, its history kept).

A new register subclasses `PlacedRecord`, adds its own attributes and geometry, and its
migration runs `placed_record_sql(table, prefix)` so that every write path (ORM, COPY, an
import) gets its code and ward from PostgreSQL. docs/architecture.md walks through it.
"""

from __future__ import annotations

from django.contrib.gis.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class DatabaseFilledCharField(models.CharField):
    """A column the database fills on insert (trigger); read back through RETURNING."""

    db_returning = True


class DatabaseFilledForeignKey(models.ForeignKey):
    """A foreign key the database derives on insert (trigger); read back through RETURNING."""

    db_returning = True


def derived_ward(related_name: str) -> DatabaseFilledForeignKey:
    """The ward the database derives from a record's geometry on every write (a trigger),
    read back through RETURNING; never edited by hand."""
    return DatabaseFilledForeignKey(
        "spatial.Ward",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name=related_name,
        verbose_name=_("ward"),
    )


class LiveManager(models.Manager):
    """Records in service: retired ones are left out (`all_objects` has them)."""

    def get_queryset(self):
        return super().get_queryset().filter(retired_at__isnull=True)


class Retirable(models.Model):
    """Soft delete: a record retired with a reason is gone from every map, list, export and
    figure, kept with its history and links, and restorable. `objects` has the records in
    service, `all_objects` every one; raw SQL reading the table adds `retired_at IS NULL`."""

    retired_at = models.DateTimeField(_("retired"), null=True, blank=True, editable=False)
    retired_reason = models.CharField(
        _("why retired"), max_length=200, blank=True, default="", db_default=""
    )

    objects = LiveManager()
    all_objects = models.Manager()

    class Meta:
        abstract = True
        base_manager_name = "all_objects"


class PlacedRecord(Retirable):
    municipality = models.ForeignKey(
        "spatial.Municipality",
        on_delete=models.CASCADE,
        related_name="%(class)ss",
        verbose_name=_("municipality"),
    )
    # Given by the database (prefix and a number) when left blank.
    code = DatabaseFilledCharField(_("code"), max_length=40, blank=True)
    ward = derived_ward("%(class)ss")
    # Database defaults too, for rows written by COPY (the demo town, bulk loads).
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_default=Now())
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_default=Now())

    class Meta(Retirable.Meta):
        abstract = True
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "code"], name="%(app_label)s_%(class)s_code_unique"
            )
        ]


# The trigger function is created once (spatial migration 0015); each register's table gets
# a sequence for its codes and a trigger calling it with the register's code prefix.
def placed_record_sql(table: str, prefix: str) -> tuple[str, str]:
    """Forward and backward SQL giving `table` its database-filled code and ward. The names
    come from the register's migration, never from a request."""
    forward = f"""
        CREATE SEQUENCE IF NOT EXISTS {table}_code_seq;
        CREATE TRIGGER {table}_place
        BEFORE INSERT OR UPDATE ON {table}
        FOR EACH ROW EXECUTE FUNCTION spatial_place_record('{prefix}');
        UPDATE {table} SET geom = geom;
    """  # noqa: S608
    backward = f"""
        DROP TRIGGER IF EXISTS {table}_place ON {table};
        DROP SEQUENCE IF EXISTS {table}_code_seq;
    """
    return forward, backward


PLACE_RECORD_FUNCTION = r"""
CREATE FUNCTION spatial_place_record() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.code IS NULL OR NEW.code = '' THEN
        NEW.code := TG_ARGV[0] || lpad(nextval(
            format('%I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME || '_code_seq')::regclass)::text,
            6, '0');
    END IF;
    IF TG_OP = 'INSERT'
       OR NEW.geom IS DISTINCT FROM OLD.geom
       OR NEW.municipality_id IS DISTINCT FROM OLD.municipality_id
       OR NEW.ward_id IS NULL THEN
        NEW.ward_id := (
            SELECT w.id FROM spatial_ward w
             WHERE w.municipality_id = NEW.municipality_id
               AND ST_Intersects(w.geom, ST_PointOnSurface(NEW.geom))
             ORDER BY w.number LIMIT 1);
    END IF;
    RETURN NEW;
END $$;
"""
