"""Settings for civicdata.

One module, wired completely. What differs between a laptop and production comes from
environment variables; the defaults are safe for local development only, and production
(DEBUG off) refuses to start without a real SECRET_KEY.
"""

import datetime
import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

DEVELOPMENT_SECRET_KEY = "django-insecure-civicdata-development-only"
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured("SECRET_KEY must be set to a long random value when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "markdownx",
    # Revisions of essays and case studies with their parts (civicdata/revisions.py).
    "reversion",
    # Throttles failed logins per account and per address (README: Accounts).
    "axes",
    # Content-Security-Policy on every response; its app adds checks of the settings.
    "csp",
    "essays",
    "portfolio",
    "addresses",
    "reviews",
    "audit",
    # The stored search index of essays and case studies (search_index/models.py).
    "search_index",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Refuses an oversized request body before anything reads it (civicdata/security.py).
    "civicdata.security.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Answers a reader from the page cache before the rest runs (civicdata/caching.py).
    "civicdata.caching.PageCacheMiddleware",
    # An ETag from each response's content and 304 to a conditional GET (civicdata/caching.py).
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Answers a locked-out login with the lockout page (after the view has run).
    "axes.middleware.AxesMiddleware",
    # Last, so it sees the view's 404 first: an old address redirects to the item's new one.
    "addresses.middleware.OldAddressRedirectMiddleware",
]

ROOT_URLCONF = "civicdata.urls"

# The public pages are Jinja2 (templates/jinja2/, civicdata/jinja2.py): they render in about half
# the time of Django's templates. The admin, the lockout page and the content blocks rendered when
# an item is saved stay in Django's templates, found when Jinja2 has no template of that name.
TEMPLATES = [
    {
        "BACKEND": "civicdata.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "civicdata.jinja2.environment",
            # The backend adds `request`, `csrf_input` and `csrf_token` itself.
            "context_processors": [
                "django.contrib.messages.context_processors.messages",
                "civicdata.context_processors.site",
                "civicdata.metadata.page_address",
                "civicdata.static_build.site_search",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "civicdata.context_processors.site",
                "civicdata.metadata.page_address",
                "civicdata.static_build.site_search",
            ],
        },
    },
]

WSGI_APPLICATION = "civicdata.wsgi.application"

# Absent DATABASE_URL: a SQLite file under var/, so a fresh clone runs with no server.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'civicdata.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A commit appends to the write-ahead log instead of syncing the database file: an import's
    # thousand transactions wait on the disk far less, readers never wait for a writer, and a
    # power cut loses at most the last commits, never the database (SQLite's WAL documentation).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }

