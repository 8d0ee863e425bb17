"""Traditional stage: Simplified to Traditional Chinese with the official OpenCC.

Glossary terms are converted on their own: a hit's ``zh_hant`` (or OpenCC of the term) is
inserted as is, and OpenCC converts only the text between hits, so its phrase matching never
runs across a term's edges (s2twp alone turns 巨大冲击力 into 巨大沖擊力, matching 大沖).
Each hit keeps its Traditional form, so the zh-Hant edition's notes name the term as it reads.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from bilingual.document import Document, Segment, TermHit

CONFIGS = {
    "s2twp": "Taiwan standard, with Taiwanese phrases (default)",
    "s2tw": "Taiwan standard characters",
    "s2hk": "Hong Kong standard",
    "s2t": "OpenCC standard Traditional",
}
LANGUAGE_TAGS = {"s2twp": "zh-TW", "s2tw": "zh-TW", "s2hk": "zh-HK", "s2t": "zh-TW"}


@cache
def converter(config: str):
    import opencc

    if config not in CONFIGS:
        raise ValueError(f"unknown OpenCC configuration {config!r}")
    return opencc.OpenCC(f"{config}.json")


def term_form(hit: TermHit, config: str) -> str:
    """A term as the Traditional edition writes it: its ``zh_hant``, else OpenCC of ``zh``."""
    return hit.zh_hant or converter(config).convert(hit.zh)


def to_traditional(segment: Segment, config: str) -> str:
    convert = converter(config).convert
    pieces, last = [], 0
    for hit in segment.terms:
        pieces.append(convert(segment.source[last : hit.start]) if hit.start > last else "")
        pieces.append(term_form(hit, config))
        last = hit.end
    pieces.append(convert(segment.source[last:]) if last < len(segment.source) else "")
    return "".join(pieces)


def convert_segment(segment: Segment, config: str) -> Segment:
    """The segment's Traditional text, and each term hit's Traditional form (for notes)."""
    terms = tuple(replace(hit, traditional=term_form(hit, config)) for hit in segment.terms)
    return replace(segment, traditional=to_traditional(segment, config), terms=terms)


def convert_document(document: Document, config: str = "s2twp") -> Document:
    """The Traditional stage."""
    converted = document.map_segments(lambda s: convert_segment(s, config))
    return replace(converted, traditional_config=config)
