from django.apps import AppConfig
from django.db.models.signals import post_migrate


class EssaysConfig(AppConfig):
    name = "essays"
    verbose_name = "Essays"

    def ready(self):
        from civicdata import generation
        from civicdata.roles import sync_roles

        generation.connect_signals()

        post_migrate.connect(sync_roles, dispatch_uid="civicdata.roles.sync_roles")
