"""`bilingual build` on Markdown and Word sources into every output, with the real generated
model: the editors' table, the QA report, the readers' Markdown, web page and EPUB (checked by
EPUBCheck), and the editors' round trip on a structured source."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import html as lxml_html

from conftest import Project
from sources import SOFFICE

EPUBCHECK = Path("/usr/share/java/epubcheck.jar")
EDITIONS = ("zh-Hans", "zh-Hant")
SUFFIXES = ("docx", "md", "html", "epub")


def names(project: Project) -> list[str]:
    return sorted(p.stem for p in (project.root / "seeds").iterdir() if p.is_file())


def segments(project: Project, source: str) -> list[dict]:
    result = project.run("segment", f"seeds/{source}", "--glossary", "glossary", "--json")
    return json.loads(result.out)["segments"]


def test_every_output_for_every_structured_source(published):
    dist = published.dist
    for name in names(published):
        expected = {f"{name}.{e}_en.{s}" for e in EDITIONS for s in SUFFIXES} | {f"{name}.qa.json"}
        assert expected <= {p.name for p in dist.iterdir()}
    assert (dist / "structured.assets" / "chart.png").read_bytes() == (
        published.root / "seeds" / "images" / "chart.png"
    ).read_bytes()
    assert (dist / "worded.assets" / "image1.png").read_bytes().startswith(b"\x89PNG")
    assert not [p for p in dist.rglob("*.tmp")]


def test_editors_table_has_a_row_per_sentence_and_none_for_code(published):
    for source in ("structured.md", "worded.docx"):
        name = source.split(".")[0]
        rows = docx.Document(str(published.dist / f"{name}.zh-Hans_en.docx")).tables[0].rows
        ids = [row.cells[0].paragraphs[0].text for row in rows[1:]]
        assert ids == [s["id"] for s in segments(published, source)]
        chinese = " ".join(row.cells[1].text for row in rows)
        assert "代码不翻译" not in chinese and "原始 HTML" not in chinese
        assert "一张蓝色的图表" in chinese  # a picture's alt text is translated


def test_formatting_that_did_not_carry_is_in_qa_json_and_the_notes(published):
    items = json.loads((published.dist / "structured.qa.json").read_text(encoding="utf-8"))
    lost = [i for i in items if i["check"] == "formatting-not-carried"]
    assert lost and all(i["severity"] == "info" for i in lost)
    messages = {i["id"]: i["message"] for i in lost}
    # the random model's English holds no "embodied intelligence": the link is reported
    assert messages["p011.s01"] == (
        'formatting not carried: link "具身智能" to https://example.com/embodied'
    )
    assert "p023.s01" not in messages  # a whole-sentence span always carries
    assert "p035.s01" not in messages  # Latin text copied through keeps its formatting
    rows = docx.Document(str(published.dist / "structured.zh-Hans_en.docx")).tables[0].rows
    notes = {row.cells[0].paragraphs[0].text: row.cells[3].text for row in rows[1:]}
    assert messages["p011.s01"] in notes["p011.s01"]


def test_libreoffice_resaved_word_file_builds_the_same_editions(published):
    if not SOFFICE:
        pytest.skip("LibreOffice (soffice) is not installed")
    for suffix in ("md", "html"):
        ours = (published.dist / f"worded.zh-Hans_en.{suffix}").read_text(encoding="utf-8")
        theirs = (published.dist / f"resaved.zh-Hans_en.{suffix}").read_text(encoding="utf-8")
        assert theirs.replace("resaved", "worded") == ours


def test_web_page_is_self_contained_with_languages_and_both_texts(published):
    for edition in EDITIONS:
        path = published.dist / f"structured.{edition}_en.html"
        page = lxml_html.fromstring(path.read_bytes())
        assert page.get("lang") == edition
        fetched = page.xpath("//script[@src]|//link[@href]|//img|//iframe|//source|//video")
        assert all(el.get("src", "").startswith("data:") for el in fetched)
        assert [el.tag for el in fetched] == ["img"]
        assert page.xpath("//h1") and page.xpath("//ul/li//ol/li") and page.xpath("//blockquote")
        for segment in segments(published, "structured.md"):
            sentence = f'//span[@data-id="{segment["id"]}"]'
            chinese = page.xpath(f'{sentence}[ancestor::*[@lang][1][@lang="{edition}"]]')
            english = page.xpath(f'{sentence}[ancestor::*[@lang][1][@lang="en"]]')
            once = page.xpath(f'{sentence}[ancestor::*[@lang][1][@class="same"]]')
            assert (len(chinese), len(english)) == ((0, 1) if once else (1, 1)), segment["id"]
        blocks = page.xpath("//main//*[self::p or self::h1 or self::h2]")
        assert all(b.get("lang") in (edition, "en") for b in blocks)
        assert page.xpath("//pre[@translate='no']/code")
        assert "@media print" in path.read_text(encoding="utf-8")


def epubcheck(path: Path) -> str:
    if not EPUBCHECK.exists() or shutil.which("java") is None:
        pytest.skip("EPUBCheck is not installed (Debian package epubcheck; .ci/install-clients)")
    result = subprocess.run(
        ["java", "-jar", str(EPUBCHECK), str(path)], capture_output=True, text=True, timeout=300
    )
    return result.stdout + result.stderr


@pytest.mark.parametrize("name", ["structured", "worded"])
def test_epubs_pass_epubcheck_with_no_errors_and_no_warnings(published, name):
    for edition in EDITIONS:
        report = epubcheck(published.dist / f"{name}.{edition}_en.epub")
        summary = re.search(r"Messages: (\d+) fatals / (\d+) errors / (\d+) warnings", report)
        assert summary is not None, report
        assert summary.groups() == ("0", "0", "0"), report


def test_epub_metadata_navigation_and_pictures(published):
    with zipfile.ZipFile(published.dist / "structured.zh-Hant_en.epub") as book:
        assert book.namelist()[0] == "mimetype"
        opf = book.read("EPUB/content.opf").decode()
        nav = book.read("EPUB/nav.xhtml").decode()
        article = book.read("EPUB/article.xhtml").decode()
        assert book.read("EPUB/images/image001.png").startswith(b"\x89PNG")
    assert "<dc:language>zh-Hant</dc:language>" in opf and "<dc:language>en</dc:language>" in opf
    # the front matter's title, translated like any heading; no author named, none invented
    assert "<dc:title>具身智慧週報 · " in opf and "<dc:date>2024-03-01</dc:date>" in opf
    assert "<dc:creator" not in opf
    assert re.search(r"<dc:identifier id=\"id\">urn:uuid:[0-9a-f-]{36}</dc:identifier>", opf)
    assert nav.index("具身智慧的新進展") < nav.index("列表與引用")  # headings, nested by level
    assert 'href="article.xhtml#p009.s01"' in nav
    assert 'src="images/image001.png"' in article and 'lang="zh-Hant"' in article
    with zipfile.ZipFile(published.dist / "worded.zh-Hans_en.epub") as book:
        opf = book.read("EPUB/content.opf").decode()
    assert '<dc:creator id="creator">周编辑</dc:creator>' in opf  # Word's core creator
    assert "<dc:title>具身智能的新进展 · " in opf  # Word's Title paragraph, in both languages


EDIT = "The first item is about embodied intelligence."


def edited_edition(project: Project, folder: Path) -> Path:
    """The Simplified editors' table with p011.s01's English corrected, as Word saves it."""
    document = docx.Document(str(project.dist / "structured.zh-Hans_en.docx"))
    for row in document.tables[0].rows[1:]:
        if row.cells[0].paragraphs[0].text == "p011.s01":
            row.cells[2].text = EDIT
    edited = folder / "structured.zh-Hans_en.docx"
    document.save(str(edited))
    return edited


def test_import_takes_an_edit_of_a_structured_sources_edition(published, tmp_path):
    memory = published.root / "tm" / "memory.jsonl"
    before = memory.read_bytes() if memory.exists() else None
    try:
        result = published.run("import", str(edited_edition(published, tmp_path)))
        assert result.code == 0, result.err
        assert "1 edited" in result.out
    finally:
        if before is None:
            memory.unlink(missing_ok=True)
        else:
            memory.write_bytes(before)


def test_an_editors_english_with_the_term_carries_the_link(published, tmp_path):
    """An editor's English (from the translation memory) is formatted like the machine's."""
    project = published
    memory = project.root / "tm" / "memory.jsonl"
    memory.parent.mkdir(exist_ok=True)
    before = memory.read_bytes() if memory.exists() else None
    entry = {
        "source": "第一项讲具身智能。",
        "english": EDIT,
        "id": "p011.s01",
        "origin": "structured.zh-Hans_en.docx",
        "time": "2026-01-01T00:00:00+00:00",
    }
    try:
        memory.write_text(json.dumps(entry, ensure_ascii=False) + "\n", encoding="utf-8")
        assert project.run("build").code == 0
        page = (project.dist / "structured.zh-Hans_en.html").read_text(encoding="utf-8")
        assert (
            '<span class="s" data-id="p011.s01">The first item is about '
            '<a href="https://example.com/embodied">embodied intelligence</a>.</span>'
        ) in page
        items = json.loads((project.dist / "structured.qa.json").read_text(encoding="utf-8"))
        edited = [i for i in items if i["id"] == "p011.s01"]
        assert not [i for i in edited if i["check"].startswith("formatting")]
        markdown = (project.dist / "structured.zh-Hant_en.md").read_text(encoding="utf-8")
        assert "[embodied intelligence](https://example.com/embodied)" in markdown
    finally:  # the module's other tests see the project as built, without this memory
        if before is None:
            memory.unlink(missing_ok=True)
        else:
            memory.write_bytes(before)
        assert project.run("build").code == 0


def test_outputs_setting_and_flag_pick_what_a_build_writes(published, tmp_path):
    root = published.root
    (root / "bilingual.toml").write_text('outputs = ["html", "epub"]\ndist = "web"\n')
    try:
        assert published.run("build").code == 0
        written = {p.suffix for p in (root / "web").iterdir() if p.is_file()}
        assert written == {".html", ".epub"} and not (root / "web" / "structured.assets").exists()
        assert published.run("build", "--outputs", "md", "--dist", "md-only").code == 0
        md_only = root / "md-only"
        assert {p.suffix for p in md_only.iterdir() if p.is_file()} == {".md"}
        assert (md_only / "structured.assets" / "chart.png").exists()
        bad = published.run("build", "--outputs", "rtf")
        assert (
            bad.code == 2
            and "unknown output 'rtf'; choose from docx, md, html, epub, pdf, qa" in bad.err
        )
    finally:
        (root / "bilingual.toml").unlink()
