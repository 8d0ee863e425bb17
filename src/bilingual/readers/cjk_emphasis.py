"""CJK-friendly emphasis for markdown-it-py: ``**导语：**随着`` is bold.

CommonMark's flanking rules treat full-width punctuation like ASCII punctuation, so a ``**``
between ``：`` and ``随`` can neither open nor close, and the asterisks show. This follows the
"CommonMark CJK-friendly amendments" (github.com/tats-u/markdown-cjk-friendly, the rule
markdown-it's ``markdown-it-cjk-friendly`` plugin implements): CJK punctuation no longer blocks a
delimiter run, and a CJK character beside one counts like punctuation. Text without CJK
characters parses exactly as CommonMark says. It applies to ``*``, ``_`` and ``~~``.

Why not the ``mdit-py-cjk-friendly`` package: it requires markdown-it-py < 4 (installing it
downgrades the markdown-it-py this project runs on) and patches markdown-it-py's ``StateInline``
class for every parser in the process when imported. This plugin is local to the parser it is
used on: it wraps the emphasis and strikethrough rules and gives their state its own scanner.
"""

from __future__ import annotations

import unicodedata
from types import MethodType
from typing import Any

_VARIATION = range(0xFE00, 0xFE0F)  # general-use selectors (U+FE0F is the emoji one)
_IDEOGRAPHIC_VARIATION = range(0xE0100, 0xE01F0)
_EMOJI = (range(0x1F000, 0x1FB00), range(0x2600, 0x2800))  # pictographs: W but not CJK


def is_cjk(char: str) -> bool:
    """A CJK character: East Asian width W, F or H (emoji aside), or Hangul."""
    if not char:
        return False
    code = ord(char)
    if any(code in block for block in _EMOJI):
        return False
    if unicodedata.east_asian_width(char) in ("W", "F", "H"):
        return True
    return 0x1100 <= code <= 0x11FF or 0xAC00 <= code <= 0xD7AF or 0x3130 <= code <= 0x318F


def is_punctuation(char: str) -> bool:
    """A Unicode punctuation character (CommonMark 0.31: categories P and S)."""
    return bool(char) and unicodedata.category(char)[0] in "PS"


def _whitespace(char: str) -> bool:
    return char in " \t\n\r\f" or unicodedata.category(char) == "Zs"


def _previous(src: str, start: int) -> tuple[str, bool]:
    """The character before ``start`` and whether it is an ideographic variation selector; a
    general-use variation selector is skipped to the character it varies."""
    char = src[start - 1] if start > 0 else " "
    if ord(char) in _VARIATION and start > 1:
        char = src[start - 2]
    return char, ord(char) in _IDEOGRAPHIC_VARIATION


def scan_delims(state: Any, start: int, can_split_word: bool) -> Any:
    """``StateInline.scanDelims`` by the CJK-friendly flanking rules."""
    scanned = type(state).scanDelims(state, start, can_split_word)
    src, maximum = state.src, state.posMax
    pos = start
    while pos < maximum and src[pos] == src[start]:
        pos += 1
    last, last_ivs = _previous(src, start)
    following = src[pos] if pos < maximum else " "
    if not (is_cjk(last) or is_cjk(following) or last_ivs):
        return scanned  # no CJK beside the run: CommonMark's own answer
    last_space, next_space = _whitespace(last), _whitespace(following)
    last_punct, next_punct = is_punctuation(last), is_punctuation(following)
    last_other_punct = last_punct and not is_cjk(last)  # a non-CJK punctuation character
    next_other_punct = next_punct and not is_cjk(following)
    left = not next_space and (
        not next_other_punct or last_space or last_other_punct or is_cjk(last) or last_ivs
    )
    right = not last_space and (
        not last_other_punct or next_space or next_other_punct or is_cjk(following)
    )
    can_open = left and (can_split_word or not right or last_punct)
    can_close = right and (can_split_word or not left or next_punct)
    return type(scanned)(can_open, can_close, scanned.length)


def _wrapped(rule: Any) -> Any:
    def tokenize(state: Any, silent: bool) -> bool:
        state.scanDelims = MethodType(scan_delims, state)  # this state only
        return rule(state, silent)

    return tokenize


def cjk_emphasis(md: Any) -> None:
    """markdown-it-py plugin: ``MarkdownIt(...).use(cjk_emphasis)``."""
    from markdown_it.rules_inline import emphasis, strikethrough

    md.inline.ruler.at("emphasis", _wrapped(emphasis.tokenize))
    if "strikethrough" in [rule.name for rule in md.inline.ruler.__rules__]:
        md.inline.ruler.at("strikethrough", _wrapped(strikethrough.tokenize))
