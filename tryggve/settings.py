"""Tryggve settings: one module, driven by environment variables (see .env.example)."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a .env file: `#` comments, blank lines, `export ` and quotes allowed.

    A key with an empty value counts as unset, as in .env.example.
    """
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        key, value = key.strip(), value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        if key and value:
            values[key] = value
    return values


# `make run` writes a .env beside manage.py (a generated secret and the demo flags), so every
# command in the README works in that checkout. The real environment always wins, and the
# test suite ignores the file so that a developer's demo flags never change what it tests.
# ENV_FILE names another file (tests use it).
if not os.environ.get("PYTEST_VERSION"):
    _env_file = Path(os.environ.get("ENV_FILE") or BASE_DIR / ".env")
    for _key, _value in read_env_file(_env_file).items():
        os.environ.setdefault(_key, _value)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_number(name: str, default: str, kind=int):
    """A number from the environment; a value that is none stops the start with the
    setting's name, not a traceback from deep in the settings."""
    value = os.environ.get(name, default)
    try:
        return kind(value)
    except ValueError:
        from django.core.exceptions import ImproperlyConfigured

        what = "a whole number" if kind is int else "a number"
        raise ImproperlyConfigured(f"{name} must be {what}, not {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# Only the demo (make run) and the test suite may run without a real secret.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or env_bool("TRYGGVE_DEMO") or os.environ.get("PYTEST_VERSION"):
        SECRET_KEY = "insecure-demo-key-do-not-use-in-production"
    else:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("Set SECRET_KEY (see .env.example).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The address in mail, text messages, receipts and QR codes (tryggve.lib.links.absolute_url).
# Unset, links follow the request or PORT: fine for the demo and tests, never for production,
# where a wrong address would reach residents in every mail.
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")
if not SITE_URL and not (DEBUG or env_bool("TRYGGVE_DEMO") or os.environ.get("PYTEST_VERSION")):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "Set SITE_URL to the service's public address, e.g. https://trygg.arvidsjaur.se "
        "(see .env.example)."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "tryggve.lib",
    "tryggve.accounts",
    "tryggve.areas",
    "tryggve.audit",
    "tryggve.reports",
    "tryggve.surveys",
    "tryggve.analytics",
    "tryggve.watch",
    "tryggve.followup",
    "tryggve.open311",
    "tryggve.rights",
    "tryggve.demo",
    # Django REST framework (the Open311 API only) is used as a library and deliberately not
    # installed as an app: it needs none of its templates, static files or models, and an
    # installed app's catalogue would replace Django's Swedish form messages site-wide
    # ("Detta fält måste fyllas i." would become DRF's wording on every form).
]

MIDDLEWARE = [
    # A request id for every log line, and one access line per request (tryggve/lib/logs.py).
    "tryggve.lib.middleware.RequestLogMiddleware",
    # /healthz and /readyz answer before the https redirect, the host check and sessions.
    "tryggve.lib.middleware.ProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Open311 answers even an oversized body with its own error list, never a page.
    "tryggve.open311.middleware.Open311ErrorMiddleware",
    "tryggve.lib.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Which municipality this request is for: by host name, else /<slug>/ on a shared host,
    # else MUNICIPALITY_CODE (tryggve.areas.middleware). After WhiteNoise: static files
    # are never prefixed.
    "tryggve.areas.middleware.MunicipalityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Swedish unless the visitor chose another language with the switch (not Accept-Language).
    "tryggve.lib.middleware.SwedishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A blank 405 for a GET becomes a page in the visitor's language.
    "tryggve.lib.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "tryggve.urls"
WSGI_APPLICATION = "tryggve.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tryggve" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tryggve.lib.context_processors.site",
                "tryggve.areas.context_processors.municipality",
            ],
        },
    },
]

VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'tryggve.sqlite3'}",
        conn_max_age=env_number("DB_CONN_MAX_AGE", "60"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and a worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if os.environ.get("TEST_DATABASE_NAME"):
    # Lets several test runs share one PostgreSQL server without clobbering each other.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "tryggve" / "locale"]
# The language chosen with the switch is remembered for a year.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise warns about a missing root even when it serves from the apps.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from the apps, so `make run` needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Uploaded photos are private until staff approve them, so they are never served as
# static media: a view checks who may see each one.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Three photos of at most 10 MB plus the form.
MAX_REQUEST_BYTES = 32 * 1024 * 1024
# Open311 takes one photo per report.
OPEN311_MAX_REQUEST_BYTES = 11 * 1024 * 1024

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_number("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = env_number("EMAIL_TIMEOUT", "10")
SMS_BACKEND = os.environ.get("SMS_BACKEND", "tryggve.lib.sms.ConsoleSmsBackend")
# The name text messages show as from (at most eleven letters A-Z and digits, see
# tryggve.lib.sms), unless the municipality they speak for has its own
# (Municipality.sms_sender); empty: the gateway's own.
SMS_SENDER = os.environ.get("SMS_SENDER", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Tryggve <noreply@arvidsjaur.se>")

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
# Lock an account after repeated failures (per username and address).
AXES_FAILURE_LIMIT = env_number("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = env_number("AXES_COOLOFF_HOURS", "1", float)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Every staff account must pass a TOTP second factor. Only the demo may switch it off, and
# every staff page then says so.
STAFF_REQUIRE_OTP = env_bool("STAFF_REQUIRE_OTP", True) or not env_bool("TRYGGVE_DEMO")
OTP_TOTP_ISSUER = "Tryggve Arvidsjaur"

# Background work: the database queue by default, RQ on Redis for scale.
TASK_BACKEND = os.environ.get("TASK_BACKEND", "database")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# "counting" holds the slow recounts (the survey results', the risk maps' after an import:
# seconds each), so that mail on "default" never waits behind them: each queue has a worker
# of its own.
TASK_QUEUES = ["default", "counting"]
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "rq": "django_tasks_rq.RQBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[TASK_BACKEND],
        "QUEUES": TASK_QUEUES,
    }
}
if TASK_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {
        "default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 300},
        "counting": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 900},
    }
# A failed mail is tried again after these many minutes, then given up and shown to the
# administrator as failed.
MAIL_RETRY_MINUTES = [1, 5, 15, 60, 240, 720]
# Sent mail and text messages are kept this long (for the administrator), then deleted.
OUTBOX_RETENTION_DAYS = env_number("OUTBOX_RETENTION_DAYS", "30")
CSRF_FAILURE_VIEW = "tryggve.lib.views.csrf_failure"

# The cache counts the public forms' limits (tryggve.lib.guard). Local memory serves one
# process; with several app servers set CACHE_URL (or REDIS_URL) so that they share counts.
CACHE_URL = os.environ.get("CACHE_URL") or (REDIS_URL if os.environ.get("REDIS_URL") else "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tryggve"}
    )
}
# After an import or undo the worker computes the municipality's risk maps for the pages
# (tryggve.analytics.warming): only of use when the web processes read the same cache.
RISK_MAP_WARM_AFTER_IMPORT = env_bool("RISK_MAP_WARM_AFTER_IMPORT", bool(CACHE_URL))


