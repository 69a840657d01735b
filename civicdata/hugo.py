"""Hugo content files: front matter, then Markdown with civicdata's two shortcodes.

`parse_document(text, ...)` reads a file into an `EssayDocument` or a `CaseStudyDocument`;
`serialize_essay` and `serialize_case_study` write one back in canonical form. Nothing here
touches the database: `civicdata.hugo_sync` maps documents to and from the models.

The canonical form is a fixed point: `serialize(parse(serialize(doc)))` gives the same text.

An essay's body:

    {{% inset %}} ... {{% /inset %}}              at the top: an inset with no section
    Opening text (no heading).
    {{< pullquote attribution="..." >}} ... {{< /pullquote >}}
    ##### A heading (any ATX level) starts a section
    Placeholder.                                  a placeholder; any text after it is its draft

An inset or pullquote belongs to the section it stands in, after as many top-level Markdown
blocks as precede it there (counted exactly as the renderer counts them).
"""

import datetime
import json
import math
import re
import tomllib
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from itertools import groupby

import tomli_w
import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from civicdata.markdown import top_level_block_ends
from civicdata.publishing import FrontMatterFormat

MARKER = "Placeholder."
INSET = "inset"
PULLQUOTE = "pullquote"
SHORTCODE_PARAMETERS = {INSET: set(), PULLQUOTE: {"attribution"}}
# At one spot, insets come before pullquotes (the renderer's order too).
_KIND_ORDER = {INSET: 0, PULLQUOTE: 1}

# Drafting statuses, as essays.models.DraftingStatus stores them.
PLACEHOLDER = "placeholder"
IN_PROGRESS = "in_progress"
DRAFTED = "drafted"
DRAFTING_STATUSES = (PLACEHOLDER, IN_PROGRESS, DRAFTED)

# Statuses a draft can have besides plain draft, kept in the civicdata mapping (Hugo knows only
# `draft: true`), as civicdata.publishing.Status stores them.
DRAFT_STATUSES = ("in_review", "unpublished")
# Hugo's names for when an item goes up and comes down; Hugo reads keys in any case.
PUBLISH_DATE = "publishDate"
EXPIRY_DATE = "expiryDate"
_PUBLISH_DATE_NAMES = ("publishdate", "pubdate", "published")
_EXPIRY_DATE_NAMES = ("expirydate", "unpublishdate")

CIVICDATA_KEY = "civicdata"
ESSAY_KEYS = frozenset(
    {"title", "slug", "date", "draft", "author", "authors", "series", "weight", "summary"}
    | {PUBLISH_DATE, EXPIRY_DATE, CIVICDATA_KEY}
)
# A case study's plain-text fields, as portfolio.models.CaseStudy names them.
CASE_STUDY_TEXTS = ("data_subjects", "protections", "results_used_by", "funding_model", "outcomes")
# Lifecycle stages, as portfolio.models.Stage stores them.
STAGES = ("scoping", "pilot", "running", "handed_over", "ended")
CASE_STUDY_KEYS = frozenset(
    {"title", "slug", "date", "draft", "summary", "partners", "related_essays"}
    | {"stage", "topics", "data_sources", *CASE_STUDY_TEXTS}
    | {PUBLISH_DATE, EXPIRY_DATE, CIVICDATA_KEY}
)

_SLUG = re.compile(r"[-a-z0-9_]+")
_MAX_INTEGER = 2_147_483_647  # the largest value a PositiveIntegerField holds everywhere


