"""Who may do what. Two groups, created by a data migration and kept in step on every migrate:

- Authors write essays and case studies, and edit their own while they are not published; they
  may submit them for review but not publish, unpublish, schedule or delete others' work.
- Editors do everything with essays and case studies: publish, unpublish, schedule, assign
  sections, accept findings, empty the trash.

The rules are checked object by object in the admin (civicdata.admin_forms.RoleAwareAdminMixin),
never by hiding buttons alone.
"""

from django.apps import apps as global_apps

from civicdata.publishing import Status

AUTHORS = "Authors"
EDITORS = "Editors"

# Every permission of these apps goes to editors (apps not installed are skipped).
EDITOR_APPS = ("essays", "portfolio", "reviews", "reversion", "audit", "addresses")

# Authors: their own work, read access to the rest. Codenames by app; missing ones are skipped,
# so an app added later only needs its lines here.
AUTHOR_PERMISSIONS = {
    "essays": [
        *(f"{action}_{model}" for action in ("add", "change", "delete", "view")
          for model in ("essay", "section", "inset", "pullquote", "byline")),
        "add_author",
        "view_author",
        "view_series",
        "view_boardsection",
        "view_finding",
        "view_internallink",
    ],
    "portfolio": [
        f"{action}_{model}"
        for action in ("add", "change", "delete", "view")
        for model in ("casestudy", "partner", "datasource")
    ]
    + ["view_topic"],
    "reviews": ["view_reviewlink", "view_reviewcomment"],
}  # fmt: skip

# Statuses an author may give their own work.
AUTHOR_STATUSES = (Status.DRAFT, Status.IN_REVIEW)


def create_roles(apps, schema_editor):
    """The data migration: Django makes permissions after migrating, so make them first."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_roles(apps)


def sync_roles(apps=global_apps, **kwargs):
    """Create the two groups and give them exactly their permissions. Also run after every
    migrate (post_migrate), so permissions of models added later reach the groups."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.set(Permission.objects.filter(content_type__app_label__in=EDITOR_APPS))
    authors, _ = Group.objects.get_or_create(name=AUTHORS)
    wanted = [
        Permission.objects.filter(content_type__app_label=app, codename__in=codenames)
        for app, codenames in AUTHOR_PERMISSIONS.items()
    ]
    authors.permissions.set([permission for group in wanted for permission in group])


def publish_permission(model) -> str:
    return f"{model._meta.app_label}.publish_{model._meta.model_name}"


def can_publish(user, model) -> bool:
    """Publish, unpublish and schedule: editors (and superusers)."""
    return user.has_perm(publish_permission(model))


def may_change(user, item) -> bool:
    """Editors change any item; authors change their own while it is not published."""
    opts = item._meta
    if not user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
        return False
    if can_publish(user, type(item)):
        return True
    return item.pk is None or item.created_by_id == user.pk and item.status != Status.PUBLISHED
