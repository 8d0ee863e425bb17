"""Footnotes and strikethrough are kept in every edition, as a reader would notice: a Markdown
article with footnotes and a Word file whose footnote and endnote LibreOffice wrote are built
with the real CLI; the web page is clicked through in Chromium (mark -> note -> back), the EPUBs
go through EPUBCheck, the DOCX rows and the Markdown are read back."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from word_xml import NS

from bilingual.document import Kind, SpanKind
from bilingual.readers import read_source
from conftest import CHROMIUM, SOFFICE, Project, new_project
from sources import resave_with_libreoffice
from test_browser import DESKTOP, PHONE, Opened
from test_publishing import epubcheck

EDITIONS = ("zh-Hans", "zh-Hant")

MARKDOWN = """\
# 人工智能周报[^title]

**导语：**随着具身智能的发展，公司发布了新模型。[^1]这是~~旧的说法~~。

据OpenAI[^2]的报告，市场增长很快。

[^1]: 数据来自公司**公告**。

[^2]: 报告全文见官网。
[^title]: 本期由编辑部整理。
[^uncited]: 这条注释没有被引用。
"""

# A Word file as LibreOffice writes one (flat ODT in, "MS Word 2007 XML" out): a footnote, an
# endnote and a struck-through phrase.
NOTE = (
    '<text:note text:id="{ident}" text:note-class="{kind}"><text:note-citation>{mark}'
    "</text:note-citation><text:note-body><text:p>{text}</text:p></text:note-body></text:note>"
)
STRUCK = '<text:span text:style-name="T1">{text}</text:span>'
PARAGRAPHS = (
    "<text:p>据报道，该公司估值为800亿美元。"
    + NOTE.format(ident="ftn1", kind="footnote", mark="1", text="数据来自公司公告。")
    + "这是"
    + STRUCK.format(text="旧的说法")
    + "。</text:p>\n<text:p>第二段引用了报告"
    + NOTE.format(ident="ftn2", kind="endnote", mark="i", text="报告全文见附录。")
    + "。</text:p>"
)
FODT = """\
<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:automatic-styles>
<style:style style:name="T1" style:family="text"><style:text-properties
 style:text-line-through-style="solid" style:text-line-through-type="single"/></style:style>
</office:automatic-styles>
<office:body><office:text>
<text:h text:outline-level="1">人工智能的新进展</text:h>
{PARAGRAPHS}
</office:text></office:body></office:document>
""".replace("{PARAGRAPHS}", PARAGRAPHS)


def libreoffice_docx(folder: Path) -> Path:
    """``notes.docx``, written by LibreOffice from the flat ODT above."""
    source = folder / "notes-source.fodt"
    source.write_text(FODT, encoding="utf-8")
    try:
        return resave_with_libreoffice(source, folder, "notes")
    finally:
        source.unlink()


@pytest.fixture(scope="module")
def noted(tmp_path_factory, installed_packages) -> Project:
    """A project of a Markdown article and a LibreOffice-written Word file, both with notes,
    built into every output by the real CLI."""
    project = new_project(tmp_path_factory.mktemp("footnotes"), installed_packages)
    seeds = project.root / "seeds"
    for path in seeds.iterdir():
        path.unlink()
    (seeds / "noted.md").write_text(MARKDOWN, encoding="utf-8")
    if SOFFICE is not None:
        shutil.move(libreoffice_docx(project.root), seeds / "worded-notes.docx")
    result = project.run("build")
    assert result.code == 0, result.err
    return project


def markdown_notes(text: str) -> dict[str, str]:
    """Footnote label -> the note's text, as a Markdown renderer with footnotes reads them."""
    env: dict = {}
    MarkdownIt("commonmark").use(footnote_plugin).parse(text, env)
    out = {}
    for note in env.get("footnotes", {}).get("list", {}).values():
        out[note["label"]] = note.get("label")
    return out


# --- the model -------------------------------------------------------------------------------


