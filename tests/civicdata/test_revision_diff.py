"""civicdata.revision_diff: two snapshots of an item compared for people, texts side by side."""

import datetime

import pytest

from civicdata.publishing import Status
from civicdata.revision_diff import compare, short, side_by_side, words_side_by_side
from civicdata.revisions import Snapshot
from essays.models import DraftingStatus, Essay, Inset, Section

pytestmark = pytest.mark.django_db


def essay(**fields):
    values = {
        "pk": 1,
        "title": "An essay",
        "slug": "an-essay",
        "date": datetime.date(2024, 3, 1),
        "status": Status.DRAFT,
        "series_position": 1,
        **fields,
    }
    return Essay(**values)


def section(pk, position, heading, body="Some words here.", status=DraftingStatus.DRAFTED):
    return Section(
        pk=pk, essay_id=1, position=position, heading=heading, body=body, drafting_status=status
    )


def snapshot(item=None, sections=(), insets=()):
    return Snapshot(
        item or essay(),
        {},
        {"sections": list(sections), "insets": list(insets), "pullquotes": [], "bylines": []},
    )


def summary(older, newer):
    return compare(older, newer).summary


# Text side by side -------------------------------------------------------------------------------


def test_equal_texts_have_no_lines():
    assert side_by_side("One.\n\nTwo.", "One.\r\n\r\nTwo.\n") == []


def test_changed_words_are_marked_on_each_side():
    before, after = words_side_by_side("Agencies hesitate to share.", "Agencies refuse to share.")

    assert before == "Agencies <del>hesitate</del> to share."
    assert after == "Agencies <ins>refuse</ins> to share."


def test_paragraphs_added_and_removed_stand_alone():
    lines = side_by_side("Kept.\n\nGone.", "Kept.\n\nGone.\n\nNew.")

    assert [(line.change, line.before, line.after) for line in lines] == [
        ("same", "Kept.", "Kept."),
        ("same", "Gone.", "Gone."),
        ("added", "", "<ins>New.</ins>"),
    ]
    lines = side_by_side("Kept.\n\nGone.", "Kept.")
    assert [(line.change, line.before) for line in lines] == [
        ("same", "Kept."),
        ("removed", "<del>Gone.</del>"),
    ]


def test_long_unchanged_runs_are_folded_around_a_change():
    before = "\n\n".join(f"Paragraph {n}." for n in range(1, 11))
    after = before.replace("Paragraph 5.", "Paragraph five.")

    changes = [line.change for line in side_by_side(before, after)]

    assert changes == ["folded", "same", "changed", "same", "folded"]
    assert side_by_side(before, after)[0].before == "3 unchanged paragraphs"


def test_author_html_is_escaped_word_by_word():
    before, after = words_side_by_side("Plain text.", 'Plain <img src=x onerror="alert(1)"> text.')

    assert "<img" not in after
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in after
    assert after.startswith("Plain<ins> &lt;img")
    assert before == "Plain text."


def test_long_names_are_cut_at_a_word():
    assert short("Funding, sustainability and the long haul of it all", 24) == (
        "Funding, sustainability…"
    )
    assert short("Trust") == "Trust"


# Snapshots compared ------------------------------------------------------------------------------


def test_a_drafted_placeholder_says_placeholder_to_words_drafted():
    older = snapshot(sections=[section(1, 1, "Funding", "Notes.", DraftingStatus.PLACEHOLDER)])
    newer = snapshot(sections=[section(1, 1, "Funding", " ".join(["word"] * 640))])

    comparison = compare(older, newer)

    (group,) = comparison.groups
    (change,) = group.changes
    assert group.title == "Sections"
    assert change.summary == "Funding: placeholder → 640 words drafted"
    assert [field.label for field in change.fields] == ["Body"]  # shown side by side


def test_in_progress_counts_its_words():
    older = snapshot(sections=[section(1, 1, "Funding", "One two.", DraftingStatus.IN_PROGRESS)])
    newer = snapshot(
        sections=[section(1, 1, "Funding", "One two three.", DraftingStatus.IN_PROGRESS)]
    )

    assert summary(older, newer) == ["Funding: in progress, 2 words → in progress, 3 words"]


def test_a_section_added_at_the_top_does_not_move_the_others():
    kept = [section(1, 1, "A"), section(2, 2, "B"), section(3, 3, "C")]
    shifted = [section(1, 2, "A"), section(2, 3, "B"), section(3, 4, "C")]

    lines = summary(snapshot(sections=kept), snapshot(sections=[section(4, 1, "New"), *shifted]))

    assert lines == ["New: added at position 1, 3 words drafted"]


def test_a_section_moved_says_from_where_to_where():
    older = snapshot(sections=[section(1, 1, "A"), section(2, 2, "B"), section(3, 3, "C")])
    newer = snapshot(sections=[section(1, 1, "A"), section(3, 2, "C"), section(2, 3, "B")])

    (line,) = summary(older, newer)

    assert line in {
        "C: moved from position 3 to position 2",
        "B: moved from position 2 to position 3",
    }


def test_renamed_and_removed_sections():
    older = snapshot(sections=[section(1, 1, "Trust"), section(2, 2, "Old", "", "placeholder")])
    newer = snapshot(sections=[section(1, 1, "Trust between agencies")])

    assert summary(older, newer) == [
        "Trust between agencies: heading “Trust” → “Trust between agencies”",
        "Old: removed (was at position 2, placeholder)",
    ]


def test_sections_written_anew_are_matched_by_heading():
    older = snapshot(sections=[section(1, 1, "Money", "", DraftingStatus.PLACEHOLDER)])
    newer = snapshot(sections=[section(7, 1, "Money", "Now written.")])

    assert summary(older, newer) == ["Money: placeholder → 2 words drafted"]


def test_an_inset_moved_to_another_section():
    sections = [section(1, 1, ""), section(2, 2, "Trust")]
    older = snapshot(sections=sections, insets=[Inset(pk=5, essay_id=1, body="In short.")])
    newer = snapshot(
        sections=sections,
        insets=[Inset(pk=5, essay_id=1, section_id=2, after_paragraph=1, body="In short.")],
    )

    assert summary(older, newer) == [
        "“In short.”: moved from the top of the essay to “Trust”, after paragraph 1"
    ]


def test_front_fields_read_as_people_read_them():
    older = snapshot(essay(status=Status.DRAFT, summary="Short."))
    newer = snapshot(
        essay(status=Status.PUBLISHED, summary="Longer now.", date=datetime.date(2024, 3, 2))
    )

    comparison = compare(older, newer)

    assert comparison.summary == [
        "Date: March 1, 2024 → March 2, 2024",
        "Summary changed",
        "Status: Draft → Published",
    ]
    summary_change = comparison.fields[1]
    assert [(line.before, line.after) for line in summary_change.lines] == [
        ("<del>Short</del>.", "<ins>Longer now</ins>.")
    ]


def test_identical_snapshots_have_no_changes():
    sections = [section(1, 1, "A")]

    assert not compare(snapshot(sections=sections), snapshot(sections=sections)).has_changes
