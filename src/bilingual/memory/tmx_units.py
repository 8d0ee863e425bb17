"""Units of another tool's TMX, read as that tool wrote them: which Chinese, which English, who
and when, and whether the English is an editor's or only a suggestion.

Each ``<tu>`` becomes one ``TmxUnit`` or one ``Refusal`` (naming the unit by its ``tuid``, else
its line). The rules, by what tools write:

- Languages: ``xml:lang`` (TMX 1.4) or ``lang`` (TMX 1.1, OmegaT), in any spelling (``ZH-CN``,
  ``zh-Hans``, ``en-US``...). Two different Simplified or two different English variants in one
  unit refuse it; so do several ``<seg>`` in one ``<tuv>``.
- Who and when: the English ``<tuv>``'s ``changeid``/``changedate`` (OmegaT writes them there),
  else the ``<tu>``'s, else the Chinese ``<tuv>``'s; ``creationid``/``creationdate`` when no
  change is recorded. Props and notes of the English ``<tuv>`` win over the ``<tu>``'s.
- Inline codes: ``bpt``/``ept``/``it`` are dropped with their content (memoQ's ``{}``, Trados'
  ``<b>``), ``hi`` keeps its text; ``ph``/``ut`` stand for content plain text cannot hold, so the
  unit is refused. OmegaT's tag shortcuts in the text (``<b0>bold</b0>``, as
  ``project_save.tmx`` and ``*-omegat.tmx`` hold them) are removed the same way; a standalone
  one (``<x0/>``) refuses the unit.
- Suggestions: Trados' ``x-Origin`` MachineTranslation, Nmt, AdaptiveMachineTranslation or
  AutomaticTranslation and ``x-ConfirmationLevel`` Draft mark a machine or draft translation,
  and OmegaT's alternative translations (props ``file`` with ``id``/``prev``/``next``) hold for
  one place only: such a unit is a suggestion, never an editor's English. A rejected
  translation (RejectedTranslation, RejectedSignOff) is refused.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from bilingual.document.characters import UNSUPPORTED
from bilingual.document.editions import normal_space
from bilingual.document.languages import ENGLISH, SIMPLIFIED, describe, role
from bilingual.errors import InputError
from bilingual.util.xml_input import TMX, flatten, local, release, stream, text_of

ADVICE = "export it again as TMX 1.4"
ORIGIN_PROP = "x-origin"  # bilingual's own export: the file the English came from
ID_PROP = "x-segment-id"  # bilingual's own export: the segment ID
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

MACHINE_ORIGINS = {
    "machinetranslation",
    "nmt",
    "adaptivemachinetranslation",
    "automatictranslation",
}
DRAFT_LEVELS = {"draft"}
REJECTED_LEVELS = {"rejectedtranslation", "rejectedsignoff"}
OMEGAT_CONTEXT = {"id", "prev", "next"}  # with "file": an OmegaT alternative translation

# OmegaT's tag shortcuts as text: <b0>, </b0>, <x1/>; a letter or few, then the tag's number.
_OMEGAT_TAG = re.compile(r"<(/?)([A-Za-z]{1,4})(\d{1,4})(/?)>")

# Why a unit is not taken (the summary counts them by these).
OTHER_PAIR = "other language pair"
EMPTY = "empty"
PLACEHOLDERS = "inline placeholder codes"
SEVERAL_SEGS = "several <seg> in one <tuv>"
TWO_VARIANTS = "two different texts in one language"
CHARACTERS = "characters no output can hold"
REJECTED = "rejected in review"
PROBLEMS = {PLACEHOLDERS, SEVERAL_SEGS, TWO_VARIANTS, CHARACTERS, REJECTED}  # said by unit


@dataclass(frozen=True)
class TmxUnit:
    """A unit pairing Simplified Chinese with English, as the memory should take it."""

    chinese: str
    english: str
    suggestion: str | None  # None: an editor's English; else why it is only a suggestion
    author: str | None  # the English's last author (changeid, else creationid)
    time: str | None  # ISO 8601, UTC: when the English was last changed (or created)
    ident: str  # the segment ID bilingual exported, else the tuid, else ""
    origin: str | None  # the file bilingual's own export says the English came from
    notes: tuple[str, ...]
    line: int
    tuid: str | None


@dataclass(frozen=True)
class Refusal:
    """A unit not taken, and why (one of the reasons above, with a detail)."""

    line: int
    tuid: str | None
    why: str
    detail: str = ""

    def named(self, path: Path) -> str:
        unit = f"unit {self.tuid}" if self.tuid else "unit"
        detail = f": {self.detail}" if self.detail else ""
        return f"{path}:{self.line}: {unit}: {self.why}{detail}; not taken"


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


class TmxReader:
    """The units of one TMX file, streamed: iterate for ``TmxUnit`` and ``Refusal`` items."""

    def __init__(self, path: Path):
        self.path = path
        self.units = 0  # <tu> elements read
        self.pairs = 0  # units with a Simplified and an English variant
        self.languages: Counter[str] = Counter()
        self.roles: dict[str, str | None] = {}  # language tag -> its role, read once

    def __iter__(self) -> Iterator[TmxUnit | Refusal]:
        for _, root in stream(self.path, ADVICE, events=("start",)):
            if local(root) != "tmx":  # the first element only: the rest is read unit by unit
                raise InputError(
                    f"{self.path}: not a TMX file (its root element is <{local(root)}>); {ADVICE}"
                )
            break
        # Only the <tu> elements' ends: about 6 times fewer events than every element's start
        # and end, which a million units feel.
        for _, element in stream(self.path, ADVICE, tag="tu"):
            self.units += 1
            yield self.unit(element)
            release(element)
        if self.units and not self.pairs:
            raise InputError(
                f"{self.path}: no unit pairs Simplified Chinese with English (languages in the "
                f"file: {describe(list(self.languages))}); nothing imported"
            )

    def unit(self, tu: etree._Element) -> TmxUnit | Refusal:
        line = tu.sourceline if isinstance(tu.sourceline, int) else 0
        tuid = tu.get("tuid") or None

        def refuse(why: str, detail: str = "") -> Refusal:
            return Refusal(line, tuid, why, detail)

        chosen: dict[str, etree._Element] = {}
        for tuv in tu.iterchildren("tuv"):
            tag = tuv.get(_XML_LANG) or tuv.get("lang") or ""
            self.languages[tag] += 1
            if tag not in self.roles:
                self.roles[tag] = role(tag)
            kind = self.roles[tag]
            if kind not in (SIMPLIFIED, ENGLISH):
                continue
            if len(tuv.findall("seg")) > 1:
                return refuse(SEVERAL_SEGS, tag)
            if kind in chosen and _seg_text(chosen[kind]) != _seg_text(tuv):
                return refuse(TWO_VARIANTS, tag)
            chosen.setdefault(kind, tuv)
        if SIMPLIFIED not in chosen or ENGLISH not in chosen:
            return refuse(OTHER_PAIR)
        self.pairs += 1
        zh_tuv, en_tuv = chosen[SIMPLIFIED], chosen[ENGLISH]
        texts = []
        for tuv in (zh_tuv, en_tuv):
            inline = flatten(tuv.find("seg"), TMX)
            if inline.placeholders:
                return refuse(PLACEHOLDERS, ", ".join(dict.fromkeys(inline.placeholders)))
            text, standalone = _without_omegat_tags(inline.text)
            if standalone:
                return refuse(PLACEHOLDERS, f"OmegaT tag {standalone}")
            texts.append(text)
        chinese, english = texts[0].strip(), normal_space(texts[1])
        if not chinese or not english:
            return refuse(EMPTY)
        if found := UNSUPPORTED.search(chinese) or UNSUPPORTED.search(english):
            return refuse(CHARACTERS, f"U+{ord(found.group()):04X}")
        props = _props(tu) | _props(en_tuv)
        sdl = _sdl(props)
        level = sdl.get("x-confirmationlevel")
        if _key(level) in REJECTED_LEVELS:
            return refuse(REJECTED, f"x-ConfirmationLevel {level}")
        author = _first(en_tuv, tu, zh_tuv, names=("changeid", "creationid"))
        date = _first(en_tuv, tu, zh_tuv, names=("changedate", "creationdate"), read=iso_date)
        notes = tuple(
            n for x in (*tu.iterchildren("note"), *en_tuv.iterchildren("note")) if (n := _note(x))
        )
        return TmxUnit(
            chinese,
            english,
            _suggestion(props, sdl),
            author,
            date,
            props.get(ID_PROP) or tuid or "",
            props.get(ORIGIN_PROP) or None,
            tuple(dict.fromkeys(notes)),
            line,
            tuid,
        )


def _seg_text(tuv: etree._Element) -> str:
    seg = tuv.find("seg")
    return text_of(seg) if seg is not None else ""


def _note(element: etree._Element) -> str:
    return text_of(element).strip()


def _key(value: str | None) -> str:
    return (value or "").strip().lower().replace(" ", "")


def _props(element: etree._Element) -> dict[str, str]:
    """An element's own ``<prop>``s by type."""
    return {p.get("type") or "": (p.text or "").strip() for p in element.iterchildren("prop")}


