from django.core.management.base import BaseCommand

from civicdata.backup import write_backup


class Command(BaseCommand):
    help = (
        "Write the whole site (every essay, case study, revision, review link, user and the media "
        "files) to one .tar.gz archive, for `manage.py restore`. The archive holds password "
        "hashes: keep it as safe as the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("outfile", help="the archive to write, e.g. civicdata-backup.tar.gz")

    def handle(self, *args, outfile, **options):
        report = write_backup(outfile)
        self.stdout.write(
            f"Wrote {outfile}: {report.rows} rows and {report.media_files} media files."
        )
