import django.db.models.deletion
from django.db import migrations, models


def resolve_links_to_case_studies(apps, schema_editor):
    """Fill in the case study each resolved link leads to, as civicdata.links.record_links now
    stores it: by its slug, else by an old address of it."""
    InternalLink = apps.get_model("essays", "InternalLink")
    CaseStudy = apps.get_model("portfolio", "CaseStudy")
    OldAddress = apps.get_model("addresses", "OldAddress")
    links = InternalLink.objects.filter(target_kind="case_study", resolved=True)
    slugs = set(links.values_list("target_slug", flat=True))
    by_slug = dict(CaseStudy.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    by_old_address = dict(
        OldAddress.objects.filter(
            path__in=[f"/portfolio/{slug}/" for slug in slugs], case_study__isnull=False
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
