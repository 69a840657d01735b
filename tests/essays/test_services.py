import pytest

from essays.models import DraftingStatus
from tests.factories import EssayFactory, InsetFactory, PullquoteFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_pullquote_is_set_after_the_paragraph_it_follows(render):
    essay = EssayFactory()
    section = SectionFactory(essay=essay, position=1, heading="", body="First.\n\nSecond.")
    PullquoteFactory(essay=essay, section=section, after_paragraph=1, body="Quoted.")
    render(essay)
    html = essay.body_html
    assert html.index("First.") < html.index("Quoted.") < html.index("Second.")


def test_inset_without_section_opens_the_essay(render):
    essay = EssayFactory()
    SectionFactory(essay=essay, position=1, heading="", body="Opening text.")
    InsetFactory(essay=essay, body="Lead:\n* a\n* b")
    render(essay)
    assert essay.body_html.index('class="inset"') < essay.body_html.index("Opening text.")


def test_placeholder_section_shows_readers_a_note_not_its_draft(render):
    essay = EssayFactory()
    SectionFactory(
        essay=essay,
        position=1,
        heading="Rethinking",
        body="Secret draft notes",
        drafting_status=DraftingStatus.PLACEHOLDER,
        editor_note="Ask Aman",
    )
    render(essay)
    assert "still being written" in essay.body_html
    assert "Secret draft notes" not in essay.body_html
    assert "Ask Aman" not in essay.body_html
    assert "Placeholder." not in essay.body_html


def test_link_to_unpublished_essay_is_plain_text_until_it_is_published(render):
    from civicdata.links import refresh_links_to
    from civicdata.publishing import Status
    from essays.models import InternalLink

    target = EssayFactory(slug="why-is-civil-society-important", status=Status.DRAFT)
    essay = EssayFactory()
    SectionFactory(
        essay=essay, position=1, heading="", body="See [why](why-is-civil-society-important.md)."
    )
    render(essay)
    assert "<a" not in essay.body_html and "See why." in essay.body_html
    assert InternalLink.objects.get(target_slug=target.slug).resolved is False

    target.status = Status.PUBLISHED
    target.save()
    refresh_links_to(target)
    essay.refresh_from_db()
    assert '<a href="/essays/why-is-civil-society-important/"' in essay.body_html
    assert InternalLink.objects.get(target_slug=target.slug).resolved is True
