import pytest

from essays.models import AcceptedFinding, DraftingStatus, Finding, FindingKind
from tests.factories import EssayFactory, PullquoteFactory, SectionFactory

pytestmark = pytest.mark.django_db


def kinds(essay):
    return sorted(Finding.objects.filter(source_id=essay.pk).values_list("kind", flat=True))


def test_saving_an_essay_records_its_placeholder_and_empty_sections(render):
    essay = EssayFactory()
    SectionFactory(essay=essay, position=1, heading="", body="Opening.")
    SectionFactory(essay=essay, position=2, heading="Later", body="", drafting_status="placeholder")
    SectionFactory(essay=essay, position=3, heading="Empty", body="")
    render(essay)
    assert kinds(essay) == [FindingKind.EMPTY_SECTION, FindingKind.PLACEHOLDER]


def test_fixing_the_text_clears_the_finding(render):
    essay = EssayFactory()
    section = SectionFactory(
        essay=essay, position=1, heading="", body="One two three four five six seven eight. " * 2
    )
    render(essay)
    assert kinds(essay) == [FindingKind.REPEATED_TEXT]
    section.body = "One two three four five six seven eight."
    section.save()
    render(essay)
    assert kinds(essay) == []


def test_misquoting_pullquote_names_its_nearest_sentence(render):
    essay = EssayFactory()
    section = SectionFactory(
        essay=essay, position=1, heading="", body="The data are not the reality they describe."
    )
    PullquoteFactory(essay=essay, section=section, body="The data are the reality.")
    render(essay)
    finding = Finding.objects.get(kind=FindingKind.PULLQUOTE_NOT_IN_TEXT)
    assert finding.suggestion == "The data are not the reality they describe."
    assert finding.excerpt == "The data are the reality."


def test_accepted_finding_stays_accepted_until_its_text_changes(render, admin_user):
    essay = EssayFactory()
    section = SectionFactory(
        essay=essay,
        position=1,
        heading="",
        body="Repeat this passage of nine words right here. " * 2,
    )
    render(essay)
    finding = Finding.objects.get()
    acceptance = AcceptedFinding.objects.create(
        source_type=finding.source_type,
        source_id=essay.pk,
        fingerprint=finding.fingerprint,
        reason="Rhetorical repetition",
        accepted_by=admin_user,
    )
    render(essay)
    assert Finding.objects.get().accepted_as == acceptance
    assert Finding.objects.open().count() == 0

    section.body = "A different passage that repeats itself right now. " * 2
    section.save()
    render(essay)
    assert Finding.objects.open().count() == 1


def test_changing_a_sections_status_restarts_its_open_clock():
    section = SectionFactory(drafting_status=DraftingStatus.PLACEHOLDER)
    opened = section.status_changed_at
    section.refresh_from_db()
    section.drafting_status = DraftingStatus.IN_PROGRESS
    section.save()
    assert section.status_changed_at > opened