def _sdl(props: dict[str, str]) -> dict[str, str]:
    """The props by lower-cased type, as Trados' (x-Origin, x-ConfirmationLevel) are read in
    whatever case they are spelled; bilingual's own ``x-origin`` (a file name) is not Trados'
    ``x-Origin``."""
    return {k.lower(): v for k, v in props.items() if k != ORIGIN_PROP}


def _first(*elements: etree._Element, names: tuple[str, ...], read=None) -> str | None:
    """The first of the attributes ``names`` found (and readable) on the first element holding
    one: a ``<tuv>``'s own attributes win over its ``<tu>``'s."""
    for element in elements:
        for name in names:
            value = (element.get(name) or "").strip()
            if value and read is not None:
                value = read(value)
            if value:
                return value
    return None


def _suggestion(props: dict[str, str], sdl: dict[str, str]) -> str | None:
    """Why a unit is only a suggestion (a machine or draft translation, or an alternative
    translation for one place), or None for an editor's English."""
    if _key(origin := sdl.get("x-origin")) in MACHINE_ORIGINS:
        return f"machine translation (x-Origin {origin})"
    if _key(level := sdl.get("x-confirmationlevel")) in DRAFT_LEVELS:
        return f"draft (x-ConfirmationLevel {level})"
    if "file" in props and OMEGAT_CONTEXT & set(props):
        return f"OmegaT alternative translation for one place in {props['file']}"
    return None


def _without_omegat_tags(text: str) -> tuple[str, str | None]:
    """``text`` without OmegaT's paired tag shortcuts, and the first standalone one (which
    stands for content plain text cannot hold), if any."""
    if "<" not in text:
        return text, None
    standalone = next((m.group() for m in _OMEGAT_TAG.finditer(text) if m.group(4)), None)
    if standalone is not None:
        return text, standalone
    return _OMEGAT_TAG.sub("", text), None
