"""XML from other tools (XLIFF, TMX, TBX): streamed, hardened, and read as plain text.

Files are parsed with lxml's ``iterparse`` (so a TMX of 100,000 units is never held whole), never
loading a DTD or touching the network; a file that is not XML gets one line naming the file, the
line and what to do.

Entities, one rule for every XML bilingual reads (XLIFF, TMX, TBX here; the parts of Word files
through ``parse``): character references and XML's five predefined entities are text; an entity
the file declares itself (its internal DTD subset) is expanded, as XML defines, within libxml2's
limits (expansion at most a few times the file's own size, no loops, so no "billion laughs");
anything else (an entity declared in an external DTD or file, or never declared, such as
``&nbsp;`` from HTML) is refused with the file and line, never dropped or kept as ``&name;``.
Elements nest at most 256 deep.

Inline markup is read by one rule for every format. The project's text is plain, so:
- wrappers around text (XLIFF ``g``/``pc``/``mrk``, TMX ``hi``) keep their text;
- paired or isolated formatting codes (``bx``/``ex``, ``bpt``/``ept``, ``it``, ``sc``/``ec``)
  are dropped: they carry the original's formatting, not words;
- standalone placeholders (``x``, ``ph``, ``ut``) and elements of unknown vocabularies stand for
  content plain text cannot hold, so text containing one is not taken (the caller refuses it);
- annotation markers (XLIFF 2 ``sm``/``em``) are dropped, and a comment they or a ``mrk`` carry
  is kept as a remark; ``cp`` is its character.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from bilingual.errors import InputError

_ENTITY_NOT_DECLARED = {
    etree.ErrorTypes.ERR_UNDECLARED_ENTITY,
    etree.ErrorTypes.WAR_UNDECLARED_ENTITY,
    etree.ErrorTypes.ERR_ENTITY_IS_EXTERNAL,
    etree.ErrorTypes.ERR_ENTITY_IS_PARAMETER,
    etree.ErrorTypes.ERR_UNPARSED_ENTITY,
}
_ENTITY_NAME = re.compile(r"Entity '([^']*)'")
# resolve_entities="internal": the file's own declarations only, never a file or URL
_OPTIONS: dict[str, Any] = {
    "resolve_entities": "internal",
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


def refusal(exc: etree.XMLSyntaxError, where: str, advice: str) -> InputError:
    """The one line for an XML error of ``where`` (a file, or "FILE: part"), by the rule above."""
    code = getattr(exc, "code", None)  # libxml2's error number (not in lxml's stubs)
    return _refusal(code, (exc.msg or "").split(", line")[0], exc.lineno, where, advice)


def _refusal(
    code: int | None, message: str, line: int | None, where: str, advice: str
) -> InputError:
    at = f"{where}:{line}" if line else where
    if code in _ENTITY_NOT_DECLARED:
        name = _ENTITY_NAME.search(message)
        entity = f"&{name[1]};" if name else "an entity"
        return InputError(
            f"{at}: {entity} is not declared in the file (only XML's own entities and those "
            "the file declares are read; external ones never are); write the character itself "
            "or a character reference such as &#160;, or export the file again"
        )
    if code == etree.ErrorTypes.ERR_ENTITY_LOOP or "amplification" in message:
        return InputError(
            f"{at}: its entities expand to far more text than the file holds (an entity "
            "bomb?); refused"
        )
    if "depth" in message.lower():
        return InputError(f"{at}: elements nested more than 256 deep; refused")
    return InputError(f"{at}: not XML ({message}); {advice}")


def stream(
    path: Path, advice: str, events: tuple[str, ...] = ("end",), tag: str | None = None
) -> Iterator[tuple[str, etree._Element]]:
    """(event, element) pairs of ``path`` (only of elements named ``tag``, if given: far fewer
    events for a large file); InputError naming the line if it is not XML.

    libxml2 reports an entity it cannot expand in a file that names an external DTD as a
    warning and goes on without its text, raising only at the end of the file. Every reader
    uses a file only once it is read whole, so that is in time; the log is also looked at every
    64 events (more often costs more than the parse), so a large file stops soon after."""
    try:
        parser = etree.iterparse(str(path), events=events, tag=tag, **_OPTIONS)
        for count, item in enumerate(parser):
            if not count % 64 and parser.error_log:
                for entry in parser.error_log:
                    if entry.type in _ENTITY_NOT_DECLARED:
                        raise _refusal(entry.type, entry.message, entry.line, str(path), advice)
            yield item
    except etree.XMLSyntaxError as exc:
        raise refusal(exc, str(path), advice) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None


def parse(data: bytes, where: str, advice: str) -> etree._Element:
    """A whole document (a part of a Word file, an SVG) by the same rule; ``where`` names it."""
    try:
        return etree.fromstring(data, etree.XMLParser(**_OPTIONS))
    except etree.XMLSyntaxError as exc:
        raise refusal(exc, where, advice) from None


def declares_dtd(root: etree._Element) -> bool:
    """Whether the document of ``root`` has a DOCTYPE (its entities are expanded in the tree)."""
    return bool(getattr(root.getroottree().docinfo, "doctype", ""))


def release(element: etree._Element) -> None:
    """Free a processed element and the siblings before it (memory stays flat)."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def text_of(element: etree._Element) -> str:
    """All text inside ``element``, markup ignored."""
    return "".join(str(t) for t in element.itertext())


