"""What readers see of the portfolio: the filtered list, each case study in full, and the essays
and case studies that mention each other."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from civicdata.publishing import Status
from portfolio.models import Stage
from tests.factories import (
    CaseStudyFactory,
    DataSourceFactory,
    PartnerFactory,
    SectionFactory,
    TopicFactory,
    UserFactory,
)
from tests.public_factories import EditorFactory, WrittenEssayFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def png_upload(name="hero.png", size=(8, 4)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def jpeg_upload(name="hero.jpg", size=(2000, 1000)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def stored_files(media_root):
    return {path for path in media_root.rglob("*") if path.is_file()}


def essay_linking_to(case_study, render, **kwargs):
    """A published essay whose text links to the case study, rendered (its link recorded)."""
    essay = WrittenEssayFactory(sections=0, **kwargs)
    SectionFactory(
        essay=essay,
        position=1,
        heading="",
        body=f"As [the county project]({case_study.get_absolute_url()}) showed.",
    )
    return render(essay)


def section(html, css_class):
    match = re.search(rf'<section class="{css_class}"[^>]*>.*?</section>', html, re.S)
    return match.group(0) if match else ""


@pytest.fixture
def case_study(render):
    """A published case study with partners, data sources, topics, the people in the data and
    related essays (one a draft), as readers get it."""
    case_study = CaseStudyFactory(
        title="Recidivism data sharing",
        slug="recidivism-data-sharing",
        summary="A county pools data to understand recidivism.",
        body="## The question\n\nHow do people move through the system?",
        stage=Stage.HANDED_OVER,
        data_subjects="People booked into the county jail.",
        protections="Linked on hashed identifiers.\n\nSmall counts suppressed.",
        results_used_by="The coordinating council.",
        funding_model="A two-year foundation grant.",
        outcomes="Pre-trial diversion expanded.",
    )
    PartnerFactory(case_study=case_study, organization="Sheriff's office", role="Jail records")
    PartnerFactory(case_study=case_study, organization="County courts", role="")
    DataSourceFactory(
        case_study=case_study,
        name="Jail bookings",
        owner="Sheriff's office",
        description="Every booking.",
        limitations="Bookings record what deputies did, not what people did.",
    )
    case_study.topics.add(TopicFactory(name="Criminal justice"), TopicFactory(name="Data sharing"))
    published = render(WrittenEssayFactory(title="What is different"))
    draft = render(WrittenEssayFactory(title="Secret draft essay", status=Status.DRAFT))
    case_study.related_essays.add(published, draft)
    return render(case_study)


# ---- The list --------------------------------------------------------------------------------


def test_portfolio_lists_published_case_studies_newest_first(client, case_study):
    older = CaseStudyFactory(title="Older study", date="2020-01-01")
    CaseStudyFactory(title="Secret draft case study", status=Status.DRAFT)
    response = client.get("/portfolio/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(case_study.title) < html.index(older.title)
    assert f'href="{case_study.get_absolute_url()}"' in html
    assert "A county pools data to understand recidivism." in html
    assert '<time datetime="2023-05-01">1 May 2023</time>' in html
    assert "Secret draft case study" not in html


def test_portfolio_says_so_when_nothing_is_published_yet(client):
    html = client.get("/portfolio/").content.decode()
    assert "No case studies are published yet." in html
    assert "<form" not in html.split("<main", 1)[1]  # no filters for an empty portfolio


def test_each_card_shows_the_stage_and_topics_that_filter_the_list(client, case_study):
    html = client.get("/portfolio/").content.decode()
    assert "Stage: Handed over" in html
    assert '<a href="/portfolio/?topic=criminal-justice">Criminal justice</a>' in html


def titles_listed(client, query):
    html = client.get("/portfolio/", query).content.decode()
    return re.findall(r'<h2 class="card-title"><a href="[^"]+">([^<]+)</a></h2>', html)


@pytest.fixture
def portfolio(case_study):
    housing = TopicFactory(name="Housing")
    pilot = CaseStudyFactory(title="Eviction records pilot", stage=Stage.PILOT)
    pilot.topics.add(housing)
    running = CaseStudyFactory(title="Shelter census", stage=Stage.RUNNING)
    running.topics.add(housing, TopicFactory(name="Data sharing"))
    draft = CaseStudyFactory(title="Draft on schools", status=Status.DRAFT)
    draft.topics.add(TopicFactory(name="Schools"))
    return {"case_study": case_study, "pilot": pilot, "running": running}


def test_portfolio_filters_by_topic(client, portfolio):
    assert titles_listed(client, {"topic": "housing"}) == [
        "Eviction records pilot",
        "Shelter census",
    ]
    assert titles_listed(client, {"topic": "data-sharing"}) == [
        "Recidivism data sharing",
        "Shelter census",
    ]


def test_portfolio_filters_by_stage(client, portfolio):
    assert titles_listed(client, {"stage": "pilot"}) == ["Eviction records pilot"]
    assert titles_listed(client, {"stage": "handed_over"}) == ["Recidivism data sharing"]


def test_portfolio_filters_by_topic_and_stage_together(client, portfolio):
    assert titles_listed(client, {"topic": "housing", "stage": "running"}) == ["Shelter census"]
    html = client.get("/portfolio/", {"topic": "housing", "stage": "ended"}).content.decode()
    assert "No published case study matches these filters." in html


def test_filter_form_is_labelled_keeps_the_choice_and_says_what_is_shown(client, portfolio):
    html = client.get("/portfolio/", {"topic": "housing", "stage": "pilot"}).content.decode()
    form = re.search(r'<form class="filters".*?</form>', html, re.S).group(0)
    assert 'method="get"' in form
    assert '<label for="filter-topic">Topic</label>' in form
    assert '<select id="filter-topic" name="topic">' in form
    assert '<label for="filter-stage">Stage</label>' in form
    assert '<option value="housing" selected>Housing</option>' in form
    assert '<option value="pilot" selected>Pilot</option>' in form
    assert '<button type="submit">' in form
    assert "Showing 1 case study about “Housing” at the pilot stage." in form
    assert '<a href="/portfolio/">Show all</a>' in form


def test_only_topics_of_published_case_studies_are_offered(client, portfolio):
    html = client.get("/portfolio/").content.decode()
    assert '<option value="housing">Housing</option>' in html
    assert "Schools" not in html


def test_an_unknown_filter_is_explained_and_filters_nothing(client, portfolio):
    response = client.get("/portfolio/", {"topic": "schools", "stage": "pilot"})
    html = response.content.decode()
    assert response.status_code == 404  # no such page: neither kept nor indexed
    assert "No published case study has this topic." in html
    assert 'aria-invalid="true" aria-describedby="filter-topic-error"' in html
    assert titles_listed(client, {"topic": "schools", "stage": "pilot"}) == [
        "Eviction records pilot"
    ]
    assert "Draft on schools" not in html


# ---- One case study --------------------------------------------------------------------------


def test_case_study_shows_title_date_summary_and_body(client, case_study):
    response = client.get(case_study.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Recidivism data sharing</h1>" in html
    assert '<time datetime="2023-05-01">1 May 2023</time>' in html
    assert "A county pools data to understand recidivism." in html
    assert "<h2>The question</h2>" in html
    assert html.count("<h1") == 1


def test_case_study_lists_its_partners_in_order_with_their_roles(client, case_study):
    partners = section(client.get(case_study.get_absolute_url()).content.decode(), "partners")
    assert "<li><strong>Sheriff&#39;s office</strong> — Jail records</li>" in partners
    assert "<li><strong>County courts</strong></li>" in partners
    assert partners.index("Sheriff") < partners.index("County courts")


def test_case_study_says_plainly_how_each_data_source_misrepresents_reality(client, case_study):
    DataSourceFactory(
        case_study=case_study, name="Probation records", owner="", description="", limitations="x"
    )
    html = client.get(case_study.get_absolute_url()).content.decode()
    sources = re.search(r'<section class="data-sources".*?</section>\n</section>', html, re.S)
    sources = sources.group(0)
    assert '<h2 id="data-sources-heading">Data sources</h2>' in sources
    assert "<h3>Jail bookings</h3>" in sources
    assert "<dt>Held by</dt>\n<dd>Sheriff&#39;s office</dd>" in sources
    assert "<dt>What it records</dt>\n<dd><p>Every booking.</p></dd>" in sources
    assert (
        '<dt>How these data misrepresent reality</dt>\n<dd class="limitations">'
        "<p>Bookings record what deputies did, not what people did.</p></dd>"
    ) in sources
    assert sources.index("Jail bookings") < sources.index("Probation records")
    probation = sources[sources.index("Probation records") :]
    assert "Held by" not in probation and "What it records" not in probation


def test_case_study_shows_who_the_data_describe_and_who_used_the_results(client, case_study):
    html = client.get(case_study.get_absolute_url()).content.decode()
    people = section(html, "data-subjects")
    assert "<p>People booked into the county jail.</p>" in people
    assert "<h3>How they were protected</h3>" in people
    assert "<p>Linked on hashed identifiers.</p>\n\n<p>Small counts suppressed.</p>" in people
    assert "<p>The coordinating council.</p>" in section(html, "results-used-by")
    assert "<p>Pre-trial diversion expanded.</p>" in section(html, "outcomes")
    assert "<p>A two-year foundation grant.</p>" in section(html, "funding")


def test_case_study_shows_its_stage_and_topics_as_filter_links(client, case_study):
    html = client.get(case_study.get_absolute_url()).content.decode()
    assert 'Stage: <a href="/portfolio/?stage=handed_over">Handed over</a>' in html
    assert '<a href="/portfolio/?topic=data-sharing">Data sharing</a>' in html


def test_empty_fields_leave_no_empty_headings(client, render):
    bare = render(CaseStudyFactory(title="Bare"))
    html = client.get(bare.get_absolute_url()).content.decode()
    for heading in ("Partners", "Data sources", "The people in the data", "Outcomes", "Funding"):
        assert f">{heading}</h2>" not in html
    assert "Stage:" not in html and 'class="topics"' not in html


def test_case_study_links_to_its_published_related_essays_only(client, case_study):
    html = client.get(case_study.get_absolute_url()).content.decode()
    assert re.search(r'<a href="/essays/[-\w]+/">What is different</a>', html)
    assert "Secret draft essay" not in html


def test_case_study_links_the_published_essays_whose_text_cites_it(client, case_study, render):
    citing = essay_linking_to(case_study, render, title="Lessons from the county")
    essay_linking_to(case_study, render, title="A draft citing it", status=Status.DRAFT)
    html = client.get(case_study.get_absolute_url()).content.decode()
    related = section(html, "related")
    assert f'<a href="{citing.get_absolute_url()}">Lessons from the county</a>' in related
    assert "What is different" in related  # listed as related by an editor
    assert "A draft citing it" not in html


def test_an_essay_both_citing_and_related_is_listed_once(client, case_study, render):
    citing = essay_linking_to(case_study, render, title="Both ways")
    case_study.related_essays.add(citing)
    html = client.get(case_study.get_absolute_url()).content.decode()
    assert html.count(">Both ways</a>") == 1


def test_essay_page_lists_the_published_case_studies_its_text_mentions(client, case_study, render):
    essay = essay_linking_to(case_study, render, title="Citing essay")
    draft = CaseStudyFactory(title="Secret draft case study", slug="secret", status=Status.DRAFT)
    SectionFactory(essay=essay, position=2, heading="More", body="And [this](/portfolio/secret/).")
    listed = CaseStudyFactory(title="Listed as related")
    listed.related_essays.add(essay)
    render(essay)
    html = client.get(essay.get_absolute_url()).content.decode()
    related = section(html, "related")
    assert f'<a href="{case_study.get_absolute_url()}">Recidivism data sharing</a>' in related
    assert "Listed as related" in related
    assert draft.title not in html


# ---- Images ----------------------------------------------------------------------------------


def hero_case_study(render, size=(2000, 100)):  # wider than every rendition, few pixels
    case_study = CaseStudyFactory(
        hero_image=jpeg_upload(size=size), hero_image_alt="Agencies around a table"
    )
    return render(case_study)


def test_hero_image_is_served_in_several_widths_with_its_size_and_alt_text(client, render):
    case_study = hero_case_study(render)
    html = client.get(case_study.get_absolute_url()).content.decode()
    picture = re.search(r"<picture>.*?</picture>", html, re.S).group(0)
    source = re.search(r"<source [^>]*>", picture).group(0)
    image = re.search(r"<img [^>]*>", picture).group(0)
    assert 'type="image/webp"' in source
    assert re.findall(r"/media/renditions/[0-9a-f/]+/(\d+)w\.webp (\d+)w", source) == [
        (width, width) for width in ("480", "800", "1200", "1600")
    ]
    assert 'sizes="(min-width: 44rem) 40rem, 100vw"' in source
    assert re.findall(r"/(\d+)w\.jpg (\d+)w", image) == [
        (width, width) for width in ("480", "800", "1200", "1600")
    ]
    assert 'width="2000" height="100"' in image
    assert 'alt="Agencies around a table"' in image
    assert 'class="hero"' in image


def test_hero_image_at_the_top_is_fetched_first_not_lazily(client, render):
    image = re.search(
        r"<img [^>]*>", client.get(hero_case_study(render).get_absolute_url()).content.decode()
    ).group(0)
    assert 'fetchpriority="high"' in image
    assert "loading=" not in image


def test_images_in_the_text_load_lazily_with_their_size(client, render, media_root):
    case_study = hero_case_study(render)
    (media_root / "markdown-images").mkdir(parents=True)
    Image.new("RGB", (900, 60), "navy").save(media_root / "markdown-images" / "chart.png")
    case_study.body = "Text.\n\n![A bar chart](/media/markdown-images/chart.png)"
    case_study.save()
    render(case_study)
    html = client.get(case_study.get_absolute_url()).content.decode()
    body = re.search(r'<div class="prose case-study-body">.*?</div>', html, re.S).group(0)
    image = re.search(r"<img [^>]*>", body).group(0)
    assert 'loading="lazy"' in image
    assert 'width="900" height="60"' in image
    assert 'alt="A bar chart"' in image
    assert re.search(r'<source type="image/webp" srcset="[^"]*/480w\.webp 480w', body)


def test_a_small_hero_image_is_never_upscaled(client, render):
    html = client.get(hero_case_study(render, size=(600, 30)).get_absolute_url())
    picture = re.search(r"<picture>.*?</picture>", html.content.decode(), re.S).group(0)
    assert re.findall(r"(\d+)w\.webp", picture) == ["480", "600"]
    assert "1200w" not in picture and "800w" not in picture


def test_renditions_are_made_once_not_on_later_views_or_saves(client, render, media_root):
    case_study = hero_case_study(render)
    files = stored_files(media_root)
    assert len(files) == 1 + 4 + 4  # the original, 4 WebP and 4 JPEG widths
    for _ in range(2):
        assert client.get(case_study.get_absolute_url()).status_code == 200
    render(case_study)
    render(case_study)
    assert stored_files(media_root) == files


def test_hero_image_changed_without_rendering_is_shown_plainly_until_rendered(client, render):
    case_study = hero_case_study(render)
    case_study.hero_image = png_upload(name="new.png")
    case_study.save()
    html = client.get(case_study.get_absolute_url()).content.decode()
    image = re.search(r'<img [^>]*class="hero"[^>]*>', html).group(0)
    assert f'src="{case_study.hero_image.url}"' in image
    assert "<picture>" not in html


def test_case_study_without_hero_image_has_no_empty_image(client, case_study):
    html = client.get(case_study.get_absolute_url()).content.decode()
    assert "<img" not in html and "<picture" not in html


# ---- Drafts ----------------------------------------------------------------------------------


@pytest.fixture
def draft_case_study(render):
    return render(CaseStudyFactory(title="Secret draft case study", status=Status.DRAFT))


def test_draft_case_study_is_not_found_by_readers(client, draft_case_study):
    assert client.get(draft_case_study.get_absolute_url()).status_code == 404


def test_draft_case_study_is_not_found_by_staff_who_may_not_change_it(client, draft_case_study):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(draft_case_study.get_absolute_url()).status_code == 404


def test_editor_previews_a_draft_case_study_under_a_banner_never_cached(client, draft_case_study):
    client.force_login(EditorFactory())
    response = client.get(draft_case_study.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Secret draft case study</h1>" in html
    assert "Draft — not visible to readers" in html
    for directive in ("no-cache", "no-store", "must-revalidate", "private"):
        assert directive in response["Cache-Control"]


def test_published_case_study_shows_no_draft_banner_to_editors(client, case_study):
    client.force_login(EditorFactory())
    response = client.get(case_study.get_absolute_url())
    assert "Draft — not visible to readers" not in response.content.decode()
    assert "no-store" not in response.get("Cache-Control", "")


# ---- Query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 10])
@pytest.mark.parametrize(
    "query", [{}, {"topic": "housing"}, {"stage": "pilot"}, {"topic": "housing", "stage": "x"}]
)
def test_portfolio_list_costs_three_queries_however_many_case_studies(
    client, django_assert_num_queries, size, query
):
    housing = TopicFactory(name="Housing")
    for _ in range(size):
        case_study = CaseStudyFactory(stage=Stage.PILOT)
        PartnerFactory(case_study=case_study)
        case_study.topics.add(housing, TopicFactory())
    CaseStudyFactory(status=Status.DRAFT).topics.add(housing)
    unknown = query.get("stage") == "x"
    # The topics to filter by, the case studies, their topics; a 404 also asks whether the
    # address is an old one (addresses.middleware).
    with django_assert_num_queries(4 if unknown else 3):
        status = client.get("/portfolio/", query).status_code
    assert status == (404 if unknown else 200)


@pytest.mark.parametrize("size", [1, 10])
def test_case_study_page_costs_the_same_queries_however_much_it_holds(
    client, render, django_assert_num_queries, size
):
    case_study = CaseStudyFactory(hero_image=png_upload(), hero_image_alt="A table")
    for _ in range(size):
        PartnerFactory(case_study=case_study)
        DataSourceFactory(case_study=case_study)
        case_study.topics.add(TopicFactory())
        case_study.related_essays.add(render(WrittenEssayFactory()))
        essay_linking_to(case_study, render)
    case_study.related_essays.add(WrittenEssayFactory(status=Status.DRAFT))
    render(case_study)
    # The case study, its partners, data sources, topics, and the essays about it.
    with django_assert_num_queries(5):
        assert client.get(case_study.get_absolute_url()).status_code == 200


def essay_page_queries(client, render, size):
    """How many queries an essay page costs when its text cites `size` case studies and
    editors list it under `size` more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    essay = WrittenEssayFactory(sections=0)
    cited = [render(CaseStudyFactory()) for _ in range(size)]
    SectionFactory(
        essay=essay,
        position=1,
        heading="",
        body=" ".join(f"[Case]({case_study.get_absolute_url()})." for case_study in cited),
    )
    for _ in range(size):
        CaseStudyFactory().related_essays.add(essay)
    render(essay)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(essay.get_absolute_url()).content.decode()
    assert section(html, "related").count('<li><a href="/portfolio/') == 2 * size
    return len(queries)


def test_essay_page_costs_the_same_queries_however_many_case_studies_it_mentions(client, render):
    # The exact number is the essays app's (tests/essays/test_views.py); the case studies an
    # essay mentions, cited or listed, cost one query of it whatever their number.
    assert essay_page_queries(client, render, 1) == essay_page_queries(client, render, 10)
