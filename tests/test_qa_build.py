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
