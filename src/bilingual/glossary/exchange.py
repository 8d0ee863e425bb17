"""The glossary out to TBX and CSV, and terms in from them, for CAT tools and spreadsheets.

TBX (TermBase eXchange, the ``martif`` dialect of ISO 30042:2008 that CAT tools exchange; written
with translate-toolkit's TBX store): one ``termEntry`` per term, a ``langSet`` per language
(``zh-Hans``: the term, ``preferredTerm-admn-sts``, then each variant as
``deprecatedTerm-admn-sts``, since a variant is a spelling the build replaces; ``en``; ``zh-Hant``
when given) and the glossary note as the entry's ``note``. Reading also accepts TBX v3
(``conceptEntry``/``langSec``/``termSec``) and any language-code spelling; in a Chinese
``langSet`` the preferred (else first) term is the term and the others are its variants.

CSV: a header row and one term a row, columns ``zh``, ``en``, ``zh_hant``, ``variants``
(separated by ``;``) and ``note``; written as UTF-8 with a byte-order mark so Excel shows the
Chinese. Reading accepts comma, semicolon or tab separators, a BOM or none, and language codes as
column names (zh-CN, en-US, zh-TW...).

Import never edits an existing glossary file: new terms go to a new
``glossary/imported-NAME.yaml`` (``-2``, ``-3``... when that exists), which is validated with
the rest before it is written. A term already in the glossary with the same English is skipped;
with a different English (or whose Chinese is another term's variant) it is a conflict, reported
with both texts and not taken. Each row is held to the glossary's own rules
(``glossary.yaml_files``), so one bad row never blocks the rest: a term with no letter or Han
character, or one a variant of the glossary occurs inside, is skipped; a variant that is
already a term or another term's variant, has no letter, or occurs inside a term is dropped
from the imported term; each is said by its FILE:ROW. Invisible characters are removed, as the
glossary's reader removes them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from bilingual import __version__
from bilingual.document.languages import ENGLISH, SIMPLIFIED, TAGS, TRADITIONAL, role
from bilingual.errors import InputError, ManyErrors
from bilingual.glossary.terms import Glossary, Matcher, Term, strip_invisible
from bilingual.glossary.yaml_files import inside_term, load_glossary, with_new_file, wordless
from bilingual.util.atomic import remove_leftovers, write_bytes, write_text
from bilingual.util.locks import LOCK_NAME, folder_lock
from bilingual.util.xml_input import local, release, stream, text_of

CSV_COLUMNS = ("zh", "en", "zh_hant", "variants", "note")
VARIANT_SEPARATOR = ";"
PREFERRED = "preferredTerm-admn-sts"
DEPRECATED = "deprecatedTerm-admn-sts"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_COLUMN_ALIASES = {
    "variant": "variants",
    "notes": "note",
    "comment": "note",
    "comments": "note",
    "definition": "note",
}


# --- export -------------------------------------------------------------------------------------


def render_tbx(glossary: Glossary) -> bytes:
    from translate.storage.tbx import tbxfile

    store = tbxfile(sourcelanguage=TAGS[SIMPLIFIED], targetlanguage=TAGS[ENGLISH])
    store.addheader()
    for description in store.document.getroot().iter("p"):
        description.text = f"bilingual {__version__}: glossary/*.yaml"
    for number, term in enumerate(glossary.terms, start=1):
        unit = store.addsourceunit(term.zh)
        unit.setid(f"t{number}")
        unit.set_source_terms([term.zh, *term.variants], TAGS[SIMPLIFIED])
        unit.settarget(term.en, TAGS[ENGLISH])
        if term.zh_hant:
            unit.set_target_terms([term.zh_hant], TAGS[TRADITIONAL])
        entry = unit.xmlelement
        zh_set = next(s for s in entry.iterchildren("langSet") if s.get(_XML_LANG) == "zh-Hans")
        for index, tig in enumerate(zh_set.iterchildren("tig")):
            status = etree.SubElement(tig, "termNote", type="administrativeStatus")
            status.text = PREFERRED if index == 0 else DEPRECATED
        if term.note:
            note = etree.Element("note")
            note.text = term.note
            entry.insert(0, note)
    return bytes(store)


def render_csv(glossary: Glossary) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for t in glossary.terms:
        variants = f"{VARIANT_SEPARATOR} ".join(t.variants)
        writer.writerow([t.zh, t.en, t.zh_hant or "", variants, t.note or ""])
    return "\ufeff" + out.getvalue()


def export_glossary(directory: Path, fmt: str, output: Path | None = None) -> Path:
    """Write the glossary of ``directory`` as ``fmt`` ("tbx" or "csv"); return the path."""
    glossary = load_glossary(directory)
    path = output or Path(f"glossary.{fmt}")
    if fmt == "tbx":
        write_bytes(path, render_tbx(glossary))
    else:
        write_text(path, render_csv(glossary))
    return path


# --- reading TBX and CSV ------------------------------------------------------------------------


@dataclass(frozen=True)
class Incoming:
    """One term as another tool wrote it."""

    zh: str
    en: str
    zh_hant: str | None
    variants: tuple[str, ...]
    note: str | None
    where: str  # "FILE:LINE"


def _text(element: etree._Element) -> str:
    return " ".join(text_of(element).split())


def _terms_of(language_set: etree._Element) -> list[tuple[str, str]]:
    """(term, administrative status) of each term of a langSet/langSec, in order."""
    found = []
    for container in language_set:
        if local(container) not in ("tig", "ntig", "termSec"):
            continue
        term = next((e for e in container.iter() if local(e) == "term"), None)
        if term is None or not _text(term):
            continue
        status = ""
        for note in container.iter():
            if local(note) in ("termNote", "admin") and note.get("type") in (
                "administrativeStatus",
                "normativeAuthorization",
            ):
                status = _text(note)
        found.append((_text(term), status))
    return found


def _split(terms: list[tuple[str, str]]) -> tuple[str | None, list[str]]:
    """(the preferred term, else the first not deprecated, else the first; the others)."""
    if not terms:
        return None, []
    ranked = sorted(
        range(len(terms)),
        key=lambda i: (
            "preferred" not in terms[i][1].lower(),
            "deprecated" in terms[i][1].lower() or "superseded" in terms[i][1].lower(),
            i,
        ),
    )
    main = terms[ranked[0]][0]
    return main, [t for t, _ in terms if t != main]


def _entry_notes(entry: etree._Element) -> list[str]:
    """Notes and definitions of a concept, outside its language sections' terms."""
    notes = []
    for element in entry.iter():
        if local(element) == "note" or (
            local(element) == "descrip" and element.get("type") == "definition"
        ):
            containers = {local(a) for a in element.iterancestors()}
            if not containers & {"tig", "ntig", "termSec"} and _text(element):
                notes.append(_text(element))
    return list(dict.fromkeys(notes))


