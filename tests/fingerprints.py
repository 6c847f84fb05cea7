"""What a database holds, table by table, to compare two databases that should hold the same."""

import psycopg


def fingerprint(url: str) -> dict[str, tuple]:
    """Per table: row count, and a checksum of every geometry column."""
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename NOT LIKE 'procrastinate%%' ORDER BY 1"
            )
        ]
        geometry_columns = {}
        for table, column in conn.execute(
            "SELECT f_table_name, f_geometry_column FROM geometry_columns "
            "WHERE f_table_schema = 'public'"
        ):
            geometry_columns.setdefault(table, []).append(column)
        result = {}
        for table in tables:
            count = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            sums = []
            for column in sorted(geometry_columns.get(table, [])):
                sums.append(
                    conn.execute(
                        # Sorted by value: a restore may lay rows out in another order.
                        f"SELECT md5(string_agg(g, ',' ORDER BY g)) FROM "  # noqa: S608
                        f'(SELECT ST_AsEWKB("{column}")::text AS g FROM "{table}") s'
                    ).fetchone()[0]
                )
            result[table] = (count, *sums)
        return result
