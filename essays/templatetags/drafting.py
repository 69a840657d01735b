from django import template

from essays.models import Section

register = template.Library()


@register.inclusion_tag("admin/essays/assigned_sections.html", takes_context=True)
def sections_assigned_to_me(context):
    """The open sections assigned to the signed-in user, for the admin index."""
    user = context["request"].user
    sections = (
        Section.objects.open()
        .filter(assignee=user)
        .select_related("essay__series")
        .order_by("essay__series__title", "essay__series_position", "position")
        if user.has_perm("essays.view_section") or user.has_perm("essays.change_section")
        else Section.objects.none()
    )
    return {"sections": list(sections), "user": user}
