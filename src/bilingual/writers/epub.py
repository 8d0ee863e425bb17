"""The readers' EPUB 3 (ebooklib): one chapter with the article interleaved, Chinese block then
its English, ``lang`` on every block, pictures embedded, and a navigation document built from
the headings. Metadata: title, both languages, a stable identifier and the source's date. Links
to places outside the web (relative addresses) are left as text: the book does not hold them.

The file is reproducible: the same document gives the same bytes (the modification time is the
source's date, and the ZIP entries carry that date too), so an unchanged rebuild changes nothing.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from datetime import datetime
from pathlib import Path, PurePosixPath

from bilingual.document import Document, Image
from bilingual.document.editions import Edition, titles
from bilingual.writers import WriteOptions
from bilingual.writers.html_render import absolute, article_html, headings

# Footnotes: marks raised, the notes after the article in a smaller size.
FOOTNOTE_CSS = """
sup.noteref { line-height: 0; font-size: .75em; }
sup.noteref a, a.backref { text-decoration: none; }
section.footnotes { font-size: .9em; margin-top: 2em; }
section.footnotes aside { margin: 0 0 .6em 0; }
section.footnotes aside > * { margin: 0; }
"""

CSS = (
    """
body { line-height: 1.7; }
[lang="zh-Hans"] { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", serif; }
[lang="zh-Hant"] { font-family: "Noto Sans CJK TC", "Source Han Sans TC", "PingFang TC", serif; }
code { font-family: monospace; }
.pair { margin: 0 0 1em 0; }
.pair > * { margin: 0; }
.pair > [lang="en"] { margin-top: .3em; color: #444; }
h1, h2, h3, h4, h5, h6 { line-height: 1.35; }
.pair.heading > [lang="en"] { font-size: .8em; }
blockquote { margin: 1em 0 1em 0; padding-left: 1em; border-left: 3px solid #ccc; }
pre { white-space: pre-wrap; font-size: .85em; background: #f4f4f4; padding: .5em; }
figure { margin: 1em 0; text-align: center; }
figure img { max-width: 100%; }
figcaption { font-size: .9em; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: .2em .4em; vertical-align: top; text-align: left; }
.cell > * { margin: 0; }
.cell > [lang="en"] { color: #444; }
"""
    + FOOTNOTE_CSS
)

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


def _reproducible(data: bytes, when: datetime) -> bytes:
    """The ZIP with every entry dated ``when`` (``mimetype`` first and stored, as EPUB wants)."""
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = info.compress_type
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def build_epub(document: Document, edition: Edition) -> bytes:
    from ebooklib import epub

    lang = edition.code
    chinese_title, english_title = titles(document, edition)
    book = epub.EpubBook()
    book.set_identifier(
        f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'bilingual:{document.name}:{lang}')}"
    )
    book.set_title(f"{chinese_title} · {english_title}" if english_title else chinese_title)
    book.set_language(lang)
    book.add_metadata("DC", "language", "en")
    book.add_metadata("DC", "date", _date(document).date().isoformat())
    book.add_metadata("DC", "creator", "bilingual")
    if document.model:
        book.add_metadata(
            "DC",
            "contributor",
            f"machine translation: {document.model.name} {document.model.version}",
        )

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
    # A relative link (another Markdown file, a bookmark) has no target inside the book.
    article = article_html(
        document, edition, lambda i: paths[i.file_name], links=absolute, epub=True
    )
    chapter.content = f"<html><body><article>{article}</article></body></html>"
    chapter.add_item(style)
    book.add_item(chapter)

    links = [
        (level, epub.Link(f"{CHAPTER}#{anchor}", label, f"toc-{anchor}"))
        for level, anchor, label in headings(document, edition)
    ] or [(1, epub.Link(CHAPTER, chinese_title, "toc-article"))]
    book.toc = _toc(links)
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", chapter]

    when = _date(document)
    buffer = io.BytesIO()
    epub.write_epub(buffer, book, {"mtime": when, "raise_exceptions": True})
    return _reproducible(buffer.getvalue(), when)


def write(document: Document, edition: Edition, path: Path, options: WriteOptions) -> None:
    path.write_bytes(build_epub(document, edition))
