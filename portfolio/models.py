from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from markdownx.models import MarkdownxField

from civicdata.images import validate_image_file
from civicdata.publishing import (
    Publishable,
    PublishableQuerySet,
    schedule_constraint,
    status_constraint,
)


class CaseStudyQuerySet(PublishableQuerySet):
    def for_public_page(self):
        """A case study with what its public page shows: partners and the published essays
        it relates to."""
        from essays.models import Essay

        return self.prefetch_related(
            "partners",
            models.Prefetch(
                "related_essays",
                queryset=Essay.objects.published(),
                to_attr="published_related_essays",
            ),
        )


class CaseStudy(Publishable):
    title = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=200, unique=True, help_text="The address: /portfolio/<slug>/."
    )
    summary = models.TextField(blank=True, help_text="One or two sentences for lists and feeds.")
    body = MarkdownxField(blank=True)
    body_html = models.TextField(blank=True, editable=False)
    date = models.DateField()
    hero_image = models.ImageField(
        upload_to="case-studies/",
        blank=True,
        validators=[validate_image_file],
        help_text="JPEG, PNG, WebP or GIF.",
    )
    hero_image_alt = models.CharField(
        "hero image alt text",
        max_length=300,
        blank=True,
        help_text="What the image shows, for readers who cannot see it. Required with an image.",
    )
    related_essays = models.ManyToManyField("essays.Essay", blank=True, related_name="case_studies")

    objects = CaseStudyQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "title"]
        verbose_name_plural = "case studies"
        permissions = [("publish_casestudy", "Can publish, unpublish and schedule case studies")]
        constraints = [
            status_constraint("casestudy_valid_status"),
            schedule_constraint("casestudy_expires_after_publication"),
            models.CheckConstraint(
                condition=models.Q(hero_image="") | ~models.Q(hero_image_alt=""),
                name="casestudy_hero_image_has_alt",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("portfolio:casestudy_detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.hero_image and not self.hero_image_alt.strip():
            raise ValidationError(
                {"hero_image_alt": "Describe the image for readers who cannot see it."}
            )


class TrashedCaseStudy(CaseStudy):
    """Case studies in the trash, for their own admin page."""

    class Meta:
        proxy = True
        verbose_name = "case study in the trash"
        verbose_name_plural = "trash: case studies"


class Partner(models.Model):
    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="partners")
    organization = models.CharField(max_length=300)
    role = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["case_study", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["case_study", "position"], name="partner_unique_position"
            ),
        ]

    def __str__(self):
        return f"{self.organization} ({self.role})" if self.role else self.organization
