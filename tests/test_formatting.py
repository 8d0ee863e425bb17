"""Inline formatting carried onto the English where its text is there, reported where not; and
the readers' Markdown, checked by parsing it back with markdown-it."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from bilingual.document import Document, Origin, Severity
from bilingual.document.editions import SIMPLIFIED, TRADITIONAL
from bilingual.glossary.terms import Glossary, Term
from bilingual.project.build import prepare
from bilingual.readers import read_source
from bilingual.stages.formatting import CHECK, carry_document
from bilingual.stages.qa import check_document
from bilingual.stages.traditional import convert_document
from bilingual.writers import WriteOptions
from bilingual.writers.markdown import escape, render_markdown
from sources import write_markdown

GLOSSARY = Glossary((Term("具身智能", "embodied intelligence"), Term("周鸿祎", "Zhou Hongyi")))
ENGLISH = {
    "p005.s01": "New progress in embodied intelligence",
    "p007.s01": "This important text mentions embodied intelligence and OpenAI.",
    "p007.s02": "It also holds the code GPT-5.1.",
    "p009.s01": "Lists and quotes",
    "p011.s01": "The first item is about embodied intelligence.",
    "p019.s01": "A quoted sentence, from Zhou Hongyi.",
    "p023.s01": "A sentence that is bold throughout.",
}


def translated(path: Path, english: dict[str, str]) -> Document:
    """The build's stages after translation, with ``english`` standing in for the model."""
    document = prepare(read_source(path), GLOSSARY)

    def fill(segment):
        text = english.get(segment.id, segment.text if segment.text.isascii() else "Other.")
        origin = Origin.COPIED if text == segment.text else Origin.MACHINE
        return replace(segment, english=text, origin=origin)

    document = convert_document(document.map_segments(fill), "s2twp")
    return carry_document(check_document(document))


@pytest.fixture
def article(tmp_path) -> Document:
    return translated(write_markdown(tmp_path), ENGLISH)


def carried(document: Document, sid: str) -> list[tuple[str, str, str | None]]:
    segment = next(s for s in document.segments if s.id == sid)
    english = segment.english or ""
    return [(s.kind.value, english[s.start : s.end], s.url) for s in segment.english_spans]


def not_carried(document: Document) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for segment in document.segments:
        for flag in segment.flags:
            if flag.check == CHECK:
                assert flag.severity is Severity.INFO
                out.setdefault(segment.id, []).append(flag.message)
    return out


def test_spans_are_carried_where_their_text_is_in_the_english(article):
    # a glossary term (emphasis) and a Latin name (link) are found; "重要" is not
    assert carried(article, "p007.s01") == [
        ("emphasis", "embodied intelligence", None),
        ("link", "OpenAI", "https://openai.com/sora"),
    ]
    assert carried(article, "p007.s02") == [("code", "GPT-5.1", None)]
    assert carried(article, "p011.s01") == [
        ("link", "embodied intelligence", "https://example.com/embodied")
    ]
    assert carried(article, "p019.s01") == [("strong", "Zhou Hongyi", None)]
    # a whole-sentence span covers the whole English
    assert carried(article, "p023.s01") == [("strong", "A sentence that is bold throughout.", None)]
    # Latin text copied through keeps all of its formatting
    assert carried(article, "p035.s01") == [
        ("strong", "Sora", None),
        ("code", "code", None),
        ("link", "a link", "https://example.com/latin"),
    ]


def test_what_cannot_be_placed_is_reported_as_info_never_dropped_silently(article):
    assert not_carried(article) == {
        "p007.s01": ['formatting not carried: strong "重要"'],
        "p039.s01": ['formatting not carried: link "上一期" to https://example.com/previous#part'],
    }
    segment = next(s for s in article.segments if s.id == "p007.s01")
    assert not segment.needs_review  # nothing an editor could fix in the table


def test_an_english_without_the_term_reports_the_link_with_its_address(tmp_path):
    english = dict(ENGLISH, **{"p011.s01": "The first item is about robots."})
    document = translated(write_markdown(tmp_path), english)
    assert not_carried(document)["p011.s01"] == [
        'formatting not carried: link "具身智能" to https://example.com/embodied'
    ]


