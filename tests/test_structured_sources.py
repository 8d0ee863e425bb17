"""Markdown and Word sources: blocks, inline formatting and IDs read as the writer meant them,
and bad structured input refused in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bilingual.document import Kind, SpanKind
from bilingual.errors import InputError
from bilingual.glossary.terms import Glossary, Term
from bilingual.project.build import prepare
from bilingual.readers import read_source
from conftest import Project
from sources import DOCX_PICTURE_ALT, write_docx, write_markdown


def blocks(path: Path, glossary: Glossary | None = None):
    return prepare(read_source(path), glossary or Glossary()).paragraphs


def spans_of(block) -> list[tuple[str, str, str | None]]:
    return [(s.kind.value, block.text[s.start : s.end], s.url) for s in block.spans]


def test_markdown_blocks_spans_and_ids_by_source_line(tmp_path):
    document = read_source(write_markdown(tmp_path))
    assert (document.title, document.date) == ("具身智能周报", "2024-03-01")
    read = blocks(tmp_path / "structured.md")
    by_line = {b.index + 1: b for b in read if b.kind is not Kind.IMAGE}
    # the front matter's title is the document's title block, translated, at its line
    title = by_line[2]
    assert (title.kind, title.level, title.text) == (Kind.HEADING, 0, "具身智能周报")
    assert title.segments[0].id == "p002.s01" and read[0] is title
    heading = by_line[5]
    assert (heading.kind, heading.level, heading.text) == (Kind.HEADING, 1, "具身智能的新进展")
    assert heading.segments[0].id == "p005.s01"  # the line it is on, front matter counted
    first = by_line[7]
    assert spans_of(first) == [
        ("strong", "重要", None),
        ("emphasis", "具身智能", None),
        ("link", "OpenAI", "https://openai.com/sora"),
        ("code", "GPT-5.1", None),
    ]
    assert [s.id for s in first.segments] == ["p007.s01", "p007.s02"]
    assert first.segments[1].source.endswith("GPT-5.1。")  # inline code never split at its dot
    assert by_line[8 + 1].level == 2
    items = [(b.index + 1, b.depth, b.ordered, b.number) for b in read if b.kind is Kind.LIST_ITEM]
    assert items == [
        (11, 1, False, 1),
        (12, 1, False, 2),
        (13, 2, True, 1),
        (14, 2, True, 2),
        (16, 1, True, 3),
        (17, 1, True, 4),
    ]
    quotes = [b for b in read if b.quote]
    assert [b.text for b in quotes] == ["引用的一句话，来自周鸿祎。", "第二段引用。"]
    assert all(b.kind is Kind.QUOTE for b in quotes)
    picture = next(b for b in read if b.kind is Kind.IMAGE)
    assert picture.text == "一张蓝色的图表" and picture.segments[0].id == "p025.s01"
    assert picture.image.data == (tmp_path / "images" / "chart.png").read_bytes()
    code, html = (next(b for b in read if b.kind is k) for k in (Kind.CODE, Kind.HTML))
    assert (code.text, code.info, code.segments) == ('print("代码不翻译")', "python", ())
    assert html.text == '<div class="note">原始 HTML 不翻译</div>' and html.segments == ()
    assert any(b.kind is Kind.RULE for b in read)
    assert by_line[37].text.startswith("1. Not a list")  # an escaped "1\." is text, not a list
    cells = [(b.index + 1, b.cell, b.text, [s.id for s in b.segments]) for b in read if b.cell]
    assert cells == [
        (41, (0, 0), "公司", ["p041.s01"]),
        (41, (0, 1), "估值", ["p041.s02"]),
        (43, (1, 0), "OpenAI", ["p043.s01"]),
        (43, (1, 1), "800亿美元", ["p043.s02"]),
    ]
    assert all(b.kind is Kind.TABLE_CELL for b in read if b.cell)


def test_front_matter_author_and_a_title_a_heading_already_says(tmp_path):
    source = tmp_path / "a.md"
    source.write_text(
        "---\ntitle: 标题\nauthor: [林晓, 周编辑]\n---\n# 标题\n\n正文。\n", encoding="utf-8"
    )
    document = read_source(source)
    assert document.author == "林晓, 周编辑"
    assert [(b.kind, b.level, b.text) for b in document.paragraphs] == [
        (Kind.HEADING, 1, "标题"),  # not a second title block
        (Kind.PARAGRAPH, 0, "正文。"),
    ]


def test_word_core_author_is_the_documents_author(tmp_path):
    assert read_source(write_docx(tmp_path)).author == "周编辑"


def test_a_picture_inside_a_line_of_text_numbers_its_alt_text_on(tmp_path):
    write_markdown(tmp_path)
    (tmp_path / "inline.md").write_text("看这里：![小图](images/chart.png)好。\n", encoding="utf-8")
    text, picture = blocks(tmp_path / "inline.md")
    assert text.text == "看这里：好。" and [s.id for s in text.segments] == ["p001.s01"]
    assert picture.kind is Kind.IMAGE and [s.id for s in picture.segments] == ["p001.s02"]


def test_word_styles_runs_links_and_pictures(tmp_path):
    read = blocks(write_docx(tmp_path))
    kinds = [(b.index + 1, b.kind.value, b.level, b.depth, b.ordered, b.number) for b in read]
    assert kinds == [
        (1, "heading", 0, 0, False, 0),  # Word's Title: the document's title, not a Heading 1
        (2, "paragraph", 0, 0, False, 0),
        (3, "heading", 2, 0, False, 0),
        (4, "list-item", 0, 1, False, 1),
        (5, "list-item", 0, 1, False, 2),
        (6, "list-item", 0, 2, False, 1),
        (7, "list-item", 0, 1, True, 1),
        (8, "list-item", 0, 1, True, 2),
        (9, "quote", 0, 0, False, 0),
        (10, "paragraph", 0, 0, False, 0),
        (11, "code", 0, 0, False, 0),
        (12, "paragraph", 0, 0, False, 0),
        (13, "image", 0, 0, False, 0),
        (14, "table-cell", 0, 0, False, 0),
        (15, "table-cell", 0, 0, False, 0),
        (16, "table-cell", 0, 0, False, 0),
        (18, "table-cell", 0, 0, False, 0),
    ]
    assert [(b.cell, b.text) for b in read if b.cell] == [
        ((0, 0), "公司"),
        ((0, 1), "估值"),
        ((1, 0), "OpenAI 第二段。"),  # a cell's paragraphs are one block
        ((1, 1), "800亿美元"),
    ]
    assert [s.id for s in read[1].segments] == ["p002.s01", "p002.s02"]
    assert spans_of(read[1]) == [
        ("strong", "重要", None),
        ("emphasis", "具身智能", None),
        ("link", "OpenAI", "https://openai.com/sora"),
        ("code", "GPT-5.1", None),
    ]
    assert spans_of(read[3]) == [("link", "具身智能", "https://example.com/e")]
    assert spans_of(read[9]) == [("strong", "整句都是粗体的一句话。", None)]
    assert read[10].segments == ()  # code is not translated
    assert read[12].text == DOCX_PICTURE_ALT and read[12].image.data.startswith(b"\x89PNG")


def word_file(path: Path, *paragraphs: str) -> Path:
    """A Word file whose body is ``paragraphs`` (the inner XML of each w:p), as Word writes them."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    for n, inner in enumerate(paragraphs):
        document.element.body.insert(n, parse_xml(f"<w:p {w}>{inner}</w:p>"))
    document.save(str(path))
    return path


