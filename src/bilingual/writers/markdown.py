"""The readers' Markdown: the article's blocks in order, each Chinese block followed by its
English, with the source's structure (headings, lists, quotes, code, pictures) and inline
formatting. No IDs, statuses or QA flags: those are for editors.

A heading's English is an emphasised line under the Chinese heading, not a heading of its own
(an outline lists each section once); a picture's caption follows it in both languages. The
footnotes come last, in Markdown's footnote syntax, each note's Chinese then its English.
Pictures are copied to ``dist/NAME.assets/`` (one copy for both editions) and referenced from
there. Emphasis and strikethrough are written with ``*``/``~~`` where CommonMark's own flanking
rules let them open and close (so every Markdown viewer shows them; often not next to CJK
punctuation), else as inline HTML (``<em>``, ``<strong>``, ``<del>``), which CommonMark keeps and
the Markdown reader reads. Only characters that would be read as markup are escaped.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

from bilingual.document import Document, Image, Kind, Paragraph, Span, SpanKind
from bilingual.document.editions import Edition
from bilingual.document.links import allowed, normalized, picture_allowed
from bilingual.document.spans import Cover
from bilingual.writers import WriteOptions, assets_folder
from bilingual.writers.blocks import (
    article_blocks,
    chinese_pieces,
    english_pieces,
    footnotes,
    joined,
    render_inline,
    starts_table,
)

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
_ORDERED_START = re.compile(r"\d{1,9}([.)])(?:\s|$)")
_HEADING_START = re.compile(r"#{1,6}(?:\s|$)")
_BREAK_LINE = re.compile(r"(?:-[ \t]*){3,}$|(?:_[ \t]*){3,}$")


def _word(char: str) -> bool:
    """A letter or digit (CJK too): emphasis delimiters between two of them cannot open."""
    return bool(char) and not char.isspace() and not _punctuation(char)


def _escape_text(text: str, in_link: bool = False, in_table: bool = False) -> str:
    """``text`` with a backslash only before the characters that Markdown (CommonMark with
    tables, strikethrough and footnotes) would otherwise read as markup here: ``1.1``, ``C#``,
    ``snake_case`` and ``a > b`` stay as they are. The text's edges count as markup's edges."""
    out = []
    for i, char in enumerate(text):
        before, after = text[i - 1 : i], text[i + 1 : i + 2]
        needed = (
            char in "\\`*"
            or (char == "_" and not (_word(before) and _word(after)))
            or (char == "~" and "~" in (before, after))
            or (char in "[]" and in_link)
            or (char == "[" and after == "^")
            or (char == "]" and (not after or after in "([:"))
            or (char == "^" and after in ("", "["))  # a mark may follow: ^[^1] is a note
            or (char == "<" and (after.isalpha() or after in "/!?"))
            or (char == "&" and _ENTITY.match(text, i) is not None)
            or (char == "|" and in_table)
        )
        out.append("\\" + char if needed else char)
    return "".join(out)


def escape(text: str) -> str:
    """Plain text that Markdown shows as written (no accidental lists, headings, emphasis)."""
    return _line_start(_escape_text(text))


def _line_start(line: str) -> str:
    """A paragraph's opening made literal where it would start a block: ``\\-`` and ``\\+``
    before a space, ``\\>``, ``\\#`` (a heading's marks), ``1\\.`` before a space (CommonMark
    shows ``\\1.`` as written: a backslash escapes punctuation only), a thematic break."""
    first = line[:1]
    if first == ">" or (first and first in "-+" and line[1:2] in ("", " ", "\t")):
        return "\\" + line
    if first == "#" and _HEADING_START.match(line):
        return "\\" + line
    if _BREAK_LINE.match(line):
        return "\\" + line
    if (ordered := _ORDERED_START.match(line)) is not None:
        cut = ordered.start(1)
        return line[:cut] + "\\" + line[cut:]
    return line


def _heading_text(text: str) -> str:
    """A heading's text: a closing run of ``#`` after a space would be read as its end."""
    match = re.search(r"(\s)(#+)\s*$", text)
    if match is None:
        return text
    return text[: match.start(2)] + "\\" + text[match.start(2) :]


def _space(char: str) -> bool:
    """White space, or the start or end of the line (CommonMark's flanking rules)."""
    return not char or char.isspace()


def _punctuation(char: str) -> bool:
    return bool(char) and unicodedata.category(char)[0] in "PS"


def delimiters_work(text: str, start: int, end: int) -> bool:
    """Whether ``*`` (or ``**``) around ``text[start:end]`` opens and closes there: the opening
    run must be left-flanking and the closing run right-flanking."""
    before, first = text[start - 1 : start], text[start : start + 1]
    last, after = text[end - 1 : end], text[end : end + 1]
    opens = not _space(first) and (
        not _punctuation(first) or _space(before) or _punctuation(before)
    )
    closes = not _space(last) and (not _punctuation(last) or _space(after) or _punctuation(after))
    return opens and closes


_DELIMITERS = {
    SpanKind.EMPHASIS: ("*", "em"),
    SpanKind.STRONG: ("**", "strong"),
    SpanKind.STRIKE: ("~~", "del"),
}


