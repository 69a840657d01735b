import datetime
import os

import pytest
from django.utils import timezone
from hypothesis import settings as hypothesis_settings

from essays.services import render_essay
from portfolio.services import render_case_study

# Property-based tests (test_*_properties.py) run the same examples on every run and machine, so
# a CI failure reproduces; HYPOTHESIS_PROFILE=explore searches new examples, many more of them.
hypothesis_settings.register_profile(
    "civicdata", max_examples=150, deadline=None, derandomize=True, database=None
)
hypothesis_settings.register_profile("explore", max_examples=2000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "civicdata"))


@pytest.fixture
def render():
    """Render an essay or case study as saving it through the admin or importer would."""

    def _render(item):
        if item._meta.model_name == "casestudy":
            return render_case_study(item)
        return render_essay(item)

    return _render


@pytest.fixture
def clock(monkeypatch):
    """Moves the site's clock: `clock.advance(delta)`; every timezone.now() reads it."""
    real_now = timezone.now

    class Clock:
        offset = datetime.timedelta()

        def advance(self, delta):
            self.offset += delta

    moved = Clock()
    monkeypatch.setattr(timezone, "now", lambda: real_now() + moved.offset)
    return moved


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploads and renditions go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
