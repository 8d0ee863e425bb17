"""`bilingual build` end to end with a real generated Argos package: every file, every row."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import docx
import opencc
from docx.oxml.ns import qn

from conftest import Project

NAME = "zhou-hongyi-on-sora"
FILES = [
    f"{NAME}.zh-Hans_en.docx",
    f"{NAME}.zh-Hans_en.md",
    f"{NAME}.zh-Hant_en.docx",
    f"{NAME}.zh-Hant_en.md",
    f"{NAME}.qa.json",
]
READERS_FILES = [
    f"{NAME}.zh-Hans_en.html",
    f"{NAME}.zh-Hant_en.html",
    f"{NAME}.zh-Hans_en.epub",
    f"{NAME}.zh-Hant_en.epub",
]


def segments_of(project: Project) -> list[dict]:
    result = project.run("segment", f"seeds/{NAME}.txt", "--glossary", "glossary", "--json")
    return json.loads(result.out)["segments"]


def table_rows(path) -> list[list[str]]:
    """Each row's cells' text; the ID cell's first paragraph (the row's kind is under it)."""
    return [
        [row.cells[0].paragraphs[0].text] + [c.text for c in row.cells[1:]]
        for row in docx.Document(str(path)).tables[0].rows
    ]


def unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def markdown_blocks(path) -> list[str]:
    return [unescape(b) for b in path.read_text(encoding="utf-8").strip().split("\n\n")]


def test_build_writes_aligned_editions(project):
    result = project.run("build")
    assert result.code == 0, result.err
    assert sorted(p.name for p in project.dist.iterdir()) == sorted(FILES + READERS_FILES)
    segments = segments_of(project)
    convert = opencc.OpenCC("s2twp.json").convert

    simplified = table_rows(project.dist / FILES[0])
    traditional = table_rows(project.dist / FILES[2])
    assert simplified[0] == ["ID", "简体中文", "English", "Notes"]
    assert traditional[0] == ["ID", "繁體中文", "English", "Notes"]
    assert len(simplified) == len(traditional) == len(segments) + 1
    for segment, row_s, row_t in zip(segments, simplified[1:], traditional[1:], strict=True):
        assert row_s[0] == row_t[0] == segment["id"]
        assert row_s[1] == segment["source"].strip()
        if segment["terms"]:
            for term in segment["terms"]:
                assert term["zh"] not in row_t[1] or term["zh"] == convert(term["zh"])
        else:
            assert row_t[1] == convert(segment["source"]).strip()
        assert row_s[2] == row_t[2]  # one English for both editions
        assert row_s[2].strip(), f"{segment['id']} has no English"
        assert row_s[3].split("\n")[0] in ("machine", "machine, needs review", "copied")
    # The glossary's Traditional forms win over OpenCC.
    assert any("巨大衝擊力" in row[1] for row in traditional)
    assert not any("沖擊力" in row[1] for row in traditional)
    assert any("輝達" in row[1] for row in traditional) and any(
        "具身智慧" in row[1] for row in traditional
    )


def test_markdown_is_the_article_in_order_with_english_after_each_paragraph(project):
    assert project.run("build").code == 0
    segments = segments_of(project)
    rows = table_rows(project.dist / FILES[0])[1:]
    english_of = {row[0]: row[2] for row in rows}
    paragraphs: dict[int, list[dict]] = {}
    for segment in segments:
        paragraphs.setdefault(segment["paragraph"], []).append(segment)
    expected = []
    for index, group in paragraphs.items():
        chinese = "".join(s["source"] for s in group)
        english = " ".join(english_of[s["id"]] for s in group)
        if index == 0:  # the heading once, its English an emphasised line under it
            expected += [f"# {chinese}", f"_{english}_"]
        else:  # a text the same in both languages ("- 0000") once
            expected += [chinese] if english == chinese else [chinese, english]
    assert markdown_blocks(project.dist / FILES[1]) == expected
    hant = markdown_blocks(project.dist / FILES[3])
    assert len(hant) == len(expected) and hant[1::2] == expected[1::2]
    assert "周鴻禕" in hant[0]
    for block in markdown_blocks(project.dist / FILES[1]):
        assert "needs review" not in block and "p001.s01" not in block


def test_docx_marks_chinese_for_word_and_names_source_and_model(project):
    assert project.run("build").code == 0
    for file, lang, font in (
        (FILES[0], "zh-CN", "Microsoft YaHei"),
        (FILES[2], "zh-TW", "Microsoft JhengHei"),
    ):
        document = docx.Document(str(project.dist / file))
        run = document.tables[0].rows[1].cells[1].paragraphs[0].runs[0]._r
        assert run.rPr.rFonts.get(qn("w:eastAsia")) == font
        assert run.rPr.find(qn("w:lang")).get(qn("w:eastAsia")) == lang
        props = document.core_properties
        assert f"Source: {NAME}.txt (utf-8)" in props.comments  # its name: the same from any folder
        assert "translate-zh_en 1.9" in props.comments
        assert props.identifier.startswith(f"bilingual:{NAME}:")


def test_qa_report_lists_what_a_reviewer_should_see(project):
    assert project.run("build").code == 0
    items = json.loads((project.dist / FILES[4]).read_text(encoding="utf-8"))
    ids = {s["id"] for s in segments_of(project)}
    assert isinstance(items, list) and all(item["id"] in ids for item in items)
    variants = [i for i in items if i["check"] == "variant-replaced"]
    assert {re.search(r'had "([^"]+)"', i["message"])[1] for i in variants} == {
        "OpenAl",
        "OpenA!",
        "Open Al",
    }
    assert len(variants) == 6
    # Random weights cannot keep terms: each miss is reported, with the term and its English.
    assert any(i["check"] == "term-missing" and "具身智能" in i["message"] for i in items)


def test_qa_report_is_an_empty_list_when_nothing_is_wrong(project):
    for path in (project.root / "seeds").iterdir():
        path.unlink()
    (project.root / "seeds" / "numbers.txt").write_text("2024\n- 0000\n", encoding="utf-8")
    assert project.run("build").code == 0
    assert json.loads((project.dist / "numbers.qa.json").read_text()) == []


def test_rebuild_with_no_change_translates_nothing_and_never_loads_the_model(project, tmp_path):
    first = json.loads(project.run("build", "--json").out)
    counts = first["documents"][NAME]
    assert counts["translated"] > 0 and counts["cache"] == 0
    # Break the model: a rebuild that loaded it would fail.
    packages = tmp_path / "broken-packages"
    shutil.copytree(project.env["ARGOS_PACKAGES_DIR"], packages)
    for model in packages.glob("*/model/model.bin"):
        model.write_bytes(b"not a model")
    project.env["ARGOS_PACKAGES_DIR"] = str(packages)
    before = {p.name: p.read_bytes() for p in project.dist.iterdir() if p.suffix != ".docx"}
    again = project.run("build", "--json")
    assert again.code == 0, again.err
    report = json.loads(again.out)
    assert report["documents"][NAME]["translated"] == 0
    assert report["documents"][NAME]["cache"] == counts["translated"]
    assert set(report["seconds"]) >= {"read", "translate", "traditional", "qa", "write"}
    assert {p.name: p.read_bytes() for p in project.dist.iterdir() if p.suffix != ".docx"} == before


def test_a_broken_installed_model_is_named_with_what_to_do(project, tmp_path):
    packages = tmp_path / "broken-packages"
    shutil.copytree(project.env["ARGOS_PACKAGES_DIR"], packages)
    for model in packages.glob("*/model/model.bin"):
        model.write_bytes(model.read_bytes()[:1000])
    project.env["ARGOS_PACKAGES_DIR"] = str(packages)
    result = project.run("build")
    assert result.code == 3
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "cannot load the model on cpu" in lines[0]
    assert "bilingual models install" in lines[0] and "Traceback" not in result.err
    assert not project.dist.exists()


def test_flags_and_config_file_override_defaults(project):
    (project.root / "bilingual.toml").write_text('dist = "out"\ntraditional = "s2hk"\n')
    assert project.run("build").code == 0
    rows = table_rows(project.root / "out" / FILES[2])
    assert any("軟件" in r[1] or "視頻" in r[1] for r in rows)  # Hong Kong forms
    assert project.run("build", "--dist", "elsewhere").code == 0
    assert (project.root / "elsewhere" / FILES[0]).exists()
    (project.root / "bilingual.toml").write_text('colour = "red"\n')
    bad = project.run("build")
    assert bad.code == 2 and "bilingual.toml: unknown setting 'colour'" in bad.err


def test_strict_exits_1_on_qa_warnings(project):
    assert project.run("build", "--strict").code == 1


def test_progress_bar_only_on_a_terminal(project):
    quiet = project.run("build", "--threads", "1")
    assert "translating" not in quiet.err and "\r" not in quiet.err
    shutil.rmtree(project.root / ".bilingual")
    leader, follower = os.openpty()
    proc = subprocess.run(
        [sys.executable, "-m", "bilingual", "build"],
        cwd=project.root,
        env=project.env,
        stdout=subprocess.PIPE,
        stderr=follower,
        timeout=300,
    )
    os.close(follower)
    chunks = []
    try:
        while chunk := os.read(leader, 65536):
            chunks.append(chunk)
    except OSError:
        pass
    os.close(leader)
    assert proc.returncode == 0
    assert "translating" in b"".join(chunks).decode("utf-8", "replace")


def test_help_is_instant_because_heavy_imports_are_lazy(project):
    code = (
        "import sys, bilingual.cli\n"
        "bilingual.cli.parser()\n"
        "heavy = {'ctranslate2', 'docx', 'opencc', 'argostranslate', 'yaml', 'numpy',\n"
        "         'markdown_it', 'ebooklib', 'lxml'}\n"
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
