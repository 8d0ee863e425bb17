"""The translation memory as TMX 1.4b: out to ``tm/memory.tmx``, and in from other tools.

Export writes one ``<tu>`` per memory entry that has English (entries holding only notes have
no translation to exchange): the Simplified source (``zh-Hans``) and the English (``en``), the
entry's time as ``creationdate``/``changedate``, the file it came from and its segment ID as
``prop``s (``x-origin``, ``x-segment-id``) and the editors' notes as ``note``s. It is written a unit
at a time, as translate-toolkit's TMX store lays it out (the same bytes).

Import streams the file (lxml ``iterparse``; a TMX of any size is never held whole); how each
unit is read (languages, inline codes, authors and dates, what is only a suggestion, what is
refused) is ``memory.tmx_units``. An editor's English is taken into the memory: the unit's
Simplified Chinese becomes a memory entry and its English the memory's English, with the TMX
file (and the unit's own origin or author) as the entry's origin. A TMX is not an edition and
has no base, so it never overwrites: a unit whose Chinese (normalized: ``memory.normalize``)
already has a different English in the memory (an editor's, or an earlier TMX's) is a conflict,
reported with both texts and not taken; so is every unit of a sentence the file itself
translates more than one way, whichever unit comes first (one taken earlier is given back).
Importing the same TMX twice changes nothing. Imported entries are editors' English from then
on: builds use them (status "edited"), and an editor's DOCX or XLIFF built before the import
that changes such a row is a conflict, by the usual rule. Machine, draft and alternative
translations are kept as suggestions (``TranslationMemory.suggest``: offered as fuzzy matches,
never as editors' English). Every unit not taken is named, with its line and tuid, in the
summary's ``skipped_units``.

Two parts, so that a file of millions of units keeps both cores busy and little in memory:
``_Reader`` reads the units (``tmx_units.TmxReader``, and each sentence's normalized key;
nothing of the store), in a process of its own for a large file, and ``_TmxImport`` takes them
into the store, in one transaction of it, remembering of what it took only the rows' line
numbers.
"""

from __future__ import annotations

import os
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import BinaryIO, NamedTuple

from lxml import etree

from bilingual import __version__
from bilingual.document.languages import ENGLISH, SIMPLIFIED, TAGS
from bilingual.errors import InputError
from bilingual.memory.entry import Suggestion
from bilingual.memory.tmx_units import ID_PROP, ORIGIN_PROP, PROBLEMS, Refusal, TmxReader, TmxUnit
from bilingual.memory.translation_memory import Entry, Prepared, Stored, TranslationMemory
from bilingual.util.atomic import staged
from bilingual.util.reproducible import source_date_epoch

FILE_NAME = "memory.tmx"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_SHOWN = 20  # conflicts printed; --json lists all
DUPLICATE = "duplicate in the file"
ALREADY = "already in the memory"


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
    notices: list[str] = field(default_factory=list)  # the memory's (a migration)

    def line(self) -> str:
        skipped = (
            f" ({self.notes_only} entries with notes but no English not exported)"
            if self.notes_only
            else ""
        )
        return f"wrote {self.path}: {self.units} units{skipped}"


def render_tmx(entries: Iterable[Entry], now: str) -> tuple[bytes, int]:
    """(the TMX 1.4b of ``entries`` that have English, how many units)."""
    out = BytesIO()
    units = write_tmx(out, entries, now)
    return out.getvalue(), units


