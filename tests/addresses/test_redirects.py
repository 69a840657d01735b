"""Old addresses keep working: a slug changed in the admin, or a Hugo `aliases:` list, gives a
permanent redirect to where the item lives now, in one hop, never in a loop, never over a page."""

import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from addresses.models import OldAddress, Origin
from addresses.services import normalize_path, record_slug_change, sync_hugo_aliases
from civicdata.hugo_sync import export_text
from civicdata.publishing import Status
from essays.models import Essay
from tests.admin_pages import form_data as admin_form_data
from tests.factories import CaseStudyFactory, EssayFactory

pytestmark = pytest.mark.django_db


def rename_in_admin(client, item, slug):
    url = reverse(f"admin:{item._meta.app_label}_{item._meta.model_name}_change", args=[item.pk])
    data = admin_form_data(client.get(url))
    data["slug"] = slug
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    item.refresh_from_db()
    return item


def rename(item, slug):
    """A slug change as the admin saves it."""
    previous = item.slug
    item.slug = slug
    item.save()
    record_slug_change(item, previous_slug=previous)
    return item


def assert_redirects_permanently(client, old, new):
    response = client.get(old)
    assert response.status_code == 301, old
    assert response["Location"] == new
    assert client.get(new).status_code == 200


# ---- Slug changes in the admin ------------------------------------------------------------------


def test_renaming_an_essay_in_the_admin_redirects_its_old_address(admin_client, render):
    essay = render(EssayFactory(slug="old-name"))
    rename_in_admin(admin_client, essay, "new-name")
    assert_redirects_permanently(admin_client, "/essays/old-name/", "/essays/new-name/")
    assert OldAddress.objects.get().origin == Origin.SLUG_CHANGE


def test_renaming_a_case_study_in_the_admin_redirects_its_old_address(admin_client, render):
    case_study = render(CaseStudyFactory(slug="old-study"))
    rename_in_admin(admin_client, case_study, "new-study")
    assert_redirects_permanently(admin_client, "/portfolio/old-study/", "/portfolio/new-study/")


def test_saving_without_renaming_makes_no_old_address(admin_client, render):
    essay = render(EssayFactory(slug="same-name"))
    rename_in_admin(admin_client, essay, "same-name")
    assert not OldAddress.objects.exists()


def test_every_old_address_leads_to_the_current_one_in_one_hop(client):
    essay = rename(rename(EssayFactory(slug="first"), "second"), "third")
    assert_redirects_permanently(client, "/essays/first/", "/essays/third/")
    assert_redirects_permanently(client, "/essays/second/", "/essays/third/")
    assert essay.old_addresses.count() == 2


def test_renaming_back_never_loops(client):
    rename(rename(EssayFactory(slug="alpha"), "beta"), "alpha")
    assert client.get("/essays/alpha/").status_code == 200
    assert_redirects_permanently(client, "/essays/beta/", "/essays/alpha/")
    assert list(OldAddress.objects.values_list("path", flat=True)) == ["/essays/beta/"]


def test_an_old_address_never_shadows_a_page_now_living_there(client):
    rename(EssayFactory(slug="shared", title="The first"), "moved")
    EssayFactory(slug="shared", title="The newcomer")
    response = client.get("/essays/shared/")
    assert response.status_code == 200
    assert "The newcomer" in response.content.decode()


def test_the_old_address_of_a_draft_does_not_reveal_its_new_address(client):
    rename(EssayFactory(slug="secret-old", status=Status.DRAFT), "secret-new")
    response = client.get("/essays/secret-old/")
    assert response.status_code == 404
    assert "secret-new" not in response.content.decode()
    assert not response.has_header("Location")


def test_the_redirect_keeps_the_query_and_may_be_cached(client):
    rename(EssayFactory(slug="before"), "after")
    response = client.get("/essays/before/?utm_source=newsletter")
    assert response["Location"] == "/essays/after/?utm_source=newsletter"
    assert "public" in response["Cache-Control"]


