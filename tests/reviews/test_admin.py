import datetime
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from civicdata.publishing import Status
from reviews.models import LinkState, ReviewLink
from reviews.services import add_review_comment, record_opening, revoke_review_link
from tests.factories import (
    CaseStudyFactory,
    EssayFactory,
    ReviewLinkFactory,
    SuperuserFactory,
    UserFactory,
)
from tests.public_factories import EditorFactory

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture
def essay():
    return EssayFactory(title="A draft for partners", status=Status.DRAFT)


@pytest.fixture
def editor():
    return EditorFactory(username="edith")


def links_page(item):
    return reverse(
        f"admin:{item._meta.app_label}_{item._meta.model_name}_review_links", args=[item.pk]
    )


def revoke_url(link):
    item = link.item
    return reverse(
        f"admin:{item._meta.app_label}_{item._meta.model_name}_revoke_review_link",
        args=[item.pk, link.pk],
    )


def change_page(item):
    return reverse(f"admin:{item._meta.app_label}_{item._meta.model_name}_change", args=[item.pk])


def issued_address(response):
    return re.search(r'value="http://testserver(/review/[^"/]+/)"', response.content.decode())[1]


def staff_with(*codenames):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


# ---- Making a link -------------------------------------------------------------------------------


def test_an_editor_makes_a_link_and_sees_its_address_once(client, editor, essay):
    client.force_login(editor)
    response = client.post(links_page(essay), {"days": 10, "recipient": "Sheriff's office"})
    assert response.status_code == 200
    assert "cannot be shown again" in response.content.decode()
    address = issued_address(response)
    link = ReviewLink.objects.get()
    assert (link.essay, link.created_by, link.recipient) == (essay, editor, "Sheriff's office")
    assert link.expires_at - link.created_at == datetime.timedelta(days=10)
    # Never again: the page lists the link, not its address.
    assert address not in client.get(links_page(essay)).content.decode()
    # And the address works, for anyone.
    client.logout()
    assert "Review copy — not published" in client.get(address).content.decode()


def test_the_page_offers_seven_days_by_default(client, editor, essay):
    client.force_login(editor)
    html = client.get(links_page(essay)).content.decode()
    assert 'name="days" value="7"' in html


def test_making_a_link_is_logged_in_the_items_history(client, editor, essay):
    client.force_login(editor)
    client.post(links_page(essay), {"days": 7})
    entry = LogEntry.objects.get()
    assert entry.user == editor and entry.object_id == str(essay.pk)
    assert "Made a review link" in entry.get_change_message()


@pytest.mark.parametrize("days", ["0", "31", "seven", ""])
def test_a_bad_validity_makes_no_link(client, editor, essay, days):
    client.force_login(editor)
    response = client.post(links_page(essay), {"days": days})
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not ReviewLink.objects.exists()
    assert not LogEntry.objects.exists()


def test_no_link_for_an_item_readers_already_see(client, editor):
    published = EssayFactory(status=Status.PUBLISHED)
    client.force_login(editor)
    html = client.get(links_page(published)).content.decode()
    assert "Readers can already see this essay" in html
    response = client.post(links_page(published), {"days": 7})
    assert "Readers can already see this page" in response.content.decode()
    assert not ReviewLink.objects.exists()


def test_an_editor_makes_a_link_for_a_case_study(client, editor):
    case_study = CaseStudyFactory(status=Status.DRAFT)
    client.force_login(editor)
    response = client.post(links_page(case_study), {"days": 3})
    assert ReviewLink.objects.get().case_study == case_study
    client.logout()
    assert client.get(issued_address(response)).status_code == 200


# ---- Revoking ------------------------------------------------------------------------------------


def test_an_editor_revokes_a_link_and_it_stops_working_at_once(client, editor, essay):
    link = ReviewLinkFactory(item=essay)
    client.force_login(editor)
    response = client.post(revoke_url(link))
    assert response.status_code == 302 and response["Location"] == links_page(essay)
    link.refresh_from_db()
    assert link.state == LinkState.REVOKED and link.revoked_by == editor
    assert client.get(link.address).status_code == 410
    html = client.get(links_page(essay)).content.decode()
    assert "Revoked by edith" in html
    assert "Revoked a review link" in LogEntry.objects.get().get_change_message()


def test_revoking_is_a_post(client, editor, essay):
    link = ReviewLinkFactory(item=essay)
    client.force_login(editor)
    assert client.get(revoke_url(link)).status_code == 405
    link.refresh_from_db()
    assert link.is_active


def test_a_link_cannot_be_revoked_through_another_items_page(client, editor, essay):
    link = ReviewLinkFactory(item=essay)
    other = EssayFactory(status=Status.DRAFT)
    client.force_login(editor)
    url = reverse("admin:essays_essay_revoke_review_link", args=[other.pk, link.pk])
    assert client.post(url).status_code == 404
    link.refresh_from_db()
    assert link.is_active


