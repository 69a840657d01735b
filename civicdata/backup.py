"""Backing up the whole site into one archive, and restoring it into an empty database.

The archive is a .tar.gz holding:

    manifest.json    the format version, when it was made, and how many rows of each model
    data.json        every row of the site's content, in Django's JSON serialization
    media/<name>     every file of the default storage (uploads and their renditions)

What is kept: essays with their sections, insets, pullquotes and bylines; authors and series;
case studies with partners, data sources, topics and related essays; editorial findings and
accepted findings; internal links; revisions (django-reversion's Revision and Version); review
links with their openings and comments; old addresses; the audit log and the admin's history;
users and groups. Users are kept because revisions, the audit log, review links and section
assignees name them: without them, restoring would lose who did what. The archive therefore
holds password hashes and e-mail addresses: keep it as safe as the database.

Not kept: sessions (everyone signs in again), what migrations make (content types,
permissions), which foreign keys name by natural key so they match in any database, and the search
index, which restoring builds afresh from the items.
"""

import datetime
import decimal
import io
import json
import tarfile
import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.apps import apps
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction

from search_index.documents import rebuild_index

FORMAT = "civicdata-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATA = "data.json"
MEDIA = "media/"
BACKED_UP_APPS = ("auth", "admin", "reversion", "essays", "portfolio", "addresses", "reviews")
BACKED_UP_APPS += ("audit",)


class BackupError(Exception):
    """An archive that cannot be restored, or a site it cannot be restored into."""


def backed_up_models():
    """The concrete models whose rows make the site, in an order that loads (dependencies
    first); auth's Permission is made by migrations and left out."""
    found = []
    for label in BACKED_UP_APPS:
        for model in apps.get_app_config(label).get_models():
            if (
                model._meta.proxy
                or not model._meta.managed
                or model._meta.model_name == "permission"
            ):
                continue
            found.append(model)
    return serializers.sort_dependencies([(None, found)], allow_cycles=True)


def _media_names(storage, folder=""):
    folders, files = storage.listdir(folder)
    for name in sorted(files):
        yield f"{folder}{name}"
    for sub in sorted(folders):
        yield from _media_names(storage, f"{folder}{sub}/")


def _media_exists(storage):
    try:
        return next(_media_names(storage), None) is not None
    except FileNotFoundError:  # a file system storage whose folder is not made yet
        return False


def _exact(value):
    """JSON for what Django's serializer leaves as Python values. Unlike DjangoJSONEncoder,
    times keep their microseconds: pages show modification times, and must read back the same."""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID | datetime.timedelta):
        return str(value)
    raise TypeError(f"{type(value).__name__} cannot be backed up")


def _add_file(archive, name, data: bytes):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    archive.addfile(info, io.BytesIO(data))


@dataclass
class BackupReport:
    rows: int
    media_files: int


def write_backup(outfile, *, using=DEFAULT_DB_ALIAS, storage=default_storage) -> BackupReport:
    """Write the archive of the whole site to `outfile` (a path or a binary file). Reads in one
    transaction, so the rows agree with each other."""
    counts = {}
    with transaction.atomic(using=using):
        objects = []
        for model in backed_up_models():
            rows = list(model._default_manager.using(using).order_by("pk"))
            counts[model._meta.label] = len(rows)
            objects.extend(rows)
        rows = serializers.serialize(
            "python", objects, use_natural_foreign_keys=True, use_natural_primary_keys=False
        )
        data = json.dumps(rows, indent=1, ensure_ascii=False, default=_exact)
    media = list(_media_names(storage)) if _media_exists(storage) else []
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created": datetime.datetime.now(datetime.UTC).isoformat(),
        "rows": counts,
        "media": media,
    }
    mode = "w:gz"
    with (
        tarfile.open(outfile, mode)
        if isinstance(outfile, str) or hasattr(outfile, "__fspath__")
        else tarfile.open(fileobj=outfile, mode=mode) as archive
    ):
        _add_file(archive, MANIFEST, json.dumps(manifest, indent=1).encode())
        _add_file(archive, DATA, data.encode())
        for name in media:
            with storage.open(name, "rb") as file:
                _add_file(archive, MEDIA + name, file.read())
    return BackupReport(rows=sum(counts.values()), media_files=len(media))