def read_tbx(path: Path) -> Iterator[Incoming]:
    root_seen = False
    for event, element in stream(path, "export it again as TBX", events=("start", "end")):
        if event == "start":
            if not root_seen:
                root_seen = True
                if local(element) not in ("martif", "tbx"):
                    raise InputError(
                        f"{path}: not a TBX file (its root element is <{local(element)}>); "
                        "export the termbase as TBX"
                    )
            continue
        if local(element) not in ("termEntry", "conceptEntry"):
            continue
        languages: dict[str, list[tuple[str, str]]] = {}
        for language_set in element:
            if local(language_set) not in ("langSet", "langSec"):
                continue
            kind = role(language_set.get(_XML_LANG) or language_set.get("lang"))
            if kind is not None:
                languages.setdefault(kind, []).extend(_terms_of(language_set))
        zh, variants = _split(languages.get(SIMPLIFIED, []))
        en, _ = _split(languages.get(ENGLISH, []))
        hant, _ = _split(languages.get(TRADITIONAL, []))
        notes = _entry_notes(element)
        where = f"{path}:{element.sourceline}"
        release(element)
        yield Incoming(zh or "", en or "", hant, tuple(variants), "; ".join(notes) or None, where)


def _column(name: str) -> str | None:
    key = name.strip().lstrip("\ufeff").lower().replace("-", "_")
    key = _COLUMN_ALIASES.get(key, key)
    if key in CSV_COLUMNS:
        return key
    return {SIMPLIFIED: "zh", TRADITIONAL: "zh_hant", ENGLISH: "en"}.get(role(key) or "")


