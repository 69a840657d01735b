from django.db import migrations

from civicdata.roles import create_roles


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("essays", "0006_roles"),
        ("portfolio", "0004_roles"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
