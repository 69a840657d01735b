"""Editorial checks: the mistakes that slip into long texts, found when an item is saved.

Each check is a plain function over Markdown text; `essays.services.check_item` runs them over an
essay's or case study's parts and stores what they find as `Finding` rows.
"""

import difflib
import hashlib
import re
from dataclasses import dataclass

from civicdata.markdown import parse_tokens

# A passage of this many words or more standing twice in one section is a repetition, not style.
REPEATED_PASSAGE_MIN_WORDS = 8
LONG_PARAGRAPH_WORDS = 250

_WORD = re.compile(r"[\w’']+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Finding:
    kind: str
    message: str
    excerpt: str = ""
    suggestion: str = ""
    section: object = None  # essays.models.Section, or None for the item as a whole

    @property
    def fingerprint(self) -> str:
        """Stable while the text involved is unchanged: an acceptance keys on it."""
        where = self.section.position if self.section is not None else 0
        return hashlib.sha256(f"{self.kind}|{where}|{self.excerpt}".encode()).hexdigest()


def _words_with_spans(text):
    return [(m.group(0).lower(), m.start(), m.end()) for m in _WORD.finditer(text)]


def repeated_passages(text: str, min_words: int = REPEATED_PASSAGE_MIN_WORDS) -> list[str]:
    """Passages of at least `min_words` words that stand twice in `text`, longest first.

    Compares words, not sentences, so a repetition is found even where a full stop is missing
    between the two copies.
    """
    words = _words_with_spans(text)
    tokens = [w for w, _, _ in words]
    first_seen: dict[tuple, int] = {}
    found, covered_until = [], -1
    for start in range(len(tokens) - min_words + 1):
        gram = tuple(tokens[start : start + min_words])
        if gram not in first_seen:
            first_seen[gram] = start
            continue
        if start <= covered_until:
            continue
        earlier = first_seen[gram]
        length = min_words
        while (
            start + length < len(tokens)
            and earlier + length < start
            and tokens[earlier + length] == tokens[start + length]
        ):
            length += 1
        covered_until = start + length - 1
        found.append(text[words[start][1] : words[start + length - 1][2]])
    return sorted(found, key=len, reverse=True)


def _normalized_words(text):
    return " ".join(w for w, _, _ in _words_with_spans(text))


def quote_stands_in(quote: str, text: str) -> bool:
    """True when the quotation's words stand, in order and together, in the text."""
    needle = _normalized_words(quote)
    return bool(needle) and needle in _normalized_words(text)


def nearest_sentence(quote: str, text: str) -> str:
    """The sentence (or run of two) of `text` closest to `quote`, to show beside a misquote."""
    sentences = [s.strip() for s in _SENTENCE_END.split(_plain_text(text)) if s.strip()]
    candidates = sentences + [f"{a} {b}" for a, b in zip(sentences, sentences[1:], strict=False)]
    target = _normalized_words(quote)
    best, best_ratio = "", 0.0
    for candidate in candidates:
        ratio = difflib.SequenceMatcher(None, target, _normalized_words(candidate)).ratio()
        if ratio > best_ratio:
            best, best_ratio = candidate, ratio
    return best


def _plain_text(markdown_text):
    parts = []
    for token in parse_tokens(markdown_text):
        if token.type == "inline":
            parts.append("".join(c.content for c in token.children or () if c.type == "text"))
    return "\n".join(parts)


def images_without_alt(text: str) -> list[str]:
    """The addresses of Markdown images that have no alt text."""
    missing = []
    for token in parse_tokens(text):
        for child in token.children or ():
            if child.type == "image" and not child.content.strip():
                missing.append(str(child.attrGet("src") or ""))
    return missing


def long_paragraphs(text: str, limit: int = LONG_PARAGRAPH_WORDS) -> list[str]:
    """Opening words of each paragraph longer than `limit` words."""
    found = []
    tokens = parse_tokens(text)
    for opening, inline in zip(tokens, tokens[1:], strict=False):
        if opening.type == "paragraph_open" and inline.type == "inline":
            words = inline.content.split()
            if len(words) > limit:
                found.append(" ".join(words[:12]) + " …")
    return found


def heading_levels_in(text: str) -> list[tuple[int, str]]:
    """(level, heading text) of each heading inside a Markdown body."""
    tokens = parse_tokens(text)
    return [
        (int(opening.tag[1]), inline.content)
        for opening, inline in zip(tokens, tokens[1:], strict=False)
        if opening.type == "heading_open"
    ]


def skipped_heading_levels(headings: list[tuple[int, str]]) -> list[tuple[int, int, str]]:
    """(previous level, level, heading) wherever a heading is more than one level below the last."""
    skips, previous = [], None
    for level, heading in headings:
        if previous is not None and level > previous + 1:
            skips.append((previous, level, heading))
        previous = level
    return skips
