"""The glossary out to TBX and CSV, and terms in from them, for CAT tools and spreadsheets.

TBX (TermBase eXchange, the ``martif`` dialect of ISO 30042:2008 that CAT tools exchange; written
with translate-toolkit's TBX store): one ``termEntry`` per term, its subject field and note; a
``langSet`` per language: ``zh-Hans`` (the term, ``preferredTerm-admn-sts`` and its part of
speech, then each variant as ``deprecatedTerm-admn-sts`` with the usage note "misspelling", since
a variant is a spelling the build replaces), ``en`` (the English, the admitted English terms,
the do-not-use ones as ``deprecatedTerm-admn-sts``), ``zh-Hant`` when given; each language's
definition. Reading is ``glossary.tbx_read`` (every TBX dialect and status spelling).

CSV: a header row and one term a row, columns ``zh``, ``en``, ``zh_hant``, ``variants``
(separated by ``;``) and ``note``; written as UTF-8 with a byte-order mark so Excel shows the
Chinese. Reading is ``glossary.csv_read`` (Excel's encodings, separators and header names).

Import never edits an existing glossary file: new terms go to a new
``glossary/imported-NAME.yaml`` (``-2``, ``-3``... when that exists), which is validated with
the rest before it is written. A term already in the glossary with the same English (whatever
its case) is skipped; with a different English (or whose Chinese is another term's variant) it
is a conflict, reported with both texts and not taken. A termbase's other Chinese terms
(synonyms) are never variants unless the file marks them as misspellings or the user asks
(``chinese_synonyms="variants"``): they are kept in the note, and each is said. Each row is held
to the glossary's own rules (``glossary.yaml_files``), so one bad row never blocks the rest: a
term with no letter or Han character, or one a variant of the glossary occurs inside, is
skipped; a variant that is already a term or another term's variant, has no letter, or occurs
inside a term is dropped from the imported term; each is said by its FILE:ROW. Invisible
characters are removed, as the glossary's reader removes them.
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
from bilingual.document.languages import ENGLISH, SIMPLIFIED, TAGS, TRADITIONAL
from bilingual.errors import InputError, ManyErrors
from bilingual.glossary.csv_read import VARIANT_SEPARATOR, read_csv, read_sheet
from bilingual.glossary.incoming import Incoming
from bilingual.glossary.tbx_read import read_tbx
from bilingual.glossary.terms import Glossary, Matcher, Term, strip_invisible
from bilingual.glossary.yaml_files import inside_term, load_glossary, with_new_file, wordless
from bilingual.util.atomic import remove_leftovers, write_bytes, write_text
from bilingual.util.locks import LOCK_NAME, folder_lock

CSV_COLUMNS = ("zh", "en", "zh_hant", "variants", "note")
PREFERRED = "preferredTerm-admn-sts"
ADMITTED = "admittedTerm-admn-sts"
DEPRECATED = "deprecatedTerm-admn-sts"
MISSPELLING = "misspelling: the build replaces it with the term"
SYNONYM_MODES = ("notes", "variants")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_LANGUAGE_TAGS = {"zh": TAGS[SIMPLIFIED], "en": TAGS[ENGLISH], "zh_hant": TAGS[TRADITIONAL]}


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
        unit.set_target_terms([term.en, *term.en_admitted, *term.do_not_use], TAGS[ENGLISH])
        if term.zh_hant:
            unit.set_target_terms([term.zh_hant], TAGS[TRADITIONAL])
        _statuses(unit.xmlelement, term)
    return bytes(store)


def _statuses(entry: etree._Element, term: Term) -> None:
    """Each term's status (and the variants' "misspelling" note), the part of speech, the
    subject field, the definitions and the note, where TBX puts them."""
    sets = {s.get(_XML_LANG): s for s in entry.iterchildren("langSet")}
    zh_tigs = list(sets[TAGS[SIMPLIFIED]].iterchildren("tig"))
    for index, tig in enumerate(zh_tigs):
        _sub(tig, "termNote", PREFERRED if index == 0 else DEPRECATED, type="administrativeStatus")
        if index:
            _sub(tig, "note", MISSPELLING)
    en_tigs = list(sets[TAGS[ENGLISH]].iterchildren("tig"))
    admitted = len(term.en_admitted)
    for index, tig in enumerate(en_tigs):
        status = PREFERRED if index == 0 else ADMITTED if index <= admitted else DEPRECATED
        _sub(tig, "termNote", status, type="administrativeStatus")
    if term.part_of_speech:
        for tig in (zh_tigs[0], en_tigs[0]):
            _sub(tig, "termNote", term.part_of_speech, type="partOfSpeech")
    for language, text in term.definitions:
        language_set = sets.get(_LANGUAGE_TAGS[language])
        if language_set is not None:
            language_set.insert(0, _element("descrip", text, type="definition"))
    if term.subject:
        entry.insert(0, _element("descrip", term.subject, type="subjectField"))
    if term.note:
        entry.insert(0, _element("note", term.note))


def _element(tag: str, text: str, **attributes: str) -> etree._Element:
    element = etree.Element(tag, attrib=attributes)
    element.text = text
    return element


def _sub(parent: etree._Element, tag: str, text: str, **attributes: str) -> None:
    parent.append(_element(tag, text, **attributes))


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


def read_terms(path: Path, notices: list[str]) -> Iterator[Incoming]:
    """The terms of a TBX or CSV file; ``notices`` gets what the user should know (for a CSV,
    how it was read)."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".tbx", ".xml"):
        return read_tbx(path)
    if suffix in (".csv", ".tsv", ".txt"):
        sheet = read_sheet(path)
        terms = read_csv(sheet)
        notices.extend([sheet.line, *sheet.notices])
        return terms
    raise InputError(f"{path}: not a termbase bilingual can import (.tbx or .csv files are)")


