"""An XLIFF (2.x or 1.2) as a CAT tool returns it, read for the import.

The file is streamed (lxml ``iterparse``), so its size does not matter. A unit gives its ID, the
Chinese source and the English target; the base it was built with comes from the project's
edition store (by the identity the file carries in its metadata, notes or ``build-num``) or from
the file itself (per-unit metadata, used only if its hash still matches the identity).

Inline markup follows ``xml_input``: formatting is dropped and the text kept; a placeholder code in
the English, or a ``cp`` that is no character, refuses that unit by ID, so no tag reaches the
memory (characters no output can hold are refused by the import, as from every format). A
target that is missing, empty or a copy of the Chinese source (what CAT tools leave in units
nobody translated) is "not translated": nothing to import from it, not an edit. Notes that the
build did not write (a translator's) are kept as editors' notes; the unit's ``state`` is not used:
an edit is judged by its text against its base, as in the DOCX.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from bilingual.document.characters import has_chinese
from bilingual.document.editions import (
    SIMPLIFIED,
    EditionRow,
    EditionTable,
    identity_of,
    normal_space,
    parse_identity,
)
from bilingual.document.languages import ENGLISH, describe, role
from bilingual.document.languages import SIMPLIFIED as ZH
from bilingual.errors import InputError
from bilingual.returns import ReturnedFile, ReturnedRow
from bilingual.util.xml_input import (
    XLIFF1,
    XLIFF2,
    InlineText,
    flatten,
    local,
    namespace,
    release,
    stream,
    text_of,
)
from bilingual.writers.xliff import (
    BASE_FIELDS,
    BASE_GROUP,
    EDITION_GROUP,
    MDA_NS,
    TOOL,
    XLIFF2_NS,
    context_type,
)

ADVICE = "export it again from the CAT tool as XLIFF"
XLIFF1_PREFIX = "urn:oasis:names:tc:xliff:document:1."
_SHOWN = 10  # IDs listed in a notice


@dataclass
class _Unit:
    id: str
    source: InlineText
    target: InlineText | None  # None: no target at all
    partial: bool = False  # some segments translated, others not (XLIFF 2)
    notes: list[str] = field(default_factory=list)  # notes the build did not write
    base: dict[str, str] = field(default_factory=dict)


class _Reader:
    def __init__(self, path: Path):
        self.path = path
        self.version: str | None = None
        self.files = 0
        self.identities: list[str] = []
        self.units: list[_Unit] = []

    # --- the file ------------------------------------------------------------------------

    def start(self, element: etree._Element) -> None:
        name = local(element)
        if self.version is None:
            self.version = self._version(element)
            if self.version.startswith("2"):
                self._languages(element.get("srcLang"), element.get("trgLang"))
        elif name == "file" and self._is_xliff(element):
            self.files += 1
            if self.files > 1:
                raise InputError(
                    f"{self.path}: holds more than one document (<file> elements); bilingual "
                    "exports one XLIFF per document: return each on its own"
                )
            if self.version.startswith("1"):
                self._languages(element.get("source-language"), element.get("target-language"))
                self.identities.append(element.get("build-num") or "")

    def _version(self, root: etree._Element) -> str:
        ns = namespace(root)
        if local(root) != "xliff":
            raise InputError(
                f"{self.path}: not an XLIFF file (its root element is <{local(root)}>); {ADVICE}"
            )
        if ns == XLIFF2_NS:
            return root.get("version") or "2.0"
        if ns.startswith(XLIFF1_PREFIX) or not ns:
            return root.get("version") or "1.2"
        raise InputError(f"{self.path}: unknown XLIFF namespace {ns!r}; {ADVICE}")

    def _is_xliff(self, element: etree._Element) -> bool:
        ns = namespace(element)
        return ns == XLIFF2_NS if self.version and self.version.startswith("2") else ns != MDA_NS

    def _languages(self, source: str | None, target: str | None) -> None:
        if role(source) != ZH or (target and role(target) != ENGLISH):
            raise InputError(
                f"{self.path}: languages {describe([source or '?'])} -> "
                f"{describe([target or '?'])}; bilingual imports XLIFF from Simplified Chinese "
                "(zh-Hans, zh-CN) to English"
            )

    def end(self, element: etree._Element) -> None:
        name, parent = local(element), element.getparent()
        parent_name = local(parent) if parent is not None else ""
        if name in ("unit", "trans-unit") and self._is_xliff(element):
            self.units.append(self._unit2(element) if name == "unit" else self._unit1(element))
            release(element)
        elif name == "metadata" and namespace(element) == MDA_NS and parent_name == "file":
            for group in element.iter(f"{{{MDA_NS}}}metaGroup"):
                if group.get("category") == EDITION_GROUP:
                    self.identities += [
                        m.text or "" for m in group.iter(f"{{{MDA_NS}}}meta")
                        if m.get("type") == "identity"
                    ]  # fmt: skip
        elif name == "note" and parent_name in ("notes", "header"):
            grand = parent.getparent() if parent is not None else None
            if parent_name == "header" or (grand is not None and local(grand) == "file"):
                text = text_of(element)
                if parse_identity(text):
                    self.identities.append(text)

    # --- units ---------------------------------------------------------------------------

    def _unit1(self, element: etree._Element) -> _Unit:
        source = target = None
        unit = _Unit(element.get("id") or "", InlineText(), None)
        for child in element:
            name = local(child)
            if name == "source":
                source = child
            elif name == "target":
                target = child
            elif name == "note" and child.get("from") != TOOL:
                unit.notes.append(text_of(child))
            elif name == "context-group" and (child.get("name") or "").startswith(BASE_GROUP):
                for context in child:
                    for kind in BASE_FIELDS:
                        if context.get("context-type") == context_type(kind):
                            unit.base[kind] = context.text or ""
        unit.source = flatten(source, XLIFF1)
        unit.target = flatten(target, XLIFF1) if target is not None else None
        return unit

    def _unit2(self, element: etree._Element) -> _Unit:
        unit = _Unit(element.get("id") or "", InlineText(), None)
        sources, targets = [], []
        for child in element:
            name = local(child)
            if name in ("segment", "ignorable") and namespace(child) == XLIFF2_NS:
                source = child.find(f"{{{XLIFF2_NS}}}source")
                target = child.find(f"{{{XLIFF2_NS}}}target")
                sources.append(flatten(source, XLIFF2))
                if target is not None:
                    targets.append(flatten(target, XLIFF2))
                elif name == "ignorable":  # white space between segments: the same in English
                    targets.append(sources[-1])
                elif len(targets) < len(sources):
                    targets.append(InlineText())
                    unit.partial = True
            elif name == "notes":
                unit.notes += [
                    text_of(n) for n in child
                    if local(n) == "note" and not (n.get("category") or "").startswith(f"{TOOL}:")
                ]  # fmt: skip
            elif name == "metadata" and namespace(child) == MDA_NS:
                for group in child.iter(f"{{{MDA_NS}}}metaGroup"):
                    if group.get("category") == BASE_GROUP:
                        for meta in group.iter(f"{{{MDA_NS}}}meta"):
                            if meta.get("type") in BASE_FIELDS:
                                unit.base[meta.get("type") or ""] = meta.text or ""
        unit.source = _joined(sources)
        if any(t.text.strip() or t.placeholders for t in targets):
            unit.target = _joined(targets)
        else:
            unit.partial = False  # nothing translated at all
        return unit

    # --- rows ----------------------------------------------------------------------------

    def rows(self) -> tuple[list[ReturnedRow], list[str]]:
        rows, untranslated, formatted = [], [], []
        for number, unit in enumerate(self.units, start=1):
            source, target = unit.source, unit.target
            english = target.text if target is not None else ""
            not_translated = not normal_space(english) or (
                normal_space(english) == normal_space(source.text) and has_chinese(source.text)
            )
            problem = None
            if not unit.id:
                problem = "a unit without an id; export it again"
            elif source.placeholders:
                problem = (
                    f"its source was changed (an inline code {source.placeholders[0]} was "
                    "added); only the target is taken"
                )
            elif target is not None and target.placeholders:
                problem = (
                    f"the English holds an inline code {target.placeholders[0]} that plain text "
                    "cannot carry; remove it in the CAT tool and return the file again"
                )
            elif target is not None and target.bad_characters:
                problem = (
                    f"the English holds a code that is no character ({target.bad_characters[0]})"
                )
            elif unit.partial:
                problem = "only part of the unit is translated (a segment has no target)"
            if problem is None and not_translated:
                untranslated.append(unit.id)
            if problem is None and target is not None and target.formatting:
                formatted.append(unit.id)
            comments = (source.comments + target.comments) if target else source.comments
            rows.append(
                ReturnedRow(
                    id=unit.id,
                    chinese=source.text,
                    english=english,
                    where=f"unit #{number}",
                    notes_cell="\n".join(unit.notes) if unit.notes else None,
                    remarks=tuple(dict.fromkeys(f"comment: {c}" for c in comments)),
                    problem=problem,
                    untranslated=problem is None and not_translated,
                )
            )
        notices = []
        if untranslated:
            notices.append(
                f"{self.path}: {len(untranslated)} units not translated (target empty or a copy "
                f"of the source), nothing to import from them: {_ids(untranslated)}"
            )
        if formatted:
            notices.append(
                f"{self.path}: formatting tags dropped from the English, its text kept: "
                f"{_ids(formatted)}"
            )
        return rows, notices

    def embedded_base(self) -> EditionTable | None:
        """The base carried unit by unit, if complete and still matching an identity."""
        if not self.units or any("english" not in u.base for u in self.units):
            return None
        rows = tuple(
            EditionRow(
                id=u.id,
                source=u.source.text,
                chinese=u.source.text,
                english=u.base["english"],
                memory=u.base.get("memory"),
                notes=u.base.get("notes", ""),
            )
            for u in self.units
        )
        for text in self.identities:
            parsed = parse_identity(text)
            if parsed is None or parsed[1] != SIMPLIFIED.code:
                continue
            identity = f"bilingual:{parsed[0]}:{parsed[1]}:{parsed[2]}"
            if identity_of(parsed[0], SIMPLIFIED, None, rows) == identity:
                return EditionTable(identity, parsed[0], SIMPLIFIED, "", "", "", None, rows)
        return None


def _joined(parts: list[InlineText]) -> InlineText:
    joined = InlineText(text="".join(p.text for p in parts))
    for part in parts:
        joined.formatting |= part.formatting
        joined.placeholders += part.placeholders
        joined.comments += part.comments
        joined.bad_characters += part.bad_characters
    return joined


def _ids(ids: list[str]) -> str:
    more = f" and {len(ids) - _SHOWN} more" if len(ids) > _SHOWN else ""
    return ", ".join(ids[:_SHOWN]) + more


def read(path: Path) -> ReturnedFile:
    """A returned XLIFF, or InputError naming what is wrong and what to do."""
    reader = _Reader(path)
    for event, element in stream(path, ADVICE, events=("start", "end")):
        if event == "start":
            reader.start(element)
        else:
            reader.end(element)
    if reader.version is None:
        raise InputError(f"{path}: not an XLIFF file; {ADVICE}")
    rows, notices = reader.rows()
    embedded = reader.embedded_base()
    identities = [embedded.identity] if embedded else []
    identities += [i for i in reader.identities if parse_identity(i)]
    return ReturnedFile(
        path=path,
        edition=SIMPLIFIED,
        identities=tuple(dict.fromkeys(identities)),
        embedded_base=embedded,
        rows=tuple(rows),
        notices=tuple(notices),
    )
