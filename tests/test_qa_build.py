"""QA in a real build: qa.json for filtering, checks switched off in bilingual.toml, notes in the
zh-Hant edition's script, and the README listing every check."""

from __future__ import annotations

import json
import re

import docx

from bilingual.stages.qa import CHECKS
from conftest import REPO, Project

NAME = "zhou-hongyi-on-sora"


def qa_items(project: Project) -> list[dict]:
    return json.loads((project.dist / f"{NAME}.qa.json").read_text(encoding="utf-8"))


def notes_column(project: Project, edition: str) -> list[str]:
    table = docx.Document(str(project.dist / f"{NAME}.{edition}_en.docx")).tables[0]
    return [row.cells[3].text for row in table.rows[1:]]


def test_every_qa_item_names_its_check_and_severity(project):
    assert project.run("build").code == 0
    items = qa_items(project)
    assert items and all(i["severity"] == CHECKS[i["check"]].info.severity.value for i in items)
    assert {"id", "check", "severity", "message", "source", "english"} <= set(items[0])


def test_checks_are_switched_off_in_bilingual_toml(project):
    assert project.run("build").code == 0
    assert {"untranslated", "length-ratio"} & {i["check"] for i in qa_items(project)}
    (project.root / "bilingual.toml").write_text('qa_off = ["untranslated", "length-ratio"]\n')
    assert project.run("build").code == 0
    assert not {"untranslated", "length-ratio"} & {i["check"] for i in qa_items(project)}
    (project.root / "bilingual.toml").write_text('qa_off = ["spelling"]\n')
    bad = project.run("build")
    assert bad.code == 2 and "unknown QA check 'spelling'" in bad.err
    assert len(bad.err.strip().splitlines()) == 1


def test_the_zh_hant_edition_names_terms_and_quotes_chinese_in_traditional(project):
    assert project.run("build").code == 0
    hans, hant = notes_column(project, "zh-Hans"), notes_column(project, "zh-Hant")
    # The test model's English drops terms, so the rows carry term-missing flags.
    assert any('glossary: 周鸿祎 should read "Zhou Hongyi"' in n for n in hans)
    assert any('glossary: 周鴻禕 should read "Zhou Hongyi"' in n for n in hant)
    assert any("glossary: 提示詞 should read" in n for n in hant)
    assert any("glossary: 周鴻禕 = Zhou Hongyi: founder and chairman" in n for n in hant)
    assert not any(re.search("周鸿祎|提示词|具身智能", n) for n in hant)


def test_the_readme_documents_every_check_with_its_severity():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## QA", 1)[1].split("\n## ", 1)[0]
    for name, entry in CHECKS.items():
        row = next((line for line in section.splitlines() if f"`{name}`" in line), "")
        assert entry.info.severity.value in row, f"README's QA table lacks {name}"
    assert "qa_off" in section


NOTES_SOURCE = """\
# 新能源车的发展报告

这份报告讨论了[产业发展](https://example.com/report)的问题。

新能原车今年的销量增长了三万辆。
"""
NOTES_GLOSSARY = """\
terms:
  - zh: 新能源车
    en: new energy vehicle
    variants: [新能原车]
    note: 指电动汽车和混合动力汽车
"""


def test_the_zh_hant_notes_are_traditional_whatever_wrote_them(project):
    """Every source of a Notes line that quotes Chinese: QA's flags (a number, a variant read as
    a term), the formatting stage's, the glossary's note and an editor's note."""
    import opencc

    from bilingual.document.characters import has_chinese

    for path in (project.root / "seeds").iterdir():
        path.unlink()
    (project.root / "seeds" / "notes.md").write_text(NOTES_SOURCE, encoding="utf-8")
    (project.root / "glossary" / "vehicles.yaml").write_text(NOTES_GLOSSARY, encoding="utf-8")
    (project.root / "tm").mkdir()
    editor_note = {
        "source": "这份报告讨论了产业发展的问题。",
        "english": None,
        "id": "p003.s01",
        "origin": "an editor",
        "time": "2026-12-01T00:00:00+00:00",
        "notes": ["请核对这个链接"],
    }
    (project.root / "tm" / "memory.jsonl").write_text(
        json.dumps(editor_note, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    result = project.run("build")
    assert result.code == 0, result.err

    def notes(code: str) -> str:
        table = docx.Document(str(project.dist / f"notes.{code}_en.docx")).tables[0]
        return "\n".join(row.cells[3].text for row in table.rows[1:])

    hans, hant = notes("zh-Hans"), notes("zh-Hant")
    quoted = {  # Simplified as the zh-Hans edition quotes it, Traditional as zh-Hant should
        "产业发展": "產業發展",  # formatting not carried: the link's text
        "新能原车": "新能原車",  # QA: the variant read as the term
        "三万辆": "三萬輛",  # QA: the number the English lacks
        "指电动汽车和混合动力汽车": "指電動汽車和混合動力汽車",  # the glossary's note
        "请核对这个链接": "請核對這個連結",  # the editor's note
    }
    for simplified, traditional in quoted.items():
        assert simplified in hans, simplified
        assert traditional in hant, (traditional, hant)
    to_traditional = opencc.OpenCC("s2twp.json").convert
    simplified_only = {c for c in hant if has_chinese(c) and to_traditional(c) != c}
    assert not simplified_only, (simplified_only, hant)
