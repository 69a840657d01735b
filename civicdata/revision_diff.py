"""Two revisions of an essay or case study compared for people.

`compare(older, newer)` takes two `civicdata.revisions.Snapshot`s and says what changed: the
item's own fields (title, status, summary, dates...), then part by part (sections, insets,
pullquotes, bylines, partners, data sources) what was added, removed, moved or changed, each
with a one-line summary ("Funding, sustainability…: placeholder → 640 words drafted") and its
changed texts side by side, word by word.

Everything shown is author text. `side_by_side` escapes each word as it cuts the text up; only
the <del> and <ins> marks around words are ours. Every other value is plain text, escaped by the
template that shows it.
"""

import json
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, capfirst

from civicdata.markdown import count_words
from civicdata.revisions import Snapshot, parts_of, stored_fields

EMPTY = "(empty)"
SUMMARY_NAME_LENGTH = 40
# Unchanged paragraphs shown around a change; longer runs are folded into one line.
CONTEXT_PARAGRAPHS = 1


# --- Text, side by side ------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One row of a side-by-side comparison: a paragraph before and after (safe HTML), and what
    happened to it: "same", "changed", "removed", "added", or "folded" (unchanged paragraphs
    not shown; `before` says how many)."""

    before: SafeString
    after: SafeString
    change: str


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_WORDS = re.compile(r"\w+|\s+|[^\w\s]+")


def paragraphs(text: str) -> list[str]:
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return [part.strip() for part in _PARAGRAPH_BREAK.split(text) if part.strip()]


def side_by_side(before: str, after: str) -> list[Line]:
    """The paragraphs of two texts aligned, changed ones marked word by word; [] when equal."""
    old, new = paragraphs(before), paragraphs(after)
    if old == new:
        return []
    opcodes = SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    lines = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            lines.extend(_unchanged(old[i1:i2], first=index == 0, last=index == len(opcodes) - 1))
            continue
        removed, added = old[i1:i2], new[j1:j2]
        for position in range(max(len(removed), len(added))):
            a = removed[position] if position < len(removed) else None
            b = added[position] if position < len(added) else None
            if a is not None and b is not None:
                lines.append(Line(*words_side_by_side(a, b), "changed"))
            elif a is not None:
                lines.append(Line(_marked("del", a), mark_safe(""), "removed"))
            else:
                lines.append(Line(mark_safe(""), _marked("ins", b), "added"))
    return lines


def words_side_by_side(before: str, after: str) -> tuple[SafeString, SafeString]:
    """Two versions of a paragraph, escaped, with removed words in <del> and added in <ins>."""
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    left, right = [], []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            left.append(escape("".join(old[i1:i2])))
            right.append(escape("".join(new[j1:j2])))
            continue
        if i2 > i1:
            left.append(_marked("del", "".join(old[i1:i2])))
        if j2 > j1:
            right.append(_marked("ins", "".join(new[j1:j2])))
    return mark_safe("".join(left)), mark_safe("".join(right))


def _marked(tag: str, text: str) -> SafeString:
    return mark_safe(f"<{tag}>{escape(text)}</{tag}>")


def _unchanged(block, *, first, last):
    keep_start = 0 if first else CONTEXT_PARAGRAPHS
    keep_end = 0 if last else CONTEXT_PARAGRAPHS
    if len(block) <= keep_start + keep_end + 1:
        return [Line(escape(p), escape(p), "same") for p in block]
    lines = [Line(escape(p), escape(p), "same") for p in block[:keep_start]]
    folded = len(block) - keep_start - keep_end
    note = escape(f"{folded} unchanged paragraph{'s' if folded != 1 else ''}")
    lines.append(Line(note, note, "folded"))
    lines.extend(Line(escape(p), escape(p), "same") for p in block[len(block) - keep_end :])
    return lines


# --- Values ------------------------------------------------------------------------------------


@dataclass
class FieldChange:
    """A field whose value differs: short values before and after as plain text, long texts
    also as `lines` side by side."""

    label: str
    before: str
    after: str
    lines: list[Line] | None = None

    @property
    def is_text(self):
        return self.lines is not None


class _Names:
    """Names of rows that fields point to (a series, an author, a user), read once each."""

    def __init__(self):
        self._cache = {}

    def of(self, model, pk) -> str:
        if pk is None:
            return EMPTY
        key = (model._meta.label_lower, pk)
        if key not in self._cache:
            row = model._base_manager.filter(pk=pk).first()
            if row is None:
                name = f"(deleted {model._meta.verbose_name})"
            elif hasattr(row, "get_username"):
                name = row.get_username()
            else:
                name = str(row)
            self._cache[key] = name
        return self._cache[key]

    def of_many(self, model, ids) -> str:
        names = sorted(self.of(model, pk) for pk in ids)
        return ", ".join(names) if names else EMPTY


def _is_long_text(f):
    return isinstance(f, models.TextField)


def _display(f, value, names: _Names) -> str:
    """A field's value as people read it."""
    if f.many_to_many:
        return names.of_many(f.related_model, value or [])
    if f.is_relation:
        return names.of(f.related_model, value)
    if value is None or value == "":
        return EMPTY
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(f, models.DateTimeField):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return date_format(moment, "DATETIME_FORMAT")
    if isinstance(f, models.DateField):
        return date_format(value, "DATE_FORMAT")
    if isinstance(f, models.JSONField):
        return json.dumps(value, sort_keys=True, ensure_ascii=False) if value else EMPTY
    if isinstance(f, models.FileField):
        return getattr(value, "name", value) or EMPTY
    return str(value)


