"""The one Markdown renderer: CommonMark (as Hugo's Goldmark is) plus the GitHub-flavoured
extensions Hugo enables, then an allow-list sanitizer.

Every piece of Markdown a reader or the admin preview sees goes through `render`. Internal links
(`other-essay.md`, `/portfolio/<slug>/`) are rewritten by a resolver; a link whose target is
missing or unpublished becomes plain text and is reported back, never a dead link.
"""

import functools
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

import nh3
from linkify_it import LinkifyIt
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from civicdata.links import InternalTarget, parse_internal_href

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "section", "small", "span", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "li": {"id"},
    "ol": {"start"},
    "sup": {"id"},
    "table": {"tabindex"},
    "th": {"scope"},
}
ALLOWED_CLASSES = {
    "a": {"footnote-backref"},
    "hr": {"footnotes-sep"},
    "li": {"footnote-item"},
    "ol": {"footnotes-list"},
    "section": {"footnotes"},
    "sup": {"footnote-ref"},
    "td": {"align-left", "align-center", "align-right"},
    "th": {"align-left", "align-center", "align-right"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_TEXT_ALIGN = re.compile(r"text-align:\s*(left|center|right)")
_WORD = re.compile(r"\w+(?:['’]\w+)*")


@dataclass(frozen=True)
class LinkReport:
    """An internal link found while rendering, and whether it resolved for readers."""

    target: InternalTarget
    text: str
    resolved: bool


@dataclass
class RenderedMarkdown:
    blocks: list[str]  # sanitized HTML of each top-level block, in order
    footnotes: str = ""  # sanitized HTML of the footnotes, if any
    links: list[LinkReport] = field(default_factory=list)

    @property
    def html(self) -> str:
        return "".join(self.blocks) + self.footnotes


LinkResolver = Callable[[InternalTarget], str | None]
ImageResolver = Callable[[str], "ResponsiveImage | None"]  # noqa: F821 (civicdata.renditions)


def uploaded_image(src: str):
    """The default image resolver: an image uploaded into Markdown, with its responsive
    renditions (civicdata.renditions); None for an image from elsewhere, left as it is."""
    from civicdata.renditions import responsive_image_for

    return responsive_image_for(src)


class _GfmLinkify(LinkifyIt):
    """Bare-URL autolinks as GitHub-flavoured Markdown, and so Hugo, makes them: http(s)://,
    www. and e-mail addresses. A bare name with a dot (`other-essay.md`, `example.com`) stays
    text rather than becoming a link to a made-up domain, and ftp:// or //host text stays text
    rather than becoming a link the sanitizer would empty."""

    def __init__(self):
        super().__init__()
        self.add("ftp:", None).add("//", None)

    def pretest(self, text):
        # Every link kept by match() has a scheme ("https:", "mailto:"), an "@" or "www.":
        # text with none of them skips linkify-it's costly search for bare domain names.
        return (":" in text or "@" in text or "www." in text.lower()) and super().pretest(text)

    def match(self, text):
        found = [
            link
            for link in super().match(text) or ()
            if link.schema or link.raw.lower().startswith("www.")
        ]
        return found or None


def _build_parser():
    parser = MarkdownIt("commonmark", {"linkify": True, "typographer": False})
    parser.linkify = _GfmLinkify()
    parser.enable(["table", "strikethrough", "linkify"])
    parser.use(footnote_plugin)
    return parser


_parser = _build_parser()
# The same block rules without inline parsing (linkify above all, most of a parse's cost), for
# what needs only the block structure.
_block_parser = _build_parser()
_block_parser.core.ruler.disable(["inline", "linkify"])


def _rewrite_links(tokens, resolve: LinkResolver | None, links: list[LinkReport]):
    for token in tokens:
        if token.type == "table_open":
            # A wide table scrolls sideways in its own box (site.css): keyboard users scroll it
            # once it has the focus.
            token.attrSet("tabindex", "0")
        if token.type in {"th_open", "td_open"}:
            style = token.attrGet("style") or ""
            token.attrs.pop("style", None)
            if match := _TEXT_ALIGN.search(str(style)):
                token.attrSet("class", f"align-{match.group(1)}")
            if token.type == "th_open":
                token.attrSet("scope", "col")
        if token.type != "inline" or not token.children:
            continue
        children = token.children
        kept = []
        dropping = []  # a stack: True where the open link at that depth is being dropped
        for index, child in enumerate(children):
            if child.type == "link_open":
                target = parse_internal_href(child.attrGet("href") or "")
                drop = False
                if target is not None and resolve is not None:
                    url = resolve(target)
                    text = _link_text(children, index)
                    links.append(LinkReport(target=target, text=text, resolved=url is not None))
                    if url is None:
                        drop = True
                    else:
                        child.attrSet("href", url + target.fragment)
                dropping.append(drop)
                if drop:
                    continue
            elif child.type == "link_close":
                if dropping and dropping.pop():
                    continue
            kept.append(child)
        token.children = kept


def _responsive_images(tokens, resolve_image: ImageResolver) -> dict[str, str]:
    """Each image the resolver knows becomes its <picture>: renditions in srcset, width and
    height (no layout shift), loading="lazy" (images in a text are below its top).

    The sanitizer drops srcset and <picture> from what authors write, so the token becomes a
    placeholder, unguessable and left alone by the sanitizer, and the <picture> (built and
    escaped by civicdata.renditions, never from author HTML) replaces it after sanitizing.
    Returns {placeholder: html}.
    """
    pictures = {}
    nonce = secrets.token_hex(8)
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        for index, child in enumerate(token.children):
            if child.type != "image":
                continue
            image = resolve_image(child.attrGet("src") or "")
            if image is None:
                continue
            alt = _parser.renderer.renderInlineAsText(child.children or [], _parser.options, {})
            placeholder = Token("text", "", 0)
            placeholder.content = f"\ue000{nonce}-{len(pictures)}\ue001"
            pictures[placeholder.content] = image.html(alt=alt, title=child.attrGet("title") or "")
            token.children[index] = placeholder
    return pictures


def _put_pictures(html: str, pictures: dict[str, str]) -> str:
    for placeholder, picture in pictures.items():
        html = html.replace(placeholder, picture)
    return html


def _link_text(children, open_index):
    """The words of a link as a reader sees them: line breaks are spaces, tags are not words."""
    depth, parts = 0, []
    for child in children[open_index:]:
        if child.type == "link_open":
            depth += 1
        elif child.type == "link_close":
            depth -= 1
            if depth == 0:
                break
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
        elif child.type != "html_inline" and child.content:
            parts.append(child.content)
    return " ".join("".join(parts).split())


def sanitize_html(html: str) -> str:
    """Keep only the allow-listed tags, attributes, classes and URL schemes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        # "*": nothing, or nh3 would also keep its default `title` and `lang` on every tag.
        attributes={"*": set(), **ALLOWED_ATTRIBUTES},
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


class ParsedMarkdown:
    """A text parsed once, for everything that reads it: its internal links and its structure
    (the editorial checks) first, then its rendering, which changes the tokens and so comes
    last and happens once."""

    def __init__(self, text: str):
        self.env = {}  # what the parse gathers for rendering (footnotes)
        self.tokens = _parser.parse(text or "", self.env)

    def internal_targets(self) -> set[InternalTarget]:
        return _internal_targets(self.tokens)

    def asks_the_site(self) -> bool:
        """Whether rendering asks the resolvers anything (an internal link, an image): if
        not, the HTML is the same whatever the site holds."""
        return any(
            child.type == "image"
            or (
                child.type == "link_open"
                and parse_internal_href(child.attrGet("href") or "") is not None
            )
            for token in self.tokens
            for child in token.children or ()
        )

    def has_footnotes(self) -> bool:
        """Whether the text has footnotes: their anchors are named after `footnote_prefix`."""
        return any(
            token.type.startswith("footnote")
            or any(child.type.startswith("footnote") for child in token.children or ())
            for token in self.tokens
        )

    def render(
        self,
        *,
        resolve_link: LinkResolver | None = None,
        footnote_prefix: str | None = None,
        resolve_image: ImageResolver | None = uploaded_image,
    ) -> RenderedMarkdown:
        """As `render` does, once: rendering changes the tokens, and lets them go."""
        tokens, env = self.tokens, self.env
        if tokens is None:
            raise RuntimeError("a parsed text is rendered once: rendering changes its tokens")
        self.tokens = None
        if footnote_prefix:
            env["docId"] = footnote_prefix  # read by the footnotes' renderer only
        links: list[LinkReport] = []
        _rewrite_links(tokens, resolve_link, links)
        pictures = _responsive_images(tokens, resolve_image) if resolve_image is not None else {}
        result = RenderedMarkdown(blocks=[], links=links)
        for start, end, is_footnotes in _top_level_chunks(tokens):
            html = sanitize_html(_parser.renderer.render(tokens[start:end], _parser.options, env))
            if pictures:
                html = _put_pictures(html, pictures)
            if is_footnotes:
                result.footnotes += html
            else:
                result.blocks.append(html)
        return result


def render(
    text: str,
    *,
    resolve_link: LinkResolver | None = None,
    footnote_prefix: str | None = None,
    resolve_image: ImageResolver | None = uploaded_image,
) -> RenderedMarkdown:
    """Render author Markdown to sanitized HTML, resolving internal links with `resolve_link`
    and serving images `resolve_image` knows (by default, uploads) with their renditions."""
    return ParsedMarkdown(text).render(
        resolve_link=resolve_link, footnote_prefix=footnote_prefix, resolve_image=resolve_image
    )


def _top_level_chunks(tokens):
    """(start, end, is_footnotes) index ranges of each top-level block in a token stream."""
    start = 0
    for index, token in enumerate(tokens):
        if token.type == "footnote_block_open":
            # The footnote plugin appends all definitions at the end, with levels of its own.
            yield index, len(tokens), True
            return
        if token.level == 0 and token.nesting != 1:
            yield start, index + 1, False
            start = index + 1


def render_markdown(text: str) -> str:
    """django-markdownx's MARKDOWNX_MARKDOWNIFY_FUNCTION: the preview shows what readers get."""
    from civicdata.links import resolve_for_readers

    return render(text, resolve_link=resolve_for_readers).html


@functools.lru_cache(maxsize=64)
def parse_tokens(text: str):
    """The block token stream of `text`, for checks that read Markdown's structure.

    Several readers (link targets, editorial checks) read each text in turn, so the last texts'
    tokens are kept: read them, never change them.
    """
    return _parser.parse(text or "", {})


def count_words(text: str) -> int:
    return len(_WORD.findall(text or ""))


def top_level_block_ends(text: str) -> list[int]:
    """Line numbers (0-based, exclusive) where each top-level Markdown block of `text` ends.

    These are the "paragraphs" that insets and pullquotes are placed after; the count matches
    the blocks `render` returns for the same text.
    """
    tokens = _block_parser.parse(text or "", {})
    return [
        tokens[start].map[1]
        for start, _end, is_footnotes in _top_level_chunks(tokens)
        if not is_footnotes
    ]


def internal_targets(text: str) -> set[InternalTarget]:
    """Every internal link target in `text`, so a whole essay's links resolve in one query."""
    return _internal_targets(parse_tokens(text))


def _internal_targets(tokens) -> set[InternalTarget]:
    found = set()
    for token in tokens:
        for child in token.children or ():
            if child.type == "link_open":
                target = parse_internal_href(child.attrGet("href") or "")
                if target is not None:
                    found.add(target)
    return found
