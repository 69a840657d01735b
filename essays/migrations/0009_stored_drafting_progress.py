from django.db import migrations, models
from django.db.models import Count, Q


def count_sections(apps, schema_editor):
    """Fill in the progress that essays.services.render_essay now stores."""
    Essay = apps.get_model("essays", "Essay")
    counted = Essay.objects.annotate(
        total=Count("sections"),
        drafted=Count("sections", filter=Q(sections__drafting_status="drafted")),
    )
    for essay in counted.only("pk").iterator(chunk_size=500):
        Essay.objects.filter(pk=essay.pk).update(
            sections_total=essay.total, sections_drafted=essay.drafted
        )


class Migration(migrations.Migration):
    dependencies = [
        ("essays", "0008_trash"),
    ]

    operations = [
        migrations.AddField(
            model_name="essay",
            name="sections_drafted",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="essay",
            name="sections_total",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(count_sections, migrations.RunPython.noop),
    ]