def field(instruction: str, text: str) -> str:
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve">{instruction}</w:instrText></w:r>'
        f'<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>{text}</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def font(name: str, text: str) -> str:
    return f'<w:r><w:rPr><w:rFonts w:ascii="{name}"/></w:rPr><w:t>{text}</w:t></w:r>'


def test_word_fields_link_out_and_table_of_contents_entries_do_not(tmp_path):
    read = blocks(
        word_file(
            tmp_path / "fields.docx",
            field(' HYPERLINK \\l "_Toc123" \\h \\* MERGEFORMAT ', "第一章 概述"),
            field(' HYPERLINK "https://example.com/a" \\l "part" \\o "提示" ', "链接。"),
            "<w:fldSimple w:instr=' HYPERLINK \"https://example.com/b\" '><w:r><w:t>另一个。</w:t>"
            "</w:r></w:fldSimple>",
        )
    )
    assert [spans_of(b) for b in read] == [
        [],  # a place inside the document leads nowhere outside Word
        [("link", "链接。", "https://example.com/a#part")],
        [("link", "另一个。", "https://example.com/b")],
    ]


def test_monospace_fonts_are_code_and_monotype_corsiva_is_not(tmp_path):
    read = blocks(
        word_file(
            tmp_path / "fonts.docx",
            font("Monotype Corsiva", "花体字。") + font("DejaVu Sans Mono", "print(x)"),
        )
    )
    assert spans_of(read[0]) == [("code", "print(x)", None)]


