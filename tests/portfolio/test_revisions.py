"""Revisions of case studies: every save stored with its partners, data sources, topics and
related essays; compared side by side; restored whole."""

import pytest
from django.contrib.auth.models import Permission
from django.db import models
from django.urls import reverse

from civicdata import revisions
from civicdata.hugo_sync import HugoFile, import_hugo_files
from portfolio.models import CaseStudy, DataSource, Partner
from tests.essays.test_admin import inline_prefix
from tests.factories import (
    CaseStudyFactory,
    DataSourceFactory,
    EssayFactory,
    PartnerFactory,
    TopicFactory,
    UserFactory,
)
from tests.portfolio.test_admin import change_url, form_data
from tests.public_factories import EditorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def case_study(render):
    case_study = CaseStudyFactory(
        title="County data sharing", slug="county-data-sharing", body="The county pooled data."
    )
    PartnerFactory(case_study=case_study, organization="County courts", position=1)
    PartnerFactory(case_study=case_study, organization="State prisons", position=2)
    DataSourceFactory(case_study=case_study, name="Jail bookings", position=1)
    case_study.topics.add(TopicFactory(name="Justice"), TopicFactory(name="Privacy"))
    case_study.related_essays.add(EssayFactory(title="Why data sharing stalls"))
    return render(case_study)


def history_url(case_study):
    return reverse("admin:portfolio_casestudy_history", args=[case_study.pk])


def compare_url(case_study, older, newer):
    url = reverse("admin:portfolio_casestudy_revisions_compare", args=[case_study.pk])
    return f"{url}?older={older.pk}&newer={newer.pk}"


def restore_url(case_study, revision):
    return reverse("admin:portfolio_casestudy_revision_restore", args=[case_study.pk, revision.pk])


def save_in_admin(client, case_study, change=None, note=""):
    response = client.get(change_url(case_study))
    data = form_data(response)
    data["revision_note"] = note
    if change is not None:
        change(data, response)
    response = client.post(change_url(case_study), data)
    assert response.status_code == 302, response.context["errors"]


def revisions_of(item):
    """Oldest first."""
    return [version.revision for version in revisions.versions_of(item)][::-1]


def row_index(response, data, model, **match):
    prefix = inline_prefix(response, model)
    for index in range(int(data[f"{prefix}-TOTAL_FORMS"])):
        if all(data.get(f"{prefix}-{index}-{key}") == str(value) for key, value in match.items()):
            return f"{prefix}-{index}"
    raise AssertionError(f"no {model.__name__} row with {match}")


def add_row(data, response, model, **fields):
    prefix = inline_prefix(response, model)
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    for name, value in fields.items():
        data[f"{prefix}-{index}-{name}"] = value


def state(case_study):
    case_study.refresh_from_db()
    return {
        "title": case_study.title,
        "body": case_study.body,
        "partners": list(case_study.partners.values_list("pk", "organization", "role", "position")),
        "data_sources": list(
            case_study.data_sources.values_list("pk", "name", "limitations", "position")
        ),
        "topics": sorted(case_study.topics.values_list("name", flat=True)),
        "related_essays": sorted(case_study.related_essays.values_list("title", flat=True)),
    }


@pytest.fixture
def reworked(admin_client, case_study):
    """Saved once (revision 1), then reworked in the admin (revision 2)."""
    save_in_admin(admin_client, case_study, note="Before the rework")
    before = state(case_study)

    def rework(data, response):
        data["title"] = "County data, reworked"
        data["body"] = "The county pooled *some* data."
        data["topics"] = [str(case_study.topics.get(name="Justice").pk)]
        data["related_essays"] = []
        data[f"{row_index(response, data, Partner, organization='County courts')}-DELETE"] = "on"
        add_row(data, response, Partner, organization="Public defender", role="Adviser")
        row = row_index(response, data, DataSource, name="Jail bookings")
        data[f"{row}-limitations"] = "Misses people released before booking."
        add_row(
            data,
            response,
            DataSource,
            name="Court filings",
            owner="Courts",
            limitations="Only filed cases.",
        )

    save_in_admin(admin_client, case_study, rework, note="The rework")
    case_study.state_before_rework = before
    return case_study


