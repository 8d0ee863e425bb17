"""The translation memory as TMX 1.4b: out to ``tm/memory.tmx``, and in from other tools.

Export writes one ``<tu>`` per memory entry that has English (entries holding only notes have
no translation to exchange): the Simplified source (``zh-Hans``) and the English (``en``), the
entry's time as ``creationdate``/``changedate``, the file it came from and its segment ID as
``prop``s (``x-origin``, ``x-segment-id``) and the editors' notes as ``note``s. It is built with
translate-toolkit's TMX store.

Import streams the file (lxml ``iterparse``; a TMX of any size is never held whole); how each
unit is read (languages, inline codes, authors and dates, what is only a suggestion, what is
refused) is ``memory.tmx_units``. An editor's English is taken into the memory: the unit's
Simplified Chinese becomes a memory key and its English the memory's English, with the TMX file
(and the unit's own origin or author) as the entry's origin. A TMX is not an edition and has no
base, so it never overwrites: a unit whose Chinese already has a different English in the memory
(an editor's, or an earlier TMX's) is a conflict, reported with both texts and not taken; so is
every unit of a sentence the file itself translates more than one way, whichever unit comes
first (one taken earlier is given back). Importing the same TMX twice changes nothing. Imported
entries are editors' English from then on: builds use them (status "edited"), and an editor's
DOCX or XLIFF built before the import that changes such a row is a conflict, by the usual rule.
Machine, draft and alternative translations are kept as suggestions (``memory.suggestions``),
never as editors' English. Every unit not taken is named, with its line and tuid, in the
summary's ``skipped_units``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from bilingual import __version__
from bilingual.document.languages import ENGLISH, SIMPLIFIED, TAGS
from bilingual.memory.suggestions import Suggestion, Suggestions
from bilingual.memory.tmx_units import ID_PROP, ORIGIN_PROP, PROBLEMS, Refusal, TmxReader, TmxUnit
from bilingual.memory.translation_memory import Entry, TranslationMemory
from bilingual.util.atomic import write_bytes
from bilingual.util.reproducible import source_date_epoch

FILE_NAME = "memory.tmx"
_SHOWN = 20  # conflicts printed; --json lists all
DUPLICATE = "duplicate in the file"


def tmx_date(iso: str) -> str | None:
    """An ISO 8601 time as TMX's YYYYMMDDThhmmssZ (UTC), or None."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


# --- export -------------------------------------------------------------------------------------


@dataclass
class ExportResult:
    path: Path
    units: int
    notes_only: int

    def line(self) -> str:
        skipped = (
            f" ({self.notes_only} entries with notes but no English not exported)"
            if self.notes_only
            else ""
        )
        return f"wrote {self.path}: {self.units} units{skipped}"


def render_tmx(entries: list[Entry], now: str) -> tuple[bytes, int]:
    """(the TMX 1.4b of ``entries`` that have English, how many units)."""
    from translate.storage.tmx import tmxfile

    store = tmxfile(sourcelanguage=TAGS[SIMPLIFIED], targetlanguage=TAGS[ENGLISH])
    store.addheader()
    header = next(store.document.getroot().iterchildren("header"))
    for key, value in {
        "creationtool": "bilingual",
        "creationtoolversion": __version__,
        "segtype": "sentence",
        "o-tmf": "bilingual memory.jsonl",
        "adminlang": "en",
        "srclang": TAGS[SIMPLIFIED],
        "datatype": "plaintext",
        "creationdate": tmx_date(now) or "",
    }.items():
        header.set(key, value)
    units = 0
    for entry in entries:
        if entry.english is None:
            continue
        unit = store.addsourceunit(entry.source)
        unit.settarget(entry.english, TAGS[ENGLISH], append=True)
        for note in entry.notes:
            unit.addnote(note)
        tu = unit.xmlelement
        first_tuv = tu.find("tuv")
        for kind, value in ((ORIGIN_PROP, entry.origin), (ID_PROP, entry.id)):
            if value:
                prop = etree.Element("prop", type=kind)
                prop.text = value
                first_tuv.addprevious(prop)
        if date := tmx_date(entry.time):
            tu.set("creationdate", date)
            tu.set("changedate", date)
        units += 1
    return bytes(store), units


