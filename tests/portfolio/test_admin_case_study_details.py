"""The case-study admin's new parts: data sources inline, topics and stage, the confirmation
before renaming, unpublishing or deleting a case study that essays link to, and hero images
checked and stripped of their metadata on upload."""

import html
import io
import re
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import strip_tags
from PIL import Image

from civicdata.publishing import Status
from portfolio.forms import CONFIRM_FIELD
from portfolio.models import CaseStudy, DataSource, Stage
from tests.admin_pages import form_data
from tests.factories import (
    CaseStudyFactory,
    DataSourceFactory,
    EssayFactory,
    SectionFactory,
    TopicFactory,
)
from tests.portfolio.test_admin import change_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

GPS_IFD = 0x8825
ORIENTATION = 0x0112
BODY_SERIAL_NUMBER = 0xA431


def stored_files(media_root):
    return sorted(path for path in media_root.rglob("*") if path.is_file())


def page_text(response):
    return re.sub(r"\s+", " ", html.unescape(strip_tags(response.content.decode())))


def form_errors(response):
    return response.context["adminform"].form.errors


@pytest.fixture
def case_study(render):
    case_study = CaseStudyFactory(title="County data sharing", slug="county-data-sharing")
    DataSourceFactory(case_study=case_study, name="Jail bookings", position=1)
    return render(case_study)


def essay_citing(case_study, render, title, **kwargs):
    essay = EssayFactory(title=title, **kwargs)
    SectionFactory(
        essay=essay,
        position=1,
        heading="",
        body=f"See [the project](/portfolio/{case_study.slug}/).",
    )
    return render(essay)


# ---- Data sources, topics, stage --------------------------------------------------------------


def test_data_sources_are_edited_inline_in_order(admin_client, case_study):
    response = admin_client.get(change_url(case_study))
    formsets = {
        inline.formset.prefix: inline.formset
        for inline in response.context["inline_admin_formsets"]
    }
    assert [form.instance.name for form in formsets["data_sources"].forms] == ["Jail bookings"]
    assert "How the data misrepresent reality" in response.content.decode()


def add_data_source(data, **fields):
    index = int(data["data_sources-TOTAL_FORMS"])
    data["data_sources-TOTAL_FORMS"] = str(index + 1)
    for name, value in fields.items():
        data[f"data_sources-{index}-{name}"] = value
    return data


def test_a_data_source_without_its_limitations_is_refused(admin_client, case_study):
    data = add_data_source(
        form_data(admin_client.get(change_url(case_study))), name="Court records", limitations="  "
    )
    response = admin_client.post(change_url(case_study), data)
    assert response.status_code == 200
    assert "This field is required." in page_text(response)
    assert DataSource.objects.count() == 1


def test_a_data_source_with_owner_and_limitations_is_added_last(admin_client, case_study):
    data = add_data_source(
        form_data(admin_client.get(change_url(case_study))),
        name="Court records",
        owner="County courts",
        limitations="Sealed cases are missing.",
    )
    response = admin_client.post(change_url(case_study), data)
    assert response.status_code == 302, response.context["errors"]
    assert list(case_study.data_sources.values_list("name", "owner", "position")) == [
        ("Jail bookings", "County courts", 1),
        ("Court records", "County courts", 2),
    ]


def test_stage_and_topics_are_saved_and_topics_found_by_search(admin_client, case_study):
    justice, _housing = TopicFactory(name="Criminal justice"), TopicFactory(name="Housing")
    data = form_data(admin_client.get(change_url(case_study)))
    data.update(stage=Stage.PILOT, topics=[str(justice.pk)])
    response = admin_client.post(change_url(case_study), data)
    assert response.status_code == 302, response.context["errors"]
    case_study.refresh_from_db()
    assert case_study.stage == "pilot"
    assert [topic.name for topic in case_study.topics.all()] == ["Criminal justice"]

    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "justice",
            "app_label": "portfolio",
            "model_name": "casestudy",
            "field_name": "topics",
        },
    )
    assert [item["text"] for item in response.json()["results"]] == ["Criminal justice"]