def write_tmx(out: BinaryIO, entries: Iterable[Entry], now: str) -> int:
    """Write the TMX 1.4b of ``entries`` that have English to ``out``, a unit at a time (a
    memory of millions of entries is never held whole); returns how many units."""
    header = {
        "creationtool": "bilingual",
        "creationtoolversion": __version__,
        "segtype": "sentence",
        "o-tmf": "bilingual memory.jsonl",
        "adminlang": "en",
        "srclang": TAGS[SIMPLIFIED],
        "datatype": "plaintext",
        "creationdate": tmx_date(now) or "",
    }
    out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n')
    out.write(b'<tmx version="1.4">\n  ')
    out.write(etree.tostring(etree.Element("header", header)))
    units = 0
    for entry in entries:
        if entry.english is None:
            continue
        if not units:
            out.write(b"\n  <body>\n")
        out.write(b"    " + etree.tostring(_unit(entry), encoding="UTF-8", xml_declaration=False))
        units += 1
    out.write(b"  </body>\n</tmx>\n" if units else b"\n  <body/>\n</tmx>\n")
    return units


def _unit(entry: Entry) -> etree._Element:
    """One ``<tu>``: notes, props, then the Chinese and English ``<tuv>``s, indented as in
    the file (four spaces the unit, two more each level)."""
    tu = etree.Element("tu")
    if date := tmx_date(entry.time):
        tu.set("creationdate", date)
        tu.set("changedate", date)
    for note in entry.notes:
        etree.SubElement(tu, "note").text = note
    for kind, value in ((ORIGIN_PROP, entry.origin), (ID_PROP, entry.id)):
        if value:
            etree.SubElement(tu, "prop", type=kind).text = value
    for language, text in ((TAGS[SIMPLIFIED], entry.source), (TAGS[ENGLISH], entry.english)):
        tuv = etree.SubElement(tu, "tuv")
        tuv.set(_XML_LANG, language)
        etree.SubElement(tuv, "seg").text = text
    etree.indent(tu, space="  ", level=2)
    tu.tail = "\n"
    return tu


def export_date(entries: Iterable[Entry]) -> str:
    """The header's creation date: ``SOURCE_DATE_EPOCH`` when set, else the newest entry's time,
    so the same memory exports the same bytes (the time of export only for an empty memory)."""
    if (epoch := source_date_epoch()) is not None:
        return epoch.isoformat()
    times = (moment for e in entries if (moment := _moment(e.time)) is not None)
    newest = max(times, default=None)
    return (newest or datetime.now(UTC).replace(microsecond=0)).isoformat()


def _moment(iso: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(iso or "")
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def export_tmx(tm: Path, output: Path | None = None) -> ExportResult:
    """Write the memory in folder ``tm`` as TMX 1.4b (default: ``tm/memory.tmx``)."""
    memory = TranslationMemory(tm)
    try:
        path = output or tm / FILE_NAME
        now = export_date(memory.entries())
        path.parent.mkdir(parents=True, exist_ok=True)
        units = 0

        def write(tmp: Path) -> None:
            nonlocal units
            with open(tmp, "wb") as out:
                units = write_tmx(out, memory.entries(), now)

        os.replace(staged(path, write), path)
        return ExportResult(path, units, memory.status().notes_only, memory.notices)
    finally:
        memory.close()


# --- import -------------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    units: int = 0
    taken: int = 0
    suggestions: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    conflicts: int = 0
    problems: list[str] = field(default_factory=list)  # conflicts and refused units, in order
    file: str = ""  # the TMX, as the units not taken are named
    # The units not taken: (line, tuid, why), named FILE:LINE in as_json.
    skipped_units: list[tuple[int, str | None, str]] = field(default_factory=list)
    judged: Counter[str] = field(default_factory=Counter)  # taken units, by what the judge said
    judged_units: list[tuple[str, str]] = field(default_factory=list)  # (verdict, FILE:LINE)
    notices: list[str] = field(default_factory=list)

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
                {"unit": f"{self.file}:{line}", "tuid": tuid, "why": why}
                for line, tuid, why in sorted(self.skipped_units, key=lambda u: u[0])
            ],
            "taken_units": {
                verdict: [where for v, where in self.judged_units if v == verdict]
                for verdict in self.judged
            },
            "notices": self.notices,
        }


