# The database for docker-compose.yml: PostGIS with pgRouting, which routes the desludging
# vehicles over the road register (containment/routing.py). The PostGIS image is Debian's
# PostgreSQL 15 with the PostgreSQL project's apt source, which carries pgRouting.
FROM postgis/postgis:15-3.4
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-15-pgrouting \
 && rm -rf /var/lib/apt/lists/*
