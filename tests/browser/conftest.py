"""Browser tests: Debian's Chromium, driven by Playwright's sync API, against pytest-django's
live server.

One browser for the whole session (starting Chromium is the slow part), a fresh context (no
cookies, no cache) for each test, and the site's content loaded anew for each test, since the
live server needs a transactional database that is emptied after every test.
"""

import io
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import CommandError, call_command
from playwright.sync_api import sync_playwright

from civicdata.publishing import Status
from essays.models import Essay
from portfolio.models import CaseStudy
from tests.browser.support import DESKTOP
from tests.factories import SectionFactory, SuperuserFactory
from tests.public_factories import WrittenEssayFactory

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# This machine has no outside network: without these, Chromium keeps trying to reach Google.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# What widens a page on a phone if the stylesheet lets it: a wide table, long code, a long URL.
WIDE_MARKDOWN = "\n".join(
    [
        "| Agency | Records | Years | Linked by | Shared with | Consent | Retention | Reviewed |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        "| Sheriff's office | bookings and releases | 2015–2021 | a trusted third party "
        "| the county | not asked | five years | yearly |",
        "",
        "`a_very_long_identifier_that_does_not_break_anywhere_by_itself_at_all_really_no`",
        "",
        "```",
        "SELECT agency, count(*) FROM bookings JOIN releases USING (person_id) "
        "WHERE released_at > booked_at GROUP BY agency;",
        "```",
        "",
        "See https://example.org/a/very/long/address/that/goes/on/and/on/without/any/spaces/at/"
        "all/index.html",
    ]
)


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"No Chromium at {CHROMIUM}. The browser tests drive Debian's chromium package: "
            "run `make browser-deps` (as root it installs it with apt-get), or set CHROMIUM to "
            "the path of a Chromium executable.",
            pytrace=False,
        )
    # Playwright's sync API keeps an event loop running in the test's own thread, so Django
    # would take every ORM call a test makes (factories, fixtures) for one made from async code
    # and refuse it. Nothing here runs async code against the database.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_context(browser):
    """Opens browser contexts (separate cookies and cache, like separate people) for one test.

    Fails the test if a page threw an uncaught JavaScript error.
    """
    contexts, script_errors = [], []

    def _new_context(**options):
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        context.on("weberror", lambda web_error: script_errors.append(web_error.error))
        contexts.append(context)
        return context

    yield _new_context
    for context in contexts:
        context.close()
    assert not script_errors, f"JavaScript errors on the pages: {script_errors}"


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def site(live_server, render):
    """The sample content (the organization's essay and the demo case study) in a series of
    four essays, the third a draft, served by the live server; and an editor.

    Attributes: url (the live server's), essays (in series order, drafts included), draft,
    case_study, editor.
    """
    cache.clear()  # the database is new for each test; cached pages must not outlive it
    problems = io.StringIO()
    try:
        call_command(
            "import_hugo",
            str(settings.BASE_DIR / "demo-content"),
            stdout=io.StringIO(),
            stderr=problems,
        )
    except CommandError as error:
        pytest.fail(f"The demo content did not import: {error}\n{problems.getvalue()}")
    opening = Essay.objects.get(slug="whats-different-about-civil-society-data-initiatives")
    series = opening.series
    position = opening.series_position
    later = [
        ("Who the user is", "who-the-user-is", Status.PUBLISHED),
        ("Recidivism records, a draft", "recidivism-records", Status.DRAFT),
        ("Funding and the project lifecycle", "funding-and-lifecycle", Status.PUBLISHED),
    ]
    essays = [opening]
    for offset, (title, slug, status) in enumerate(later, start=1):
        essay = WrittenEssayFactory(
            title=title,
            slug=slug,
            status=status,
            series=series,
            series_position=position + offset,
            authors=["Aman"],
            summary=f"About {title.lower()}.",
        )
        essays.append(essay)
    SectionFactory(essay=essays[1], position=4, heading="Wide things", body=WIDE_MARKDOWN)
    for essay in essays[1:]:
        render(essay)
    return SimpleNamespace(
        url=live_server.url,
        essays=essays,
        published=[essay for essay in essays if essay.status == Status.PUBLISHED],
        draft=essays[2],
        case_study=CaseStudy.objects.get(slug="recidivism-data-sharing"),
        editor=SuperuserFactory(username="editor"),
    )