def local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def namespace(element: etree._Element) -> str:
    return (etree.QName(element).namespace or "") if isinstance(element.tag, str) else ""


@dataclass(frozen=True)
class Vocabulary:
    """The inline elements of one format, by what they mean for plain text."""

    namespace: str | None  # None: any namespace (or none)
    wrappers: frozenset[str]
    codes: frozenset[str]
    placeholders: frozenset[str]
    markers: frozenset[str] = frozenset()


XLIFF1 = Vocabulary(
    None,
    wrappers=frozenset({"g", "mrk"}),
    codes=frozenset({"bx", "ex", "bpt", "ept", "it"}),
    placeholders=frozenset({"x", "ph"}),
)
XLIFF2 = Vocabulary(
    "urn:oasis:names:tc:xliff:document:2.0",
    wrappers=frozenset({"pc", "mrk"}),
    codes=frozenset({"sc", "ec"}),
    placeholders=frozenset({"ph"}),
    markers=frozenset({"sm", "em"}),
)
TMX = Vocabulary(
    None,
    wrappers=frozenset({"hi"}),
    codes=frozenset({"bpt", "ept", "it"}),
    placeholders=frozenset({"ph", "ut"}),
)


@dataclass
class InlineText:
    text: str = ""
    formatting: bool = False  # formatting codes or wrappers were dropped
    placeholders: list[str] = field(default_factory=list)  # e.g. '<x id="1"/>'
    comments: list[str] = field(default_factory=list)  # annotations' comments
    bad_characters: list[str] = field(default_factory=list)  # cp codes that are no character


def _describe(element: etree._Element) -> str:
    ident = element.get("id")
    return f'<{local(element)} id="{ident}"/>' if ident else f"<{local(element)}/>"


def _comment(element: etree._Element) -> str | None:
    """The comment an XLIFF annotation carries: 1.2 ``comment=``, 2.x type="comment" value=."""
    if element.get("comment"):
        return element.get("comment")
    if element.get("type") == "comment" and element.get("value"):
        return element.get("value")
    return None


def flatten(element: etree._Element | None, vocabulary: Vocabulary) -> InlineText:
    """The text of ``element`` with its inline markup read by the module's rule."""
    if element is None:
        return InlineText()
    if not len(element):  # plain text, the usual case: no walk
        return InlineText(element.text or "")
    result = InlineText()
    pieces: list[str] = []
    _walk(element, vocabulary, result, pieces)
    result.text = "".join(pieces)
    return result


def _walk(
    element: etree._Element, vocabulary: Vocabulary, result: InlineText, pieces: list[str]
) -> None:
    pieces.append(element.text or "")
    for child in element:
        if not isinstance(child.tag, str):  # comments, processing instructions
            pieces.append(child.tail or "")
            continue
        name = local(child)
        known = vocabulary.namespace is None or namespace(child) == vocabulary.namespace
        if known and name in vocabulary.wrappers:
            if comment := _comment(child):
                result.comments.append(comment)
            if name != "mrk":
                result.formatting = True
            _walk(child, vocabulary, result, pieces)
        elif known and name in vocabulary.codes:
            result.formatting = True
        elif known and name in vocabulary.markers:
            if comment := _comment(child):
                result.comments.append(comment)
        elif known and name == "cp" and vocabulary is XLIFF2:
            pieces.append(_code_point(child, result))
        else:
            result.placeholders.append(_describe(child))
        pieces.append(child.tail or "")


def _code_point(element: etree._Element, result: InlineText) -> str:
    """The character of a ``cp``; whether an output can hold it is the caller's rule."""
    try:
        return chr(int(element.get("hex") or "", 16))
    except (ValueError, OverflowError):
        result.bad_characters.append(f"cp hex={element.get('hex')!r}")
        return ""