def test_a_picture_in_a_word_text_box_is_read_once(tmp_path):
    import docx
    from docx.oxml import parse_xml

    from sources import png

    (tmp_path / "chart.png").write_bytes(png())
    document = docx.Document()
    rid, _ = document.part.get_or_add_image(str(tmp_path / "chart.png"))
    names = {
        "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
        "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
        "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
        "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
        "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
        "v": "urn:schemas-microsoft-com:vml",
    }
    declared = " ".join(f'xmlns:{k}="{v}"' for k, v in names.items())
    picture = (  # a picture as Word writes it inline, with its description
        '<w:r><w:drawing><wp:inline><wp:docPr id="2" name="Picture 2" descr="框里的图"/>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:pic><pic:blipFill><a:blip r:embed="{rid}"/></pic:blipFill></pic:pic>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    )
    text_box = (
        "<w:txbxContent><w:p><w:r><w:t>框里的话。</w:t></w:r></w:p>"
        f"<w:p>{picture}</w:p></w:txbxContent>"
    )
    document.element.body.insert(
        0,
        parse_xml(  # Word: the text box as a shape, and a VML copy for older readers
            f"<w:p {declared}><w:r><mc:AlternateContent>"
            '<mc:Choice Requires="wps"><w:drawing><wp:anchor><wp:docPr id="1" name="Text Box 1"/>'
            "<a:graphic><a:graphicData "
            'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            f"<wps:wsp><wps:txbx>{text_box}</wps:txbx></wps:wsp></a:graphicData></a:graphic>"
            "</wp:anchor></w:drawing></mc:Choice>"
            f"<mc:Fallback><w:pict><v:shape><v:textbox>{text_box}</v:textbox></v:shape></w:pict>"
            "</mc:Fallback></mc:AlternateContent></w:r></w:p>"
        ),
    )
    document.save(str(tmp_path / "box.docx"))
    read = blocks(tmp_path / "box.docx")
    assert [(b.kind, b.text) for b in read] == [
        (Kind.PARAGRAPH, "框里的话。"),
        (Kind.IMAGE, "框里的图"),
    ]


def test_a_word_file_resaved_by_libreoffice_reads_the_same(tmp_path):
    from sources import resave_with_libreoffice

    original = write_docx(tmp_path)
    resaved = resave_with_libreoffice(original, tmp_path, "resaved")

    def signature(path):
        return [
            (b.index, b.kind, b.level, b.depth, b.ordered, b.number, b.quote, b.text, b.spans)
            + tuple(s.id for s in b.segments)
            for b in blocks(path)
        ]

    assert signature(resaved) == signature(original)


def test_tracked_changes_count_as_word_shows_them(tmp_path):
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document.element.body.insert(
        0,
        parse_xml(
            f"<w:p {w}><w:r><w:t>保留</w:t></w:r>"
            f'<w:del w:id="1" w:author="e"><w:r><w:delText>删掉</w:delText></w:r></w:del>'
            f'<w:ins w:id="2" w:author="e"><w:r><w:rPr><w:b/></w:rPr><w:t>加上</w:t></w:r></w:ins>'
            f"<w:r><w:t>。</w:t></w:r></w:p>"
        ),
    )
    document.save(str(tmp_path / "tracked.docx"))
    (block,) = blocks(tmp_path / "tracked.docx")
    assert block.text == "保留加上。" and spans_of(block) == [("strong", "加上", None)]


def test_spans_stay_on_their_text_when_glossary_variants_change_its_length(tmp_path):
    (tmp_path / "v.md").write_text("**OpenA!** 说 [Sora](https://x.y/s) 很好。\n", encoding="utf-8")
    glossary = Glossary((Term("OpenAI", "OpenAI", variants=("OpenA!",)),))
    (block,) = blocks(tmp_path / "v.md", glossary)
    assert block.text == "OpenAI 说 Sora 很好。"
    assert spans_of(block) == [("strong", "OpenAI", None), ("link", "Sora", "https://x.y/s")]


def test_traditional_spans_follow_phrases_that_change_length():
    from bilingual.document import Segment, Span
    from bilingual.stages.traditional import traditional_text

    source = "插上U盘，打开**软件**。"
    plain = "插上U盘，打开软件。"
    segment = Segment("p001.s01", 0, plain, spans=(Span(SpanKind.STRONG, 7, 9),))
    assert source.replace("**", "") == plain
    text, spans = traditional_text(segment, "s2twp")
    assert text == "插上隨身碟，開啟軟體。"
    assert [text[s.start : s.end] for s in spans] == ["軟體"]


def test_a_thematic_break_on_the_first_line_is_not_front_matter(tmp_path):
    (tmp_path / "rule.md").write_text("-----\n\n正文。\n", encoding="utf-8")
    read = blocks(tmp_path / "rule.md")
    assert [(b.kind, b.text) for b in read] == [(Kind.RULE, ""), (Kind.PARAGRAPH, "正文。")]


def test_word_text_no_output_can_hold_is_cleaned_by_the_rule_of_every_reader(tmp_path):
    import docx

    source = docx.Document()
    paragraph = source.add_paragraph("甲\x85乙\x9b丙")  # XML holds C1 controls, noncharacters
    paragraph.add_run("粗体\ufdd0字").bold = True
    paragraph.add_run("。")
    source.add_paragraph("\x9b")
    source.save(str(tmp_path / "controls.docx"))
    document = read_source(tmp_path / "controls.docx")
    assert [(b.text, spans_of(b)) for b in document.paragraphs] == [
        ("甲 乙丙粗体字。", [("strong", "粗体字", None)])  # next-line a space, the rest removed
    ]
    assert [c.message for c in document.cleaned] == [
        "line 1, column 2: U+0085 (NEXT LINE) replaced by U+0020 (SPACE)",
        "line 1, column 4: U+009B removed",
        "line 1, column 7: U+FDD0 (noncharacter) removed",
        "line 2, column 1: U+009B removed",
    ]


# --- bad structured input -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.docx", b"PK\x03\x04 not really a zip", "broken.docx: not a Word document"),
        ("sheet.docx", None, "sheet.docx: not a Word document"),
        ("open.md", "---\ntitle: x\n\n# 标题\n", "open.md:1: front matter opened with '---'"),
        ("yaml.md", "---\ntitle: [x\ndate: 1\n---\n正文。\n", "yaml.md:2: front matter"),
        ("list.md", "---\n- a\n---\n正文。\n", "list.md:2: front matter must be"),
        ("date.md", "---\ndate: 2024-13-45\n---\n正文。\n", "date.md:2: front matter: 2024-13"),
        ("pic.md", "正文。\n\n![图](missing/chart.png)\n", "pic.md:3: image missing/chart.png not"),
        ("pdf.md", "![图](chart.pdf)\n", "pdf.md:1: chart.pdf is not a PNG"),
        ("long.md", f"正文。\n\n![图]({'长' * 100}.png)\n", "long.md:3: image 长长长"),
    ],
)
def test_bad_structured_sources_are_refused_in_one_line(tmp_path, name, content, message):
    path = tmp_path / name
    if content is None:  # a real zip, but a spreadsheet's parts
        import zipfile

        with zipfile.ZipFile(path, "w") as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("xl/workbook.xml", "<workbook/>")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    (tmp_path / "chart.pdf").write_bytes(b"%PDF")
    with pytest.raises(InputError) as error:
        read_source(path)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_build_refuses_bad_structured_input_with_exit_2_and_one_line(project: Project):
    seeds = project.root / "seeds"
    (seeds / "article.md").write_text("正文。\n\n![图](nowhere.png)\n", encoding="utf-8")
    result = project.run("build")
    assert result.code == 2 and not project.dist.exists()
    assert result.err.strip() == (
        f"bilingual: seeds/article.md:3: image nowhere.png not found "
        f"({Path('seeds/nowhere.png')}); add the file or fix the path"
    )
    (seeds / "article.md").unlink()
    (seeds / "zhou-hongyi-on-sora.md").write_text("# 标题\n", encoding="utf-8")
    result = project.run("build")
    assert result.code == 2 and len(result.err.strip().splitlines()) == 1
    assert "same output name as" in result.err and "rename one of them" in result.err


