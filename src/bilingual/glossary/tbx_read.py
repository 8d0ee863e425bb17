"""TBX read as termbase tools write it: one ``Incoming`` per concept, its terms ranked by status.

Dialects: TBX 2008 (``martif``, ``termEntry``/``langSet``/``tig`` or ``ntig``/``termGrp``:
TBX-Basic, MultiTerm, IATE, XTM) and TBX v3 (``tbx``, ``conceptEntry``/``langSec``/``termSec``)
in the DCA style (``<termNote type="administrativeStatus">``) and the DCT style
(``<basic:administrativeStatus>``, ``<min:...>``, any prefix). Languages in any spelling (zh-CN,
ZH, zh-Hans; en-US, EN...).

A term's status, in every spelling tools write (``preferredTerm-admn-sts``, ``preferred``,
``admittedTerm``, XTM's ``VALID``/``FORBIDDEN``/``REJECTED``/``NOT_APPROVED``, IATE's
``obsoleteTerm-admn-sts``; as ``administrativeStatus``, ``normativeAuthorization`` or XTM's
``status``), ranks it: preferred, then admitted (or no status), then proposed; among equals,
IATE's higher ``reliabilityCode``, then the file's order. Deprecated, superseded, obsolete,
forbidden and rejected terms are never chosen:

- English: the best term is the translation; the other usable ones are kept (``en_admitted``),
  the unusable ones become "do not use" terms QA flags. Terms differing only in case are one
  term (the better-ranked spelling).
- Simplified Chinese: the best term is the term; another one is a variant (a spelling the build
  replaces) only when the file marks it a misspelling (``termType``, ``usageNote`` or a note
  saying so: "misspelling", 错别字); the others are synonyms, which the import keeps as notes
  unless asked to make them variants.
- Subject field, part of speech (of the English term, else the Chinese one), definitions per
  language and notes are kept; a definition outside any language section is in the file's
  language (the root's ``xml:lang``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from lxml import etree

from bilingual.document.languages import ENGLISH, SIMPLIFIED, TRADITIONAL, role
from bilingual.errors import InputError
from bilingual.glossary.incoming import Incoming
from bilingual.util.xml_input import local, release, stream, text_of

ADVICE = "export the termbase as TBX"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CONTAINERS = {"tig", "ntig", "termSec"}
_STATUS_KEYS = {"administrativeStatus", "normativeAuthorization", "status", "usageStatus"}
_MISSPELLING = ("misspel", "错别字", "錯別字", "误写", "錯字", "typo")

# Status words (lower case, "-admn-sts" and "term" removed) by what they mean here.
PREFERRED, ADMITTED, PROPOSED = "preferred", "admitted", "proposed"
UNUSABLE = {"deprecated", "superseded", "obsolete", "forbidden", "rejected"}
_STATUSES = {
    "preferred": PREFERRED,
    "standardized": PREFERRED,
    "legal": PREFERRED,
    "regulated": PREFERRED,
    "admitted": ADMITTED,
    "valid": ADMITTED,
    "approved": ADMITTED,
    "accepted": ADMITTED,
    "proposed": PROPOSED,
    "notapproved": PROPOSED,
    "provisional": PROPOSED,
    "deprecated": "deprecated",
    "notrecommended": "deprecated",
    "superseded": "superseded",
    "obsolete": "obsolete",
    "forbidden": "forbidden",
    "prohibited": "forbidden",
    "donotuse": "forbidden",
    "rejected": "rejected",
}
_RANK = {PREFERRED: 0, ADMITTED: 1, "": 1, PROPOSED: 2}


def status_of(value: str) -> str:
    """A status in any spelling as one of the words above ("" when unknown or absent)."""
    key = "".join(value.lower().replace("-admn-sts", "").split()).replace("_", "")
    key = key.replace("-", "")
    if key.endswith("term"):
        key = key[: -len("term")]
    return _STATUSES.get(key, "")


@dataclass
class _Term:
    text: str
    status: str = ""
    reliability: int = 0
    misspelling: bool = False
    part_of_speech: str | None = None

    @property
    def usable(self) -> bool:
        return self.status not in UNUSABLE


def _text(element: etree._Element) -> str:
    return " ".join(text_of(element).split())


def _key(element: etree._Element) -> str:
    """What a data category element says: its ``type`` (DCA style) or its name (DCT style)."""
    if local(element) in ("termNote", "descrip", "admin"):
        return element.get("type") or ""
    return local(element)


def _term(container: etree._Element) -> _Term | None:
    found: _Term | None = None
    details: list[tuple[str, str]] = []
    for element in container.iter():
        if not isinstance(element.tag, str) or element is container:
            continue
        if local(element) == "term":
            if found is None and _text(element):
                found = _Term(_text(element))
        else:
            details.append((_key(element), _text(element)))
    if found is None:
        return None
    for key, value in details:
        if key in _STATUS_KEYS and status_of(value):
            found.status = status_of(value)
        elif key == "reliabilityCode" and value.isdigit():
            found.reliability = int(value)
        elif key == "partOfSpeech" and value:
            found.part_of_speech = value
        elif key in ("termType", "usageNote", "note") and any(
            word in value.lower() for word in _MISSPELLING
        ):
            found.misspelling = True
    return found


def _ranked(terms: list[_Term]) -> list[_Term]:
    """The usable terms, best first (status, then IATE reliability, then the file's order)."""
    usable = [t for t in terms if t.usable]
    return sorted(usable, key=lambda t: (_RANK.get(t.status, 1), -t.reliability))


class _Concept:
    """One termEntry / conceptEntry, read."""

    def __init__(self, entry: etree._Element, file_language: str | None):
        self.terms: dict[str, list[_Term]] = {}
        self.definitions: dict[str, str] = {}
        self.notes: list[str] = []
        self.subject: str | None = None
        for child in entry:
            if not isinstance(child.tag, str):
                continue
            if local(child) in ("langSet", "langSec"):
                kind = role(child.get(_XML_LANG) or child.get("lang"))
                if kind is None:
                    continue
                for part in child:
                    if isinstance(part.tag, str) and local(part) in _CONTAINERS:
                        if (term := _term(part)) is not None:
                            self.terms.setdefault(kind, []).append(term)
                    elif isinstance(part.tag, str):
                        self.describe(part, kind)
            else:
                self.describe(child, file_language)

    def describe(self, element: etree._Element, language: str | None) -> None:
        """Definitions, subject field and notes at the concept or language level."""
        for part in element.iter():
            if not isinstance(part.tag, str):
                continue
            key, value = _key(part), _text(part)
            if not value:
                continue
            if key == "definition":
                if language is None:
                    self.notes.append(value)
                else:
                    self.definitions.setdefault(language, value)
            elif key == "subjectField":
                self.subject = self.subject or value
            elif local(part) == "note" and not any(
                local(a) == "transacGrp" for a in part.iterancestors()
            ):
                self.notes.append(value)

    def incoming(self, where: str) -> Incoming:
        zh_terms = self.terms.get(SIMPLIFIED, [])
        zh_ranked = _ranked([t for t in zh_terms if not t.misspelling])
        zh = zh_ranked[0] if zh_ranked else None
        en_ranked = _ranked(self.terms.get(ENGLISH, []))
        en = en_ranked[0] if en_ranked else None
        hant = _ranked(self.terms.get(TRADITIONAL, []))
        variants = tuple(t.text for t in zh_terms if t.misspelling and zh and t.text != zh.text)
        synonyms = tuple(
            (t.text, t.status or "synonym")
            for t in zh_terms
            if zh is not None and t is not zh and not t.misspelling and t.text != zh.text
        )
        admitted: dict[str, str] = {}  # casefolded -> spelling: one term whatever its case
        if en is not None:
            admitted[en.text.casefold()] = en.text
            for term in en_ranked[1:]:
                admitted.setdefault(term.text.casefold(), term.text)
        avoid: dict[str, str] = {}
        for term in self.terms.get(ENGLISH, []):
            if not term.usable and term.text.casefold() not in admitted:
                avoid.setdefault(term.text.casefold(), term.text)
        part_of_speech = (en.part_of_speech if en else None) or (zh.part_of_speech if zh else None)
        return Incoming(
            zh.text if zh else "",
            en.text if en else "",
            hant[0].text if hant else None,
            variants,
            "; ".join(dict.fromkeys(self.notes)) or None,
            where,
            synonyms=synonyms,
            en_admitted=tuple(list(admitted.values())[1:]),
            do_not_use=tuple(avoid.values()),
            part_of_speech=part_of_speech,
            subject=self.subject,
            definitions=tuple(sorted(self.definitions.items())),
        )

    def why_empty(self) -> str | None:
        """Why the concept gives no term although the file has terms in the language."""
        for kind, name in ((SIMPLIFIED, "Simplified Chinese"), (ENGLISH, "English")):
            terms = [t for t in self.terms.get(kind, []) if not t.misspelling]
            if terms and not _ranked(terms):
                statuses = ", ".join(dict.fromkeys(t.status for t in terms))
                return f"every {name} term is marked {statuses}"
        return None


def read_tbx(path: Path) -> Iterator[Incoming]:
    root_seen, file_language = False, None
    for event, element in stream(path, ADVICE, events=("start", "end")):
        if event == "start":
            if not root_seen:
                root_seen = True
                if local(element) not in ("martif", "tbx"):
                    raise InputError(
                        f"{path}: not a TBX file (its root element is <{local(element)}>); {ADVICE}"
                    )
                file_language = role(element.get(_XML_LANG))
            continue
        if local(element) not in ("termEntry", "conceptEntry"):
            continue
        concept = _Concept(element, file_language)
        where = f"{path}:{element.sourceline}"
        release(element)
        incoming = concept.incoming(where)
        if not incoming.zh or not incoming.en:
            incoming = replace(incoming, unusable=concept.why_empty())
        yield incoming
