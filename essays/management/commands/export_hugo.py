from django.core.management.base import BaseCommand, CommandError

from civicdata.hugo_sync import export_hugo


class Command(BaseCommand):
    help = (
        "Export every essay to OUTDIR/essays/<slug>.md and every case study to "
        "OUTDIR/portfolio/<slug>.md as Hugo files, drafts included. An item nobody edited since "
        "it was imported is written exactly as imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("outdir", metavar="OUTDIR")

    def handle(self, *args, outdir, **options):
        try:
            report = export_hugo(outdir)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"exported {report.essays} essays and {report.case_studies} case studies to {outdir} "
            f"({report.as_imported} exactly as imported, "
            f"{len(report.files) - report.as_imported} from the database)"
        )
