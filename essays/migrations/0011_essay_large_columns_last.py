from django.db import migrations

from civicdata.column_order import StoreColumnsLast


class Migration(migrations.Migration):
    dependencies = [
        ("essays", "0010_internal_link_case_study"),
    ]

    operations = [
        StoreColumnsLast(
            "Essay", ["front_matter_extra", "table_of_contents", "body_html", "hugo_source"]
        ),
    ]
