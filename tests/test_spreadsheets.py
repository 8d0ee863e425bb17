"""Term lists as Excel saves them: "CSV" on Chinese Windows (GB18030), "Unicode Text" (UTF-16
with tabs), "CSV UTF-8" (with a BOM), with headers in either language. What is said about the
file, what lands in the YAML and what the next build shows editors."""

from __future__ import annotations

import docx
import pytest
import yaml
from cat_files import NAME

from conftest import Project


def run(project: Project, *args: str, code: int = 0) -> str:
    result = project.run(*args)
    assert result.code == code, result.out + result.err
    assert "Traceback" not in result.err
    return result.out + result.err


def imported(project: Project, name: str) -> list[dict]:
    path = project.root / "glossary" / f"imported-{name}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["terms"]


def excel_csv(rows: list[list[str]], separator: str = ",") -> str:
    """Rows as Excel writes them: CRLF after every row, a field quoted only when it holds the
    separator, a quote or a line break (quotes doubled)."""

    def field(value: str) -> str:
        if any(c in value for c in (separator, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value

    return "".join(separator.join(field(v) for v in row) + "\r\n" for row in rows)


def test_chinese_excels_csv_in_gb18030_imports_and_reaches_the_editors(project):
    rows = [
        ["中文", "英文", "备注"],
        ["影视工业", "film and television industry", "影视行业的统称，含电影、电视剧"],
        ["预告片", "trailer", "电影预告片, 即 teaser"],
    ]
    (project.root / "术语.csv").write_bytes(excel_csv(rows).encode("gb18030"))
    out = run(project, "glossary", "import", "术语.csv")
    assert (
        "note: 术语.csv: read as GB18030 (Excel's CSV on Chinese Windows), separated by commas"
        in out
    )
    assert "2 added into glossary/imported-terms.yaml" in out
    terms = imported(project, "terms")
    assert terms[0] == {
        "zh": "影视工业",
        "en": "film and television industry",
        "note": "影视行业的统称，含电影、电视剧",
    }
    assert terms[1]["note"] == "电影预告片, 即 teaser"

    assert project.run("build").code == 0
    table = docx.Document(str(project.dist / f"{NAME}.zh-Hans_en.docx")).tables[0]
    notes = [r.cells[3].text for r in table.rows[1:] if "影视工业" in r.cells[1].text]
    assert notes and "glossary: 影视工业 = film and television industry: 影视行业的统称" in notes[0]


def test_excels_unicode_text_is_utf16_with_tabs(bare_project):
    rows = [
        ["Chinese (Simplified)", "English", "Chinese (Traditional)", "Comments"],
        ["扩散模型", "diffusion model", "擴散模型", 'the "noise" family, e.g. Sora'],
        ["文生视频", "text-to-video", "", ""],
    ]
    text = excel_csv(rows, "\t")
    (bare_project.root / "terms.txt").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    out = run(bare_project, "glossary", "import", "terms.txt")
    assert "terms.txt: read as UTF-16 (Excel's Unicode Text), separated by tabs" in out
    assert "1 added" in out and "1 already in the glossary" in out
    (term,) = imported(bare_project, "terms")
    assert term == {
        "zh": "扩散模型",
        "en": "diffusion model",
        "zh_hant": "擴散模型",
        "note": 'the "noise" family, e.g. Sora',
    }


@pytest.mark.parametrize(
    ("header", "encoding", "said"),
    [
        (["source", "target"], "utf-8", "UTF-8, separated by commas"),
        (["中文", "英文"], "utf-8-sig", "UTF-8 (with BOM), separated by commas"),
        (["简体中文", "English"], "utf-8-sig", "UTF-8 (with BOM)"),
        (["Chinese (Simplified)", "English"], "gb18030", "GB18030"),
        (["中文（简体）", "英语"], "utf-8", "UTF-8,"),
        (["ZH-CN", "EN-US"], "utf-16", "UTF-16"),
    ],
)
def test_header_names_in_either_language(bare_project, header, encoding, said):
    text = excel_csv([header, ["扩散模型", "diffusion model"]])
    (bare_project.root / "t.csv").write_bytes(text.encode(encoding))
    out = run(bare_project, "glossary", "import", "t.csv")
    assert f"t.csv: read as {said}" in out and "1 added" in out
    assert imported(bare_project, "t") == [{"zh": "扩散模型", "en": "diffusion model"}]


def test_unknown_headers_are_named_with_the_accepted_ones(bare_project):
    root = bare_project.root
    (root / "a.csv").write_text(excel_csv([["Chinese", "English"], ["扩散模型", "x"]]), "utf-8")
    result = bare_project.run("glossary", "import", "a.csv")
    assert result.code == 2 and len(result.err.strip().splitlines()) == 1
    assert result.err.strip() == (
        'bilingual: a.csv:1: the first row must name the columns (it has "Chinese", "English"); '
        "the Simplified Chinese column is named zh, source, 中文, 简体中文, Chinese (Simplified), "
        "Simplified Chinese, 中文(简体), 源语言 or 原文 (or a language code: zh-CN, zh-Hans)"
    )
    rows = [["中文", "英文", "领域", "Part of speech"], ["扩散模型", "diffusion model", "AI", "n"]]
    (root / "b.csv").write_text(excel_csv(rows), "utf-8")
    out = run(bare_project, "glossary", "import", "b.csv")
    assert "b.csv:1: columns '领域', 'Part of speech' ignored (columns read: zh: zh, source" in out
    assert "1 added" in out
