from django.apps import AppConfig
from django.db.models.signals import post_migrate


class EssaysConfig(AppConfig):
    name = "essays"
    verbose_name = "Essays"

    def ready(self):
        from civicdata.roles import sync_roles

        post_migrate.connect(sync_roles, dispatch_uid="civicdata.roles.sync_roles")
