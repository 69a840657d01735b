"""Reading admin pages the way a browser would send them back."""

from django import forms


def form_data(response):
    """The POST data a browser would send back for an admin add/change page, unchanged (file
    inputs are sent empty, so they are left out)."""
    data = {}
    page_forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        page_forms += [inline.formset.management_form, *inline.formset.forms]
    for form in page_forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False or isinstance(bound.field, forms.FileField):
                continue
            if value is True:
                data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(item) for item in value]
            else:
                data[bound.html_name] = str(value)
    return data
