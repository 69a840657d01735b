"""Production settings, the Content-Security-Policy, uploaded media, accounts and request limits
(README: Security and privacy)."""

import datetime
import io
import json
import os
import re
import secrets
import subprocess
import sys
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import include, path, re_path, reverse
from django.utils import timezone

from civicdata.publishing import Status
from civicdata.security import serve_media
from essays.models import Essay, Section
from tests.admin_pages import form_data
from tests.factories import (
    CaseStudyFactory,
    InsetFactory,
    PullquoteFactory,
    ReviewLinkFactory,
    SectionFactory,
    SuperuserFactory,
)
from tests.public_factories import EditorFactory, WrittenEssayFactory

pytestmark = pytest.mark.django_db

PUBLIC_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
PASSWORD = "a-long-test-password"


def policy_of(response):
    header = response.headers["Content-Security-Policy"]
    return dict(directive.strip().split(" ", 1) for directive in header.split(";"))


def media(request, path):
    return serve_media(request, path, document_root=settings.MEDIA_ROOT)


# The site's URLs with uploads served as `make run` serves them (DEBUG on), whatever DEBUG is.
urlpatterns = [re_path(r"^media/(?P<path>.*)$", media), path("", include("civicdata.urls"))]


# ---- Production settings -------------------------------------------------------------------------

PRODUCTION_SCRIPT = """
import json
import django
from django.conf import settings
from django.core.management import call_command

django.setup()
call_command("check", deploy=True, fail_level="WARNING")
print(json.dumps({
    "proxy_header": settings.SECURE_PROXY_SSL_HEADER,
    "hsts": [settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
             settings.SECURE_HSTS_PRELOAD],
    "cookies": [settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY,
                settings.CSRF_COOKIE_SECURE, settings.CSRF_COOKIE_HTTPONLY],
    "img_src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
}))
"""


