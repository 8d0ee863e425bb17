"""QA stage: the pipeline checks its own work and flags what a reviewer should look at.

Checks are small named functions over one segment; each returns flags. Warnings mark the row
"needs review"; infos (e.g. a corrected OCR variant) are listed but need no action.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from bilingual.document import Document, Flag, Paragraph, Segment, Severity
from bilingual.glossary import missing_terms
from bilingual.translate import has_chinese

_NUMBER = re.compile(r"\d+(?:\.\d+)?(?![\d.]*\s*月)")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LOOP = re.compile(r"\b(\w+(?:\W+\w+){0,3}?)(?:\W+\1\b){3,}", re.IGNORECASE)


def check_terms(segment: Segment) -> list[Flag]:
    return [
        Flag("term-missing", f'glossary: {hit.zh} should read "{hit.en}" but the English lacks it')
        for hit in missing_terms(segment.english or "", segment.terms)
    ]


def check_empty(segment: Segment) -> list[Flag]:
    if segment.text and not (segment.english or "").strip():
        return [Flag("empty-translation", "the English is empty")]
    return []


def check_untranslated(segment: Segment) -> list[Flag]:
    if has_chinese(segment.english or ""):
        return [Flag("untranslated", "the English still holds Chinese characters")]
    return []


def check_numbers(segment: Segment) -> list[Flag]:
    english = segment.english or ""
    missing = [
        n
        for n in dict.fromkeys(_NUMBER.findall(segment.text))
        if not re.search(rf"(?<![\d.]){re.escape(n)}(?![\d])", english)
    ]
    if missing:
        return [Flag("number-mismatch", f"numbers not in the English: {', '.join(missing)}")]
    return []


def check_length(segment: Segment) -> list[Flag]:
    han = len(_HAN.findall(segment.text))
    english = len(segment.english or "")
    if han >= 8 and not 0.6 * han <= english <= 12 * han:
        return [
            Flag(
                "length-ratio",
                f"the English is {english} characters for {han} Chinese ones; omission or "
                "hallucination?",
            )
        ]
    return []


def check_repetition(segment: Segment) -> list[Flag]:
    match = _LOOP.search(segment.english or "")
    if match:
        return [Flag("repetition", f'"{match.group(1)}" repeats: a decoding loop?')]
    return []


CHECKS: tuple[Callable[[Segment], list[Flag]], ...] = (
    check_empty,
    check_untranslated,
    check_terms,
    check_numbers,
    check_length,
    check_repetition,
)


def _variant_flags(paragraph: Paragraph, segment: Segment) -> list[Flag]:
    end = segment.start + len(segment.source)
    return [
        Flag(
            "variant-replaced",
            f'source had "{r.variant}", read as the term "{r.term}"',
            Severity.INFO,
        )
        for r in paragraph.replacements
        if segment.start <= r.start < end
    ]


def check_document(document: Document) -> Document:
    """The QA stage: every segment gets its flags."""
    paragraphs = []
    for paragraph in document.paragraphs:
        segments = []
        for segment in paragraph.segments:
            flags = _variant_flags(paragraph, segment)
            if segment.english is not None:
                for check in CHECKS:
                    flags.extend(check(segment))
            segments.append(replace(segment, flags=tuple(flags)))
        paragraphs.append(replace(paragraph, segments=tuple(segments)))
    return replace(document, paragraphs=tuple(paragraphs))
