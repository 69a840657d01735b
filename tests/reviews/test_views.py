import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from civicdata.publishing import Status
from essays.models import Essay, Section
from essays.views import EssayDetailView
from reviews.models import (
    COMMENT_MAX_LENGTH,
    COMMENTS_PER_HOUR,
    SELECTOR_LENGTH,
    ReviewComment,
    ReviewOpening,
)
from reviews.services import add_review_comment, revoke_review_link
from tests.factories import CaseStudyFactory, ReviewLinkFactory, SeriesFactory, UserFactory
from tests.public_factories import EditorFactory, WrittenEssayFactory

pytestmark = pytest.mark.django_db

BANNER = "Review copy — not published; please do not share."
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture
def series_with_a_draft(render):
    """A series: a published essay, the draft under review, another draft nobody announced,
    and a published essay after them. The draft links to the other draft and to the last one;
    a draft case study and a published one are related to it."""
    series = SeriesFactory(title="Data in civil society")
    first = WrittenEssayFactory(series=series, series_position=1, title="Published before")
    draft = WrittenEssayFactory(
        series=series,
        series_position=2,
        title="The essay under review",
        status=Status.DRAFT,
        sections=0,
    )
    Section.objects.create(essay=draft, position=1, heading="", body="Opening of the draft.")
    Section.objects.create(
        essay=draft,
        position=2,
        heading="Links",
        body="See [the other draft](/essays/other-draft/) and [the last one](/essays/last/).",
    )
    other = WrittenEssayFactory(
        series=series,
        series_position=3,
        slug="other-draft",
        title="Another secret draft",
        status=Status.DRAFT,
    )
    last = WrittenEssayFactory(series=series, series_position=4, slug="last", title="The last")
    CaseStudyFactory(title="Published case study").related_essays.add(draft)
    CaseStudyFactory(title="Secret case study", status=Status.DRAFT).related_essays.add(draft)
    for essay in (first, other, last, draft):
        render(essay)
    return {"first": first, "draft": draft, "other": other, "last": last}


@pytest.fixture
def link(series_with_a_draft):
    return ReviewLinkFactory(item=series_with_a_draft["draft"])


def main_of(html):
    return re.search(r"<main[^>]*>(.*)</main>", html, re.S).group(1)


def without(patterns, html):
    for pattern in patterns:
        html = re.sub(pattern, "", html, flags=re.S)
    return re.sub(r"\s+", " ", html).strip()


# ---- What the holder of a link sees --------------------------------------------------------------


def test_the_link_shows_the_draft_under_the_review_banner(client, link):
    response = client.get(link.address)
    html = response.content.decode()
    assert response.status_code == 200
    assert BANNER in html
    assert "<h1>The essay under review</h1>" in html
    assert "Opening of the draft." in html
    # Not the staff preview's banner.
    assert "Only staff who may edit it" not in html


def test_the_review_page_is_neither_indexed_cached_nor_passed_on_in_a_referer(client, link):
    response = client.get(link.address)
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Cache-Control"] == "no-store, private"
    assert response["Referrer-Policy"] == "same-origin"
    assert not response.has_header("ETag")
    html = response.content.decode()
    assert '<meta name="robots" content="noindex">' in html
    # The address is the secret: not repeated in the page as a canonical or OpenGraph URL.
    assert link.token not in html


def test_the_review_copy_is_the_page_readers_will_get(client, link):
    """The same as the staff preview of the draft, banners and comment form apart."""
    editor = EditorFactory()
    client.force_login(editor)
    preview = client.get(link.essay.get_absolute_url()).content.decode()
    client.logout()
    review = client.get(link.address).content.decode()
    assert without([r'<p class="draft-banner" role="status">.*?</p>'], main_of(preview)) == (
        without(
            [
                r'<p class="draft-banner review-banner" role="status">.*?</p>',
                r'<section class="review-comments".*?</section>',
            ],
            main_of(review),
        )
    )


def test_the_review_copy_follows_edits(client, link, render):
    section = link.essay.sections.get(position=1)
    section.body = "A sentence the editor added this morning."
    section.save()
    render(link.essay)
    html = client.get(link.address).content.decode()
    assert "A sentence the editor added this morning." in html
    assert "Opening of the draft." not in html


def test_the_review_copy_shows_no_other_draft(client, link, series_with_a_draft):
    html = client.get(link.address).content.decode()
    # Previous and next are the published neighbours; the other draft is neither linked nor
    # named, and a link to it in the text is plain text.
    assert 'rel="prev">Published before</a>' in html
    assert 'rel="next">The last</a>' in html
    assert "Another secret draft" not in html
    assert 'href="/essays/other-draft/"' not in html
    assert "the other draft" in html
    assert 'href="/essays/last/"' in html
    # Related case studies: the published one only.
    assert "Published case study" in html
    assert "Secret case study" not in html


