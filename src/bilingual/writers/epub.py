"""The readers' EPUB 3 (ebooklib): a cover, one chapter with the article interleaved, Chinese
block then its English, ``lang`` on every block, pictures embedded, and a navigation document
built from the headings (styled, after the chapter and outside the reading order). The cover is
drawn from the title in both languages (``cover``). Metadata: the title in both languages, both
languages, the source's author (front matter ``author``, Word's ``creator``; none when the
source names none, never this tool), a stable identifier and the source's date. Links to places
outside the web (relative addresses) are left as text: the book does not hold them.

The file is reproducible: the same document gives the same bytes (the modification time is the
source's date, and the ZIP entries carry that date too), so an unchanged rebuild changes nothing.
"""

from __future__ import annotations

import io
import uuid
from datetime import datetime
from html import escape
from pathlib import Path, PurePosixPath

from bilingual.document import Document, Image
from bilingual.document.editions import Edition, titles
from bilingual.util.reproducible import fixed_zip
from bilingual.writers import WriteOptions
from bilingual.writers.cover import cover
from bilingual.writers.html_render import absolute, article_html, headings
from bilingual.writers.typography import BLOCKS_CSS, font_css, heading_css

# Footnotes: marks raised, the notes after the article in a smaller size.
FOOTNOTE_CSS = """
sup.noteref { line-height: 0; font-size: .75em; }
sup.noteref a, a.backref { text-decoration: none; }
section.footnotes { font-size: .9em; margin-top: 2em; }
section.footnotes aside { margin: 0 0 .6em 0; }
section.footnotes aside > * { margin: 0; }
"""

# The book's own layout; type, heading sizes, lists and quotes come from ``typography``, shared
# with the web page. Colours are left to the reading system (its night and sepia themes).
LAYOUT_CSS = """
body { line-height: 1.7; }
.pair { margin: 0 0 1em 0; }
.pair > * { margin: 0; }
.pair > [lang="en"] { margin-top: .3em; line-height: 1.55; }
h1, h2, h3, h4, h5, h6 { line-height: 1.35; }
.pair.title { margin: 1em 0 2em; }
.pair.heading { margin-top: 1.6em; }
pre { white-space: pre-wrap; font-size: .85em; padding: .5em; border: 1px solid #ccc; }
figure { margin: 1em 0; text-align: center; }
figure img { max-width: 100%; }
figcaption { font-size: .9em; }
figcaption > * { text-align: left; }
a.unplaced { font-size: .8em; }
.table { overflow-x: auto; margin: 1em 0; }
table { border-collapse: collapse; }
th, td { border: 1px solid #999; padding: .2em .4em; vertical-align: top; text-align: left; }
.cell > * { margin: 0; }
.footnotes { border-top: 1px solid #999; }
nav ol { list-style: none; padding-left: 0; margin: 0; }
nav ol ol { padding-left: 1.5em; }
nav li { margin: .5em 0; line-height: 1.4; }
nav a { text-decoration: none; }
.cover { text-align: center; margin: 0; padding: 0; }
.cover img { max-width: 100%; max-height: 100vh; }
"""
CSS = "\n".join([font_css(), heading_css(), BLOCKS_CSS, LAYOUT_CSS, FOOTNOTE_CSS])
CONTENTS = {"zh-Hans": "目录", "zh-Hant": "目錄", "cover": "封面 · Cover"}

CHAPTER = "article.xhtml"


def _pictures(document: Document) -> list[Image]:
    """The document's pictures, each once however often it is shown."""
    return list({image.file_name: image for image in document.images}.values())


def _image_paths(document: Document) -> dict[str, str]:
    """Each picture's path in the book: ASCII names, which every reading system and EPUBCheck
    accept (a source's picture may be called 图表 1.png)."""
    paths = {}
    for n, image in enumerate(_pictures(document), start=1):
        suffix = PurePosixPath(image.file_name).suffix.lower()
        paths[image.file_name] = f"images/image{n:03d}{suffix}"
    return paths


def _date(document: Document) -> datetime:
    try:
        return datetime.fromisoformat(document.date or "2000-01-01")
    except ValueError:
        return datetime(2000, 1, 1)