class HugoError(Exception):
    """Bad content in a Hugo file; `line` is the 1-based line in the file, when known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line

    def __reduce__(self):  # from the process that reads files ahead, with its line
        return type(self), (self.message, self.line)


# --- Documents ---------------------------------------------------------------------------------


@dataclass
class Block:
    """An inset or pullquote, set `after_paragraph` top-level blocks into its section."""

    kind: str  # INSET or PULLQUOTE
    body: str
    after_paragraph: int = 0
    attribution: str = ""
    line: int | None = field(default=None, compare=False)


@dataclass
class Section:
    heading: str  # "" for the opening
    body: str
    heading_level: int = 2
    drafting_status: str = DRAFTED
    editor_note: str = ""
    blocks: list[Block] = field(default_factory=list)
    line: int | None = field(default=None, compare=False)


@dataclass
class Partner:
    organization: str
    role: str = ""


@dataclass
class DataSource:
    name: str
    limitations: str
    owner: str = ""
    description: str = ""


@dataclass
class EssayDocument:
    title: str
    slug: str
    date: datetime.date  # or a datetime, when the file gave a time too
    draft: bool = False
    status: str | None = None  # one of DRAFT_STATUSES, for a draft that is more than a draft
    publish_at: datetime.date | None = None  # a date, or a datetime when the file gave a time
    expire_at: datetime.date | None = None
    authors: list[str] = field(default_factory=list)
    series: str | None = None  # None: the default series
    weight: int | None = None
    summary: str = ""
    announced: bool = False
    top_blocks: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    front_matter_format: str = FrontMatterFormat.YAML
    key_lines: dict[str, int] = field(default_factory=dict, compare=False)


@dataclass
class CaseStudyDocument:
    title: str
    slug: str
    date: datetime.date
    draft: bool = False
    status: str | None = None  # one of DRAFT_STATUSES, for a draft that is more than a draft
    publish_at: datetime.date | None = None  # a date, or a datetime when the file gave a time
    expire_at: datetime.date | None = None
    summary: str = ""
    body: str = ""
    stage: str = ""  # one of STAGES, or "" when the file does not say
    topics: list[str] = field(default_factory=list)  # topic names
    partners: list[Partner] = field(default_factory=list)
    data_sources: list[DataSource] = field(default_factory=list)
    data_subjects: str = ""
    protections: str = ""
    results_used_by: str = ""
    funding_model: str = ""
    outcomes: str = ""
    related_essays: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    front_matter_format: str = FrontMatterFormat.YAML
    key_lines: dict[str, int] = field(default_factory=dict, compare=False)


# --- Text helpers ------------------------------------------------------------------------------


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _is_blank(line: str) -> bool:
    return not line.strip(" \t")


def strip_blank_lines(text: str) -> str:
    """`text` without its leading and trailing blank lines; spaces inside lines are kept."""
    lines = text.split("\n")
    start, end = 0, len(lines)
    while start < end and _is_blank(lines[start]):
        start += 1
    while end > start and _is_blank(lines[end - 1]):
        end -= 1
    return "\n".join(lines[start:end])


def clean_markdown(text: str) -> str:
    """Markdown as it stands in a Hugo file: \\n line ends, no blank lines around it."""
    return strip_blank_lines(normalize_newlines(text or ""))


def count_blocks(text: str) -> int:
    return len(top_level_block_ends(text)) if text else 0


# --- Front matter ------------------------------------------------------------------------------


class _FrontMatterLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader (no object tags), refusing anchors and aliases outright: front matter
    has no use for them, and aliases are how a small file expands into a huge one."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases are not allowed", event.start_mark
            )
        return super().compose_node(parent, index)


@dataclass
class FrontMatter:
    data: dict
    format: str
    body: str
    body_line: int  # the file line on which the body starts
    key_lines: dict[str, int]


def split_front_matter(text: str) -> FrontMatter:
    """Separate and load the front matter (YAML ---, TOML +++ or a JSON object)."""
    lines = text.split("\n")
    opening = lines[0].rstrip(" \t")
    if opening in ("---", "+++"):
        delimiter = opening
        closing = next(
            (i for i in range(1, len(lines)) if lines[i].rstrip(" \t") == delimiter), None
        )
        if closing is None:
            raise HugoError(f"the front matter is never closed with a '{delimiter}' line", 1)
        raw = "\n".join(lines[1:closing])
        body = "\n".join(lines[closing + 1 :])
        body_line = closing + 2
        if delimiter == "---":
            fmt, data = FrontMatterFormat.YAML, _load_yaml(raw)
        else:
            fmt, data = FrontMatterFormat.TOML, _load_toml(raw)
        key_lines = _key_lines(lines[1:closing], first_line=2)
    elif text.startswith("{"):
        fmt = FrontMatterFormat.JSON
        data, end = _load_json(text)
        body = text[end:]
        body_line = text.count("\n", 0, end) + 1
        key_lines = _key_lines(text[:end].split("\n"), first_line=1)
    else:
        raise HugoError("the file does not start with front matter (---, +++ or a JSON {...})", 1)
    if not isinstance(data, dict):
        raise HugoError("the front matter must be a mapping of names to values", 1)
    for key, value in data.items():
        if _holds_nul(key) or _holds_nul(value):
            line = key_lines.get(key, 1) if isinstance(key, str) else 1
            raise HugoError("the front matter holds a NUL character (written as an escape)", line)
    return FrontMatter(data, fmt, body, body_line, key_lines)


def _holds_nul(value, depth=0) -> bool:
    """A NUL anywhere in loaded front matter: the database refuses it in text."""
    if depth > 100:
        return False  # nesting this deep is refused later, with its own message
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k, depth + 1) or _holds_nul(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item, depth + 1) for item in value)
    return False


def _load_yaml(raw):
    try:
        return yaml.load(raw, Loader=_FrontMatterLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 2 if mark else 1
        problem = error.problem or error.context or "unreadable YAML"
        raise HugoError(f"invalid YAML front matter: {problem}", line) from None
    except yaml.YAMLError as error:
        raise HugoError(f"invalid YAML front matter: {error}", 1) from None
    except RecursionError:
        raise HugoError("the front matter is nested too deeply", 1) from None
    except (ValueError, OverflowError) as error:  # e.g. a date such as 2020-13-45
        raise HugoError(f"invalid YAML front matter: {error}", 1) from None


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)")


def _load_toml(raw):
    try:
        return tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = _TOML_POSITION.search(message)
        line = int(match.group(1)) + 1 if match else 1
        raise HugoError(
            f"invalid TOML front matter: {_TOML_POSITION.sub('', message)}", line
        ) from None
    except RecursionError:
        raise HugoError("the front matter is nested too deeply", 1) from None


def _load_json(text):
    try:
        return json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError as error:
        raise HugoError(f"invalid JSON front matter: {error.msg}", error.lineno) from None
    except RecursionError:
        raise HugoError("the front matter is nested too deeply", 1) from None


_KEY_LINE = re.compile(r"""^\s*["']?([A-Za-z_][\w-]*)["']?\s*[:=]""")


def _key_lines(lines, *, first_line):
    """Where each key first appears, for error messages (a best guess, never relied on)."""
    found = {}
    for number, line in enumerate(lines, start=first_line):
        if match := _KEY_LINE.match(line):
            found.setdefault(match.group(1), number)
    return found


def json_safe(value, where="front matter"):
    """`value` as JSON can hold it: dates become ISO 8601 strings; anything else is an error."""
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise HugoError(f"{where}: {value} is not a number JSON can hold")
        return value
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [json_safe(item, where) for item in value]
    if isinstance(value, dict):
        safe = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise HugoError(f"{where}: the key {key!r} is not a string")
            safe[key] = json_safe(item, f"{where}.{key}")
        return safe
    raise HugoError(f"{where}: a value of type {type(value).__name__} is not supported")


class _Fields:
    """Takes the known fields out of front matter, checking their types; the rest is extra."""

    def __init__(self, front: FrontMatter):
        self.data = dict(front.data)
        self.key_lines = front.key_lines

    def error(self, key, message):
        return HugoError(message, self.key_lines.get(key, 1))

    def pop(self, key):
        return self.data.pop(key, None)

    def string(self, key, *, required=False):
        value = self.pop(key)
        if value is None:
            if required:
                raise self.error(key, f"'{key}' is missing")
            return None
        if not isinstance(value, str):
            raise self.error(key, f"'{key}' must be a string")
        if required and not value.strip():
            raise self.error(key, f"'{key}' is empty")
        return value

    def boolean(self, key):
        value = self.pop(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self.error(key, f"'{key}' must be true or false")
        return value

    def strings(self, key):
        """A list of non-empty strings (a single string counts as a list of one)."""
        value = self.pop(key)
        if value is None:
            return None
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise self.error(key, f"'{key}' must be a string or a list of strings")
        items = [item.strip() for item in items]
        if not all(items):
            raise self.error(key, f"'{key}' has an empty entry")
        for item in items:
            if items.count(item) > 1:
                raise self.error(key, f"'{key}' lists “{item}” twice")
        return items

    def slug(self, default):
        slug = self.string("slug") or default
        if not _SLUG.fullmatch(slug):
            where = "'slug'" if "slug" in self.key_lines else "the file name"
            raise self.error(
                "slug",
                f"{where} gives the slug “{slug}”; a slug is lowercase letters, "
                "digits, hyphens and underscores",
            )
        return slug

    def date(self):
        value = self.pop("date")
        if value is None:
            raise self.error("date", "'date' is missing")
        return self._as_date("date", value)

    def _as_date(self, key, value):
        if isinstance(value, datetime.date):  # a datetime is a date too
            return value
        if isinstance(value, str):
            for parse in (datetime.date.fromisoformat, datetime.datetime.fromisoformat):
                try:
                    return parse(value.strip())
                except ValueError:
                    pass
        raise self.error(key, f"'{key}' must be a date such as 2022-02-24")

    def moment(self, names):
        """A date or datetime given under any of Hugo's `names` for it, in any case."""
        keys = [key for key in self.data if isinstance(key, str) and key.lower() in names]
        if len(keys) > 1:
            raise self.error(keys[1], f"give only one of '{keys[0]}' and '{keys[1]}'")
        if not keys:
            return None
        value = self.pop(keys[0])
        return None if value is None else self._as_date(keys[0], value)

    def schedule(self):
        """(publish_at, expire_at) from Hugo's publishDate and expiryDate."""
        publish_at = self.moment(_PUBLISH_DATE_NAMES)
        expire_at = self.moment(_EXPIRY_DATE_NAMES)
        if publish_at is not None and expire_at is not None:
            if _comparable(expire_at) <= _comparable(publish_at):
                raise self.error(EXPIRY_DATE, "'expiryDate' must come after 'publishDate'")
        return publish_at, expire_at

    def draft_status(self, draft, civicdata):
        """The civicdata status of a draft; a published item has none."""
        status = civicdata.get("status")
        if status is not None and not draft:
            raise self.error(
                CIVICDATA_KEY, f"'civicdata': status {status} is for drafts (draft: true)"
            )
        return status

    def summary(self):
        """`summary`, or `description` when there is no summary (then it is not kept as extra)."""
        if self.data.get("summary") is None:
            self.data.pop("summary", None)
            if isinstance(self.data.get("description"), str):
                return self.data.pop("description")
            return ""
        return self.string("summary")

    def extra(self):
        """Every field not taken, JSON-safe (dates as ISO 8601 strings)."""
        extra = {}
        for key, value in self.data.items():
            try:
                if not isinstance(key, str):
                    raise HugoError(f"the key {key!r} is not a string")
                extra[key] = json_safe(value, f"'{key}'")
            except HugoError as error:
                raise self.error(key, error.message) from None
        return extra


def parse_document(
    text: str, *, default_slug: str, case_study: bool = False
) -> "EssayDocument | CaseStudyDocument":
    """Read a Hugo file. `case_study` says the file lies under a portfolio folder; a file with
    `type: portfolio` is a case study wherever it lies."""
    text = normalize_newlines(text.removeprefix("\ufeff"))
    if (nul := text.find("\x00")) >= 0:
        # PostgreSQL's text columns cannot hold it: refused here, not as a database error.
        raise HugoError("the file contains a NUL character", text.count("\n", 0, nul) + 1)
    front = split_front_matter(text)
    if case_study or front.data.get("type") == "portfolio":
        return _case_study_document(front, default_slug)
    return _essay_document(front, default_slug)


def _essay_document(front: FrontMatter, default_slug: str) -> EssayDocument:
    fields = _Fields(front)
    title = fields.string("title", required=True)
    slug = fields.slug(default_slug)
    date = fields.date()
    draft = fields.boolean("draft")
    publish_at, expire_at = fields.schedule()
    author, authors = fields.strings("author"), fields.strings("authors")
    if author is not None and authors is not None:
        raise fields.error("authors", "give either 'author' or 'authors', not both")
    series = fields.strings("series")
    if series and len(series) > 1:
        raise fields.error("series", "an essay belongs to one series")
    weight = _weight(fields)
    summary = fields.summary()
    civicdata = _civicdata(fields)
    status = fields.draft_status(draft, civicdata)
    top_blocks, sections = parse_essay_body(
        front.body, first_line=front.body_line, civicdata=civicdata
    )
    return EssayDocument(
        title=title,
        slug=slug,
        date=date,
        draft=draft,
        status=status,
        publish_at=publish_at,
        expire_at=expire_at,
        authors=author or authors or [],
        series=series[0] if series else None,
        weight=weight,
        summary=summary,
        announced=civicdata["announced"],
        top_blocks=top_blocks,
        sections=sections,
        extra=fields.extra(),
        front_matter_format=front.format,
        key_lines=front.key_lines,
    )


def _weight(fields):
    value = fields.pop("weight")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_INTEGER:
        raise fields.error("weight", "'weight' must be a whole number, 1 or more")
    return value or None  # Hugo reads weight 0 as no weight


def _civicdata(fields):
    """civicdata's own mapping: what the text cannot say about sections.

    civicdata:
      announced: true            # optional
      empty_opening: true        # optional: an opening section with no text yet
      sections:
      - {position: 2, drafting_status: in_progress, editor_note: "..."}
    """
    value = fields.pop(CIVICDATA_KEY)
    result = {"announced": False, "empty_opening": False, "sections": {}, "status": None}
    if value is None:
        return result

    def error(message):
        return fields.error(CIVICDATA_KEY, f"'civicdata': {message}")

    if not isinstance(value, dict):
        raise error("must be a mapping")
    unknown = set(value) - {"announced", "empty_opening", "sections", "status"}
    if unknown:
        raise error(f"unknown key '{sorted(unknown)[0]}'")
    result["status"] = _draft_status(value, error)
    for flag in ("announced", "empty_opening"):
        if not isinstance(value.get(flag, False), bool):
            raise error(f"'{flag}' must be true or false")
        result[flag] = value.get(flag, False)
    entries = value.get("sections", [])
    if not isinstance(entries, list):
        raise error("'sections' must be a list")
    for entry in entries:
        if not isinstance(entry, dict) or set(entry) - {
            "position",
            "drafting_status",
            "editor_note",
        }:
            raise error("each section is a mapping of position, drafting_status, editor_note")
        position = entry.get("position")
        if isinstance(position, bool) or not isinstance(position, int) or position < 1:
            raise error("each section needs a position (1 or more)")
        if position in result["sections"]:
            raise error(f"section {position} is listed twice")
        status = entry.get("drafting_status")
        if status is not None and status not in DRAFTING_STATUSES:
            raise error(f"drafting_status must be one of {', '.join(DRAFTING_STATUSES)}")
        note = entry.get("editor_note", "")
        if not isinstance(note, str):
            raise error("editor_note must be a string")
        result["sections"][position] = (status, note)
    return result


def _draft_status(mapping, error):
    status = mapping.get("status")
    if status is not None and status not in DRAFT_STATUSES:
        raise error(f"status must be one of {', '.join(DRAFT_STATUSES)}")
    return status


def _case_study_civicdata(fields):
    """A case study's civicdata mapping holds only its status: `civicdata: {status: in_review}`."""
    value = fields.pop(CIVICDATA_KEY)
    if value is None:
        return {"status": None}

    def error(message):
        return fields.error(CIVICDATA_KEY, f"'civicdata': {message}")

    if not isinstance(value, dict):
        raise error("must be a mapping")
    if unknown := set(value) - {"status"}:
        raise error(f"unknown key '{sorted(unknown)[0]}'")
    return {"status": _draft_status(value, error)}


def _case_study_document(front: FrontMatter, default_slug: str) -> CaseStudyDocument:
    fields = _Fields(front)
    title = fields.string("title", required=True)
    slug = fields.slug(default_slug)
    date = fields.date()
    draft = fields.boolean("draft")
    publish_at, expire_at = fields.schedule()
    status = fields.draft_status(draft, _case_study_civicdata(fields))
    summary = fields.summary()
    stage = fields.string("stage") or ""
    if stage and stage not in STAGES:
        raise fields.error("stage", f"'stage' must be one of {', '.join(STAGES)}")
    topics = fields.strings("topics") or []
    partners = _partners(fields)
    data_sources = _data_sources(fields)
    texts = {name: fields.string(name) or "" for name in CASE_STUDY_TEXTS}
    related = fields.strings("related_essays") or []
    for related_slug in related:
        if not _SLUG.fullmatch(related_slug):
            raise fields.error("related_essays", f"“{related_slug}” is not an essay's slug")
    body = normalize_newlines(front.body)
    if match := _TAG_START.search(body):
        line = front.body_line + body.count("\n", 0, match.start())
        raise HugoError("case studies do not take shortcodes ({{< >}} or {{% %}})", line)
    return CaseStudyDocument(
        title=title,
        slug=slug,
        date=date,
        draft=draft,
        status=status,
        publish_at=publish_at,
        expire_at=expire_at,
        summary=summary,
        body=strip_blank_lines(body),
        stage=stage,
        topics=topics,
        partners=partners,
        data_sources=data_sources,
        **texts,
        related_essays=related,
        extra=fields.extra(),
        front_matter_format=front.format,
        key_lines=front.key_lines,
    )


def _partners(fields):
    value = fields.pop("partners")
    if value is None:
        return []
    message = "'partners' must be a list of mappings with an organization and a role"
    if not isinstance(value, list):
        raise fields.error("partners", message)
    partners = []
    for entry in value:
        if not isinstance(entry, dict) or set(entry) - {"organization", "role"}:
            raise fields.error("partners", message)
        organization, role = entry.get("organization"), entry.get("role") or ""
        if not isinstance(organization, str) or not organization.strip():
            raise fields.error("partners", "each partner needs an organization")
        if not isinstance(role, str):
            raise fields.error("partners", "a partner's role must be a string")
        partners.append(Partner(organization, role))
    return partners


def _data_sources(fields):
    """data_sources: a list of {name, owner, description, limitations}; name and limitations
    are required (every source misrepresents reality somehow, and the page says how)."""
    value = fields.pop("data_sources")
    if value is None:
        return []
    keys = {"name", "owner", "description", "limitations"}
    message = (
        "'data_sources' must be a list of mappings with a name, owner, description and limitations"
    )
    if not isinstance(value, list):
        raise fields.error("data_sources", message)
    sources = []
    for entry in value:
        if not isinstance(entry, dict) or set(entry) - keys:
            raise fields.error("data_sources", message)
        if not all(isinstance(entry.get(key, ""), str) for key in keys):
            raise fields.error("data_sources", "a data source's fields must be strings")
        if not entry.get("name", "").strip():
            raise fields.error("data_sources", "each data source needs a name")
        if not entry.get("limitations", "").strip():
            raise fields.error(
                "data_sources",
                f"the data source “{entry['name']}” needs its limitations: how the data "
                "misrepresent reality",
            )
        sources.append(
            DataSource(
                name=entry["name"],
                limitations=entry["limitations"],
                owner=entry.get("owner", ""),
                description=entry.get("description", ""),
            )
        )
    return sources


# --- Essay body --------------------------------------------------------------------------------

_TAG_START = re.compile(r"\{\{[<%]")
_TAG = re.compile(r"\{\{([<%])(.*?)([>%])\}\}")
_NAME = re.compile(r"[A-Za-z][\w-]*")
_PARAMETER = re.compile(r'\s*([A-Za-z_]\w*)\s*=\s*(?:"((?:[^"\\\n]|\\.)*)"|`([^`]*)`)')


@dataclass
class _Tag:
    name: str
    closing: bool
    start: int
    end: int
    line: int
    parameters: dict


@dataclass
class _RawBlock:
    kind: str
    start: int  # offset of the opening tag in the body
    end: int  # offset just past the closing tag
    body: str
    attribution: str
    line: int

    def to_block(self, after_paragraph=0):
        return Block(self.kind, self.body, after_paragraph, self.attribution, self.line)


_NEWLINE = re.compile("\n")


class _Lines:
    """Offsets and line numbers of a text, for messages in file lines."""

    def __init__(self, text, first_line):
        self.text = text
        self.first_line = first_line
        self.starts = [0, *(newline.end() for newline in _NEWLINE.finditer(text))]

    def index_of(self, offset):
        return bisect_right(self.starts, offset) - 1

    def file_line(self, offset):
        return self.first_line + self.index_of(offset)

    def offset(self, index):
        return self.starts[index] if index < len(self.starts) else len(self.text)


def _scan_tags(lines: _Lines) -> list[_Tag]:
    text, tags, position = lines.text, [], 0
    while start := _TAG_START.search(text, position):
        line = lines.file_line(start.start())
        match = _TAG.match(text, start.start())
        if not match:
            raise HugoError("a shortcode tag is not closed with >}} or %}} on its line", line)
        opener, inner, closer = match.groups()
        if (opener, closer) not in {("<", ">"), ("%", "%")}:
            raise HugoError(
                f"the shortcode tag {match.group()} mixes {{{{< >}}}} and {{{{% %}}}}", line
            )
        tags.append(_read_tag(inner.strip(), match.start(), match.end(), line))
        position = match.end()
    return tags


def _read_tag(inner, start, end, line) -> _Tag:
    closing = inner.startswith("/")
    if closing:
        inner = inner[1:].lstrip()
    if inner.endswith("/"):
        raise HugoError(
            "self-closing shortcodes are not supported: use an opening and a closing tag", line
        )
    name_match = _NAME.match(inner)
    if not name_match:
        raise HugoError(f"unreadable shortcode tag “{inner}”", line)
    name, rest = name_match.group(), inner[name_match.end() :]
    if name not in SHORTCODE_PARAMETERS:
        raise HugoError(f"unknown shortcode '{name}' (civicdata knows inset and pullquote)", line)
    if rest and not rest[0].isspace():
        raise HugoError(f"unreadable shortcode tag “{inner}”", line)
    if closing and rest.strip():
        raise HugoError(f"the closing tag of '{name}' takes no parameters", line)
    return _Tag(name, closing, start, end, line, _read_parameters(name, rest, line))


def _read_parameters(name, text, line) -> dict:
    parameters, position = {}, 0
    while text[position:].strip():
        match = _PARAMETER.match(text, position)
        if not match:
            raise HugoError(
                f"unknown parameter “{text[position:].strip()}” for '{name}' "
                '(write name="value")',
                line,
            )
        key = match.group(1)
        if key not in SHORTCODE_PARAMETERS[name]:
            raise HugoError(f"unknown parameter '{key}' for '{name}'", line)
        if key in parameters:
            raise HugoError(f"the parameter '{key}' is given twice", line)
        if match.group(2) is not None:
            parameters[key] = re.sub(r'\\(["\\])', r"\1", match.group(2))
        else:
            parameters[key] = match.group(3)
        position = match.end()
    return parameters


def _pair_tags(text, tags) -> list[_RawBlock]:
    blocks, opening = [], None
    for tag in tags:
        if not tag.closing:
            if opening is not None:
                raise HugoError(
                    f"'{tag.name}' opens inside '{opening.name}' (opened on line {opening.line}); "
                    "shortcodes cannot be nested",
                    tag.line,
                )
            opening = tag
        elif opening is None:
            raise HugoError(f"a closing '{tag.name}' tag with no opening tag", tag.line)
        elif tag.name != opening.name:
            raise HugoError(
                f"a closing '{tag.name}' tag while '{opening.name}' (line {opening.line}) is open",
                tag.line,
            )
        else:
            blocks.append(
                _RawBlock(
                    kind=opening.name,
                    start=opening.start,
                    end=tag.end,
                    body=strip_blank_lines(text[opening.end : tag.start]),
                    attribution=opening.parameters.get("attribution", ""),
                    line=opening.line,
                )
            )
            opening = None
    if opening is not None:
        raise HugoError(f"'{opening.name}' is never closed", opening.line)
    return blocks


def _masked(text, blocks) -> str:
    """`text` with each shortcode block blanked out (same lines and columns), so Markdown
    structure is read from the essay's own text, as Hugo reads it after shortcodes ran."""
    chars = list(text)
    for block in blocks:
        for i in range(block.start, block.end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


@dataclass
class _Heading:
    line_index: int  # in the body
    level: int
    text: str


# The renderer's block rules (CommonMark, tables, footnotes) without inline parsing: finding
# headings needs only the block structure, and inline parsing (linkify above all) is most of
# the cost of a parse.
_block_parser = MarkdownIt("commonmark").enable("table").use(footnote_plugin)
_block_parser.core.ruler.disable("inline")


def _atx_headings(masked) -> list[_Heading]:
    """Top-level ATX headings; those in code, lists, quotes or HTML do not count."""
    tokens = _block_parser.parse(masked, {})
    return [
        _Heading(token.map[0], len(token.markup), tokens[index + 1].content.strip())
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and token.level == 0 and token.markup.startswith("#")
    ]


@dataclass
class _RawSection:
    heading: str
    level: int
    line: int | None
    pieces: list[str]  # the text around the blocks, stripped of blank lines: one more than blocks
    blocks: list[_RawBlock]


def parse_essay_body(body: str, *, first_line: int = 1, civicdata=None):
    """Split an essay's Markdown into (top blocks, sections); errors name file lines."""
    civicdata = civicdata or {"empty_opening": False, "sections": {}}
    lines = _Lines(body, first_line)
    blocks = _pair_tags(body, _scan_tags(lines))
    headings = _atx_headings(_masked(body, blocks))

    heading_lines = {heading.line_index for heading in headings}
    for block in blocks:
        if lines.index_of(block.start) in heading_lines:
            raise HugoError("a shortcode cannot stand on a heading's line", block.line)

    spans = [(None, 0, lines.offset(headings[0].line_index) if headings else len(body))]
    for heading, following in zip(headings, headings[1:] + [None], strict=False):
        end = lines.offset(following.line_index) if following else len(body)
        spans.append((heading, lines.offset(heading.line_index + 1), end))

    raw_sections = []
    top_blocks = []
    for heading, start, end in spans:
        inside = [block for block in blocks if start <= block.start < end]
        pieces, cursor = [], start
        for block in inside:
            pieces.append(strip_blank_lines(body[cursor : block.start]))
            cursor = block.end
        pieces.append(strip_blank_lines(body[cursor:end]))
        if heading is None:
            # Blocks before any opening text stand at the very top of the essay.
            while inside and not pieces[0]:
                top_blocks.append(inside.pop(0).to_block())
                pieces.pop(0)
            if any(pieces) or civicdata["empty_opening"]:
                raw_sections.append(_RawSection("", 2, None, pieces, inside))
            continue
        line = lines.file_line(lines.offset(heading.line_index))
        if not heading.text:
            raise HugoError("a heading with no text", line)
        raw_sections.append(_RawSection(heading.text, heading.level, line, pieces, inside))

    if civicdata["empty_opening"] and any(raw_sections[0].pieces):
        raise HugoError("'civicdata': empty_opening is set but the essay has opening text", 1)
    for position in civicdata["sections"]:
        if position > len(raw_sections):
            raise HugoError(f"'civicdata': there is no section {position}", 1)
    sections = [
        _build_section(raw, *civicdata["sections"].get(position, (None, "")))
        for position, raw in enumerate(raw_sections, start=1)
    ]
    return top_blocks, sections


def _build_section(raw: _RawSection, status, editor_note) -> Section:
    """A section from its text pieces; `status` (from civicdata) overrides what the text says.
    A block's after_paragraph counts the blocks of the section's text before it; in a
    placeholder, of its draft text (the marker is not a paragraph of the essay)."""
    pieces = list(raw.pieces)
    first_text = next((i for i, piece in enumerate(pieces) if piece), None)
    starts_with_marker = first_text is not None and pieces[first_text].startswith(MARKER)
    if status is None:
        status = PLACEHOLDER if starts_with_marker else DRAFTED
    if status == PLACEHOLDER and starts_with_marker:
        pieces[first_text] = _after_marker(pieces[first_text])
    blocks = [
        raw_block.to_block(count_blocks(_join(pieces[: index + 1])))
        for index, raw_block in enumerate(raw.blocks)
    ]
    return Section(
        heading=raw.heading,
        body=_join(pieces),
        heading_level=raw.level,
        drafting_status=status,
        editor_note=editor_note,
        blocks=blocks,
        line=raw.line,
    )


def _after_marker(text):
    """A placeholder's draft text: what follows 'Placeholder.', never thrown away."""
    first, newline, rest = text[len(MARKER) :].partition("\n")
    return strip_blank_lines(first.lstrip(" \t") + newline + rest)


def _join(pieces):
    return "\n\n".join(piece for piece in pieces if piece)


# --- Writing -----------------------------------------------------------------------------------


def serialize_essay(doc: EssayDocument) -> str:
    """The canonical Hugo file of an essay."""
    top_blocks, sections, empty_opening = _canonical_layout(doc)
    front = {"title": doc.title}
    if len(doc.authors) == 1:
        front["author"] = doc.authors[0]
    elif doc.authors:
        front["authors"] = list(doc.authors)
    front["date"] = doc.date
    front["draft"] = doc.draft
    front.update(_schedule_items(doc))
    if doc.series:
        front["series"] = doc.series
    if doc.weight is not None:
        front["weight"] = doc.weight
    if doc.summary or "description" in doc.extra:
        # An empty summary is written when there is a description, or it would become one.
        front["summary"] = doc.summary
    civicdata = _civicdata_mapping(sections, empty_opening, doc.announced, doc.status)
    if civicdata:
        front[CIVICDATA_KEY] = civicdata
    front.update(_extra_items(doc.extra, ESSAY_KEYS))

    chunks = []
    if top_blocks:
        chunks.append(_join(_shortcode(block) for block in _at_one_spot(top_blocks)))
    chunks.extend(_section_text(section) for section in sections)
    return _with_front_matter(front, doc.front_matter_format, _join(chunks))


def serialize_case_study(doc: CaseStudyDocument) -> str:
    """The canonical Hugo file of a case study."""
    front = {"title": doc.title, "date": doc.date, "draft": doc.draft, **_schedule_items(doc)}
    if doc.summary or "description" in doc.extra:
        front["summary"] = doc.summary
    if doc.stage:
        front["stage"] = doc.stage
    if doc.topics:
        front["topics"] = list(doc.topics)
    if doc.partners:
        front["partners"] = [
            {"organization": p.organization, **({"role": p.role} if p.role else {})}
            for p in doc.partners
        ]
    if doc.data_sources:
        front["data_sources"] = [
            {
                "name": source.name,
                **({"owner": source.owner} if source.owner else {}),
                **(
                    {"description": _plain(source.description)}
                    if _plain(source.description)
                    else {}
                ),
                "limitations": _plain(source.limitations),
            }
            for source in doc.data_sources
        ]
    for name in CASE_STUDY_TEXTS:
        if text := _plain(getattr(doc, name)):
            front[name] = text
    if doc.related_essays:
        front["related_essays"] = list(doc.related_essays)
    if doc.status:
        front[CIVICDATA_KEY] = {"status": doc.status}
    front.update(_extra_items(doc.extra, CASE_STUDY_KEYS))
    return _with_front_matter(front, doc.front_matter_format, clean_markdown(doc.body))


def _plain(text: str) -> str:
    """Plain text as a case study's front matter holds it: \n line ends, no blank ends."""
    return normalize_newlines(text or "").strip()


def _schedule_items(doc):
    items = {}
    if doc.publish_at is not None:
        items[PUBLISH_DATE] = doc.publish_at
    if doc.expire_at is not None:
        items[EXPIRY_DATE] = doc.expire_at
    return items


def _comparable(value):
    """A date or datetime as a UTC datetime, to compare a publishDate with an expiryDate."""
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time.min)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value


def _extra_items(extra, known_keys):
    return {key: extra[key] for key in sorted(extra) if key not in known_keys}


def _canonical_layout(doc: EssayDocument):
    """Top blocks and sections as a file can express them.

    Blocks written before an opening's text (a non-placeholder opening) read back as top
    blocks, so they are moved there. An opening with no text and no blocks is left out, unless
    it carries a status or a note; then civicdata says it is there.
    """
    top_blocks = list(doc.top_blocks)
    sections = list(doc.sections)
    empty_opening = False
    if sections and not sections[0].heading and sections[0].drafting_status != PLACEHOLDER:
        opening = sections[0]
        body = clean_markdown(opening.body)
        placed = _placed_blocks(body, opening.blocks)
        top_blocks += [block for cut, block in placed if cut == 0]
        opening = replace(opening, blocks=[block for cut, block in placed if cut > 0])
        sections[0] = opening
        if not body and not opening.blocks:
            if opening.drafting_status == DRAFTED and not opening.editor_note:
                sections.pop(0)
            else:
                empty_opening = True
    return top_blocks, sections, empty_opening


def _status_read_from_text(section: Section) -> str:
    if section.drafting_status == PLACEHOLDER:
        return PLACEHOLDER
    return PLACEHOLDER if clean_markdown(section.body).startswith(MARKER) else DRAFTED


def _civicdata_mapping(sections, empty_opening, announced, status=None):
    entries = []
    for position, section in enumerate(sections, start=1):
        entry = {}
        if section.drafting_status != _status_read_from_text(section):
            entry["drafting_status"] = section.drafting_status
        if section.editor_note:
            entry["editor_note"] = section.editor_note
        if entry:
            entries.append({"position": position, **entry})
    mapping = {}
    if status:
        mapping["status"] = status
    if announced:
        mapping["announced"] = True
    if empty_opening:
        mapping["empty_opening"] = True
    if entries:
        mapping["sections"] = entries
    return mapping


_CLOSING_SEQUENCE_LOOKALIKE = re.compile(r"(^|[ \t])#+$")


def _heading_line(section: Section) -> str:
    heading = " ".join(normalize_newlines(section.heading).split("\n")).strip()
    line = "#" * section.heading_level + " " + heading
    if _CLOSING_SEQUENCE_LOOKALIKE.search(heading):
        line += " #"  # an explicit closing sequence, so the heading's own #s are kept
    return line


def _section_text(section: Section) -> str:
    body = clean_markdown(section.body)
    placed = _placed_blocks(body, section.blocks)
    content = _content_with_blocks(body, placed)
    if section.drafting_status == PLACEHOLDER:
        if body and all(cut > 0 for cut, _block in placed):
            content[0] = f"{MARKER}\n{content[0]}"  # the draft text follows the marker's line
        else:
            content.insert(0, MARKER)
    if section.heading:
        content.insert(0, _heading_line(section))
    return _join(content)


def _placed_blocks(body: str, blocks: list[Block]) -> list[tuple[int, Block]]:
    """(line of the body the block is written before, block), in the order they are written:
    after the block's paragraph, insets before pullquotes at one spot."""
    if not blocks:
        return []
    line_count = body.count("\n") + 1 if body else 0
    ends = top_level_block_ends(body) if body else []

    def cut(block):
        after = block.after_paragraph
        if after >= len(ends):
            return line_count
        return ends[after - 1] if after else 0

    ordered = sorted(blocks, key=lambda block: (cut(block), _KIND_ORDER[block.kind]))
    return [(cut(block), block) for block in ordered]


def _content_with_blocks(body: str, placed) -> list[str]:
    """The body cut where blocks go, with the blocks' shortcodes in the cuts."""
    lines = body.split("\n") if body else []
    chunks, cursor = [], 0
    for cut, group in groupby(placed, key=lambda item: item[0]):
        chunks.append(strip_blank_lines("\n".join(lines[cursor:cut])))
        chunks.extend(_shortcode(block) for _cut, block in group)
        cursor = cut
    chunks.append(strip_blank_lines("\n".join(lines[cursor:])))
    return [chunk for chunk in chunks if chunk]


def _at_one_spot(blocks):
    return sorted(blocks, key=lambda block: _KIND_ORDER[block.kind])


def _shortcode(block: Block) -> str:
    body = clean_markdown(block.body)
    if block.kind == INSET:
        opening, closing = "{{% inset %}}", "{{% /inset %}}"
    else:
        attribution = ""
        if block.attribution:
            value = " ".join(normalize_newlines(block.attribution).split("\n"))
            value = value.replace("\\", "\\\\").replace('"', '\\"')
            attribution = f' attribution="{value}"'
        opening, closing = f"{{{{< pullquote{attribution} >}}}}", "{{< /pullquote >}}"
    return "\n".join(part for part in (opening, body, closing) if part)


def _with_front_matter(front: dict, fmt: str, body: str) -> str:
    text = front_matter_text(front, fmt)
    return f"{text}\n{body}\n" if body else text


def front_matter_text(front: dict, fmt: str) -> str:
    """Front matter with its delimiters, keys in the order given."""
    if fmt == FrontMatterFormat.TOML:
        return "+++\n" + tomli_w.dumps(_without_nulls(front)) + "+++\n"
    if fmt == FrontMatterFormat.JSON:
        return json.dumps(front, indent=2, ensure_ascii=False, default=_isoformat) + "\n"
    dumped = yaml.dump(
        front,
        Dumper=_FrontMatterDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
    )
    return f"---\n{dumped}---\n"


class _FrontMatterDumper(yaml.SafeDumper):
    """PyYAML's safe dumper, except that a string holding a character YAML reads as a line break
    (NEL, the line and paragraph separators, CR) is written double-quoted, where it is escaped:
    PyYAML would write it plain or single-quoted, where YAML folds it into a space."""


_YAML_LINE_BREAKS = re.compile("[\r\x85\u2028\u2029]")


def _represent_str(dumper, value):
    style = '"' if _YAML_LINE_BREAKS.search(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_FrontMatterDumper.add_representer(str, _represent_str)


def _isoformat(value):
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _without_nulls(value):
    """TOML has no null: keys and list items without a value are left out."""
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value if item is not None]
    return value
