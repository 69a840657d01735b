"""The layout holds on a phone and on a desktop; screenshots are kept for people to look at.

Screenshots go to var/screenshots/ (or $SCREENSHOT_DIR), named <page>-<width>.png.
"""

import pytest

from tests.browser.support import DESKTOP, PHONE, SCREENSHOT_DIR, public_pages

SCREENSHOTS = ["home", "essay", "case-study"]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_pages_never_scroll_sideways_and_are_photographed(new_context, site, viewport):
    page = new_context(viewport=viewport).new_page()
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    too_wide = []
    for name, path, _ in public_pages(site):
        page.goto(site.url + path)
        if name in SCREENSHOTS:
            page.screenshot(path=SCREENSHOT_DIR / f"{name}-{viewport['width']}.png", full_page=True)
        widths = page.evaluate(
            "() => ({page: document.documentElement.scrollWidth, window: window.innerWidth,"
            " view: document.documentElement.clientWidth})"
        )
        if widths["page"] > widths["view"]:
            too_wide.append(f"{name} ({path}): {widths}")
    assert not too_wide, f"Pages wider than a {viewport['width']} px window: {too_wide}"