def _label(f) -> str:
    return capfirst(str(f.verbose_name))


def _field_change(f, before, after, names) -> FieldChange | None:
    if f.many_to_many:
        before, after = sorted(before or []), sorted(after or [])
    if isinstance(f, models.FileField):
        before, after = getattr(before, "name", before), getattr(after, "name", after)
    if before == after:
        return None
    if _is_long_text(f) and not f.choices:
        return FieldChange(
            _label(f), _summary_of(before), _summary_of(after), side_by_side(before, after)
        )
    return FieldChange(_label(f), _display(f, before, names), _display(f, after, names))


def _summary_of(text):
    words = count_words(text or "")
    return f"{words} word{'s' if words != 1 else ''}" if words else EMPTY


def short(name: str, length: int = SUMMARY_NAME_LENGTH) -> str:
    """A name cut at a word for a one-line summary: "Funding, sustainability…"."""
    name = " ".join(name.split())
    if len(name) <= length:
        return name
    cut = name[:length]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-—") + "…"


# --- Parts -------------------------------------------------------------------------------------


class PartKind:
    """How changes to one kind of part are named and summed up. The default reads any model:
    it is named by its str(), has no state, and is placed by its `position` if it has one."""

    # Fields not listed as changes: summed up elsewhere (a section's drafting status is in its
    # state) or bookkeeping (when a status changed).
    hidden = ()

    def name(self, row, snapshot, names) -> str:
        try:
            return str(row)
        except models.ObjectDoesNotExist:
            return f"{row._meta.verbose_name} {row.pk}"

    def state(self, row) -> str:
        """A short description of the part's state, "" for none."""
        return ""

    def place(self, row, snapshot, names) -> str:
        position = getattr(row, "position", None)
        return f"position {position}" if position is not None else ""


class SectionKind(PartKind):
    hidden = ("drafting_status", "status_changed_at")

    def name(self, row, snapshot, names):
        return row.heading or "Opening"

    def state(self, row):
        from essays.models import DraftingStatus

        words = count_words(row.body or "")
        if row.drafting_status == DraftingStatus.PLACEHOLDER:
            return "placeholder"
        if row.drafting_status == DraftingStatus.IN_PROGRESS:
            return f"in progress, {words} word{'s' if words != 1 else ''}"
        return f"{words} word{'s' if words != 1 else ''} drafted"


