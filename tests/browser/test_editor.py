"""An editor in the admin, in a real browser: edit, preview, save, publish; readers see it."""

from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.support import log_in


def test_editor_edits_a_section_with_live_preview_publishes_and_readers_see_it(new_context, site):
    essay = site.draft
    public_url = site.url + essay.get_absolute_url()
    assert new_context().new_page().goto(public_url).status == 404  # a draft, to readers

    editor = new_context().new_page()
    log_in(editor, site)
    editor.goto(site.url + reverse("admin:essays_essay_change", args=[essay.pk]))

    # The section "Part 2" among the inline rows, by the text it holds when the page loads.
    field_name = (
        editor.locator("textarea.markdownx-editor")
        .filter(has_text="Text of part 2.")
        .get_attribute("name")
    )
    body = editor.locator(f"textarea[name='{field_name}']")
    preview = editor.locator(f".markdownx:has(textarea[name='{field_name}']) .markdownx-preview")
    expect(preview).to_contain_text("Text of part 2.")  # markdownx's first preview, on load

    new_text = "Who uses a tool **built by a nonprofit** is not always clear."
    with editor.expect_response(lambda r: "/markdownx/markdownify/" in r.url) as preview_answer:
        body.fill(new_text)
    assert preview_answer.value.ok
    expect(preview.locator("strong")).to_have_text("built by a nonprofit")
    expect(preview).to_contain_text("Who uses a tool built by a nonprofit is not always clear.")

    editor.get_by_label("Status:", exact=True).select_option(label="Published")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator(".messagelist")).to_contain_text("was changed successfully")

    # A reader who never saw the page: what the browser cached of the 404 plays no part.
    reader = new_context().new_page()
    reader.goto(public_url)
    expect(reader.get_by_role("heading", level=1)).to_have_text(essay.title)
    expect(reader.get_by_role("main").locator("strong")).to_have_text("built by a nonprofit")
    expect(reader.get_by_role("main")).not_to_contain_text("Text of part 2.")
