"""The Content-Security-Policy in Chromium: no page of the site, public or admin, does anything the
policy forbids, so the browser blocks nothing and its console stays clean."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.support import log_in, public_pages

# Runs before any script of the page (Playwright injects it; the page's policy does not apply).
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
        + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def watched(new_context):
    """A page that records every violation of the policy: the DOM events and the console."""
    context = new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.console_errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(message.text),
    )

    def violations():
        return page.evaluate("window.cspViolations") + [
            text for text in page.console_errors if "Content Security Policy" in text
        ]

    page.violations = violations
    return page


def test_public_pages_break_no_rule_of_the_policy(watched, site):
    for name, path, status in public_pages(site):
        response = watched.goto(site.url + path)
        assert response.status == status, name
        assert "default-src 'self'" in response.headers["content-security-policy"], name
        assert watched.violations() == [], name
    # The essay page's JSON-LD is data, not a script: the policy lets it be, and it is there.
    watched.goto(site.url + site.published[0].get_absolute_url())
    assert watched.locator('script[type="application/ld+json"]').count() == 1
    assert watched.violations() == []


def test_a_violation_would_be_seen(watched, site):
    """The other side of these tests: an inline style is blocked, and the test notices."""
    watched.goto(site.url + "/")
    watched.evaluate("document.body.setAttribute('style', 'color: red')")
    watched.wait_for_function("window.cspViolations.length > 0")
    assert any("style-src" in violation for violation in watched.violations())


def test_essay_editor_with_live_preview_breaks_no_rule_of_the_policy(watched, site):
    log_in(watched, site)
    essay = site.essays[1]
    watched.goto(site.url + reverse("admin:essays_essay_change", args=[essay.pk]))
    body = watched.locator("textarea.markdownx-editor").filter(has_text="Text of part 2.")
    preview = watched.locator(".markdownx:has(textarea.markdownx-editor) .markdownx-preview")
    expect(preview.first).not_to_be_empty()
    with watched.expect_response(lambda r: "/markdownx/markdownify/" in r.url):
        body.fill("A table:\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\nAnd **bold** text.")
    # A section added with "Add another": markdownx-inlines.js starts its editor.
    watched.get_by_role("button", name="Add another Section").click()
    new_body = watched.locator("textarea.markdownx-editor[name$='-body']:not([name*='__prefix__'])")
    with watched.expect_response(lambda r: "/markdownx/markdownify/" in r.url):
        new_body.last.fill("A new section, *previewed*.")
    assert watched.violations() == []

    for address in (
        reverse("admin:essays_essay_changelist"),
        reverse("admin:essays_essay_history", args=[essay.pk]),
        reverse("admin:index"),
    ):
        watched.goto(site.url + address)
        assert watched.violations() == [], address
