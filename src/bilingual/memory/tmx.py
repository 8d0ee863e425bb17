"""The translation memory as TMX 1.4b: out to ``tm/memory.tmx``, and in from other tools.

Export writes one ``<tu>`` per memory entry that has English (entries holding only notes have
no translation to exchange): the Simplified source (``zh-Hans``) and the English (``en``), the
entry's time as ``creationdate``/``changedate``, the file it came from and its segment ID as
``prop``s (``x-origin``, ``x-segment-id``) and the editors' notes as ``note``s. It is built with
translate-toolkit's TMX store.

Import streams the file (lxml ``iterparse``; a TMX of any size is never held whole) and takes
exact sentence pairs: the unit's Simplified Chinese becomes a memory key and its English the
memory's English, with the TMX file (and the unit's own origin, if it names one) recorded as the
entry's origin. Language tags are read in the spellings tools write (zh-CN, zh-Hans, ZH; en-US,
en-GB, EN). A TMX is not an edition and has no base, so it never overwrites: a unit whose Chinese
already has a different English in the memory (an editor's, or an earlier TMX's) is a conflict,
reported with both texts and not taken; so is every unit of a sentence the file itself translates
more than one way, whichever unit comes first (one taken earlier is given back). Importing the
same TMX twice changes nothing. Imported
entries are editors' English from then on: builds use them (status "edited"), and an editor's
DOCX or XLIFF built before the import that changes such a row is a conflict, by the usual rule.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from bilingual import __version__
from bilingual.document.characters import UNSUPPORTED
from bilingual.document.editions import normal_space
from bilingual.document.languages import ENGLISH, SIMPLIFIED, TAGS, describe, role
from bilingual.errors import InputError
from bilingual.memory.translation_memory import Entry, TranslationMemory
from bilingual.util.atomic import write_bytes
from bilingual.util.reproducible import source_date_epoch
from bilingual.util.xml_input import TMX, flatten, local, release, stream, text_of

FILE_NAME = "memory.tmx"
ORIGIN_PROP = "x-origin"
ID_PROP = "x-segment-id"
ADVICE = "export it again as TMX 1.4"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_SHOWN = 20  # conflicts printed; --json lists all


def tmx_date(iso: str) -> str | None:
    """An ISO 8601 time as TMX's YYYYMMDDThhmmssZ (UTC), or None."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def iso_date(tmx: str | None) -> str | None:
    """TMX's YYYYMMDDThhmmssZ as ISO 8601, or None."""
    text = tmx or ""
    if len(text) != 16 or text[8] != "T" or text[15] != "Z":
        return None
    spans = ((0, 4), (4, 6), (6, 8), (9, 11), (11, 13), (13, 15))
    try:  # slicing, not strptime: much faster, and a TMX may hold 100,000 dates
        year, month, day, hour, minute, second = (int(text[a:b]) for a, b in spans)
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC).isoformat()
    except ValueError:
        return None


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
    skipped: Counter[str] = field(default_factory=Counter)
    conflicts: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.conflicts

    def line(self) -> str:
        reasons = ", ".join(f"{n} {why}" for why, n in self.skipped.most_common())
        return (
            f"{self.taken} taken, {sum(self.skipped.values())} skipped"
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
            "skipped": dict(self.skipped),
            "conflicts": self.conflicts,
            "problems": self.problems,
        }


@dataclass
class _Taken:
    """A sentence taken from this file so far: it is given back if the file disagrees later."""

    where: str  # "FILE:LINE" of the unit it was taken from
    english: str
    before: Entry | None  # the memory's entry before it (notes only), or None
    units: int = 1  # units of this file that agree


