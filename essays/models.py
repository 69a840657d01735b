import reversion
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.functional import cached_property
from markdownx.models import MarkdownxField

from civicdata.markdown import render
from civicdata.publishing import (
    Publishable,
    PublishableQuerySet,
    Status,
    live_at,
    schedule_constraint,
    status_constraint,
)
from civicdata.reversing import reverse_remembered


class DraftingStatus(models.TextChoices):
    PLACEHOLDER = "placeholder", "Placeholder"
    IN_PROGRESS = "in_progress", "In progress"
    DRAFTED = "drafted", "Drafted"


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
        return reverse_remembered("essays:series_detail", kwargs={"slug": self.slug})

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


# What lists of essays never show: the text, the Hugo round trip's fields and the editors' record.
# Each column loaded costs a list (SQLite parses every date and time in Python).
NOT_IN_LISTS = (
    "body_html",
    "table_of_contents",
    "hugo_source",
    "hugo_source_digest",
    "front_matter_extra",
    "front_matter_format",
    "created_at",
    "created_by",
    "updated_at",
    "trashed_at",
    "trashed_by",
    "publish_at",
    "expire_at",
)


def _bylines_in_order():
    return models.Prefetch(
        "bylines", queryset=Byline.objects.select_related("author").order_by("position")
    )


class EssayQuerySet(PublishableQuerySet):
    def for_index(self):
        """Essays with what a list shows: series and byline."""
        return self.select_related("series").prefetch_related(_bylines_in_order())

    def in_series_outline(self, at=None):
        """The essays readers may know of in a series: published ones, and unpublished ones an
        editor announced as forthcoming (title only) unless taken down, each annotated `is_live`
        (readers may open it). The one rule for "Part 3 of 7"."""
        now = at or timezone.now()
        live = live_at(now)
        taken_down = models.Q(status=Status.PUBLISHED, expire_at__lte=now)
        announced = models.Q(announced=True, trashed_at__isnull=True) & ~taken_down
        return self.filter(live | announced).annotate(
            is_live=models.ExpressionWrapper(live, output_field=models.BooleanField())
        )


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
    announced = models.BooleanField(
        "announce as forthcoming",
        default=False,
        help_text="While unpublished, readers see this essay's title (and nothing else) in its "
        "series as forthcoming.",
    )

    # Derived when the essay is rendered (essays.services.render_essay), never typed in.
    body_html = models.TextField(blank=True, editable=False)
    table_of_contents = models.JSONField(default=list, blank=True, editable=False)
    word_count = models.PositiveIntegerField(default=0, editable=False)
    # Drafting progress: placeholders and drafts in progress are not drafted. Every change to a
    # section's status re-renders its essay, as its contents show the status too.
    sections_total = models.PositiveIntegerField(default=0, editable=False)
    sections_drafted = models.PositiveIntegerField(default=0, editable=False)

    objects = EssayQuerySet.as_manager()

    class Meta:
        ordering = ["series__title", "series_position"]
        permissions = [("publish_essay", "Can publish, unpublish and schedule essays")]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "series_position"], name="essay_unique_series_position"
            ),
            status_constraint("essay_valid_status"),
            schedule_constraint("essay_expires_after_publication"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse_remembered("essays:essay_detail", kwargs={"slug": self.slug})

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
    def sections_still_being_written(self):
        """Placeholders and sections in progress."""
        return self.sections_total - self.sections_drafted

    @property
    def reading_minutes(self):
        return max(1, round(self.word_count / settings.CIVICDATA_WORDS_PER_MINUTE))

    @cached_property
    def authors(self):
        """Its authors in byline order (public pages read them with the essay: essays.reads)."""
        return [byline.author for byline in self.bylines.all()]

    def refresh_from_db(self, *args, **kwargs):
        self.__dict__.pop("authors", None)
        super().refresh_from_db(*args, **kwargs)


class TrashedEssay(Essay):
    """Essays in the trash, for their own admin page."""

    class Meta:
        proxy = True
        verbose_name = "essay in the trash"
        verbose_name_plural = "trash: essays"


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


class SectionQuerySet(models.QuerySet):
    def open(self):
        """Sections still to be written: placeholders and those in progress, in essays not in
        the trash."""
        return self.exclude(drafting_status=DraftingStatus.DRAFTED).filter(
            essay__trashed_at__isnull=True
        )

    def for_board(self):
        """Sections with what the drafting board and report show beside them."""
        return self.select_related("essay__series", "assignee").annotate(
            draft_length=Length("body")
        )


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
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_sections",
        help_text="Who is drafting this section.",
    )
    status_changed_at = models.DateTimeField(
        default=timezone.now,
        editable=False,
        help_text="When the drafting status last changed: how long a section has been open.",
    )

    objects = SectionQuerySet.as_manager()

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

    def save(self, *args, **kwargs):
        loaded = getattr(self, "_loaded_drafting_status", None)
        if loaded is not None and loaded != self.drafting_status:
            self.status_changed_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "status_changed_at"}
        super().save(*args, **kwargs)
        self._loaded_drafting_status = self.drafting_status

    def get_absolute_url(self):
        return f"{self.essay.get_absolute_url()}#{self.anchor}"

    def clean(self):
        super().clean()
        if not 1 <= (self.heading_level or 0) <= 6:
            raise ValidationError({"heading_level": "A heading level is between 1 and 6."})

    @classmethod
    def from_db(cls, db, field_names, values):
        section = super().from_db(db, field_names, values)
        section._loaded_drafting_status = section.__dict__.get("drafting_status")
        return section

    @property
    def is_placeholder(self):
        return self.drafting_status == DraftingStatus.PLACEHOLDER

    @property
    def is_open(self):
        return self.drafting_status != DraftingStatus.DRAFTED


