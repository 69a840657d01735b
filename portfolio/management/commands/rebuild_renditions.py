from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand

from civicdata import renditions
from essays.models import Essay
from essays.services import render_essay
from portfolio.models import CaseStudy
from portfolio.services import render_case_study


class Command(BaseCommand):
    help = (
        "Make the responsive renditions of every hero image and every image uploaded into "
        "Markdown that are missing (all of them with --force), then render every case study and "
        "essay again so their pages name them. Safe to run twice: files that exist are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Make every rendition again, replacing the files (after changing sizes or "
            "quality).",
        )
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Delete renditions of images no longer stored.",
        )

    def handle(self, *args, force=False, prune=False, **options):
        sources = sorted(self._sources())
        made, unreadable = [], []
        for name in sources:
            if renditions.ensure_renditions(name, force=force, made=made) is None:
                unreadable.append(name)
        for name in unreadable:
            self.stderr.write(f"could not read {name}: no renditions")
        case_studies = essays = 0
        for case_study in CaseStudy.objects.all():
            render_case_study(case_study)
            case_studies += 1
        for essay in Essay.objects.all():
            render_essay(essay)
            essays += 1
        self.stdout.write(
            f"{len(sources)} images, {len(made)} renditions made, {len(unreadable)} unreadable; "
            f"rendered {case_studies} case studies and {essays} essays again."
        )
        if prune:
            kept = {renditions.folder_for(digest) for digest in self._digests(sources)}
            deleted = sum(
                renditions.delete_folder(folder)
                for folder in renditions.rendition_folders()
                if folder not in kept
            )
            self.stdout.write(f"pruned {deleted} renditions of images no longer stored.")

    def _sources(self):
        """Hero images, and the images uploaded into Markdown (markdownx's folder)."""
        names = set(CaseStudy.objects.exclude(hero_image="").values_list("hero_image", flat=True))
        folder = settings.MARKDOWNX_MEDIA_PATH.rstrip("/")
        if default_storage.exists(folder):
            names.update(f"{folder}/{name}" for name in default_storage.listdir(folder)[1])
        return names

    def _digests(self, names):
        return {digest for name in names if (digest := renditions.digest_of(name))}