class _TmxImport:
    def __init__(self, path: Path, memory: TranslationMemory):
        self.path, self.memory = path, memory
        self.summary = ImportSummary()
        self.taken: dict[str, _Taken] = {}  # source -> what this file gave it
        self.disagreeing: dict[str, list[str]] = {}  # source -> the Englishes this file gives it
        self.languages: Counter[str] = Counter()
        self.pairs = 0  # units with a Simplified and an English variant
        self.now = datetime.now(UTC).replace(microsecond=0).isoformat()

    def root(self, element: etree._Element) -> None:
        if local(element) != "tmx":
            raise InputError(
                f"{self.path}: not a TMX file (its root element is <{local(element)}>); {ADVICE}"
            )

    def unit(self, tu: etree._Element) -> None:
        self.summary.units += 1
        source = english = None
        for tuv in tu.iterchildren("tuv"):
            tag = tuv.get(_XML_LANG) or tuv.get("lang") or ""
            self.languages[tag] += 1
            kind = role(tag)
            if kind == SIMPLIFIED and source is None:
                source = tuv.find("seg")
            elif kind == ENGLISH and english is None:
                english = tuv.find("seg")
        if source is None or english is None:
            self.summary.skipped["other language pair"] += 1
            return
        self.pairs += 1
        chinese, target = flatten(source, TMX), flatten(english, TMX)
        if chinese.placeholders or target.placeholders:
            self.summary.skipped["inline placeholder codes"] += 1
            return
        key, text = chinese.text.strip(), normal_space(target.text)
        if not key or not text:
            self.summary.skipped["empty"] += 1
            return
        if UNSUPPORTED.search(key) or UNSUPPORTED.search(text):  # the import's rule, every format
            self.summary.skipped["characters no output can hold"] += 1
            return
        self.take(tu, key, text)

    def take(self, tu: etree._Element, source: str, english: str) -> None:
        where = f"{self.path}:{tu.sourceline}"
        if source in self.disagreeing:
            self.disagree(where, source, english)
            return
        mine = self.taken.get(source)
        if mine is not None and mine.english == english:
            mine.units += 1
            self.summary.skipped["duplicate in the file"] += 1
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
            self.summary.skipped["already in the memory"] += 1
            return
        if existing is not None and existing.english is not None:
            self.conflict(
                where, source, f"the memory reads «{existing.english}», this unit «{english}»"
            )
            return
        props = {p.get("type"): (p.text or "") for p in tu.iterchildren("prop")}
        notes = tuple(n for n in (text_of(x).strip() for x in tu.iterchildren("note")))
        notes = tuple(n for n in notes if n)
        inner = props.get(ORIGIN_PROP) or tu.get("creationid") or tu.get("changeid")
        origin = f"{self.path.name} ({inner})" if inner else self.path.name
        time = iso_date(tu.get("changedate")) or iso_date(tu.get("creationdate")) or self.now
        ident = props.get(ID_PROP) or tu.get("tuid") or ""
        entry = Entry(source, english, ident, origin, time)
        if existing is not None:  # notes only so far: keep them
            entry = entry.with_notes(existing.notes)
        self.memory.put(entry.with_notes(notes))
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
        skipped["duplicate in the file"] -= mine.units - 1
        if skipped["duplicate in the file"] <= 0:
            del skipped["duplicate in the file"]

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


def read_tmx(path: Path, memory: TranslationMemory) -> tuple[ImportSummary, dict[str, str]]:
    """Take a TMX's exact zh/en pairs into ``memory`` (never overwriting; not saved): the
    summary, and the English taken for each Chinese sentence."""
    run = _TmxImport(path, memory)
    for event, element in stream(path, ADVICE, events=("start", "end")):
        if event == "start":
            if element.getparent() is None:
                run.root(element)
        elif local(element) == "tu":
            run.unit(element)
            release(element)
    if run.summary.units and not run.pairs:
        raise InputError(
            f"{path}: no unit pairs Simplified Chinese with English (languages in the file: "
            f"{describe(list(run.languages))}); nothing imported"
        )
    return run.summary, {source: taken.english for source, taken in run.taken.items()}