# --- the readers' Markdown ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["1. 开头是数字", "10) 也是", "# 不是标题", "- 不是列表", "+ 也不是", "> 不是引用",
     "=== 下划线", "*不强调*", "_也不_", "[不是链接](x)", "&amp; 实体", "<b>标签</b>",
     "反斜杠 \\ 在此", "C# 语言", "`不是代码`", "![不是图](x.png)"],
)  # fmt: skip
def test_escaped_text_reads_back_as_written(text):
    tokens = MarkdownIt("commonmark").parse(escape(text))
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    children = tokens[1].children
    assert [c.type for c in children] in (["text"], ["text", "text"]), children
    assert "".join(c.content for c in children) == text


def test_a_paragraph_starting_with_a_number_is_escaped_after_the_digits():
    assert escape("1. Not a list") == "1\\. Not a list"
    # The old form is wrong: CommonMark shows a backslash before a digit as written.
    tokens = MarkdownIt("commonmark").parse("\\1. Not a list")
    assert tokens[1].children[0].content == "\\1. Not a list"


def inline_tokens(markdown: str):
    for token in MarkdownIt("commonmark").parse(markdown):
        if token.type == "inline":
            yield token


def formatted(token) -> list[tuple[str, str]]:
    """(kind, text) of each formatted piece of an inline token, raw HTML tags included."""
    out, open_ = [], []
    for child in token.children:
        if child.type in ("em_open", "strong_open", "link_open"):
            open_.append((child.type[:-5], child.attrs.get("href", ""), []))
        elif child.type in ("em_close", "strong_close", "link_close"):
            kind, href, text = open_.pop()
            out.append((kind + (f" {href}" if href else ""), "".join(text)))
        elif child.type == "html_inline":
            tag = child.content.strip("</>")
            if child.content.startswith("</"):
                kind, _, text = open_.pop()
                out.append((kind, "".join(text)))
            else:
                open_.append((tag, "", []))
        elif child.type == "code_inline":
            out.append(("code", child.content))
        elif child.type == "text":
            for entry in open_:
                entry[2].append(child.content)
    return out


def test_markdown_edition_has_the_source_structure_and_formatting(article):
    markdown = render_markdown(article, SIMPLIFIED)
    tokens = MarkdownIt("commonmark").parse(markdown)
    kinds = [t.type for t in tokens]
    # each heading once (the front matter's title block, the article's Heading 1, its Heading 2):
    # its English is an emphasised line under it, not a second heading
    assert [t.tag for t in tokens if t.type == "heading_open"] == ["h1", "h1", "h2"]
    assert "_New progress in embodied intelligence_" in markdown.split("\n")
    assert kinds.count("bullet_list_open") == 1 and kinds.count("ordered_list_open") == 2
    lists = [t for t in tokens if t.type == "ordered_list_open"]
    assert [t.attrs.get("start", 1) for t in lists] == [1, 3]
    nested = [t.level for t in tokens if t.type.endswith("_list_open")]
    assert nested[1] > nested[0]  # the sub-list is inside the second item
    assert kinds.count("blockquote_open") == 1
    fence = next(t for t in tokens if t.type == "fence")
    assert (fence.info, fence.content) == ("python", 'print("代码不翻译")\n')
    assert any(t.type == "html_block" and "原始 HTML" in t.content for t in tokens)
    assert "hr" in kinds
    pictures = [c for t in inline_tokens(markdown) for c in t.children if c.type == "image"]
    assert [c.attrs["src"] for c in pictures] == ["structured.assets/chart.png"]
    pieces = [formatted(t) for t in inline_tokens(markdown)]
    assert [("strong", "重要"), ("em", "具身智能"), ("link https://openai.com/sora", "OpenAI"),
            ("code", "GPT-5.1")] in pieces  # fmt: skip
    assert [("em", "embodied intelligence"), ("link https://openai.com/sora", "OpenAI"),
            ("code", "GPT-5.1")] in pieces  # fmt: skip
    assert [("strong", "整句都是粗体的一句话。")] in pieces
    assert [("strong", "A sentence that is bold throughout.")] in pieces
    texts = [
        "".join(c.content for c in t.children if c.type == "text") for t in inline_tokens(markdown)
    ]
    table = MarkdownIt("commonmark").enable("table").parse(markdown)
    cells = [
        t.content
        for t, p in zip(table[1:], table, strict=False)
        if p.type in ("th_open", "td_open")
    ]
    assert cells == [
        "公司<br>Other.",
        "估值<br>Other.",
        "**OpenAI**",  # no Chinese: the English is the same text, shown once
        "800亿美元<br>Other.",
    ]
    assert texts.count("1. Not a list, a sentence that starts with a number.") == 1  # once