def test_deleting_an_item_retires_its_old_addresses(client):
    essay = rename(EssayFactory(slug="gone-before"), "gone")
    essay.delete()
    assert client.get("/essays/gone-before/").status_code == 404
    assert not OldAddress.objects.exists()


# ---- Hugo aliases -------------------------------------------------------------------------------


def import_file(tmp_path, name, text):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_hugo", str(path), stdout=out, stderr=err)
    return err.getvalue()


def essay_text(slug, aliases):
    lines = "".join(f"  - {alias}\n" for alias in aliases)
    return (
        f"---\ntitle: Moved essay\nslug: {slug}\ndate: 2023-01-02\naliases:\n{lines}---\n\nText.\n"
    )


def test_hugo_aliases_redirect_to_the_imported_essay(client, tmp_path):
    import_file(tmp_path, "moved.md", essay_text("moved", ["/2019/05/old-post/", "old-name"]))
    assert_redirects_permanently(client, "/2019/05/old-post/", "/essays/moved/")
    assert_redirects_permanently(client, "/essays/old-name/", "/essays/moved/")
    assert set(OldAddress.objects.values_list("origin", flat=True)) == {Origin.HUGO_ALIAS}


def test_hugo_alias_without_a_trailing_slash_works_either_way(client, tmp_path):
    import_file(tmp_path, "moved.md", essay_text("moved", ["/old/post", "/feeds/old.xml"]))
    assert_redirects_permanently(client, "/old/post", "/essays/moved/")
    assert_redirects_permanently(client, "/old/post/", "/essays/moved/")
    assert_redirects_permanently(client, "/feeds/old.xml", "/essays/moved/")


def test_hugo_aliases_of_a_case_study_are_relative_to_the_portfolio(client, tmp_path):
    text = (
        "---\ntitle: A study\nslug: study\ndate: 2023-01-02\naliases: [earlier-study]\n---\n\nT.\n"
    )
    import_file(tmp_path, "portfolio/study.md", text)
    assert_redirects_permanently(client, "/portfolio/earlier-study/", "/portfolio/study/")


def test_an_alias_never_shadows_a_page_and_the_import_says_so(client, tmp_path):
    EssayFactory(slug="existing", title="Existing essay")
    aliases = ["/essays/existing/", "/essays/", "/", "/admin/", "/feed/", "/essays/moved/"]
    aliases += ["https://elsewhere.example/x/", "/a/../b/"]
    err = import_file(tmp_path, "moved.md", essay_text("moved", aliases))
    assert not OldAddress.objects.exists()
    assert "“/essays/existing/” is the address of the essay “existing”" in err
    assert "“/essays/” is the address of a page of the site" in err
    assert "“/essays/moved/” is the item's own address" in err
    assert "without a scheme or host" in err
    assert "may not contain . or .. segments" in err
    assert "Existing essay" in client.get("/essays/existing/").content.decode()


def test_an_alias_already_leading_elsewhere_is_left_alone(tmp_path):
    other = rename(EssayFactory(slug="other-old"), "other")
    err = import_file(tmp_path, "moved.md", essay_text("moved", ["/essays/other-old/"]))
    assert "already an old address of" in err
    assert OldAddress.objects.get().essay == other


def test_importing_again_replaces_the_aliases_and_keeps_renames(client, tmp_path):
    import_file(tmp_path, "moved.md", essay_text("moved", ["/one/", "/two/"]))
    essay = Essay.objects.get()
    OldAddress.objects.create(path="/essays/renamed-once/", essay=essay, origin=Origin.SLUG_CHANGE)
    import_file(tmp_path, "moved.md", essay_text("moved", ["/two/", "/three/"]))
    assert sorted(essay.old_addresses.values_list("path", flat=True)) == [
        "/essays/renamed-once/",
        "/three/",
        "/two/",
    ]
    assert client.get("/one/").status_code == 404


def test_a_dry_run_makes_no_old_address(tmp_path):
    path = tmp_path / "moved.md"
    path.write_text(essay_text("moved", ["/one/"]), encoding="utf-8")
    call_command("import_hugo", str(path), "--dry-run", stdout=io.StringIO())
    assert not OldAddress.objects.exists()


