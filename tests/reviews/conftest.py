import pytest

from civicdata.publishing import Status
from tests.public_factories import WrittenEssayFactory


@pytest.fixture
def draft_essay(render):
    """A draft essay with an opening and two headed sections, rendered as the admin would."""
    return render(
        WrittenEssayFactory(title="Data trusts, in draft", status=Status.DRAFT, sections=3)
    )
