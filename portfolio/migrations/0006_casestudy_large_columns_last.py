from django.db import migrations

from civicdata.column_order import StoreColumnsLast


class Migration(migrations.Migration):
    dependencies = [
        ("portfolio", "0005_trash"),
    ]

    operations = [
        StoreColumnsLast(
            "CaseStudy",
            [
                "front_matter_extra",
                "data_subjects",
                "protections",
                "results_used_by",
                "outcomes",
                "funding_model",
                "body_html",
                "body",
                "hugo_source",
            ],
        ),
    ]