def test_segment_command_shows_structured_ids(project: Project):
    write_markdown(project.root / "seeds")
    result = project.run("segment", "seeds/structured.md", "--json")
    assert result.code == 0, result.err
    ids = [s["id"] for s in json.loads(result.out)["segments"]]
    assert ids[:4] == ["p002.s01", "p005.s01", "p007.s01", "p007.s02"]  # the title: line 2
    assert len(ids) == len(set(ids))


def test_a_word_equation_is_read_as_text_and_an_embedded_document_is_named(tmp_path):
    """Word math (m:oMath) keeps its text, its layout noted; an altChunk (a part Word imports
    when it opens the file) cannot be read, and says so instead of vanishing."""
    import docx
    from docx.oxml import parse_xml

    m = 'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"'
    path = word_file(
        tmp_path / "math.docx",
        f"<w:r><w:t>质能方程是</w:t></w:r><m:oMath {m}><m:r><m:t>E=m</m:t></m:r>"
        "<m:sSup><m:e><m:r><m:t>c</m:t></m:r></m:e><m:sup><m:r><m:t>2</m:t></m:r></m:sup>"
        "</m:sSup></m:oMath><w:r><w:t>。</w:t></w:r>",
    )
    document = read_source(path)
    assert [b.text for b in document.paragraphs] == ["质能方程是E=mc2。"]
    assert ["equation" in n.message for n in document.reading_notes] == [True]

    word = docx.Document(str(path))
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    r = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    word.element.body.insert(1, parse_xml(f'<w:altChunk {w} {r} r:id="rIdChunk1"/>'))
    word.save(str(path))
    notes = read_source(path).reading_notes
    assert any("w:altChunk" in n.message and n.severity.value == "warning" for n in notes)
