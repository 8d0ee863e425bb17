"""The bilingual article as HTML blocks, shared by the web page and the EPUB.

Every text block is a ``div.pair`` holding the Chinese and the English as the source's element
(``h1``-``h6``, ``p``), each with its ``lang``; each sentence is a ``span.s`` whose ``data-id`` is
its segment ID, in both languages. Block quotes and lists are real ``blockquote``/``ul``/``ol``/
``li``. Code and HTML blocks are shown once, as code. The output is XHTML-compatible (quoted
attributes, closed empty elements), so the EPUB can use it as it is.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from html import escape

from bilingual.document import Document, Image, Kind, Paragraph, Span, SpanKind
from bilingual.document.editions import Edition
from bilingual.document.links import allowed, picture_allowed, scheme
from bilingual.writers.blocks import (
    Container,
    Piece,
    chinese_pieces,
    containers,
    english_pieces,
    joined,
    render_inline,
    same_cell,
    starts_table,
)

ImageSource = Callable[[Image], str]
LinkFilter = Callable[[str], bool]
_COMMENTS = re.compile(r"(?:\s*<!--.*?-->\s*)+", re.DOTALL)


def _open_tag(span: Span) -> str:
    if span.kind is SpanKind.LINK:
        return f'<a href="{escape(span.url or "", quote=True)}">'
    return {SpanKind.EMPHASIS: "<em>", SpanKind.STRONG: "<strong>", SpanKind.CODE: "<code>"}[
        span.kind
    ]


def _close_tag(span: Span) -> str:
    return {
        SpanKind.LINK: "</a>",
        SpanKind.EMPHASIS: "</em>",
        SpanKind.STRONG: "</strong>",
        SpanKind.CODE: "</code>",
    }[span.kind]


def absolute(url: str) -> bool:
    """A link the rule keeps that leads outside the page (``https:``, ``mailto:``)."""
    return allowed(url) and scheme(url) is not None


def inline_html(text: str, spans: tuple[Span, ...], links: LinkFilter = allowed) -> str:
    """``text`` with its spans as HTML; links that ``links`` refuses are left as text (whatever
    ``links`` says, only what ``document.links.allowed`` keeps is ever a link)."""
    kept = tuple(
        s
        for s in spans
        if s.kind is not SpanKind.LINK or (allowed(s.url or "") and links(s.url or ""))
    )
    return render_inline(
        text, kept, lambda s, e: escape(text[s:e], quote=False), _open_tag, _close_tag
    )


def _sentences(pieces: list[Piece], separator: str, links: LinkFilter) -> str:
    return separator.join(
        f'<span class="s" data-id="{p.id}">{inline_html(p.text, p.spans, links)}</span>'
        for p in pieces
    )


def _pair(
    tag: str, chinese: str, english: str, lang: str, css: str, anchor: str, wrapper: str = "div"
) -> str:
    ident = f' id="{anchor}"' if anchor else ""
    out = [f'<{wrapper} class="pair {css}"{ident}>', f'<{tag} lang="{lang}">{chinese}</{tag}>']
    if english:
        out.append(f'<{tag} lang="en">{english}</{tag}>')
    out.append(f"</{wrapper}>")
    return "".join(out)


def anchor(paragraph: Paragraph) -> str:
    """A block's ``id``: its first segment's ID; ``b{line}`` for a block without text (a picture
    without alt text), which ``article_html`` numbers on when a line has several."""
    return paragraph.segments[0].id if paragraph.segments else f"b{paragraph.index + 1:03d}"


def block_html(
    paragraph: Paragraph,
    edition: Edition,
    image_source: ImageSource,
    links: LinkFilter = allowed,
    ident: str | None = None,
) -> str:
    """One block's HTML; ``ident`` is its ``id`` (default: ``anchor(paragraph)``)."""
    ident = ident or anchor(paragraph)
    lang = edition.code
    kind = paragraph.kind
    if kind is Kind.HTML and _COMMENTS.fullmatch(paragraph.text):
        return ""  # invisible in the source's own rendering too
    if kind in (Kind.CODE, Kind.HTML):
        css = "code" if kind is Kind.CODE else "code html-source"
        info = f' data-lang="{escape(paragraph.info, quote=True)}"' if paragraph.info else ""
        code = escape(paragraph.text, quote=False)
        return f'<pre class="{css}" translate="no"{info}><code>{code}</code></pre>'
    if kind is Kind.RULE:
        return "<hr/>"
    chinese = _sentences(chinese_pieces(paragraph, edition), "", links)
    english = _sentences(english_pieces(paragraph), " ", links)
    if kind is Kind.IMAGE and paragraph.image is not None:
        image = paragraph.image
        alt = escape(joined(chinese_pieces(paragraph, edition), "")[0], quote=True)
        if image.remote and picture_allowed(image.src):
            href = escape(image.src, quote=True)
            picture = f'<a class="remote-image" href="{href}">{href}</a>'
        elif image.remote:
            picture = f'<span class="remote-image">{escape(image.src, quote=False)}</span>'
        else:
            source = escape(image_source(image), quote=True)
            picture = f'<img src="{source}" alt="{alt}"/>'
        caption = (
            _pair("p", chinese, english, lang, "caption", "", wrapper="figcaption")
            if chinese
            else ""
        )
        return f'<figure id="{ident}">{picture}{caption}</figure>'
    if kind is Kind.TABLE_CELL:  # stacked: a cell is too narrow to split
        english_part = f'<p lang="en">{english}</p>' if english else ""
        return f'<div class="cell"><p lang="{lang}">{chinese}</p>{english_part}</div>'
    tag = f"h{paragraph.level}" if kind is Kind.HEADING else "p"
    return _pair(tag, chinese, english, lang, kind.value, ident)