def test_case_study_list_filters_by_stage(admin_client):
    pilot = CaseStudyFactory(stage=Stage.PILOT)
    CaseStudyFactory(stage=Stage.ENDED)
    response = admin_client.get(
        reverse("admin:portfolio_casestudy_changelist"), {"stage__exact": "pilot"}
    )
    assert [item.pk for item in response.context["cl"].result_list] == [pilot.pk]


# ---- Confirming a change that essays would feel -----------------------------------------------


def test_renaming_a_case_study_that_essays_cite_names_them_and_asks_to_confirm(
    admin_client, case_study, render
):
    essay_citing(case_study, render, "Lessons from the county")
    essay_citing(case_study, render, "Draft notes", status=Status.DRAFT)
    data = form_data(admin_client.get(change_url(case_study)))
    data["slug"] = "county-data"

    response = admin_client.post(change_url(case_study), data)

    assert response.status_code == 200
    (message,) = form_errors(response)[CONFIRM_FIELD]
    assert "These essays link to this case study: " in message
    assert "“Lessons from the county” (published)" in message
    assert "“Draft notes” (draft)" in message
    assert "from /portfolio/county-data-sharing/ to /portfolio/county-data/" in message
    assert f'type="checkbox" name="{CONFIRM_FIELD}"' in response.content.decode()
    case_study.refresh_from_db()
    assert case_study.slug == "county-data-sharing"  # nothing saved


def test_a_confirmed_rename_is_saved(admin_client, case_study, render):
    essay_citing(case_study, render, "Lessons from the county")
    data = form_data(admin_client.get(change_url(case_study)))
    data.update(slug="county-data", **{CONFIRM_FIELD: "on"})

    response = admin_client.post(change_url(case_study), data)

    assert response.status_code == 302, response.context["errors"]
    case_study.refresh_from_db()
    assert case_study.slug == "county-data"


def test_unpublishing_a_case_study_that_an_essay_cites_asks_to_confirm(
    admin_client, case_study, render
):
    essay_citing(case_study, render, "Lessons from the county")
    data = form_data(admin_client.get(change_url(case_study)))
    data["status"] = Status.UNPUBLISHED

    response = admin_client.post(change_url(case_study), data)

    assert response.status_code == 200
    (message,) = form_errors(response)[CONFIRM_FIELD]
    assert message.startswith("This essay links to this case study: “Lessons from the county”")
    assert "Unpublishing it hides it from readers" in message
    case_study.refresh_from_db()
    assert case_study.status == Status.PUBLISHED

    data[CONFIRM_FIELD] = "on"
    assert admin_client.post(change_url(case_study), data).status_code == 302
    case_study.refresh_from_db()
    assert case_study.status == Status.UNPUBLISHED


def test_taking_a_case_study_down_by_its_schedule_counts_as_unpublishing(
    admin_client, case_study, render
):
    essay_citing(case_study, render, "Lessons from the county")
    data = form_data(admin_client.get(change_url(case_study)))
    data.update({"expire_at_0": "2020-01-01", "expire_at_1": "00:00:00"})
    response = admin_client.post(change_url(case_study), data)
    assert response.status_code == 200
    assert CONFIRM_FIELD in form_errors(response)


def test_a_confirmation_sent_without_being_asked_for_is_harmless(admin_client, case_study):
    data = form_data(admin_client.get(change_url(case_study)))
    data.update(title="Renamed in title only", **{CONFIRM_FIELD: "on"})
    assert admin_client.post(change_url(case_study), data).status_code == 302


@pytest.mark.parametrize(
    "change", [{"slug": "elsewhere"}, {"status": Status.DRAFT}, {"title": "New title"}]
)
def test_no_confirmation_when_no_essay_links_to_it(admin_client, case_study, change):
    response = admin_client.get(change_url(case_study))
    assert f'type="hidden" name="{CONFIRM_FIELD}"' in response.content.decode()
    data = form_data(response)
    data.update(change)
    assert admin_client.post(change_url(case_study), data).status_code == 302


