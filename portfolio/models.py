import reversion
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils.functional import cached_property
from markdownx.models import MarkdownxField

from civicdata.images import UploadedImageField, validate_image_file
from civicdata.links import CASE_STUDY
from civicdata.publishing import (
    Publishable,
    PublishableQuerySet,
    schedule_constraint,
    status_constraint,
)
from civicdata.reversing import reverse_remembered


class Stage(models.TextChoices):
    """Where a project stands in its life, as funders and peers ask about it."""

    SCOPING = "scoping", "Scoping"
    PILOT = "pilot", "Pilot"
    RUNNING = "running", "Running"
    HANDED_OVER = "handed_over", "Handed over"
    ENDED = "ended", "Ended"


class TopicQuerySet(models.QuerySet):
    def of_published_case_studies(self):
        """Topics readers can filter by: those of at least one published case study."""
        return self.filter(
            pk__in=CaseStudy.topics.through.objects.filter(
                casestudy__in=CaseStudy.objects.published()
            ).values("topic_id")
        )


class Topic(models.Model):
    """A subject a case study is about, for filtering the portfolio. Editors keep the list
    short and consistent; a case study has any number of them.

    A model of our own rather than a tagging library (django-taggit): the portfolio needs a
    small, curated vocabulary with stable slugs for its filter links, not free-form tags that
    drift ("data sharing", "data-sharing", "Data Sharing"); a plain many-to-many prefetches in
    one query and is searched with the admin's autocomplete; and it adds no dependency or
    generic relation."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(
        max_length=100, unique=True, help_text="In the portfolio's address: ?topic=<slug>."
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        """The portfolio filtered to this topic."""
        return f"{reverse_remembered('portfolio:casestudy_list')}?topic={self.slug}"


def _links_from_essays(**filters):
    """Essays' recorded links to case studies (essays.InternalLink). The links' source type is
    named, not its id: a prepared query (essays.reads) keeps its SQL after a restore renumbers
    content types."""
    from essays.models import InternalLink

    return InternalLink.objects.filter(
        source_type__app_label="essays",
        source_type__model="essay",
        target_kind=CASE_STUDY,
        **filters,
    )


def _links_from_essays_to(slugs):
    """The ids of essays whose text links to a case study at one of `slugs`, or to one of its
    old addresses (a link to its slug before a rename follows the redirect), as recorded when
    the essays were last rendered: a subquery, no query of its own."""
    from addresses.models import OldAddress

    old_paths = OldAddress.objects.filter(case_study__slug__in=slugs).values("path")
    linked_path = Concat(
        models.Value(reverse("portfolio:casestudy_list")),
        "target_slug",
        models.Value("/"),
        output_field=models.CharField(),
    )
    return (
        _links_from_essays()
        .annotate(linked_path=linked_path)
        .filter(models.Q(target_slug__in=slugs) | models.Q(linked_path__in=old_paths))
        .values("source_id")
    )


def essays_linking_to(slugs):
    """Essays whose text links to a case study at one of `slugs` (or to its old addresses),
    whatever their status: what renaming, unpublishing or deleting it would break."""
    from essays.models import Essay

    return Essay.objects.filter(pk__in=_links_from_essays_to(list(slugs)))


class CaseStudyQuerySet(PublishableQuerySet):
    def for_index(self):
        """Case studies with what the portfolio list shows beside each: its topics."""
        return self.prefetch_related("topics")

    def for_public_page(self):
        """A case study with what its public page shows: partners, data sources and topics.
        The essays about it are `CaseStudy.essays_for_readers()`."""
        return self.prefetch_related("partners", "data_sources", "topics")

    def mentioned_in(self, essay_id):
        """The case studies an essay is about: those its text links to (as resolved when it
        was last rendered, by slug or old address) and those whose editors listed it as a
        related essay."""
        listed = CaseStudy.related_essays.through.objects.filter(essay_id=essay_id)
        return self.filter(
            models.Q(pk__in=_links_from_essays(source_id=essay_id).values("case_study"))
            | models.Q(pk__in=listed.values("casestudy_id"))
        )

    def filtered(self, *, topic=None, stage=None):
        """The portfolio list's filters: a topic's slug and a stage, each optional."""
        queryset = self
        if topic:
            queryset = queryset.filter(topics__slug=topic)
        if stage:
            queryset = queryset.filter(stage=stage)
        return queryset


class CaseStudy(Publishable):
    title = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=200, unique=True, help_text="The address: /portfolio/<slug>/."
    )
    summary = models.TextField(blank=True, help_text="One or two sentences for lists and feeds.")
    body = MarkdownxField(blank=True)
    body_html = models.TextField(blank=True, editable=False)
    date = models.DateField()
    stage = models.CharField(
        "lifecycle stage",
        max_length=20,
        choices=Stage.choices,
        blank=True,
        help_text="Where the project stands now. Leave empty if it is not to be said.",
    )
    topics = models.ManyToManyField(
        Topic,
        blank=True,
        related_name="case_studies",
        help_text="What the project is about; readers filter the portfolio by these.",
    )
    data_subjects = models.TextField(
        blank=True,
        help_text="Whose lives the data describe: the people (or places) behind the records.",
    )
    protections = models.TextField(
        "how data subjects were protected",
        blank=True,
        help_text="Consent, de-identification, who could see what, how long data were kept.",
    )
    results_used_by = models.TextField(
        "who used the results",
        blank=True,
        help_text="The people and organizations who acted on the findings, and how.",
    )
    funding_model = models.TextField(
        blank=True,
        help_text="Who paid for the work, how (grant, contract, in kind) and for how long.",
    )
    outcomes = models.TextField(
        blank=True, help_text="What changed because of the project, including what did not work."
    )
    hero_image = UploadedImageField(
        upload_to="case-studies/",
        blank=True,
        validators=[validate_image_file],
        help_text="JPEG, PNG, WebP or GIF. Location data and other metadata are removed on "
        "upload; the image is turned upright first.",
    )
    hero_image_alt = models.CharField(
        "hero image alt text",
        max_length=300,
        blank=True,
        help_text="What the image shows, for readers who cannot see it. Required with an image.",
    )
    # Derived when the case study is rendered (portfolio.services.render_case_study): the
    # hero image's responsive renditions (civicdata.renditions.ResponsiveImage.to_dict()).
    hero_image_renditions = models.JSONField(default=dict, blank=True, editable=False)
    related_essays = models.ManyToManyField(
        "essays.Essay",
        blank=True,
        related_name="case_studies",
        help_text="Essays about this project beyond those whose text links to it (those are "
        "listed on its page anyway).",
    )

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
            models.CheckConstraint(
                condition=models.Q(stage="") | models.Q(stage__in=Stage.values),
                name="casestudy_valid_stage",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse_remembered("portfolio:casestudy_detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.hero_image and not self.hero_image_alt.strip():
            raise ValidationError(
                {"hero_image_alt": "Describe the image for readers who cannot see it."}
            )

    def essays_linking_here(self):
        """Essays whose text links to this case study, whatever their status."""
        return essays_linking_to([self.slug])

    def essays_for_readers(self):
        """The published essays about this case study, in series order: those whose text links
        to it (or to one of its old addresses) and those its editors listed as related. One
        query."""
        from essays.models import Essay

        listed = self.related_essays.through.objects.filter(casestudy_id=self.pk)
        return Essay.objects.published().filter(
            models.Q(pk__in=_links_from_essays(case_study=self).values("source_id"))
            | models.Q(pk__in=listed.values("essay_id"))
        )

    @cached_property
    def hero(self):
        """The hero image as readers get it (civicdata.renditions.ResponsiveImage), or None."""
        from civicdata.renditions import ResponsiveImage

        if not self.hero_image:
            return None
        return ResponsiveImage.stored_for(self.hero_image.name, self.hero_image_renditions)


class TrashedCaseStudy(CaseStudy):
    """Case studies in the trash, for their own admin page."""

    class Meta:
        proxy = True
        verbose_name = "case study in the trash"
        verbose_name_plural = "trash: case studies"


class Partner(models.Model):
    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="partners")
    organization = models.CharField(max_length=300)
    role = models.CharField(
        max_length=300, blank=True, help_text="What the organization did in the project."
    )
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


class DataSource(models.Model):
    """A body of data a project used, who holds it, and how it misrepresents reality."""

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="data_sources")
    name = models.CharField(max_length=300, help_text="e.g. Jail booking records, 2015–2020.")
    owner = models.CharField(
        max_length=300, blank=True, help_text="The organization that holds the data."
    )
    description = models.TextField(blank=True, help_text="What the data record, briefly.")
    limitations = models.TextField(
        "known limitations",
        help_text="How the data misrepresent reality: who is missing or over-counted, what the "
        "records measure instead of what they seem to. Shown to readers as written.",
    )
    position = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["case_study", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["case_study", "position"], name="datasource_unique_position"
            ),
            models.CheckConstraint(
                condition=~models.Q(limitations=""), name="datasource_states_limitations"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.owner})" if self.owner else self.name

    def clean(self):
        super().clean()
        if not self.limitations.strip():
            raise ValidationError(
                {"limitations": "Say how these data misrepresent reality; every source does."}
            )


# Revisions (django-reversion; civicdata/revisions.py): a case study is stored with its partners
# and data sources, its topics and related essays as lists of ids. A new kind of part belongs in
# `follow` (tests/portfolio/test_revisions.py checks). Derived fields are left out: a restored
# case study is rendered again.
reversion.register(Partner)
reversion.register(DataSource)
reversion.register(
    CaseStudy,
    follow=["partners", "data_sources"],
    exclude=["body_html", "hero_image_renditions", "created_at", "updated_at"],
)
