"""axe-core in the browser: no serious or critical accessibility violation on any public page or
on the page where editors write an essay."""

from django.urls import reverse

from tests.browser.support import log_in, public_pages, serious_violations

# Violations in Django's own admin markup and styles, which neither our templates nor our widgets
# produce, left out one element kind at a time (rule, CSS selector). Everything else on the
# page, markdownx's editors and previews included, is checked.
DJANGO_ADMIN_MARKUP = [
    # admin/widgets/split_datetime.html (the publication and take-down times): "Date:" and
    # "Time:" are plain text beside the boxes, not their labels, and the field's own label
    # points at neither box.
    ("label", "p.datetime > input.vDateField"),
    ("label", "p.datetime > input.vTimeField"),
    # admin/edit_inline/tabular.html (the bylines): the boxes in a table row are named only by
    # the column headings, which axe does not take as labels.
    ("label", "#bylines-group td.field-position > input"),
    ("label-title-only", "#bylines-group td.field-position > input"),
    ("label", "#bylines-group td.delete > input[type=checkbox]"),
    # admin/css/base.css: the breadcrumbs and the "View on site" link in the heading of each
    # stacked inline row differ from the text around them by colour alone (no underline).
    ("link-in-text-block", ".breadcrumbs > a"),
    ("link-in-text-block", ".inline-related > h3 > a[href^='/admin/r/']"),
]


def test_public_pages_have_no_serious_accessibility_violations(page, site):
    found = []
    for name, path, status in public_pages(site):
        response = page.goto(site.url + path)
        if response.status != status:
            found.append(f"{name}: {path} answered {response.status}, not {status}")
        found += serious_violations(page)
    assert not found, "\n".join(found)


def test_essay_edit_page_has_no_serious_accessibility_violations(page, site):
    log_in(page, site)
    page.goto(site.url + reverse("admin:essays_essay_change", args=[site.published[0].pk]))
    page.wait_for_load_state("networkidle")  # markdownx's previews have arrived
    found = serious_violations(page, ignore=DJANGO_ADMIN_MARKUP)
    assert not found, "\n".join(found)