# Recording ---------------------------------------------------------------------------------------


def test_every_part_of_a_case_study_is_in_its_revisions():
    """A new kind of part (a model of this app whose rows go with a case study) must be followed
    by its revisions, or restoring would leave it as it is."""
    parts = {
        relation.name
        for relation in CaseStudy._meta.related_objects
        if relation.one_to_many
        and relation.related_model._meta.app_label == "portfolio"
        and relation.on_delete is models.CASCADE
    }

    assert parts == {relation.name for relation in revisions.parts_of(CaseStudy)}


def test_each_admin_save_adds_one_revision_with_its_parts_user_and_note(
    admin_client, admin_user, case_study
):
    save_in_admin(admin_client, case_study, note="Checked the partners")

    (revision,) = revisions_of(case_study)
    assert (revision.user, revision.comment) == (admin_user, "Checked the partners")
    snapshot = revisions.Snapshot.of_revision(revision, case_study)
    assert [p.organization for p in snapshot.parts["partners"]] == [
        "County courts",
        "State prisons",
    ]
    assert [d.name for d in snapshot.parts["data_sources"]] == ["Jail bookings"]
    assert sorted(snapshot.many["topics"]) == sorted(case_study.topics.values_list("pk", flat=True))
    assert len(snapshot.many["related_essays"]) == 1


def test_import_records_a_revision(tmp_path):
    folder = tmp_path / "portfolio"
    folder.mkdir()
    path = folder / "pooled.md"
    path.write_text(
        "---\ntitle: Pooled data\ndate: 2023-01-02\npartners:\n  - organization: Courts\n"
        "    role: Records\n---\nText.\n"
    )

    import_hugo_files([HugoFile(path, "portfolio/pooled.md", True)])

    case_study = CaseStudy.objects.get(slug="pooled")
    (revision,) = revisions_of(case_study)
    assert revision.comment == "Imported from portfolio/pooled.md"
    snapshot = revisions.Snapshot.of_revision(revision, case_study)
    assert [p.organization for p in snapshot.parts["partners"]] == ["Courts"]


# Comparing ---------------------------------------------------------------------------------------


def test_diff_names_each_changed_partner_data_source_and_field(admin_client, reworked):
    page = admin_client.get(compare_url(reworked, *revisions_of(reworked))).content.decode()

    assert "Title: County data sharing → County data, reworked" in page
    assert "Body changed" in page
    assert "Topics: Justice, Privacy → Justice" in page
    assert "County courts (Data provider): removed (was at position 1)" in page
    assert "Public defender (Adviser): added at position 3" in page
    assert "Jail bookings (County courts): known limitations changed" in page
    assert "Court filings (Courts): added at position 2" in page
    assert "<ins>*some* </ins>" in page


# Restoring ---------------------------------------------------------------------------------------


def test_restore_brings_back_partners_data_sources_links_and_text(admin_client, reworked):
    before_rework = revisions_of(reworked)[0]

    response = admin_client.post(restore_url(reworked, before_rework))

    assert response.status_code == 302
    assert state(reworked) == reworked.state_before_rework
    assert reworked.body_html.strip() == "<p>The county pooled data.</p>"
    restore = revisions_of(reworked)[-1]
    assert restore.comment.startswith("Restored from the revision of ")


def test_only_users_who_may_change_case_studies_restore_them(client, reworked):
    before_rework = revisions_of(reworked)[0]
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_casestudy"))
    client.force_login(viewer)

    assert client.get(history_url(reworked)).status_code == 200
    assert client.post(restore_url(reworked, before_rework)).status_code == 403
    assert state(reworked)["title"] == "County data, reworked"

    # Changing a case study someone else made, published or not, is an editor's (roles).
    client.force_login(EditorFactory())
    assert client.post(restore_url(reworked, before_rework)).status_code == 302
    assert state(reworked)["title"] == "County data sharing"
