"""A reader on the public site, in a real browser."""

from playwright.sync_api import expect


def test_reader_reads_the_series_essay_by_essay_with_next_and_previous(page, site):
    page.goto(site.url + "/")
    first, second, third = site.published
    page.get_by_role("link", name=first.title, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(first.title)

    series_nav = page.get_by_role("navigation", name="Series")
    expect(series_nav.locator("a[rel=prev]")).to_have_count(0)
    series_nav.locator("a[rel=next]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(second.title)
    expect(page).to_have_url(site.url + second.get_absolute_url())

    # The draft between them is skipped: readers never see it.
    series_nav.locator("a[rel=next]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(third.title)
    expect(series_nav.locator("a[rel=next]")).to_have_count(0)

    series_nav.locator("a[rel=prev]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(second.title)
    series_nav.locator("a[rel=prev]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(first.title)
    expect(series_nav.locator("a[rel=prev]")).to_have_count(0)


def test_table_of_contents_jumps_to_the_section(page, site):
    essay = site.published[0]
    page.goto(site.url + essay.get_absolute_url())
    contents = page.get_by_role("navigation", name="Contents")
    entry = essay.table_of_contents[-1]  # the last section: far down the page
    heading = page.get_by_role("heading", level=2, name=entry["heading"], exact=True)
    expect(heading).not_to_be_in_viewport()

    contents.get_by_role("link", name=entry["heading"], exact=True).click()

    expect(page).to_have_url(f"{site.url}{essay.get_absolute_url()}#{entry['anchor']}")
    expect(heading).to_be_in_viewport()
    assert heading.get_attribute("id") == entry["anchor"]


def test_search_lists_matching_published_essays_and_never_drafts(page, site):
    # The demo essay and the draft both speak of recidivism; only the published one is listed.
    page.goto(site.url + "/search/?q=recidivism")
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name=site.published[0].title, exact=True)).to_be_visible()
    expect(main.get_by_role("link", name=site.draft.title)).to_have_count(0)

    page.goto(site.url + "/search/?q=" + "zzqx" * 5)
    expect(main.get_by_role("link", name=site.published[0].title, exact=True)).to_have_count(0)
