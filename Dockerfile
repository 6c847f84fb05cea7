# The app image: Debian's GDAL/GEOS/PROJ, the project, gunicorn. PostGIS runs in its own image.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
RUN apt-get update \
 && apt-get install -y --no-install-recommends gdal-bin libgdal32 gettext postgresql-client \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir . && pip uninstall -y sanitation-imis
COPY . .
RUN DJANGO_SECRET_KEY=build-only python manage.py compilemessages -v 0 \
 && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput -v 0
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
