"""The bilingual article as HTML blocks, shared by the web page and the EPUB.

Every text block is a ``div.pair`` holding the Chinese and the English as the source's element
(``h1``-``h6``, ``p``), each with its ``lang``; each sentence is a ``span.s`` whose ``data-id`` is
its segment ID, in both languages. A document's title (Word's Title style, a front matter title)
is a ``div.pair.title`` of ``h1``s, apart from its Heading 1s. Block quotes and lists are real
``blockquote``/``ul``/``ol``/``li`` (the CSS draws their markers and bars beside both languages).
A table sits in a ``div.table`` that scrolls on its own when the screen is narrower than it; a
cell whose text has no Chinese (a number, a name) shows it once. Code and HTML blocks are shown
once, as code. A link the formatting stage could not place on the English follows the English
sentence (``a.unplaced``, showing the address's host), and emphasis it could not place is named
on the sentence (``title``): nothing of the source's formatting is silently lost. The output is
XHTML-compatible (quoted attributes, closed empty elements), so the EPUB can use it as it is.

Footnotes follow the article in a ``section.footnotes``: per note a pair of ``aside``s (its
Chinese, its English), each mark in the text leading to the note in its own language and the
note's number leading back (``NoteMarks``, ``footnotes_html``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from html import escape
from urllib.parse import urlsplit

from bilingual.document import Document, Image, Kind, Paragraph, Span, SpanKind
from bilingual.document.characters import has_chinese
from bilingual.document.editions import Edition
from bilingual.document.links import allowed, picture_allowed, scheme
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
    """A link the rule keeps that leads outside the page (``https:``, ``mailto:``)."""
    return allowed(url) and scheme(url) is not None


def inline_html(
    text: str,
    spans: tuple[Span, ...],
    links: LinkFilter = allowed,
    marks: NoteMarks | None = None,
    lang: str = "",
) -> str:
    """``text`` with its spans as HTML; links that ``links`` refuses are left as text (whatever
    ``links`` says, only what ``document.links.allowed`` keeps is ever a link); footnote marks
    by ``marks`` (none without it)."""
    kept = tuple(
        s
        for s in spans
        if s.kind is not SpanKind.LINK or (allowed(s.url or "") and links(s.url or ""))
    )

    def open_tag(span: Span) -> str:
        if span.kind.mark:
            return marks.mark(span, lang) if marks is not None else ""
        return _open_tag(span)

    return render_inline(
        text, kept, lambda s, e: escape(text[s:e], quote=False), open_tag, _close_tag
    )


_NAMES = {
    SpanKind.EMPHASIS: "emphasis",
    SpanKind.STRONG: "bold",
    SpanKind.CODE: "code",
    SpanKind.STRIKE: "strikethrough",
}


def _unplaced(piece: Piece, links: LinkFilter) -> tuple[str, str]:
    """What of the Chinese formatting is not on the English sentence: (a ``title`` attribute
    naming the emphasis, the links to show after the sentence)."""
    named = [
        f"{_NAMES.get(span.kind, span.kind.value)} “{chinese}”"
        for span, chinese in piece.unplaced
        if span.kind is not SpanKind.LINK
    ]
    title = f' title="not placed on the English: {escape("; ".join(named))}"' if named else ""
    shown = []
    for span, chinese in piece.unplaced:
        url = span.url or ""
        if span.kind is SpanKind.LINK and url and links(url):
            label = urlsplit(url).hostname or url.split(":", 1)[-1].lstrip("/") or url
            shown.append(
                f' <a class="unplaced" href="{escape(url, quote=True)}" '
                f'title="{escape(chinese, quote=True)}">{escape(label, quote=False)}</a>'
            )
    return title, "".join(shown)


def _sentences(
    pieces: list[Piece],
    separator: str,
    links: LinkFilter,
    marks: NoteMarks | None = None,
    lang: str = "",
) -> str:
    out = []
    for p in pieces:
        title, after = _unplaced(p, links)
        css = "s unplaced-emphasis" if title else "s"
        inner = inline_html(p.text, p.spans, links, marks, lang)
        out.append(f'<span class="{css}" data-id="{p.id}"{title}>{inner}{after}</span>')
    return separator.join(out)


def _pair(
    tag: str, chinese: str, english: str, lang: str, css: str, anchor: str, wrapper: str = "div"
) -> str:
    ident = f' id="{anchor}"' if anchor else ""
    out = [f'<{wrapper} class="pair {css}"{ident}>', f'<{tag} lang="{lang}">{chinese}</{tag}>']
    if english:
        out.append(f'<{tag} lang="en">{english}</{tag}>')
    out.append(f"</{wrapper}>")
    return "".join(out)


def shown(paragraph: Paragraph) -> bool:
    """Whether the block shows anything: an HTML block of comments is invisible in the
    source's own rendering too."""
    return not (paragraph.kind is Kind.HTML and _COMMENTS.fullmatch(paragraph.text))


