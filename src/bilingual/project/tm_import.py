"""``bilingual tm import``: another tool's TMX into the project's translation memory.

Besides what was taken, the import says what of it will be used: how many of the sentences
taken are sentences of today's sources (they win over the machine from the next build), and
which ones hold more than one sentence as the build segments text. Those can never be an exact
match (the build looks up one sentence at a time), only a fuzzy one: the other tool segmented
differently (a paragraph, or two sentences, in one unit).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from bilingual.errors import InputError
from bilingual.memory.lock import memory_lock
from bilingual.memory.tmx import ImportSummary, read_tmx
from bilingual.memory.translation_memory import TranslationMemory, key_hash
from bilingual.project.build import build_lock
from bilingual.project.memory_status import load_project_glossary, todays_sentences
from bilingual.project.settings import Settings

IN_SOURCES = "in today's sources"
SEVERAL = "several sentences"
_SHOWN = 5  # units with several sentences named in the summary; --json lists all
# A sentence end with more text after it: only such units are segmented to be sure.
_INNER_END = re.compile(r"[。！？!?…][”’」』）)\]]*\s*\S|\.\s+\S")


def several_sentences(text: str) -> bool:
    """Whether the build would cut ``text`` into more than one segment."""
    from bilingual.stages.segment import sentence_ends

    return bool(_INNER_END.search(text.strip())) and bool(sentence_ends(text.strip()))


def _judge(present: set[int]) -> Callable[[str, int], str | None]:
    def judge(source: str, khash: int) -> str | None:
        if several_sentences(source):
            return SEVERAL
        return IN_SOURCES if khash in present else None

    return judge


def import_tmx(path: Path, settings: Settings) -> ImportSummary:
    """Take a TMX's zh/en pairs into the translation memory (editors' English, never
    overwriting) and its suggestions (machine, draft and alternative translations), in one
    transaction, under the memory's lock (after the project's)."""
    from bilingual.stages.glossary import memory_normalizer

    if not path.is_file():
        raise InputError(f"{path}: no such file")
    with build_lock(settings.state):
        glossary = load_project_glossary(settings)
        normalizer = memory_normalizer(glossary)
        present = {key_hash(normalizer.key(s.text)) for s in todays_sentences(settings, glossary)}
        with memory_lock(settings.tm):
            memory = TranslationMemory(settings.tm, normalizer)
            try:
                with memory.writing():
                    summary = read_tmx(path, memory, _judge(present))
            finally:
                memory.close()
    summary.notices[:0] = memory.notices
    summary.notices += _what_is_used(summary)
    return summary


def _what_is_used(summary: ImportSummary) -> list[str]:
    lines = []
    if summary.taken:
        lines.append(
            f"{summary.judged[IN_SOURCES]} of the {summary.taken} sentences taken are sentences "
            "of today's sources; the rest are offered as fuzzy matches when a sentence comes close"
        )
    several = [where for verdict, where in summary.judged_units if verdict == SEVERAL]
    if several:
        shown = ", ".join(several[:_SHOWN]) + (
            f" and {len(several) - _SHOWN} more (--json lists all)" if len(several) > _SHOWN else ""
        )
        lines.append(
            f"{len(several)} units taken hold more than one sentence as the build segments text "
            f"({shown}): they never match a sentence exactly, only as fuzzy matches"
        )
    return lines
