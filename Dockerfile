# The app image: Debian's GDAL/GEOS/PROJ, Pango for the PDF reports, nginx and openssl (the
# proxy service runs it), the locked Python packages, gunicorn. PostGIS runs in its own image.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
RUN apt-get update \
 && apt-get install -y --no-install-recommends gdal-bin libgdal32 gettext postgresql-client \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core nginx openssl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements/base.lock requirements/
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements/base.lock
COPY . .
RUN DJANGO_SECRET_KEY=build-only python manage.py compilemessages -v 0 \
 && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput -v 0
ENV IMIS_BIND=0.0.0.0:8001
EXPOSE 8001
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"]
