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


_NAMES = {SpanKind.EMPHASIS: "emphasis", SpanKind.STRONG: "bold", SpanKind.CODE: "code"}


def _unplaced(piece: Piece, links: LinkFilter) -> tuple[str, str]:
    """What of the Chinese formatting is not on the English sentence: (a ``title`` attribute
    naming the emphasis, the links to show after the sentence)."""
    named = [
        f"{_NAMES[span.kind]} “{chinese}”"
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


def _sentences(pieces: list[Piece], separator: str, links: LinkFilter) -> str:
    out = []
    for p in pieces:
        title, after = _unplaced(p, links)
        css = "s unplaced-emphasis" if title else "s"
        inner = inline_html(p.text, p.spans, links)
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
) -> str:
    """One block's HTML; ``ident`` is its ``id`` (default: ``anchor(paragraph)``)."""
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
    document: Document, edition: Edition, image_source: ImageSource, links: LinkFilter = allowed
) -> str:
    """The article's blocks, nested in their quotes and lists; ``links`` says which link
    addresses to keep (the others' text stays, unlinked)."""
    return blocks_html(document.paragraphs, edition, image_source, links)


def blocks_html(
    paragraphs: Sequence[Paragraph],
    edition: Edition,
    image_source: ImageSource,
    links: LinkFilter = bool,
    ids: Sequence[str] | None = None,
) -> str:
    """Some of a document's blocks (``ids``: their ``id``s, default ``block_ids``), nested in
    their quotes, lists and tables as in the whole article."""
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
        out.append(block_html(block, edition, image_source, links, next(idents)))
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
