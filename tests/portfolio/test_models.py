"""The portfolio's models: what editors and readers see of them, and the rules the database
and the admin's validation keep."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from PIL import Image

from civicdata.publishing import Status
from portfolio.models import CaseStudy, DataSource, Partner, Stage, Topic
from tests.factories import (
    CaseStudyFactory,
    DataSourceFactory,
    EssayFactory,
    PartnerFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def assert_refused_by_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def png_upload(name="chart.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), color=(10, 120, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- How each model names itself, and where it lives ---


def test_case_study_is_named_by_its_title_and_lives_at_its_slug():
    case_study = CaseStudyFactory(title="Recidivism data sharing", slug="recidivism")
    assert str(case_study) == "Recidivism data sharing"
    assert case_study.get_absolute_url() == "/portfolio/recidivism/"


def test_partner_is_named_by_organization_and_role():
    assert str(PartnerFactory(organization="County courts", role="Case filings")) == (
        "County courts (Case filings)"
    )
    assert str(PartnerFactory(organization="Sheriff's office", role="")) == "Sheriff's office"


def test_partners_are_listed_in_position_order():
    case_study = CaseStudyFactory()
    PartnerFactory(case_study=case_study, organization="Second", position=2)
    PartnerFactory(case_study=case_study, organization="First", position=1)
    assert [p.organization for p in case_study.partners.all()] == ["First", "Second"]


# --- Rules the database keeps, whatever writes to it ---


def test_two_case_studies_cannot_share_a_slug():
    CaseStudyFactory(slug="taken")
    assert_refused_by_database(lambda: CaseStudyFactory(slug="taken"))


@pytest.mark.parametrize("status", ["pending", "", "PUBLISHED"])
def test_a_case_study_status_outside_the_choices_is_refused(status):
    case_study = CaseStudyFactory()
    assert_refused_by_database(
        lambda: CaseStudy.objects.filter(pk=case_study.pk).update(status=status)
    )
    assert_refused_by_database(lambda: CaseStudyFactory(status=status))


def test_a_case_study_with_an_image_but_no_alt_text_is_refused_by_the_database():
    assert_refused_by_database(
        lambda: CaseStudyFactory(hero_image="case-studies/chart.png", hero_image_alt="")
    )
    case_study = CaseStudyFactory(hero_image="case-studies/chart.png", hero_image_alt="A chart")
    assert_refused_by_database(
        lambda: CaseStudy.objects.filter(pk=case_study.pk).update(hero_image_alt="")
    )


def test_alt_text_without_an_image_and_no_image_at_all_are_both_fine():
    CaseStudyFactory(hero_image="", hero_image_alt="")
    CaseStudyFactory(hero_image="", hero_image_alt="Left over from an old image")


def test_two_partners_of_a_case_study_cannot_share_a_position():
    case_study = CaseStudyFactory()
    PartnerFactory(case_study=case_study, position=1)
    assert_refused_by_database(lambda: PartnerFactory(case_study=case_study, position=1))


def test_partners_of_different_case_studies_may_share_a_position():
    PartnerFactory(case_study=CaseStudyFactory(), position=1)
    PartnerFactory(case_study=CaseStudyFactory(), position=1)


def test_deleting_a_case_study_removes_its_partners_but_not_related_essays():
    case_study = CaseStudyFactory()
    PartnerFactory(case_study=case_study)
    essay = EssayFactory()
    case_study.related_essays.add(essay)
    case_study.delete()
    assert not Partner.objects.exists()
    essay.refresh_from_db()
    assert list(essay.case_studies.all()) == []


# --- The friendly messages an editor sees (full_clean, as the admin runs it) ---


def test_editor_is_told_to_describe_a_hero_image(media):
    case_study = CaseStudyFactory.build(hero_image=png_upload(), hero_image_alt="")
    with pytest.raises(ValidationError) as caught:
        case_study.full_clean()
    assert caught.value.message_dict == {
        "hero_image_alt": ["Describe the image for readers who cannot see it."]
    }


def test_alt_text_of_only_spaces_does_not_describe_an_image(media):
    case_study = CaseStudyFactory.build(hero_image=png_upload(), hero_image_alt="   ")
    with pytest.raises(ValidationError) as caught:
        case_study.full_clean()
    assert list(caught.value.message_dict) == ["hero_image_alt"]


def test_a_described_hero_image_is_valid_and_saved(media):
    case_study = CaseStudyFactory.build(hero_image=png_upload(), hero_image_alt="A bar chart")
    case_study.full_clean()
    case_study.save()
    assert case_study.hero_image.name.startswith("case-studies/")
    assert (media / case_study.hero_image.name).exists()


def test_editor_is_told_when_the_hero_image_is_not_an_image(media):
    fake = SimpleUploadedFile("chart.png", b"<svg onload=alert(1)>", content_type="image/png")
    case_study = CaseStudyFactory.build(hero_image=fake, hero_image_alt="A chart")
    with pytest.raises(ValidationError) as caught:
        case_study.full_clean()
    assert list(caught.value.message_dict) == ["hero_image"]


def test_a_case_study_without_an_image_is_valid():
    CaseStudyFactory.build(hero_image="", hero_image_alt="").full_clean()


# --- Who sees which case studies ---


@pytest.fixture
def case_studies():
    return {
        "published": CaseStudyFactory(status=Status.PUBLISHED),
        "draft": CaseStudyFactory(status=Status.DRAFT),
    }


def _user_with_permission(codename, **fields):
    user = UserFactory(**fields)
    if codename:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return type(user).objects.get(pk=user.pk)  # a fresh object: permissions are cached


def test_readers_see_only_published_case_studies(case_studies):
    assert list(CaseStudy.objects.published()) == [case_studies["published"]]
    assert list(CaseStudy.objects.visible_to(AnonymousUser())) == [case_studies["published"]]


def test_staff_who_may_change_case_studies_preview_drafts(case_studies):
    editor = _user_with_permission("change_casestudy", is_staff=True)
    assert set(CaseStudy.objects.visible_to(editor)) == set(case_studies.values())


def test_staff_without_the_change_permission_see_only_published_case_studies(case_studies):
    staff = _user_with_permission(None, is_staff=True)
    assert list(CaseStudy.objects.visible_to(staff)) == [case_studies["published"]]


def test_permission_to_change_essays_does_not_reveal_draft_case_studies(case_studies):
    staff = _user_with_permission("change_essay", is_staff=True)
    assert list(CaseStudy.objects.visible_to(staff)) == [case_studies["published"]]


# --- Topics, stages and data sources ---


def test_topic_is_named_and_filters_the_portfolio():
    topic = TopicFactory(name="Criminal justice", slug="criminal-justice")
    assert str(topic) == "Criminal justice"
    assert topic.get_absolute_url() == "/portfolio/?topic=criminal-justice"


def test_data_source_is_named_by_name_and_owner():
    assert (
        str(DataSourceFactory(name="Jail bookings", owner="Sheriff")) == "Jail bookings (Sheriff)"
    )
    assert str(DataSourceFactory(name="Census", owner="")) == "Census"


def test_a_stage_outside_the_choices_is_refused_by_the_database():
    case_study = CaseStudyFactory(stage=Stage.PILOT)
    CaseStudyFactory(stage="")  # not said: allowed
    assert_refused_by_database(
        lambda: CaseStudy.objects.filter(pk=case_study.pk).update(stage="finished")
    )


def test_a_data_source_without_limitations_is_refused_by_the_database():
    assert_refused_by_database(lambda: DataSourceFactory(limitations=""))


def test_two_data_sources_of_a_case_study_cannot_share_a_position():
    case_study = CaseStudyFactory()
    DataSourceFactory(case_study=case_study, position=1)
    assert_refused_by_database(lambda: DataSourceFactory(case_study=case_study, position=1))


def test_editor_is_told_to_say_how_a_data_source_misrepresents_reality():
    source = DataSourceFactory.build(case_study=CaseStudyFactory(), limitations="  \n ")
    with pytest.raises(ValidationError) as caught:
        source.full_clean()
    assert caught.value.message_dict["limitations"] == [
        "Say how these data misrepresent reality; every source does."
    ]


def test_deleting_a_case_study_removes_its_data_sources_but_keeps_its_topics():
    case_study = CaseStudyFactory()
    DataSourceFactory(case_study=case_study)
    case_study.topics.add(TopicFactory(name="Housing"))
    case_study.delete()
    assert not DataSource.objects.exists()
    assert Topic.objects.filter(name="Housing").exists()


def test_topics_offered_to_readers_are_those_of_published_case_studies():
    shown, hidden = TopicFactory(name="Shown"), TopicFactory(name="Hidden")
    CaseStudyFactory().topics.add(shown)
    CaseStudyFactory(status=Status.DRAFT).topics.add(hidden)
    TopicFactory(name="Unused")
    assert list(Topic.objects.of_published_case_studies()) == [shown]


def test_case_studies_filter_by_topic_and_stage():
    housing = TopicFactory(name="Housing")
    both = CaseStudyFactory(stage=Stage.PILOT)
    both.topics.add(housing)
    CaseStudyFactory(stage=Stage.PILOT)
    CaseStudyFactory().topics.add(housing)
    assert list(CaseStudy.objects.filtered(topic="housing", stage="pilot")) == [both]
    assert CaseStudy.objects.filtered().count() == 3
