"""Settings shared by every environment. Secrets and hosts come from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "procrastinate.contrib.django",
    "core",
    "spatial",
    "containment",
    "surveys",
    "dashboards",
    "holdings",
    "approvals",
    "citizens",
    "onboarding",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    # Before the session and the token are looked up with what the client sent.
    "core.middleware.PlainInputMiddleware",
    "core.middleware.RequestSizeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The user's memberships are read once per request (every scope and role check).
    "core.scope.ScopePerRequestMiddleware",
    # Puts the session user and URL into the history context of every write.
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Only requests that may write carry the history context. pghistory's default includes GET,
# which prefixed every read's SQL with two set_config calls and a JSON document: 2 ms more
# on a 7 ms z17 tile (bench/run.py). A GET here writes no tracked register.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.navigation.navigation",
            ],
        },
    },
]

# One PostGIS database. `DATABASE_URL` is always set: by the environment, by `.env`,
# or by scripts/bootstrap.sh pointing at the project's private cluster.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default="postgis://imis@127.0.0.1:54329/imis",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
# PostgreSQL's JIT doubles the dashboards' ward statement and slows tiles; it does not help
# any of this application's queries (bench/jit.py; docs/decisions/0007-jit-off.md).
DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
    f"-c jit={os.environ.get('IMIS_DB_JIT', 'off')}"
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["core.accounts.LockoutModelBackend"]
LOGIN_URL = "login"
# Bangla numbers grouped as in Bangladesh (config/formats/bn).
FORMAT_MODULE_PATH = ["core.formats"]
# Each role starts on its own work (core/navigation.py).
LOGIN_REDIRECT_URL = "landing"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("bn", _("Bangla"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Dhaka"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / ".local" / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / ".local" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Request bodies larger than this are refused with 400 before any parsing.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024**2))

REST_FRAMEWORK = {
    # The token comes first: DRF answers an unauthenticated request with the first class's
    # challenge, so anonymous and expired-token requests get 401 with
    # `WWW-Authenticate: Token` (session authentication has no challenge and gave 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [],
    "EXCEPTION_HANDLER": "core.api_errors.api_exception_handler",
    "DEFAULT_PARSER_CLASSES": ["core.parsers.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "core.renderers.GeoJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Sanitation IMIS API",
    "DESCRIPTION": (
        "Spatial Integrated Municipal Information System for urban sanitation. "
        "Spatial resources are RFC 7946 GeoJSON in EPSG:4326 (longitude, latitude)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the project's own static files: the docs page works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name for the containment types wherever a field offers them.
    "ENUM_NAME_OVERRIDES": {
        "ContainmentTypeEnum": "containment.choices.ContainmentType",
        "FeedMatchOutcomeEnum": "holdings.choices.Outcome",
        # The compliance outcome keeps the name it had before the feeds' outcome came.
        "OutcomeEnum": "containment.choices.ComplianceStatus",
        "KindEnum": "core.models.LayerJob.Kind",
        "HoldingChangeKindEnum": "holdings.choices.ChangeKind",
        "PersonalDataAccessKindEnum": "holdings.models.PersonalDataAccess.Kind",
        # A holding's land use and a proposed building's use are the same code list.
        "FunctionalUseEnum": "spatial.choices.FunctionalUse",
        "OutletEnum": "containment.choices.Outlet",
    },
}

# Maps: OpenStreetMap tiles in production; settings.test empties TILES so tests fetch nothing.
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (22.943, 90.829),
    "DEFAULT_ZOOM": 13,
    "MIN_ZOOM": 3,
    "MAX_ZOOM": 19,
    "TILES": [
        (
            "OpenStreetMap",
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            {
                "attribution": "&copy; OpenStreetMap contributors",
                "maxZoom": 19,
            },
        )
    ],
    "RESET_VIEW": False,
    "NO_GLOBALS": True,
}

# Domain settings (see shared design, "Geometry policy"). Metres unless named otherwise.
IMIS = {
    # Points and shapes may lie this far outside the municipal boundary (GPS error, fringe).
    "BOUNDARY_MARGIN_M": float(os.environ.get("IMIS_BOUNDARY_MARGIN_M", "500")),
    # Largest feature page a list endpoint will stream in one response.
    "MAX_PAGE_SIZE": int(os.environ.get("IMIS_MAX_PAGE_SIZE", "50000")),
    "DEFAULT_PAGE_SIZE": int(os.environ.get("IMIS_DEFAULT_PAGE_SIZE", "1000")),
    # Most vertices accepted in one geometry written through the API.
    "MAX_VERTICES": int(os.environ.get("IMIS_MAX_VERTICES", "20000")),
    # Logins: lockout after this many failures within the window; API tokens' lifetime.
    "LOGIN_MAX_FAILURES": int(os.environ.get("IMIS_LOGIN_MAX_FAILURES", "5")),
    "LOGIN_LOCKOUT_MINUTES": int(os.environ.get("IMIS_LOGIN_LOCKOUT_MINUTES", "15")),
    "TOKEN_DAYS": int(os.environ.get("IMIS_TOKEN_DAYS", "30")),
    # Exports and imports run by the background worker keep their files here this long.
    "JOB_FILES_DIR": Path(os.environ.get("IMIS_JOB_FILES_DIR", MEDIA_ROOT / "jobs")),
    "JOB_KEEP_HOURS": int(os.environ.get("IMIS_JOB_KEEP_HOURS", "48")),
    # A revenue feed or holding register file larger than this is imported by the worker,
    # its progress shown, rather than while the page waits (about 25,000 rows of tax).
    "HOLDINGS_BACKGROUND_BYTES": int(os.environ.get("IMIS_HOLDINGS_BACKGROUND_BYTES", "2000000")),
    # Private files go out through authorised views; with a prefix here, as nginx's
    # X-Accel-Redirect to an internal location aliased to MEDIA_ROOT (config/files.py).
    "PRIVATE_FILES_ACCEL": os.environ.get("IMIS_PRIVATE_FILES_ACCEL", ""),
    # Dashboard figures written to less than this long ago are served while the worker
    # recomputes them (0: every read after a write recomputes first). Decision 0008.
    "DASHBOARD_MAX_AGE_S": int(os.environ.get("IMIS_DASHBOARD_MAX_AGE_S", "60")),
    # Citizen services (issue 33). Failures of lookups lock a holding number, and a client
    # address, for LOCK_MINUTES; a one-time code lives OTP_MINUTES; a citizen's page stays
    # open SESSION_MINUTES; an address files at most FILINGS_PER_HOUR complaints or requests.
    "CITIZEN_LIMITS": {
        "LOCK_MINUTES": 15,
        "FAILURES_PER_HOLDING": 5,
        "FAILURES_PER_ADDRESS": 20,
        "OTP_MINUTES": 10,
        "OTP_PER_HOUR": 3,
        "SESSION_MINUTES": 30,
        "FILINGS_PER_HOUR": 10,
    },
    # Behind this many proxies (the shipped nginx is one), the client's address is read
    # from X-Forwarded-For; 0 reads REMOTE_ADDR.
    "TRUSTED_PROXIES": int(os.environ.get("IMIS_TRUSTED_PROXIES", "0")),
    # Certificates' QR links are signed with this key (the secret key unless set): keep it
    # when the secret key is rotated, or every certificate issued fails verification.
    "CERTIFICATE_KEY": os.environ.get("IMIS_CERTIFICATE_KEY", ""),
    # Where citizens pay their bills (the billing system's page); empty hides the link.
    "BILL_PAYMENT_URL": os.environ.get("IMIS_BILL_PAYMENT_URL", ""),
    # Messages to households about their desludging request (scheduled, emptied) go out
    # through this class (containment/notices.py). The logging backend only writes them to
    # the log; an SMS gateway's backend is a class with the same send(phone, text).
    "NOTICE_BACKEND": os.environ.get("IMIS_NOTICE_BACKEND", "containment.notices.LoggingBackend"),
    # Arsenic in drinking water above this is unsafe (the national standard, ECR 1997
    # Schedule 3: 0.05 mg/L; WHO's guideline is 10 µg/L). Water points' arsenic status.
    "ARSENIC_STANDARD_UG_L": float(os.environ.get("IMIS_ARSENIC_STANDARD_UG_L", "50")),
    # Below this zoom the map does not load building footprints.
    "BUILDINGS_MIN_ZOOM": 17,
    # The map editor's snapping tolerance to start with, in screen pixels (the officer
    # changes it on the page).
    "EDITOR_SNAP_PIXELS": 15,
    # Classification settings (domain reference, "Classifications").
    "JMP_FLUSH_TO_OPEN_DRAIN_IMPROVED": env_bool("IMIS_JMP_FLUSH_TO_OPEN_DRAIN_IMPROVED", False),
    "SEWER_TREATED": env_bool("IMIS_SEWER_TREATED", False),
    # The desludging vehicle's width where the fleet records none (hard-to-reach analysis).
    "VEHICLE_WIDTH_M": float(os.environ.get("IMIS_VEHICLE_WIDTH_M", "2.4")),
    # A loaded desludging vehicle's average speed through town, and a crew's working day:
    # the route estimates its driving time and says when it is more than a day's work.
    "VEHICLE_SPEED_KMH": float(os.environ.get("IMIS_VEHICLE_SPEED_KMH", "15")),
    "WORKING_HOURS": float(os.environ.get("IMIS_WORKING_HOURS", "8")),
    "PITS_IN_GROUNDWATER_RISK": env_bool("IMIS_PITS_IN_GROUNDWATER_RISK", False),
    # JMP counts a never-emptied containment as safely managed in situ whatever its outlet;
    # strict also requires SFD containment (no effluent to a drain, water body or ground).
    "JMP_IN_SITU_STRICT": env_bool("IMIS_JMP_IN_SITU_STRICT", False),
    # Scheduled desludging (domain reference: the desludging service chain).
    "DAILY_TRIP_CAPACITY": int(os.environ.get("IMIS_DAILY_TRIP_CAPACITY", "20")),
    "TRIP_VOLUME_M3": float(os.environ.get("IMIS_TRIP_VOLUME_M3", "3")),
    "WEEKEND_DAYS": [4, 5],  # Python weekdays: Friday, Saturday
    "HOLIDAYS": env_list("IMIS_HOLIDAYS"),  # ISO dates, comma-separated
    # Surveys: a point matches the nearest footprint within this distance; GPS accuracy
    # worse than this is flagged.
    "SURVEY_MATCH_DISTANCE_M": float(os.environ.get("IMIS_SURVEY_MATCH_DISTANCE_M", "25")),
    "SURVEY_MAX_GPS_ACCURACY_M": float(os.environ.get("IMIS_SURVEY_MAX_GPS_ACCURACY_M", "20")),
    # A containment must lie within this distance of every building it serves.
    "CONTAINMENT_MAX_DISTANCE_M": float(os.environ.get("IMIS_CONTAINMENT_MAX_DISTANCE_M", "50")),
    # Faecal sludge a person on on-site sanitation generates in a year, m³ (CWIS SF-1d, FSM
    # collection ratio; Base IMIS uses 0.26), and the sludge that accumulates in a tank per
    # user and year (tank sizing and planning; ~0.04). National conventions, not confirmed
    # for Bangladesh: settings with commonly used figures.
    "FS_GENERATION_M3_PER_PERSON_YEAR": float(
        os.environ.get("IMIS_FS_GENERATION_M3_PER_PERSON_YEAR", "0.26")
    ),
    "SLUDGE_ACCUMULATION_M3_PER_PERSON_YEAR": float(
        os.environ.get("IMIS_SLUDGE_ACCUMULATION_M3_PER_PERSON_YEAR", "0.04")
    ),
    # Largest file (and, for a zip, its inflated content) an import accepts, in bytes.
    "MAX_IMPORT_BYTES": int(os.environ.get("IMIS_MAX_IMPORT_BYTES", str(200 * 1024 * 1024))),
    # Data quality counts (dashboards/quality.py) are counted again when older than this.
    "QUALITY_MAX_AGE_S": int(os.environ.get("IMIS_QUALITY_MAX_AGE_S", "600")),
    # The public page hides a ward's shares when it has fewer buildings than this.
    "PUBLIC_MIN_BUILDINGS": int(os.environ.get("IMIS_PUBLIC_MIN_BUILDINGS", "10")),
}

# Debian 12 ships GDAL 3.6, which cannot block file and network access from spatial reference
# strings. The project never hands user-supplied SRS text to GDAL: geometry input is parsed
# by GEOS from GeoJSON and CRS are chosen from a fixed list (docs/decisions/0002-srid-policy.md).
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A database outage is logged once by core.errors, not once per request.
    "filters": {"not_an_outage": {"()": "core.errors.OutageLogFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["not_an_outage"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # procrastinate logs every task registration and job at INFO; its warnings are enough.
        "procrastinate": {"level": os.environ.get("IMIS_WORKER_LOG_LEVEL", "WARNING")},
        # WeasyPrint logs each step of every PDF at INFO; its warnings (a missing glyph, a
        # refused resource) are what matter.
        "weasyprint": {"level": "WARNING"},
    },
}