def test_markdown_footnotes_are_blocks_with_marks_where_they_are_cited(tmp_path):
    path = tmp_path / "noted.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    document = read_source(path)
    notes = [(p.footnote, p.text) for p in document.paragraphs if p.kind is Kind.FOOTNOTE]
    assert notes == [
        ("title", "本期由编辑部整理。"),
        ("1", "数据来自公司公告。"),
        ("2", "报告全文见官网。"),
        ("uncited", "这条注释没有被引用。"),  # kept, last, and said
    ]
    lead = document.paragraphs[1]
    assert lead.text == "导语：随着具身智能的发展，公司发布了新模型。这是旧的说法。"
    assert [(s.kind, lead.text[s.start : s.end], s.label) for s in lead.spans] == [
        (SpanKind.STRONG, "导语：", None),
        (SpanKind.FOOTNOTE_REF, "", "1"),
        (SpanKind.STRIKE, "旧的说法", None),
    ]
    assert lead.spans[1].start == lead.text.index("这是")  # right after 。 where [^1] stands
    assert [n.message for n in document.reading_notes] == [
        "footnote [^uncited] is never cited: shown after the others, without a mark"
    ]


def test_a_word_footnote_as_word_writes_it_is_read(tmp_path):
    """Word's own layout: separators with ids -1 and 0, the note's w:footnoteRef, a custom
    mark (w:customMarkFollows) and double strikethrough."""
    body = (
        f"<w:document {NS}><w:body><w:p><w:r><w:t>正文</w:t></w:r>"
        '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
        '<w:footnoteReference w:id="1"/></w:r><w:r><w:t>。又一句</w:t></w:r>'
        '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
        '<w:footnoteReference w:customMarkFollows="1" w:id="2"/><w:t>*</w:t></w:r>'
        "<w:r><w:rPr><w:dstrike/></w:rPr><w:t>删去</w:t></w:r><w:r><w:t>。</w:t></w:r></w:p>"
        "</w:body></w:document>"
    )
    notes = (
        f'<w:footnotes {NS}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/>'
        '</w:r></w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p>'
        "<w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"
        '<w:footnote w:id="1"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:rPr>'
        '<w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
        '<w:r><w:t xml:space="preserve"> 第一条注释。</w:t></w:r></w:p></w:footnote>'
        '<w:footnote w:id="2"><w:p><w:r><w:t xml:space="preserve"> 星号注释。</w:t></w:r></w:p>'
        "</w:footnote></w:footnotes>"
    )
    path = tmp_path / "word.docx"
    base = tmp_path / "base.docx"
    docx.Document().save(str(base))
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = body.encode()
            elif item.filename == "word/_rels/document.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdF" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
                    b"</Relationships>",
                )
            elif item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/vnd.'
                    b'openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
                )
            target.writestr(item, data)
        target.writestr("word/footnotes.xml", notes)
    document = read_source(path)
    text = document.paragraphs[0]
    assert text.text == "正文。又一句删去。"  # the custom mark "*" is the mark, not text
    assert [(s.kind, s.start, s.label) for s in text.spans] == [
        (SpanKind.FOOTNOTE_REF, 2, "1"),
        (SpanKind.STRIKE, 6, None),
        (SpanKind.FOOTNOTE_REF, 6, "2"),  # at one place: formatting first, then the mark
    ]
    notes_read = [(p.index, p.footnote, p.text) for p in document.paragraphs[1:]]
    assert notes_read == [(1, "1", "第一条注释。"), (2, "2", "星号注释。")]


# --- every edition -------------------------------------------------------------------------


def test_markdown_editions_have_the_footnotes_in_footnote_syntax(noted):
    for edition in EDITIONS:
        text = (noted.dist / f"noted.{edition}_en.md").read_text(encoding="utf-8")
        html = MarkdownIt("commonmark").use(footnote_plugin).enable("strikethrough").render(text)
        assert html.count('<li id="fn') == 3, text  # every cited note
        assert "[^uncited]: " in text  # kept as written (a viewer hides it, as in the source)
        assert 'href="#fn1"' in html  # the mark links to its note
        first = "数据来自公司**公告**。" if edition == "zh-Hans" else "資料來自公司**公告**。"
        assert f"[^1]: {first}" in text
        assert "~~" in text and "<s>" in html
        assert "**导语：**" in text or "<strong>导语：</strong>" in text or "導語" in text


