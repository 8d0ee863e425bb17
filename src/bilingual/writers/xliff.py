"""The CAT tools' edition: XLIFF 2.1 (default) or 1.2, one file per document.

The source is the Simplified edition (``edition_table(document, SIMPLIFIED)``: the same rows and
identity as the zh-Hans DOCX); the Traditional is derived from it by OpenCC and shares its English,
so an English corrected here reaches both editions. Units and the file are built with
translate-toolkit's storage classes; what they do not model (XLIFF 2 notes and metadata in their
schema positions, 1.2 context groups and state qualifiers) is added to their lxml elements.

Each unit carries our segment ID, the Chinese source, the English target and its state, notes
(status, QA flags, glossary terms, editors' notes), the memory's fuzzy matches (XLIFF 2: the
Translation Candidates module, ``mtc:match``; 1.2: ``alt-trans`` with ``match-quality``) and,
like the DOCX, the base the import judges
edits against: the edition identity per file and, per unit, the English it was built with, the
memory's English at build time and the Notes. XLIFF 2 keeps them in the Metadata module
(``mda:``), XLIFF 1.2 in a file note, ``build-num`` and per-unit ``context-group``s.

States:
| status | XLIFF 2.x ``state`` | XLIFF 1.2 ``state`` (``state-qualifier``) |
| machine (any QA flag) | initial | needs-review-translation (mt-suggestion) |
| edited | reviewed | signed-off (leveraged-tm) |
| edited, needs review | translated | translated (leveraged-tm) |
| copied (no Chinese) | translated | translated |

``xliff_targets = "source"`` pre-fills every target with a copy of the Chinese (state initial /
new), the convention of OmegaT's XLIFF filter, which translates the text of ``<target>``; the
English stays in the base and, in 1.2, in an ``alt-trans`` suggestion.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from lxml import etree

from bilingual import __version__
from bilingual.document import Document, Origin, Segment
from bilingual.document.editions import (
    SIMPLIFIED,
    Edition,
    EditionRow,
    EditionTable,
    edition_table,
    status,
)
from bilingual.document.languages import ENGLISH, TAGS
from bilingual.document.languages import SIMPLIFIED as ZH
from bilingual.writers import WriteOptions

XLIFF2_NS = "urn:oasis:names:tc:xliff:document:2.0"
XLIFF12_NS = "urn:oasis:names:tc:xliff:document:1.2"
MDA_NS = "urn:oasis:names:tc:xliff:metadata:2.0"
MTC_NS = "urn:oasis:names:tc:xliff:matches:2.0"
TOOL = "bilingual"  # 1.2 note ``from``; the prefix of 2.x note categories
EDITION_GROUP = "bilingual-edition"  # file-level metaGroup (2.x)
BASE_GROUP = "bilingual-base"  # per-unit metaGroup (2.x) / context-group (1.2)
BASE_FIELDS = ("english", "memory", "notes")  # 2.x meta types; 1.2 context-type "x-bilingual-*"
EDITION_NOTE = "edition "  # the visible file note: "edition bilingual:NAME:zh-Hans:HASH"


def context_type(field: str) -> str:
    return f"x-{TOOL}-{field}"


def _state(segment: Segment, version: str) -> tuple[str, str | None]:
    """(state, 1.2 state-qualifier) for a segment's status."""
    origin = segment.origin or Origin.MACHINE
    if origin is Origin.MEMORY:
        if segment.needs_review:
            return ("translated", "leveraged-tm")
        return ("reviewed", None) if version != "1.2" else ("signed-off", "leveraged-tm")
    if origin is Origin.COPIED:
        return ("translated", None)
    return ("initial", None) if version != "1.2" else ("needs-review-translation", "mt-suggestion")