def run_with_environment(**variables):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "MEDIA_URL"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="civicdata.settings", **variables)
    return subprocess.run(
        [sys.executable, "-c", PRODUCTION_SCRIPT],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_chosen_by_environment_passes_the_deployment_check():
    result = run_with_environment(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="civicdata.example.org",
        MEDIA_URL="https://media.civicdata.example.org/",
    )
    assert result.returncode == 0, result.stderr
    decided = json.loads(result.stdout.strip().splitlines()[-1])
    assert decided["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert decided["hsts"] == [365 * 24 * 60 * 60, True, True]
    assert decided["cookies"] == [True, True, True, True]
    # Images uploaded to a separate media origin still show on the pages.
    assert decided["img_src"] == ["'self'", "https://media.civicdata.example.org"]


def test_production_refuses_to_start_without_a_secret_key():
    result = run_with_environment(DEBUG="0", ALLOWED_HOSTS="civicdata.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


# ---- Content-Security-Policy ---------------------------------------------------------------------


@pytest.fixture
def pages(render):
    essay = render(WrittenEssayFactory(title="On consent", slug="on-consent"))
    draft = render(WrittenEssayFactory(title="A draft", slug="a-draft", status=Status.DRAFT))
    case_study = render(CaseStudyFactory(title="Shared records", slug="shared-records"))
    return SimpleNamespace(essay=essay, draft=draft, case_study=case_study)


def public_addresses(pages):
    return [
        reverse("essays:home"),
        reverse("essays:essay_list"),
        pages.essay.get_absolute_url(),
        reverse("essays:series_detail", kwargs={"slug": pages.essay.series.slug}),
        reverse("portfolio:casestudy_list"),
        pages.case_study.get_absolute_url(),
        reverse("search") + "?q=consent",
        reverse("feed"),
        reverse("sitemap"),
    ]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\son[a-z]+=", re.I)


def test_every_public_page_allows_only_its_own_origin_and_has_nothing_inline(client, pages):
    for address in public_addresses(pages):
        response = client.get(address)
        assert response.status_code == 200, address
        assert policy_of(response) == PUBLIC_POLICY, address
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), address
        assert not INLINE_STYLE.search(html), address


def test_not_found_page_has_the_policy(client):
    response = client.get("/essays/no-such-essay/")
    assert response.status_code == 404
    assert policy_of(response) == PUBLIC_POLICY


def test_draft_preview_and_review_copy_have_the_policy(client, pages):
    client.force_login(EditorFactory())
    preview = client.get(pages.draft.get_absolute_url())
    assert preview.status_code == 200
    assert policy_of(preview) == PUBLIC_POLICY

    link = ReviewLinkFactory(item=pages.draft)
    review = Client().get(link.address)
    assert review.status_code == 200
    assert policy_of(review) == PUBLIC_POLICY


def test_admin_and_markdown_editor_are_held_to_the_same_policy(client, admin_client, pages):
    login = client.get(reverse("admin:login"))
    assert policy_of(login) == PUBLIC_POLICY
    change = admin_client.get(reverse("admin:essays_essay_change", args=[pages.essay.pk]))
    assert policy_of(change) == PUBLIC_POLICY
    html = change.content.decode()
    assert 'class="markdownx"' in html
    assert not INLINE_SCRIPT.search(html)
    assert not INLINE_STYLE.search(html)
    preview = admin_client.post(reverse("markdownx_markdownify"), {"content": "Some *text*"})
    assert policy_of(preview) == PUBLIC_POLICY


def test_case_study_admin_with_a_hero_image_has_nothing_inline(admin_client):
    case_study = CaseStudyFactory(hero_image="case-studies/chart.png", hero_image_alt="A chart")
    change = admin_client.get(reverse("admin:portfolio_casestudy_change", args=[case_study.pk]))
    html = change.content.decode()
    assert 'class="hero-image-preview"' in html
    assert not INLINE_SCRIPT.search(html)
    assert not INLINE_STYLE.search(html)


# ---- Uploaded media ------------------------------------------------------------------------------


@pytest.fixture
def uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "page.html").write_text("<script>alert(1)</script>")
    (tmp_path / "drawing.svg").write_text("<svg onload='alert(1)'/>")
    return tmp_path


@pytest.mark.urls(__name__)
def test_uploaded_image_is_served_as_an_image_and_never_sniffed(client, uploads):
    response = client.get("/media/photo.png")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("name", ["page.html", "drawing.svg"])
def test_anything_but_an_image_under_media_is_a_download_never_a_page(client, uploads, name):
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"] == "attachment"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# ---- Accounts ------------------------------------------------------------------------------------


def sign_in(username, password, address="203.0.113.10"):
    return Client().post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_five_wrong_passwords_lock_the_account_from_any_address(settings):
    SuperuserFactory(username="editor")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in("editor", "guess", address="203.0.113.10").status_code == 200
    assert sign_in("editor", "guess", address="203.0.113.10").status_code == 429
    response = sign_in("editor", PASSWORD, address="198.51.100.7")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Sign-in locked" in html
    assert "axes_reset_username editor" in html
    assert sign_in("other", "guess", address="198.51.100.7").status_code == 200  # not the address


def test_five_failures_lock_the_address_for_every_account(settings):
    SuperuserFactory(username="editor")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(f"someone{attempt}", "guess", address="203.0.113.10")
    assert sign_in("editor", PASSWORD, address="203.0.113.10").status_code == 429
    assert sign_in("editor", PASSWORD, address="198.51.100.7").status_code == 302


def test_lock_ends_when_an_editor_unlocks_it_or_after_an_hour(settings):
    SuperuserFactory(username="editor")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("editor", "guess")
    assert sign_in("editor", PASSWORD, address="198.51.100.7").status_code == 429
    call_command("axes_reset_username", "editor", stdout=io.StringIO())
    assert sign_in("editor", PASSWORD, address="198.51.100.7").status_code == 302

    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("editor", "guess")
    an_hour_ago = timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=an_hour_ago)
    assert sign_in("editor", PASSWORD, address="198.51.100.7").status_code == 302
    assert not AccessAttempt.objects.exists()  # addresses are kept only while they count


