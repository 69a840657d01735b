"""Links naming an old address keep working: an essay linking to a case study or essay by the slug
it had before a rename (or by a Hugo alias at such an address) links to where it lives now, for as
long as readers may see it, and is plain text while they may not."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from addresses.models import OldAddress, Origin
from civicdata import revisions
from civicdata.links import CASE_STUDY, ESSAY, InternalTarget, published_urls
from civicdata.publishing import Status
from civicdata.trash import move_to_trash, restore_from_trash
from essays.models import Essay, InternalLink
from portfolio.forms import CONFIRM_FIELD
from portfolio.models import CaseStudy
from portfolio.services import render_case_study
from tests.addresses.test_redirects import import_file, rename, rename_in_admin
from tests.admin_pages import form_data
from tests.factories import CaseStudyFactory, EssayFactory, SectionFactory

pytestmark = pytest.mark.django_db


def essay_saying(render, text, **kwargs):
    essay = EssayFactory(title="The linking essay", **kwargs)
    SectionFactory(essay=essay, position=1, heading="", body=text)
    return render(essay)


def link(href, text):
    return f'<a href="{href}" rel="noopener noreferrer">{text}</a>'


def body_of(client, essay):
    response = client.get(essay.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def change_in_admin(client, item, **changes):
    url = reverse(f"admin:{item._meta.app_label}_{item._meta.model_name}_change", args=[item.pk])
    data = form_data(client.get(url))
    data.update(changes)
    if isinstance(item, CaseStudy):
        data[CONFIRM_FIELD] = "on"  # essays link to it: the admin asks first
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    item.refresh_from_db()
    return item


@pytest.fixture
def study(render):
    return render(CaseStudyFactory(title="County data sharing", slug="county-data-sharing"))


@pytest.fixture
def linking(study, render):
    return essay_saying(render, "See [the project](/portfolio/county-data-sharing/).")


# ---- Renamed in the admin -----------------------------------------------------------------------


def test_an_essay_linking_to_a_renamed_case_study_links_to_its_new_address(
    admin_client, client, study, linking
):
    change_in_admin(admin_client, study, slug="county-data")

    page = body_of(client, linking)
    assert link("/portfolio/county-data/", "the project") in page
    assert "/portfolio/county-data-sharing/" not in page
    assert client.get("/portfolio/county-data/").status_code == 200
    assert InternalLink.objects.get(target_slug="county-data-sharing").resolved is True


def test_restoring_a_revision_with_an_earlier_slug_keeps_links_to_the_later_one(
    client, render, linking
):
    study = render(CaseStudyFactory(title="Renamed by a restore", slug="first-slug"))
    with revisions.recording(user=None, comment="First"):
        revisions.include(study)
    first = revisions.versions_of(study).first().revision
    study.slug = "later-slug"
    study.save()
    render_case_study(study)
    later_linking = essay_saying(render, "See [the study](/portfolio/later-slug/).")
    assert link("/portfolio/later-slug/", "the study") in body_of(client, later_linking)

    revisions.restore_revision(item=study, revision=first, user=None)

    assert link("/portfolio/first-slug/", "the study") in body_of(client, later_linking)


def test_the_renamed_case_study_and_the_essay_still_name_each_other(
    admin_client, client, study, linking
):
    change_in_admin(admin_client, study, slug="county-data")

    assert "County data sharing" in body_of(client, linking)  # under "Case studies"
    assert list(CaseStudy.objects.published().mentioned_in(linking.pk)) == [study]
    assert list(study.essays_for_readers()) == [linking]
    assert "The linking essay" in client.get("/portfolio/county-data/").content.decode()


def test_a_case_study_now_at_a_renamed_ones_old_slug_is_the_one_the_essay_is_about(
    admin_client, client, render, study, linking
):
    change_in_admin(admin_client, study, slug="county-data")
    newcomer = render(CaseStudyFactory(title="A newer project", slug="county-data-sharing"))
    render(linking)  # publishing the newcomer re-renders what links to its slug

    page = body_of(client, linking)
    assert link("/portfolio/county-data-sharing/", "the project") in page
    assert list(CaseStudy.objects.published().mentioned_in(linking.pk)) == [newcomer]
    assert list(newcomer.essays_for_readers()) == [linking]
    assert list(study.essays_for_readers()) == []
    assert "The linking essay" not in client.get("/portfolio/county-data/").content.decode()


def test_an_old_address_an_editor_adds_or_removes_in_the_admin_reaches_links_at_once(
    admin_client, client, render, study
):
    linking = essay_saying(render, "See [the project](/portfolio/before-the-project/).")
    assert "<a " not in body_of(client, linking).split("See", 1)[1].split("</p>", 1)[0]

    response = admin_client.post(
        reverse("admin:addresses_oldaddress_add"),
        {"path": "/portfolio/before-the-project/", "case_study": study.pk, "essay": ""},
    )
    assert response.status_code == 302

    page = body_of(client, linking)
    assert link("/portfolio/county-data-sharing/", "the project") in page
    assert list(CaseStudy.objects.published().mentioned_in(linking.pk)) == [study]
    assert "The linking essay" in client.get(study.get_absolute_url()).content.decode()

    address = OldAddress.objects.get(path="/portfolio/before-the-project/")
    delete_url = reverse("admin:addresses_oldaddress_delete", args=[address.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 302

    assert link("/portfolio/county-data-sharing/", "the project") not in body_of(client, linking)
    assert list(CaseStudy.objects.published().mentioned_in(linking.pk)) == []


def test_unpublishing_a_renamed_case_study_makes_the_link_plain_text_and_publishing_restores_it(
    admin_client, client, study, linking
):
    change_in_admin(admin_client, study, slug="county-data")

    change_in_admin(admin_client, study, status=Status.UNPUBLISHED)
    page = body_of(client, linking)
    assert "See the project." in page
    assert "/portfolio/county-data" not in page
    assert "County data sharing" not in page

    change_in_admin(admin_client, study, status=Status.PUBLISHED)
    assert link("/portfolio/county-data/", "the project") in body_of(client, linking)


def test_trashing_a_renamed_case_study_makes_the_link_plain_text_and_restoring_brings_it_back(
    admin_client, admin_user, client, study, linking
):
    change_in_admin(admin_client, study, slug="county-data")

    move_to_trash([study], user=admin_user)
    page = body_of(client, linking)
    assert "See the project." in page and "/portfolio/county-data" not in page

    restore_from_trash([study], render_item=render_case_study, user=admin_user)
    assert link("/portfolio/county-data/", "the project") in body_of(client, linking)


def test_renaming_it_again_asks_about_the_essays_linking_to_its_first_address(
    admin_client, study, linking
):
    change_in_admin(admin_client, study, slug="county-data")
    assert list(study.essays_linking_here()) == [linking]

    url = reverse("admin:portfolio_casestudy_change", args=[study.pk])
    data = form_data(admin_client.get(url))
    data["slug"] = "county-records"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    (message,) = response.context["adminform"].form.errors[CONFIRM_FIELD]
    assert "“The linking essay” (published)" in message
    assert "keep working through its redirect" in message


def test_an_essay_linking_to_a_renamed_essay_links_to_its_new_address(admin_client, client, render):
    target = render(EssayFactory(slug="old-name"))
    linking = essay_saying(render, "Read [the other one](old-name.md#part).")

    rename_in_admin(admin_client, target, "new-name")

    assert link("/essays/new-name/#part", "the other one") in body_of(client, linking)

    change_in_admin(admin_client, target, status=Status.UNPUBLISHED)
    page = body_of(client, linking)
    assert "Read the other one." in page and "new-name" not in page


# ---- Drafts never show through an old address ---------------------------------------------------


def test_a_renamed_draft_stays_plain_text_and_its_new_address_never_shows(
    admin_client, client, render
):
    draft = render(EssayFactory(slug="draft-old", status=Status.DRAFT))
    linking = essay_saying(render, "Read [the draft](draft-old.md).")

    rename_in_admin(admin_client, draft, "draft-secret-new")

    assert OldAddress.objects.filter(essay=draft).exists()
    linking.refresh_from_db()
    assert "draft-secret-new" not in linking.body_html
    page = body_of(client, linking)
    assert "Read the draft." in page and "draft-secret-new" not in page
    assert published_urls([InternalTarget(ESSAY, "draft-old")]) == {}


def test_an_old_address_of_a_scheduled_item_resolves_only_from_its_moment(clock):
    soon = timezone.now() + datetime.timedelta(hours=1)
    rename(EssayFactory(slug="before", publish_at=soon), "after")
    target = InternalTarget(ESSAY, "before")

    assert published_urls([target]) == {}
    clock.advance(datetime.timedelta(hours=2))
    assert published_urls([target]) == {target: "/essays/after/"}


# ---- Which old addresses count ------------------------------------------------------------------


def test_a_hugo_alias_at_a_page_address_is_followed_too(client, tmp_path, render):
    text = "---\ntitle: Moved\nslug: moved\ndate: 2023-01-02\naliases: [old-name]\n---\n\nT.\n"
    import_file(tmp_path, "moved.md", text)
    linking = essay_saying(render, "[By its alias](/essays/old-name/) and [by file](old-name.md).")

    page = body_of(client, linking)
    assert link("/essays/moved/", "By its alias") in page
    assert link("/essays/moved/", "by file") in page


STUDY_WITH_ALIAS = """---
title: Moved study
slug: moved-study
date: 2023-01-02
draft: {draft}
aliases: [{aliases}]
---