def test_traditional_markdown_keeps_formatting_on_converted_text(article):
    pieces = [formatted(t) for t in inline_tokens(render_markdown(article, TRADITIONAL))]
    assert [("strong", "重要"), ("em", "具身智慧"), ("link https://openai.com/sora", "OpenAI"),
            ("code", "GPT-5.1")] in pieces  # fmt: skip


def test_web_page_links_remote_pictures_and_leaves_out_html_comments(tmp_path):
    from bilingual.writers.html import render_html

    source = tmp_path / "remote.md"
    source.write_text(
        "<!-- 编辑备注 -->\n\n![远程图片](https://example.com/a.png)\n\n正文。\n", encoding="utf-8"
    )
    document = translated(source, {})
    picture = next(p for p in document.paragraphs if p.image is not None)
    assert picture.image.remote and picture.image.data == b""
    page = render_html(document, SIMPLIFIED)
    assert '<a class="remote-image" href="https://example.com/a.png">' in page
    assert "<img" not in page and "编辑备注" not in page
    assert "<!-- 编辑备注 -->" in render_markdown(document, SIMPLIFIED)


def test_epub_keeps_web_links_and_unlinks_places_in_the_document(article):
    from bilingual.document import Span, SpanKind
    from bilingual.writers.html_render import absolute, article_html

    def linked(segment):  # a place in the document, and what only a hand-made model holds
        if segment.id != "p039.s01":
            return segment
        spans = tuple(
            Span(SpanKind.LINK, 0, 2, url) for url in ("#p005.s01", "previous.md", "javascript:x")
        )
        return replace(segment, spans=spans, traditional_spans=spans)

    article = article.map_segments(linked)
    chapter = article_html(article, SIMPLIFIED, lambda image: image.file_name, links=absolute)
    assert '<a href="https://openai.com/sora">OpenAI</a>' in chapter
    assert "#p005.s01" not in chapter and "另见上一期。" in chapter
    page = article_html(article, SIMPLIFIED, lambda image: image.file_name)
    assert '<a href="#p005.s01">另见</a>' in page
    assert "previous.md" not in page + chapter and "javascript" not in page + chapter


def test_a_span_cut_at_a_sentence_edge_is_one_again_in_the_block():
    from bilingual.document import Span, SpanKind
    from bilingual.document.spans import join

    strong = SpanKind.STRONG
    text, spans = join(
        [("1. ", (Span(strong, 0, 2),)), ("Bold on", (Span(strong, 0, 4),)), ("x", ())], " "
    )
    assert text == "1. Bold on x" and spans == (Span(strong, 0, 7),)
    text, spans = join([("甲乙。", (Span(strong, 1, 3),)), ("丙丁", (Span(strong, 1, 2),))])
    assert spans == (Span(strong, 1, 3), Span(strong, 4, 5))  # not touching: two spans


def test_a_phrase_word_split_into_runs_is_one_span_and_carries(tmp_path):
    import docx

    source = docx.Document()
    paragraph = source.add_paragraph("这是")
    for text in ("非常", "重要", "的"):  # Word splits a bold phrase into runs (spelling, edits)
        paragraph.add_run(text).bold = True
    paragraph.add_run("事。")
    whole = source.add_paragraph()
    for text in ("整句都是", "粗体的一句话。"):
        whole.add_run(text).bold = True
    source.save(str(tmp_path / "runs.docx"))
    english = {"p001.s01": "This is a very important thing.", "p002.s01": "All bold."}
    document = translated(tmp_path / "runs.docx", english)
    markdown = render_markdown(document, SIMPLIFIED)
    assert "这是**非常重要的**事。" in markdown and "**整句都是粗体的一句话。**" in markdown
    assert carried(document, "p002.s01") == [("strong", "All bold.", None)]
    assert not_carried(document) == {"p001.s01": ['formatting not carried: strong "非常重要的"']}


def table_cells(markup: str) -> list[list[str]]:
    """Each table row's cells, as the text and picture sources they show, from HTML."""
    from lxml import html

    rows = html.fromstring(f"<div>{markup}</div>").xpath("//tr")
    return [
        [
            " ".join(cell.xpath(".//img/@src") + [t.strip() for t in cell.itertext() if t.strip()])
            for cell in row.xpath("td|th")
        ]
        for row in rows
    ]


