"""The audit log: who published, unpublished, scheduled, trashed, restored or deleted what."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent
from civicdata.publishing import Status
from civicdata.roles import AUTHORS, EDITORS
from tests.admin_pages import form_data
from tests.factories import RoleUserFactory
from tests.public_factories import WrittenEssayFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = RoleUserFactory(username="editor", role=EDITORS)
    client.force_login(user)
    return client


@pytest.fixture
def draft(render):
    return render(WrittenEssayFactory(status=Status.DRAFT, title="Draft essay"))


def save(client, essay, **changes):
    url = reverse("admin:essays_essay_change", args=[essay.pk])
    data = form_data(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]


def events():
    return [
        (e.action, e.user.username if e.user else None, e.item_title)
        for e in AuditEvent.objects.order_by("pk")
    ]


def test_publishing_and_unpublishing_from_the_form_are_logged(editor, draft):
    save(editor, draft, status=Status.PUBLISHED)
    save(editor, draft, status=Status.UNPUBLISHED)
    assert events() == [
        (Action.PUBLISHED, "editor", "Draft essay"),
        (Action.UNPUBLISHED, "editor", "Draft essay"),
    ]


def test_scheduling_is_logged_with_the_time(editor, draft):
    moment = timezone.localtime() + datetime.timedelta(days=3)
    save(
        editor,
        draft,
        status=Status.PUBLISHED,
        publish_at_0=moment.strftime("%Y-%m-%d"),
        publish_at_1=moment.strftime("%H:%M:%S"),
    )
    event = AuditEvent.objects.get()
    assert event.action == Action.SCHEDULED
    assert event.detail.startswith(f"for {moment:%Y-%m-%d}")


def test_saving_without_a_publishing_decision_logs_nothing(editor, draft):
    save(editor, draft, title="Retitled")
    assert not AuditEvent.objects.exists()


def test_an_author_submitting_for_review_is_logged(client, render):
    author = RoleUserFactory(username="author", role=AUTHORS)
    draft = render(WrittenEssayFactory(status=Status.DRAFT, created_by=author))
    client.force_login(author)
    save(client, draft, status=Status.IN_REVIEW)
    assert [action for action, *_ in events()] == [Action.SUBMITTED]


def test_list_actions_trash_restore_and_deletion_are_logged(editor, draft):
    changelist = reverse("admin:essays_essay_changelist")
    editor.post(changelist, {"action": "publish_now", "_selected_action": [draft.pk]})
    delete_url = reverse("admin:essays_essay_delete", args=[draft.pk])
    editor.post(delete_url, {"post": "yes"})
    trash = reverse("admin:essays_trashedessay_changelist")
    editor.post(trash, {"action": "restore", "_selected_action": [draft.pk]})
    editor.post(delete_url, {"post": "yes"})
    editor.post(trash, {"action": "empty_trash", "_selected_action": [draft.pk]})
    assert [action for action, *_ in events()] == [
        Action.PUBLISHED,
        Action.TRASHED,
        Action.RESTORED,
        Action.TRASHED,
        Action.DELETED,
    ]


def test_editors_read_and_filter_the_log_which_nobody_edits(editor, draft, client):
    save(editor, draft, status=Status.PUBLISHED)
    event = AuditEvent.objects.get()
    listing = editor.get(
        reverse("admin:audit_auditevent_changelist"), {"action__exact": "published"}
    )
    assert "Draft essay" in listing.content.decode()
    change = editor.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert change.status_code == 200 and not change.context["has_change_permission"]
    assert editor.post(reverse("admin:audit_auditevent_delete", args=[event.pk])).status_code == 403

    client.force_login(RoleUserFactory(username="author", role=AUTHORS))
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 403


def test_review_links_made_and_revoked_are_logged(editor, draft):
    from reviews.models import ReviewLink

    links = reverse("admin:essays_essay_review_links", args=[draft.pk])
    assert editor.post(links, {"days": 7, "recipient": "County team"}).status_code == 200
    link = ReviewLink.objects.get()
    revoke = reverse("admin:essays_essay_revoke_review_link", args=[draft.pk, link.pk])
    editor.post(revoke)
    assert [action for action, *_ in events()] == [
        Action.REVIEW_LINK_CREATED,
        Action.REVIEW_LINK_REVOKED,
    ]


def test_restoring_a_revision_is_logged(editor, draft):
    from civicdata import revisions

    save(editor, draft, title="Second title")
    first = list(revisions.versions_of(draft))[-1].revision
    restore = reverse("admin:essays_essay_revision_restore", args=[draft.pk, first.pk])
    assert editor.post(restore).status_code == 302
    assert Action.REVISION_RESTORED in [action for action, *_ in events()]