def inline(
    text: str, spans: tuple[Span, ...], *, in_table: bool = False, line_start: bool = True
) -> str:
    """``text`` with its formatting as Markdown (links only where ``links.allowed`` says);
    ``line_start``: it opens a paragraph's line."""
    spans = tuple(s for s in spans if s.kind is not SpanKind.LINK or allowed(s.url or ""))
    spans = _around_marks(spans)
    edges = Counter(e for s in spans if not s.kind.mark for e in (s.start, s.end))
    html: set[Span] = set()
    for span in spans:
        if span.kind in _DELIMITERS:
            shared = edges[span.start] > 1 or edges[span.end] > 1
            if shared or not delimiters_work(text, span.start, span.end):
                html.add(span)

    code = Cover([s for s in spans if s.kind is SpanKind.CODE])
    links = Cover([s for s in spans if s.kind is SpanKind.LINK])

    def open_tag(span: Span) -> str:
        if span.kind is SpanKind.FOOTNOTE_REF:
            return f"[^{span.label}]"
        if span.kind is SpanKind.LINK:
            return "["
        if span.kind is SpanKind.CODE:
            return _code_fence(text[span.start : span.end])[0]
        mark, tag = _DELIMITERS[span.kind]
        return f"<{tag}>" if span in html else mark

    def close_tag(span: Span) -> str:
        if span.kind is SpanKind.FOOTNOTE_REF:
            return ""
        if span.kind is SpanKind.LINK:
            return f"]({_url(span.url or '')})"
        if span.kind is SpanKind.CODE:
            return _code_fence(text[span.start : span.end])[1]
        mark, tag = _DELIMITERS[span.kind]
        return f"</{tag}>" if span in html else mark

    marks = {s.start for s in spans if s.kind.mark}

    def emit(start: int, end: int) -> str:
        if code.covers(start, end):
            return text[start:end]
        in_link = links.covers(start, end)
        out = _escape_text(text[start:end], in_link=in_link, in_table=in_table)
        if start in marks and out[:1] in ("(", "[", ":"):  # [^1](...) would be a link
            out = "\\" + out
        return out

    rendered = render_inline(text, spans, emit, open_tag, close_tag)
    return _line_start(rendered) if line_start else rendered


def _around_marks(spans: tuple[Span, ...]) -> tuple[Span, ...]:
    """A link or inline code with a footnote mark inside it as two, either side of the mark
    (neither can hold a footnote reference in Markdown)."""
    marks = sorted({s.start for s in spans if s.kind.mark})
    out: list[Span] = []
    for span in spans:
        split = span.kind in (SpanKind.LINK, SpanKind.CODE)
        inside = marks[bisect_right(marks, span.start) : bisect_left(marks, span.end)]
        cuts = inside if split else []
        edges = [span.start, *cuts, span.end]
        out += [replace(span, start=a, end=b) for a, b in zip(edges, edges[1:], strict=False)]
    return tuple(out)


def _code_fence(code: str) -> tuple[str, str]:
    """The backticks (and padding) around inline code ``code``."""
    fence = "`" * (max((len(run) for run in re.findall("`+", code)), default=0) + 1)
    pad = " " if code.startswith(("`", " ")) or code.endswith(("`", " ")) else ""
    return fence + pad, pad + fence


def _url(url: str) -> str:
    url = normalized(url).replace("\\", "%5C")  # a backslash would escape the closing ">"
    if re.search(r"[\s()<>]", url):
        return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"
    return url


def image_reference(document: Document, image: Image) -> str:
    if image.remote:
        return _url(image.src) if picture_allowed(image.src) else "#"
    return quote(f"{assets_folder(document)}/{image.file_name}")


def _texts(paragraph: Paragraph, edition: Edition, **how: bool) -> tuple[str, str]:
    """The block's Chinese and English as Markdown; no English when it is the Chinese itself
    (a name, a number: shown once)."""
    chinese_text, chinese_spans = joined(chinese_pieces(paragraph, edition), "")
    english_text, english_spans = joined(english_pieces(paragraph), " ")
    chinese = inline(chinese_text, chinese_spans, **how)
    if english_text == chinese_text and english_spans == chinese_spans:
        return chinese, ""
    return chinese, inline(english_text, english_spans, **how)


def _aside(english: str) -> str:
    """An English line set apart from the Chinese above it (a heading's, a caption's): in
    emphasis, with ``_`` so that ``*`` inside it stays the English's own."""
    return f"_{english}_" if english else ""


