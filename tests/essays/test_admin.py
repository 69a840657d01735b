import pytest
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.views import serve as serve_static
from django.templatetags.static import static
from django.test import RequestFactory
from django.urls import reverse

from civicdata.publishing import Status
from essays.admin import EssayAdmin
from essays.models import Byline, DraftingStatus, Essay, Inset, InternalLink, Pullquote, Section
from tests.admin_pages import form_data
from tests.factories import (
    AuthorFactory,
    BylineFactory,
    EssayFactory,
    InsetFactory,
    PullquoteFactory,
    SectionFactory,
    SeriesFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def essay(render):
    essay = EssayFactory(title="Why data sharing stalls", slug="why-data-sharing-stalls")
    BylineFactory(essay=essay, author=AuthorFactory(name="Ada Okafor"), position=1)
    opening = SectionFactory(essay=essay, position=1, heading="", body="Opening words here.")
    SectionFactory(
        essay=essay,
        position=2,
        heading="Trust",
        body="Agencies hesitate.\n\nLawyers say no.",
        drafting_status=DraftingStatus.DRAFTED,
    )
    SectionFactory(
        essay=essay,
        position=3,
        heading="Rethinking",
        body="",
        drafting_status=DraftingStatus.PLACEHOLDER,
    )
    InsetFactory(essay=essay, section=None, body="In short:\n* one\n* two")
    PullquoteFactory(essay=essay, section=opening, after_paragraph=1, body="Quoted words.")
    render(essay)
    return essay


def change_url(essay):
    return reverse("admin:essays_essay_change", args=[essay.pk])


def inline_prefix(response, model):
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is model:
            return inline.formset.prefix
    raise AssertionError(f"no inline for {model}")


def section_form_index(response, section):
    prefix = inline_prefix(response, Section)
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.prefix == prefix:
            for index, form in enumerate(inline.formset.forms):
                if form.instance.pk == section.pk:
                    return f"{prefix}-{index}"
    raise AssertionError("section not on the page")


def add_section_row(data, response, **fields):
    prefix = inline_prefix(response, Section)
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    row = {"heading_level": "2", "drafting_status": DraftingStatus.DRAFTED, "position": ""}
    row.update(fields)
    for name, value in row.items():
        data[f"{prefix}-{index}-{name}"] = value
    return data


# Pages ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["series", "author", "essay", "internallink"])
def test_admin_lists_open_for_editors(admin_client, essay, model):
    response = admin_client.get(reverse(f"admin:essays_{model}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", ["series", "author", "essay"])
def test_admin_add_pages_open_for_editors(admin_client, model):
    response = admin_client.get(reverse(f"admin:essays_{model}_add"))
    assert response.status_code == 200


def test_admin_change_pages_open_for_editors(admin_client, essay):
    for url in [
        reverse("admin:essays_series_change", args=[essay.series.pk]),
        reverse("admin:essays_author_change", args=[essay.bylines.get().author.pk]),
        change_url(essay),
    ]:
        assert admin_client.get(url).status_code == 200, url


def test_essay_page_edits_bylines_sections_insets_and_pullquotes_in_order(admin_client, essay):
    response = admin_client.get(change_url(essay))
    formsets = {
        inline.formset.model: inline.formset for inline in response.context["inline_admin_formsets"]
    }
    assert list(formsets) == [Byline, Section, Inset, Pullquote]
    assert [form.instance.position for form in formsets[Section].forms] == [1, 2, 3]
    assert "markdownx-editor" in response.content.decode()


def test_essay_page_shows_word_count_reading_time_and_view_on_site(admin_client, essay):
    content = admin_client.get(change_url(essay)).content.decode()
    assert str(essay.word_count) in content
    assert f"{essay.reading_minutes} min" in content
    assert "View on site" in content


def test_essay_page_lists_its_unresolved_internal_links(admin_client, essay, render):
    section = essay.sections.get(position=2)
    section.body = "See [the draft](unwritten-essay.md) and [the study](/portfolio/nowhere/)."
    section.save()
    render(essay)
    content = admin_client.get(change_url(essay)).content.decode()
    assert "unwritten-essay" in content and "the draft" in content
    assert "nowhere" in content and "the study" in content


def test_essay_page_includes_inline_editor_script_after_markdownx(admin_client, essay):
    for url in [change_url(essay), reverse("admin:essays_essay_add")]:
        content = admin_client.get(url).content.decode()
        script = static("js/markdownx-inlines.js")
        assert f'src="{script}"' in content, url
        assert content.index("markdownx/js/markdownx") < content.index(script)


def test_inline_editor_script_is_served_as_a_static_file():
    assert finders.find("js/markdownx-inlines.js")
    response = serve_static(
        RequestFactory().get("/static/js/markdownx-inlines.js"),
        "js/markdownx-inlines.js",
        insecure=True,
    )
    assert response.status_code == 200
    assert b"formset:added" in b"".join(response.streaming_content)


# The list ---------------------------------------------------------------------------------------


def test_list_counts_placeholder_sections_without_a_query_per_row(
    admin_client, essay, django_assert_max_num_queries
):
    changelist = reverse("admin:essays_essay_changelist")
    with django_assert_max_num_queries(50) as one_essay:
        admin_client.get(changelist)
    for _ in range(4):
        other = EssayFactory(series=essay.series)
        SectionFactory(essay=other, drafting_status=DraftingStatus.PLACEHOLDER)
        SectionFactory(essay=other, drafting_status=DraftingStatus.PLACEHOLDER)
    with django_assert_max_num_queries(len(one_essay)):
        response = admin_client.get(changelist)
    counts = {item.pk: item.placeholder_count for item in response.context["cl"].result_list}
    assert counts[essay.pk] == 1
    assert sorted(counts.values()) == [1, 2, 2, 2, 2]


def test_list_sorts_by_placeholder_count(admin_client, essay):
    finished = EssayFactory(series=essay.series)
    SectionFactory(essay=finished)
    column = EssayAdmin.list_display.index("placeholders") + 1
    response = admin_client.get(reverse("admin:essays_essay_changelist"), {"o": f"-{column}"})
    assert [item.pk for item in response.context["cl"].result_list] == [essay.pk, finished.pk]
    response = admin_client.get(reverse("admin:essays_essay_changelist"), {"o": str(column)})
    assert [item.pk for item in response.context["cl"].result_list] == [finished.pk, essay.pk]


def test_list_filters_essays_with_placeholder_sections(admin_client, essay):
    finished = EssayFactory(series=essay.series)
    SectionFactory(essay=finished)
    changelist = reverse("admin:essays_essay_changelist")

    with_placeholders = admin_client.get(changelist, {"has_placeholders": "yes"})
    assert [e.pk for e in with_placeholders.context["cl"].result_list] == [essay.pk]
    without = admin_client.get(changelist, {"has_placeholders": "no"})
    assert [e.pk for e in without.context["cl"].result_list] == [finished.pk]


def test_search_finds_text_inside_a_section_body_once(admin_client, essay):
    SectionFactory(essay=essay, position=4, heading="More", body="Agencies hesitate again.")
    EssayFactory(series=essay.series, title="Unrelated")
    response = admin_client.get(reverse("admin:essays_essay_changelist"), {"q": "hesitate"})
    results = list(response.context["cl"].result_list)
    assert [e.pk for e in results] == [essay.pk]
    assert results[0].placeholder_count == 1  # the search's join does not inflate the count


def test_search_finds_a_section_heading(admin_client, essay):
    response = admin_client.get(reverse("admin:essays_essay_changelist"), {"q": "Rethinking"})
    assert [e.pk for e in response.context["cl"].result_list] == [essay.pk]


# Saving -----------------------------------------------------------------------------------------


def test_saving_the_change_form_rerenders_the_essay(admin_client, essay):
    response = admin_client.get(change_url(essay))
    data = form_data(response)
    row = section_form_index(response, essay.sections.get(position=2))
    data[f"{row}-body"] = "Agencies now *share* data."

    response = admin_client.post(change_url(essay), data)

    assert response.status_code == 302, response.context["errors"]
    essay.refresh_from_db()
    assert "Agencies now <em>share</em> data." in essay.body_html
    assert "Lawyers say no" not in essay.body_html


def test_new_section_without_a_position_goes_at_the_end(admin_client, essay):
    response = admin_client.get(change_url(essay))
    data = add_section_row(form_data(response), response, heading="Afterword", body="The end.")

    response = admin_client.post(change_url(essay), data)

    assert response.status_code == 302, response.context["errors"]
    assert essay.sections.get(heading="Afterword").position == 4
    essay.refresh_from_db()
    assert essay.body_html.index("Rethinking") < essay.body_html.index("Afterword")


def test_two_sections_with_one_position_give_a_form_error(admin_client, essay):
    response = admin_client.get(change_url(essay))
    data = add_section_row(form_data(response), response, heading="Clash", position="2")

    response = admin_client.post(change_url(essay), data)

    assert response.status_code == 200
    assert "Two rows have the same position" in response.content.decode()
    assert not essay.sections.filter(heading="Clash").exists()


def test_sections_can_swap_positions_in_one_save(admin_client, essay):
    trust, rethinking = essay.sections.get(position=2), essay.sections.get(position=3)
    response = admin_client.get(change_url(essay))
    data = form_data(response)
    data[f"{section_form_index(response, trust)}-position"] = "3"
    data[f"{section_form_index(response, rethinking)}-position"] = "2"

    response = admin_client.post(change_url(essay), data)

    assert response.status_code == 302, response.context["errors"]
    trust.refresh_from_db()
    rethinking.refresh_from_db()
    assert (trust.position, rethinking.position) == (3, 2)


def test_deleting_a_section_frees_its_position_for_another(admin_client, essay):
    trust, rethinking = essay.sections.get(position=2), essay.sections.get(position=3)
    response = admin_client.get(change_url(essay))
    data = form_data(response)
    # The row moving comes first on the page, before the row whose number it takes is deleted.
    data[f"{section_form_index(response, trust)}-position"] = "3"
    data[f"{section_form_index(response, rethinking)}-DELETE"] = "on"

    response = admin_client.post(change_url(essay), data)

    assert response.status_code == 302, response.context["errors"]
    assert list(essay.sections.values_list("heading", "position")) == [("", 1), ("Trust", 3)]


def test_second_byline_without_a_position_follows_the_first(admin_client, essay):
    second = AuthorFactory(name="Bea Lindqvist")
    response = admin_client.get(change_url(essay))
    data = form_data(response)
    prefix = inline_prefix(response, Byline)
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data[f"{prefix}-{index}-author"] = str(second.pk)

    response = admin_client.post(change_url(essay), data)

    assert response.status_code == 302, response.context["errors"]
    assert [a.name for a in essay.authors] == ["Ada Okafor", "Bea Lindqvist"]


def test_inset_section_choices_are_this_essays_sections(admin_client, essay):
    other = SectionFactory(heading="Elsewhere")  # in another essay
    response = admin_client.get(change_url(essay))
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model in (Inset, Pullquote):
            field = inline.formset.empty_form.fields["section"]
            assert set(field.queryset) == set(essay.sections.all())
            assert other not in field.queryset
            assert field.empty_label == "Top of the essay"


def test_inset_cannot_be_placed_in_another_essays_section(admin_client, essay):
    other = SectionFactory(heading="Elsewhere")
    response = admin_client.get(change_url(essay))
    data = form_data(response)
    prefix = inline_prefix(response, Inset)
    data[f"{prefix}-0-section"] = str(other.pk)

    response = admin_client.post(change_url(essay), data)

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_new_essay_places_insets_only_at_the_top_and_says_why(admin_client):
    response = admin_client.get(reverse("admin:essays_essay_add"))
    for inline in response.context["inline_admin_formsets"]:
        if "section" in inline.formset.form.base_fields:
            field = inline.formset.empty_form.fields["section"]
            assert list(field.queryset) == []
            assert "no saved sections yet" in field.help_text


def test_adding_an_essay_with_sections_renders_it(admin_client):
    series = SeriesFactory()
    response = admin_client.get(reverse("admin:essays_essay_add"))
    data = form_data(response)
    data.update(
        title="A new essay",
        slug="a-new-essay",
        series=str(series.pk),
        series_position="7",
        date="2024-03-01",
        status=Status.DRAFT,
    )
    data = add_section_row(data, response, heading="", body="First words.")
    data = add_section_row(data, response, heading="Then", body="More words.")
    prefix = inline_prefix(response, Inset)
    data[f"{prefix}-TOTAL_FORMS"] = "1"
    data[f"{prefix}-0-after_paragraph"] = "0"
    data[f"{prefix}-0-body"] = "In short:\n* a"

    response = admin_client.post(reverse("admin:essays_essay_add"), data)

    assert response.status_code == 302, response.context["errors"]
    essay = Essay.objects.get(slug="a-new-essay")
    assert list(essay.sections.values_list("position", flat=True)) == [1, 2]
    assert essay.body_html.index('class="inset"') < essay.body_html.index("First words.")
    assert essay.word_count == 4


# Links to the essay ------------------------------------------------------------------------------


@pytest.fixture
def linking_essay(render):
    """A published essay whose text links to `target-essay`."""
    essay = EssayFactory(slug="linking-essay")
    SectionFactory(essay=essay, position=1, heading="", body="Read [the target](target-essay.md).")
    render(essay)
    return essay


def save_essay(admin_client, essay, **changes):
    response = admin_client.get(change_url(essay))
    data = form_data(response)
    data.update(changes)
    response = admin_client.post(change_url(essay), data)
    assert response.status_code == 302, response.context["errors"]


def test_publishing_an_essay_turns_links_to_it_into_links(admin_client, linking_essay, render):
    target = EssayFactory(slug="target-essay", status=Status.DRAFT)
    render(linking_essay)
    assert "<a" not in linking_essay.body_html

    save_essay(admin_client, target, status=Status.PUBLISHED)

    linking_essay.refresh_from_db()
    assert 'href="/essays/target-essay/"' in linking_essay.body_html
    assert InternalLink.objects.get(target_slug="target-essay").resolved


def test_renaming_an_essay_points_pages_linking_to_the_old_address_at_the_new_one(
    admin_client, linking_essay, render
):
    target = EssayFactory(slug="target-essay")
    render(linking_essay)
    assert 'href="/essays/target-essay/"' in linking_essay.body_html

    save_essay(admin_client, target, slug="renamed-essay")

    linking_essay.refresh_from_db()
    assert "target-essay" not in linking_essay.body_html
    assert 'href="/essays/renamed-essay/"' in linking_essay.body_html


def test_deleting_an_essay_unlinks_pages_pointing_at_it(admin_client, linking_essay, render):
    target = EssayFactory(slug="target-essay")
    render(linking_essay)

    response = admin_client.post(
        reverse("admin:essays_essay_delete", args=[target.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    linking_essay.refresh_from_db()
    assert "<a" not in linking_essay.body_html


def test_deleting_essays_from_the_list_unlinks_pages_and_forgets_their_links(
    admin_client, linking_essay, render
):
    target = EssayFactory(slug="target-essay")
    render(linking_essay)
    # The deleted essay's own links must not linger in the broken-links list.
    own = EssayFactory(slug="doomed")
    SectionFactory(essay=own, position=1, heading="", body="See [x](missing.md).")
    render(own)

    response = admin_client.post(
        reverse("admin:essays_essay_changelist"),
        {"action": "delete_selected", "_selected_action": [target.pk, own.pk], "post": "yes"},
    )

    assert response.status_code == 302
    linking_essay.refresh_from_db()
    assert "<a" not in linking_essay.body_html
    assert not InternalLink.objects.filter(target_slug="missing").exists()


def test_broken_links_list_shows_where_each_link_is(admin_client, linking_essay):
    response = admin_client.get(
        reverse("admin:essays_internallink_changelist"), {"resolved__exact": "0"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "target-essay" in content
    assert change_url(linking_essay) in content


def test_links_cannot_be_added_or_edited_by_hand(admin_client, linking_essay):
    link = InternalLink.objects.get()
    assert admin_client.get(reverse("admin:essays_internallink_add")).status_code == 403
    view = admin_client.get(reverse("admin:essays_internallink_change", args=[link.pk]))
    assert view.status_code == 200 and "target-essay" in view.content.decode()
    response = admin_client.post(
        reverse("admin:essays_internallink_change", args=[link.pk]), {"target_slug": "x"}
    )
    assert response.status_code == 403
    link.refresh_from_db()
    assert link.target_slug == "target-essay"


def test_deleting_a_section_that_holds_a_pullquote_asks_where_the_pullquote_goes(
    admin_client, essay
):
    opening = essay.sections.get(position=1)
    response = admin_client.get(change_url(essay))
    data = form_data(response)
    data[f"{section_form_index(response, opening)}-DELETE"] = "on"

    response = admin_client.post(change_url(essay), data)

    assert response.status_code == 200
    assert "is being deleted" in response.content.decode()
    assert essay.pullquotes.exists()

    prefix = inline_prefix(response, Pullquote)
    data[f"{prefix}-0-section"] = ""  # to the top of the essay
    response = admin_client.post(change_url(essay), data)
    assert response.status_code == 302, response.context["errors"]
    assert essay.pullquotes.get().section is None


@pytest.mark.parametrize(
    ("model_name", "field_name", "term", "expected"),
    [
        ("essay", "series", "Data", ["Data in practice"]),
        ("byline", "author", "Oka", ["Ada Okafor"]),
    ],
)
def test_series_and_authors_are_found_by_search(
    admin_client, essay, model_name, field_name, term, expected
):
    SeriesFactory(title="Data in practice")
    AuthorFactory(name="Someone Else")
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": term, "app_label": "essays", "model_name": model_name, "field_name": field_name},
    )
    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == expected
