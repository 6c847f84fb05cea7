"""BIN per municipality from a database sequence, and ward/LIC membership from geometry.

Done in the database so that every write path (ORM, bulk COPY of the demo generator, imports)
gets the same values, and so that BINs are never computed as max + 1.
"""

from django.db import migrations

FORWARD = r"""
-- One BIN sequence per municipality, created and dropped with the municipality.
CREATE FUNCTION spatial_bin_sequence_name(municipality_id bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT 'spatial_building_bin_seq_' || municipality_id $$;

CREATE FUNCTION spatial_municipality_bin_sequence() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', spatial_bin_sequence_name(NEW.id));
        RETURN NEW;
    END IF;
    EXECUTE format('DROP SEQUENCE IF EXISTS %I', spatial_bin_sequence_name(OLD.id));
    RETURN OLD;
END $$;

CREATE TRIGGER spatial_municipality_bin_sequence
AFTER INSERT OR DELETE ON spatial_municipality
FOR EACH ROW EXECUTE FUNCTION spatial_municipality_bin_sequence();

CREATE FUNCTION spatial_building_derive() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    anchor geometry;
BEGIN
    IF NEW.bin IS NULL OR NEW.bin = '' THEN
        NEW.bin := 'B' || lpad(
            nextval(spatial_bin_sequence_name(NEW.municipality_id)::regclass)::text, 6, '0');
    END IF;
    IF TG_OP = 'INSERT'
       OR NEW.geom IS DISTINCT FROM OLD.geom
       OR NEW.municipality_id IS DISTINCT FROM OLD.municipality_id THEN
        anchor := ST_PointOnSurface(NEW.geom);
        NEW.ward_id := (
            SELECT w.id FROM spatial_ward w
            WHERE w.municipality_id = NEW.municipality_id AND ST_Intersects(w.geom, anchor)
            ORDER BY w.number LIMIT 1);
        NEW.low_income_community_id := (
            SELECT l.id FROM spatial_lowincomecommunity l
            WHERE l.municipality_id = NEW.municipality_id AND ST_Intersects(l.geom, anchor)
            ORDER BY l.id LIMIT 1);
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER spatial_building_derive
BEFORE INSERT OR UPDATE ON spatial_building
FOR EACH ROW EXECUTE FUNCTION spatial_building_derive();

-- Sequences for municipalities that exist already.
DO $$
DECLARE m record;
BEGIN
    FOR m IN SELECT id FROM spatial_municipality LOOP
        EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', spatial_bin_sequence_name(m.id));
    END LOOP;
END $$;
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS spatial_building_derive ON spatial_building;
DROP FUNCTION IF EXISTS spatial_building_derive();
DROP TRIGGER IF EXISTS spatial_municipality_bin_sequence ON spatial_municipality;
DROP FUNCTION IF EXISTS spatial_municipality_bin_sequence();
DROP FUNCTION IF EXISTS spatial_bin_sequence_name(bigint);
"""


class Migration(migrations.Migration):
    dependencies = [("spatial", "0001_core_registers")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