def unit_notes(segment: Segment, row: EditionRow) -> list[tuple[str, str]]:
    """(category, text) of every note a unit carries: status, QA, terms, editors'."""
    notes = [("status", f"status: {status(segment)}")]
    notes += [("qa", f"QA: {flag.message}") for flag in segment.flags]
    for hit in {h.zh: h for h in segment.terms}.values():
        text = f"term: {hit.zh} = {hit.en}" + (f" ({hit.note})" if hit.note else "")
        notes.append(("term", text))
    notes += [("editor", f"editor: {note}") for note in segment.editor_notes]
    return notes


def _base(row: EditionRow) -> Iterable[tuple[str, str]]:
    yield "english", row.english
    if row.memory is not None:
        yield "memory", row.memory
    yield "notes", row.notes


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str):
    element = etree.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attributes.items()})
    if text is not None:
        element.text = text
    return element


# --- XLIFF 2.1 ----------------------------------------------------------------------------------


def _metadata(group_category: str, values: Iterable[tuple[str, str]]) -> etree._Element:
    metadata = etree.Element(f"{{{MDA_NS}}}metadata", nsmap={"mda": MDA_NS})
    group = _sub(metadata, f"{{{MDA_NS}}}metaGroup", category=group_category)
    for kind, value in values:
        _sub(group, f"{{{MDA_NS}}}meta", value, type=kind)
    return metadata


def _xliff2(document: Document, table: EditionTable, targets: str) -> bytes:
    from translate.storage.xliff2 import Xliff2File

    store = Xliff2File()
    root = store.document.getroot()
    root.set("version", "2.1")
    store.setsourcelanguage(TAGS[ZH])
    store.settargetlanguage(TAGS[ENGLISH])
    file = store.body
    assert file is not None
    file.set("id", "f1")
    file.set("original", Path(document.source_path).name)
    file.append(_metadata(EDITION_GROUP, _edition_values(table)))
    notes = _sub(file, f"{{{XLIFF2_NS}}}notes")
    _sub(notes, f"{{{XLIFF2_NS}}}note", EDITION_NOTE + table.identity, category=f"{TOOL}:edition")
    for segment, row in zip(document.segments, table.rows, strict=True):
        unit = store.addsourceunit(row.chinese)
        unit.setid(row.id)
        unit.settarget(row.chinese if targets == "source" else row.english)
        state = "initial" if targets == "source" else _state(segment, "2.1")[0]
        element = unit.xmlelement  # the <segment>
        element.set("state", state)
        element.set("subState", f"{TOOL}:{_status_word(segment)}")
        # translate-toolkit puts xml:space on <segment>, where the 2.x schema does not allow
        # it; it belongs on the unit.
        element.attrib.pop("{http://www.w3.org/XML/1998/namespace}space", None)
        unit_element = unit.getunitelement()
        unit_element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        unit_element.insert(0, _metadata(BASE_GROUP, _base(row)))
        if segment.fuzzy:
            element.set("id", element.get("id") or "s1")
            unit_element.insert(1, _matches(segment, element.get("id") or "s1"))
        unit_notes_element = etree.Element(f"{{{XLIFF2_NS}}}notes")
        for category, text in unit_notes(segment, row):
            _sub(unit_notes_element, f"{{{XLIFF2_NS}}}note", text, category=f"{TOOL}:{category}")
        unit_element.insert(2 if segment.fuzzy else 1, unit_notes_element)
    etree.cleanup_namespaces(root, top_nsmap={"mda": MDA_NS, "mtc": MTC_NS})
    return bytes(store)


def _matches(segment: Segment, segment_id: str) -> etree._Element:
    """The memory's fuzzy matches as translation candidates (the Translation Candidates
    module): similarity in percent, type "tm", the file the English came from as origin."""
    matches = etree.Element(f"{{{MTC_NS}}}matches", nsmap={"mtc": MTC_NS})
    for number, match in enumerate(segment.fuzzy, 1):
        candidate = _sub(
            matches,
            f"{{{MTC_NS}}}match",
            id=f"m{number}",
            ref=f"#{segment_id}",
            similarity=str(match.score),
            type="mt" if (match.suggestion or "").startswith("machine") else "tm",
            origin=match.origin,
        )
        _sub(candidate, f"{{{XLIFF2_NS}}}source", match.source)
        _sub(candidate, f"{{{XLIFF2_NS}}}target", match.english)
    return matches


