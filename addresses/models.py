"""Old addresses of essays and case studies, so links to them keep working.

Why not django.contrib.redirects: its rows hold a target *path*, so renaming an item twice makes
a chain of redirects, renaming it back makes a loop, and every rename would have to rewrite old
rows. Here an old address points at the *item*: the redirect always goes, in one hop, to wherever
the item lives now, and goes away with the item. contrib.redirects also needs django.contrib.sites
with a SITE_ID, which makes the feeds and the sitemap write the domain stored in the Site row
(example.com until someone changes it) instead of the one the request came to.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from essays.models import Essay
from portfolio.models import CaseStudy


class Origin(models.TextChoices):
    SLUG_CHANGE = "slug_change", "Slug changed in the admin"
    HUGO_ALIAS = "hugo_alias", "Hugo alias"
    EDITOR = "editor", "Added by an editor"


class OldAddressQuerySet(models.QuerySet):
    def leading_to_published(self):
        """Old addresses of items readers may see. Only these redirect: following an old
        address never reveals where a draft lives now."""
        return self.filter(
            Q(essay__in=Essay.objects.published()) | Q(case_study__in=CaseStudy.objects.published())
        )


class OldAddress(models.Model):
    path = models.CharField(
        max_length=500,
        help_text="The old address, from the site root: /essays/old-slug/ or /2019/05/a-post/.",
    )
    essay = models.ForeignKey(
        Essay, on_delete=models.CASCADE, null=True, blank=True, related_name="old_addresses"
    )
    case_study = models.ForeignKey(
        CaseStudy, on_delete=models.CASCADE, null=True, blank=True, related_name="old_addresses"
    )
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OldAddressQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = "old address"
        verbose_name_plural = "old addresses"
        constraints = [
            models.UniqueConstraint(fields=["path"], name="oldaddress_unique_path"),
            models.CheckConstraint(
                condition=Q(essay__isnull=False, case_study__isnull=True)
                | Q(essay__isnull=True, case_study__isnull=False),
                name="oldaddress_one_target",
            ),
        ]

    def __str__(self):
        return f"{self.path} → {self.target}"

    def get_absolute_url(self):
        return self.path

    def clean(self):
        from .services import normalize_path, refusal  # services import this module

        super().clean()
        if (self.essay_id is None) == (self.case_study_id is None):
            raise ValidationError("Choose either an essay or a case study, not both.")
        try:
            self.path = normalize_path(self.path)
        except ValueError as error:
            raise ValidationError({"path": str(error)}) from None
        if reason := refusal(self.path, self.target):
            raise ValidationError({"path": reason})

    @property
    def target(self):
        return self.essay if self.essay_id is not None else self.case_study
