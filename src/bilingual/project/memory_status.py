"""``bilingual tm status``: the translation memory against today's sources.

An editor's correction is kept under the Chinese it was made for. When the source is reworded,
no sentence has that Chinese any more: the correction is *orphaned*. A build offers it as a
fuzzy match to the reworded sentence (when close enough) and counts orphans in one line; this
command lists each, with the closest sentence of today's sources and what differs. Entries from
other tools' TMX files are a reference memory, not corrections of this project's sentences:
they are counted, not listed.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field

from bilingual.glossary.terms import Glossary
from bilingual.memory import fuzzy
from bilingual.memory.entry import Entry
from bilingual.memory.translation_memory import Status, TranslationMemory
from bilingual.project.settings import Settings

DEFAULT_THRESHOLD = 75  # for the closest sentence when fuzzy matches are switched off


@dataclass(frozen=True)
class Sentence:
    document: str
    id: str
    text: str


def load_project_glossary(settings: Settings) -> Glossary:
    from bilingual.glossary.yaml_files import load_glossary

    if not settings.glossary.exists():
        return Glossary()
    return load_glossary(settings.glossary, cache_dir=settings.state)


def todays_sentences(settings: Settings, glossary: Glossary) -> Iterator[Sentence]:
    """Every sentence of every source, as the build segments it."""
    from bilingual.project.build import discover_sources, prepare
    from bilingual.readers import read_source

    if not settings.seeds.is_dir():
        return
    paths, _ = discover_sources(settings.seeds)
    for path in paths:
        document = prepare(read_source(path), glossary)
        for segment in document.segments:
            yield Sentence(document.name, segment.id, segment.text)


@dataclass(frozen=True)
class Orphan:
    entry: Entry
    closest: Sentence | None
    score: int = 0
    marked: str = ""  # the entry's Chinese with what differs from the closest sentence marked


@dataclass
class MemoryStatus:
    path: str
    status: Status
    sentences: int  # of today's sources
    documents: int
    in_sources: int  # entries that are a sentence of today's sources
    threshold: int
    orphans: list[Orphan] = field(default_factory=list)
    tmx_elsewhere: int = 0  # TMX entries for sentences no source has
    notices: list[str] = field(default_factory=list)  # the memory's (a migration)

    def lines(self) -> list[str]:
        s = self.status
        lines = [
            f"{self.path}: {s.entries} entries ({s.corrections} from editors' corrections, "
            f"{s.from_tmx} from TMX files; {s.notes_only} with notes only), and "
            f"{s.suggestions} machine or draft suggestions; {self.in_sources} "
            f"are sentences of today's sources ({self.documents} documents, {self.sentences} "
            "sentences)"
        ]
        if self.orphans:
            lines.append(
                f"{len(self.orphans)} editors' corrections are for sentences no source has any "
                "more (reworded or removed):"
            )
        for orphan in self.orphans:
            entry = orphan.entry
            english = f"= {entry.english}" if entry.english is not None else "(notes only)"
            where = ", ".join(p for p in (entry.id, entry.origin, entry.time[:10]) if p)
            lines.append(f"  {where}: {entry.source} {english}")
            if orphan.closest is None:
                lines.append(f"    closest today: no sentence at {self.threshold}% or more")
            else:
                c = orphan.closest
                lines.append(
                    f"    closest today: {orphan.score}% {c.document} {c.id}: {orphan.marked}"
                )
        if self.tmx_elsewhere:
            lines.append(
                f"{self.tmx_elsewhere} entries from TMX files are for sentences no source has: "
                "a reference memory, offered as fuzzy matches when a sentence comes close"
            )
        return lines

    def as_json(self) -> dict:
        s = self.status
        return {
            "memory": self.path,
            "entries": s.entries,
            "corrections": s.corrections,
            "from_tmx": s.from_tmx,
            "notes_only": s.notes_only,
            "suggestions": s.suggestions,
            "documents": self.documents,
            "sentences": self.sentences,
            "in_sources": self.in_sources,
            "threshold": self.threshold,
            "orphaned_corrections": [
                {
                    "source": o.entry.source,
                    "english": o.entry.english,
                    "id": o.entry.id,
                    "origin": o.entry.origin,
                    "time": o.entry.time,
                    "notes": list(o.entry.notes),
                    "closest": None
                    if o.closest is None
                    else {
                        "document": o.closest.document,
                        "id": o.closest.id,
                        "source": o.closest.text,
                        "score": o.score,
                        "marked": o.marked,
                    },
                }
                for o in self.orphans
            ],
            "tmx_entries_not_in_sources": self.tmx_elsewhere,
        }


class _Closest:
    """Today's sentences by length, for the closest one to an orphan (rapidfuzz over the
    lengths the threshold allows)."""

    def __init__(self, memory: TranslationMemory, sentences: list[Sentence], threshold: int):
        self.memory, self.threshold = memory, threshold
        keyed = sorted(((memory.key(s.text), s) for s in sentences), key=lambda p: len(p[0]))
        self.keys = [k for k, _ in keyed]
        self.sentences = [s for _, s in keyed]
        self.lengths = [len(k) for k in self.keys]

    def __call__(self, entry: Entry) -> Orphan:
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        key = self.memory.key(entry.source)
        low, high = fuzzy.length_range(len(key), self.threshold)
        start, end = bisect_left(self.lengths, low), bisect_right(self.lengths, high)
        best = process.extractOne(
            key,
            self.keys[start:end],
            scorer=Levenshtein.normalized_similarity,
            score_cutoff=self.threshold / 100,
        )
        if best is None:
            return Orphan(entry, None)
        sentence = self.sentences[start + best[2]]
        score = fuzzy.similarity(key, self.keys[start + best[2]])
        return Orphan(entry, sentence, score, fuzzy.marked(entry.source, sentence.text))


def memory_status(settings: Settings) -> MemoryStatus:
    from bilingual.stages.glossary import memory_normalizer

    glossary = load_project_glossary(settings)
    memory = TranslationMemory(settings.tm, memory_normalizer(glossary))
    try:
        sentences = list(todays_sentences(settings, glossary))
        hashes = {memory.hash(s.text) for s in sentences}
        threshold = settings.fuzzy_threshold or DEFAULT_THRESHOLD
        closest = _Closest(memory, sentences, threshold)
        orphans = [closest(entry) for entry in memory.orphans(hashes)]
        tmx_elsewhere = memory.count_elsewhere(hashes)
        status = memory.status()
        corrections_gone = len(orphans)
        return MemoryStatus(
            str(memory.path),
            status,
            len(sentences),
            len({s.document for s in sentences}),
            status.entries - corrections_gone - tmx_elsewhere,  # suggestions aside
            threshold,
            orphans,
            tmx_elsewhere,
            memory.notices,
        )
    finally:
        memory.close()