def test_the_web_page_shows_footnotes_at_the_bottom_linked_both_ways(noted):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (.ci/install-clients installs it)")
    path = noted.dist / "noted.zh-Hans_en.html"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            opened = Opened(browser, path, viewport)
            page = opened.page
            try:
                assert opened.problems == [] and opened.outside(path) == []
                notes = page.locator("section.footnotes")
                article = page.locator("article > .pair:not(.footnote)").last
                assert notes.bounding_box()["y"] > article.bounding_box()["y"]  # at the bottom
                assert page.locator('aside[id^="fn-"]').count() == 8  # 4 notes, 2 languages
                for lang, suffix in (("zh-Hans", ""), ("en", "-en")):
                    mark = page.locator(f'[lang="{lang}"] sup.noteref a').first
                    assert mark.inner_text() == "1"
                    mark.click()
                    note = page.locator(f"#fn-1{suffix}")
                    page.wait_for_function(f"location.hash === '#fn-1{suffix}'")
                    assert _in_view(page, note), f"{name}: the note is not shown"
                    if not suffix:  # the first mark is the title's: its note is the first
                        assert note.inner_text() == "1 本期由编辑部整理。"
                    note.locator("a.backref").click()
                    page.wait_for_function(f"location.hash === '#fnref-1{suffix}'")
                    assert _in_view(page, page.locator(f"#fnref-1{suffix}"))
                opened.shot(f"noted.{name}.footnote-back")
                assert page.locator("del").first.inner_text() == "旧的说法"
            finally:
                opened.close()
        browser.close()


def _in_view(page, locator) -> bool:
    """Shown on screen, and not under the sticky language control."""
    box = locator.bounding_box()
    controls = page.locator(".controls").bounding_box()
    top = controls["y"] + controls["height"] if controls else 0
    return box is not None and top <= box["y"] < page.viewport_size["height"]


@pytest.mark.parametrize("name", ["noted", "worded-notes"])
def test_epubs_with_footnotes_pass_epubcheck(noted, name):
    if not (noted.root / "seeds" / f"{name}.md").exists() and name != "noted" and not SOFFICE:
        pytest.skip("LibreOffice is not installed")
    for edition in EDITIONS:
        book_path = noted.dist / f"{name}.{edition}_en.epub"
        report = epubcheck(book_path)
        summary = re.search(r"Messages: (\d+) fatals / (\d+) errors / (\d+) warnings", report)
        assert summary is not None and summary.groups() == ("0", "0", "0"), report
        with zipfile.ZipFile(book_path) as book:
            chapter = book.read("EPUB/article.xhtml").decode()
        assert 'epub:type="noteref"' in chapter and 'epub:type="footnote"' in chapter
        for target in re.findall(r'href="#(fn[^"]*)"', chapter):
            assert f'id="{target}"' in chapter  # linked both ways, every link lands


def test_the_editors_docx_marks_footnote_rows(noted):
    rows = [[c.text for c in row.cells] for row in _table(noted.dist / "noted.zh-Hans_en.docx")]
    by_chinese = {row[1]: row for row in rows}
    note = by_chinese["数据来自公司公告。"]
    cited = next(r for r in rows if r[1] == "随着具身智能的发展，公司发布了新模型。"
                 or r[1].startswith("导语"))  # fmt: skip
    assert f"footnote 2, cited at {cited[0]}" in note[3]
    assert "footnote 4, not cited in the text" in by_chinese["这条注释没有被引用。"][3]
    qa = json.loads((noted.dist / "noted.qa.json").read_text(encoding="utf-8"))
    assert {
        "check": "source-unsupported",
        "line": 11,
        "message": "footnote [^uncited] is never cited: shown after the others, without a mark",
    }.items() <= next(i for i in qa if i["check"] == "source-unsupported").items()


def _table(path: Path):
    return docx.Document(str(path)).tables[0].rows