def word_table_with_a_picture(path: Path) -> Path:
    import docx
    from docx.shared import Cm

    from sources import png

    picture = path.parent / "chart.png"
    picture.write_bytes(png())
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    for (row, column), text in zip(((0, 0), (0, 1), (1, 0)), ("公司", "图", "甲"), strict=True):
        table.cell(row, column).text = text
    cell = table.cell(1, 1)
    cell.paragraphs[0].add_run("看")
    cell.add_paragraph().add_run().add_picture(str(picture), width=Cm(2))
    document.add_picture(str(picture), width=Cm(2))  # the same picture again, after the table
    document.save(str(path))
    return path


@pytest.mark.parametrize("source", ["md", "docx"])
def test_a_picture_in_a_table_cell_stays_in_its_cell(tmp_path, source):
    from markdown_it import MarkdownIt

    from bilingual.writers.epub import build_epub
    from bilingual.writers.html_render import article_html

    if source == "md":
        write_markdown(tmp_path)
        path = tmp_path / "cells.md"
        path.write_text(
            "| 公司 | 图 |\n| --- | --- |\n| 甲 | 看![小图](images/chart.png) |\n\n"
            "![](images/chart.png)\n",
            encoding="utf-8",
        )
    else:
        path = word_table_with_a_picture(tmp_path / "cells.docx")
    document = translated(path, {})
    name = document.images[0].file_name
    assert {image.file_name for image in document.images} == {name}  # read and copied once
    markdown = render_markdown(document, SIMPLIFIED)
    shown = MarkdownIt("commonmark").enable("table").render(markdown)
    page = article_html(document, SIMPLIFIED, lambda image: image.file_name)
    if source == "md":  # the picture's alt text: in ![...] and in a caption, and its English
        in_markdown, in_page = (
            f"cells.assets/{name} 看 Other. Other.",
            f"{name} 看 Other. 小图 Other.",
        )
    else:
        in_markdown, in_page = f"cells.assets/{name} 看 Other.", f"{name} 看 Other."
    header = ["公司 Other.", "图 Other."]
    assert table_cells(shown) == [header, ["甲 Other.", in_markdown]]
    assert table_cells(page) == [header, ["甲 Other.", in_page]]
    assert page.count("<table>") == 1 and page.count(f'src="{name}"') == 2
    with zipfile.ZipFile(io.BytesIO(build_epub(document, SIMPLIFIED))) as book:
        assert [n for n in book.namelist() if "/images/" in n] == ["EPUB/images/image001.png"]


def test_pictures_without_alt_text_on_one_line_have_distinct_anchors(tmp_path):
    from lxml import html

    from bilingual.writers.html_render import article_html

    write_markdown(tmp_path)
    path = tmp_path / "two.md"
    path.write_text("![](images/chart.png)![](images/chart.png)\n", encoding="utf-8")
    page = article_html(translated(path, {}), SIMPLIFIED, lambda image: image.file_name)
    ids = html.fromstring(f"<div>{page}</div>").xpath("//@id")
    assert len(ids) == 2 and len(set(ids)) == 2


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("前言一句。\n\n# 具身智能的标题\n", "具身智慧的標題"),  # the first heading, not paragraph
        ("只有一句。\n", "plain"),  # no heading: the file name
    ],
)
def test_every_edition_takes_its_title_by_one_rule(tmp_path, text, title):
    import docx
    from lxml import html

    from bilingual.writers.docx import write as write_docx
    from bilingual.writers.epub import build_epub
    from bilingual.writers.html import render_html

    (tmp_path / "plain.md").write_text(text, encoding="utf-8")
    document = translated(tmp_path / "plain.md", {})
    write_docx(document, TRADITIONAL, tmp_path / "out.docx", WriteOptions())
    editors = docx.Document(str(tmp_path / "out.docx"))
    assert (editors.paragraphs[0].text, editors.core_properties.title) == (title, title)
    page = html.fromstring(render_html(document, TRADITIONAL).encode())
    assert page.findtext(".//title").split(" · ")[0] == title
    with zipfile.ZipFile(io.BytesIO(build_epub(document, TRADITIONAL))) as book:
        assert f"<dc:title>{title}" in book.read("EPUB/content.opf").decode()
