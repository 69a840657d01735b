"""Test settings: the base settings with a fast password hasher and a local-memory cache."""

from civicdata.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": CACHES["pages"],  # noqa: F405
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Off so the public pages' exact query counts measure the uncached work; the page cache's own
# tests (tests/civicdata/test_page_cache.py) turn these on.
CIVICDATA_PAGE_CACHE = False
CIVICDATA_SCHEDULE_CHECK = False
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
WHITENOISE_AUTOREFRESH = True  # no collectstatic before tests; look files up as they come