def test_editing_what_essays_do_not_feel_asks_nothing(admin_client, case_study, render):
    essay_citing(case_study, render, "Lessons from the county")
    data = form_data(admin_client.get(change_url(case_study)))
    data.update(title="A better title", summary="Shorter.")
    assert admin_client.post(change_url(case_study), data).status_code == 302


def test_publishing_a_draft_that_essays_cite_asks_nothing(admin_client, render):
    draft = render(CaseStudyFactory(slug="coming-soon", status=Status.DRAFT))
    essay_citing(draft, render, "Waiting for it")
    data = form_data(admin_client.get(change_url(draft)))
    data["status"] = Status.PUBLISHED
    assert admin_client.post(change_url(draft), data).status_code == 302


def test_delete_page_names_the_essays_that_link_to_the_case_study(admin_client, case_study, render):
    essay = essay_citing(case_study, render, "Lessons from the county")
    url = reverse("admin:portfolio_casestudy_delete", args=[case_study.pk])

    response = admin_client.get(url)

    text = page_text(response)
    assert "An essay links to this case study." in text
    assert "Lessons from the county (published)" in text
    assert reverse("admin:essays_essay_change", args=[essay.pk]) in response.content.decode()
    assert CaseStudy.objects.get(pk=case_study.pk).trashed_at is None  # only asked so far
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert CaseStudy.objects.get(pk=case_study.pk).trashed_at is not None


def test_delete_page_of_an_uncited_case_study_names_no_essays(admin_client, case_study):
    response = admin_client.get(reverse("admin:portfolio_casestudy_delete", args=[case_study.pk]))
    assert "links to this case study" not in page_text(response)


