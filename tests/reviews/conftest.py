import datetime

import pytest
from django.utils import timezone

from civicdata.publishing import Status
from tests.public_factories import WrittenEssayFactory


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
def draft_essay(render):
    """A draft essay with an opening and two headed sections, rendered as the admin would."""
    return render(
        WrittenEssayFactory(title="Data trusts, in draft", status=Status.DRAFT, sections=3)
    )
