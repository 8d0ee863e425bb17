"""Checks on what the English says as a whole: empty, untranslated, too short or long, looping,
and whether it says more sentences than the Chinese sentence has clauses."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from bilingual.document import Segment
from bilingual.document.characters import has_chinese

if TYPE_CHECKING:
    from bilingual.stages.qa import Context, Finding

_LOOP = re.compile(r"\b(\w+(?:\W+\w+){0,3}?)(?:\W+\1\b){3,}", re.IGNORECASE)


def empty(segment: Segment, context: Context) -> Iterator[Finding]:
    if segment.text and not (segment.english or "").strip():
        yield context.finding("the English is empty")


def untranslated(segment: Segment, context: Context) -> Iterator[Finding]:
    if has_chinese(segment.english or ""):
        yield context.finding("the English still holds Chinese characters")


def length_ratio(segment: Segment, context: Context) -> Iterator[Finding]:
    han = sum(1 for char in segment.text if has_chinese(char))
    english = len(segment.english or "")
    if han >= 8 and not 0.6 * han <= english <= 12 * han:
        yield context.finding(
            f"the English is {english} characters for {han} Chinese ones; "
            "omission or hallucination?"
        )


def repetition(segment: Segment, context: Context) -> Iterator[Finding]:
    match = _LOOP.search(segment.english or "")
    if match:
        yield context.finding(f'"{match.group(1)}" repeats: a decoding loop?')


# --- sentences ------------------------------------------------------------------------------

_CLAUSE_MARKS = re.compile(r"[，,；;：:、。！？!?…]+")
_CLOSERS = "”’\"'」』）)]】》 \t"
# A full stop, ! or ? (closing quotes and brackets after it), space, then a capital or a digit.
_ENGLISH_BREAK = re.compile(r"[.!?…]+[\"'”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st inc ltd co corp no nos vs etc e.g i.e a.m p.m u.s u.k u.n e.u "
    "jan feb mar apr jun jul aug sep sept oct nov dec approx fig vol gov rep sen gen lt col".split()
)
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _word_before(text: str, end: int) -> str:
    """The word (letters and dots, from a letter) that ``text`` has just before ``end``: read
    backwards, so each break costs the word, not the text before it."""
    start = end
    while start > 0 and (text[start - 1] in _LETTERS or text[start - 1] == "."):
        start -= 1
    while start < end and text[start] == ".":
        start += 1
    return text[start:end]


def english_sentences(text: str) -> int:
    """The sentences of an English text; abbreviations (U.S., Dr.) and initials do not end one."""
    count = 1
    for match in _ENGLISH_BREAK.finditer(text):
        if match.group()[0] == ".":
            token = _word_before(text, match.start()).lower()
            if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                continue
        count += 1
    return count


def chinese_clauses(text: str) -> int:
    """The pieces between any of the Chinese's clause and sentence marks (，；：、。！？)."""
    return sum(1 for piece in _CLAUSE_MARKS.split(text) if piece.strip(_CLOSERS))


def sentence_count(segment: Segment, context: Context) -> Iterator[Finding]:
    """More English sentences than the Chinese has clauses: a segment is one Chinese sentence
    (segmentation made it so), which the English may split at a comma, but not further."""
    english = (segment.english or "").strip()
    if not english or not has_chinese(segment.text):
        return
    found = english_sentences(english)
    clauses = max(1, chinese_clauses(segment.text))
    if found > clauses:
        yield context.finding(
            f"the English has {found} sentences for 1 in the Chinese "
            f"({clauses} clause{'s' * (clauses > 1)}): something added?"
        )