def test_deleting_several_from_the_list_names_the_essays_linking_to_them(
    admin_client, case_study, render
):
    other = render(CaseStudyFactory(slug="other"))
    essay_citing(case_study, render, "Lessons from the county")
    essay_citing(other, render, "About the other one")
    response = admin_client.post(
        reverse("admin:portfolio_casestudy_changelist"),
        {"action": "delete_selected", "_selected_action": [case_study.pk, other.pk]},
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "2 essays link to the case studies below." in text
    assert "Lessons from the county (published)" in text
    assert "About the other one (published)" in text
    assert CaseStudy.objects.count() == 2


# ---- Hero images -----------------------------------------------------------------------------


def photo_with_gps(size=(60, 40), orientation=6):
    """A JPEG as a phone writes it: GPS position, camera serial number, a comment, and an
    EXIF orientation saying it must be turned to be upright."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"
    exif[BODY_SERIAL_NUMBER] = "SERIAL-12345"
    exif[GPS_IFD] = {1: "N", 2: (52.0, 31.0, 12.5), 3: "E", 4: (13.0, 24.0, 36.0)}
    buffer = io.BytesIO()
    Image.new("RGB", size, "orange").save(buffer, "JPEG", exif=exif, comment=b"at Jane's house")
    return buffer.getvalue()


def upload_hero(admin_client, case_study, content, name, alt="A community meeting"):
    data = form_data(admin_client.get(change_url(case_study)))
    data["hero_image"] = SimpleUploadedFile(name, content, content_type="image/jpeg")
    data["hero_image_alt"] = alt
    return admin_client.post(change_url(case_study), data)


def test_an_uploaded_photo_loses_its_gps_position_and_stays_upright(
    admin_client, case_study, media_root
):
    content = photo_with_gps()
    with Image.open(io.BytesIO(content)) as original:
        assert original.getexif().get_ifd(GPS_IFD)  # the test photo does carry a position

    response = upload_hero(admin_client, case_study, content, "IMG_2041.JPG")

    assert response.status_code == 302, response.context["errors"]
    case_study.refresh_from_db()
    # Named for what it is, with a random part: a draft's image is not found by guessing.
    assert re.fullmatch(r"case-studies/img_2041-[0-9a-f]{16}\.jpg", case_study.hero_image.name)
    stored = (media_root / case_study.hero_image.name).read_bytes()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert image.size == (40, 60)  # turned upright, as the orientation said
        exif = image.getexif()
        assert not exif.get_ifd(GPS_IFD)
        assert ORIENTATION not in exif and BODY_SERIAL_NUMBER not in exif
        assert "exif" not in image.info and "comment" not in image.info
    for secret in (b"SERIAL-12345", b"PhoneMaker", b"Jane"):
        assert secret not in stored


def test_an_uploaded_hero_gets_its_renditions_at_once(admin_client, case_study, media_root):
    response = upload_hero(
        admin_client, case_study, photo_with_gps(size=(900, 30), orientation=1), "wide.jpg"
    )
    assert response.status_code == 302, response.context["errors"]
    case_study.refresh_from_db()
    names = [path.name for path in stored_files(media_root) if "renditions" in path.parts]
    # 480 and 800 pixels wide, and its own width in WebP (in JPEG it is the original).
    assert sorted(names) == ["480w.jpg", "480w.webp", "800w.jpg", "800w.webp", "900w.webp"]
    assert case_study.hero_image_renditions["width"] == 900
    for rendition in stored_files(media_root):
        assert b"SERIAL-12345" not in rendition.read_bytes()


def test_a_hero_image_needs_its_alt_text(admin_client, case_study, media_root):
    response = upload_hero(admin_client, case_study, photo_with_gps(), "photo.jpg", alt=" ")
    assert response.status_code == 200
    assert form_errors(response)["hero_image_alt"] == [
        "Describe the image for readers who cannot see it."
    ]
    assert stored_files(media_root) == []


def png_declaring(width, height):
    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


def truncated_jpeg():
    buffer = io.BytesIO()
    Image.effect_noise((300, 300), 80).convert("RGB").save(buffer, "JPEG", quality=95)
    return buffer.getvalue()[:4000]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "innocent.png",
            b"<!doctype html><html><script>alert(document.cookie)</script></html>",
            "This file is not a readable JPEG, PNG, WebP or GIF image.",
        ),
        (
            "script.png",
            b"#!/bin/sh\nrm -rf /\n",
            "This file is not a readable JPEG, PNG, WebP or GIF image.",
        ),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "SVG images are not accepted: they can carry scripts. Export the drawing as a PNG "
            "and upload that.",
        ),
        ("bomb.png", png_declaring(30_000, 30_000), "This image has too many pixels."),
        ("cut.jpg", truncated_jpeg(), "This file is not a readable JPEG, PNG, WebP or GIF image."),
    ],
)
def test_a_hostile_hero_image_is_refused_with_a_clear_message_and_nothing_saved(
    admin_client, case_study, media_root, name, content, message
):
    before = CaseStudy.objects.values().get(pk=case_study.pk)

    response = upload_hero(admin_client, case_study, content, name)

    assert response.status_code == 200
    assert form_errors(response)["hero_image"] == [message]
    assert CaseStudy.objects.values().get(pk=case_study.pk) == before
    assert stored_files(media_root) == []


def test_saving_without_a_new_image_keeps_the_stored_one_untouched(
    admin_client, case_study, media_root
):
    assert upload_hero(admin_client, case_study, photo_with_gps(), "photo.jpg").status_code == 302
    case_study.refresh_from_db()
    stored = media_root / case_study.hero_image.name
    content, files = stored.read_bytes(), stored_files(media_root)

    data = form_data(admin_client.get(change_url(case_study)))
    data["summary"] = "Changed."
    assert admin_client.post(change_url(case_study), data).status_code == 302

    case_study.refresh_from_db()
    assert stored.read_bytes() == content
    assert stored_files(media_root) == files  # no new renditions either


def test_clearing_the_hero_image_removes_it_from_the_page(admin_client, case_study, client):
    assert upload_hero(admin_client, case_study, photo_with_gps(), "photo.jpg").status_code == 302
    data = form_data(admin_client.get(change_url(case_study)))
    data["hero_image-clear"] = "on"
    assert admin_client.post(change_url(case_study), data).status_code == 302
    case_study.refresh_from_db()
    assert not case_study.hero_image
    assert case_study.hero_image_renditions == {}
    assert "<img" not in client.get(case_study.get_absolute_url()).content.decode()
