"""What readers may see: the one visibility rule, shared by essays and case studies."""

from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class FrontMatterFormat(models.TextChoices):
    YAML = "yaml", "YAML (---)"
    TOML = "toml", "TOML (+++)"
    JSON = "json", "JSON"


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """Items readers may see. Every public page, list, feed, sitemap and link uses this."""
        return self.filter(status=Status.PUBLISHED)

    def visible_to(self, user):
        """Published items, widened to every item for staff who may change them (preview)."""
        if user.is_authenticated and user.has_perm(
            f"{self.model._meta.app_label}.change_{self.model._meta.model_name}"
        ):
            return self.all()
        return self.published()


class Publishable(models.Model):
    """Fields every publishable item has: a status, and what a Hugo round trip needs."""

    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Only published items are shown to readers.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The Hugo round trip. Front matter fields civicdata does not use yet are kept here, and the
    # file as last imported is kept whole, so an item that was not edited since exports unchanged.
    front_matter_extra = models.JSONField(
        default=dict,
        blank=True,
        help_text="Hugo front matter fields civicdata does not use, kept for export.",
    )
    front_matter_format = models.CharField(
        max_length=4, choices=FrontMatterFormat.choices, default=FrontMatterFormat.YAML
    )
    hugo_source = models.TextField(blank=True, editable=False)
    hugo_source_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED


def status_constraint(name):
    return models.CheckConstraint(condition=models.Q(status__in=Status.values), name=name)