def test_a_word_source_keeps_its_footnote_and_endnote_in_every_edition(noted):
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed")
    dist = noted.dist
    markdown = (dist / "worded-notes.zh-Hans_en.md").read_text(encoding="utf-8")
    assert "[^1]: 数据来自公司公告。" in markdown and "[^2]: 报告全文见附录。" in markdown
    assert "800亿美元。[^1]这是~~旧的说法~~。" in markdown
    page = (dist / "worded-notes.zh-Hans_en.html").read_text(encoding="utf-8")
    assert re.search(r'<aside class="footnote" id="fn-2"[^>]*>.*报告全文见附录。', page)
    with zipfile.ZipFile(dist / "worded-notes.zh-Hant_en.epub") as book:
        chapter = book.read("EPUB/article.xhtml").decode()
    assert "資料來自公司公告。" in chapter and "<del>" in chapter
    rows = {r.cells[1].text: r.cells[3].text for r in _table(dist / "worded-notes.zh-Hans_en.docx")}
    assert rows["数据来自公司公告。"].splitlines()[1] == "footnote 1, cited at p002.s01"
    assert rows["报告全文见附录。"].splitlines()[1] == "footnote 2, cited at p003.s01"


# --- the formatting stage ------------------------------------------------------------------


def test_marks_and_strikethrough_are_carried_onto_the_english_or_said(tmp_path):
    from test_formatting import translated

    from bilingual.stages.formatting import CHECK, MARK_CHECK

    path = tmp_path / "carry.md"
    path.write_text(
        "据报道[^1]。\n\nOpenAI[^1]发布了模型。\n\n他说[^1]今天很好。\n\n~~整句删除。~~\n\n"
        "这是~~旧的~~说法。\n\n[^1]: 注。\n",
        encoding="utf-8",
    )
    english = {
        "p001.s01": "Reportedly.",
        "p003.s01": "OpenAI released a model.",
        "p005.s01": "He said today is fine.",
        "p007.s01": "Deleted in full.",
        "p009.s01": "This is the old view.",
    }
    document = translated(path, english)

    def shown(sid: str) -> tuple[str, list[str]]:
        segment = next(s for s in document.segments if s.id == sid)
        text = segment.english or ""
        for span in sorted(segment.english_spans, key=lambda s: -s.end):
            if span.kind is SpanKind.FOOTNOTE_REF:
                text = text[: span.start] + f"[^{span.label}]" + text[span.start :]
            else:
                text = (
                    text[: span.start] + "<" + text[span.start : span.end] + ">" + text[span.end :]
                )
        return text, [
            f"{f.check}: {f.message}" for f in segment.flags if f.check in (CHECK, MARK_CHECK)
        ]

    assert shown("p001.s01") == ("Reportedly[^1].", [])  # before the full stop, as in Chinese
    assert shown("p003.s01") == ("OpenAI[^1] released a model.", [])  # after the name it follows
    assert shown("p005.s01") == (
        "He said today is fine.[^1]",
        [f'{MARK_CHECK}: footnote mark [^1] placed at the end of the English sentence '
         '(in the Chinese it follows "他说")'],
    )  # fmt: skip
    moved = next(s for s in document.segments if s.id == "p005.s01").flags[-1]
    assert moved.text(traditional=True).endswith('(in the Chinese it follows "他說")')
    assert shown("p007.s01") == ("<Deleted in full.>", [])  # struck through as a whole
    assert shown("p009.s01") == (
        "This is the old view.",
        [f'{CHECK}: formatting not carried: strike "旧的"'],
    )


# --- nothing dropped silently ----------------------------------------------------------------


def test_what_a_reader_cannot_keep_is_named_in_qa(tmp_path):
    word = docx.Document()
    paragraph = word.add_paragraph("正文")
    paragraph.add_run("下划线").underline = True
    paragraph.add_run("上标").font.superscript = True
    word.add_paragraph().add_run("又一个").underline = True
    word.save(str(tmp_path / "formats.docx"))
    notes = [(n.line, n.message) for n in read_source(tmp_path / "formats.docx").reading_notes]
    tail = "the text is read without it"
    assert notes == [
        (1, f"underline is not kept (2 in all, the first in paragraph 1): {tail}"),
        (1, f"superscript is not kept (1 in all, the first in paragraph 1): {tail}"),
    ]
    markdown = tmp_path / "tags.md"
    markdown.write_text("正文<u>下划线</u>和<b>粗体</b>。\n", encoding="utf-8")
    document = read_source(markdown)
    assert document.paragraphs[0].text == "正文下划线和粗体。"
    assert [s.kind for s in document.paragraphs[0].spans] == [SpanKind.STRONG]  # <b> is kept
    assert [n.message for n in document.reading_notes] == [
        "inline HTML <u> left out (its text is kept)"
    ]
