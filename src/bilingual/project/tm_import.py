"""``bilingual tm import``: another tool's TMX into the project's translation memory."""

from __future__ import annotations

from pathlib import Path

from bilingual.errors import InputError
from bilingual.memory.bases import EditionStore
from bilingual.memory.lock import memory_lock
from bilingual.memory.suggestions import Suggestions
from bilingual.memory.tmx import ImportSummary, read_tmx
from bilingual.memory.translation_memory import TranslationMemory
from bilingual.project.build import build_lock
from bilingual.project.settings import Settings


def import_tmx(path: Path, settings: Settings) -> ImportSummary:
    """Take a TMX's zh/en pairs into the translation memory (editors' English, never
    overwriting) and its suggestions (machine, draft and alternative translations)."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    with build_lock(settings.state), memory_lock(settings.tm):
        memory = TranslationMemory(settings.tm)
        suggestions = Suggestions(settings.tm)
        result = read_tmx(path, memory, suggestions)
        if result.suggested:
            suggestions.save()
        if result.taken:
            memory.save()
            EditionStore(settings.state).record_imports(result.taken)
    return result.summary
