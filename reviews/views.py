"""The review page: one unpublished essay or case study, read-only and exactly as readers will see
it, for whoever holds its review link, with a form to send comments to the editors."""

from functools import cached_property, wraps

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from civicdata.views import DraftPreviewMixin
from essays.views import EssayDetailView
from portfolio.views import CaseStudyDetailView

from .forms import ReviewCommentForm
from .models import COMMENTS_PER_HOUR, ReviewLink
from .services import LinkUnavailable, TooManyComments, add_review_comment, record_opening

# Every answer at a review address, the page or an error: kept out of search engines and of
# every cache (the address is a secret), and never sent on in a Referer to another site.
# Not `no-referrer`: under it browsers send `Origin: null` with the comment form, which
# Django's CSRF check refuses; `same-origin` sends the address only back to this site, which
# has it already.
REVIEW_HEADERS = {
    "X-Robots-Tag": "noindex, nofollow",
    "Cache-Control": "no-store, private",
    "Referrer-Policy": "same-origin",
}


def review_headers(view):
    @wraps(view)
    def view_with_review_headers(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        for header, value in REVIEW_HEADERS.items():
            response.headers[header] = value
        return response

    return view_with_review_headers


class ReviewCopyMixin:
    """Turns an item's public detail view into its review copy: the item of the review link
    (passed as `review_link`) whatever its status, in the public template under a review
    banner, with a comment form. Everything else the page shows comes from the public view, so
    it lists and links only what readers may see."""

    http_method_names = ["get", "head", "post"]

    @cached_property
    def review_link(self):
        return self.kwargs["review_link"]

    def get_queryset(self):
        # The public page's queryset, without DraftPreviewMixin narrowing it to what this
        # visitor may see: holding the link is the permission to see this one item.
        return super(DraftPreviewMixin, self).get_queryset()

    def get_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        item = queryset.present().filter(pk=self.review_link.item_id).first()
        if item is None:  # in the trash, or left out of the public page's queryset
            raise Http404("The item of this review link is gone.")
        return item

    def get_template_names(self):
        return ["reviews/review_copy.html"]

    def get_comment_form(self, data=None):
        return ReviewCommentForm(data, item=self.object)

    def get_context_data(self, **kwargs):
        kwargs.update(
            review_link=self.review_link,
            public_template_name=super().get_template_names()[0],
            # Not the staff preview's banner; and no canonical address or article data for
            # link previews: this page's address is a secret and it is not the article's.
            is_draft_preview=False,
            article=None,
            canonical_url="",
        )
        kwargs.setdefault("comment_form", self.get_comment_form())
        kwargs.setdefault("comments", self.review_link.comments.all())
        return super().get_context_data(**kwargs)

    def get(self, request, *args, **kwargs):
        if request.method == "GET":
            record_opening(link=self.review_link, user_agent=request.headers.get("User-Agent"))
        self.object = self.get_object()
        if self.object.is_published:
            # Out now: the link (while it lasts) leads to the page everyone reads.
            return redirect(self.object)
        return self.render_to_response(self.get_context_data(object=self.object))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.is_published:
            return redirect(self.object)
        form = self.get_comment_form(data=request.POST)
        status = 200
        if form.is_valid():
            try:
                add_review_comment(
                    link=self.review_link,
                    section_heading=form.cleaned_data["section"],
                    name=form.cleaned_data["name"],
                    body=form.cleaned_data["body"],
                )
            except LinkUnavailable:
                return link_unavailable(request, self.review_link)
            except TooManyComments:
                form.add_error(
                    None,
                    f"This link has taken {COMMENTS_PER_HOUR} comments in the last hour, as "
                    "many as it can. Please send the rest later, or write to the editors.",
                )
                status = 429
            else:
                messages.success(request, "Thank you: your comment was sent to the editors.")
                return redirect(f"{request.path}#review-comments")
        context = self.get_context_data(object=self.object, comment_form=form)
        return self.render_to_response(context, status=status)


class EssayReviewCopyView(ReviewCopyMixin, EssayDetailView):
    pass


class CaseStudyReviewCopyView(ReviewCopyMixin, CaseStudyDetailView):
    pass


essay_review_copy = EssayReviewCopyView.as_view()
case_study_review_copy = CaseStudyReviewCopyView.as_view()


def link_unavailable(request, link=None):
    """404 for a token no link was made with (unknown, mistyped, tampered: nothing to say);
    410 Gone for a real link that expired or was revoked, so its holder knows to ask for a new
    one rather than look for a typo. Neither names the item."""
    context = {"state": link.state if link else None, "canonical_url": ""}
    return render(request, "reviews/link_unavailable.html", context, status=410 if link else 404)


@review_headers
def review_copy(request, token):
    """/review/<token>/: the review copy of the token's item, while its link is active."""
    link = ReviewLink.objects.find(token)
    if link is None or not link.is_active:
        return link_unavailable(request, link)
    view = essay_review_copy if link.essay_id is not None else case_study_review_copy
    try:
        return view(request, review_link=link)
    except Http404:
        return link_unavailable(request)
