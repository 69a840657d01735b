from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from civicdata.static_build import StaticBuildError, build_site


class Command(BaseCommand):
    help = (
        "Write the published site to OUTDIR as plain files any static host can serve: every "
        "page as path/index.html, the feeds, sitemap.xml, robots.txt, 404.html, the collected "
        "static files and the media the pages show. Only files whose bytes changed are written; "
        "pages no longer published are removed. Serve OUTDIR at the root of --base-url."
    )

    def add_arguments(self, parser):
        parser.add_argument("outdir", metavar="OUTDIR")
        parser.add_argument(
            "--base-url",
            default="http://localhost",
            help="The address the build will be served at (scheme and host, no path), named "
            "by canonical links, feeds and the sitemap. Default: http://localhost",
        )

    def handle(self, *args, outdir, base_url, **options):
        call_command("collectstatic", interactive=False, verbosity=0)
        try:
            report = build_site(outdir, base_url=base_url)
        except (OSError, StaticBuildError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Built {report.pages} pages for {base_url} in {outdir}: "
            f"{len(report.written)} files written, {report.unchanged} unchanged, "
            f"{len(report.removed)} removed."
        )
        if report.search_left_out:
            self.stdout.write(
                "Search left out: it needs the server. Set LIVE_SITE_URL "
                "(CIVICDATA_LIVE_SITE_URL) to send the search form to a live site."
            )
        else:
            self.stdout.write(f"Search sends readers to {settings.CIVICDATA_LIVE_SITE_URL}.")
        for note in report.notes:
            self.stdout.write(note)