def read_csv(path: Path) -> Iterator[Incoming]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not UTF-8 (byte {exc.start}); save it as CSV UTF-8 and import again"
        ) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    try:  # only the separator is guessed (from the header row); quoting is Excel's
        delimiter = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(rows, [])
    columns = [_column(name) for name in header]
    if "zh" not in columns or "en" not in columns:
        raise InputError(
            f"{path}:1: the first row must name the columns, at least zh and en "
            f"({', '.join(CSV_COLUMNS)}; language codes such as zh-CN, en-US also work)"
        )
    for number, row in enumerate(rows, start=2):
        values: dict[str, str] = {}
        for name, value in zip(columns, row, strict=False):
            if name and value.strip() and name not in values:
                values[name] = value.strip()
        if not values:
            continue
        variants = tuple(
            v.strip() for v in values.get("variants", "").split(VARIANT_SEPARATOR) if v.strip()
        )
        yield Incoming(
            values.get("zh", ""),
            values.get("en", ""),
            values.get("zh_hant"),
            variants,
            values.get("note"),
            f"{path}:{number}",
        )


def read_terms(path: Path) -> Iterator[Incoming]:
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".tbx", ".xml"):
        return read_tbx(path)
    if suffix in (".csv", ".tsv", ".txt"):
        return read_csv(path)
    raise InputError(f"{path}: not a termbase bilingual can import (.tbx or .csv files are)")


# --- import -------------------------------------------------------------------------------------


@dataclass
class GlossaryImport:
    added: int = 0
    same: int = 0
    conflicts: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)
    written: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.conflicts

    def line(self) -> str:
        where = f" into {self.written}" if self.written else ""
        return (
            f"{self.added} added{where}, {self.same} already in the glossary, "
            f"{self.conflicts} conflicts, {self.skipped} skipped"
        )


class _Merge:
    """New terms against the glossary and each other, by the validator's per-term rules: a row
    that cannot be a term is skipped, a variant that cannot be one is dropped, each said by the
    row's own FILE:ROW, so one bad row never blocks the rest."""

    def __init__(self, glossary: Glossary):
        self.by_zh = dict(glossary.by_zh)
        self.variant_of = dict(glossary.variant_of)
        self.summary = GlossaryImport()
        self.new: list[Incoming] = []
        self._variants: Matcher | None = None  # of variant_of, rebuilt when it grows

    def add(self, term: Incoming) -> None:
        term = _visible(term)
        if not term.zh or not term.en:
            missing = "Simplified Chinese" if not term.zh else "English"
            self.skip(term, f"no {missing} term")
            return
        if problem := wordless(term.zh, "term"):
            self.skip(term, problem)
            return
        existing = self.by_zh.get(term.zh)
        if existing is not None:
            if existing.en == term.en:
                self.summary.same += 1
            else:
                self.conflict(term, f"the glossary has «{existing.en}» ({existing.where})")
            return
        if term.zh in self.variant_of:
            owner = self.by_zh[self.variant_of[term.zh]]
            self.conflict(term, f"it is a variant of {owner.zh} ({owner.where})")
            return
        if problem := self.rewritten(term.zh):
            self.skip(term, problem)
            return
        variants = []
        for variant in dict.fromkeys(term.variants):
            if variant == term.zh:
                continue
            if problem := self.bad_variant(variant, term.zh):
                self.summary.problems.append(
                    f"{term.where}: {problem}; the term is imported without it"
                )
                continue
            variants.append(variant)
        term = replace(term, variants=tuple(variants))
        self.by_zh[term.zh] = Term(term.zh, term.en, where=term.where)
        for variant in variants:
            self.variant_of[variant] = term.zh
        if variants:
            self._variants = None
        self.new.append(term)
        self.summary.added += 1

    def rewritten(self, zh: str) -> str | None:
        """Why ``zh`` cannot be a term: a variant of the glossary occurs inside it."""
        if self._variants is None:
            self._variants = Matcher(self.variant_of)
        hits = self._variants.find(zh)
        if not hits:
            return None
        variant = hits[0][2]
        return inside_term(variant, self.variant_of[variant], [zh])

    def bad_variant(self, variant: str, zh: str) -> str | None:
        """Why ``variant`` cannot be one of ``zh``: no letter, already used, or inside a term."""
        owner = variant if variant in self.by_zh else self.variant_of.get(variant)
        if owner is not None:
            what = "a term" if owner == variant else f"a variant of {owner}"
            return f"variant {variant} of {zh} is already {what}"
        return wordless(variant, "variant") or inside_term(variant, zh, [*self.by_zh, zh])

    def skip(self, term: Incoming, why: str) -> None:
        self.summary.skipped += 1
        self.summary.problems.append(f"{term.where}: {why}; skipped")

    def conflict(self, term: Incoming, why: str) -> None:
        self.summary.conflicts += 1
        self.summary.problems.append(f"{term.where}: {term.zh} = «{term.en}»: {why}; not imported")