def _toc(book_links: list[tuple[int, object]]) -> list:
    """Links nested by heading level, as ebooklib's ``book.toc`` wants them."""
    from ebooklib import epub

    root: list = []
    stack: list[tuple[int, list]] = [(0, root)]
    for level, link in book_links:
        while stack[-1][0] >= level:
            stack.pop()
        children: list = []
        stack[-1][1].append([link, children])
        stack.append((level, children))

    def finish(items: list) -> list:
        out = []
        for link, children in items:
            if children:
                section = epub.Section(link.title, link.href)
                out.append((section, finish(children)))
            else:
                out.append(link)
        return out

    return finish(root)


def _label(chinese: str, english: str) -> str:
    return f"{chinese} · {english}" if english else chinese


def build_epub(document: Document, edition: Edition) -> bytes:
    from ebooklib import epub

    lang = edition.code
    chinese_title, english_title = titles(document, edition)
    book = epub.EpubBook()
    book.set_identifier(
        f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'bilingual:{document.name}:{lang}')}"
    )
    book.set_title(_label(chinese_title, english_title))
    book.set_language(lang)
    book.add_metadata("DC", "language", "en")
    book.add_metadata("DC", "date", _date(document).date().isoformat())
    if document.author:
        book.add_author(document.author)
    if document.model:
        book.add_metadata(
            "DC",
            "contributor",
            f"machine translation: {document.model.name} {document.model.version}",
        )
    art = cover(chinese_title, english_title, document.author, lang)
    book.set_cover(f"cover{art.suffix}", art.data, create_page=False)
    book.get_item_with_id("cover-img").media_type = art.media_type
    cover_page = epub.EpubHtml(uid="cover", title=CONTENTS["cover"], file_name="cover.xhtml")
    cover_page.lang = lang
    alt = escape(_label(chinese_title, english_title), quote=True)
    cover_page.content = (
        f'<html><body><div class="cover"><img src="cover{art.suffix}" alt="{alt}"/>'
        "</div></body></html>"
    )
    book.add_item(cover_page)

    style = epub.EpubItem(
        uid="style", file_name="style.css", media_type="text/css", content=CSS.encode()
    )
    book.add_item(style)
    paths = _image_paths(document)
    for n, image in enumerate(_pictures(document), start=1):
        book.add_item(
            epub.EpubImage(
                uid=f"image{n}",
                file_name=paths[image.file_name],
                media_type=image.media_type,
                content=image.data,
            )
        )
    chapter = epub.EpubHtml(title=chinese_title, file_name=CHAPTER, lang=lang)
    # Only addresses outside the book: a #place of the source names no element of the chapter.
    article = article_html(
        document, edition, lambda i: paths[i.file_name], links=absolute, epub=True
    )
    chapter.content = f"<html><body><article>{article}</article></body></html>"
    chapter.add_item(style)
    book.add_item(chapter)

    links = [
        (depth, epub.Link(f"{CHAPTER}#{anchor}", _label(chinese, english), f"toc-{anchor}"))
        for depth, anchor, chinese, english in headings(document, edition)
    ] or [(1, epub.Link(CHAPTER, chinese_title, "toc-article"))]
    book.toc = _toc(links)
    book.add_item(epub.EpubNcx())
    nav = epub.EpubNav(title=f"{CONTENTS.get(lang, CONTENTS['zh-Hans'])} · Contents")
    nav.add_item(style)
    book.add_item(nav)
    # The cover, then the article; the contents page is for the reading system's menu, outside
    # the reading order.
    cover_page.add_item(style)
    book.spine = [cover_page, chapter, (nav, "no")]

    when = _date(document)
    buffer = io.BytesIO()
    epub.write_epub(buffer, book, {"mtime": when, "raise_exceptions": True})
    return fixed_zip(buffer.getvalue(), when, first=("mimetype",))  # mimetype first, as EPUB wants


def write(document: Document, edition: Edition, path: Path, options: WriteOptions) -> None:
    path.write_bytes(build_epub(document, edition))