# ---- Who may -------------------------------------------------------------------------------------


@pytest.fixture
def outsider(request):
    """Someone who may not make or revoke links, logged in as `request.param` says."""
    return {
        "anonymous": None,
        "not staff": lambda: UserFactory(),
        "staff without permissions": lambda: staff_with(),
        "staff who may only view essays": lambda: staff_with("view_essay"),
        "staff who may change case studies only": lambda: staff_with("change_casestudy"),
    }[request.param]


OUTSIDERS = [
    ("anonymous", 302),
    ("not staff", 302),
    ("staff without permissions", 403),
    ("staff who may only view essays", 403),
    ("staff who may change case studies only", 403),
]


@pytest.mark.parametrize(("outsider", "status"), OUTSIDERS, indirect=["outsider"])
def test_only_those_who_may_change_the_item_see_its_links_page(client, essay, outsider, status):
    if outsider:
        client.force_login(outsider())
    response = client.get(links_page(essay))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(("outsider", "status"), OUTSIDERS, indirect=["outsider"])
def test_only_those_who_may_change_the_item_make_a_link(client, essay, outsider, status):
    if outsider:
        client.force_login(outsider())
    assert client.post(links_page(essay), {"days": 7}).status_code == status
    assert not ReviewLink.objects.exists()


@pytest.mark.parametrize(("outsider", "status"), OUTSIDERS, indirect=["outsider"])
def test_only_those_who_may_change_the_item_revoke_a_link(client, essay, outsider, status):
    link = ReviewLinkFactory(item=essay)
    if outsider:
        client.force_login(outsider())
    assert client.post(revoke_url(link)).status_code == status
    link.refresh_from_db()
    assert link.is_active


def test_a_superuser_may_make_links(client, essay):
    client.force_login(SuperuserFactory())
    client.post(links_page(essay), {"days": 7})
    assert ReviewLink.objects.count() == 1


def test_making_a_link_without_the_csrf_token_is_refused(editor, essay):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(links_page(essay), {"days": 7}).status_code == 403
    assert not ReviewLink.objects.exists()
    # With the page's token it works.
    client.get(links_page(essay))
    token = client.cookies["csrftoken"].value
    client.post(links_page(essay), {"days": 7, "csrfmiddlewaretoken": token})
    assert ReviewLink.objects.count() == 1


def test_revoking_a_link_without_the_csrf_token_is_refused(editor, essay):
    link = ReviewLinkFactory(item=essay)
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(revoke_url(link)).status_code == 403
    link.refresh_from_db()
    assert link.is_active


# ---- What editors see on the item's page ---------------------------------------------------------


def test_the_items_page_lists_its_links_with_who_made_them_their_state_and_log(
    client, editor, essay
):
    active = ReviewLinkFactory(item=essay, created_by=editor, recipient="County courts")
    revoked = ReviewLinkFactory(item=essay, recipient="Jail data team")
    revoke_review_link(link=revoked, revoked_by=editor)
    record_opening(link=active, user_agent=FIREFOX)
    record_opening(link=active, user_agent="Slackbot-LinkExpanding 1.0")
    ReviewLinkFactory(item=EssayFactory(status=Status.DRAFT), recipient="Someone else's link")
    client.force_login(editor)
    html = client.get(change_page(essay)).content.decode()
    assert "Review links for partners" in html
    assert "County courts" in html and "Jail data team" in html
    assert "Someone else&#x27;s link" not in html and "Someone else's link" not in html
    assert "by edith" in html
    assert "<strong>Active</strong> until" in html and "Revoked by edith" in html
    assert "2 times" in html and "Firefox" in html and "Link preview or bot" in html
    assert f'href="{links_page(essay)}"' in html
    # No form inside the change form: revoking happens on the links page.
    assert revoke_url(active) not in html


def test_editors_read_reviewers_comments_as_plain_text(client, editor, essay):
    link = ReviewLinkFactory(item=essay, recipient="County courts")
    add_review_comment(link=link, body="<b>Numbers</b> are off.", section_heading="Method")
    client.force_login(editor)
    for page in (change_page(essay), links_page(essay)):
        html = client.get(page).content.decode()
        assert "&lt;b&gt;Numbers&lt;/b&gt; are off." in html
        assert "<b>Numbers</b>" not in html
        assert "Method" in html


def test_the_links_page_offers_to_revoke_active_links_only(client, editor, essay):
    active = ReviewLinkFactory(item=essay)
    revoked = ReviewLinkFactory(item=essay)
    revoke_review_link(link=revoked, revoked_by=editor)
    client.force_login(editor)
    html = client.get(links_page(essay)).content.decode()
    assert revoke_url(active) in html
    assert revoke_url(revoked) not in html


def test_the_add_page_has_no_review_links_panel(client, editor):
    client.force_login(SuperuserFactory())
    html = client.get(reverse("admin:essays_essay_add")).content.decode()
    assert "Review links for partners" not in html
