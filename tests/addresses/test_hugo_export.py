"""Renames reach Hugo: an exported item lists its old addresses from renames and editors under
`aliases:`, so the site Hugo builds from the export redirects them too; importing that file back
neither duplicates nor loses an old address."""

import pytest
import yaml

from addresses.models import OldAddress, Origin
from essays.models import Essay
from portfolio.models import CaseStudy
from tests.addresses.test_redirects import essay_text, import_file, rename
from tests.essays.test_round_trip import run_export, run_import

pytestmark = pytest.mark.django_db


def front_matter(path):
    _, matter, _ = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(matter)


def old_addresses():
    return sorted(OldAddress.objects.values_list("path", "origin", "essay__slug", "case_study"))


def test_a_renamed_essay_exports_its_old_address_as_a_hugo_alias(tmp_path):
    import_file(tmp_path / "in", "moved.md", essay_text("moved", ["/2019/05/old-post/"]))
    essay = rename(Essay.objects.get(), "moved-again")
    OldAddress.objects.create(path="/from-an-editor/", essay=essay, origin=Origin.EDITOR)

    run_export(tmp_path / "out")

    assert front_matter(tmp_path / "out" / "essays" / "moved-again.md")["aliases"] == [
        "/2019/05/old-post/",  # kept from the Hugo file, as it was
        "/essays/moved/",
        "/from-an-editor/",
    ]


def test_a_renamed_case_study_exports_its_old_address_as_a_hugo_alias(tmp_path):
    text = "---\ntitle: A study\nslug: study\ndate: 2023-01-02\n---\n\nText.\n"
    import_file(tmp_path / "in", "portfolio/study.md", text)
    rename(CaseStudy.objects.get(), "renamed-study")

    run_export(tmp_path / "out")

    matter = front_matter(tmp_path / "out" / "portfolio" / "renamed-study.md")
    assert matter["aliases"] == ["/portfolio/study/"]


def test_an_old_address_the_kept_aliases_already_name_is_written_once(tmp_path):
    # The Hugo file names it relatively; the old address stores it from the site root.
    import_file(tmp_path / "in", "moved.md", essay_text("moved", ["was-here"]))
    essay = Essay.objects.get()
    OldAddress.objects.filter(essay=essay).update(origin=Origin.EDITOR)

    run_export(tmp_path / "out")

    assert front_matter(tmp_path / "out" / "essays" / "moved.md")["aliases"] == ["was-here"]


def test_importing_the_export_of_a_renamed_item_keeps_its_old_addresses_as_they_were(tmp_path):
    import_file(tmp_path / "in", "moved.md", essay_text("moved", ["/2019/05/old-post/"]))
    rename(Essay.objects.get(), "moved-again")
    before = old_addresses()
    run_export(tmp_path / "first")

    assert not run_import(tmp_path / "first" / "essays" / "moved-again.md").failed

    assert old_addresses() == before
    run_export(tmp_path / "second")
    first = tmp_path / "first" / "essays" / "moved-again.md"
    second = tmp_path / "second" / "essays" / "moved-again.md"
    assert second.read_bytes() == first.read_bytes()


def test_the_site_hugo_builds_redirects_the_old_address_after_a_round_trip(client, tmp_path):
    import_file(tmp_path / "in", "moved.md", essay_text("moved", []))
    rename(Essay.objects.get(), "moved-again")
    run_export(tmp_path / "out")
    Essay.objects.all().delete()  # old addresses go with it

    assert not run_import(tmp_path / "out" / "essays" / "moved-again.md").failed

    response = client.get("/essays/moved/")
    assert response.status_code == 301
    assert response["Location"] == "/essays/moved-again/"
