"""Hugo's publishDate, expiryDate and draft map onto status, publish_at and expire_at, both ways."""

import datetime

import pytest

from civicdata.hugo import HugoError, parse_document
from civicdata.hugo_sync import canonical_text
from civicdata.publishing import Status
from essays.models import Essay
from portfolio.models import CaseStudy
from tests.essays.test_import import write
from tests.essays.test_round_trip import run_import

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def essay_text(*front_lines, body="Some text."):
    front = "\n".join(["title: T", "date: 2023-01-02", *front_lines])
    return f"---\n{front}\n---\n\n{body}\n"


def import_one(tmp_path, text, name="t.md"):
    result = run_import(write(tmp_path / "in", name, text))
    assert not result.failed, result.err
    return result


def test_publish_and_expiry_dates_become_the_schedule(tmp_path):
    import_one(
        tmp_path,
        essay_text("publishDate: 2031-05-01T09:30:00+02:00", "expiryDate: 2032-01-01"),
    )
    essay = Essay.objects.get()
    assert essay.status == Status.PUBLISHED
    assert essay.publish_at == datetime.datetime(2031, 5, 1, 7, 30, tzinfo=UTC)
    assert essay.expire_at == datetime.datetime(2032, 1, 1, tzinfo=UTC)
    assert essay.is_scheduled
    assert not Essay.objects.published().exists()
    assert "publishDate" not in essay.front_matter_extra


@pytest.mark.parametrize("key", ["publishdate", "PublishDate", "pubdate", "published"])
def test_hugos_other_names_for_publish_date_are_honoured(tmp_path, key):
    """Hugo reads front matter keys in any case and knows aliases: an item scheduled under any
    of them must not go live early."""
    import_one(tmp_path, essay_text(f"{key}: 2031-05-01"))
    assert Essay.objects.get().publish_at == datetime.datetime(2031, 5, 1, tzinfo=UTC)
    assert not Essay.objects.published().exists()


def test_an_expiry_date_under_hugos_alias_takes_the_essay_down(tmp_path):
    import_one(tmp_path, essay_text("unpublishdate: 2001-01-01"))
    assert Essay.objects.get().expire_at.year == 2001
    assert not Essay.objects.published().exists()


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["publishDate: soon"], "'publishDate' must be a date"),
        (["publishDate: 2031-01-02", "expiryDate: 2031-01-01"], "must come after 'publishDate'"),
        (["publishDate: 2031-01-02", "pubdate: 2031-01-03"], "give only one of"),
        (["civicdata: {status: in_review}"], "is for drafts"),
        (["draft: true", "civicdata: {status: scheduled}"], "status must be one of"),
    ],
)
def test_bad_schedules_and_statuses_are_refused_with_the_line(lines, message):
    with pytest.raises(HugoError) as error:
        parse_document(essay_text(*lines), default_slug="t")
    assert message in error.value.message
    assert error.value.line >= 2


@pytest.mark.parametrize("status", [Status.IN_REVIEW, Status.UNPUBLISHED])
def test_a_draft_in_review_or_unpublished_keeps_its_status(tmp_path, status):
    import_one(tmp_path, essay_text("draft: true", f"civicdata: {{status: {status}}}"))
    assert Essay.objects.get().status == status


def test_a_plain_draft_is_a_draft(tmp_path):
    import_one(tmp_path, essay_text("draft: true"))
    assert Essay.objects.get().status == Status.DRAFT


def test_the_schedule_and_status_survive_an_edit_and_a_round_trip(tmp_path):
    import_one(
        tmp_path,
        essay_text(
            "draft: true",
            "publishDate: 2031-05-01T09:30:00Z",
            "expiryDate: 2032-01-01",
            "civicdata: {status: in_review}",
        ),
    )
    essay = Essay.objects.get()
    essay.title = "Edited"
    essay.save()
    exported = canonical_text(essay)
    assert "publishDate: 2031-05-01 09:30:00+00:00" in exported
    assert "status: in_review" in exported

    Essay.objects.all().delete()
    import_one(tmp_path, exported, name="again.md")
    again = Essay.objects.get()
    assert (again.status, again.publish_at, again.expire_at) == (
        Status.IN_REVIEW,
        essay.publish_at,
        essay.expire_at,
    )


def test_a_case_study_is_scheduled_and_keeps_its_review_status(tmp_path):
    text = essay_text("draft: true", "publishDate: 2031-05-01", "civicdata: {status: in_review}")
    import_one(tmp_path, text, name="portfolio/study.md")
    case_study = CaseStudy.objects.get()
    assert case_study.status == Status.IN_REVIEW
    assert case_study.publish_at == datetime.datetime(2031, 5, 1, tzinfo=UTC)
    case_study.title = "Edited"
    case_study.save()
    exported = canonical_text(case_study)
    assert "publishDate: 2031-05-01 00:00:00+00:00" in exported
    assert "civicdata:\n  status: in_review" in exported
