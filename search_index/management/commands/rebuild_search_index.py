from django.core.management.base import BaseCommand

from search_index.documents import rebuild_index


class Command(BaseCommand):
    help = (
        "Index every essay and case study not in the trash afresh. Rendering an item keeps its "
        "row in step by itself: this repairs an index written to by hand."
    )

    def handle(self, *args, **options):
        rows = rebuild_index()
        self.stdout.write(f"Indexed {rows} essays and case studies.")