Text.
"""


def import_moved_study(tmp_path, *, draft, aliases):
    import_file(
        tmp_path, "portfolio/moved-study.md", STUDY_WITH_ALIAS.format(draft=draft, aliases=aliases)
    )


def test_an_import_publishing_an_item_reaches_links_naming_its_alias(client, tmp_path, render):
    import_moved_study(tmp_path, draft="true", aliases="/portfolio/old-study/")
    linking = essay_saying(render, "See [the study](/portfolio/old-study/).")
    assert "/portfolio/moved-study/" not in body_of(client, linking)

    import_moved_study(tmp_path, draft="false", aliases="/portfolio/old-study/")

    study = CaseStudy.objects.get(slug="moved-study")
    assert link("/portfolio/moved-study/", "the study") in body_of(client, linking)
    assert list(CaseStudy.objects.published().mentioned_in(linking.pk)) == [study]
    assert "The linking essay" in client.get(study.get_absolute_url()).content.decode()


def test_an_alias_dropped_from_its_file_no_longer_carries_links(client, tmp_path, render):
    import_moved_study(tmp_path, draft="false", aliases="/portfolio/old-study/")
    linking = essay_saying(render, "See [the study](/portfolio/old-study/).")
    assert link("/portfolio/moved-study/", "the study") in body_of(client, linking)

    import_moved_study(tmp_path, draft="false", aliases="")

    assert "/portfolio/moved-study/" not in body_of(client, linking)
    assert list(CaseStudy.objects.published().mentioned_in(linking.pk)) == []


def test_an_old_address_leading_to_another_kind_of_item_is_not_followed():
    study = CaseStudyFactory(slug="a-study")
    OldAddress.objects.create(path="/essays/was-an-essay/", case_study=study, origin=Origin.EDITOR)

    assert published_urls([InternalTarget(ESSAY, "was-an-essay")]) == {}


def test_a_published_item_at_the_slug_wins_over_an_old_address():
    rename(EssayFactory(slug="shared"), "moved-on")
    EssayFactory(slug="shared-later")
    Essay.objects.filter(slug="shared-later").update(slug="shared")
    target = InternalTarget(ESSAY, "shared")

    assert published_urls([target]) == {target: "/essays/shared/"}


def test_old_addresses_cost_one_more_query_and_only_when_a_link_is_left_unresolved(
    django_assert_num_queries,
):
    rename(CaseStudyFactory(slug="old-study"), "new-study")
    EssayFactory(slug="plain")
    resolved, renamed = InternalTarget(ESSAY, "plain"), InternalTarget(CASE_STUDY, "old-study")

    with django_assert_num_queries(1):
        assert published_urls([resolved]) == {resolved: "/essays/plain/"}
    with django_assert_num_queries(3):
        assert published_urls([resolved, renamed]) == {
            resolved: "/essays/plain/",
            renamed: "/portfolio/new-study/",
        }
    with django_assert_num_queries(2):
        assert published_urls([InternalTarget(ESSAY, "missing")]) == {}


# ---- Schedules ----------------------------------------------------------------------------------


def test_a_link_by_an_old_address_goes_plain_when_the_item_is_taken_down_by_its_schedule(
    client, render, settings, clock
):
    settings.CIVICDATA_SCHEDULE_CHECK = True
    settings.CIVICDATA_PAGE_CACHE = False
    cache.clear()
    study = render(CaseStudyFactory(slug="county-data-sharing"))
    rename(study, "county-data")
    CaseStudy.objects.filter(pk=study.pk).update(
        expire_at=timezone.now() + datetime.timedelta(hours=1)
    )
    linking = essay_saying(render, "See [the project](/portfolio/county-data-sharing/).")
    assert link("/portfolio/county-data/", "the project") in body_of(client, linking)

    clock.advance(datetime.timedelta(hours=2))

    page = body_of(client, linking)
    assert "See the project." in page and "/portfolio/county-data/" not in page
    cache.clear()
