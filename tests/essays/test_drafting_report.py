import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from essays.models import DraftingStatus
from tests.essays.test_round_trip import SAMPLE, run_import
from tests.factories import EssayFactory, SectionFactory, SeriesFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def essay_in_progress(render):
    essay = EssayFactory(
        title="Rethinking data", slug="rethinking", series=SeriesFactory(slug="main")
    )
    SectionFactory(essay=essay, position=1, heading="", body="The opening is written.")
    SectionFactory(
        essay=essay,
        position=2,
        heading="Funding",
        body="Notes so far",
        drafting_status=DraftingStatus.PLACEHOLDER,
        editor_note="Ask the funder",
        assignee=UserFactory(username="aman"),
    )
    SectionFactory(
        essay=essay, position=3, heading="Truth", drafting_status=DraftingStatus.IN_PROGRESS
    )
    render(essay)
    return essay


def run_report(*args):
    from io import StringIO

    out = StringIO()
    call_command("drafting_report", *args, stdout=out)
    return out.getvalue()


def test_json_report_lists_open_sections_with_assignee_and_note(essay_in_progress):
    report = json.loads(run_report("--json"))
    assert report["format"] == 1
    assert [(s["heading"], s["status"], s["assignee"]) for s in report["open_sections"]] == [
        ("Funding", "placeholder", "aman"),
        ("Truth", "in_progress", None),
    ]
    funding = report["open_sections"][0]
    assert funding["editor_note"] == "Ask the funder"
    assert funding["draft_words"] == 3 and funding["draft_characters"] == len("Notes so far")
    assert report["progress"] == [
        {
            "essay": "rethinking",
            "essay_title": "Rethinking data",
            "series": "main",
            "drafted": 1,
            "total": 3,
        }
    ]
    assert report["summary"]["open_sections"] == 2
    assert {f["kind"] for f in report["findings"]} == {"placeholder"}


def test_table_report_names_each_open_section(essay_in_progress):
    table = run_report()
    assert "Funding" in table and "placeholder" in table and "aman" in table
    assert "1/3" in table


def test_fail_on_findings_exits_non_zero_while_anything_is_open(essay_in_progress):
    with pytest.raises(CommandError) as raised:
        run_report("--fail-on-findings")
    assert raised.value.returncode == 1


def test_fail_on_findings_passes_when_everything_is_drafted(render):
    essay = EssayFactory()
    SectionFactory(essay=essay, position=1, heading="", body="All written.")
    render(essay)
    assert "(none)" in run_report("--fail-on-findings")


def test_series_option_limits_the_report_to_one_series(essay_in_progress, render):
    other = EssayFactory(series=SeriesFactory(slug="other"))
    SectionFactory(
        essay=other, position=1, heading="Elsewhere", drafting_status=DraftingStatus.PLACEHOLDER
    )
    render(other)
    report = json.loads(run_report("--json", "--series", "other"))
    assert [s["heading"] for s in report["open_sections"]] == ["Elsewhere"]


def test_unknown_series_is_a_clear_error():
    with pytest.raises(CommandError, match="No series"):
        run_report("--series", "nope")


# --- The documented JSON format ------------------------------------------------------------------

README = Path(__file__).resolve().parents[2] / "README.md"


def documented_report():
    """The example and the fields named in the table of the README's `drafting_report --json`
    section (`.total` after `progress[].drafted` in one cell is `progress[].total`)."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### `drafting_report --json`", 1)[1].split("\n## ", 1)[0]
    example = json.loads(re.search(r"```json\n(.*?)\n```", section, re.S).group(1))
    fields = set()
    for cell in re.findall(r"^\| (`[^|]*?) \|", section, re.M):
        names = re.findall(r"`([^`]+)`", cell)
        parent = names[0].rsplit(".", 1)[0]
        fields |= {parent + name if name.startswith(".") else name for name in names}
    return example, fields


def key_paths(value, prefix=""):
    """Every key of a report, lists by their first entry: `findings[].kind`, `summary.x`."""
    if isinstance(value, dict):
        paths = set()
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            paths |= {path} | key_paths(item, path)
        return paths
    if isinstance(value, list) and value:
        return key_paths(value[0], f"{prefix}[]")
    return set()


def test_the_readme_documents_every_field_of_the_json_report():
    run_import(SAMPLE)
    report = json.loads(run_report("--json"))
    example, fields = documented_report()
    assert key_paths(example) == key_paths(report)
    paths = key_paths(report)
    leaves = {path for path in paths if not any(p.startswith(f"{path}.") for p in paths)}
    leaves = {path for path in leaves if not any(p.startswith(f"{path}[]") for p in paths)}
    assert leaves <= fields, f"missing from the README's table: {sorted(leaves - fields)}"
    assert report["format"] == example["format"]


def test_the_samples_report_shows_its_placeholders_repeated_sentence_and_pullquote():
    run_import(SAMPLE)
    report = json.loads(run_report("--json"))
    placeholders = [s for s in report["open_sections"] if s["status"] == "placeholder"]
    assert len(placeholders) == 4
    kinds = [finding["kind"] for finding in report["findings"]]
    assert kinds.count("repeated_text") == 1
    assert kinds.count("pullquote_not_in_text") == 1
    repeated = next(f for f in report["findings"] if f["kind"] == "repeated_text")
    assert "shared incentive to bring their data together" in repeated["text"]


def test_recheck_runs_the_checks_on_items_changed_behind_the_admins_back(essay_in_progress):
    essay_in_progress.sections.filter(heading="Funding").update(
        body="", drafting_status=DraftingStatus.DRAFTED
    )
    stale = json.loads(run_report("--json"))
    assert any(f["section"] == "Funding" and f["kind"] == "placeholder" for f in stale["findings"])

    fresh = json.loads(run_report("--json", "--recheck"))
    kinds = {f["kind"] for f in fresh["findings"] if f["section"] == "Funding"}
    assert kinds == {"empty_section"}
