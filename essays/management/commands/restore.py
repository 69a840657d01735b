from django.core.management.base import BaseCommand, CommandError

from civicdata.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Rebuild the site from an archive `manage.py backup` wrote, into an empty database (made "
        "with `manage.py migrate`) and an empty media folder, in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the archive to restore")

    def handle(self, *args, archive, **options):
        try:
            report = restore_backup(archive)
        except BackupError as error:
            raise CommandError(f"Nothing was restored: {error}") from None
        self.stdout.write(
            f"Restored {archive}: {report.rows} rows and {report.media_files} media files."
        )
