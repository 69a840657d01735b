"""Editorial checks: the mistakes that slip into long texts, found when an item is saved.

Each check is a plain function over Markdown: the text, or its tokens when the caller parsed it
already (civicdata.markdown.ParsedMarkdown, before rendering it). `essays.services` runs them over
an essay's or case study's parts and stores what they find as `Finding` rows.
"""

import difflib
import hashlib
import re
from collections import Counter
from dataclasses import dataclass

from civicdata.markdown import ParsedMarkdown, parse_tokens

# A passage of this many words or more standing twice in one section is a repetition, not style.
REPEATED_PASSAGE_MIN_WORDS = 8
LONG_PARAGRAPH_WORDS = 250

# Letters, digits and apostrophes: not `_`, which Markdown uses for emphasis (`_policy_` is
# the word "policy").
_WORD = re.compile(r"(?:[^\W_]|[’'])+")
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


def repeated_passages(text: str, min_words: int = REPEATED_PASSAGE_MIN_WORDS) -> list[str]:
    """Passages of at least `min_words` words that stand twice in `text`, longest first.

    Compares words, not sentences, so a repetition is found even where a full stop is missing
    between the two copies.
    """
    tokens = [word.lower() for word in _WORD.findall(text)]
    spans = None  # where each word stands, found only once a passage is
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
        spans = spans or [match.span() for match in _WORD.finditer(text)]
        found.append(text[spans[start][0] : spans[start + length - 1][1]])
    return sorted(found, key=len, reverse=True)


def _normalized_words(text):
    return " ".join(word.lower() for word in _WORD.findall(text))


def quote_stands_in(quote: str, text: str) -> bool:
    """True when the quotation's words stand, in order and together, in the text."""
    return QuotedText(text).stands_in(quote)


def nearest_sentence(quote: str, text: str) -> str:
    """The sentence (or run of two) of `text` closest to `quote`, to show beside a misquote."""
    return QuotedText(text).nearest_sentence(quote)


class QuotedText:
    """A text prepared once for checking several quotations against it: its words, and (when a
    quotation is not found) its sentences and runs of two with their words."""

    def __init__(self, text: str):
        self.text = text
        self.words = _normalized_words(text)
        self._candidates = None

    def stands_in(self, quote: str) -> bool:
        needle = _normalized_words(quote)
        return bool(needle) and needle in self.words

    def nearest_sentence(self, quote: str) -> str:
        """The first candidate with the highest difflib ratio to the quotation's words.

        difflib's exact ratio is costly; it is computed only for candidates that its two upper
        bounds (from the lengths alone, then from the letters in common) say can still win.
        """
        target = _normalized_words(quote)
        target_letters = Counter(target)
        candidates = self._sentence_candidates()
        by_length_bound = sorted(
            (-_ratio(min(len(target), len(words)), len(target) + len(words)), index)
            for index, (_, words) in enumerate(candidates)
        )
        matcher = difflib.SequenceMatcher(None, target)
        best, best_ratio, best_index = "", 0.0, None

        def can_win(bound, index):
            return bound > best_ratio or (bound == best_ratio and index < best_index)

        for negative_bound, index in by_length_bound:
            length_bound = -negative_bound
            if length_bound < best_ratio or length_bound == 0:
                break  # sorted by this bound: nothing further can do better
            candidate, words = candidates[index]
            if best_index is not None:
                if not can_win(length_bound, index):
                    continue
                common = _common(target_letters, self._letters(index))
                if not can_win(_ratio(common, len(target) + len(words)), index):
                    continue
            matcher.set_seq2(words)
            ratio = matcher.ratio()
            if ratio > best_ratio or (best_index is not None and can_win(ratio, index)):
                best, best_ratio, best_index = candidate, ratio, index
        return best

    def _sentence_candidates(self):
        if self._candidates is None:
            sentences = [
                s.strip() for s in _SENTENCE_END.split(_plain_text(self.text)) if s.strip()
            ]
            words = [_normalized_words(sentence) for sentence in sentences]
            candidates = list(zip(sentences, words, strict=True))
            candidates += [
                (f"{a} {b}", " ".join(w for w in (words_a, words_b) if w))
                for (a, words_a), (b, words_b) in zip(candidates, candidates[1:], strict=False)
            ]
            self._candidates = candidates
            self._letter_counts = {}
        return self._candidates

    def _letters(self, index):
        if index not in self._letter_counts:
            self._letter_counts[index] = Counter(self._candidates[index][1])
        return self._letter_counts[index]


def _common(letters, other_letters) -> int:
    return sum(min(count, other_letters[letter]) for letter, count in letters.items())


def _ratio(matches, length) -> float:
    # difflib's own formula, so a bound equal to a ratio compares equal.
    return 2.0 * matches / length if length else 1.0


def _plain_text(markdown_text):
    parts = []
    # A whole essay's text, read once: not kept among the recently parsed texts.
    for token in ParsedMarkdown(markdown_text).tokens:
        if token.type == "inline":
            parts.append("".join(c.content for c in token.children or () if c.type == "text"))
    return "\n".join(parts)


def _tokens(markdown):
    """The tokens of Markdown given as its tokens, or as text (parsed, or kept from a recent
    parse)."""
    return markdown if isinstance(markdown, list) else parse_tokens(markdown)


def images_without_alt(markdown) -> list[str]:
    """The addresses of Markdown images that have no alt text."""
    missing = []
    for token in _tokens(markdown):
        for child in token.children or ():
            if child.type == "image" and not child.content.strip():
                missing.append(str(child.attrGet("src") or ""))
    return missing


def long_paragraphs(markdown, limit: int = LONG_PARAGRAPH_WORDS) -> list[str]:
    """Opening words of each paragraph longer than `limit` words."""
    found = []
    tokens = _tokens(markdown)
    for opening, inline in zip(tokens, tokens[1:], strict=False):
        if opening.type == "paragraph_open" and inline.type == "inline":
            words = inline.content.split()
            if len(words) > limit:
                found.append(" ".join(words[:12]) + " …")
    return found


def heading_levels_in(markdown) -> list[tuple[int, str]]:
    """(level, heading text) of each heading inside a Markdown body."""
    tokens = _tokens(markdown)
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
