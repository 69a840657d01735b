"""The essays app's models: what editors and readers see of them, and the rules the database
and the admin's validation keep."""

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from civicdata.publishing import Status
from essays.models import (
    Author,
    Byline,
    DraftingStatus,
    Essay,
    Inset,
    InternalLink,
    Pullquote,
    Section,
    Series,
)
from tests.factories import (
    AuthorFactory,
    BylineFactory,
    EssayFactory,
    InsetFactory,
    PullquoteFactory,
    SectionFactory,
    SeriesFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def assert_refused_by_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def assert_protected(delete):
    with pytest.raises(ProtectedError), transaction.atomic():
        delete()


# --- How each model names itself, and where it lives ---


def test_series_is_named_by_its_title_and_lives_at_its_slug():
    series = SeriesFactory(title="Data in civil society", slug="civil-society-data")
    assert str(series) == "Data in civil society"
    assert series.get_absolute_url() == "/series/civil-society-data/"


def test_series_description_is_rendered_safely_on_save():
    series = SeriesFactory(description="An *introduction*.<script>alert(1)</script>")
    series.refresh_from_db()
    assert series.description_html == "<p>An <em>introduction</em>.</p>\n"


def test_author_is_named_by_name():
    assert str(AuthorFactory(name="Aman")) == "Aman"


def test_essay_is_named_by_its_title_and_lives_at_its_slug():
    essay = EssayFactory(title="What's different?", slug="whats-different")
    assert str(essay) == "What's different?"
    assert essay.get_absolute_url() == "/essays/whats-different/"


def test_byline_names_the_author_and_the_essay():
    byline = BylineFactory(author=AuthorFactory(name="Aman"), essay=EssayFactory(title="Data"))
    assert str(byline) == "Aman on Data"


def test_section_is_named_by_its_heading_or_as_the_opening():
    assert str(SectionFactory(heading="Multiple teams")) == "Multiple teams"
    assert str(SectionFactory(heading="")) == "Opening"


def test_section_url_is_its_anchor_on_the_essay_page():
    section = SectionFactory(essay=EssayFactory(slug="long-read"), heading="Method")
    section.anchor = "method"
    assert section.get_absolute_url() == "/essays/long-read/#method"


def test_inset_and_pullquote_name_their_essay():
    essay = EssayFactory(title="Data")
    assert str(InsetFactory(essay=essay)) == "Inset in Data"
    assert str(PullquoteFactory(essay=essay)) == "Pullquote in Data"


def test_internal_link_says_where_it_points_and_whether_it_resolves():
    essay = EssayFactory(title="Data")
    link = InternalLink.objects.create(
        source_type=ContentType.objects.get_for_model(Essay),
        source_id=essay.pk,
        target_kind="essay",
        target_slug="other",
        text="the other",
        resolved=False,
    )
    assert str(link) == "Data → essay other (unresolved)"


# --- Rules the database keeps, whatever writes to it ---


def test_two_essays_cannot_share_a_slug():
    EssayFactory(slug="taken")
    assert_refused_by_database(lambda: EssayFactory(slug="taken"))


def test_two_series_cannot_share_a_slug():
    Series.objects.create(title="One", slug="taken")
    assert_refused_by_database(lambda: Series.objects.create(title="Two", slug="taken"))


def test_two_authors_cannot_share_a_name():
    Author.objects.create(name="Aman")
    assert_refused_by_database(lambda: Author.objects.create(name="Aman"))


def test_two_essays_cannot_share_a_position_in_a_series():
    series = SeriesFactory()
    EssayFactory(series=series, series_position=3)
    assert_refused_by_database(lambda: EssayFactory(series=series, series_position=3))


def test_the_same_position_in_different_series_is_fine():
    EssayFactory(series=SeriesFactory(), series_position=1)
    EssayFactory(series=SeriesFactory(), series_position=1)


@pytest.mark.parametrize("status", ["pending", "", "PUBLISHED"])
def test_an_essay_status_outside_the_choices_is_refused(status):
    essay = EssayFactory()
    assert_refused_by_database(lambda: Essay.objects.filter(pk=essay.pk).update(status=status))
    assert_refused_by_database(lambda: EssayFactory(status=status))


def test_two_sections_of_an_essay_cannot_share_a_position():
    essay = EssayFactory()
    SectionFactory(essay=essay, position=1)
    assert_refused_by_database(lambda: SectionFactory(essay=essay, position=1))


def test_sections_of_different_essays_may_share_a_position():
    SectionFactory(essay=EssayFactory(), position=1)
    SectionFactory(essay=EssayFactory(), position=1)


def test_a_drafting_status_outside_the_choices_is_refused():
    assert_refused_by_database(lambda: SectionFactory(drafting_status="finished"))


@pytest.mark.parametrize("level", [0, 7])
def test_a_heading_level_outside_1_to_6_is_refused_by_the_database(level):
    assert_refused_by_database(lambda: SectionFactory(heading_level=level))


@pytest.mark.parametrize("level", [1, 5, 6])
def test_heading_levels_1_to_6_are_kept(level):
    assert SectionFactory(heading_level=level).heading_level == level


def test_an_author_cannot_be_credited_twice_on_one_essay():
    essay, author = EssayFactory(), AuthorFactory()
    BylineFactory(essay=essay, author=author, position=1)
    assert_refused_by_database(lambda: BylineFactory(essay=essay, author=author, position=2))


def test_two_bylines_of_an_essay_cannot_share_a_position():
    essay = EssayFactory()
    BylineFactory(essay=essay, position=1)
    assert_refused_by_database(lambda: BylineFactory(essay=essay, position=1))


def test_a_series_with_essays_cannot_be_deleted():
    essay = EssayFactory()
    assert_protected(essay.series.delete)
    assert Essay.objects.filter(pk=essay.pk).exists()


def test_an_author_with_bylines_cannot_be_deleted():
    byline = BylineFactory()
    assert_protected(byline.author.delete)


def test_deleting_an_essay_takes_its_parts_with_it():
    essay = EssayFactory()
    section = SectionFactory(essay=essay)
    InsetFactory(essay=essay, section=section)
    PullquoteFactory(essay=essay, section=section)
    BylineFactory(essay=essay)
    essay.delete()
    assert not Section.objects.exists()
    assert not Inset.objects.exists() and not Pullquote.objects.exists()
    assert not Byline.objects.exists()


# --- The friendly messages an editor sees (full_clean, as the admin runs it) ---


def test_editor_is_told_when_the_series_position_is_taken():
    series = SeriesFactory()
    EssayFactory(series=series, series_position=2)
    essay = EssayFactory.build(series=series, series_position=2)
    with pytest.raises(ValidationError) as caught:
        essay.full_clean()
    assert caught.value.message_dict["series_position"] == [
        "Another essay already has this position in the series."
    ]


def test_an_essay_keeping_its_own_position_is_valid():
    essay = EssayFactory(series_position=4)
    essay.title = "Retitled"
    essay.full_clean()


@pytest.mark.parametrize("factory", [InsetFactory, PullquoteFactory])
def test_editor_is_told_a_placed_block_must_use_a_section_of_its_own_essay(factory):
    essay, other_section = EssayFactory(), SectionFactory(essay=EssayFactory())
    block = factory.build(essay=essay, section=other_section)
    with pytest.raises(ValidationError) as caught:
        block.full_clean()
    assert caught.value.message_dict["section"] == ["Choose a section of this essay."]


@pytest.mark.parametrize("factory", [InsetFactory, PullquoteFactory])
def test_a_placed_block_in_its_own_essay_or_at_the_top_is_valid(factory):
    section = SectionFactory()
    factory.build(essay=section.essay, section=section).full_clean()
    factory.build(essay=section.essay, section=None).full_clean()


@pytest.mark.parametrize("level", [0, 7])
def test_editor_is_told_the_heading_level_range(level):
    section = SectionFactory.build(essay=EssayFactory(), heading_level=level)
    with pytest.raises(ValidationError) as caught:
        section.full_clean()
    assert caught.value.message_dict["heading_level"] == ["A heading level is between 1 and 6."]


def test_editor_is_told_a_drafting_status_must_be_one_of_the_choices():
    section = SectionFactory.build(essay=EssayFactory(), drafting_status="finished")
    with pytest.raises(ValidationError) as caught:
        section.full_clean()
    assert "drafting_status" in caught.value.message_dict


@pytest.mark.xfail(
    strict=True,
    reason="Missing model rule: docs/design.md says only the first section may have no "
    "heading, but Section.clean does not check it.",
)
def test_editor_is_told_only_the_first_section_may_have_no_heading():
    essay = EssayFactory()
    SectionFactory(essay=essay, position=1, heading="")
    with pytest.raises(ValidationError):
        SectionFactory.build(essay=essay, position=2, heading="").full_clean()


@pytest.mark.xfail(
    strict=True,
    reason="Missing model rule: docs/design.md says section positions start at 1, but "
    "position 0 is accepted.",
)
def test_editor_is_told_section_positions_start_at_1():
    with pytest.raises(ValidationError):
        SectionFactory.build(essay=EssayFactory(), position=0).full_clean()


# --- Who sees which essays ---


def _user_with_permission(codename, **fields):
    user = UserFactory(**fields)
    if codename:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return type(user).objects.get(pk=user.pk)  # a fresh object: permissions are cached


@pytest.fixture
def essays():
    return {
        "published": EssayFactory(status=Status.PUBLISHED),
        "draft": EssayFactory(status=Status.DRAFT),
    }


def test_readers_see_only_published_essays(essays):
    assert list(Essay.objects.published()) == [essays["published"]]
    assert essays["published"].is_published and not essays["draft"].is_published


def test_anonymous_visitors_see_only_published_essays(essays):
    assert list(Essay.objects.visible_to(AnonymousUser())) == [essays["published"]]


def test_staff_who_may_change_essays_preview_drafts(essays):
    editor = _user_with_permission("change_essay", is_staff=True)
    assert set(Essay.objects.visible_to(editor)) == set(essays.values())


def test_superusers_preview_drafts(essays):
    admin = _user_with_permission(None, is_staff=True, is_superuser=True)
    assert set(Essay.objects.visible_to(admin)) == set(essays.values())


def test_staff_without_the_change_permission_see_only_published_essays(essays):
    staff = _user_with_permission(None, is_staff=True)
    assert list(Essay.objects.visible_to(staff)) == [essays["published"]]


def test_permission_to_change_case_studies_does_not_reveal_draft_essays(essays):
    staff = _user_with_permission("change_casestudy", is_staff=True)
    assert list(Essay.objects.visible_to(staff)) == [essays["published"]]


def test_a_deactivated_editor_sees_only_published_essays(essays):
    editor = _user_with_permission("change_essay", is_staff=True, is_active=False)
    assert list(Essay.objects.visible_to(editor)) == [essays["published"]]


def test_the_published_rule_combines_with_other_filters(essays):
    assert not Essay.objects.filter(pk=essays["draft"].pk).published().exists()


# --- What a reader is told about an essay ---


@pytest.mark.parametrize(
    ("word_count", "minutes"),
    [(0, 1), (50, 1), (220, 1), (440, 2), (1000, 5), (2200, 10)],
)
def test_reading_time_is_words_over_220_a_minute_and_at_least_one_minute(word_count, minutes):
    assert EssayFactory.build(word_count=word_count).reading_minutes == minutes


def test_reading_time_follows_the_configured_reading_speed(settings):
    settings.CIVICDATA_WORDS_PER_MINUTE = 100
    assert EssayFactory.build(word_count=1000).reading_minutes == 10


def test_authors_are_listed_in_byline_order():
    essay = EssayFactory()
    BylineFactory(essay=essay, author=AuthorFactory(name="Second"), position=2)
    BylineFactory(essay=essay, author=AuthorFactory(name="First"), position=1)
    assert [author.name for author in essay.authors] == ["First", "Second"]


def test_an_essay_read_again_names_an_author_added_since():
    essay = EssayFactory()
    BylineFactory(essay=essay, author=AuthorFactory(name="First"), position=1)
    assert [author.name for author in essay.authors] == ["First"]
    BylineFactory(essay=essay, author=AuthorFactory(name="Newcomer"), position=2)
    essay.refresh_from_db()
    assert [author.name for author in essay.authors] == ["First", "Newcomer"]


def test_drafting_status_placeholder_marks_a_placeholder():
    assert SectionFactory.build(drafting_status=DraftingStatus.PLACEHOLDER).is_placeholder
    assert not SectionFactory.build(drafting_status=DraftingStatus.IN_PROGRESS).is_placeholder


# --- The default series ---


def test_default_series_is_created_once_and_then_reused(settings):
    settings.CIVICDATA_DEFAULT_SERIES = {"slug": "essays", "title": "Essays"}
    first = Series.get_default()
    second = Series.get_default()
    assert first.pk == second.pk
    assert (first.slug, first.title) == ("essays", "Essays")
    assert Series.objects.filter(slug="essays").count() == 1


def test_an_existing_default_series_keeps_its_edited_title(settings):
    settings.CIVICDATA_DEFAULT_SERIES = {"slug": "essays", "title": "Essays"}
    existing = Series.objects.create(slug="essays", title="Essays on civic data")
    assert Series.get_default() == existing
    assert Series.get_default().title == "Essays on civic data"
