"""A holding's footprint is the union of its buildings' footprints in service, kept by
PostgreSQL: statement triggers (over transition tables, so a bulk insert recomputes each
holding once) on the holding's placements, and on buildings whose shape or retirement
changes."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION holdings_refresh_footprints(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    UPDATE holdings_holding h
       SET geom = (SELECT ST_Multi(ST_Union(b.geom))
                     FROM holdings_holdingbuilding hb
                     JOIN spatial_building b ON b.id = hb.building_id AND b.retired_at IS NULL
                    WHERE hb.holding_id = h.id)
     WHERE h.id = ANY(ids)
$$;

CREATE FUNCTION holdings_placements_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM holdings_refresh_footprints(ARRAY(SELECT DISTINCT holding_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM holdings_refresh_footprints(ARRAY(SELECT DISTINCT holding_id FROM old_rows));
    ELSE
        PERFORM holdings_refresh_footprints(ARRAY(
            SELECT holding_id FROM new_rows UNION SELECT holding_id FROM old_rows));
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER holdings_placements_inserted AFTER INSERT ON holdings_holdingbuilding
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION holdings_placements_changed();
CREATE TRIGGER holdings_placements_deleted AFTER DELETE ON holdings_holdingbuilding
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION holdings_placements_changed();
CREATE TRIGGER holdings_placements_updated AFTER UPDATE ON holdings_holdingbuilding
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION holdings_placements_changed();

CREATE FUNCTION holdings_buildings_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Most towns' building edits touch no holding: one probe, then nothing.
    IF NOT EXISTS (SELECT 1 FROM holdings_holdingbuilding) THEN
        RETURN NULL;
    END IF;
    PERFORM holdings_refresh_footprints(ARRAY(
        SELECT DISTINCT hb.holding_id
          FROM new_rows n
          JOIN old_rows o ON o.id = n.id
          JOIN holdings_holdingbuilding hb ON hb.building_id = n.id
         WHERE n.geom::bytea IS DISTINCT FROM o.geom::bytea
            OR n.retired_at IS DISTINCT FROM o.retired_at));
    RETURN NULL;
END $$;

CREATE TRIGGER holdings_buildings_changed AFTER UPDATE ON spatial_building
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION holdings_buildings_changed();
"""

BACKWARD = """
DROP TRIGGER holdings_buildings_changed ON spatial_building;
DROP FUNCTION holdings_buildings_changed();
DROP TRIGGER holdings_placements_inserted ON holdings_holdingbuilding;
DROP TRIGGER holdings_placements_deleted ON holdings_holdingbuilding;
DROP TRIGGER holdings_placements_updated ON holdings_holdingbuilding;
DROP FUNCTION holdings_placements_changed();
DROP FUNCTION holdings_refresh_footprints(bigint[]);
"""


class Migration(migrations.Migration):
    dependencies = [("holdings", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
