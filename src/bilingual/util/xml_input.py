"""XML from other tools (XLIFF, TMX, TBX): streamed, hardened, and read as plain text.

Files are parsed with lxml's ``iterparse`` (so a TMX of 100,000 units is never held whole),
without loading DTDs, resolving entities or touching the network; a file that is not XML gets one
line naming the file, the line and what to do.

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

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from bilingual.errors import InputError


def stream(
    path: Path, advice: str, events: tuple[str, ...] = ("end",), tag: str | None = None
) -> Iterator[tuple[str, etree._Element]]:
    """(event, element) pairs of ``path`` (only of elements named ``tag``, if given: far fewer
    events for a large file); InputError naming the line if it is not XML."""
    try:
        parser = etree.iterparse(
            str(path),
            events=events,
            tag=tag,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            remove_comments=True,
            remove_pis=True,
        )
        yield from parser
    except etree.XMLSyntaxError as exc:
        line = f":{exc.lineno}" if exc.lineno else ""
        message = (exc.msg or "").split(", line")[0]
        raise InputError(f"{path}{line}: not XML ({message}); {advice}") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None


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