def _visible(term: Incoming) -> Incoming:
    """``term`` without the invisible characters the glossary's reader removes."""

    def clean(text: str | None) -> str | None:
        return None if text is None else strip_invisible(text).strip() or None

    return replace(
        term,
        zh=clean(term.zh) or "",
        en=clean(term.en) or "",
        zh_hant=clean(term.zh_hant),
        variants=tuple(v for v in map(clean, term.variants) if v),
        note=clean(term.note),
    )


def _yaml(terms: list[Incoming], source: Path) -> str:
    import yaml

    items = []
    for t in terms:
        item: dict[str, object] = {"zh": t.zh, "en": t.en}
        if t.zh_hant:
            item["zh_hant"] = t.zh_hant
        if t.variants:
            item["variants"] = list(t.variants)
        if t.note:
            item["note"] = t.note
        items.append(item)
    today = datetime.now(UTC).date().isoformat()
    body = yaml.safe_dump(
        {"terms": items}, allow_unicode=True, sort_keys=False, width=1000, indent=2
    )
    return f"# Imported from {source.name} by `bilingual glossary import` on {today}.\n" + body


def _target(directory: Path, source: Path) -> Path:
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", source.stem).strip("-.").lower() or "terms"
    path = directory / f"imported-{stem}.yaml"
    number = 2
    while path.exists():
        path = directory / f"imported-{stem}-{number}.yaml"
        number += 1
    return path


def import_glossary(path: Path, directory: Path) -> GlossaryImport:
    """Terms of a TBX or CSV into a new YAML file of ``directory``; see the module. Under the
    glossary's lock (``util.locks``): two imports never miss each other's terms or take one name.
    """
    if not directory.is_dir():
        return _import_into(path, directory)  # refused by load_glossary, with what to do
    with folder_lock(directory / LOCK_NAME, "the glossary"):
        remove_leftovers(directory)
        return _import_into(path, directory)


def _import_into(path: Path, directory: Path) -> GlossaryImport:
    glossary = load_glossary(directory)
    merge = _Merge(glossary)
    for term in read_terms(path):
        merge.add(term)
    if not merge.new:
        return merge.summary
    target = _target(directory, path)
    text = _yaml(merge.new, path)
    try:  # the rules above make this a formality; if it fails, that is a bug: say so plainly
        with_new_file(glossary, target, text)
    except ManyErrors as exc:
        raise InputError(
            f"{path}: the imported terms would not pass `bilingual glossary check` "
            f"({exc.messages[0]}); nothing written"
        ) from None
    write_text(target, text)
    merge.summary.written = target
    return merge.summary