class PlacedBlockKind(PartKind):
    """Insets and pullquotes: named by their first words, placed at the top or in a section."""

    hidden = ("section", "after_paragraph")

    def name(self, row, snapshot, names):
        return f"“{Truncator(' '.join((row.body or '').split())).words(8)}”"

    def place(self, row, snapshot, names):
        if row.section_id is None:
            return "the top of the essay"
        sections = {section.pk: section for section in snapshot.parts.get("sections", [])}
        section = sections.get(row.section_id)
        heading = f"“{section.heading}”" if section and section.heading else "the opening"
        return (
            f"{heading if section else 'a deleted section'}, after paragraph {row.after_paragraph}"
        )


class BylineKind(PartKind):
    def name(self, row, snapshot, names):
        from essays.models import Author

        return names.of(Author, row.author_id)


PART_KINDS = {
    "essays.section": SectionKind(),
    "essays.inset": PlacedBlockKind(),
    "essays.pullquote": PlacedBlockKind(),
    "essays.byline": BylineKind(),
}
DEFAULT_PART_KIND = PartKind()


@dataclass
class PartChange:
    """A part added, removed or changed: its name, a one-line summary, and its changed fields."""

    change: str  # "added", "removed" or "changed"
    name: str
    summary: str
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class PartGroup:
    title: str  # "Sections", "Partners"...
    changes: list[PartChange]


@dataclass
class Comparison:
    fields: list[FieldChange]
    groups: list[PartGroup]

    @property
    def summary(self) -> list[str]:
        """One line per change, in page order."""
        lines = [
            f"{change.label} changed"
            if change.is_text
            else f"{change.label}: {change.before} → {change.after}"
            for change in self.fields
        ]
        lines.extend(change.summary for group in self.groups for change in group.changes)
        return lines

    @property
    def has_changes(self) -> bool:
        return bool(self.fields or self.groups)


def compare(older: Snapshot, newer: Snapshot) -> Comparison:
    """What changed from `older` to `newer` (two snapshots of one item)."""
    names = _Names()
    model = type(newer.item)
    fields = []
    for f in _shown_fields(model, hidden={"hugo_source", "hugo_source_digest"}):
        if f.many_to_many:
            before, after = older.many.get(f.name, []), newer.many.get(f.name, [])
        else:
            before, after = getattr(older.item, f.attname), getattr(newer.item, f.attname)
        if change := _field_change(f, before, after, names):
            fields.append(change)
    groups = []
    for relation in parts_of(model):
        kind = PART_KINDS.get(relation.related_model._meta.label_lower, DEFAULT_PART_KIND)
        changes = _compare_parts(
            kind, relation, older, newer, names, parent_field=relation.field.name
        )
        if changes:
            groups.append(
                PartGroup(capfirst(str(relation.related_model._meta.verbose_name_plural)), changes)
            )
    return Comparison(fields, groups)


def _shown_fields(model, *, hidden=(), parent_field=None):
    """The fields to compare, the model's own before those it inherits (title before status)."""
    inherited = {
        f.name
        for base in model.__mro__[1:]
        if getattr(getattr(base, "_meta", None), "abstract", False)
        for f in base._meta.fields
    }
    fields = [
        f
        for f in stored_fields(model)
        if not f.primary_key and f.name not in hidden and f.name != parent_field
    ]
    return sorted(fields, key=lambda f: f.name in inherited)