# --- import -------------------------------------------------------------------------------------


@dataclass
class GlossaryImport:
    added: int = 0
    same: int = 0
    conflicts: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # what was read and done, row by row
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
    row's own FILE:ROW, so one bad row never blocks the rest. ``synonyms``: what a termbase's
    other Chinese terms become ("notes" or "variants")."""

    def __init__(self, glossary: Glossary, synonyms: str = "notes"):
        self.by_zh = dict(glossary.by_zh)
        self.variant_of = dict(glossary.variant_of)
        self.synonyms = synonyms
        self.summary = GlossaryImport()
        self.new: list[Incoming] = []
        self._variants: Matcher | None = None  # of variant_of, rebuilt when it grows

    def add(self, term: Incoming) -> None:
        term = _visible(term)
        if not term.zh or not term.en:
            missing = "Simplified Chinese" if not term.zh else "English"
            why = f"no usable term: {term.unusable}" if term.unusable else f"no {missing} term"
            self.skip(term, why)
            return
        if problem := wordless(term.zh, "term"):
            self.skip(term, problem)
            return
        existing = self.by_zh.get(term.zh)
        if existing is not None:
            if existing.en.casefold() != term.en.casefold():
                self.conflict(term, f"the glossary has «{existing.en}» ({existing.where})")
                return
            self.summary.same += 1
            if existing.en != term.en:
                self.summary.notices.append(
                    f"{term.where}: {term.zh} = «{term.en}»: the glossary has «{existing.en}» "
                    f"({existing.where}), the same term but for case; the glossary's is kept"
                )
            return
        if term.zh in self.variant_of:
            owner = self.by_zh[self.variant_of[term.zh]]
            self.conflict(term, f"it is a variant of {owner.zh} ({owner.where})")
            return
        if problem := self.rewritten(term.zh):
            self.skip(term, problem)
            return
        term = self.place_synonyms(term)
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

    def place_synonyms(self, term: Incoming) -> Incoming:
        """The termbase's other Chinese terms: in the note (said, one by one), or variants."""
        if not term.synonyms:
            return term
        for synonym, status in term.synonyms:
            what = f"{term.where}: {synonym} ({status} Chinese term of {term.zh})"
            if self.synonyms == "variants":
                self.summary.notices.append(
                    f"{what}: a variant, as asked: the build replaces it with {term.zh}"
                )
            else:
                self.summary.notices.append(
                    f"{what}: kept in the note, not as a variant, so sources keep it "
                    "(--chinese-synonyms variants would make it one)"
                )
        if self.synonyms == "variants":
            return replace(term, variants=term.variants + tuple(s for s, _ in term.synonyms))
        listed = ", ".join(f"{s} ({status})" for s, status in term.synonyms)
        note = "; ".join(n for n in (term.note, f"other Chinese terms: {listed}") if n)
        return replace(term, note=note)

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

    def texts(values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v for v in map(clean, values) if v))

    return replace(
        term,
        zh=clean(term.zh) or "",
        en=clean(term.en) or "",
        zh_hant=clean(term.zh_hant),
        variants=texts(term.variants),
        note=clean(term.note),
        synonyms=tuple((c, status) for s, status in term.synonyms if (c := clean(s))),
        en_admitted=texts(term.en_admitted),
        do_not_use=texts(term.do_not_use),
        part_of_speech=clean(term.part_of_speech),
        subject=clean(term.subject),
        definitions=tuple((lang, t) for lang, text in term.definitions if (t := clean(text))),
    )


def _yaml(terms: list[Incoming], source: Path) -> str:
    import yaml

    items = []
    for t in terms:
        item: dict[str, object] = {"zh": t.zh, "en": t.en}
        optional: dict[str, object] = {
            "zh_hant": t.zh_hant,
            "variants": list(t.variants),
            "en_admitted": list(t.en_admitted),
            "do_not_use": list(t.do_not_use),
            "part_of_speech": t.part_of_speech,
            "subject": t.subject,
            "definitions": dict(t.definitions),
            "note": t.note,
        }
        item |= {key: value for key, value in optional.items() if value}
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


def import_glossary(path: Path, directory: Path, chinese_synonyms: str = "notes") -> GlossaryImport:
    """Terms of a TBX or CSV into a new YAML file of ``directory``; see the module.
    ``chinese_synonyms``: "notes" (the default) or "variants". Under the glossary's lock
    (``util.locks``): two imports never miss each other's terms or take one name."""
    if not directory.is_dir():
        return _import_into(path, directory, chinese_synonyms)  # refused by load_glossary
    with folder_lock(directory / LOCK_NAME, "the glossary"):
        remove_leftovers(directory)
        return _import_into(path, directory, chinese_synonyms)


def _import_into(path: Path, directory: Path, chinese_synonyms: str) -> GlossaryImport:
    glossary = load_glossary(directory)
    merge = _Merge(glossary, chinese_synonyms)
    for term in read_terms(path, merge.summary.notices):
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