def _status_word(segment: Segment) -> str:
    """machine / edited / copied: the editors' status without QA's "needs review"."""
    return status(replace(segment, flags=()))


def _edition_values(table: EditionTable) -> list[tuple[str, str]]:
    values = [("identity", table.identity), ("name", table.name), ("model", table.model)]
    if table.opencc:
        values.append(("opencc", table.opencc))
    return values


# --- XLIFF 1.2 ----------------------------------------------------------------------------------


def _xliff12(document: Document, table: EditionTable, targets: str) -> bytes:
    from translate.storage.xliff import Xliff1File

    class Xliff12File(Xliff1File):
        namespace = XLIFF12_NS
        XMLskeleton = f"""<?xml version="1.0" ?>
<xliff version="1.2" xmlns="{XLIFF12_NS}">
<file original="NoName" source-language="en" datatype="plaintext"><body/></file>
</xliff>"""

    store = Xliff12File()
    file = next(store.document.getroot().iterchildren(f"{{{XLIFF12_NS}}}file"))
    file.set("original", Path(document.source_path).name)
    file.set("source-language", TAGS[ZH])
    file.set("target-language", TAGS[ENGLISH])
    file.set("product-name", TOOL)
    file.set("build-num", table.identity)
    header = etree.Element(f"{{{XLIFF12_NS}}}header")
    file.insert(0, header)
    _sub(header, f"{{{XLIFF12_NS}}}tool", tool_id=TOOL, tool_name=TOOL, tool_version=__version__)
    _sub(header, f"{{{XLIFF12_NS}}}note", EDITION_NOTE + table.identity, **{"from": TOOL})
    for segment, row in zip(document.segments, table.rows, strict=True):
        unit = store.addsourceunit(row.chinese, filename=file.get("original"))
        unit.setid(row.id)
        unit.settarget(row.chinese if targets == "source" else row.english)
        element = unit.xmlelement
        element.set("resname", row.id)
        element.attrib.pop("approved", None)
        target = element.find(f"{{{XLIFF12_NS}}}target")
        if targets == "source":
            target.set("state", "new")
            unit.addalttrans(row.english, origin=f"{TOOL}:{_status_word(segment)}")
        else:
            state, qualifier = _state(segment, "1.2")
            target.set("state", state)
            if qualifier:
                target.set("state-qualifier", qualifier)
            if state == "signed-off":
                element.set("approved", "yes")
        for match in segment.fuzzy:
            unit.addalttrans(
                match.english,
                origin=match.origin,
                sourcetxt=match.source,
                matchquality=str(match.score),
            )
        for _category, text in unit_notes(segment, row):
            unit.addnote(text, origin=TOOL)
        unit.createcontextgroup(  # names are unique in a 1.2 file
            f"{BASE_GROUP}:{row.id}", [(context_type(k), v) for k, v in _base(row)], "information"
        )
    etree.cleanup_namespaces(store.document.getroot())  # units are made in 1.1's namespace
    return bytes(store)


def render_xliff(document: Document, version: str = "2.1", targets: str = "english") -> bytes:
    """``document``'s Simplified edition as XLIFF ``version`` ("2.1" or "1.2")."""
    table = edition_table(document, SIMPLIFIED)
    if version == "1.2":
        return _xliff12(document, table, targets)
    return _xliff2(document, table, targets)


def write(document: Document, edition: Edition | None, path: Path, options: WriteOptions) -> None:
    path.write_bytes(render_xliff(document, options.xliff_version, options.xliff_targets))