def _table(previous: Paragraph | None, block: Paragraph | None) -> tuple[str, str]:
    """The table markup between two blocks: (to close before the block's containers change,
    to open after): a cell's, a row's and a table's end and start. The blocks of one cell (its
    text, its pictures) share the cell."""
    if same_cell(previous, block):
        return "", ""
    before = previous.cell if previous is not None else None
    cell = block.cell if block is not None else None
    starts = block is not None and starts_table(previous, block)
    close = open_ = ""
    if before is not None:
        close = "</th>" if before[0] == 0 else "</td>"
        if cell is None or starts:
            close += "</tr></tbody></table>" if before[0] else "</tr></thead></table>"
    if starts and cell is not None:
        open_ = "<table><thead><tr>" if cell[0] == 0 else "<table><tbody><tr>"
    elif cell is not None and before is not None and before[0] != cell[0]:
        open_ = "</tr></thead><tbody><tr>" if before[0] == 0 else "</tr><tr>"
    if cell is not None:
        open_ += "<th>" if cell[0] == 0 else "<td>"
    return close, open_


def _open(container: Container, block: Paragraph) -> str:
    if container.kind == "quote":
        return "<blockquote>"
    if container.kind == "list":
        return "<ol>" if container.ordered else "<ul>"
    if block.kind is Kind.LIST_ITEM and block.ordered:
        return f'<li value="{block.number}">'
    return "<li>"


def _close(container: Container) -> str:
    if container.kind == "quote":
        return "</blockquote>"
    if container.kind == "list":
        return "</ol>" if container.ordered else "</ul>"
    return "</li>"


def article_html(
    document: Document, edition: Edition, image_source: ImageSource, links: LinkFilter = allowed
) -> str:
    """The article's blocks, nested in their quotes and lists; ``links`` says which link
    addresses to keep (the others' text stays, unlinked)."""
    out: list[str] = []
    previous: Paragraph | None = None
    anchors: Counter[str] = Counter()
    for closing, opening, block in containers(document.paragraphs):
        end_table, start_table = _table(previous, block)
        out += [end_table] if end_table else []
        out += [_close(c) for c in closing]
        if block is None:
            break
        out += [_open(c, block) for c in opening]
        out += [start_table] if start_table else []
        ident = anchor(block)
        anchors[ident] += 1
        if anchors[ident] > 1:  # pictures without alt text on one line: b005, b005-2, ...
            ident = f"{ident}-{anchors[ident]}"
        out.append(block_html(block, edition, image_source, links, ident))
        previous = block
    return "\n".join(out)


def headings(document: Document, edition: Edition) -> list[tuple[int, str, str]]:
    """(level, anchor, label) of every heading, for tables of contents."""
    out = []
    for paragraph in document.paragraphs:
        if paragraph.kind is Kind.HEADING and paragraph.segments:
            chinese = joined(chinese_pieces(paragraph, edition), "")[0]
            english = joined(english_pieces(paragraph), " ")[0]
            label = f"{chinese} / {english}" if english and english != chinese else chinese
            out.append((paragraph.level, anchor(paragraph), label))
    return out
