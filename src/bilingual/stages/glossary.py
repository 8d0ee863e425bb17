"""Glossary application: variants corrected in the source, then each segment's term hits."""

from __future__ import annotations

from dataclasses import replace

from bilingual.document import Document
from bilingual.document.spans import through_replacements
from bilingual.glossary.terms import Glossary


def correct_variants(document: Document, glossary: Glossary) -> Document:
    """Glossary stage, part 1 (before segmentation): variants become their terms."""
    paragraphs = []
    for paragraph in document.paragraphs:
        if not paragraph.kind.translated:  # code is copied as written
            paragraphs.append(paragraph)
            continue
        text, replacements = glossary.correct(paragraph.text)
        spans = through_replacements(paragraph.spans, replacements)
        paragraphs.append(replace(paragraph, text=text, replacements=replacements, spans=spans))
    return replace(document, paragraphs=tuple(paragraphs))


def annotate_terms(document: Document, glossary: Glossary) -> Document:
    """Glossary stage, part 2 (after segmentation): record each segment's term hits."""
    return document.map_segments(lambda s: replace(s, terms=glossary.hits(s.source)))
