"""What still needs writing and fixing, gathered once for the drafting board and the report."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from portfolio.models import CaseStudy

from .models import Essay, Finding, Section


@dataclass
class DraftingState:
    open_sections: list
    findings: list  # every finding, accepted ones included (each has .accepted_as)
    essays: list  # essays, each with sections_total and sections_drafted
    items: dict  # (content type id, pk) -> the essay or case study a finding belongs to

    @property
    def open_findings(self):
        return [finding for finding in self.findings if finding.accepted_as_id is None]


def drafting_state(*, series_slug: str | None = None) -> DraftingState:
    """Open sections, findings and progress, in a fixed number of queries."""
    essays = Essay.objects.present().select_related("series")
    sections = (
        Section.objects.open()
        .for_board()
        .order_by("essay__series__title", "essay__series_position", "position")
    )
    findings = Finding.objects.select_related("section", "accepted_as")
    case_studies = CaseStudy.objects.present()
    if series_slug:
        essays = essays.filter(series__slug=series_slug)
        sections = sections.filter(essay__series__slug=series_slug)
        case_studies = case_studies.none()
    essays = list(essays)
    essay_type = ContentType.objects.get_for_model(Essay)
    case_study_type = ContentType.objects.get_for_model(CaseStudy)
    items = {(essay_type.pk, essay.pk): essay for essay in essays}
    items.update({(case_study_type.pk, cs.pk): cs for cs in case_studies})
    findings = [
        finding
        for finding in findings.order_by("source_type", "source_id", "section__position", "kind")
        if (finding.source_type_id, finding.source_id) in items
    ]
    for finding in findings:
        finding.item = items[(finding.source_type_id, finding.source_id)]
    return DraftingState(
        open_sections=list(sections), findings=findings, essays=essays, items=items
    )


def open_days(section, now=None) -> int:
    return ((now or timezone.now()) - section.status_changed_at).days
