"""The bilingual article as HTML blocks, shared by the web page and the EPUB.

Every text block is a ``div.pair`` holding the Chinese and the English as the source's element
(``h1``-``h6``, ``p``), each with its ``lang``; each sentence is a ``span.s`` whose ``data-id`` is
its segment ID, in both languages. Block quotes and lists are real ``blockquote``/``ul``/``ol``/
``li``. Code and HTML blocks are shown once, as code. The output is XHTML-compatible (quoted
attributes, closed empty elements), so the EPUB can use it as it is.

Footnotes follow the article in a ``section.footnotes``: per note a pair of ``aside``s (its
Chinese, its English), each mark in the text leading to the note in its own language and the
note's number leading back (``NoteMarks``, ``footnotes_html``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from html import escape

from bilingual.document import Document, Image, Kind, Paragraph, Span, SpanKind
from bilingual.document.editions import Edition
from bilingual.writers.blocks import (
    Container,
    Piece,
    article_blocks,
    chinese_pieces,
    containers,
    english_pieces,
    footnote_numbers,
    footnotes,
    joined,
    render_inline,
    same_cell,
    starts_table,
)

ImageSource = Callable[[Image], str]
LinkFilter = Callable[[str], bool]
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]+:")
_COMMENTS = re.compile(r"(?:\s*<!--.*?-->\s*)+", re.DOTALL)


def _open_tag(span: Span) -> str:
    if span.kind is SpanKind.LINK:
        return f'<a href="{escape(span.url or "", quote=True)}">'
    return {
        SpanKind.EMPHASIS: "<em>",
        SpanKind.STRONG: "<strong>",
        SpanKind.CODE: "<code>",
        SpanKind.STRIKE: "<del>",
        SpanKind.FOOTNOTE_REF: "",
    }[span.kind]


def _close_tag(span: Span) -> str:
    return {
        SpanKind.LINK: "</a>",
        SpanKind.EMPHASIS: "</em>",
        SpanKind.STRONG: "</strong>",
        SpanKind.CODE: "</code>",
        SpanKind.STRIKE: "</del>",
        SpanKind.FOOTNOTE_REF: "",
    }[span.kind]


# --- footnotes: marks in the text, the notes at the end, linked both ways ------------------


class NoteMarks:
    """Footnote marks and notes, linked both ways: the Chinese text's mark leads to the note's
    Chinese (``#fn-N``), the English's to its English (``#fn-N-en``), and each note's number
    back to the first mark in its language. ``epub``: with EPUB's ``epub:type`` semantics
    (``noteref``, ``footnote``), which reading systems use to show the note in a pop-up."""

    def __init__(self, document: Document, epub: bool = False):
        self.numbers = footnote_numbers(document.paragraphs)
        self.epub = epub
        self.seen: Counter[str] = Counter()

    def mark(self, span: Span, lang: str) -> str:
        number = self.numbers.get(span.label or "")
        if number is None:
            return ""  # a note the source lacks (named when it was read)
        suffix = "-en" if lang == "en" else ""
        self.seen[f"{number}{suffix}"] += 1
        count = self.seen[f"{number}{suffix}"]
        ident = f"fnref-{number}{suffix}" + (f"-{count}" if count > 1 else "")
        kind = ' epub:type="noteref"' if self.epub else ""
        # U+2060 WORD JOINER: the mark never starts a line of its own (CJK text breaks anywhere)
        return (
            f'\u2060<sup class="noteref"><a id="{ident}" href="#fn-{number}{suffix}"{kind}'
            f' role="doc-noteref">{number}</a></sup>'
        )

    def note(self, number: int, lang: str, body: list[str]) -> str:
        """One language's side of note ``number``: its blocks, the first opened by the number
        leading back to the mark."""
        suffix = "-en" if lang == "en" else ""
        kind = ' epub:type="footnote"' if self.epub else ""
        back = (
            f'<a class="backref" href="#fnref-{number}{suffix}" role="doc-backlink">{number}</a> '
            if self.seen[f"{number}{suffix}"]
            else f'<span class="backref">{number}</span> '  # never cited: nowhere to go back to
        )
        if body and body[0].startswith("<p"):
            first = body[0]
            at = first.index(">") + 1
            body = [first[:at] + back + first[at:], *body[1:]]
        else:
            body = [f"<p>{back}</p>", *body]
        return (
            f'<aside class="footnote" id="fn-{number}{suffix}" lang="{lang}"{kind}'
            f' role="doc-footnote">{"".join(body)}</aside>'
        )


def footnotes_html(
    document: Document,
    edition: Edition,
    image_source: ImageSource,
    links: LinkFilter,
    marks: NoteMarks,
) -> str:
    """The notes after the article: per note a pair, its Chinese beside its English (code and
    pictures of a note on the Chinese side)."""
    notes = footnotes(document.paragraphs)
    if not notes:
        return ""
    out = [f'<section class="footnotes" aria-label="{_NOTES_LABEL}"><hr/>']
    for _, number, blocks in notes:
        chinese: list[str] = []
        english: list[str] = []
        for block in blocks:
            if block.kind is not Kind.FOOTNOTE:
                chinese.append(block_html(block, edition, image_source, links, marks=marks))
                continue
            zh = _sentences(chinese_pieces(block, edition), "", links, marks, edition.code)
            en = _sentences(english_pieces(block), " ", links, marks, "en")
            chinese.append(f"<p>{zh}</p>")
            english += [f"<p>{en}</p>"] if en else []
        out.append('<div class="pair footnote">')
        out.append(marks.note(number, edition.code, chinese))
        if english:
            out.append(marks.note(number, "en", english))
        out.append("</div>")
    out.append("</section>")
    return "\n".join(out)


_NOTES_LABEL = "注释 · Notes"


def absolute(url: str) -> bool:
    """A link that leads somewhere outside the page (``https:``, ``mailto:``)."""
    return bool(_SCHEME.match(url))


def inline_html(
    text: str,
    spans: tuple[Span, ...],
    links: LinkFilter = bool,
    marks: NoteMarks | None = None,
    lang: str = "",
) -> str:
    """``text`` with its spans as HTML; links that ``links`` refuses are left as text;
    footnote marks by ``marks`` (none without it)."""
    kept = tuple(s for s in spans if s.kind is not SpanKind.LINK or links(s.url or ""))

    def open_tag(span: Span) -> str:
        if span.kind.mark:
            return marks.mark(span, lang) if marks is not None else ""
        return _open_tag(span)

    return render_inline(
        text, kept, lambda s, e: escape(text[s:e], quote=False), open_tag, _close_tag
    )


def _sentences(
    pieces: list[Piece],
    separator: str,
    links: LinkFilter,
    marks: NoteMarks | None = None,
    lang: str = "",
) -> str:
    return separator.join(
        f'<span class="s" data-id="{p.id}">{inline_html(p.text, p.spans, links, marks, lang)}'
        "</span>"
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
    links: LinkFilter = bool,
    ident: str | None = None,
    marks: NoteMarks | None = None,
) -> str:
    """One block's HTML; ``ident`` is its ``id`` (default: ``anchor(paragraph)``); ``marks``
    renders footnote marks."""
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
    chinese = _sentences(chinese_pieces(paragraph, edition), "", links, marks, lang)
    english = _sentences(english_pieces(paragraph), " ", links, marks, "en")
    if kind is Kind.IMAGE and paragraph.image is not None:
        image = paragraph.image
        alt = escape(joined(chinese_pieces(paragraph, edition), "")[0], quote=True)
        if image.remote:
            href = escape(image.src, quote=True)
            picture = f'<a class="remote-image" href="{href}">{href}</a>'
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
    document: Document,
    edition: Edition,
    image_source: ImageSource,
    links: LinkFilter = bool,
    epub: bool = False,
) -> str:
    """The article's blocks, nested in their quotes and lists, then its footnotes; ``links``
    says which link addresses to keep (the others' text stays, unlinked); ``epub``: footnotes
    with EPUB's semantics."""
    out: list[str] = []
    previous: Paragraph | None = None
    anchors: Counter[str] = Counter()
    marks = NoteMarks(document, epub)
    for closing, opening, block in containers(article_blocks(document.paragraphs)):
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
        out.append(block_html(block, edition, image_source, links, ident, marks))
        previous = block
    out.append(footnotes_html(document, edition, image_source, links, marks))
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
