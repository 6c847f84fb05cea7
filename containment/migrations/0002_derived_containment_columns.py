"""Containment code per municipality from a database sequence, and ward from the point,
filled by the database for every write path (see spatial 0002 for buildings)."""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION containment_code_sequence_name(municipality_id bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT 'containment_code_seq_' || municipality_id $$;

CREATE FUNCTION containment_municipality_code_sequence() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I',
                       containment_code_sequence_name(NEW.id));
        RETURN NEW;
    END IF;
    EXECUTE format('DROP SEQUENCE IF EXISTS %I', containment_code_sequence_name(OLD.id));
    RETURN OLD;
END $$;

CREATE TRIGGER containment_municipality_code_sequence
AFTER INSERT OR DELETE ON spatial_municipality
FOR EACH ROW EXECUTE FUNCTION containment_municipality_code_sequence();

CREATE FUNCTION containment_derive() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.code IS NULL OR NEW.code = '' THEN
        NEW.code := 'C' || lpad(
            nextval(containment_code_sequence_name(NEW.municipality_id)::regclass)::text, 6, '0');
    END IF;
    IF TG_OP = 'INSERT'
       OR NEW.geom IS DISTINCT FROM OLD.geom
       OR NEW.municipality_id IS DISTINCT FROM OLD.municipality_id THEN
        NEW.ward_id := (
            SELECT w.id FROM spatial_ward w
            WHERE w.municipality_id = NEW.municipality_id AND ST_Intersects(w.geom, NEW.geom)
            ORDER BY w.number LIMIT 1);
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER containment_derive
BEFORE INSERT OR UPDATE ON containment_containment
FOR EACH ROW EXECUTE FUNCTION containment_derive();

DO $$
DECLARE m record;
BEGIN
    FOR m IN SELECT id FROM spatial_municipality LOOP
        EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', containment_code_sequence_name(m.id));
    END LOOP;
END $$;
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS containment_derive ON containment_containment;
DROP FUNCTION IF EXISTS containment_derive();
DROP TRIGGER IF EXISTS containment_municipality_code_sequence ON spatial_municipality;
DROP FUNCTION IF EXISTS containment_municipality_code_sequence();
DROP FUNCTION IF EXISTS containment_code_sequence_name(bigint);
"""


class Migration(migrations.Migration):
    dependencies = [("containment", "0001_containment_register")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