def _compare_parts(kind, relation, older, newer, names, *, parent_field):
    before_rows, after_rows = older.parts[relation.name], newer.parts[relation.name]
    pairs = _match(kind, before_rows, after_rows, older, newer, names)
    moved = _moved(kind, pairs, before_rows, after_rows, older, newer, names)
    shown = _shown_fields(
        relation.related_model, hidden={*kind.hidden, "position"}, parent_field=parent_field
    )
    before_of = {id(after): before for before, after in pairs}
    changes = []
    for row in after_rows:
        name = kind.name(row, newer, names)
        if id(row) not in before_of:
            where = kind.place(row, newer, names)
            details = ", ".join(
                filter(None, [f"added at {where}" if where else "added", kind.state(row)])
            )
            changes.append(PartChange("added", name, f"{short(name)}: {details}"))
        elif change := _part_change(kind, before_of[id(row)], row, older, newer, names, shown):
            if id(row) in moved:
                where = kind.place(before_of[id(row)], older, names)
                change.summary += f", moved from {where} to {kind.place(row, newer, names)}"
            changes.append(change)
        elif id(row) in moved:
            where = kind.place(before_of[id(row)], older, names)
            summary = f"{short(name)}: moved from {where} to {kind.place(row, newer, names)}"
            changes.append(PartChange("changed", name, summary))
    kept = {id(before) for before, _after in pairs}
    for row in before_rows:
        if id(row) not in kept:
            name = kind.name(row, older, names)
            was = ", ".join(filter(None, [kind.place(row, older, names), kind.state(row)]))
            summary = f"{short(name)}: removed" + (f" (was at {was})" if was else "")
            changes.append(PartChange("removed", name, summary))
    return changes


def _part_change(kind, before, after, older, newer, names, shown) -> PartChange | None:
    """A part in both revisions: its state and fields compared, or None if they are equal."""
    fields = []
    for f in shown:
        if change := _field_change(f, getattr(before, f.attname), getattr(after, f.attname), names):
            fields.append(change)
    old_state, new_state = kind.state(before), kind.state(after)
    details = [f"{old_state} → {new_state}"] if old_state != new_state else []
    for change in fields:
        if change.is_text:
            # A new state ("640 words drafted") already says that the text changed.
            if not (details and change.label == "Body"):
                details.append(f"{change.label.lower()} changed")
        else:
            details.append(f"{change.label.lower()} “{change.before}” → “{change.after}”")
    if not details:
        return None
    name = kind.name(after, newer, names)
    return PartChange("changed", name, f"{short(name)}: {', '.join(details)}", fields)


def _match(kind, before_rows, after_rows, older, newer, names):
    """Pairs of (before, after) rows that are the same part: the same id, or, for rows written
    anew (an import replaces every section), the same name."""
    by_pk = {row.pk: row for row in before_rows}
    pairs, left_after = [], []
    for row in after_rows:
        if row.pk in by_pk:
            pairs.append((by_pk.pop(row.pk), row))
        else:
            left_after.append(row)
    unclaimed = {}
    for row in before_rows:
        if row.pk in by_pk:
            unclaimed.setdefault(kind.name(row, older, names), []).append(row)
    for row in left_after:
        if same_name := unclaimed.get(kind.name(row, newer, names)):
            pairs.append((same_name.pop(0), row))
    return pairs


def _moved(kind, pairs, before_rows, after_rows, older, newer, names):
    """The ids of the after rows that moved. Numbered parts: those out of the longest run kept
    in order, not those shifted by parts added or removed around them. Others (insets): those
    placed elsewhere."""
    if not pairs:
        return set()
    if not hasattr(after_rows[0], "position"):
        return {
            id(after)
            for before, after in pairs
            if kind.place(before, older, names) != kind.place(after, newer, names)
        }
    before_index = {id(row): index for index, row in enumerate(before_rows)}
    after_index = {id(row): index for index, row in enumerate(after_rows)}
    in_after_order = sorted(pairs, key=lambda pair: after_index[id(pair[1])])
    stayed = _longest_increasing([before_index[id(before)] for before, _ in in_after_order])
    return {
        id(after)
        for before, after in in_after_order
        if before_index[id(before)] not in stayed and before.position != after.position
    }


def _longest_increasing(numbers) -> set:
    """The numbers of one longest increasing subsequence (patience sorting)."""
    tails, tail_at, previous = [], [], {}
    for index, number in enumerate(numbers):
        slot = bisect_left(tails, number)
        if slot == len(tails):
            tails.append(number)
            tail_at.append(index)
        else:
            tails[slot] = number
            tail_at[slot] = index
        previous[index] = tail_at[slot - 1] if slot else None
    kept, index = set(), tail_at[-1] if tail_at else None
    while index is not None:
        kept.add(numbers[index])
        index = previous[index]
    return kept
