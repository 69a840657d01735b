"""Every address that takes a POST refuses a forged one: a request from another site, riding on
a signed-in editor's cookie or on a reviewer's link, without the form's CSRF token."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from civicdata.publishing import Status
from tests.factories import ReviewLinkFactory, SuperuserFactory
from tests.public_factories import WrittenEssayFactory

pytestmark = pytest.mark.django_db

# A sample value for each path converter: the CSRF check runs before any view looks it up.
SAMPLES = {"int": "1", "str": "1", "slug": "sample", "path": "1", "uuid": None}


def post_addresses(patterns=None, prefix=""):
    """Every address of the site's URL configuration, with sample values in its parameters
    (the admin's included). Regular-expression routes (the admin's app index and catch-all) are
    read with their sample of the app label."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = str(entry.pattern)
        if route.startswith("^"):
            route = re.sub(r"\(\?P<app_label>([a-z_]+)\|?[^)]*\)", r"\1", route)
            if "(" in route or "[" in route or ".*" in route:
                continue
            route = route.lstrip("^").rstrip("$").replace("\\", "")
        route = re.sub(r"<(?:(\w+):)?\w+>", lambda match: SAMPLES[match.group(1) or "str"], route)
        if isinstance(entry, URLResolver):
            yield from post_addresses(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + route


@pytest.fixture
def editor_browser():
    """A signed-in editor's browser, tricked by another site into sending a POST."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(SuperuserFactory(username="editor"))
    return browser


def refused_as_forged(response):
    return response.status_code == 403 and b"CSRF verification failed" in response.content


def test_every_address_refuses_a_forged_post_from_a_signed_in_editor(editor_browser):
    addresses = sorted(set(post_addresses()))
    essay = "/admin/essays/essay/1"
    expected = {
        "/admin/login/",
        "/admin/logout/",
        "/admin/password_change/",
        "/admin/essays/essay/",  # the list's actions (publish, move to the trash...)
        "/admin/essays/essay/add/",
        f"{essay}/change/",
        f"{essay}/delete/",
        f"{essay}/review-links/",
        f"{essay}/review-links/1/revoke/",
        f"{essay}/history/1/restore/",
        "/admin/portfolio/casestudy/add/",
        "/markdownx/markdownify/",
        "/markdownx/upload/",
        "/review/1/",  # the reviewers' comment form
    }
    assert expected <= set(addresses)
    accepted = [
        address
        for address in addresses
        if not refused_as_forged(editor_browser.post(address, {"title": "Forged"}))
    ]
    assert accepted == []


def test_admin_action_posted_without_a_token_publishes_nothing(editor_browser, render):
    draft = render(WrittenEssayFactory(status=Status.DRAFT))
    response = editor_browser.post(
        reverse("admin:essays_essay_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    assert refused_as_forged(response)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_review_comment_posted_without_a_token_is_refused(render):
    draft = render(WrittenEssayFactory(status=Status.DRAFT))
    link = ReviewLinkFactory(item=draft)
    reviewer = Client(enforce_csrf_checks=True)
    reviewer.get(link.address)
    response = reviewer.post(link.address, {"text": "Forged comment"})
    assert refused_as_forged(response)
    assert link.comments.count() == 0


def test_posts_with_the_forms_token_are_accepted(editor_browser):
    """The other side of the tests above: with the token a page gives, a POST goes through."""
    editor_browser.get(reverse("admin:index"))
    token = editor_browser.cookies["csrftoken"].value
    response = editor_browser.post(reverse("admin:logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert "_auth_user_id" not in editor_browser.session
