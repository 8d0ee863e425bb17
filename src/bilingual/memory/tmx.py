"""The translation memory as TMX 1.4b: out to ``tm/memory.tmx``, and in from other tools.

Export writes one ``<tu>`` per memory entry that has English (entries holding only notes have
no translation to exchange): the Simplified source (``zh-Hans``) and the English (``en``), the
entry's time as ``creationdate``/``changedate``, the file it came from and its segment ID as
``prop``s (``x-origin``, ``x-segment-id``) and the editors' notes as ``note``s. It is built with
translate-toolkit's TMX store.

Import streams the file (lxml ``iterparse``; a TMX of any size is never held whole) and takes
exact sentence pairs: the unit's Simplified Chinese becomes a memory entry and its English the
memory's English, with the TMX file (and the unit's own origin, if it names one) recorded as the
entry's origin. Language tags are read in the spellings tools write (zh-CN, zh-Hans, ZH; en-US,
en-GB, EN). A TMX is not an edition and has no base, so it never overwrites: a unit whose Chinese
(normalized: ``memory.normalize``) already has a different English in the memory (an editor's,
or an earlier TMX's) is a conflict, reported with both texts and not taken; so is every unit of
a sentence the file itself translates more than one way, whichever unit comes first (one taken
earlier is given back). Importing the same TMX twice changes nothing. Imported entries are
editors' English from then on: builds use them (status "edited"), and an editor's DOCX or XLIFF
built before the import that changes such a row is a conflict, by the usual rule.

Two parts, so that a file of millions of units keeps both cores busy and little in memory:
``_Reader`` reads the units (what each ``<tu>`` holds; nothing of the store), in a process of
its own for a large file, and ``_TmxImport`` takes them into the store, in one transaction of
it, remembering of what it took only the rows' line numbers.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from lxml import etree

from bilingual import __version__
from bilingual.document.characters import UNSUPPORTED
from bilingual.document.editions import normal_space
from bilingual.document.languages import ENGLISH, SIMPLIFIED, TAGS, describe, role
from bilingual.errors import InputError
from bilingual.memory.translation_memory import Entry, Prepared, Stored, TranslationMemory
from bilingual.util.atomic import write_bytes
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


def export_tmx(tm: Path, output: Path | None = None) -> ExportResult:
    """Write the memory in folder ``tm`` as TMX 1.4b (default: ``tm/memory.tmx``)."""
    memory = TranslationMemory(tm)
    try:
        path = output or tm / FILE_NAME
        now = datetime.now(UTC).replace(microsecond=0).isoformat()
        data, units = render_tmx(memory.entries(), now)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(path, data)
        return ExportResult(path, units, memory.status().notes_only, memory.notices)
    finally:
        memory.close()


# --- import -------------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    units: int = 0
    taken: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    conflicts: int = 0
    problems: list[str] = field(default_factory=list)
    judged: Counter[str] = field(default_factory=Counter)  # taken units, by what the judge said
    judged_units: list[tuple[str, str]] = field(default_factory=list)  # (verdict, FILE:LINE)
    notices: list[str] = field(default_factory=list)

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
            "taken_units": {
                verdict: [where for v, where in self.judged_units if v == verdict]
                for verdict in self.judged
            },
            "notices": self.notices,
        }


Judge = Callable[[str, int], "str | None"]  # (sentence, its key hash) -> what to count it as


class _Unit(NamedTuple):
    """A unit to take, as read, with its key (by the reading process, which sends it as a plain
    tuple: pickled much faster)."""

    line: int
    source: str
    english: str
    ident: str
    origin: str
    time: str | None
    notes: tuple[str, ...]
    khash: int  # ``TranslationMemory.key_of``
    plain: str | None
    verdict: str | None  # what the judge says of the sentence


_Read = tuple  # a _Unit's fields, or (line, why) for a unit skipped


class _Reader:
    """The units of one TMX, streamed: each ``<tu>`` read, with its normalized key's hash
    (``key_of``: the glossary's, nothing of the store) and what ``judge`` says of it, or skipped
    with the reason. So it can run in a process of its own."""

    def __init__(
        self,
        path: Path,
        key_of: Callable[[str], tuple[int, str | None]],
        judge: Judge | None = None,
    ):
        self.path, self.key_of, self.judge = path, key_of, judge
        self.languages: Counter[str] = Counter()
        self.roles: dict[str, str | None] = {}  # language tag -> its role, read once
        self.units = 0
        self.pairs = 0  # units with a Simplified and an English variant

    def __iter__(self) -> Iterator[_Read]:
        for _, root in stream(self.path, ADVICE, events=("start",)):
            if local(root) != "tmx":  # the first element only: the rest is read unit by unit
                raise InputError(
                    f"{self.path}: not a TMX file (its root element is <{local(root)}>); {ADVICE}"
                )
            break
        for _, element in stream(self.path, ADVICE, tag="tu"):
            self.units += 1
            yield self.unit(element)
            release(element)
        if self.units and not self.pairs:
            raise InputError(
                f"{self.path}: no unit pairs Simplified Chinese with English (languages in the "
                f"file: {describe(list(self.languages))}); nothing imported"
            )

    def unit(self, tu: etree._Element) -> _Read:
        line = tu.sourceline if isinstance(tu.sourceline, int) else 0
        source = english = None
        for tuv in tu.iterchildren("tuv"):
            tag = tuv.get(_XML_LANG) or tuv.get("lang") or ""
            self.languages[tag] += 1
            if tag not in self.roles:
                self.roles[tag] = role(tag)
            kind = self.roles[tag]
            if kind == SIMPLIFIED and source is None:
                source = tuv.find("seg")
            elif kind == ENGLISH and english is None:
                english = tuv.find("seg")
        if source is None or english is None:
            return (line, "other language pair")
        self.pairs += 1
        chinese, target = flatten(source, TMX), flatten(english, TMX)
        if chinese.placeholders or target.placeholders:
            return (line, "inline placeholder codes")
        key, text = chinese.text.strip(), normal_space(target.text)
        if not key or not text:
            return (line, "empty")
        if UNSUPPORTED.search(key) or UNSUPPORTED.search(text):  # the import's rule, every format
            return (line, "characters no output can hold")
        props = {p.get("type"): (p.text or "") for p in tu.iterchildren("prop")}
        notes = tuple(
            dict.fromkeys(n for x in tu.iterchildren("note") if (n := text_of(x).strip()))
        )
        inner = props.get(ORIGIN_PROP) or tu.get("creationid") or tu.get("changeid")
        origin = f"{self.path.name} ({inner})" if inner else self.path.name
        time = iso_date(tu.get("changedate")) or iso_date(tu.get("creationdate"))
        ident = props.get(ID_PROP) or tu.get("tuid") or ""
        khash, plain = self.key_of(key)
        verdict = self.judge(key, khash) if self.judge is not None else None
        return (line, key, text, ident, origin, time, notes, khash, plain, verdict)


class _TmxImport:
    """The units of one TMX into the memory, inside one write transaction of it, never
    overwriting. What this file took so far is the memory's own rows added in this change;
    beside them only the line each was taken from (4 bytes a unit), so a file of millions of
    units needs little memory."""

    def __init__(self, path: Path, memory: TranslationMemory):
        self.path, self.memory = path, memory
        self.summary = ImportSummary()
        self.first_row = 0  # the row of the first entry taken; rows are numbered on
        self.lines = array("I")  # the line of each entry taken, by row - first_row
        self.duplicates: Counter[int] = Counter()  # row -> later units of this file agreeing
        self.before: dict[int, Entry] = {}  # row -> the notes-only entry it replaced
        self.verdicts: dict[int, str] = {}  # row -> what the judge said of it
        self.disagreeing: dict[int, list[str]] = {}  # key hash -> this file's Englishes for it
        self.now = datetime.now(UTC).replace(microsecond=0).isoformat()

    def batch(self, items: list[_Read]) -> None:
        units = [_Unit(*item) for item in items if len(item) > 2]
        postings = self.memory.postings
        prepared = [postings(u.khash, u.source if u.plain is None else u.plain) for u in units]
        self.memory.look_up(prepared)
        for item in items:
            if len(item) == 2:
                self.summary.skipped[item[1]] += 1
        for unit, ready in zip(units, prepared, strict=True):
            self.take(unit, ready)

    def where(self, row: int) -> str:
        return f"{self.path}:{self.lines[row - self.first_row]}"

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
        if mine is not None and mine.entry.english == english:
            self.duplicates[mine.row_id] += 1
            self.summary.skipped["duplicate in the file"] += 1
            return
        if mine is not None:  # the file translates the sentence two ways: neither is taken
            units = 1 + self.duplicates[mine.row_id]
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
            self.summary.skipped["already in the memory"] += 1
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
        skipped["duplicate in the file"] -= self.duplicates.pop(mine.row_id, 0)
        if skipped["duplicate in the file"] <= 0:
            del skipped["duplicate in the file"]

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
    """Take a TMX's exact zh/en pairs into ``memory``, never overwriting; call it inside
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
    run.summary.units = reader.units
    run.summary.judged_units = [(verdict, run.where(row)) for row, verdict in run.verdicts.items()]
    run.summary.judged = +run.summary.judged
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
                reader.units, reader.pairs, reader.languages = message[1:]
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
        send.send(("done", reader.units, reader.pairs, reader.languages))
    except InputError as exc:
        send.send(("error", str(exc)))
    except OSError:  # the parent stopped reading (it failed, or was interrupted)
        pass
    except Exception as exc:  # a bug: the parent says so
        send.send(("bug", f"{type(exc).__name__}: {exc}"))
    finally:
        send.close()
