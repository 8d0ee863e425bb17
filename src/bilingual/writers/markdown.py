"""The readers' Markdown: the article's blocks in order, each Chinese block followed by its
English, with the source's structure (headings, lists, quotes, code, pictures) and inline
formatting. No IDs, statuses or QA flags: those are for editors.

Pictures are copied to ``dist/NAME.assets/`` (one copy for both editions) and referenced from
there. Emphasis is written with ``*`` where CommonMark's flanking rules let it open and close
(often not next to CJK punctuation), else as inline HTML (``<em>``), which CommonMark keeps.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import quote

from bilingual.document import Document, Image, Kind, Paragraph, Span, SpanKind
from bilingual.document.editions import Edition
from bilingual.document.spans import Cover
from bilingual.writers import WriteOptions, assets_folder
from bilingual.writers.blocks import (
    chinese_pieces,
    english_pieces,
    joined,
    render_inline,
    starts_table,
)

_INLINE = re.compile(r"([\\`*_\[\]<>|&#])")
_LINE_START = re.compile(r"^(\s*)(?:([>+\-=])|(\d+)([.)]))")


def escape(text: str) -> str:
    """Plain text that Markdown shows as written (no accidental lists, headings, emphasis)."""
    return _line_start(_INLINE.sub(r"\\\1", text))


def _line_start(line: str) -> str:
    """A line's opening made literal: ``\\-``, ``\\>``, and ``1\\.`` (CommonMark shows ``\\1.``
    as written: a backslash escapes punctuation only)."""

    def fix(m: re.Match[str]) -> str:
        if m.group(2):
            return f"{m.group(1)}\\{m.group(2)}"
        return f"{m.group(1)}{m.group(3)}\\{m.group(4)}"

    return _LINE_START.sub(fix, line)


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


_DELIMITERS = {SpanKind.EMPHASIS: ("*", "em"), SpanKind.STRONG: ("**", "strong")}


def inline(text: str, spans: tuple[Span, ...]) -> str:
    """``text`` with its formatting as Markdown."""
    edges = Counter(e for s in spans for e in (s.start, s.end))
    html: set[Span] = set()
    for span in spans:
        if span.kind in _DELIMITERS:
            shared = edges[span.start] > 1 or edges[span.end] > 1
            if shared or not delimiters_work(text, span.start, span.end):
                html.add(span)

    code = Cover([s for s in spans if s.kind is SpanKind.CODE])

    def open_tag(span: Span) -> str:
        if span.kind is SpanKind.LINK:
            return "["
        if span.kind is SpanKind.CODE:
            return _code_fence(text[span.start : span.end])[0]
        mark, tag = _DELIMITERS[span.kind]
        return f"<{tag}>" if span in html else mark

    def close_tag(span: Span) -> str:
        if span.kind is SpanKind.LINK:
            return f"]({_url(span.url or '')})"
        if span.kind is SpanKind.CODE:
            return _code_fence(text[span.start : span.end])[1]
        mark, tag = _DELIMITERS[span.kind]
        return f"</{tag}>" if span in html else mark

    def emit(start: int, end: int) -> str:
        if code.covers(start, end):
            return text[start:end]
        return _INLINE.sub(r"\\\1", text[start:end])

    return _line_start(render_inline(text, spans, emit, open_tag, close_tag))


def _code_fence(code: str) -> tuple[str, str]:
    """The backticks (and padding) around inline code ``code``."""
    fence = "`" * (max((len(run) for run in re.findall("`+", code)), default=0) + 1)
    pad = " " if code.startswith(("`", " ")) or code.endswith(("`", " ")) else ""
    return fence + pad, pad + fence


def _url(url: str) -> str:
    if re.search(r"[\s()<>]", url):
        return "<" + url.replace("<", "%3C").replace(">", "%3E").replace("\n", "") + ">"
    return url


def image_reference(document: Document, image: Image) -> str:
    if image.remote:
        return _url(image.src)
    return quote(f"{assets_folder(document)}/{image.file_name}")


def _texts(paragraph: Paragraph, edition: Edition) -> tuple[str, str]:
    chinese = inline(*joined(chinese_pieces(paragraph, edition), ""))
    english = inline(*joined(english_pieces(paragraph), " "))
    return chinese, english


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
    chinese, english = _texts(paragraph, edition)
    if kind is Kind.IMAGE and paragraph.image is not None:
        alt = escape(joined(chinese_pieces(paragraph, edition), "")[0])
        picture = [[f"![{alt}]({image_reference(document, paragraph.image)})"]]
        return picture + ([[f"*{english}*"]] if english else [])
    mark = "#" * paragraph.level + " " if kind is Kind.HEADING else ""
    return [[mark + chinese]] + ([[mark + english]] if english else [])


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
    chinese, english = _texts(block, edition)
    if block.kind is Kind.IMAGE and block.image is not None:
        alt = escape(joined(chinese_pieces(block, edition), "")[0])
        chinese = f"![{alt}]({image_reference(document, block.image)})"
        english = f"*{english}*" if english else ""
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


def render_markdown(document: Document, edition: Edition) -> str:
    out: list[str] = []
    columns: list[int] = []  # per list depth: the column its items' content starts at
    previous_quote = 0
    for paragraph, cells in _units(document.paragraphs):
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
    return "\n".join(out).strip("\n") + "\n"


def write(document: Document, edition: Edition, path: Path, options: WriteOptions) -> None:
    path.write_text(render_markdown(document, edition), encoding="utf-8")
