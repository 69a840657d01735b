import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q
from django.utils import timezone


def resolve_links_to_case_studies(apps, schema_editor):
    """Fill in the case study each resolved link leads to, as civicdata.links.record_links now
    stores it: by its slug, else by an old address of it."""
    InternalLink = apps.get_model("essays", "InternalLink")
    CaseStudy = apps.get_model("portfolio", "CaseStudy")
    OldAddress = apps.get_model("addresses", "OldAddress")
    now = timezone.now()
    live = CaseStudy.objects.filter(
        Q(status="published", trashed_at__isnull=True)
        & (Q(publish_at__isnull=True) | Q(publish_at__lte=now))
        & (Q(expire_at__isnull=True) | Q(expire_at__gt=now))
    )  # civicdata.publishing.live_at as it stands here: a link resolves only to what readers see
    links = InternalLink.objects.filter(target_kind="case_study", resolved=True)
    slugs = set(links.values_list("target_slug", flat=True))
    by_slug = dict(live.filter(slug__in=slugs).values_list("slug", "pk"))
    by_old_address = dict(
        OldAddress.objects.filter(
            path__in=[f"/portfolio/{slug}/" for slug in slugs], case_study__in=live
        ).values_list("path", "case_study_id")
    )
    for slug in slugs:
        case_study_id = by_slug.get(slug) or by_old_address.get(f"/portfolio/{slug}/")
        if case_study_id:
            links.filter(target_slug=slug).update(case_study_id=case_study_id)


class Migration(migrations.Migration):
    dependencies = [
        ("essays", "0009_stored_drafting_progress"),
        ("portfolio", "0005_trash"),
        ("addresses", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="internallink",
            name="case_study",
            field=models.ForeignKey(
                blank=True,
                help_text="The case study the link led readers to when its source was last "
                "rendered (by its slug or an old address); empty for other links.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="links_leading_here",
                to="portfolio.casestudy",
            ),
        ),
        migrations.RunPython(resolve_links_to_case_studies, migrations.RunPython.noop),
    ]