def _block_lines(document: Document, paragraph: Paragraph, edition: Edition) -> list[list[str]]:
    """The block's paragraphs (each a list of lines), before quote and list prefixes."""
    kind = paragraph.kind
    if kind is Kind.CODE:
        fence = "`" * max(3, max((len(r) for r in re.findall("`+", paragraph.text)), default=0) + 1)
        return [[fence + paragraph.info, *paragraph.text.split("\n"), fence]]
    if kind is Kind.HTML:
        return [paragraph.text.split("\n")]
    if kind is Kind.RULE:
        return [["***"]]
    if kind is Kind.IMAGE and paragraph.image is not None:
        chinese, english = _texts(paragraph, edition)
        alt = _escape_text(joined(chinese_pieces(paragraph, edition), "")[0], in_link=True)
        picture = [f"![{alt}]({image_reference(document, paragraph.image)})"]
        return [picture] + [[line] for line in (chinese, _aside(english)) if line]
    if kind is Kind.HEADING:  # the English under the Chinese heading, not a second heading
        chinese, english = _texts(paragraph, edition, line_start=False)
        mark = "#" * max(paragraph.level, 1) + " "  # the title (level 0) too
        return [[mark + _heading_text(chinese)]] + ([[_aside(english)]] if english else [])
    chinese, english = _texts(paragraph, edition)
    return [[chinese]] + ([[english]] if english else [])


def _units(paragraphs: Sequence[Paragraph]) -> Iterator[tuple[Paragraph, list[Paragraph]]]:
    """Blocks, with each table's run of cells as one unit: (first block, its cells)."""
    cells: list[Paragraph] = []
    for paragraph in paragraphs:
        if cells and (paragraph.cell is None or starts_table(cells[-1], paragraph)):
            yield cells[0], cells
            cells = []
        if paragraph.cell is not None:
            cells.append(paragraph)
        else:
            yield paragraph, []
    if cells:
        yield cells[0], cells


def _cell_text(document: Document, block: Paragraph, edition: Edition) -> str:
    """A block in a table cell, on one line: its Chinese, a line break, its English; a
    picture, and under it its English alt text."""
    chinese, english = _texts(block, edition, in_table=True, line_start=False)
    if block.kind is Kind.IMAGE and block.image is not None:
        alt = _escape_text(joined(chinese_pieces(block, edition), "")[0], in_link=True)
        chinese = f"![{alt}]({image_reference(document, block.image)})"
        english = _aside(english)
    return "<br>".join(part for part in (chinese, english) if part)


def _table_lines(document: Document, cells: list[Paragraph], edition: Edition) -> list[str]:
    """A GitHub table; the blocks of one cell (its text, its pictures) share the cell."""
    rows: dict[int, dict[int, list[str]]] = {}
    for cell in cells:
        assert cell.cell is not None
        row, column = cell.cell
        text = _cell_text(document, cell, edition)
        rows.setdefault(row, {}).setdefault(column, []).extend([text] if text else [])
    width = max(max(row) + 1 for row in rows.values())
    lines = []
    for n, row in enumerate(sorted(rows)):
        texts = ["<br>".join(rows[row].get(c, [])) for c in range(width)]
        lines.append("| " + " | ".join(texts) + " |")
        if n == 0:
            lines.append("|" + " --- |" * width)
    return lines


def _footnote_lines(document: Document, edition: Edition) -> list[str]:
    """The footnotes, in Markdown's footnote syntax: ``[^label]: Chinese``, then the English
    and the note's other blocks as its paragraphs (indented four spaces)."""
    out: list[str] = []
    for label, _, blocks in footnotes(document.paragraphs):
        paragraphs = [lines for block in blocks for lines in _block_lines(document, block, edition)]
        for n, lines in enumerate(paragraphs):
            if n:
                out.append("")
            for m, line in enumerate(lines):
                lead = f"[^{label}]: " if n == 0 and m == 0 else "    "
                out.append((lead + line).rstrip() if line else "")
        out.append("")
    return out


def render_markdown(document: Document, edition: Edition) -> str:
    out: list[str] = []
    columns: list[int] = []  # per list depth: the column its items' content starts at
    previous_quote = 0
    for paragraph, cells in _units(article_blocks(document.paragraphs)):
        depth = paragraph.depth
        columns = columns[:depth]
        if paragraph.kind is Kind.LIST_ITEM and depth:
            indent = columns[depth - 2] if depth >= 2 and len(columns) >= depth - 1 else 0
            marker = f"{paragraph.number}. " if paragraph.ordered else "- "
            columns = columns[: depth - 1] + [indent + len(marker)]
            first = " " * indent + marker
        else:
            indent = columns[depth - 1] if depth and len(columns) >= depth else 0
            first = " " * indent
        rest = " " * len(first)
        quote_prefix = "> " * paragraph.quote
        lines: list[str] = []
        units = [_table_lines(document, cells, edition)] if cells else None
        for n, block in enumerate(units or _block_lines(document, paragraph, edition)):
            if n:
                lines.append(quote_prefix.rstrip())
            for m, line in enumerate(block):
                lead = first if n == 0 and m == 0 else rest
                lines.append(
                    (quote_prefix + lead + line).rstrip() if line else quote_prefix.rstrip()
                )
        if out:
            shared = min(previous_quote, paragraph.quote)
            out.append(("> " * shared).rstrip())
        out.extend(lines)
        previous_quote = paragraph.quote
    notes = _footnote_lines(document, edition)
    if notes:
        out += [""] + notes
    return "\n".join(out).strip("\n") + "\n"


def write(document: Document, edition: Edition, path: Path, options: WriteOptions) -> None:
    path.write_text(render_markdown(document, edition), encoding="utf-8")
