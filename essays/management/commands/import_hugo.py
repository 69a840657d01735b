from django.core.management.base import BaseCommand, CommandError

from civicdata.hugo_sync import FAILED, find_hugo_files, import_hugo_files


class Command(BaseCommand):
    help = (
        "Import Hugo Markdown files (essays; case studies under a portfolio folder or with "
        "type: portfolio). Folders are searched for *.md files; _index.md list pages are left "
        "out. Each file is imported in its own transaction: a bad file is reported and skipped, "
        "and the command exits non-zero at the end. Importing a file again updates its item."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Files or folders.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every file and report what would happen, saving nothing.",
        )

    def handle(self, *args, paths, dry_run, **options):
        try:
            files = find_hugo_files(paths)
        except OSError as error:
            raise CommandError(str(error)) from None
        prefix = "(dry run) " if dry_run else ""

        def report(result):
            self.stdout.write(f"{prefix}{result.action:<9} {result.file.name}")
            if result.action == FAILED:
                self.stderr.write(result.error)
            for warning in result.warnings:
                self.stderr.write(self.style.WARNING(f"{result.file.name}: warning: {warning}"))

        outcome = import_hugo_files(files, dry_run=dry_run, on_result=report)
        suffix = " (dry run: nothing was saved)" if dry_run else ""
        self.stdout.write(f"{outcome.summary}{suffix}")
        if outcome.failed:
            raise CommandError(f"{outcome.failed} of {len(files)} files could not be imported.")
