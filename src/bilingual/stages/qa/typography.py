"""Typography of the English: end punctuation, Chinese marks left in it, unpaired quotes and
brackets, doubled words and spaces. Each compares with the Chinese: a mark or a doubling that
the Chinese itself has (a quotation spanning two segments, a copied Latin name) is expected in
the English too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from bilingual.document import Segment
from bilingual.document.characters import has_chinese

if TYPE_CHECKING:
    from bilingual.stages.qa import Context, Finding

_CLOSERS = "”’\"'」』）)]】》〉 \t"
_CHINESE_ENDS = "。！？!?.…：:；;"
_ENGLISH_ENDS = ".!?…:;"


def end_punctuation(segment: Segment, context: Context) -> Iterator[Finding]:
    chinese = segment.text.rstrip(_CLOSERS)
    english = (segment.english or "").strip().rstrip(_CLOSERS)
    if chinese and english and chinese[-1] in _CHINESE_ENDS and english[-1] not in _ENGLISH_ENDS:
        mark = "……" if chinese.endswith("……") else chinese[-1]
        yield context.finding(
            f'the Chinese ends with "{mark}" but the English has no end punctuation'
        )


# Full-width forms, CJK punctuation (、。「」【】《》 and the ideographic space), the Chinese dash
# and ellipsis. Curly quotes and the single … are English too.
_CHINESE_MARKS = re.compile(r"[\u3000-\u303f\uff01-\uff60\uffe0-\uffee]|——|……")


def fullwidth(segment: Segment, context: Context) -> Iterator[Finding]:
    english = segment.english or ""
    if has_chinese(english):
        return  # untranslated text: the untranslated check says so
    marks = list(dict.fromkeys(m.group() for m in _CHINESE_MARKS.finditer(english)))
    if marks:
        shown = " ".join(mark.replace("\u3000", "(ideographic space)") for mark in marks)
        yield context.finding(f"Chinese punctuation in the English: {shown}")


_QUOTES_OPEN, _QUOTES_CLOSE = "“「『", "”」』"
_BRACKETS = (("(", ")", "（", "）"), ("[", "]", "【", "】"))


def _quotes_paired(text: str) -> bool:
    opened = sum(text.count(c) for c in _QUOTES_OPEN)
    closed = sum(text.count(c) for c in _QUOTES_CLOSE)
    return opened == closed and text.count('"') % 2 == 0


def _depths(text: str, opening: str, closing: str) -> tuple[int, int]:
    """(opened minus closed, the lowest depth reached: below 0 when one closes too early)."""
    depth = lowest = 0
    for char in text:
        if char in opening:
            depth += 1
        elif char in closing:
            depth -= 1
            lowest = min(lowest, depth)
    return depth, lowest


def unbalanced(segment: Segment, context: Context) -> Iterator[Finding]:
    chinese, english = segment.text, segment.english or ""
    english_paired, chinese_paired = _quotes_paired(english), _quotes_paired(chinese)
    if not english_paired and chinese_paired:
        yield context.finding("an unpaired quotation mark in the English")
    elif english_paired and not chinese_paired:
        yield context.finding(
            "the Chinese opens or closes a quotation that spans segments; the English does not"
        )
    for left, right, wide_left, wide_right in _BRACKETS:
        source = _depths(chinese, left + wide_left, right + wide_right)
        target = _depths(english, left + wide_left, right + wide_right)
        if target[0] != source[0] or (target[1] < 0 <= source[1]):
            opened = english.count(left) + english.count(wide_left)
            closed = english.count(right) + english.count(wide_right)
            yield context.finding(
                f'unbalanced "{left}{right}" in the English: {opened} opened, {closed} closed'
            )


_DOUBLED = re.compile(r"\b([A-Za-z]+)\s+\1\b", re.IGNORECASE)
_GRAMMATICAL = {"had", "that"}  # "he had had enough", "she said that that was it"


def doubled_word(segment: Segment, context: Context) -> Iterator[Finding]:
    source = segment.text.lower()
    in_source: dict[str, bool] = {}  # each doubling looked for in the Chinese once
    for match in _DOUBLED.finditer(segment.english or ""):
        doubled = match.group()
        first, second = doubled.split()
        if first.lower() in _GRAMMATICAL or (first[0].isupper() and second[0].isupper()):
            continue  # grammar (had had), or a name: Lang Lang, Bora Bora
        key = doubled.lower()
        if key not in in_source:
            in_source[key] = key in source
        if not in_source[key]:
            yield context.finding(f'doubled word: "{doubled}"')


# A word (a whole run of non-space: tried inside one, the pattern would read the rest of the run
# again at every character), two spaces or more, and another word.
_SPACES = re.compile(r"(?<!\S)(\S+)[ \u00a0]{2,}(?=\S)")


def double_space(segment: Segment, context: Context) -> Iterator[Finding]:
    english = (segment.english or "").strip()
    spaces = list(_SPACES.finditer(english))
    if len(spaces) > len(_SPACES.findall(segment.text.strip())):
        word = spaces[0].group(1)
        yield context.finding(f'double space in the English after "{word}"')
