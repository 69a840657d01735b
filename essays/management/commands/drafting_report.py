import json

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from essays.drafting import drafting_state, open_days
from essays.models import Essay, Series
from essays.services import render_essay
from portfolio.models import CaseStudy
from portfolio.services import render_case_study

FORMAT_VERSION = 1


class Command(BaseCommand):
    help = (
        "Report every open (placeholder or in-progress) section and every editorial finding, "
        "as a table or as JSON. With --fail-on-findings, exit 1 when anything is open, so a "
        "content repository's CI can gate publishing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Write JSON (see README)."
        )
        parser.add_argument("--series", metavar="SLUG", help="Only this series' essays.")
        parser.add_argument(
            "--fail-on-findings",
            action="store_true",
            help="Exit 1 when any section is open or any finding is not accepted.",
        )
        parser.add_argument(
            "--recheck",
            action="store_true",
            help="Run the editorial checks on every essay and case study first (they also run "
            "whenever an item is saved or imported).",
        )

    def handle(
        self,
        *args,
        as_json: bool,
        series: str | None,
        fail_on_findings: bool,
        recheck: bool,
        **options,
    ):
        if series and not Series.objects.filter(slug=series).exists():
            raise CommandError(f"No series with the slug “{series}”.")
        if recheck:
            rerun_editorial_checks(series_slug=series)
        state = drafting_state(series_slug=series)
        report = build_report(state, series)
        if as_json:
            self.stdout.write(dump_json(report))
        else:
            self.write_table(report)
        if fail_on_findings and (
            report["summary"]["open_sections"] or report["summary"]["open_findings"]
        ):
            raise CommandError(
                f"{report['summary']['open_sections']} open sections, "
                f"{report['summary']['open_findings']} open findings.",
                returncode=1,
            )

    def write_table(self, report):
        write = self.stdout.write
        write(f"Open sections ({len(report['open_sections'])})")
        rows = [
            [
                s["essay_title"],
                s["heading"] or "(opening)",
                s["status"],
                s["assignee"] or "-",
                f"{s['draft_words']} words",
                f"{s['open_days']} days",
            ]
            for s in report["open_sections"]
        ]
        write(format_table(["Essay", "Section", "Status", "Assignee", "Draft", "Open"], rows))
        write("")
        write(f"Findings ({report['summary']['open_findings']} open)")
        rows = [
            [
                f["item_title"],
                f["section"] or "-",
                f["kind"],
                ("accepted: " if f["accepted"] else "") + f["message"],
                _shorten(f["text"], 70),
            ]
            for f in report["findings"]
        ]
        write(format_table(["Item", "Section", "Check", "Finding", "Text"], rows))
        write("")
        write("Progress")
        rows = [
            [
                p["essay_title"],
                p["series"],
                _bar(p["drafted"], p["total"]),
                f"{p['drafted']}/{p['total']}",
            ]
            for p in report["progress"]
        ]
        write(format_table(["Essay", "Series", "", "Drafted"], rows))


def rerun_editorial_checks(*, series_slug=None):
    essays = Essay.objects.all()
    case_studies = CaseStudy.objects.all()
    if series_slug:
        essays = essays.filter(series__slug=series_slug)
        case_studies = case_studies.none()
    for essay in essays:
        with transaction.atomic():
            render_essay(essay)
    for case_study in case_studies:
        with transaction.atomic():
            render_case_study(case_study)


def build_report(state, series_slug=None) -> dict:
    now = timezone.now()
    return {
        "format": FORMAT_VERSION,
        "generated_at": now.isoformat(),
        "series": series_slug,
        "open_sections": [
            {
                "essay": section.essay.slug,
                "essay_title": section.essay.title,
                "series": section.essay.series.slug,
                "position": section.position,
                "heading": section.heading,
                "status": section.drafting_status,
                "assignee": section.assignee.get_username() if section.assignee else None,
                "editor_note": section.editor_note,
                "draft_characters": section.draft_length,
                "draft_words": len(section.body.split()),
                "open_since": section.status_changed_at.isoformat(),
                "open_days": open_days(section, now),
            }
            for section in state.open_sections
        ],
        "findings": [
            {
                "item_type": "case_study"
                if finding.item._meta.model_name == "casestudy"
                else "essay",
                "item": finding.item.slug,
                "item_title": finding.item.title,
                "section": finding.section.heading if finding.section else None,
                "section_position": finding.section.position if finding.section else None,
                "kind": finding.kind,
                "message": finding.message,
                "text": finding.excerpt,
                "suggestion": finding.suggestion,
                "accepted": finding.accepted_as_id is not None,
                "accepted_reason": finding.accepted_as.reason if finding.accepted_as else None,
            }
            for finding in state.findings
        ],
        "progress": [
            {
                "essay": essay.slug,
                "essay_title": essay.title,
                "series": essay.series.slug,
                "drafted": essay.sections_drafted,
                "total": essay.sections_total,
            }
            for essay in state.essays
        ],
        "summary": {
            "open_sections": len(state.open_sections),
            "open_findings": len(state.open_findings),
        },
    }


def dump_json(report) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False)


def format_table(headers, rows) -> str:
    if not rows:
        return "  (none)"
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = ["  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(
        "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows
    )
    return "\n".join(line.rstrip() for line in lines)


def _shorten(text, width):
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _bar(done, total, width=10):
    filled = round(width * done / total) if total else width
    return "#" * filled + "." * (width - filled)