def test_a_case_studys_link_shows_the_case_study(client, render):
    essay = render(WrittenEssayFactory(title="A secret related essay", status=Status.DRAFT))
    case_study = CaseStudyFactory(
        title="Draft case study", status=Status.IN_REVIEW, body="## Method\n\nHow we did it."
    )
    case_study.related_essays.add(essay)
    render(case_study)
    link = ReviewLinkFactory(item=case_study)
    response = client.get(link.address)
    html = response.content.decode()
    assert response.status_code == 200
    assert BANNER in html
    assert "<h1>Draft case study</h1>" in html and "How we did it." in html
    assert "A secret related essay" not in html
    assert response["Cache-Control"] == "no-store, private"


def test_a_link_to_an_item_published_since_leads_to_its_public_page(client, link, render):
    link.essay.status = Status.PUBLISHED
    link.essay.save()
    response = client.get(link.address)
    assert response.status_code == 302
    assert response["Location"] == link.essay.get_absolute_url()
    assert response["Referrer-Policy"] == "same-origin"


# ---- Links that do not open ----------------------------------------------------------------------


def assert_closed(response, status, title):
    html = response.content.decode()
    assert response.status_code == status
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Cache-Control"] == "no-store, private"
    assert title not in html
    assert "Opening of the draft." not in html
    return html


def test_an_expired_link_is_gone(client, link, clock):
    clock.advance(datetime.timedelta(days=7))
    html = assert_closed(client.get(link.address), 410, "The essay under review")
    assert "This review link has expired" in html


def test_a_revoked_link_is_gone_though_its_token_is_genuine(client, link):
    revoke_review_link(link=link, revoked_by=None)
    html = assert_closed(client.get(link.address), 410, "The essay under review")
    assert "This review link was withdrawn" in html


def test_a_revoked_link_to_a_published_item_is_gone_too(client, link):
    revoke_review_link(link=link, revoked_by=None)
    link.essay.status = Status.PUBLISHED
    link.essay.save()
    assert client.get(link.address).status_code == 410


@pytest.mark.parametrize("where", ["selector", "secret", "end"])
def test_a_tampered_link_is_not_found(client, link, where):
    position = {"selector": 3, "secret": SELECTOR_LENGTH + 5, "end": len(link.token) - 1}[where]
    token = link.token
    changed = token[:position] + ("a" if token[position] != "a" else "b") + token[position + 1 :]
    html = assert_closed(client.get(f"/review/{changed}/"), 404, "The essay under review")
    assert "Page not found" in html


@pytest.mark.parametrize("token", ["unknown", "x" * 55, "x" * 200])
def test_an_unknown_link_is_not_found(client, link, token):
    assert_closed(client.get(f"/review/{token}/"), 404, "The essay under review")


def test_a_link_whose_item_the_public_page_no_longer_loads_is_not_found(client, link, monkeypatch):
    monkeypatch.setattr(EssayDetailView, "queryset", Essay.objects.none())
    assert_closed(client.get(link.address), 404, "The essay under review")


def test_a_link_opens_its_own_item_and_no_other(client, series_with_a_draft):
    mine = ReviewLinkFactory(item=series_with_a_draft["draft"])
    theirs = ReviewLinkFactory(item=series_with_a_draft["other"])
    assert "Another secret draft" not in client.get(mine.address).content.decode()
    mixed = mine.token[:SELECTOR_LENGTH] + theirs.token[SELECTOR_LENGTH:]
    assert client.get(f"/review/{mixed}/").status_code == 404
    mixed = theirs.token[:SELECTOR_LENGTH] + mine.token[SELECTOR_LENGTH:]
    assert client.get(f"/review/{mixed}/").status_code == 404
    # A link is not a login: the item's public address stays closed to its holder.
    assert client.get(series_with_a_draft["draft"].get_absolute_url()).status_code == 404


def test_the_links_openings_are_logged_without_the_readers_address(client, link):
    client.get(
        link.address,
        HTTP_USER_AGENT=FIREFOX,
        REMOTE_ADDR="203.0.113.77",
        HTTP_X_FORWARDED_FOR="198.51.100.23",
    )
    client.head(link.address)  # a link checker, not a reader
    client.get(f"/review/{link.token[:-1]}x/")  # no link: nothing to log against
    openings = list(ReviewOpening.objects.values())
    assert len(openings) == 1
    assert openings[0]["link_id"] == link.pk and openings[0]["browser"] == "Firefox"
    stored = " ".join(str(value) for row in ReviewOpening.objects.values_list() for value in row)
    assert "203.0.113" not in stored and "198.51.100" not in stored
    assert "rv:128" not in stored


