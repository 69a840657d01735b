import pytest

from essays.services import render_essay
from portfolio.services import render_case_study


@pytest.fixture
def render():
    """Render an essay or case study as saving it through the admin or importer would."""

    def _render(item):
        if item._meta.model_name == "casestudy":
            return render_case_study(item)
        return render_essay(item)

    return _render