def env_limits(name: str, default: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """"report=10/3600,voice=10/3600" in the environment overrides the named entries."""
    limits = dict(default)
    for item in env_list(name):
        bucket, _, rule = item.partition("=")
        count, _, seconds = rule.partition("/")
        limits[bucket.strip()] = (int(count), int(seconds or 3600))
    return limits


# Anonymous POSTs per network address (count, seconds); see tryggve/lib/guard.py.
PUBLIC_POST_LIMITS = env_limits(
    "PUBLIC_POST_LIMITS",
    {
        "report": (10, 3600),
        "voice": (10, 3600),
        # Finding the place on the report form without JavaScript (areas.geocoder has its
        # own limit on geocoder look-ups).
        "place_search": (60, 3600),
        "report_addition": (10, 3600),
        "report_reopen": (5, 3600),
        "safety_feedback": (20, 3600),
        "watch_signup": (5, 3600),
        "watch_volunteer": (5, 3600),
        "watch_confirm": (10, 3600),
        "watch_leave": (10, 3600),
        # The survey: one answer per browser already; a household or a class answering
        # from one connection still gets through.
        "survey": (20, 3600),
        # A unit's people answer through the link mailed to them, with no account.
        "unit_note": (30, 3600),
        # Browsers' reports of content the Content-Security-Policy blocked.
        "csp_report": (20, 60),
        # Open311: per address, on top of each API key's own limit (open311.ApiKey).
        "open311": (600, 3600),
        # Photos checked and kept for the report form, counted even when the form comes back
        # with errors (which uses up none of the report allowance): three for each report.
        "report_photo": (30, 3600),
        # Mail and SMS that public forms make us send to one address or number (receipts,
        # confirmation links), from all clients together: a stranger's mailbox is not a
        # target. Per day, not per network address.
        "recipient": (5, 86400),
    },
)
# A public form sent sooner than this after it was shown, or with its honeypot filled, is
# taken for a program and saves nothing.
PUBLIC_FORM_MIN_SECONDS = env_number("PUBLIC_FORM_MIN_SECONDS", "3", float)
PUBLIC_POST_BOT_CHECKS = env_bool("PUBLIC_POST_BOT_CHECKS", True)
# A survey answer sent less than this long after the previous one from the same network
# address is marked as a repeat and left out of public figures (tryggve.surveys): a sliding
# memory, so that answers on either side of the hour are still one address's. Longer catches
# a person who waits between answers, but also marks more households and mobile networks
# sharing one address.
SURVEY_REPEAT_SECONDS = env_number("SURVEY_REPEAT_SECONDS", "3600")
# Reverse proxies in front of the app that append to X-Forwarded-For. 0: the header is
# ignored (a client could write anything in it) and REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = env_number("TRUSTED_PROXY_COUNT", "0")
AXES_CLIENT_IP_CALLABLE = "tryggve.lib.guard.client_ip"

# Tryggve's own settings.
MUNICIPALITY_CODE = os.environ.get("MUNICIPALITY_CODE", "2505")
# Serving several municipalities from one deployment (docs/operations.md): each further
# municipality gets host names or a path slug in the admin (Municipality.hosts, .slug), and
# requests are routed by them (tryggve.areas.middleware). Off, the deployment serves
# MUNICIPALITY_CODE only, exactly as before, and never looks the others up. The demo
# (`make run`) serves Arjeplog beside Arvidsjaur, so it is on there by default.
MUNICIPALITY_ROUTING = env_bool("MUNICIPALITY_ROUTING", env_bool("TRYGGVE_DEMO"))
REPORT_REFERENCE_PREFIX = os.environ.get("REPORT_REFERENCE_PREFIX", "OTR")
# How long contact details are kept after a case closes; shown to the resident in the form.
CONTACT_RETENTION_MONTHS = env_number("CONTACT_RETENTION_MONTHS", "12")
# How long the access log (who read which personal data, when and why) is kept
# (`apply_retention`); long enough to answer a resident's or the supervisory authority's
# question about who read what.
ACCESS_LOG_RETENTION_MONTHS = env_number("ACCESS_LOG_RETENTION_MONTHS", "24")
# How many days the backups keep what the retention commands deleted (docs/operations.md:
# the nightly backup keeps 14); the privacy notice tells residents this number.
BACKUP_RETENTION_DAYS = env_number("BACKUP_RETENTION_DAYS", "14")
# How long django-axes' records of staff logins (username, network address, browser) are
# kept (`apply_retention`).
LOGIN_LOG_RETENTION_DAYS = env_number("LOGIN_LOG_RETENTION_DAYS", "90")
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors")
MAP_CENTER = (65.5917, 19.1800)
DUPLICATE_RADIUS_M = 50
# The situation picture: risk-map cell size, and the fewest incidents a public figure may
# rest on (fewer are shown as "fewer than N", so no map points at one household).
RISK_CELL_M = env_number("RISK_CELL_M", "250")
PUBLIC_MIN_COUNT = env_number("PUBLIC_MIN_COUNT", "3")
NEAR_REPEAT_RADIUS_M = 500
# The police's open events feed (`manage.py fetch_police_events`). Its rules ask for a
# User-Agent naming the application and a way to reach us; the places default to the
# served municipalities in the database and their counties ("Arvidsjaur;Arjeplog;Norrbottens
# län" in POLICE_FEED_LOCATIONS overrides; name the county too, `feed.feed_locations`).
POLICE_FEED_URL = os.environ.get("POLICE_FEED_URL", "https://polisen.se/api/events")
if not POLICE_FEED_URL.startswith(("https://", "http://")):
    # urllib would read a file:// address from this machine's disk as if it were the feed.
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("POLICE_FEED_URL must be an http(s):// address.")
POLICE_FEED_USER_AGENT = os.environ.get(
    "POLICE_FEED_USER_AGENT",
    f"Tryggve/1.0 (Trygg i Arvidsjaur; {SITE_URL or 'https://tryggve.invalid'})",
)
POLICE_FEED_TIMEOUT = env_number("POLICE_FEED_TIMEOUT", "30", float)
POLICE_FEED_LOCATIONS = [
    name.strip() for name in os.environ.get("POLICE_FEED_LOCATIONS", "").split(";") if name.strip()
]
# The largest CSV file staff may upload to the situation picture. An import is saved in one
# transaction, and SQLite holds its one write lock for all of it (about 4 s per MB on a quiet
# machine, twice that under load, docs/benchmarks.md): 2 MB (some 25,000 rows) keeps that
# under the 20 s other writers wait before they fail. PostgreSQL's row locks stop no one.
_IMPORT_MB = 2 if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" else 20
INCIDENT_IMPORT_MAX_BYTES = int(
    os.environ.get("INCIDENT_IMPORT_MAX_BYTES", str(_IMPORT_MB * 1024 * 1024))
)
# Sign-ups in a neighbourhood-watch area that never starts are deleted after this long.
WATCH_SIGNUP_RETENTION_MONTHS = env_number("WATCH_SIGNUP_RETENTION_MONTHS", "18")
# The households of a neighbourhood-watch area that has ended are deleted this long after
# it ended (`apply_watch_retention`).
WATCH_ENDED_RETENTION_MONTHS = env_number("WATCH_ENDED_RETENTION_MONTHS", "3")
# The words of the safety survey's free-text and place answers are disposed of this many
# years after the survey year (`apply_survey_retention`; 0 keeps them); answers, themes,
# points and every count stay.
SURVEY_TEXT_RETENTION_YEARS = env_number("SURVEY_TEXT_RETENTION_YEARS", "5")
GEOJSON_MAX_FEATURES = 500
# "Show on a map" links for a place (staff pages, unit mails): any map site that takes a
# position in its address.
PLACE_LINK_URL = os.environ.get(
    "PLACE_LINK_URL", "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
)
# Address search on the report form beyond the streets the system knows: a Nominatim-
# compatible server (e.g. https://nominatim.openstreetmap.org, whose usage policy asks for
# a User-Agent, at most one request a second and no search-as-you-type). Empty: off, and
# nothing a resident types leaves the municipality's server.
GEOCODER_URL = os.environ.get("GEOCODER_URL", "").rstrip("/")
GEOCODER_TIMEOUT = env_number("GEOCODER_TIMEOUT", "5", float)
GEOCODER_USER_AGENT = os.environ.get(
    "GEOCODER_USER_AGENT", "Tryggve/1.0 (Arvidsjaurs kommun e-tjanst)"
)
# Geocoder look-ups per client address and hour, and for the whole site per minute; answers
# are cached for a day, so repeated searches cost nothing.
GEOCODER_LIMIT_PER_HOUR = env_number("GEOCODER_LIMIT_PER_HOUR", "30")
GEOCODER_LIMIT_PER_MINUTE = env_number("GEOCODER_LIMIT_PER_MINUTE", "30")
DEMO = env_bool("TRYGGVE_DEMO")

# --- Hardening (issue 8, items 7 and 10): HTTPS, sessions, database outages, CSP -----------
# Production is HTTPS only; DEBUG, the demo (`make run`, plain http on 127.0.0.1) and the
# test suite are not, so each setting below has an environment variable to say otherwise.
_PLAIN_HTTP = DEBUG or env_bool("TRYGGVE_DEMO") or bool(os.environ.get("PYTEST_VERSION"))
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not _PLAIN_HTTP)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not _PLAIN_HTTP)
# The probes are answered before SecurityMiddleware (ProbeMiddleware); should the order
# ever change, a load balancer on plain http must still reach them.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# A year of HTTPS-only once a browser has seen the site; 0 turns HSTS off.
SECURE_HSTS_SECONDS = env_number("SECURE_HSTS_SECONDS", "0" if _PLAIN_HTTP else "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Behind a reverse proxy that ends TLS, Django learns that the request was HTTPS only from
# the proxy's header. Trust it only when the proxy always sets (and overwrites) it.
if env_bool("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Staff (and residents') sessions end after 8 hours without a request, and when the
# browser closes: every request moves the 8 hours on.
SESSION_COOKIE_AGE = int(env_number("SESSION_IDLE_HOURS", "8", float) * 3600)
SESSION_SAVE_EVERY_REQUEST = True
# Database sessions; a database that is away when the session is saved answers 503, not 400.
SESSION_ENGINE = "tryggve.lib.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# A connection that died while the database restarted is replaced instead of failing a
# request; while the database is down, pages answer 503 and ask to come back after this.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASE_RETRY_AFTER_SECONDS = env_number("DATABASE_RETRY_AFTER_SECONDS", "30")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "tryggve.lib.middleware.DatabaseUnavailableMiddleware",
)
# Content-Security-Policy (django-csp 4): nothing inline, nothing from elsewhere but the
# map tiles. The tiles' host (from MAP_TILE_URL) and report-uri (our own `csp_report` view)
# are added per response by tryggve.lib.middleware.ContentSecurityPolicyMiddleware.
INSTALLED_APPS.append("csp")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "tryggve.lib.middleware.ContentSecurityPolicyMiddleware",
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
# Reports of blocked content are at most this large (their limit: PUBLIC_POST_LIMITS).
CSP_REPORT_MAX_BYTES = 8 * 1024
# Django REST framework serves only the Open311 API (tryggve.open311): no sessions or
# logins there (API keys are checked by the views), its own formats and error lists.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": [
        "tryggve.open311.rendering.Open311JSONRenderer",
        "tryggve.open311.rendering.Open311XMLRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "tryggve.open311.rendering.SuffixNegotiation",
    "EXCEPTION_HANDLER": "tryggve.open311.errors.exception_handler",
    "DEFAULT_METADATA_CLASS": None,
    "URL_FORMAT_OVERRIDE": None,
}
# --- End of hardening -----------------------------------------------------------------------

# Logs go to standard error (systemd's journal in production): plain messages by default
# (`make run`), one JSON object a line with LOG_FORMAT=json, each with its request's id and
# never a resident's personal data (tryggve/lib/logs.py). The per-request access line
# (logger tryggve.access) is logged in JSON only: runserver prints its own.
LOG_FORMAT = (os.environ.get("LOG_FORMAT") or "text").strip().lower()
if LOG_FORMAT not in {"text", "json"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("LOG_FORMAT is 'text' (the default) or 'json'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "tryggve.lib.logs.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "tryggve.lib.logs.JsonFormatter"},
        "text": {"format": "%(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_context"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        "tryggve.access": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"},
        # WeasyPrint logs its seven steps for every PDF at INFO: noise in cron mail and the
        # journal. Its warnings (a missing font or image) still come through.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
