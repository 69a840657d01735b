"""A prepared query (civicdata.prepared) reads what its queryset would, with each request's values:
readers never see an essay early, late, or another request's page."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ImproperlyConfigured

from civicdata import prepared
from civicdata.prepared import PreparedQuery
from civicdata.publishing import Status
from essays.models import Essay
from tests.factories import EssayFactory, SeriesFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2024, 6, 1, 12, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)
COLUMNS = ("pk", "title", "slug", "date", "announced", "publish_at", "expire_at")


def live_essays(now):
    return Essay.objects.published(now).order_by("pk").values_list(*COLUMNS)


def typed(rows):
    """Rows with the Python type of each value: True and 1, or a date and its text, differ."""
    return [tuple((value, type(value)) for value in row) for row in rows]


@pytest.fixture
def essays():
    """Essays whose visibility depends on the moment read at."""
    return {
        "always": EssayFactory(title="Always there", announced=True),
        "scheduled": EssayFactory(
            title="Scheduled", publish_at=NOW + DAY + datetime.timedelta(microseconds=7)
        ),
        "expiring": EssayFactory(title="Taken down tomorrow", expire_at=NOW + DAY),
        "draft": EssayFactory(title="A draft", status=Status.DRAFT),
    }


def titles(rows):
    return {row[1] for row in rows}


def test_rows_are_what_the_orm_reads_at_each_moment_the_request_gives(essays):
    live = PreparedQuery(Essay, live_essays, now=datetime.datetime)
    # Each moment gives a different set, and an earlier moment comes back last: neither the
    # stand-in values nor the first call's moment may stay in the query.
    expected = [
        (NOW, {"Always there", "Taken down tomorrow"}),
        (NOW + DAY + datetime.timedelta(microseconds=7), {"Always there", "Scheduled"}),
        (NOW + DAY + datetime.timedelta(microseconds=6), {"Always there"}),
        (NOW + 3 * DAY, {"Always there", "Scheduled"}),
        (NOW - 300 * DAY, {"Always there", "Taken down tomorrow"}),
    ]
    for moment, visible in expected:
        rows = live.rows(now=moment)
        assert titles(rows) == visible, moment
        assert typed(rows) == typed(live_essays(moment)), moment


def test_a_moment_in_another_time_zone_is_the_same_instant(essays):
    live = PreparedQuery(Essay, live_essays, now=datetime.datetime)
    in_samoa = (NOW + DAY).astimezone(zoneinfo.ZoneInfo("Pacific/Apia"))
    rows = live.rows(now=in_samoa)
    assert titles(rows) == {"Always there"}  # taken down at that instant; not yet scheduled
    assert typed(rows) == typed(live_essays(in_samoa))


def test_dates_datetimes_and_booleans_come_back_as_python_values(essays):
    live = PreparedQuery(Essay, live_essays, now=datetime.datetime)
    [row] = [row for row in live.rows(now=NOW + 3 * DAY) if row[1] == "Scheduled"]
    _, _, _, date, announced, publish_at, expire_at = row
    assert date == datetime.date(2022, 2, 24) and type(date) is datetime.date
    assert announced is False
    assert publish_at == essays["scheduled"].publish_at and publish_at.tzinfo is not None
    assert expire_at is None


def test_str_and_int_values_are_each_requests_own(essays):
    other_series = SeriesFactory(title="Elsewhere")
    EssayFactory(title="O'Brien's; DROP TABLE", slug="obrien", series=other_series)

    def by_slug(slug):
        return Essay.objects.filter(slug=slug).values_list("pk", "title")

    def in_series(series_id):
        return Essay.objects.filter(series_id=series_id).order_by("pk").values_list("title")

    slug_query = PreparedQuery(Essay, by_slug, slug=str)
    for slug in ("obrien", essays["draft"].slug, "no-such-essay", "\x1fprepared-query-a"):
        assert slug_query.rows(slug=slug) == list(by_slug(slug)), slug
    assert slug_query.rows(slug="obrien") == [
        (Essay.objects.get(slug="obrien").pk, "O'Brien's; DROP TABLE")
    ]

    series_query = PreparedQuery(Essay, in_series, series_id=int)
    for series_id in (other_series.pk, essays["always"].series_id, 0):
        assert series_query.rows(series_id=series_id) == list(in_series(series_id)), series_id
    assert series_query.rows(series_id=other_series.pk) == [("O'Brien's; DROP TABLE",)]


def test_each_shape_is_compiled_on_its_own(essays):
    EssayFactory.create_batch(3)

    def page(offset, limit, now):
        return live_essays(now)[offset : offset + limit]

    pages = PreparedQuery(Essay, page, now=datetime.datetime)
    for offset, limit in [(0, 2), (2, 2), (4, 2), (0, 5), (2, 2)]:
        assert pages.rows(offset, limit, now=NOW) == list(page(offset, limit, NOW)), offset
    assert [row[1] for row in pages.rows(0, 2, now=NOW)] != [
        row[1] for row in pages.rows(2, 2, now=NOW)
    ]
    assert len(pages.rows(4, 2, now=NOW)) == 1  # five live essays: the last page is partial

    def visible(with_drafts, now):
        return (
            Essay.objects.visible(with_drafts=with_drafts, at=now)
            .order_by("pk")
            .values_list("title")
        )

    visibility = PreparedQuery(Essay, visible, now=datetime.datetime)
    for with_drafts in (False, True, False):
        assert visibility.rows(with_drafts, now=NOW) == list(visible(with_drafts, NOW))
    assert ("A draft",) in visibility.rows(True, now=NOW)
    assert ("A draft",) not in visibility.rows(False, now=NOW)


def test_each_run_is_exactly_one_query(essays, django_assert_num_queries):
    live = PreparedQuery(Essay, live_essays, now=datetime.datetime)
    with django_assert_num_queries(1):  # compiling the query reads nothing
        live.rows(now=NOW)
    with django_assert_num_queries(1):
        live.rows(now=NOW + DAY)


def test_a_page_past_nothing_is_empty_without_asking_the_database(
    essays, django_assert_num_queries
):
    def page(offset, limit, now):
        return live_essays(now)[offset : offset + limit]

    pages = PreparedQuery(Essay, page, now=datetime.datetime)
    with django_assert_num_queries(0):
        assert pages.rows(0, 0, now=NOW) == []
        assert pages.rows(0, 0, now=NOW + DAY) == []
    assert list(page(0, 0, NOW)) == []


def essays_up_to(value):
    return Essay.objects.order_by("pk").values_list("pk")[:value]


def test_a_query_whose_sql_changes_with_its_value_is_refused():
    query = PreparedQuery(Essay, essays_up_to, value=int)
    with pytest.raises(ImproperlyConfigured, match="SQL changes with its values.*shape") as error:
        query.rows(value=1)
    assert "essays_up_to" in str(error.value)


def test_a_query_that_matches_nothing_for_some_values_only_is_refused():
    # As a build deriving its slice from `count` might: empty for one stand-in, not the other.
    limits = iter([0, 1])
    query = PreparedQuery(
        Essay, lambda count: Essay.objects.values_list("pk")[: next(limits)], count=int
    )
    with pytest.raises(ImproperlyConfigured, match="matches anything depends on its values"):
        query.rows(count=3)


def test_two_values_of_one_type_each_go_to_their_own_place(essays):
    always, expiring = essays["always"], essays["expiring"]
    query = PreparedQuery(
        Essay,
        lambda first, second: (
            Essay.objects.filter(pk__in=[first, second]).order_by("pk").values_list("title")
        ),
        first=int,
        second=int,
    )
    assert query.rows(first=always.pk, second=expiring.pk) == [
        ("Always there",),
        ("Taken down tomorrow",),
    ]
    assert query.rows(first=expiring.pk, second=expiring.pk) == [("Taken down tomorrow",)]


@pytest.mark.parametrize(
    ("now", "error"),
    [(None, TypeError), (NOW.replace(tzinfo=None), ValueError)],
    ids=["none", "naive"],
)
def test_a_moment_must_be_a_time_zone_aware_datetime(now, error, django_assert_num_queries):
    query = PreparedQuery(
        Essay, lambda now: Essay.objects.published(now).values_list("pk"), now=datetime.datetime
    )
    with django_assert_num_queries(0), pytest.raises(error):
        query.rows(now=now)


def test_a_value_changed_before_it_reaches_the_query_is_refused():
    def the_next_essay(essay_id):
        return Essay.objects.filter(pk=essay_id + 1).values_list("pk")

    query = PreparedQuery(Essay, the_next_essay, essay_id=int)
    with pytest.raises(ImproperlyConfigured, match="parameter 0 is not one of its values"):
        query.rows(essay_id=1)


@pytest.mark.parametrize("kind", [float, datetime.date, bool, list])
def test_a_value_of_an_unsupported_type_is_refused(kind):
    with pytest.raises(ImproperlyConfigured, match="cannot take values of type"):
        PreparedQuery(Essay, lambda value: Essay.objects.values_list("pk"), value=kind)


@pytest.mark.parametrize(
    "values",
    [{}, {"slug": "x"}, {"slug": "x", "now": NOW, "extra": 1}, {"Slug": "x", "now": NOW}],
    ids=["none", "one missing", "one too many", "misspelled"],
)
def test_wrong_values_are_a_type_error_before_any_query(values, django_assert_num_queries):
    query = PreparedQuery(
        Essay,
        lambda slug, now: Essay.objects.published(now).filter(slug=slug).values_list("pk"),
        slug=str,
        now=datetime.datetime,
    )
    with django_assert_num_queries(0), pytest.raises(TypeError, match="takes exactly"):
        query.rows(**values)


def test_shapes_past_the_bound_are_forgotten_and_compiled_again(essays, monkeypatch):
    monkeypatch.setattr(prepared, "MAX_SHAPES", 2)
    query = PreparedQuery(
        Essay,
        lambda offset, now: (
            Essay.objects.published(now).order_by("pk").values_list("title")[offset : offset + 1]
        ),
        now=datetime.datetime,
    )
    expected = [list(live_essays(NOW).values_list("title"))[n : n + 1] for n in range(3)]
    for _ in range(2):
        assert [query.rows(offset, now=NOW) for offset in range(3)] == expected
    assert len(query._compiled) == 2
