"""The text of WordprocessingML as Word shows it with every tracked change accepted.

Hand-written over lxml because no maintained Python library reads a table cell this way:
python-docx's ``cell.text`` drops text inside insertions, content controls, fields and smart tags,
and keeps nothing of revisions; docx2python and mammoth flatten the document and lose the table
structure the import checks row by row.

What counts as shown text:
- insertions (``w:ins``) and moved-to text (``w:moveTo``) in; deletions (``w:del``, ``w:delText``)
  and moved-from text (``w:moveFrom``) out; a deleted paragraph mark joins two paragraphs;
- the content of content controls (``w:sdt``), smart tags, custom XML, hyperlinks, simple fields
  (their result), complex fields (the result between ``separate`` and ``end``, not the
  instruction), math text, ruby base text;
- symbols (``w:sym``, mapped from the Symbol font to Unicode), tabs, breaks, non-breaking hyphens;
  non-breaking spaces are ordinary characters in ``w:t`` and stay;
- hidden text (``w:vanish``) is not shown and not read.
Comment anchors and footnote/endnote references are collected so their text can be kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


# Containers whose children are shown as if they were in the paragraph itself.
_TRANSPARENT = {
    w(t)
    for t in (
        "hyperlink",
        "smartTag",
        "customXml",
        "fldSimple",
        "bdo",
        "dir",
        "sdtContent",
        "ins",
        "moveTo",
        "rubyBase",
    )
}
_REVISIONS = {
    w(t)
    for t in (
        "ins",
        "del",
        "moveTo",
        "moveFrom",
        "rPrChange",
        "pPrChange",
        "sectPrChange",
        "tblPrChange",
        "trPrChange",
        "tcPrChange",
        "tblGridChange",
        "numberingChange",
        "cellIns",
        "cellDel",
        "cellMerge",
    )
}

# The Symbol font's code points (as Word stores them, 0xF020-0xF0FF or 0x20-0xFF) in Unicode,
# from the Adobe Symbol encoding. Letters not listed map to themselves.
_SYMBOL = dict(
    zip(
        range(0x20, 0x80),
        " !∀#∃%&∋()∗+,−./0123456789:;<=>?≅ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ[∴]⊥_‾"
        "αβχδεφγηιϕκλμνοπθρστυϖωξψζ{|}∼\x7f",
        strict=True,
    )
)
_SYMBOL.update(
    zip(
        range(0xA0, 0x100),
        "€ϒ′≤⁄∞ƒ♣♦♥♠↔←↑→↓°±″≥×∝∂•÷≠≡≈…⏐⎯↵ℵℑℜ℘⊗⊕∅∩∪⊃⊇⊄⊂⊆∈∉∠∇®©™∏√⋅¬∧∨⇔⇐⇑⇒⇓◊〈®©™∑⎛⎜⎝⎡⎢⎣⎧⎨⎩⎪\uf8ff〉∫⌠⎮⌡⎞⎟⎠⎤⎥⎦⎫⎬⎭\uf8ff",
        strict=True,
    )
)


def symbol_char(font: str | None, code: str | None) -> str:
    """The character a ``w:sym`` shows: Symbol-font codes mapped to Unicode, others as given;
    nothing for a code that is no code point. (Whether an output can hold it is the import's
    question, asked of every format alike.)"""
    try:
        value = int(code or "", 16)
    except ValueError:
        return ""
    if not 0 <= value <= 0x10FFFF:
        return ""
    if (font or "").strip().lower() == "symbol":
        return _SYMBOL.get(value - 0xF000 if value >= 0xF000 else value) or chr(value)
    if 0xF000 <= value <= 0xF0FF:  # another symbol font's private code: its Latin-1 character
        return chr(value - 0xF000)
    return chr(value)


@dataclass
class Reading:
    """What was read from some paragraphs: the text and everything around it worth keeping."""

    text: list[str] = field(default_factory=list)
    tracked: bool = False
    comments: list[str] = field(default_factory=list)  # comment ids anchored here
    footnotes: list[str] = field(default_factory=list)
    endnotes: list[str] = field(default_factory=list)
    nested_table: bool = False
    fields: list[str] = field(default_factory=list)  # complex-field states: "instr" or "result"

    @property
    def value(self) -> str:
        return "".join(self.text)

    def showing(self) -> bool:
        return all(state == "result" for state in self.fields)


def _attr(element: etree._Element, name: str) -> str | None:
    return element.get(w(name))


def _hidden(run: etree._Element) -> bool:
    props = run.find(w("rPr"))
    if props is None:
        return False
    vanish = props.find(w("vanish"))
    return vanish is not None and _attr(vanish, "val") not in ("0", "false", "off")


def _run(run: etree._Element, out: Reading) -> None:
    hidden = _hidden(run)
    for child in run:
        tag = child.tag
        if tag == w("fldChar"):
            kind = _attr(child, "fldCharType")
            if kind == "begin":
                out.fields.append("instr")
            elif kind == "separate" and out.fields:
                out.fields[-1] = "result"
            elif kind == "end" and out.fields:
                out.fields.pop()
        elif tag in (w("footnoteReference"), w("endnoteReference")):
            target = out.footnotes if tag == w("footnoteReference") else out.endnotes
            if (ref := _attr(child, "id")) is not None:
                target.append(ref)
        elif tag == w("commentReference"):
            if (ref := _attr(child, "id")) is not None:
                out.comments.append(ref)
        elif hidden or not out.showing():
            continue
        elif tag == w("t"):
            out.text.append(child.text or "")
        elif tag in (w("tab"), w("ptab")):
            out.text.append("\t")
        elif tag in (w("br"), w("cr")):
            out.text.append("\n")
        elif tag == w("noBreakHyphen"):
            out.text.append("\u2011")
        elif tag == w("sym"):
            out.text.append(symbol_char(_attr(child, "font"), _attr(child, "char")))
        elif tag == w("ruby"):
            _inline(child, out)


def _inline(element: etree._Element, out: Reading) -> None:
    """The children of a paragraph, or of a container inside one."""
    for child in element:
        tag = child.tag
        if tag == w("r"):
            _run(child, out)
        elif tag in _TRANSPARENT or (tag == w("sdt") and not _placeholder(child)):
            _inline(child, out)
        elif tag in (w("commentRangeStart"),):
            if (ref := _attr(child, "id")) is not None:
                out.comments.append(ref)
        elif tag == f"{{{M}}}oMath" or tag == f"{{{M}}}oMathPara":
            out.text.extend(t.text or "" for t in child.iter(f"{{{M}}}t"))


def _placeholder(sdt: etree._Element) -> bool:
    """A content control still showing its placeholder ("Click here to enter text.")."""
    props = sdt.find(w("sdtPr"))
    return props is not None and props.find(w("showingPlcHdr")) is not None


def _mark_deleted(paragraph: etree._Element) -> bool:
    """Whether the paragraph mark is a tracked deletion (the next paragraph joins this one)."""
    props = paragraph.find(w("pPr"))
    if props is None:
        return False
    run_props = props.find(w("rPr"))
    return run_props is not None and (
        run_props.find(w("del")) is not None or run_props.find(w("moveFrom")) is not None
    )


def _paragraphs(container: etree._Element) -> list[etree._Element]:
    """The paragraphs of a cell (or a comment, a footnote), through block-level wrappers.

    Nested tables are noted by the caller; their paragraphs are not this cell's text.
    """
    found = []
    for child in container:
        if child.tag == w("p"):
            found.append(child)
        elif child.tag in (w("sdt"), w("customXml"), w("sdtContent"), w("ins"), w("moveTo")):
            found.extend(_paragraphs(child))
    return found


def read_blocks(container: etree._Element) -> Reading:
    """The shown text of the paragraphs in ``container``, one line per paragraph, and whether
    it carries tracked changes (any revision element inside: the one place this is decided)."""
    out = Reading()
    paragraphs = _paragraphs(container)
    for index, paragraph in enumerate(paragraphs):
        _inline(paragraph, out)
        if index < len(paragraphs) - 1 and not _mark_deleted(paragraph):
            out.text.append("\n")
    out.nested_table = container.find(f".//{w('tbl')}") is not None
    out.tracked = any(el.tag in _REVISIONS for el in container.iter())
    return out


def read_paragraph(paragraph: etree._Element) -> Reading:
    """The shown text of one paragraph."""
    out = Reading()
    _inline(paragraph, out)
    return out
