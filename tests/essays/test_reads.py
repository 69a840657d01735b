"""The essay page's and /essays/'s prepared reads (essays.reads) show readers what the ORM's
querysets say they may see, at the moment of the request: never a draft, an essay before its
time or after it was taken down, a case study not yet published, or another page's essays."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import EmptyPage, Paginator

from civicdata.links import CASE_STUDY
from civicdata.publishing import Status
from essays import reads
from essays.models import Essay, InternalLink
from essays.reads import published_essays_in_series_order
from portfolio.models import CaseStudy
from tests.factories import (
    AuthorFactory,
    BylineFactory,
    CaseStudyFactory,
    EssayFactory,
    SeriesFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2024, 6, 1, 12, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)
# Before anything was scheduled, now, the moment the scheduled ones appear and the expiring one
# goes, and later: each shows readers a different site.
MOMENTS = [NOW - 30 * DAY, NOW, NOW + DAY, NOW + 3 * DAY]


def by_line(essay, *names):
    """Bylines created out of order, so neither their ids nor the names give byline order."""
    for position, name in reversed(list(enumerate(names, start=1))):
        BylineFactory(essay=essay, author=AuthorFactory(name=name), position=position)


def link_from(source, case_study):
    InternalLink.objects.create(
        source_type=ContentType.objects.get_for_model(source),
        source_id=source.pk,
        target_kind=CASE_STUDY,
        target_slug=case_study.slug,
        resolved=True,
        case_study=case_study,
    )


@pytest.fixture
def site():
    """Essays in every state readers may or may not see, in three series (two with one title),
    with bylines and case studies linked and listed as related."""
    main = SeriesFactory(title="Data in civil society", slug="main")
    namesake = SeriesFactory(title="Data in civil society", slug="namesake")
    other = SeriesFactory(title="An open practice", slug="other")
    essays = {}
    for position, name, fields in [
        (1, "live", {}),
        (2, "draft", {"status": Status.DRAFT}),
        (3, "scheduled", {"publish_at": NOW + DAY}),
        (4, "expired", {"publish_at": NOW - 10 * DAY, "expire_at": NOW - DAY}),
        (5, "trashed", {"trashed_at": NOW - DAY}),
        (6, "announced", {"status": Status.DRAFT, "announced": True}),
        (
            7,
            "announced then expired",
            {"announced": True, "publish_at": NOW - 10 * DAY, "expire_at": NOW - DAY},
        ),
        (8, "expiring", {"expire_at": NOW + DAY}),
        (9, "in review", {"status": Status.IN_REVIEW}),
        (10, "unpublished", {"status": Status.UNPUBLISHED}),
        (11, "trashed draft", {"status": Status.DRAFT, "trashed_at": NOW - DAY}),
        (12, "announced trashed", {"status": Status.DRAFT, "announced": True, "trashed_at": NOW}),
        (13, "announced scheduled", {"announced": True, "publish_at": NOW + DAY}),
        (15, "live later in series", {}),
    ]:
        essays[name] = EssayFactory(
            series=main, series_position=position, title=name.capitalize(), **fields
        )
    essays["namesake"] = EssayFactory(series=namesake, series_position=20, title="Namesake")
    essays["other first"] = EssayFactory(series=other, series_position=2, title="Other first")
    essays["other second"] = EssayFactory(series=other, series_position=9, title="Other second")
    essays["other scheduled"] = EssayFactory(
        series=other, series_position=5, title="Other scheduled", publish_at=NOW + 2 * DAY
    )

    by_line(essays["live"], "Chen", "Aman", "Bea")
    by_line(essays["scheduled"], "Bea")
    by_line(essays["draft"], "Dara", "Aman")
    by_line(essays["expiring"], "Aman", "Chen")
    by_line(essays["namesake"], "Zed", "Aman")
    by_line(essays["other first"], "Bea", "Chen")
    # "other second" has no byline.

    live = essays["live"]
    case_studies = {
        "linked": CaseStudyFactory(title="Linked", date=datetime.date(2023, 1, 1)),
        "listed": CaseStudyFactory(title="Listed", date=datetime.date(2023, 5, 1)),
        "both": CaseStudyFactory(title="Both", date=datetime.date(2023, 5, 1)),
        "draft": CaseStudyFactory(title="Draft", status=Status.DRAFT),
        "scheduled": CaseStudyFactory(title="Scheduled", publish_at=NOW + DAY),
        "expired": CaseStudyFactory(title="Expired", expire_at=NOW - DAY),
        "trashed": CaseStudyFactory(title="Trashed", trashed_at=NOW - DAY),
        "of another essay": CaseStudyFactory(title="Of another essay"),
        "linked from a case study": CaseStudyFactory(title="Linked from a case study"),
    }
    for name in ("linked", "both", "draft"):
        link_from(live, case_studies[name])
    for name in ("listed", "both", "scheduled", "expired", "trashed"):
        case_studies[name].related_essays.add(live)
    case_studies["of another essay"].related_essays.add(essays["expiring"])
    link_from(essays["draft"], case_studies["of another essay"])
    # A case study's link whose source id is the essay's id: not the essay's link.
    link_from(CaseStudy(pk=live.pk), case_studies["linked from a case study"])
    return {"essays": essays, "case_studies": case_studies, "main": main, "other": other}


# ---- The essay page ------------------------------------------------------------------------


def test_a_live_essay_comes_with_its_series_and_its_authors_in_byline_order(
    site, django_assert_num_queries
):
    live = site["essays"]["live"]
    essay = reads.essay_for_page(live.slug, with_drafts=False, at=NOW)
    expected = Essay.objects.get(pk=live.pk)
    for column in reads.ESSAY_PAGE_COLUMNS:
        assert getattr(essay, column) == getattr(expected, column), column
    assert [author.name for author in essay.authors] == ["Chen", "Aman", "Bea"]
    assert essay.authors == expected.authors
    with django_assert_num_queries(0):
        assert essay.series.title == "Data in civil society"
        assert essay.series.slug == "main"


@pytest.mark.parametrize(
    "name",
    [
        "draft",
        "scheduled",
        "expired",
        "trashed",
        "announced",
        "announced then expired",
        "in review",
        "unpublished",
        "trashed draft",
        "announced scheduled",
    ],
)
def test_readers_do_not_find_an_essay_they_may_not_see(site, name):
    slug = site["essays"][name].slug
    assert not Essay.objects.published(NOW).filter(slug=slug).exists()
    assert reads.essay_for_page(slug, with_drafts=False, at=NOW) is None


def test_no_one_finds_an_essay_that_does_not_exist(site):
    for with_drafts in (False, True):
        assert reads.essay_for_page("no-such-essay", with_drafts=with_drafts, at=NOW) is None


def test_an_essay_appears_at_its_time_and_goes_when_taken_down(site):
    scheduled, expiring = site["essays"]["scheduled"].slug, site["essays"]["expiring"].slug
    # Later first: the moment of each request counts, not that of the first.
    assert reads.essay_for_page(scheduled, with_drafts=False, at=NOW + DAY).title == "Scheduled"
    assert reads.essay_for_page(expiring, with_drafts=False, at=NOW + DAY) is None
    assert reads.essay_for_page(scheduled, with_drafts=False, at=NOW) is None
    assert reads.essay_for_page(expiring, with_drafts=False, at=NOW).title == "Expiring"
    just_before = NOW + DAY - datetime.timedelta(microseconds=1)
    assert reads.essay_for_page(scheduled, with_drafts=False, at=just_before) is None
    assert reads.essay_for_page(expiring, with_drafts=False, at=just_before).title == "Expiring"


def test_editors_preview_every_essay_not_in_the_trash(site):
    for name, essay in site["essays"].items():
        previewed = reads.essay_for_page(essay.slug, with_drafts=True, at=NOW)
        if name in {"trashed", "trashed draft", "announced trashed"}:
            assert previewed is None, name
        else:
            assert previewed.pk == essay.pk, name
    draft = reads.essay_for_page(site["essays"]["draft"].slug, with_drafts=True, at=NOW)
    assert [author.name for author in draft.authors] == ["Dara", "Aman"]


def test_who_finds_which_essay_when_is_the_visibility_rule(site):
    for moment in MOMENTS:
        for with_drafts in (False, True):
            visible = Essay.objects.visible(with_drafts=with_drafts, at=moment)
            for essay in site["essays"].values():
                found = reads.essay_for_page(essay.slug, with_drafts=with_drafts, at=moment)
                assert (found is not None) == visible.filter(pk=essay.pk).exists(), (
                    essay.title,
                    moment,
                    with_drafts,
                )


# ---- The series outline ---------------------------------------------------------------------


def outline_from_the_orm(series, moment):
    return [
        (essay.pk, essay.title, essay.slug, essay.series_position, essay.is_live)
        for essay in Essay.objects.filter(series=series)
        .in_series_outline(at=moment)
        .order_by("series_position")
    ]


def test_the_outline_is_what_the_series_outline_rule_says_at_each_moment(site):
    for series in (site["main"], site["other"]):
        for moment in MOMENTS:
            outline = reads.series_outline(series.pk, at=moment)
            entries = [
                (entry.pk, entry.title, entry.slug, entry.series_position, entry.is_live)
                for entry in outline.essays
            ]
            assert entries == outline_from_the_orm(series, moment), (series, moment)
            assert all(type(entry.is_live) is bool for entry in outline.essays)


def test_the_outline_names_live_and_forthcoming_essays_and_numbers_them(site):
    def parts(moment):
        outline = reads.series_outline(site["main"].pk, at=moment)
        return [(entry.part, entry.title, entry.is_live) for entry in outline.essays]

    assert parts(NOW + DAY) == [
        (1, "Live", True),
        (2, "Scheduled", True),
        (3, "Announced", False),
        (4, "Announced scheduled", True),
        (5, "Live later in series", True),
    ]
    assert parts(NOW) == [
        (1, "Live", True),
        (2, "Announced", False),
        (3, "Expiring", True),
        (4, "Announced scheduled", False),
        (5, "Live later in series", True),
    ]


# ---- Case studies on the essay page ---------------------------------------------------------


def test_case_studies_are_those_the_orm_says_the_essay_is_about(site):
    for essay in site["essays"].values():
        for moment in MOMENTS:
            found = reads.case_studies_mentioned_in(essay.pk, at=moment)
            expected = CaseStudy.objects.published(moment).mentioned_in(essay.pk)
            assert [(c.pk, c.title, c.slug, c.summary) for c in found] == [
                (c.pk, c.title, c.slug, c.summary) for c in expected
            ], (essay.title, moment)


def test_an_essay_lists_its_published_case_studies_once_each(site):
    live = site["essays"]["live"]

    def titles(moment):
        return [c.title for c in reads.case_studies_mentioned_in(live.pk, at=moment)]

    assert titles(NOW + DAY) == ["Both", "Listed", "Scheduled", "Linked"]
    assert titles(NOW) == ["Both", "Listed", "Linked"]
    assert titles(NOW - 30 * DAY) == ["Both", "Expired", "Listed", "Linked"]


# ---- /essays/ -------------------------------------------------------------------------------


def described(essays):
    return [
        (essay.pk, essay.title, essay.series.title, [author.name for author in essay.authors])
        for essay in essays
    ]


@pytest.mark.parametrize("per_page", [1, 3, 4, 24])
def test_every_page_of_the_essay_list_is_what_the_orm_lists(site, per_page):
    for moment in MOMENTS:
        prepared = Paginator(reads.PublishedEssays(moment), per_page)
        expected = Paginator(published_essays_in_series_order(moment), per_page)
        assert prepared.count == expected.count, moment
        assert prepared.num_pages == expected.num_pages
        for number in prepared.page_range:
            assert described(prepared.page(number)) == described(expected.page(number)), (
                moment,
                number,
            )


@pytest.mark.parametrize("per_page", [1, 4, 24])
def test_a_page_read_with_its_count_is_the_page_django_paginates(
    site, per_page, django_assert_num_queries
):
    for moment in MOMENTS:
        expected = Paginator(published_essays_in_series_order(moment), per_page)
        for number in expected.page_range:
            # The page, its authors and the count; a later page is counted first.
            with django_assert_num_queries(1 if number == 1 else 2):
                page = reads.PublishedEssays(moment).page(number, per_page)
            assert described(page) == described(expected.page(number)), (moment, number)
            assert (page.paginator.count, page.paginator.num_pages) == (
                expected.count,
                expected.num_pages,
            )
            assert page.has_next() == expected.page(number).has_next()
        for number in (0, expected.num_pages + 1):
            with pytest.raises(EmptyPage):
                reads.PublishedEssays(moment).page(number, per_page)


def test_the_essay_list_is_in_series_order_and_the_last_page_is_partial(site):
    paginator = Paginator(reads.PublishedEssays(NOW), 4)
    pages = [described(paginator.page(n)) for n in paginator.page_range]
    assert [[title for _, title, _, _ in page] for page in pages] == [
        ["Other first", "Other second", "Live", "Expiring"],
        ["Live later in series", "Namesake"],
    ]
    assert pages[0][2][3] == ["Chen", "Aman", "Bea"]
    assert pages[0][1][3] == []


def test_two_series_with_one_title_are_listed_one_after_the_other():
    first, second = SeriesFactory(title="Twins", slug="a"), SeriesFactory(title="Twins", slug="b")
    for series, position in [(first, 1), (second, 2), (first, 3), (second, 1)]:
        EssayFactory(series=series, series_position=position, title=f"{series.slug}{position}")
    expected = ["a1", "a3", "b1", "b2"]
    assert [essay.title for essay in published_essays_in_series_order(NOW)] == expected
    assert [essay.title for essay in reads.PublishedEssays(NOW)[0:4]] == expected


@pytest.mark.parametrize("what", ["nothing", "nothing readers may see"])
def test_an_empty_site_has_an_empty_first_page(what, django_assert_num_queries):
    if what == "nothing readers may see":
        EssayFactory(status=Status.DRAFT)
        EssayFactory(publish_at=NOW + DAY)
        EssayFactory(trashed_at=NOW - DAY)
    essays = reads.PublishedEssays(NOW)
    assert essays.count() == 0
    with django_assert_num_queries(0):
        assert essays[0:0] == []
    page = Paginator(essays, 24).page(1)
    assert list(page) == [] and not page.has_other_pages()
    assert Paginator(published_essays_in_series_order(NOW), 24).count == 0