class BoardSection(Section):
    """A section as the drafting board in the admin lists it."""

    class Meta:
        proxy = True
        verbose_name = "section on the drafting board"
        verbose_name_plural = "drafting board"


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
    case_study = models.ForeignKey(
        "portfolio.CaseStudy",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="links_leading_here",
        help_text="The case study the link led readers to when its source was last rendered "
        "(by its slug or an old address); empty for other links.",
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


class FindingKind(models.TextChoices):
    PLACEHOLDER = "placeholder", "Placeholder section"
    EMPTY_SECTION = "empty_section", "Empty section"
    REPEATED_TEXT = "repeated_text", "Repeated sentence"
    PULLQUOTE_NOT_IN_TEXT = "pullquote_not_in_text", "Pullquote not in the text"
    BROKEN_LINK = "broken_link", "Link to a missing or unpublished item"
    IMAGE_WITHOUT_ALT = "image_without_alt", "Image without alt text"
    HEADING_SKIPS_LEVEL = "heading_skips_level", "Heading skips a level"
    LONG_PARAGRAPH = "long_paragraph", "Very long paragraph"


class FindingQuerySet(models.QuerySet):
    def open(self):
        """Findings no editor has accepted as intended."""
        return self.filter(accepted_as__isnull=True)


class Finding(models.Model):
    """Something an editorial check found in an essay or case study when it was last saved."""

    source_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    source_id = models.PositiveBigIntegerField()
    source = GenericForeignKey("source_type", "source_id")
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, null=True, blank=True, related_name="findings"
    )
    kind = models.CharField(max_length=40, choices=FindingKind.choices)
    message = models.TextField()
    excerpt = models.TextField(blank=True, help_text="The text involved.")
    suggestion = models.TextField(blank=True, help_text="For a pullquote: the nearest sentence.")
    fingerprint = models.CharField(
        max_length=64, help_text="Identifies the finding by its kind and the text involved."
    )
    accepted_as = models.ForeignKey(
        "AcceptedFinding", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["source_type", "source_id", "section__position", "kind", "pk"]
        indexes = [models.Index(fields=["source_type", "source_id"], name="finding_source_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.message}"


class AcceptedFinding(models.Model):
    """An editor's word that a finding is intended. It holds while the text involved is unchanged,
    because a finding's fingerprint changes with that text."""

    source_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    source_id = models.PositiveBigIntegerField()
    fingerprint = models.CharField(max_length=64)
    reason = models.TextField(help_text="Why this is intended.")
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "fingerprint"],
                name="acceptedfinding_unique_fingerprint",
            )
        ]

    def __str__(self):
        return f"Accepted: {self.reason[:60]}"


# Revisions (django-reversion; civicdata/revisions.py records, compares and restores them): an
# essay is stored with its parts. What rendering derives is left out, as a restored essay is
# rendered again.
reversion.register(Byline)
reversion.register(Section, exclude=["anchor", "body_html"])
reversion.register(Inset, exclude=["body_html"])
reversion.register(Pullquote, exclude=["body_html"])
reversion.register(
    Essay,
    follow=["sections", "insets", "pullquotes", "bylines"],
    exclude=[
        "body_html",
        "table_of_contents",
        "word_count",
        "sections_total",
        "sections_drafted",
        "created_at",
        "updated_at",
    ],
)