# PostgreSQL read replicas, comma-separated: readers' queries go to them (civicdata/db_router.py).
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS", []), start=1):
    DATABASES[f"replica{_number}"] = {
        **dj_database_url.parse(_url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["civicdata.db_router.ReadReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes checks each login first, so a locked-out account or address is refused before its
# password is even tried.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
# The site is in English only. Without translation, reverse() and date formatting skip a
# per-call language lookup: a third of each reverse(), dozens of them on a list page.
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads (media): files under MEDIA_ROOT by default, served by Django while DEBUG is on and by a
# web server or object storage in production. MEDIA_STORAGE names any Django storage backend
# (e.g. django-storages' "storages.backends.s3.S3Storage"), MEDIA_STORAGE_OPTIONS its options
# as a JSON object; MEDIA_URL is where readers fetch the files (README: Media files).
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
try:
    MEDIA_STORAGE_OPTIONS = json.loads(os.environ.get("MEDIA_STORAGE_OPTIONS") or "{}")
except json.JSONDecodeError as error:
    raise ImproperlyConfigured(f"MEDIA_STORAGE_OPTIONS is not valid JSON: {error}") from None

STORAGES = {
    "default": {
        "BACKEND": os.environ.get("MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": MEDIA_STORAGE_OPTIONS,
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# The series an essay joins when its Hugo front matter names none.
CIVICDATA_DEFAULT_SERIES = {
    "slug": os.environ.get("DEFAULT_SERIES_SLUG", "civil-society-data"),
    "title": os.environ.get("DEFAULT_SERIES_TITLE", "Data in civil society"),
}
CIVICDATA_SITE_NAME = os.environ.get("SITE_NAME", "civicdata")
# Words a reader reads per minute, for the reading time shown on each essay.
CIVICDATA_WORDS_PER_MINUTE = 220
# Essays on each page of /essays/ (its later pages are /essays/page/2/ and on).
CIVICDATA_ESSAYS_PER_PAGE = 24
# Essays of each series on the home page (the series page lists them all).
CIVICDATA_HOME_ESSAYS_PER_SERIES = 6
# A Hugo file larger than this is refused by import_hugo.
CIVICDATA_HUGO_MAX_FILE_BYTES = int(os.environ.get("HUGO_MAX_FILE_BYTES", 2 * 1024 * 1024))
# Seconds browsers and a CDN may keep a public page before asking again (civicdata/caching.py).
CIVICDATA_CACHE_MAX_AGE = int(os.environ.get("CACHE_MAX_AGE", 300))

# The cache every process shares: Redis with CACHE_URL=redis://host:6379/0 (Django's own backend),
# else this process's memory (development). README: Caching and several instances.
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            # Django's RedisCache, keeping its redis-py client (civicdata/redis_cache.py).
            "BACKEND": "civicdata.redis_cache.SharedClientRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "civicdata"),
        }
    }
elif CACHE_URL:
    raise ImproperlyConfigured("CACHE_URL must be a redis://, rediss:// or unix:// address.")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The pages each process served lately, in its own memory, in front of the shared cache
# (civicdata/caching.py); keyed by the content generation, so never staler than the shared cache.
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "civicdata-pages",
    "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("PAGE_CACHE_LOCAL_ENTRIES", 300))},
}
# Sessions are read from the shared cache and kept in the database too, so they survive a cache
# flush or eviction; without a shared cache they stay in the database only (a per-process cache
# would let another worker still see a session that logging out deleted).
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHE_URL
    else "django.contrib.sessions.backends.db"
)
# The page cache (civicdata/caching.py) keeps what anonymous readers get. It is exact only when
# every process sees the same cache, so it is on by default with CACHE_URL alone; PAGE_CACHE=1
# turns it on for a single process without one, PAGE_CACHE=0 off (to measure the uncached work).
CIVICDATA_PAGE_CACHE = env_bool("PAGE_CACHE", bool(CACHE_URL))
# Seconds a cached page is kept at most; a change or a scheduled time passing ends it sooner.
CIVICDATA_PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", 24 * 60 * 60))
# Re-render, on the first request after a scheduled publication or take-down time, the pages
# linking to the item (civicdata/generation.py); the page cache does it in any case.
CIVICDATA_SCHEDULE_CHECK = True
# The live site's public address (https://civicdata.example.org), if one runs: the search form
# sends readers there, so pages built by build_static keep a working search
# (civicdata/static_build.py). Empty: build_static leaves search out.
CIVICDATA_LIVE_SITE_URL = os.environ.get("LIVE_SITE_URL", "")

# django-markdownx: the preview uses exactly the renderer readers get.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "civicdata.markdown.render_markdown"
MARKDOWNX_MEDIA_PATH = "markdown-images/"
MARKDOWNX_UPLOAD_MAX_SIZE = 5 * 1024 * 1024
MARKDOWNX_UPLOAD_CONTENT_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"]

LOGIN_URL = "admin:login"

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# markdownx's preview reads the token from the form when it cannot read the cookie.
CSRF_COOKIE_HTTPONLY = True
# A sign-in lasts a working day, then the editor signs in again (README: Accounts).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 12 * 60 * 60))

# Content-Security-Policy (django-csp), one policy for every page, the admin and the markdownx
# editor included: nothing inline, nothing from another origin but the media server's.
MEDIA_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(MEDIA_URL)) if "//" in MEDIA_URL else None
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Failed logins (django-axes): five in a row lock the account, from anywhere, and the address,
# for any account, for an hour; `manage.py axes_reset` unlocks early (README: Accounts).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "civicdata.security.client_address"
# No record of successful sign-ins and their addresses: failed ones are kept only while they count.
AXES_DISABLE_ACCESS_LOG = True
# Behind HTTPS proxies (DEBUG off), how many of them append to X-Forwarded-For.
CIVICDATA_TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", 0 if DEBUG else 1))

# Request size limits (README: Request limits). Form text: an essay of 50 long sections with its
# insets and pullquotes fits well within 5 MiB and 5,000 fields; a whole request, images
# included, within 25 MiB (an image is at most 10 MB, civicdata/images.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # Django's default: larger uploads go to a temporary file
CIVICDATA_MAX_REQUEST_BYTES = int(os.environ.get("MAX_REQUEST_BYTES", 25 * 1024 * 1024))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
