"""Authors and Editors: who may do what, checked on the server for every admin page and action."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from civicdata.publishing import Status
from civicdata.roles import AUTHORS, EDITORS
from essays.models import DraftingStatus, Essay, Section
from portfolio.models import CaseStudy
from tests.admin_pages import form_data
from tests.factories import (
    CaseStudyFactory,
    EssayFactory,
    RoleUserFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "anonymous": None,
        "author": RoleUserFactory(username="author", role=AUTHORS),
        "other author": RoleUserFactory(username="other", role=AUTHORS),
        "editor": RoleUserFactory(username="editor", role=EDITORS),
    }


@pytest.fixture
def essays(people, render):
    def essay(owner, status, title):
        item = EssayFactory(created_by=people[owner], status=status, title=title)
        SectionFactory(essay=item, position=1, heading="", body="Text.")
        SectionFactory(
            essay=item, position=2, heading="Later", drafting_status=DraftingStatus.PLACEHOLDER
        )
        return render(item)

    return {
        "own draft": essay("author", Status.DRAFT, "Own draft"),
        "own in review": essay("author", Status.IN_REVIEW, "Own in review"),
        "own published": essay("author", Status.PUBLISHED, "Own published"),
        "others' draft": essay("other author", Status.DRAFT, "Others' draft"),
    }


def login(client, people, who):
    if people[who] is not None:
        client.force_login(people[who])
    return client


def test_the_groups_exist_after_migrating():
    assert set(Group.objects.values_list("name", flat=True)) >= {AUTHORS, EDITORS}
    editors = Group.objects.get(name=EDITORS)
    assert editors.permissions.filter(codename="publish_essay").exists()
    assert (
        not Group.objects.get(name=AUTHORS)
        .permissions.filter(
            codename__in=["publish_essay", "publish_casestudy", "change_boardsection"]
        )
        .exists()
    )


# Pages: (url name, object key or None) -> expected status for each person. 302 is the login.
PAGES = {
    ("admin:essays_essay_changelist", None): (302, 200, 200, 200),
    ("admin:essays_essay_add", None): (302, 200, 200, 200),
    ("admin:essays_essay_change", "own draft"): (302, 200, 200, 200),
    ("admin:essays_essay_delete", "own draft"): (302, 200, 403, 200),
    ("admin:essays_essay_delete", "own published"): (302, 403, 403, 200),
    ("admin:essays_essay_history", "own draft"): (302, 200, 200, 200),
    ("admin:essays_boardsection_changelist", None): (302, 200, 200, 200),
    ("admin:essays_finding_changelist", None): (302, 200, 200, 200),
    ("admin:portfolio_casestudy_changelist", None): (302, 200, 200, 200),
    ("admin:portfolio_casestudy_add", None): (302, 200, 200, 200),
    ("admin:essays_series_add", None): (302, 403, 403, 200),
}
WHO = ("anonymous", "author", "other author", "editor")


@pytest.mark.parametrize(("page", "expected"), PAGES.items(), ids=lambda v: str(v))
@pytest.mark.parametrize("index", range(4), ids=WHO)
def test_who_may_open_each_admin_page(client, people, essays, page, expected, index):
    url_name, key = page
    url = reverse(url_name, args=[essays[key].pk] if key else [])
    response = login(client, people, WHO[index]).get(url)
    assert response.status_code == expected[index]


@pytest.mark.parametrize(
    ("who", "key", "may_change"),
    [
        ("author", "own draft", True),
        ("author", "own in review", True),
        ("author", "own published", False),
        ("author", "others' draft", False),
        ("other author", "others' draft", True),
        ("editor", "own published", True),
        ("editor", "others' draft", True),
    ],
)
def test_authors_change_their_own_work_until_it_is_published(
    client, people, essays, who, key, may_change
):
    login(client, people, who)
    essay = essays[key]
    url = reverse("admin:essays_essay_change", args=[essay.pk])
    page = client.get(url)
    assert page.context["has_change_permission"] is may_change
    assert page.context["inline_admin_formsets"][1].has_change_permission is may_change

    data = form_data(page) if may_change else {"title": "Taken over", "status": essay.status}
    data["title"] = "Changed by " + who
    data["publish_with_open_sections"] = "on"
    response = client.post(url, data)
    essay.refresh_from_db()
    if may_change:
        assert response.status_code == 302, response.context["errors"]
        assert essay.title == "Changed by " + who
    else:
        assert response.status_code == 403
        assert not essay.title.startswith("Changed")


def test_an_author_can_submit_for_review_but_not_publish(client, people, essays):
    login(client, people, "author")
    essay = essays["own draft"]
    url = reverse("admin:essays_essay_change", args=[essay.pk])
    page = client.get(url)
    choices = [value for value, _ in page.context["adminform"].form.fields["status"].choices]
    assert choices == [Status.DRAFT, Status.IN_REVIEW]

    data = form_data(page)
    data["status"] = Status.PUBLISHED
    data["publish_with_open_sections"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    essay.refresh_from_db()
    assert essay.status == Status.DRAFT

    data["status"] = Status.IN_REVIEW
    assert client.post(url, data).status_code == 302
    essay.refresh_from_db()
    assert essay.status == Status.IN_REVIEW


def test_an_author_cannot_schedule_or_announce(client, people, essays):
    login(client, people, "author")
    essay = essays["own draft"]
    url = reverse("admin:essays_essay_change", args=[essay.pk])
    page = client.get(url)
    form_fields = page.context["adminform"].form.fields
    assert not {"publish_at", "expire_at", "announced"} & set(form_fields)
    data = form_data(page)
    data.update({"publish_at_0": "2030-01-01", "publish_at_1": "09:00", "announced": "on"})
    assert client.post(url, data).status_code == 302
    essay.refresh_from_db()
    assert essay.publish_at is None and not essay.announced


def test_a_new_essay_belongs_to_the_author_who_wrote_it(client, people):
    login(client, people, "author")
    page = client.get(reverse("admin:essays_essay_add"))
    data = form_data(page)
    data.update(
        {
            "title": "Fresh",
            "slug": "fresh",
            "date": "2026-01-02",
            "series": EssayFactory().series_id,
            "series_position": "5",
            "status": Status.DRAFT,
        }
    )
    response = client.post(reverse("admin:essays_essay_add"), data)
    assert response.status_code == 302, response.context["errors"]
    assert Essay.objects.get(slug="fresh").created_by == people["author"]


@pytest.mark.parametrize(("who", "published"), [("author", False), ("editor", True)])
def test_only_editors_publish_from_the_list(client, people, essays, who, published):
    login(client, people, who)
    essay = essays["own in review"]
    client.post(
        reverse("admin:essays_essay_changelist"),
        {"action": "publish_now", "_selected_action": [essay.pk]},
    )
    essay.refresh_from_db()
    assert (essay.status == Status.PUBLISHED) is published


def test_editors_unpublish_and_readers_lose_the_page(client, people, essays):
    essay = essays["own published"]
    assert client.get(essay.get_absolute_url()).status_code == 200
    login(client, people, "editor").post(
        reverse("admin:essays_essay_changelist"),
        {"action": "unpublish", "_selected_action": [essay.pk]},
    )
    client.logout()
    assert client.get(essay.get_absolute_url()).status_code == 404


def test_an_author_cannot_bulk_delete_others_work(client, people, essays):
    login(client, people, "author")
    target = essays["others' draft"]
    response = client.post(
        reverse("admin:essays_essay_changelist"),
        {"action": "delete_selected", "_selected_action": [target.pk], "post": "yes"},
    )
    assert response.status_code in (200, 403)
    assert Essay.objects.filter(pk=target.pk).exists()


@pytest.mark.parametrize(("who", "allowed"), [("author", False), ("editor", True)])
def test_only_editors_assign_and_change_status_on_the_board(client, people, essays, who, allowed):
    login(client, people, who)
    section = Section.objects.get(essay=essays["own draft"], heading="Later")
    client.post(
        reverse("admin:essays_boardsection_changelist"),
        {"action": "mark_drafted", "_selected_action": [section.pk]},
    )
    section.refresh_from_db()
    assert (section.drafting_status == DraftingStatus.DRAFTED) is allowed


@pytest.mark.parametrize(("who", "allowed"), [("author", False), ("editor", True)])
def test_only_editors_accept_findings(client, people, essays, who, allowed):
    from essays.models import Finding

    login(client, people, who)
    finding = Finding.objects.filter(kind="placeholder").first()
    client.post(
        reverse("admin:essays_finding_changelist"),
        {"action": "accept", "_selected_action": [finding.pk], "reason": "On purpose"},
    )
    finding.refresh_from_db()
    assert (finding.accepted_as_id is not None) is allowed


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 403), ("staff without a role", 403), ("author", 200), ("editor", 200)],
)
def test_the_markdown_preview_is_for_writers(client, people, who, expected):
    people["staff without a role"] = UserFactory(is_staff=True)
    login(client, people, who)
    response = client.post(reverse("markdownx_markdownify"), {"content": "*hi*"})
    assert response.status_code == expected


def test_authors_change_their_own_case_studies_until_published(client, people, render):
    own = render(CaseStudyFactory(created_by=people["author"], status=Status.DRAFT))
    others = render(CaseStudyFactory(created_by=people["other author"], status=Status.DRAFT))
    login(client, people, "author")
    for case_study, expected in ((own, True), (others, False)):
        page = client.get(reverse("admin:portfolio_casestudy_change", args=[case_study.pk]))
        assert page.context["has_change_permission"] is expected
    response = client.post(
        reverse("admin:portfolio_casestudy_changelist"),
        {"action": "publish_now", "_selected_action": [own.pk]},
    )
    assert response.status_code in (200, 302)
    assert CaseStudy.objects.get(pk=own.pk).status == Status.DRAFT


def test_only_editors_make_review_links(client, people, essays):
    from reviews.models import ReviewLink

    draft = essays["own draft"]
    url = reverse("admin:essays_essay_review_links", args=[draft.pk])
    login(client, people, "author")
    assert client.post(url, {"days": 7, "recipient": "Partner"}).status_code == 403
    assert not ReviewLink.objects.exists()
    login(client, people, "editor")
    assert client.post(url, {"days": 7, "recipient": "Partner"}).status_code == 200
    assert ReviewLink.objects.count() == 1


def test_an_author_cannot_publish_by_restoring_a_published_revision(client, people, essays):
    from civicdata import revisions

    essay = essays["own draft"]
    url = reverse("admin:essays_essay_change", args=[essay.pk])
    login(client, people, "editor")
    for status in (Status.PUBLISHED, Status.UNPUBLISHED):
        data = form_data(client.get(url))
        data.update(status=status, publish_with_open_sections="on")
        assert client.post(url, data).status_code == 302
    published = next(
        version
        for version in revisions.versions_of(essay)
        if version.field_dict.get("status") == Status.PUBLISHED
    )
    login(client, people, "author")  # theirs again, now it is unpublished
    restore = reverse("admin:essays_essay_revision_restore", args=[essay.pk, published.revision.pk])
    assert client.post(restore, {"note": "back"}).status_code == 302
    essay.refresh_from_db()
    assert essay.status == Status.UNPUBLISHED
    client.logout()
    assert client.get(essay.get_absolute_url()).status_code == 404


def test_authors_run_the_checks_only_on_what_they_may_change(client, people, essays):
    login(client, people, "author")
    response = client.post(
        reverse("admin:essays_essay_changelist"),
        {"action": "run_editorial_checks", "_selected_action": [essays["others' draft"].pk]},
        follow=True,
    )
    assert "Checked 0 essays." in response.content.decode()