def content_in_database(using=DEFAULT_DB_ALIAS) -> dict[str, int]:
    """{model label: rows} of the backed-up models holding rows. Groups do not count: migrations
    make the Authors and Editors groups, so a freshly migrated database has them."""
    found = {}
    for model in backed_up_models():
        if model is Group:
            continue
        if count := model._default_manager.using(using).count():
            found[model._meta.label] = count
    return found


def _read_archive(path):
    try:
        archive = tarfile.open(path, "r:*")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{path} is not a civicdata backup archive: {error}") from None
    with archive:
        try:
            manifest = json.loads(archive.extractfile(MANIFEST).read())
            data = archive.extractfile(DATA).read().decode()
        except (KeyError, AttributeError, ValueError) as error:
            raise BackupError(f"{path} is not a civicdata backup archive: {error}") from None
        if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
            raise BackupError(f"{path} is not a civicdata backup archive of version {VERSION}")
        media = {}
        for name in manifest.get("media", []):
            path_in_archive = PurePosixPath(name)
            if path_in_archive.is_absolute() or ".." in path_in_archive.parts:
                raise BackupError(
                    f"the archive names a media file outside the media folder: {name}"
                )
            member = archive.extractfile(MEDIA + name)
            if member is None:
                raise BackupError(f"the archive lacks the media file {name}")
            media[name] = member.read()
    return manifest, data, media


@dataclass
class RestoreReport:
    rows: int
    media_files: int


def restore_backup(path, *, using=DEFAULT_DB_ALIAS, storage=default_storage) -> RestoreReport:
    """Load an archive into an empty, migrated database and an empty media storage, in one
    transaction: all of it, or (on any error) nothing."""
    manifest, data, media = _read_archive(path)
    if content := content_in_database(using):
        held = ", ".join(f"{count} {label}" for label, count in sorted(content.items()))
        raise BackupError(
            f"the database is not empty ({held}): restore only into a new database, "
            "made with `manage.py migrate`"
        )
    if clashing := [name for name in media if storage.exists(name)]:
        raise BackupError(
            f"the media storage already holds {clashing[0]} (and {len(clashing) - 1} more of "
            "the archive's files): restore into an empty media folder"
        )
    connection = connections[using]
    written = []
    try:
        with transaction.atomic(using=using):
            # The groups migrations made come back from the archive, with their permissions.
            Group.objects.using(using).all().delete()
            loaded_models, deferred = set(), []
            with connection.constraint_checks_disabled():
                for deserialized in serializers.deserialize(
                    "python", json.loads(data), using=using, handle_forward_references=True
                ):
                    if router.allow_migrate_model(using, deserialized.object.__class__):
                        deserialized.save(using=using)
                        loaded_models.add(deserialized.object.__class__)
                        if deserialized.deferred_fields:
                            deferred.append(deserialized)
                for deserialized in deferred:
                    deserialized.save_deferred_fields(using=using)
            connection.check_constraints(
                table_names=[model._meta.db_table for model in loaded_models]
            )
            reset = connection.ops.sequence_reset_sql(no_style(), list(loaded_models))
            if reset:
                with connection.cursor() as cursor:
                    for sql in reset:
                        cursor.execute(sql)
            rebuild_index(using=using)
            for name, content in media.items():
                saved = storage.save(name, ContentFile(content))
                written.append(saved)
                if saved != name:
                    raise BackupError(f"the media file {name} could not be written under its name")
    except Exception:
        for name in written:
            storage.delete(name)
        raise
    return RestoreReport(rows=sum(manifest["rows"].values()), media_files=len(media))