def test_an_expired_links_openings_are_not_logged(client, link, clock):
    clock.advance(datetime.timedelta(days=8))
    client.get(link.address)
    assert not ReviewOpening.objects.exists()


def test_the_review_page_costs_a_fixed_number_of_queries(client, link, django_assert_num_queries):
    add_review_comment(link=link, body="Earlier comment")
    # The link; logging the opening; the essay with its series and progress, bylines with their
    # authors, published case studies; the series outline; this link's comments.
    with django_assert_num_queries(7):
        response = client.get(link.address)
    assert response.status_code == 200


# ---- Comments ------------------------------------------------------------------------------------


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def csrf_token(client, link):
    client.get(link.address)
    return client.cookies["csrftoken"].value


def test_a_reviewer_comments_on_a_section(csrf_client, link):
    token = csrf_token(csrf_client, link)
    html = csrf_client.get(link.address).content.decode()
    assert '<option value="links">Links</option>' in html
    response = csrf_client.post(
        link.address,
        {"csrfmiddlewaretoken": token, "section": "links", "name": "Dee", "body": "Cite 2019."},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{link.address}#review-comments"
    comment = ReviewComment.objects.get()
    assert (comment.link, comment.section_heading, comment.name) == (link, "Links", "Dee")
    html = csrf_client.get(response["Location"]).content.decode()
    assert "Thank you: your comment was sent to the editors." in html
    assert "Cite 2019." in html


def test_a_comment_on_the_whole_piece_has_no_section(client, link):
    client.post(link.address, {"section": "", "body": "Overall fine."})
    assert ReviewComment.objects.get().section_heading == ""


def test_a_comment_without_the_csrf_token_is_refused(csrf_client, link):
    csrf_token(csrf_client, link)
    response = csrf_client.post(link.address, {"section": "", "body": "Forged"})
    assert response.status_code == 403
    assert not ReviewComment.objects.exists()


def test_comments_are_shown_as_plain_text(client, link):
    client.post(link.address, {"body": '<script>alert("x")</script>\n<b>bold</b>'})
    html = client.get(link.address).content.decode()
    assert "<script>alert" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>&lt;b&gt;bold&lt;/b&gt;" in html


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"body": ""}, "This field is required."),
        ({"body": "x" * (COMMENT_MAX_LENGTH + 1)}, "Ensure this value has at most"),
        ({"body": "Fine", "section": "no-such-section"}, "Select a valid choice."),
        ({"body": "Fine", "name": "n" * 101}, "Ensure this value has at most 100"),
    ],
)
def test_a_bad_comment_saves_nothing_and_says_why(client, link, data, error):
    response = client.post(link.address, data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not ReviewComment.objects.exists()


def test_a_link_stops_taking_comments_for_an_hour_past_its_limit(client, link, clock):
    for number in range(COMMENTS_PER_HOUR):
        add_review_comment(link=link, body=f"Comment {number}")
    response = client.post(link.address, {"body": "One more"})
    assert response.status_code == 429
    assert "as many as it can" in response.content.decode()
    assert link.comments.count() == COMMENTS_PER_HOUR
    clock.advance(datetime.timedelta(hours=1))
    assert client.post(link.address, {"body": "One more"}).status_code == 302


@pytest.mark.parametrize("how", ["revoked", "expired", "tampered"])
def test_no_comment_through_a_link_that_does_not_open(client, link, clock, how):
    address = link.address
    if how == "revoked":
        revoke_review_link(link=link, revoked_by=None)
    elif how == "expired":
        clock.advance(datetime.timedelta(days=7))
    else:
        address = f"/review/{link.token[:-1]}{'a' if link.token[-1] != 'a' else 'b'}/"
    response = client.post(address, {"body": "Let me in"})
    assert response.status_code in (404, 410)
    assert not ReviewComment.objects.exists()


def test_a_reviewer_sees_only_the_comments_sent_through_their_link(client, link):
    other = ReviewLinkFactory(item=link.essay)
    add_review_comment(link=other, body="From the other partner")
    add_review_comment(link=link, body="From us")
    html = client.get(link.address).content.decode()
    assert "From us" in html and "From the other partner" not in html


def test_a_logged_in_visitor_is_not_treated_as_staff_on_the_review_page(client, link):
    client.force_login(UserFactory())
    response = client.get(link.address)
    assert response.status_code == 200 and BANNER in response.content.decode()
    assert link.created_at < timezone.now()


def test_a_link_to_an_item_in_the_trash_shows_nothing(client, link):
    from civicdata.trash import move_to_trash

    move_to_trash([link.item], user=None)
    response = client.get(link.address)
    assert response.status_code == 404
    assert "The essay under review" not in response.content.decode()
