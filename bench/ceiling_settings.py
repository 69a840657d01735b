"""The production settings with only the ceiling's URL: every middleware is the site's."""

from civicdata.settings import *  # noqa: F403

ROOT_URLCONF = "bench.ceiling_urls"
