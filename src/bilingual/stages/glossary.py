"""Glossary application: variants corrected in the source, then each segment's term hits; the
translation memory compares Chinese with the same correction."""

from __future__ import annotations

from dataclasses import replace

from bilingual.document import Document
from bilingual.document.spans import through_replacements
from bilingual.glossary.terms import Glossary
from bilingual.memory.normalize import Normalizer, variants_normalizer


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


def memory_normalizer(glossary: Glossary) -> Normalizer:
    """The translation memory's normalization with this glossary's variant correction, the one
    ``correct_variants`` applies to sources (``memory.normalize``)."""
    return variants_normalizer(glossary.variant_of, lambda text: glossary.correct(text)[0])
