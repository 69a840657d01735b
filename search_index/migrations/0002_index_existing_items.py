from django.db import migrations


def index_existing_items(apps, schema_editor):
    from search_index.documents import build_index

    build_index(
        essay_model=apps.get_model("essays", "Essay"),
        case_study_model=apps.get_model("portfolio", "CaseStudy"),
        document_model=apps.get_model("search_index", "SearchDocument"),
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    dependencies = [("search_index", "0001_initial")]

    operations = [migrations.RunPython(index_existing_items, migrations.RunPython.noop)]