Judge = Callable[[str, int], "str | None"]  # (sentence, its key hash) -> what to count it as


class _Unit(NamedTuple):
    """A unit to take (or to keep as a suggestion), as read, with its key: what the reading
    process sends, as a plain tuple (pickled much faster than a ``TmxUnit``)."""

    line: int
    tuid: str | None
    source: str
    english: str
    ident: str
    origin: str  # the TMX's name, and the unit's own origin or author
    time: str | None
    notes: tuple[str, ...]
    khash: int  # ``TranslationMemory.key_of``
    plain: str | None
    verdict: str | None  # what the judge says of the sentence (editors' English only)
    suggestion: str | None  # None: an editor's English; else why it is only a suggestion


_Read = tuple | Refusal  # a _Unit's fields, or a unit refused


class _Reader:
    """The units of one TMX (``tmx_units.TmxReader``), each with its normalized key's hash
    (``key_of``: the glossary's, nothing of the store) and what ``judge`` says of it, or the
    ``Refusal``. So it can run in a process of its own."""

    def __init__(
        self,
        path: Path,
        key_of: Callable[[str], tuple[int, str | None]],
        judge: Judge | None = None,
    ):
        self.path, self.key_of, self.judge = path, key_of, judge
        self.tmx = TmxReader(path)

    def __iter__(self) -> Iterator[_Read]:
        name = self.path.name
        for unit in self.tmx:
            yield unit if isinstance(unit, Refusal) else self.unit(unit, name)

    def unit(self, unit: TmxUnit, name: str) -> tuple:
        inner = unit.origin or unit.author
        origin = f"{name} ({inner})" if inner else name
        khash, plain = self.key_of(unit.chinese)
        editors = unit.suggestion is None
        verdict = self.judge(unit.chinese, khash) if editors and self.judge is not None else None
        return (unit.line, unit.tuid, unit.chinese, unit.english, unit.ident, origin, unit.time,
                unit.notes, khash, plain, verdict, unit.suggestion)  # fmt: skip


