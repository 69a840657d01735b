import io
import json
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from civicdata.roles import AUTHORS
from tests.factories import RoleUserFactory, SuperuserFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

PREVIEW = "markdownx_markdownify"
UPLOAD = "markdownx_upload"
AJAX = {"headers": {"x-requested-with": "XMLHttpRequest"}}


@pytest.fixture
def staff_client(client):
    client.force_login(RoleUserFactory(username="author", role=AUTHORS))
    return client


def saved_files(media_root):
    return sorted(path for path in media_root.rglob("*") if path.is_file())


def png_bytes(size=(12, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "orange").save(buffer, "PNG")
    return buffer.getvalue()


def upload(client, name, content, content_type):
    return client.post(
        reverse(UPLOAD),
        {"image": SimpleUploadedFile(name, content, content_type=content_type)},
        **AJAX,
    )


# Who may use the endpoints ----------------------------------------------------------------------


@pytest.mark.parametrize("url_name", [PREVIEW, UPLOAD])
@pytest.mark.parametrize("method", ["get", "post"])
def test_endpoints_refuse_anonymous_visitors(client, url_name, method):
    response = getattr(client, method)(reverse(url_name), {"content": "*hi*"})
    assert response.status_code == 403


@pytest.mark.parametrize("url_name", [PREVIEW, UPLOAD])
@pytest.mark.parametrize("method", ["get", "post"])
def test_endpoints_refuse_logged_in_readers_who_are_not_staff(client, url_name, method):
    client.force_login(UserFactory(username="reader"))
    response = getattr(client, method)(reverse(url_name), {"content": "*hi*"})
    assert response.status_code == 403


def test_endpoints_refuse_deactivated_staff(client):
    client.force_login(UserFactory(username="gone", is_staff=True, is_active=False))
    assert client.post(reverse(PREVIEW), {"content": "*hi*"}).status_code == 403


def test_preview_answers_staff(staff_client):
    response = staff_client.post(reverse(PREVIEW), {"content": "Some *emphasis*."})
    assert response.status_code == 200
    assert response.content.decode().strip() == "<p>Some <em>emphasis</em>.</p>"


def test_preview_answers_superusers(client):
    client.force_login(SuperuserFactory(username="boss"))
    assert client.post(reverse(PREVIEW), {"content": "x"}).status_code == 200


@pytest.mark.parametrize("url_name", [PREVIEW, UPLOAD])
def test_endpoints_accept_only_post_from_staff(staff_client, url_name):
    assert staff_client.get(reverse(url_name)).status_code == 405


def test_endpoints_check_the_csrf_token(staff_client):
    staff_client.handler.enforce_csrf_checks = True
    assert staff_client.post(reverse(PREVIEW), {"content": "x"}).status_code == 403


# The preview ------------------------------------------------------------------------------------

HOSTILE = """\
<script>alert("script")</script>

<img src="x.png" onerror="alert('onerror')">

[click](javascript:alert('link'))

<a href="javascript:alert('raw link')">raw</a>

<iframe src="https://evil.example/"></iframe>

<style>body { display: none }</style>

![pixel](data:image/png;base64,iVBORw0KGgo=)

<a href="data:text/html;base64,PHNjcmlwdD4=">data link</a>

<p style="background: url(javascript:alert(1))" onclick="alert('click')">styled</p>
"""


class TagsAndAttributes(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.tags, self.attributes = set(), []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.extend((tag, name, value or "") for name, value in attrs)


def test_preview_of_hostile_markdown_is_sanitized(staff_client):
    response = staff_client.post(reverse(PREVIEW), {"content": HOSTILE})

    assert response.status_code == 200
    html = response.content.decode()
    parsed = TagsAndAttributes(html)
    assert not parsed.tags & {"script", "iframe", "style", "object", "embed"}
    for tag, name, value in parsed.attributes:
        assert not name.startswith("on"), (tag, name)
        assert name != "style", tag
        if name in {"href", "src"}:
            assert urlsplit(value).scheme in {"", "http", "https", "mailto"}, (tag, value)
    assert "<script" not in html.lower() and 'alert("script")' not in html
    assert 'src="x.png"' in html  # the harmless part of the image stays
    assert "styled" in html


def test_preview_without_content_is_a_bad_request(staff_client):
    response = staff_client.post(reverse(PREVIEW), {"text": "wrong field"})
    assert response.status_code == 400


def test_preview_of_empty_content_is_empty(staff_client):
    response = staff_client.post(reverse(PREVIEW), {"content": ""})
    assert response.status_code == 200
    assert response.content.decode().strip() == ""


# Uploads ----------------------------------------------------------------------------------------


def test_real_png_is_saved_and_its_markdown_returned(staff_client, media_root):
    response = upload(staff_client, "chart.png", png_bytes(), "image/png")

    assert response.status_code == 200, response.content
    image_code = response.json()["image_code"]
    assert image_code.startswith("![](/media/markdown-images/") and image_code.endswith(".png)")
    (saved,) = saved_files(media_root)
    assert saved.suffix == ".png"
    with Image.open(saved) as image:
        assert image.format == "PNG"


def test_upload_works_without_the_ajax_header_too(staff_client, media_root):
    response = staff_client.post(
        reverse(UPLOAD), {"image": SimpleUploadedFile("a.png", png_bytes(), "image/png")}
    )
    assert response.status_code == 200
    assert "image_code" in response.json()
    assert len(saved_files(media_root)) == 1


def image_bytes(image_format):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), "navy").save(buffer, image_format)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("image_format", "name", "claimed_type", "suffix"),
    [
        ("PNG", "page.html", "image/png", ".png"),
        ("JPEG", "photo.png", "image/png", ".jpg"),
        ("GIF", "anim.gif", "image/gif", ".gif"),
        ("WEBP", "pic.jpg", "image/jpeg", ".webp"),
    ],
)
def test_real_image_is_stored_as_what_it_is_whatever_its_name_says(
    staff_client, media_root, image_format, name, claimed_type, suffix
):
    response = upload(staff_client, name, image_bytes(image_format), claimed_type)

    assert response.status_code == 200, response.content
    (saved,) = saved_files(media_root)
    assert saved.suffix == suffix
    with Image.open(saved) as image:
        assert image.format == image_format


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        pytest.param(
            "evil.png",
            b"<html><body><script>alert(1)</script></body></html>",
            "image/png",
            id="html-named-png",
        ),
        pytest.param("cut.png", png_bytes((64, 64))[:60], "image/png", id="truncated-png"),
        pytest.param(
            "drawing.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/svg+xml",
            id="svg",
        ),
        pytest.param(
            "drawing.png",
            b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>',
            "image/png",
            id="svg-claiming-png",
        ),
        pytest.param("empty.png", b"", "image/png", id="empty"),
    ],
)
def test_upload_that_is_not_a_real_image_is_refused_and_not_saved(
    staff_client, media_root, name, content, content_type
):
    response = upload(staff_client, name, content, content_type)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    errors = json.loads(response.content)
    assert errors["image"], errors
    assert all(isinstance(message, str) and message for message in errors["image"])
    assert saved_files(media_root) == []


def test_upload_that_is_not_an_image_says_why(staff_client):
    response = upload(staff_client, "evil.png", b"<html></html>", "image/png")
    assert response.json() == {
        "image": ["This file is not a readable JPEG, PNG, WebP or GIF image."]
    }


def test_upload_without_a_file_is_a_json_error(staff_client, media_root):
    response = staff_client.post(reverse(UPLOAD), {}, **AJAX)
    assert response.status_code == 400
    assert response.json()["image"]
    assert saved_files(media_root) == []
