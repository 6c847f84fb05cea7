"""The statements of a vehicle's route (containment.routing), pgRouting over the usable part
of the road network (spatial.road_network) copied into the temporary table route_edges."""

EDGES_SQL = """
    CREATE TEMP TABLE route_edges ON COMMIT DROP AS
    SELECT e.id, e.source, e.target, e.length_m AS cost, e.length_m AS reverse_cost, e.geom
      FROM spatial_roadedge e JOIN spatial_road r ON r.id = e.road_id
     WHERE e.municipality_id = %(m)s AND {usable}"""

# Where the vehicle stands for each place: the nearer end of the nearest usable edge within
# reach (in metres on the ground), the metric nearest of a few nearest by the index.
STAND_SQL = """
    SELECT p.n, near.vertex, near.distance_m
      FROM unnest(%(lons)s::float8[], %(lats)s::float8[], %(reach)s::float8[])
           WITH ORDINALITY AS p(lon, lat, reach, n)
      CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326) AS pt) q
      LEFT JOIN LATERAL (
          SELECT CASE WHEN ST_LineLocatePoint(k.geom, q.pt) < 0.5 THEN k.source
                      ELSE k.target END AS vertex, k.distance_m
            FROM (SELECT e.*, ST_Distance(e.geom::geography, q.pt::geography) AS distance_m
                    FROM (SELECT * FROM route_edges ORDER BY geom <-> q.pt LIMIT 4) e) k
           WHERE k.distance_m <= p.reach
           ORDER BY k.distance_m, k.id LIMIT 1) near ON TRUE
     ORDER BY p.n"""

MATRIX_SQL = """
    SELECT start_vid, end_vid, agg_cost FROM pgr_dijkstraCostMatrix(
        'SELECT id, source, target, cost, reverse_cost FROM route_edges',
        %(vertices)s::bigint[], false)"""

LEGS_SQL = """
    SELECT d.start_vid, d.end_vid,
           ST_AsGeoJSON(ST_MakeLine(CASE WHEN d.node = e.source THEN e.geom
                                         ELSE ST_Reverse(e.geom) END
                                    ORDER BY d.path_seq), 7)
      FROM pgr_dijkstra('SELECT id, source, target, cost, reverse_cost FROM route_edges',
                        %(pairs)s, false) d
      JOIN route_edges e ON e.id = d.edge
     GROUP BY d.start_vid, d.end_vid"""
