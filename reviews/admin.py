"""Review links in the admin of essays and case studies (they have no admin of their own).

`ReviewLinksAdminMixin` adds to an item's change page a panel listing its review links (who
made each and when, its state, when it was opened, reviewers' comments), and a page beside it
where editors make and revoke them. Both of that page's forms are its own, not part of the
item's change form: making a link never saves the item, and pressing Enter while editing the
item never makes a link.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.views.decorators.http import require_POST

from .forms import ReviewLinkForm
from .models import ReviewLink
from .services import create_review_link, revoke_review_link

PANEL_FIELD = "review_links"


class ReviewLinksAdminMixin:
    """For the ModelAdmin of essays and of case studies. Only users who may change the item
    (has_change_permission, object by object) and may add review links (editors) make or revoke
    its links."""

    def _url_name(self, action):
        return f"{self.opts.app_label}_{self.opts.model_name}_{action}"

    def get_urls(self):
        admin_view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/review-links/",
                admin_view(self.review_links_view),
                name=self._url_name("review_links"),
            ),
            path(
                "<path:object_id>/review-links/<int:link_id>/revoke/",
                admin_view(require_POST(self.revoke_review_link_view)),
                name=self._url_name("revoke_review_link"),
            ),
            *super().get_urls(),
        ]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), PANEL_FIELD]

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None or obj.pk is None:
            return fieldsets
        panel = (
            "Review links for partners",
            {
                "fields": [PANEL_FIELD],
                "description": "Secret addresses at which partners read this draft before it "
                "is published.",
            },
        )
        return [*fieldsets, panel]

    def _item_links(self, item):
        return list(ReviewLink.objects.for_item(item).for_admin())

    @admin.display(description="review links")
    def review_links(self, item):
        """The panel on the item's change page (no forms: it sits inside the change form)."""
        if item is None or item.pk is None:
            return "-"
        return render_to_string(
            "reviews/admin/review_links_panel.html",
            {
                "links": self._item_links(item),
                "manage_url": reverse(f"admin:{self._url_name('review_links')}", args=[item.pk]),
                "opts": self.opts,
            },
        )

    def _item_editors_may_change(self, request, object_id):
        """The item (None if this user's admin has no such item); PermissionDenied unless the
        user may change it and make review links (editors: civicdata.roles)."""
        item = self.get_object(request, unquote(object_id))
        if item is not None and not (
            self.has_change_permission(request, item)
            and request.user.has_perm("reviews.add_reviewlink")
        ):
            raise PermissionDenied
        return item

    def review_links_view(self, request, object_id):
        """List the item's links; on POST, make one and show its address, this once."""
        item = self._item_editors_may_change(request, object_id)
        if item is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        issued_url = None
        form = ReviewLinkForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            try:
                with transaction.atomic():  # the link and its line in the item's history
                    link, token = create_review_link(
                        item=item, created_by=request.user, **form.cleaned_data
                    )
                    when = date_format(localtime(link.expires_at), "DATETIME_FORMAT")
                    self.log_change(request, item, f"Made a review link ({link}), until {when}.")
            except ValidationError as error:
                form.add_error(None, error)
            else:
                issued_url = request.build_absolute_uri(
                    reverse("reviews:review_copy", kwargs={"token": token})
                )
                form = ReviewLinkForm()
        links = self._item_links(item)
        for link in links:
            link.revoke_url = reverse(
                f"admin:{self._url_name('revoke_review_link')}", args=[item.pk, link.pk]
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Review links: {item}",
            "subtitle": None,
            "opts": self.opts,
            "original": item,
            "form": form,
            "links": links,
            "issued_url": issued_url,
            "is_published": item.is_published,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "reviews/admin/review_links.html", context)

    def revoke_review_link_view(self, request, object_id, link_id):
        item = self._item_editors_may_change(request, object_id)
        if item is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        link = get_object_or_404(ReviewLink.objects.for_item(item), pk=link_id)
        if link.revoked_at is None:
            with transaction.atomic():
                link = revoke_review_link(link=link, revoked_by=request.user)
                self.log_change(request, item, f"Revoked a review link ({link}).")
            messages.success(request, f"{link} was revoked: it no longer opens.")
        return redirect(f"admin:{self._url_name('review_links')}", item.pk)
