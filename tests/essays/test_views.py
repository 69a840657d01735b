import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string

from civicdata.publishing import Status
from essays.models import DraftingStatus, Series
from tests.factories import (
    CaseStudyFactory,
    InsetFactory,
    PullquoteFactory,
    SectionFactory,
    SeriesFactory,
    UserFactory,
)
from tests.public_factories import EditorFactory, WrittenEssayFactory

pytestmark = pytest.mark.django_db


# ---- Reading a page's HTML ------------------------------------------------------------------

VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


class PageOutline(HTMLParser):
    """What a validator and a screen reader would notice about a page."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.open_tags = []
        self.problems = []
        self.tags = Counter()
        self.ids = Counter()
        self.headings = []
        self.first_focusable = None
        self.lang = None
        self.feed(html)
        self.close()
        self.problems += [f"unclosed <{tag}>" for tag in self.open_tags]
        self.problems += [f'duplicate id="{id_}"' for id_, n in self.ids.items() if n > 1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags[tag] += 1
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self.tags["json-ld data"] += 1
        if "id" in attrs:
            self.ids[attrs["id"]] += 1
        if "style" in attrs:
            self.problems.append(f"inline style on <{tag}>")
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "img" and not attrs.get("alt"):
            self.problems.append("image without alt text")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        focusable = (tag == "a" and "href" in attrs) or tag in {"button", "input", "select"}
        if focusable and self.first_focusable is None:
            self.first_focusable = attrs.get("href", tag)
        if tag not in VOID_ELEMENTS:
            self.open_tags.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.open_tags.pop()

    def handle_endtag(self, tag):
        if self.open_tags and self.open_tags[-1] == tag:
            self.open_tags.pop()
        else:
            self.problems.append(f"stray </{tag}> (open: {self.open_tags[-3:]})")

    @property
    def skipped_heading_levels(self):
        return [
            f"h{before} then h{after}"
            for before, after in zip(self.headings, self.headings[1:], strict=False)
            if after > before + 1
        ]


def contents_links(html):
    """The anchors the table of contents links to, in order."""
    toc = re.search(r'<nav class="toc" aria-label="Contents">(.*?)</nav>', html, re.S)
    return re.findall(r'href="#([^"]+)"', toc.group(1)) if toc else []


def series_links(html):
    """(rel, title) of the previous/next links in the series navigation."""
    nav = re.search(r'<nav class="series-nav" aria-label="Series">(.*?)</nav>', html, re.S)
    return re.findall(r'rel="(prev|next)">([^<]+)</a>', nav.group(1))


# ---- A small site to read -------------------------------------------------------------------


@pytest.fixture
def site(render):
    """Two series with published essays and drafts, an essay with every part, a case study."""
    main = SeriesFactory(title="Data in civil society", description="Why *data* differs.")
    other = SeriesFactory(title="Working in the open")
    first = WrittenEssayFactory(
        series=main, series_position=1, title="Why civil society", authors=["Aman"]
    )
    draft = WrittenEssayFactory(
        series=main, series_position=2, title="Secret draft essay", status=Status.DRAFT
    )
    essay = WrittenEssayFactory(
        series=main,
        series_position=3,
        title="What is different",
        authors=["Aman", "Bea", "Chen"],
        summary="How civil society data initiatives differ.",
        sections=0,
    )
    opening = SectionFactory(essay=essay, position=1, heading="", body="Having acknowledged.")
    teams = SectionFactory(
        essay=essay,
        position=2,
        heading="Multiple teams collaborating",
        body="Many teams.\n\nWith incentives.[^1]\n\n[^1]: And power dynamics.",
    )
    SectionFactory(
        essay=essay,
        position=3,
        heading="Rethinking the role of data",
        body="Secret draft notes",
        drafting_status=DraftingStatus.PLACEHOLDER,
        editor_note="Ask Aman before publishing",
    )
    InsetFactory(essay=essay, section=None, body="In short:\n* teams\n* incentives")
    PullquoteFactory(essay=essay, section=teams, after_paragraph=1, body="A renewed promise.")
    PullquoteFactory(essay=essay, section=opening, after_paragraph=0, body="Fresh ideas.")
    last = WrittenEssayFactory(series=main, series_position=4, title="Data, truth and reality")
    elsewhere = WrittenEssayFactory(series=other, series_position=1, title="Open by default")
    case_study = CaseStudyFactory(title="Recidivism data sharing")
    case_study.related_essays.add(essay)
    draft_case_study = CaseStudyFactory(title="Secret draft case study", status=Status.DRAFT)
    draft_case_study.related_essays.add(essay)
    for item in (first, draft, essay, last, elsewhere):
        render(item)
    render(case_study)
    return {
        "main": main,
        "other": other,
        "first": first,
        "draft": draft,
        "essay": essay,
        "last": last,
        "elsewhere": elsewhere,
        "case_study": case_study,
    }


# ---- Home ------------------------------------------------------------------------------------


def test_home_introduces_each_series_with_its_description_and_essays_in_order(client, site):
    html = client.get("/").content.decode()
    assert "Why <em>data</em> differs." in html
    titles = ["Data in civil society", "Why civil society", "What is different"]
    titles += ["Data, truth and reality", "Working in the open", "Open by default"]
    positions = [html.index(title) for title in titles]
    assert positions == sorted(positions)


def test_home_shows_each_essays_summary_date_and_byline(client, site):
    html = client.get("/").content.decode()
    assert "How civil society data initiatives differ." in html
    assert '<time datetime="2022-02-24">24 February 2022</time>' in html
    assert "By Aman, Bea and Chen" in html
    assert f'href="{site["essay"].get_absolute_url()}"' in html


def test_home_lists_an_essay_without_a_series_under_the_default_series(client, render):
    essay = render(WrittenEssayFactory(series=Series.get_default(), title="Unfiled essay"))
    html = client.get("/").content.decode()
    default = Series.get_default()
    assert html.index(default.title) < html.index(essay.title)
    assert f'href="{default.get_absolute_url()}"' in html


def test_home_shows_the_first_essays_of_a_long_series_and_links_to_all_of_them(
    client, site, settings
):
    settings.CIVICDATA_HOME_ESSAYS_PER_SERIES = 2
    html = client.get("/").content.decode()
    assert "Why civil society" in html and "What is different" in html
    assert "Data, truth and reality" not in html  # the main series' third published essay
    assert "Secret draft essay" not in html
    more = f'<a href="{site["main"].get_absolute_url()}">All 3 essays in Data in civil society</a>'
    assert more in html
    assert "Open by default" in html
    assert "All 1 essays" not in html  # a series shown whole gets no such link


def test_home_links_to_the_portfolio(client, site):
    assert 'href="/portfolio/"' in client.get("/").content.decode()


def test_home_says_so_when_nothing_is_published_yet(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "No essays are published yet." in response.content.decode()


# ---- Essay list and series page ---------------------------------------------------------------


def test_essay_list_groups_essays_by_series_in_series_order(client, site):
    html = client.get("/essays/").content.decode()
    titles = ["Data in civil society", "Why civil society", "What is different"]
    titles += ["Data, truth and reality", "Working in the open", "Open by default"]
    positions = [html.index(title) for title in titles]
    assert positions == sorted(positions)


def test_essay_list_is_read_a_page_at_a_time(client, site, settings):
    settings.CIVICDATA_ESSAYS_PER_PAGE = 2
    first = client.get("/essays/").content.decode()
    assert "Why civil society" in first and "What is different" in first
    assert "Data, truth and reality" not in first
    assert "Page 1 of 2" in first
    assert '<a href="/essays/page/2/" rel="next">Next page</a>' in first
    second = client.get("/essays/page/2/").content.decode()
    assert "Data, truth and reality" in second and "Open by default" in second
    assert "Why civil society" not in second and "Secret draft essay" not in second
    assert '<a href="/essays/" rel="prev">Previous page</a>' in second
    assert "<title>Essays, page 2 — " in second
    assert 'rel="next"' not in second


def test_the_essay_lists_first_page_has_one_address(client, site, settings):
    settings.CIVICDATA_ESSAYS_PER_PAGE = 2
    response = client.get("/essays/page/1/")
    assert response.status_code == 301
    assert response["Location"] == "/essays/"


@pytest.mark.parametrize("url", ["/essays/page/3/", "/essays/page/0/", "/essays/page/99999/"])
def test_a_page_of_the_essay_list_past_its_end_is_not_found(client, site, settings, url):
    settings.CIVICDATA_ESSAYS_PER_PAGE = 2
    assert client.get(url).status_code == 404


def test_a_short_essay_list_has_no_page_links(client, site):
    html = client.get("/essays/").content.decode()
    assert "Next page" not in html and "Page 1 of" not in html


def test_series_page_shows_its_description_and_only_its_essays_in_order(client, site):
    response = client.get(site["main"].get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Why <em>data</em> differs." in html
    titles = ["Why civil society", "What is different", "Data, truth and reality"]
    positions = [html.index(title) for title in titles]
    assert positions == sorted(positions)
    assert "Open by default" not in html


def test_series_with_nothing_published_is_not_found(client):
    series = SeriesFactory(title="Coming later")
    WrittenEssayFactory(series=series, status=Status.DRAFT)
    assert client.get(series.get_absolute_url()).status_code == 404
    assert "Coming later" not in client.get("/").content.decode()


def test_unknown_series_is_not_found(client):
    assert client.get("/series/no-such-series/").status_code == 404


# ---- Drafts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["/", "/essays/", "series", "essay", "case_study"])
def test_draft_essay_appears_on_no_public_page(client, site, page):
    url = {
        "series": site["main"].get_absolute_url(),
        "essay": site["first"].get_absolute_url(),
        "case_study": site["case_study"].get_absolute_url(),
    }.get(page, page)
    response = client.get(url)
    assert response.status_code == 200
    assert "Secret draft essay" not in response.content.decode()


def test_draft_essay_is_not_found_by_readers(client, site):
    assert client.get(site["draft"].get_absolute_url()).status_code == 404


def test_draft_essay_is_not_found_by_staff_who_may_not_change_essays(client, site):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(site["draft"].get_absolute_url()).status_code == 404


def test_draft_case_study_is_not_listed_under_the_essay(client, site):
    html = client.get(site["essay"].get_absolute_url()).content.decode()
    assert "Recidivism data sharing" in html
    assert "Secret draft case study" not in html


def test_editor_previews_a_draft_under_a_banner_and_it_is_never_cached(client, site):
    client.force_login(EditorFactory())
    response = client.get(site["draft"].get_absolute_url())
    assert response.status_code == 200
    assert "Secret draft essay" in response.content.decode()
    assert "Draft — not visible to readers" in response.content.decode()
    cache_control = response["Cache-Control"]
    for directive in ("no-cache", "no-store", "must-revalidate", "private"):
        assert directive in cache_control


def test_superuser_previews_a_draft_too(admin_client, site):
    response = admin_client.get(site["draft"].get_absolute_url())
    assert response.status_code == 200
    assert "Draft — not visible to readers" in response.content.decode()


def test_published_essay_shows_no_draft_banner_and_may_be_cached_even_for_editors(client, site):
    client.force_login(EditorFactory())
    response = client.get(site["essay"].get_absolute_url())
    assert "Draft — not visible to readers" not in response.content.decode()
    assert "no-store" not in response.get("Cache-Control", "")


# ---- The essay page -------------------------------------------------------------------------


def test_essay_page_shows_title_byline_date_reading_time_and_summary(client, site):
    response = client.get(site["essay"].get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>What is different</h1>" in html
    assert "By Aman, Bea and Chen" in html
    assert '<time datetime="2022-02-24">24 February 2022</time>' in html
    assert "1 min read" in html
    assert "How civil society data initiatives differ." in html


def test_reading_time_grows_with_the_words_written(client, render):
    essay = WrittenEssayFactory(sections=0)
    SectionFactory(essay=essay, position=1, heading="", body="word " * 660)
    render(essay)
    assert "3 min read" in client.get(essay.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("authors", "byline"),
    [
        (["Ada"], "By Ada<"),
        (["Ada", "Grace"], "By Ada and Grace<"),
        (["Ada", "Grace", "Bea"], "By Ada, Grace and Bea<"),
        (["<b>Ada</b> & Co"], "By &lt;b&gt;Ada&lt;/b&gt; &amp; Co<"),
    ],
)
def test_byline_names_its_authors_naturally_and_as_text(client, render, authors, byline):
    essay = render(WrittenEssayFactory(authors=authors))
    assert byline in client.get(essay.get_absolute_url()).content.decode()


def test_contents_link_to_each_headed_section_in_order(client, site):
    html = client.get(site["essay"].get_absolute_url()).content.decode()
    anchors = contents_links(html)
    assert anchors == ["multiple-teams-collaborating", "rethinking-the-role-of-data"]
    for anchor in anchors:
        assert f'<h2 id="{anchor}">' in html


def test_contents_mark_a_section_that_is_still_being_written(client, site):
    html = client.get(site["essay"].get_absolute_url()).content.decode()
    toc = re.search(r'<nav class="toc".*?</nav>', html, re.S).group(0)
    assert re.search(r"Rethinking the role of data</a>\s*<[^>]+>\(still being written\)", toc)
    assert not re.search(r"Multiple teams collaborating</a>\s*<[^>]+>\(still", toc)


def test_placeholder_section_tells_readers_it_is_still_being_written_and_nothing_else(client, site):
    html = client.get(site["essay"].get_absolute_url()).content.decode()
    assert "This section is still being written." in html
    assert "Secret draft notes" not in html
    assert "Ask Aman before publishing" not in html
    assert "Placeholder." not in html


def test_inset_and_pullquotes_are_set_into_the_essay(client, site):
    html = client.get(site["essay"].get_absolute_url()).content.decode()
    inset = re.search(r'<aside class="inset".*?</aside>', html, re.S).group(0)
    assert "<li>teams</li>" in inset
    assert html.index('class="inset"') < html.index("Having acknowledged.")
    assert html.count('<figure class="pullquote">') == 2
    assert html.index("Many teams.") < html.index("A renewed promise.") < html.index("With ince")


def test_previous_and_next_follow_series_order_and_skip_drafts(client, site):
    html = client.get(site["essay"].get_absolute_url()).content.decode()
    assert series_links(html) == [
        ("prev", "Why civil society"),
        ("next", "Data, truth and reality"),
    ]


def test_first_essay_has_only_a_next_link_and_last_only_a_previous(client, site):
    first = client.get(site["first"].get_absolute_url()).content.decode()
    last = client.get(site["last"].get_absolute_url()).content.decode()
    assert series_links(first) == [("next", "What is different")]
    assert series_links(last) == [("prev", "What is different")]


def test_series_links_never_lead_into_another_series(client, site):
    assert series_links(client.get(site["elsewhere"].get_absolute_url()).content.decode()) == []


def test_related_case_study_is_linked_from_the_essay(client, site):
    html = client.get(site["essay"].get_absolute_url()).content.decode()
    assert f'href="{site["case_study"].get_absolute_url()}"' in html


def test_essay_without_case_studies_has_no_empty_case_studies_heading(client, site):
    assert (
        "<h2>Case studies</h2>" not in client.get(site["first"].get_absolute_url()).content.decode()
    )


# ---- Every page: structure and accessibility ---------------------------------------------------


PAGES = {
    "home": lambda site: "/",
    "essay list": lambda site: "/essays/",
    "series": lambda site: site["main"].get_absolute_url(),
    "essay": lambda site: site["essay"].get_absolute_url(),
    "case study list": lambda site: "/portfolio/",
    "case study": lambda site: site["case_study"].get_absolute_url(),
    "not found": lambda site: "/essays/no-such-essay/",
}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_is_well_formed_html_a_screen_reader_can_navigate(client, site, page):
    response = client.get(PAGES[page](site))
    outline = PageOutline(response.content.decode())
    assert outline.problems == []
    assert outline.lang == "en"
    assert outline.tags["h1"] == 1
    assert outline.headings[0] == 1
    assert outline.skipped_heading_levels == []
    assert outline.first_focusable == "#main"
    assert outline.ids["main"] == 1
    for landmark in ("header", "nav", "main", "footer"):
        assert outline.tags[landmark] >= 1, landmark
    assert outline.tags["main"] == 1
    assert outline.tags["script"] == outline.tags["json-ld data"]  # data, never code


def test_draft_preview_is_well_formed_too(client, site):
    client.force_login(EditorFactory())
    outline = PageOutline(client.get(site["draft"].get_absolute_url()).content.decode())
    assert outline.problems == []
    assert outline.tags["h1"] == 1


def test_pages_use_the_sites_own_stylesheet_and_nothing_from_elsewhere(client, site):
    html = client.get(site["essay"].get_absolute_url()).content.decode()
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html
    assert not re.search(r'(src|href)="(https?:)?//(?!testserver/)', html)


def test_not_found_page_is_in_the_sites_style_with_a_way_back(client):
    response = client.get("/essays/no-such-essay/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in html
    assert 'href="/essays/"' in html and 'href="/portfolio/"' in html


def test_server_error_page_renders_without_any_request_context():
    outline = PageOutline(render_to_string("500.html"))
    assert outline.problems == []
    assert outline.tags["h1"] == 1
    assert outline.first_focusable == "#main"


# ---- Query counts ---------------------------------------------------------------------------


def build_series(render, size):
    """A series of `size` published essays (and a draft), each with `size` authors and
    sections and case studies, so a page's cost can be compared at two sizes."""
    series = SeriesFactory(title=f"Series of {size}")
    essays = []
    for position in range(1, size + 1):
        essay = WrittenEssayFactory(
            series=series,
            series_position=position,
            authors=[f"Author {n}" for n in range(size)],
            sections=size,
        )
        PullquoteFactory(essay=essay, section=essay.sections.last(), body="Quoted.")
        InsetFactory(essay=essay)
        for _ in range(size):
            CaseStudyFactory().related_essays.add(essay)
        essays.append(render(essay))
    WrittenEssayFactory(series=series, series_position=size + 1, status=Status.DRAFT)
    return series, essays


@pytest.mark.parametrize("size", [1, 10])
@pytest.mark.parametrize(
    ("page", "queries"),
    [
        ("home", 2),  # essays with their series, bylines with their authors
        ("essay list", 1),  # essays with their series and authors, and how many there are
        ("series", 3),  # the series, its essays, bylines with their authors
        ("essay", 4),  # essay with series and progress, bylines with authors, case studies, outline
    ],
)
def test_page_costs_the_same_queries_however_much_is_published(
    client, render, django_assert_num_queries, size, page, queries
):
    series, essays = build_series(render, size)
    url = {
        "home": "/",
        "essay list": "/essays/",
        "series": series.get_absolute_url(),
        "essay": essays[len(essays) // 2].get_absolute_url(),
    }[page]
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("number", ["0", "2", "99999999999999999999"])
def test_a_page_of_essays_past_the_last_is_not_found(client, site, number):
    assert client.get(f"/essays/page/{number}/").status_code == 404