class _TmxImport:
    """The units of one TMX into the memory, inside one write transaction of it, never
    overwriting: an editor's English by ``take``, a suggestion by ``suggest``. What this file
    took so far is the memory's own rows added in this change; beside them only the line each
    was taken from (4 bytes a unit), so a file of millions of units needs little memory."""

    def __init__(self, path: Path, memory: TranslationMemory):
        self.path, self.memory = path, memory
        self.summary = ImportSummary(file=str(path))
        self.first_row = 0  # the row of the first entry taken; rows are numbered on
        self.lines = array("I")  # the line of each entry taken, by row - first_row
        self.duplicates: dict[int, list[tuple[int, str | None]]] = {}  # row -> agreeing units
        self.before: dict[int, Entry] = {}  # row -> the notes-only entry it replaced
        self.verdicts: dict[int, str] = {}  # row -> what the judge said of it
        self.disagreeing: dict[int, list[str]] = {}  # key hash -> this file's Englishes for it
        self.now = datetime.now(UTC).replace(microsecond=0).isoformat()

    def batch(self, items: list[_Read]) -> None:
        units = {n: _Unit(*item) for n, item in enumerate(items) if not isinstance(item, Refusal)}
        postings = self.memory.postings
        prepared = {
            n: postings(u.khash, u.source if u.plain is None else u.plain) for n, u in units.items()
        }
        self.memory.look_up(list(prepared.values()))
        for n, item in enumerate(items):
            if isinstance(item, Refusal):
                self.refused(item)
            elif units[n].suggestion is not None:
                self.suggest(units[n], prepared[n])
            else:
                self.take(units[n], prepared[n])

    def refused(self, refusal: Refusal) -> None:
        self.skip(refusal.line, refusal.tuid, refusal.why, refusal.detail)
        if refusal.why in PROBLEMS:
            self.summary.problems.append(refusal.named(self.path))

    def skip(self, line: int, tuid: str | None, why: str, detail: str = "") -> None:
        self.summary.skipped[why] += 1
        self.summary.skipped_units.append((line, tuid, f"{why}: {detail}" if detail else why))

    def where(self, row: int) -> str:
        return f"{self.path}:{self.lines[row - self.first_row]}"

    def suggest(self, unit: _Unit, prepared: Prepared) -> None:
        suggestion = Suggestion(
            unit.source, unit.english, unit.origin, unit.time or self.now, unit.suggestion or ""
        )
        if self.memory.suggest(suggestion, prepared):
            self.summary.suggestions += 1
        else:  # the memory has it, as a suggestion or as the sentence's editors' English
            self.skip(unit.line, unit.tuid, ALREADY)

    def take(self, unit: _Unit, prepared: Prepared) -> None:
        source, english, khash = unit.source, unit.english, prepared.khash
        if khash in self.disagreeing:
            self.disagree(f"{self.path}:{unit.line}", source, english, khash)
            return
        existing = self.memory.stored(source, prepared)
        if existing is None:  # the usual case, first
            stored = self.memory.put(
                Entry(source, english, unit.ident, unit.origin, unit.time or self.now, unit.notes),
                replace=False,
                prepared=prepared,
            )
            self.record(stored.row_id, unit.line)
            self.judged(stored.row_id, unit.verdict)
            return
        where = f"{self.path}:{unit.line}"
        mine = existing if existing.added else None
        if mine is not None and mine.entry.english == english:  # named in finish(), if kept
            self.duplicates.setdefault(mine.row_id, []).append((unit.line, unit.tuid))
            self.summary.skipped[DUPLICATE] += 1
            return
        if mine is not None:  # the file translates the sentence two ways: neither is taken
            units = 1 + len(self.duplicates.get(mine.row_id, ()))
            first = self.where(mine.row_id)
            self.give_back(mine)
            self.disagreeing[khash] = [mine.entry.english or "", english]
            more = f" (and {units - 1} more units)" if units > 1 else ""
            self.conflict(
                first,
                mine.entry.source,
                f"later in this file reads «{english}», this unit{more} «{mine.entry.english}»",
                units=units,
            )
            self.disagree(where, source, english, khash)
            return
        if existing.entry.english == english:
            self.skip(unit.line, unit.tuid, ALREADY)
            return
        if existing.entry.english is not None:
            self.conflict(
                where, source, f"the memory reads «{existing.entry.english}», this unit «{english}»"
            )
            return
        # Notes only so far, on exactly this sentence: keep them.
        notes = tuple(dict.fromkeys(existing.entry.notes + unit.notes))
        entry = Entry(source, english, unit.ident, unit.origin, unit.time or self.now, notes)
        stored = self.memory.put(entry, replace=True, prepared=prepared)
        self.record(stored.row_id, unit.line)
        self.before[stored.row_id] = existing.entry
        self.judged(stored.row_id, unit.verdict)

    def judged(self, row: int, verdict: str | None) -> None:
        """Count a unit taken, by what the judge said of it."""
        self.summary.taken += 1
        if verdict:
            self.verdicts[row] = verdict
            self.summary.judged[verdict] += 1

    def record(self, row: int, line: int) -> None:
        if not self.first_row:
            self.first_row = row
        while len(self.lines) < row - self.first_row:
            self.lines.append(0)
        self.lines.append(line)

    def give_back(self, mine: Stored) -> None:
        """Undo taking ``mine`` from this file, and the count of its duplicates."""
        self.memory.remove(mine.entry.source)
        before = self.before.pop(mine.row_id, None)
        if before is not None:
            self.memory.put(before, replace=False)
        self.summary.taken -= 1
        if verdict := self.verdicts.pop(mine.row_id, None):
            self.summary.judged[verdict] -= 1
        skipped = self.summary.skipped
        skipped[DUPLICATE] -= len(self.duplicates.pop(mine.row_id, ()))
        if skipped[DUPLICATE] <= 0:
            del skipped[DUPLICATE]

    def finish(self) -> None:
        """Name the duplicates of the sentences taken, and what the judge said by unit."""
        for units in self.duplicates.values():
            self.summary.skipped_units.extend((line, tuid, DUPLICATE) for line, tuid in units)
        self.summary.judged_units = [(v, self.where(row)) for row, v in self.verdicts.items()]
        self.summary.judged = +self.summary.judged

    def disagree(self, where: str, source: str, english: str, khash: int) -> None:
        """A unit of a sentence this file translates more than one way: a conflict."""
        seen = self.disagreeing[khash]
        if english not in seen:
            seen.append(english)
        other = next(e for e in seen if e != english)
        self.conflict(where, source, f"earlier in this file reads «{other}», this unit «{english}»")

    def conflict(self, where: str, source: str, why: str, units: int = 1) -> None:
        self.summary.conflicts += units
        self.summary.problems.append(f"{where}: «{source}»: {why}; not taken")