def export_date(entries: list[Entry]) -> str:
    """The header's creation date: ``SOURCE_DATE_EPOCH`` when set, else the newest entry's time,
    so the same memory exports the same bytes (the time of export only for an empty memory)."""
    if (epoch := source_date_epoch()) is not None:
        return epoch.isoformat()
    times = [moment for e in entries if (moment := _moment(e.time)) is not None]
    return max(times).isoformat() if times else datetime.now(UTC).replace(microsecond=0).isoformat()


def _moment(iso: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(iso or "")
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def export_tmx(tm: Path, output: Path | None = None) -> ExportResult:
    """Write the memory in folder ``tm`` as TMX 1.4b (default: ``tm/memory.tmx``)."""
    memory = TranslationMemory(tm)
    path = output or tm / FILE_NAME
    entries = list(memory.entries.values())
    data, units = render_tmx(entries, export_date(entries))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes(path, data)
    return ExportResult(path, units, sum(e.english is None for e in entries))


# --- import -------------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    units: int = 0
    taken: int = 0
    suggestions: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    conflicts: int = 0
    problems: list[str] = field(default_factory=list)  # conflicts and refused units, in order
    skipped_units: list[tuple[int, str, str | None, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.conflicts

    def line(self) -> str:
        reasons = ", ".join(f"{n} {why}" for why, n in self.skipped.most_common())
        suggested = (
            f", {self.suggestions} kept as suggestions (machine, draft or alternative "
            "translations: not editors' English)"
            if self.suggestions
            else ""
        )
        return (
            f"{self.taken} taken{suggested}, {sum(self.skipped.values())} skipped"
            + (f" ({reasons})" if reasons else "")
            + f", {self.conflicts} conflicting; {self.units} units read"
        )

    def shown_problems(self) -> list[str]:
        shown = self.problems[:_SHOWN]
        if len(self.problems) > _SHOWN:
            shown.append(f"... and {len(self.problems) - _SHOWN} more (--json lists all)")
        return shown

    def as_json(self) -> dict:
        return {
            "units": self.units,
            "taken": self.taken,
            "suggestions": self.suggestions,
            "skipped": dict(self.skipped),
            "conflicts": self.conflicts,
            "problems": self.problems,
            "skipped_units": [
                {"unit": where, "tuid": tuid, "why": why}
                for _, where, tuid, why in sorted(self.skipped_units, key=lambda u: u[0])
            ],
        }


@dataclass
class _Taken:
    """A sentence taken from this file so far: it is given back if the file disagrees later."""

    where: str  # "FILE:LINE" of the unit it was taken from
    english: str
    before: Entry | None  # the memory's entry before it (notes only), or None
    duplicates: list[tuple[int, str | None]] = field(default_factory=list)  # (line, tuid)

    @property
    def units(self) -> int:  # units of this file that agree
        return 1 + len(self.duplicates)


class _TmxImport:
    """Units into the memory: an editor's English by ``take`` (never overwriting), a suggestion
    by ``suggest``."""

    def __init__(self, path: Path, memory: TranslationMemory, suggestions: Suggestions):
        self.path, self.memory, self.suggestions = path, memory, suggestions
        self.summary = ImportSummary()
        self.taken: dict[str, _Taken] = {}  # source -> what this file gave it
        self.disagreeing: dict[str, list[str]] = {}  # source -> the Englishes this file gives it
        self.suggested: list[Suggestion] = []
        self.now = datetime.now(UTC).replace(microsecond=0).isoformat()

    def unit(self, unit: TmxUnit | Refusal) -> None:
        if isinstance(unit, Refusal):
            self.skip(unit.line, unit.tuid, unit.why, unit.detail)
            if unit.why in PROBLEMS:
                self.summary.problems.append(unit.named(self.path))
        elif unit.suggestion is not None:
            self.suggest(unit)
        else:
            self.take(unit)

    def skip(self, line: int, tuid: str | None, why: str, detail: str = "") -> None:
        self.summary.skipped[why] += 1
        reason = f"{why}: {detail}" if detail else why
        self.summary.skipped_units.append((line, f"{self.path}:{line}", tuid, reason))

    def origin(self, unit: TmxUnit) -> str:
        inner = unit.origin or unit.author
        return f"{self.path.name} ({inner})" if inner else self.path.name

    def suggest(self, unit: TmxUnit) -> None:
        if self.memory.get(unit.chinese) == unit.english or self.suggestions.has(
            unit.chinese, unit.english
        ):
            self.skip(unit.line, unit.tuid, "already in the memory")
            return
        why = unit.suggestion or ""
        suggestion = Suggestion(
            unit.chinese, unit.english, self.origin(unit), unit.time or self.now, why
        )
        self.suggestions.add(suggestion)
        self.suggested.append(suggestion)
        self.summary.suggestions += 1

    def take(self, unit: TmxUnit) -> None:
        source, english = unit.chinese, unit.english
        where = f"{self.path}:{unit.line}"
        if source in self.disagreeing:
            self.disagree(where, source, english)
            return
        mine = self.taken.get(source)
        if mine is not None and mine.english == english:  # named in finish(), if still taken
            mine.duplicates.append((unit.line, unit.tuid))
            self.summary.skipped[DUPLICATE] += 1
            return
        if mine is not None:  # the file translates the sentence two ways: neither is taken
            self.give_back(source, mine)
            self.disagreeing[source] = [mine.english, english]
            more = f" (and {mine.units - 1} more units)" if mine.units > 1 else ""
            self.conflict(
                mine.where,
                source,
                f"later in this file reads «{english}», this unit{more} «{mine.english}»",
                units=mine.units,
            )
            self.disagree(where, source, english)
            return
        existing = self.memory.entries.get(source)
        if existing is not None and existing.english == english:
            self.skip(unit.line, unit.tuid, "already in the memory")
            return
        if existing is not None and existing.english is not None:
            self.conflict(
                where, source, f"the memory reads «{existing.english}», this unit «{english}»"
            )
            return
        entry = Entry(source, english, unit.ident, self.origin(unit), unit.time or self.now)
        if existing is not None:  # notes only so far: keep them
            entry = entry.with_notes(existing.notes)
        self.memory.put(entry.with_notes(unit.notes))
        self.taken[source] = _Taken(where, english, existing)
        self.summary.taken += 1

    def give_back(self, source: str, mine: _Taken) -> None:
        """Undo taking ``source`` from this file, and the count of its duplicates."""
        del self.taken[source]
        self.summary.taken -= 1
        if mine.before is None:
            del self.memory.entries[source]
        else:
            self.memory.put(mine.before)
        skipped = self.summary.skipped
        skipped[DUPLICATE] -= len(mine.duplicates)
        if skipped[DUPLICATE] <= 0:
            del skipped[DUPLICATE]

    def finish(self) -> None:
        """Name the duplicates of the sentences taken."""
        for taken in self.taken.values():
            for line, tuid in taken.duplicates:
                self.summary.skipped_units.append((line, f"{self.path}:{line}", tuid, DUPLICATE))

    def disagree(self, where: str, source: str, english: str) -> None:
        """A unit of a sentence this file translates more than one way: a conflict."""
        seen = self.disagreeing[source]
        if english not in seen:
            seen.append(english)
        other = next(e for e in seen if e != english)
        self.conflict(where, source, f"earlier in this file reads «{other}», this unit «{english}»")

    def conflict(self, where: str, source: str, why: str, units: int = 1) -> None:
        self.summary.conflicts += units
        self.summary.problems.append(f"{where}: «{source}»: {why}; not taken")


@dataclass
class TmxImport:
    """What ``read_tmx`` did: its summary, the editors' English taken (sentence -> English)
    and the suggestions kept."""

    summary: ImportSummary
    taken: dict[str, str]
    suggested: list[Suggestion]


def read_tmx(path: Path, memory: TranslationMemory, suggestions: Suggestions) -> TmxImport:
    """Take a TMX's zh/en pairs into ``memory`` (editors' English, never overwriting) and
    ``suggestions`` (machine, draft and alternative translations); neither is saved."""
    reader = TmxReader(path)
    run = _TmxImport(path, memory, suggestions)
    for unit in reader:
        run.unit(unit)
    run.finish()
    run.summary.units = reader.units
    taken = {source: taken.english for source, taken in run.taken.items()}
    return TmxImport(run.summary, taken, run.suggested)