def test_a_common_or_short_password_is_refused(admin_client):
    response = admin_client.post(
        reverse("admin:password_change"),
        {"old_password": "password", "new_password1": "password1", "new_password2": "password1"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["new_password2"]
    assert "This password is too common." in errors


def test_sign_in_expires_after_twelve_hours(clock):
    client = Client()
    client.force_login(SuperuserFactory(username="editor"))
    clock.advance(datetime.timedelta(hours=11))
    assert client.get(reverse("admin:index")).status_code == 200
    clock.advance(datetime.timedelta(hours=1, minutes=1))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_changing_the_password_signs_out_every_other_browser():
    editor = SuperuserFactory(username="editor")
    laptop, phone = Client(), Client()
    laptop.force_login(editor)
    phone.force_login(editor)
    response = laptop.post(
        reverse("admin:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-and-longer-password",
            "new_password2": "a-new-and-longer-password",
        },
    )
    assert response.status_code == 302
    assert laptop.get(reverse("admin:index")).status_code == 200
    assert phone.get(reverse("admin:index")).status_code == 302


# ---- Request limits ------------------------------------------------------------------------------


def test_an_essay_of_fifty_sections_saves_through_the_admin(admin_client, render):
    """Fifty sections, each with an inset box and a pullquote: with the hidden template row of
    each inline, which browsers send too, over a thousand form fields."""
    essay = render(WrittenEssayFactory(title="Fifty parts", sections=0))
    for position in range(1, 51):
        section = SectionFactory(
            essay=essay,
            position=position,
            heading="" if position == 1 else f"Part {position}",
            body=f"Text of part {position}. " * 40,
        )
        InsetFactory(essay=essay, section=section, after_paragraph=1)
        PullquoteFactory(essay=essay, section=section, body=f"Text of part {position}.")
    change = reverse("admin:essays_essay_change", args=[essay.pk])
    page = admin_client.get(change)
    data = form_data(page)
    for inline in page.context["inline_admin_formsets"]:
        data.update({field.html_name: "" for field in inline.formset.empty_form})
    data["title"] = "Fifty parts, saved"
    assert len(data) > 1000  # Django's default limit
    response = admin_client.post(change, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert Essay.objects.get(pk=essay.pk).title == "Fifty parts, saved"
    assert Section.objects.filter(essay=essay).count() == 50


def test_a_form_with_too_much_text_is_refused_with_a_clear_message(admin_client, pages):
    change = reverse("admin:essays_essay_change", args=[pages.essay.pk])
    text = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = admin_client.post(change, {"title": "Too long", "summary": text})
    assert response.status_code == 413
    assert "larger than the 5.0\xa0MB of text the site accepts" in response.content.decode()
    assert Essay.objects.get(pk=pages.essay.pk).title == "On consent"


def test_a_form_with_too_many_fields_is_refused_with_a_clear_message(admin_client, pages):
    change = reverse("admin:essays_essay_change", args=[pages.essay.pk])
    fields = {f"field{number}": "x" for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = admin_client.post(change, fields)
    assert response.status_code == 413
    assert "more than the 5000 fields the site accepts" in response.content.decode()


def test_an_oversized_request_is_refused_before_it_is_read(settings, admin_client):
    settings.CIVICDATA_MAX_REQUEST_BYTES = 1000
    response = admin_client.post(
        reverse("markdownx_upload"), {"image": "x" * 2000}, CONTENT_LENGTH="2000000"
    )
    assert response.status_code == 413
    assert "larger than the 1000\xa0bytes the site accepts at once" in response.content.decode()


def test_a_small_request_goes_through(admin_client, pages):
    response = admin_client.post(reverse("markdownx_markdownify"), {"content": "Some *text*"})
    assert response.status_code == 200
    assert "<em>text</em>" in response.content.decode()
