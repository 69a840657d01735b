"""What the browser tests share besides fixtures: window sizes, where screenshots go, the
public pages, logging in, axe-core."""

import os
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", settings.BASE_DIR / "var" / "screenshots"))
EDITOR_PASSWORD = "a-long-test-password"  # what tests.factories.UserFactory sets

# axe-core from the npm registry (package.json), installed by `make browser-deps` (npm ci).
AXE_SCRIPT = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(page, ignore=()):
    """axe-core's serious and critical violations on the page as it is now, one line each.

    `ignore`: (rule id, CSS selector) pairs: a violation of that rule by an element matching
    that selector is left out. Each needs a reason where it is written.
    """
    assert AXE_SCRIPT.exists(), f"{AXE_SCRIPT} is missing: run `make browser-deps` (npm ci)."
    if page.evaluate("typeof window.axe") == "undefined":
        # Evaluated by the test, not as a <script> tag, which the site's CSP would block.
        page.evaluate(AXE_SCRIPT.read_text() + "\n;0")
    found = page.evaluate(
        """async (ignore) => {
            const results = await axe.run(document, {resultTypes: ["violations"]});
            const ignored = (rule, target) => {
                // A target of several selectors is inside a frame or shadow root: never ignored.
                const element = target.length === 1 ? document.querySelector(target[0]) : null;
                return element !== null && ignore.some(
                    ([ignoredRule, selector]) => ignoredRule === rule && element.matches(selector)
                );
            };
            return results.violations
                .filter((violation) => ["serious", "critical"].includes(violation.impact))
                .flatMap((violation) => violation.nodes
                    .filter((node) => !ignored(violation.id, node.target))
                    .map((node) => `${violation.impact} ${violation.id} (${violation.help}) `
                        + `at ${node.target.join(" ")}: ${node.html.slice(0, 300)}\n`
                        + `    ${node.failureSummary}`));
        }""",
        [list(pair) for pair in ignore],
    )
    return [f"{page.url}: {line}" for line in found]


def public_pages(site):
    """Every kind of public page, as (name, path, the status it answers with)."""
    essay = site.published[0]
    return [
        ("home", "/", 200),
        ("essays", "/essays/", 200),
        ("essay", essay.get_absolute_url(), 200),
        # A wide table, long code and a long address: what could widen a page on a phone.
        ("essay-with-wide-things", site.published[1].get_absolute_url(), 200),
        ("series", essay.series.get_absolute_url(), 200),
        ("portfolio", "/portfolio/", 200),
        ("case-study", site.case_study.get_absolute_url(), 200),
        ("not-found", "/no-such-page/", 404),
        ("search", "/search/?q=recidivism", 200),
    ]


def log_in(page, site):
    """Logs the site's editor into the admin."""
    page.goto(site.url + reverse("admin:index"))
    page.get_by_label("Username").fill(site.editor.username)
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
