"""The print edition (``outputs = [..., "pdf"]``): a PDF typeset by WeasyPrint from the same HTML
blocks as the web page and the EPUB, in the editions' type (``typography``).

Two layouts (``pdf_layout``):

- ``facing`` (default), A5: a parallel-text book. A title page, then spreads: the Chinese on the
  left-hand page (verso), its English on the right-hand page facing it (recto), block against
  block. Each block is measured in both languages first (one WeasyPrint layout of the article
  on a tall page); the shorter side of every block gets the difference as space below it, so
  each block starts at the same height on both pages, and the blocks are packed into spreads
  that fit a page. The layout is checked: a spread that ran over its page is packed again with
  less.
- ``columns``: the web page's side-by-side columns on A4 (or Letter, ``paper``).

Both have page numbers, running heads (the title), the glossary terms the article uses at the
end, and the article's footnotes where the article has them. WeasyPrint needs Pango (a system
library); without it the build writes every other output and stops with one line naming the
package to install (exit 3).
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path

from bilingual.document import Document, Kind, Paragraph
from bilingual.document.editions import Edition, titles
from bilingual.errors import MissingRenderer
from bilingual.writers import WriteOptions
from bilingual.writers.blocks import same_cell
from bilingual.writers.html_render import absolute, block_ids, blocks_html, shown
from bilingual.writers.typography import BLOCKS_CSS, font_css, heading_css

LAYOUTS = ("facing", "columns")
# A5 (148 x 210 mm) less the margins of ``_page_css``: 16 top, 18 bottom, 18 inside, 14 outside.
TEXT_WIDTH, TEXT_HEIGHT = 148 - 18 - 14, 210 - 16 - 18
INSTALL = (
    "the print edition (pdf) needs WeasyPrint's system libraries, which this machine lacks "
    "({reason}); install Pango (Debian/Ubuntu: apt-get install libpango-1.0-0 "
    "libpangoft2-1.0-0 libharfbuzz-subset0) and build again"
)

BOOK_CSS = """
:root { font-size: 9.5pt; line-height: 1.6; color: #000; }
body { margin: 0; }
[lang="en"] { line-height: 1.5; }
h1, h2, h3, h4, h5, h6 { line-height: 1.3; margin: 0; break-after: avoid; }
.pair { display: flow-root; }  /* its margins inside: a padding below changes nothing else */
.pair > * { margin: 0 0 .6em; }
.pair.heading { margin-top: 1em; }
.pair.title > * { margin-bottom: .8em; }
li > .pair > * { margin-bottom: .3em; }
pre { font-size: .85em; white-space: pre-wrap; background: #f2f2f2; padding: .5em .7em;
  margin: 0 0 .8em; }
figure { margin: 0 0 .8em; text-align: center; }
figure img { max-width: 100%; max-height: 60mm; }
figcaption > * { text-align: left; font-size: .9em; }
a { color: inherit; text-decoration: none; }
a.unplaced { font-size: .8em; }
.table { margin: 0 0 .8em; }
table { border-collapse: collapse; width: 100%; font-size: .92em; }
th, td { border: .5pt solid #999; padding: .2em .4em; vertical-align: top; text-align: left; }
.cell > * { margin: 0; }
hr { border: 0; border-top: .5pt solid #999; margin: 0 0 .8em; }
.footnotes { border-top: .5pt solid #999; margin-top: 1.5em; padding-top: .5em;
  font-size: .88em; }
.titlepage { page: titlepage; text-align: left; padding-top: 35%; }
.titlepage h1 { font-size: 2.2em; margin-bottom: .5em; }
.titlepage p.en { font-size: 1.5em; font-weight: 700; margin: 0 0 2em; }
.titlepage p.author { font-size: 1.1em; }
.glossary { break-before: page; }
.glossary h2 { font-size: 1.3em; margin-bottom: .8em; }
.glossary td:first-child { white-space: nowrap; }
.verso [lang="en"]:not(.same), .recto [lang^="zh"] { display: none; }
"""


def _page_css(layout: str, paper: str, chinese: str, english: str) -> str:
    number = "font-size: 8pt; content: counter(page);"
    head = "font-size: 7.5pt; color: #555;"
    chinese_head, english_head = (
        _css_string(_running_head(t)) for t in (chinese, english or chinese)
    )
    if layout == "columns":
        size = "A4" if paper == "a4" else "letter"
        return f"""
@page {{ size: {size}; margin: 18mm 16mm 20mm;
  @bottom-center {{ {number} }} @top-center {{ {head} content: "{chinese_head}"; }} }}
@page titlepage {{ @top-center {{ content: none; }} @bottom-center {{ content: none; }} }}
.pair {{ display: grid; grid-template-columns: 1fr 1fr; column-gap: 7mm; }}
"""
    return f"""
@page {{ size: A5; margin: 16mm 14mm 18mm 18mm; }}
@page :left {{ margin: 16mm 18mm 18mm 14mm;
  @bottom-left {{ {number} }} @top-left {{ {head} content: "{chinese_head}"; }} }}
@page :right {{ @bottom-right {{ {number} }}
  @top-right {{ {head} content: "{english_head}"; }} }}
@page titlepage {{ @top-left {{ content: none; }} @top-right {{ content: none; }}
  @bottom-right {{ content: none; }} @bottom-left {{ content: none; }} }}
.verso {{ break-before: left; }}
.recto {{ break-before: right; }}
"""


_HEAD_CHARACTERS = 60  # a running head is one short line: a longer title is cut, with "…"


def _running_head(text: str) -> str:
    """``text`` short enough for a running head: at most ``_HEAD_CHARACTERS`` (Chinese counts
    twice), cut at a space where there is one. (WeasyPrint measures a margin box's content
    for every page: a title of thousands of characters cost seconds a page.)"""
    text = " ".join(text.split())
    width, cut = 0, len(text)
    for n, char in enumerate(text):
        width += 2 if ord(char) > 0x2E7F else 1
        if width > _HEAD_CHARACTERS:
            cut = n
            break
    if cut == len(text):
        return text
    space = text.rfind(" ", 0, cut)
    return text[: space if space > cut // 2 else cut].rstrip() + "…"


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _data_uri(image) -> str:
    return f"data:{image.media_type};base64,{base64.b64encode(image.data).decode('ascii')}"


def _html(body: str, lang: str, css: str, title: str = "", author: str | None = None) -> str:
    """A page for WeasyPrint; its title and author become the PDF's."""
    meta = f'<meta name="author" content="{escape(author, quote=True)}"/>' if author else ""
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"/>'
        f"<title>{escape(title)}</title>{meta}<style>{css}</style></head>"
        f"<body>{body}</body></html>"
    )


def _title(chinese: str, english: str) -> str:
    return f"{chinese} · {english}" if english else chinese


def _title_page(chinese: str, english: str, author: str | None, lang: str) -> str:
    parts = [f'<section class="titlepage"><h1 lang="{lang}">{escape(chinese)}</h1>']
    if english:
        parts.append(f'<p class="en" lang="en">{escape(english)}</p>')
    if author:
        parts.append(f'<p class="author">{escape(author)}</p>')
    parts.append("</section>")
    return "".join(parts)


def glossary_html(document: Document, edition: Edition) -> str:
    """The glossary terms the article uses, once each, in order of first use."""
    seen: dict[str, tuple[str, str, str]] = {}
    for segment in document.segments:
        for hit in segment.terms:
            seen.setdefault(hit.zh, (edition.term(hit), hit.en, hit.note or ""))
    if not seen:
        return ""
    notes = any(note for _, _, note in seen.values())
    rows = "".join(
        f'<tr><td lang="{edition.code}">{escape(zh)}</td><td lang="en">{escape(en)}</td>'
        + (f'<td lang="en">{escape(note)}</td>' if notes else "")
        + "</tr>"
        for zh, en, note in seen.values()
    )
    heading = "术语表" if not edition.traditional else "術語表"
    return (
        f'<section class="glossary"><h2><span lang="{edition.code}">{heading}</span> · '
        f'<span lang="en">Glossary</span></h2><table><tbody>{rows}</tbody></table></section>'
    )


# --- facing pages ------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """Blocks that go to a spread together: one block, or a table row (its cells and their
    pictures), which cannot be split between two pages of a parallel text."""

    blocks: tuple[int, ...]  # indexes into the document's shown blocks


def _units(paragraphs: Sequence[Paragraph]) -> list[Unit]:
    units: list[list[int]] = []
    for n, block in enumerate(paragraphs):
        previous = paragraphs[n - 1] if n else None
        same_row = (
            previous is not None
            and block.cell is not None
            and previous.cell is not None
            and (same_cell(previous, block) or block.cell[0] == previous.cell[0])
            and block.cell != (0, 0)
        )
        if units and same_row:
            units[-1].append(n)
        else:
            units.append([n])
    return [Unit(tuple(u)) for u in units]


class Facing:
    """The article as spreads of facing pages, Chinese left and English right."""

    def __init__(self, document: Document, edition: Edition, options: WriteOptions):
        self.document, self.edition = document, edition
        self._blocks([p for p in document.paragraphs if shown(p)])
        self.chinese, self.english = titles(document, edition)
        self.page_css = _page_css("facing", options.paper, self.chinese, self.english)
        self.css = "\n".join([font_css(), heading_css(), BLOCKS_CSS, BOOK_CSS])

    def _blocks(self, paragraphs: list[Paragraph]) -> None:
        self.paragraphs = paragraphs
        self.ids = block_ids(paragraphs)
        self.units = _units(paragraphs)

    def split_long(self, heights: Sequence[tuple[float, float]], budget: float) -> bool:
        """Paragraphs taller than a page cut between sentences into parts that fit one (both
        languages of a part still face each other); whether any was cut."""
        out: list[Paragraph] = []
        cut = False
        for unit, height in zip(self.units, heights, strict=True):
            blocks = [self.paragraphs[n] for n in unit.blocks]
            block = blocks[0]
            if (
                max(height) <= budget
                or len(blocks) > 1
                or block.cell is not None
                or block.kind not in (Kind.PARAGRAPH, Kind.QUOTE, Kind.LIST_ITEM)
                or len(block.segments) < 2
            ):
                out += blocks
                continue
            cut = True
            out += _parts(block, math.ceil(max(height) / (budget * 0.8)))
        if cut:
            self._blocks(out)
        return cut

    def _continues_cell(self, n: int) -> bool:
        return n > 0 and same_cell(self.paragraphs[n - 1], self.paragraphs[n])

    def _side(self, blocks: Sequence[int], side: str, ident: str) -> str:
        html = blocks_html(
            [self.paragraphs[n] for n in blocks],
            self.edition,
            _data_uri,
            absolute,
            [self.ids[n] for n in blocks],
        )
        if side == "recto":  # the same blocks again: their ids must stay unique
            html = html.replace(' id="', ' id="en-')
        return f'<section class="{side}" id="{ident}">{html}</section>'

    def measure(self, html_class) -> list[tuple[float, float]]:
        """Each unit's height (CSS px) in Chinese and in English, as one column of the page."""
        everything = [n for unit in self.units for n in unit.blocks]
        body = "".join(
            [
                self._side(everything, "verso", "all-zh") + '<div id="end-zh"></div>',
                self._side(everything, "recto", "all-en") + '<div id="end-en"></div>',
            ]
        )
        tall = f"@page {{ size: {TEXT_WIDTH}mm 20000mm; margin: 0; }}"  # one long text column
        pages = html_class(string=_html(body, self.edition.code, self.css + tall)).render().pages
        anchors: dict[str, float] = {}
        offset = 0.0
        for page in pages:
            for name, position in page.anchors.items():  # (x, y) or (x1, y1, x2, y2)
                anchors.setdefault(name, offset + position[1])
            offset += page.height
        out = []
        for n, unit in enumerate(self.units):
            first = self.ids[unit.blocks[0]]
            following = self.ids[self.units[n + 1].blocks[0]] if n + 1 < len(self.units) else None
            zh_end = anchors.get(following or "", anchors.get("end-zh", 0.0))
            en_end = anchors.get(f"en-{following}" if following else "", anchors.get("end-en", 0.0))
            out.append(
                (
                    max(0.0, zh_end - anchors.get(first, zh_end)),
                    max(0.0, en_end - anchors.get(f"en-{first}", en_end)),
                )
            )
        return out

    def _groups(self) -> list[list[int]]:
        """Units that should share a page: a table's rows, a heading and what follows it."""
        groups: list[list[int]] = []
        keep_with_next = False
        for n, unit in enumerate(self.units):
            block = self.paragraphs[unit.blocks[0]]
            previous = self.paragraphs[self.units[n - 1].blocks[0]] if n else None
            same_table = (
                previous is not None
                and previous.cell is not None
                and block.cell is not None
                and block.cell != (0, 0)
            )
            if groups and (keep_with_next or same_table):
                groups[-1].append(n)
            else:
                groups.append([n])
            keep_with_next = block.kind is Kind.HEADING
        return groups

    def spreads(self, heights: Sequence[tuple[float, float]], budget: float) -> list[list[int]]:
        """Units packed into spreads: as many as fit ``budget`` (CSS px) on both pages, a
        table or a heading and its text kept together when they fit a page."""
        spreads: list[list[int]] = []
        used = 0.0
        for group in self._groups():
            total = sum(max(heights[n]) for n in group)
            if spreads and used + total <= budget:
                spreads[-1] += group
                used += total
                continue
            if total <= budget:
                spreads.append(list(group))
                used = total
                continue
            for n in group:  # longer than a page: unit by unit
                height = max(heights[n])
                if spreads and used + height <= budget:
                    spreads[-1].append(n)
                    used += height
                else:
                    spreads.append([n])
                    used = height
        return spreads

    def alignment_css(self, heights: Sequence[tuple[float, float]]) -> str:
        """Space below the shorter side of every unit, so both start level on their pages."""
        rules = []
        for unit, (zh, en) in zip(self.units, heights, strict=True):
            if abs(zh - en) < 0.5:
                continue
            side, prefix = (".verso", "") if zh < en else (".recto", "en-")
            # a row's cells each grow by the difference (the row with them); a cell's picture
            # shares its cell, so only the cell's first block is padded
            targets = [
                f'{side} [id="{prefix}{self.ids[n]}"]'
                for n in unit.blocks
                if (self.paragraphs[n].cell is not None and not self._continues_cell(n))
                or (self.paragraphs[n].cell is None and n == unit.blocks[-1])
            ]
            rules.append(f"{', '.join(targets)} {{ padding-bottom: {abs(zh - en):.2f}px; }}")
        return "\n".join(rules)

    def html(self, spreads: Sequence[Sequence[int]], heights) -> str:
        body = [_title_page(self.chinese, self.english, self.document.author, self.edition.code)]
        for n, spread in enumerate(spreads):
            blocks = [b for u in spread for b in self.units[u].blocks]
            body.append(self._side(blocks, "verso", f"verso-{n}"))
            body.append(self._side(blocks, "recto", f"recto-{n}"))
        body.append(glossary_html(self.document, self.edition))
        css = "\n".join([self.css, self.page_css, self.alignment_css(heights)])
        title = _title(self.chinese, self.english)
        return _html("".join(body), self.edition.code, css, title, self.document.author)


def _parts(block: Paragraph, count: int) -> list[Paragraph]:
    """``block`` cut between sentences into ``count`` parts of about equal length (the longer
    language's); the parts after the first continue a list item rather than start one."""
    weights = [max(len(s.english or ""), 2 * len(s.text)) for s in block.segments]
    target = sum(weights) / count
    parts: list[list] = [[]]
    load = 0.0
    for segment, weight in zip(block.segments, weights, strict=True):
        if parts[-1] and load + weight / 2 > target and len(parts) < count:
            parts.append([])
            load = 0.0
        parts[-1].append(segment)
        load += weight
    out = [replace(block, segments=tuple(parts[0]))]
    follow = Kind.PARAGRAPH if block.kind is Kind.LIST_ITEM else block.kind
    out += [replace(block, segments=tuple(p), kind=follow) for p in parts[1:]]
    return out


def _overrun(pages, spreads: int) -> set[int]:
    """The spreads whose verso or recto did not start on its own page: the one before ran
    over (page 1 is the title page; spread n is on pages 2n+2 and 2n+3)."""
    where: dict[str, int] = {}
    for number, page in enumerate(pages, start=1):
        for name in page.anchors:
            where.setdefault(name, number)
    late = set()
    for n in range(spreads):
        if where.get(f"verso-{n}") != 2 * n + 2 or where.get(f"recto-{n}") != 2 * n + 3:
            late.add(max(n - 1, 0))
    return late


def render_facing(document: Document, edition: Edition, options: WriteOptions) -> bytes:
    html_class = _weasyprint()
    book = Facing(document, edition, options)
    heights = book.measure(html_class)
    budget = TEXT_HEIGHT / 25.4 * 96  # in CSS px
    if book.split_long(heights, budget):
        heights = book.measure(html_class)
    for _ in range(4):
        spreads = book.spreads(heights, budget)
        rendered = html_class(string=book.html(spreads, heights)).render()
        late = _overrun(rendered.pages, len(spreads))
        if all(len(spreads[n]) == 1 for n in late):  # none, or a block taller than a page
            break
        budget *= 0.9  # measured and laid-out heights differ a little at page tops
    return rendered.write_pdf()


def render_columns(document: Document, edition: Edition, options: WriteOptions) -> bytes:
    html_class = _weasyprint()
    chinese, english = titles(document, edition)
    paragraphs = [p for p in document.paragraphs if shown(p)]
    css = "\n".join(
        [
            font_css(),
            heading_css(),
            BLOCKS_CSS,
            BOOK_CSS,
            _page_css("columns", options.paper, chinese, english),
        ]
    )
    body = "".join(
        [
            _title_page(chinese, english, document.author, edition.code),
            '<article style="break-before: page">',
            blocks_html(paragraphs, edition, _data_uri, absolute),
            "</article>",
            glossary_html(document, edition),
        ]
    )
    page = _html(body, edition.code, css, _title(chinese, english), document.author)
    return html_class(string=page).write_pdf()


def _weasyprint():
    """WeasyPrint's HTML class; MissingRenderer (exit 3) when its system libraries are not
    there (WeasyPrint loads Pango when imported)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise MissingRenderer(INSTALL.format(reason=reason)) from None
    return HTML


def write(document: Document, edition: Edition, path: Path, options: WriteOptions) -> None:
    render = render_columns if options.pdf_layout == "columns" else render_facing
    path.write_bytes(render(document, edition, options))