def test_aliases_are_kept_for_export_unchanged(tmp_path):
    text = essay_text("moved", ["/2019/05/old-post/", "old-name"])
    import_file(tmp_path, "moved.md", text)
    essay = Essay.objects.get()
    assert essay.front_matter_extra["aliases"] == ["/2019/05/old-post/", "old-name"]
    assert export_text(essay) == (text, True)


def test_aliases_that_are_not_a_list_are_reported_not_fatal():
    essay = EssayFactory(slug="odd")
    assert sync_hugo_aliases(essay, {"not": "a list"}) == [
        "aliases: expected a list of paths; ignored"
    ]
    assert sync_hugo_aliases(essay, [42]) == ["alias “42” is not a path; ignored"]
    assert sync_hugo_aliases(essay, "/single/") == []
    assert essay.old_addresses.get().path == "/single/"


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("/2019/05/post/", "/2019/05/post/"),
        ("/2019/05/post", "/2019/05/post/"),
        ("/page.html", "/page.html"),
        ("//double//slashes", None),  # a host, not a path
        ("/a//b", "/a/b/"),
        ("/caf%C3%A9/", "/café/"),
        ("/with?query=1#fragment", "/with/"),
        ("relative", "/essays/relative/"),
        ("/nul\x00/", None),
        ("", None),
        ("mailto:x@example.org", None),
    ],
)
def test_addresses_are_stored_as_paths_from_the_site_root(given, stored):
    if stored is None:
        with pytest.raises(ValueError):
            normalize_path(given, base="/essays/")
    else:
        assert normalize_path(given, base="/essays/") == stored


# ---- The admin ----------------------------------------------------------------------------------


def test_editors_list_old_addresses_and_where_they_lead(admin_client):
    rename(EssayFactory(slug="listed-old", title="Listed essay"), "listed")
    html = admin_client.get(reverse("admin:addresses_oldaddress_changelist")).content.decode()
    assert "/essays/listed-old/" in html
    assert "Listed essay" in html


def test_editors_cannot_point_an_old_address_over_a_page(admin_client):
    essay = EssayFactory(slug="target")
    EssayFactory(slug="taken")
    response = admin_client.post(
        reverse("admin:addresses_oldaddress_add"), {"path": "/essays/taken/", "essay": essay.pk}
    )
    assert response.status_code == 200
    assert "is the address of the essay “taken”" in response.content.decode()
    assert not OldAddress.objects.exists()


def test_editors_add_an_old_address_for_a_case_study(admin_client, client):
    case_study = CaseStudyFactory(slug="study")
    response = admin_client.post(
        reverse("admin:addresses_oldaddress_add"),
        {"path": "projects/2018/study", "case_study": case_study.pk},
    )
    assert response.status_code == 302
    assert OldAddress.objects.get().path == "/projects/2018/study/"
    assert_redirects_permanently(client, "/projects/2018/study/", "/portfolio/study/")


def test_an_old_address_leads_to_exactly_one_item():
    essay, case_study = EssayFactory(), CaseStudyFactory()
    for targets in ({}, {"essay": essay, "case_study": case_study}):
        with pytest.raises(IntegrityError), transaction.atomic():
            OldAddress.objects.create(path="/x/", **targets)


def test_a_rename_never_takes_over_another_items_old_address(client):
    published = EssayFactory(slug="new-home", status=Status.PUBLISHED)
    OldAddress.objects.create(path="/essays/old-home/", essay=published)
    draft = EssayFactory(slug="someone-elses-draft", status=Status.DRAFT)

    rename(draft, "old-home")  # the draft now lives at the published essay's old address
    rename(draft, "moved-on")  # and leaves it

    assert OldAddress.objects.get(path="/essays/old-home/").essay == published
    assert_redirects_permanently(client, "/essays/old-home/", "/essays/new-home/")


@pytest.mark.parametrize("path", ["/essays/%00/", "/review/%00/", "/essays/a%01b/"])
def test_a_control_character_in_a_missing_address_is_a_plain_404(client, path):
    assert client.get(path).status_code == 404
