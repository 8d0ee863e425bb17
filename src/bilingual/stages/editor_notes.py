"""Editors' notes stage: each segment gets the notes editors left on its sentence (comments,
footnotes, Notes-column text, kept in the translation memory), so the editions show them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bilingual.document import Document


def attach_editor_notes(document: Document, notes_of: Callable[[str], tuple[str, ...]]) -> Document:
    """``document`` with every segment's ``editor_notes`` from ``notes_of(sentence)``."""
    return document.map_segments(lambda s: replace(s, editor_notes=notes_of(s.text)))
