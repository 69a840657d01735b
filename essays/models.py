from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from markdownx.models import MarkdownxField

from civicdata.markdown import render
from civicdata.publishing import Publishable, PublishableQuerySet, status_constraint


class Series(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = MarkdownxField(blank=True, help_text="Introduces the series on the home page.")
    description_html = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "series"

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.description_html = render(self.description).html
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("essays:series_detail", kwargs={"slug": self.slug})

    @classmethod
    def get_default(cls):
        """The series an essay joins when its front matter names none (settings name it)."""
        default = settings.CIVICDATA_DEFAULT_SERIES
        series, _ = cls.objects.get_or_create(
            slug=default["slug"], defaults={"title": default["title"]}
        )
        return series


class Author(models.Model):
    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class EssayQuerySet(PublishableQuerySet):
    def for_index(self):
        """Essays with what a list shows: series and byline."""
        return self.select_related("series").prefetch_related("bylines__author")

    def for_detail(self):
        """An essay with everything its page shows besides the pre-rendered body."""
        return self.select_related("series").prefetch_related("bylines__author", "sections")


class Essay(Publishable):
    title = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=200, unique=True, help_text="The essay's address: /essays/<slug>/."
    )
    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="essays")
    series_position = models.PositiveIntegerField(
        help_text="Order within the series (Hugo's weight); each number once per series."
    )
    date = models.DateField()
    summary = models.TextField(blank=True, help_text="One or two sentences for lists and feeds.")

    # Derived when the essay is rendered (essays.services.render_essay), never typed in.
    body_html = models.TextField(blank=True, editable=False)
    table_of_contents = models.JSONField(default=list, blank=True, editable=False)
    word_count = models.PositiveIntegerField(default=0, editable=False)

    objects = EssayQuerySet.as_manager()

    class Meta:
        ordering = ["series__title", "series_position"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "series_position"], name="essay_unique_series_position"
            ),
            status_constraint("essay_valid_status"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("essays:essay_detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if (
            self.series_id
            and self.series_position is not None
            and Essay.objects.filter(series_id=self.series_id, series_position=self.series_position)
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError(
                {"series_position": "Another essay already has this position in the series."}
            )

    @property
    def reading_minutes(self):
        return max(1, round(self.word_count / settings.CIVICDATA_WORDS_PER_MINUTE))

    @property
    def authors(self):
        return [byline.author for byline in self.bylines.all()]


class Byline(models.Model):
    essay = models.ForeignKey(Essay, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["essay", "position"]
        constraints = [
            models.UniqueConstraint(fields=["essay", "position"], name="byline_unique_position"),
            models.UniqueConstraint(fields=["essay", "author"], name="byline_unique_author"),
        ]

    def __str__(self):
        return f"{self.author} on {self.essay}"


class DraftingStatus(models.TextChoices):
    PLACEHOLDER = "placeholder", "Placeholder"
    IN_PROGRESS = "in_progress", "In progress"
    DRAFTED = "drafted", "Drafted"


class Section(models.Model):
    essay = models.ForeignKey(Essay, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(help_text="Order within the essay, from 1.")
    heading = models.CharField(
        max_length=300, blank=True, help_text="Leave empty for the opening section only."
    )
    heading_level = models.PositiveSmallIntegerField(
        default=2, help_text="The heading's level in the Hugo file (## is 2)."
    )
    anchor = models.SlugField(max_length=200, blank=True, editable=False)
    body = MarkdownxField(
        blank=True, help_text="Markdown. For a placeholder, any notes or draft text so far."
    )
    body_html = models.TextField(blank=True, editable=False)
    drafting_status = models.CharField(
        max_length=20, choices=DraftingStatus.choices, default=DraftingStatus.DRAFTED
    )
    editor_note = models.TextField(
        blank=True, help_text="For editors only; never shown to readers."
    )

    class Meta:
        ordering = ["essay", "position"]
        constraints = [
            models.UniqueConstraint(fields=["essay", "position"], name="section_unique_position"),
            models.CheckConstraint(
                condition=models.Q(drafting_status__in=DraftingStatus.values),
                name="section_valid_drafting_status",
            ),
            models.CheckConstraint(
                condition=models.Q(heading_level__gte=1, heading_level__lte=6),
                name="section_heading_level_1_to_6",
            ),
        ]

    def __str__(self):
        return self.heading or "Opening"

    def get_absolute_url(self):
        return f"{self.essay.get_absolute_url()}#{self.anchor}"

    def clean(self):
        super().clean()
        if not 1 <= (self.heading_level or 0) <= 6:
            raise ValidationError({"heading_level": "A heading level is between 1 and 6."})

    @property
    def is_placeholder(self):
        return self.drafting_status == DraftingStatus.PLACEHOLDER


class PlacedBlock(models.Model):
    """A block set into an essay's text: at the top, or after a paragraph of a section."""

    essay = models.ForeignKey(Essay, on_delete=models.CASCADE, related_name="%(class)ss")
    section = models.ForeignKey(
        Section,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="%(class)ss",
        help_text="Empty: at the very top of the essay.",
    )
    after_paragraph = models.PositiveIntegerField(
        default=0,
        help_text="How many of the section's paragraphs (or lists, tables…) come before it; "
        "0 is right under the heading. A number past the end places it at the end.",
    )
    body = MarkdownxField()
    body_html = models.TextField(blank=True, editable=False)

    class Meta:
        abstract = True
        ordering = ["essay", "section__position", "after_paragraph", "pk"]

    def clean(self):
        super().clean()
        if self.section_id and self.essay_id and self.section.essay_id != self.essay_id:
            raise ValidationError({"section": "Choose a section of this essay."})


class Inset(PlacedBlock):
    """A boxed summary: a Markdown list, optionally with a lead line."""

    class Meta(PlacedBlock.Meta):
        pass

    def __str__(self):
        return f"Inset in {self.essay}"


class Pullquote(PlacedBlock):
    """A quotation from the essay, set apart from the text."""

    attribution = models.CharField(max_length=200, blank=True)

    class Meta(PlacedBlock.Meta):
        pass

    def __str__(self):
        return f"Pullquote in {self.essay}"


class InternalLink(models.Model):
    """A link from an essay or case study to another one, as found when it was last rendered.

    Editors find unresolved links here; publishing or removing a target re-renders its sources.
    """

    source_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    source_id = models.PositiveBigIntegerField()
    source = GenericForeignKey("source_type", "source_id")
    target_kind = models.CharField(
        max_length=20, choices=[("essay", "Essay"), ("case_study", "Case study")]
    )
    target_slug = models.CharField(max_length=200)
    text = models.CharField(max_length=500, blank=True)
    resolved = models.BooleanField(
        help_text="False: the target is missing or unpublished, so readers see plain text."
    )

    class Meta:
        ordering = ["source_type", "source_id", "target_kind", "target_slug"]
        indexes = [
            models.Index(fields=["target_kind", "target_slug"], name="internallink_target_idx"),
            models.Index(fields=["source_type", "source_id"], name="internallink_source_idx"),
        ]

    def __str__(self):
        state = "resolves" if self.resolved else "unresolved"
        return f"{self.source} → {self.target_kind} {self.target_slug} ({state})"