_BATCH = 2000  # units a message from the reading process carries
_PARALLEL_BYTES = 1 << 20  # files from this size are read in a process of their own


def read_tmx(path: Path, memory: TranslationMemory, judge: Judge | None = None) -> ImportSummary:
    """Take a TMX's zh/en pairs into ``memory``: editors' English, never overwriting, and
    suggestions (machine, draft and alternative translations). Call it inside
    ``memory.writing()`` (one transaction: a file broken halfway takes nothing). ``judge`` says
    of each sentence what the summary should count it as, if taken (e.g. that it can never
    match a sentence of the sources exactly), or None.

    A file of a megabyte or more is read (the XML, and each sentence normalized) in a second
    process while this one indexes the units and takes them into the store: both cores work."""
    reader = _Reader(path, memory.key_of, judge)
    run = _TmxImport(path, memory)
    parallel = path.stat().st_size >= _PARALLEL_BYTES and _can_fork()
    batches = _read_elsewhere(reader) if parallel else _batches(reader)
    for batch in batches:
        run.batch(batch)
    run.finish()
    run.summary.units = reader.tmx.units
    return run.summary


def _batches(reader: _Reader) -> Iterator[list[_Read]]:
    batch: list[_Read] = []
    for item in reader:
        batch.append(item)
        if len(batch) >= _BATCH:
            yield batch
            batch = []
    yield batch


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _read_elsewhere(reader: _Reader) -> Iterator[list[_Read]]:
    """``_batches(reader)`` from a forked process; its errors are raised here, its counts
    copied back."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_read_into, args=(reader, send), daemon=True)
    process.start()
    send.close()
    try:
        while True:
            try:
                message = receive.recv()
            except EOFError:
                raise RuntimeError("the process reading the TMX ended unexpectedly") from None
            if isinstance(message, list):
                yield message
            elif message[0] == "done":
                reader.tmx.units, reader.tmx.pairs, reader.tmx.languages = message[1:]
                return
            elif message[0] == "error":
                raise InputError(message[1])
            else:
                raise RuntimeError(f"reading the TMX failed: {message[1]}")
    finally:  # done, failed or interrupted: the reader is not waited for
        receive.close()
        if process.is_alive():
            process.kill()
        process.join()


def _read_into(reader: _Reader, send) -> None:
    """In the forked process: the batches, then ("done", counts) or ("error", message)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to answer
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        for batch in _batches(reader):
            send.send(batch)
        send.send(("done", reader.tmx.units, reader.tmx.pairs, reader.tmx.languages))
    except InputError as exc:
        send.send(("error", str(exc)))
    except OSError:  # the parent stopped reading (it failed, or was interrupted)
        pass
    except Exception as exc:  # a bug: the parent says so
        send.send(("bug", f"{type(exc).__name__}: {exc}"))
    finally:
        send.close()