def block_ids(paragraphs: Sequence[Paragraph]) -> list[str]:
    """Each block's ``id`` in the page: its anchor, numbered on where a line has several
    blocks without text (pictures without alt text: b005, b005-2, ...)."""
    seen: Counter[str] = Counter()
    out = []
    for paragraph in paragraphs:
        ident = anchor(paragraph)
        seen[ident] += 1
        out.append(ident if seen[ident] == 1 else f"{ident}-{seen[ident]}")
    return out


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
    marks: NoteMarks | None = None,
) -> str:
    """One block's HTML; ``ident`` is its ``id`` (default: ``anchor(paragraph)``); ``marks``
    renders footnote marks."""
    ident = ident or anchor(paragraph)
    lang = edition.code
    kind = paragraph.kind
    if not shown(paragraph):
        return ""
    if kind in (Kind.CODE, Kind.HTML):
        css = "code" if kind is Kind.CODE else "code html-source"
        info = f' data-lang="{escape(paragraph.info, quote=True)}"' if paragraph.info else ""
        code = escape(paragraph.text, quote=False)
        return f'<pre class="{css}" id="{ident}" translate="no"{info}><code>{code}</code></pre>'
    if kind is Kind.RULE:
        return f'<hr id="{ident}"/>'
    chinese = _sentences(chinese_pieces(paragraph, edition), "", links, marks, lang)
    english = _sentences(english_pieces(paragraph), " ", links, marks, "en")
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
        if _same_text(paragraph, edition):  # a number, a name: printed once
            return f'<div class="cell" id="{ident}"><p class="same" lang="en">{english}</p></div>'
        english_part = f'<p lang="en">{english}</p>' if english else ""
        return f'<div class="cell" id="{ident}"><p lang="{lang}">{chinese}</p>{english_part}</div>'
    if kind is Kind.HEADING and paragraph.level == 0:  # the document's title
        return _pair("h1", chinese, english, lang, "title", ident)
    tag = f"h{paragraph.level}" if kind is Kind.HEADING else "p"
    return _pair(tag, chinese, english, lang, kind.value, ident)


def _same_text(paragraph: Paragraph, edition: Edition) -> bool:
    """Whether the block's English is its Chinese as written: text with no Chinese in it."""
    chinese = joined(chinese_pieces(paragraph, edition), "")[0]
    english = joined(english_pieces(paragraph), " ")[0]
    return bool(english) and not has_chinese(chinese) and chinese.strip() == english.strip()


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
            close += "</tr></tbody></table></div>" if before[0] else "</tr></thead></table></div>"
    if starts and cell is not None:
        box = '<div class="table" tabindex="0">'  # scrolls by itself; focusable for keys
        open_ = box + ("<table><thead><tr>" if cell[0] == 0 else "<table><tbody><tr>")
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
    links: LinkFilter = allowed,
    epub: bool = False,
) -> str:
    """The article's blocks, nested in their quotes and lists, then its footnotes; ``links``
    says which link addresses to keep (the others' text stays, unlinked); ``epub``: footnotes
    with EPUB's semantics."""
    marks = NoteMarks(document, epub)
    body = blocks_html(
        article_blocks(document.paragraphs), edition, image_source, links, marks=marks
    )
    notes = footnotes_html(document, edition, image_source, links, marks)
    return f"{body}\n{notes}" if notes else body


def blocks_html(
    paragraphs: Sequence[Paragraph],
    edition: Edition,
    image_source: ImageSource,
    links: LinkFilter = bool,
    ids: Sequence[str] | None = None,
    marks: NoteMarks | None = None,
) -> str:
    """Some of a document's blocks (``ids``: their ``id``s, default ``block_ids``), nested in
    their quotes, lists and tables as in the whole article; ``marks`` renders footnote marks."""
    out: list[str] = []
    previous: Paragraph | None = None
    idents = iter(ids if ids is not None else block_ids(paragraphs))
    for closing, opening, block in containers(paragraphs):
        end_table, start_table = _table(previous, block)
        out += [end_table] if end_table else []
        out += [_close(c) for c in closing]
        if block is None:
            break
        out += [_open(c, block) for c in opening]
        out += [start_table] if start_table else []
        out.append(block_html(block, edition, image_source, links, next(idents), marks))
        previous = block
    return "\n".join(out)


def headings(document: Document, edition: Edition) -> list[tuple[int, str, str, str]]:
    """(depth, anchor, Chinese, English) of every heading, for tables of contents: depth 1 for
    the title, 2 for Heading 1, ... (the English is "" when it is the Chinese as written)."""
    out = []
    for paragraph in document.paragraphs:
        if paragraph.kind is Kind.HEADING and paragraph.segments:
            chinese = joined(chinese_pieces(paragraph, edition), "")[0]
            english = joined(english_pieces(paragraph), " ")[0]
            english = "" if english == chinese else english
            out.append((paragraph.level + 1, anchor(paragraph), chinese, english))
    return out
