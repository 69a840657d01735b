"""Writes that touch a case study and what depends on it."""

from django.db import transaction

from civicdata.links import published_urls, record_links
from civicdata.markdown import internal_targets, render

from .models import CaseStudy


@transaction.atomic
def render_case_study(case_study: CaseStudy) -> CaseStudy:
    """Render the case study's Markdown to sanitized HTML, resolving and recording its links."""
    rendered = render(
        case_study.body, resolve_link=published_urls(internal_targets(case_study.body)).get
    )
    case_study.body_html = rendered.html
    CaseStudy.objects.filter(pk=case_study.pk).update(body_html=case_study.body_html)
    record_links(case_study, rendered.links)
    return case_study
