"""Settings for civicdata.

One module, wired completely. What differs between a laptop and production comes from
environment variables; the defaults are safe for local development only, and production
(DEBUG off) refuses to start without a real SECRET_KEY.
"""

import json
import os
from pathlib import Path

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
    "essays",
    "portfolio",
    "addresses",
    "reviews",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # An ETag from each response's content and 304 to a conditional GET (civicdata/caching.py).
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees the view's 404 first: an old address redirects to the item's new one.
    "addresses.middleware.OldAddressRedirectMiddleware",
]

ROOT_URLCONF = "civicdata.urls"

TEMPLATES = [
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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
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
# A Hugo file larger than this is refused by import_hugo.
CIVICDATA_HUGO_MAX_FILE_BYTES = int(os.environ.get("HUGO_MAX_FILE_BYTES", 2 * 1024 * 1024))
# Seconds browsers and a CDN may keep a public page before asking again (civicdata/caching.py).
CIVICDATA_CACHE_MAX_AGE = int(os.environ.get("CACHE_MAX_AGE", 300))

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
