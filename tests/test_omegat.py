"""A real CAT tool: OmegaT (console mode) translates our XLIFF 1.2 from our TMX, and its target
file comes back through `bilingual import` by the usual rules. Skips without OmegaT."""

from __future__ import annotations

import shutil
from pathlib import Path

from cat_files import NAME, PROJECT, XLF, cat_edit, export, memory, omegat, target_of, units

from conftest import Project

EDIT = "Yesterday Zhou Hongyi, chairman of Qihoo 360, wrote on Weibo about OpenAI's Sora."
TRANSLATOR = "Zhou Hongyi said AI will not upend every industry so fast."
CHINESE_P004 = "周鸿祎表示,AI不一定那么快颠覆所有行业,但它能激发更多人的创作力。"

# What OmegaT keeps of a translator's work in the project: omegat/project_save.tmx.
PROJECT_SAVE = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="OmegaT" o-tmf="OmegaT TMX" adminlang="EN-US"
 datatype="plaintext" creationtoolversion="3.6.0" segtype="sentence" srclang="zh-CN"/><body>
<tu><tuv lang="zh-CN"><seg>{source}</seg></tuv><tuv lang="en-US"><seg>{target}</seg></tuv></tu>
</body></tmx>
"""


def omegat_project(root: Path, xliff: Path, tmx: Path) -> Path:
    folder = root / "omegat-project"
    for sub in ("source", "target", "tm/auto", "omegat", "glossary", "dictionary"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    (folder / "omegat.project").write_text(PROJECT, encoding="utf-8")
    shutil.copy(xliff, folder / "source" / xliff.name)
    shutil.copy(tmx, folder / "tm" / "auto" / tmx.name)
    return folder


def test_omegat_translates_our_xliff_from_our_memory_and_the_target_imports_back(
    project: Project, tmp_path
):
    assert project.run("build").code == 0
    cat_edit(project.root / export(project), project.root / "edit.xlf", {"p003.s01": EDIT})
    assert project.run("import", "edit.xlf").code == 0
    export(project, "--xliff-version", "1.2", "--targets", "source")
    assert "wrote tm/memory.tmx: 1 units" in project.run("tm", "export").out
    folder = omegat_project(project.root, project.root / XLF, project.root / "tm" / "memory.tmx")

    log = omegat(folder, tmp_path)
    assert "Loading TMX files" in log and "memory.tmx" in log
    stats = (folder / "omegat" / "project_stats.txt").read_text(encoding="utf-8")
    total = next(line.split() for line in stats.splitlines() if line.startswith("Total:"))
    assert total[1] == "48"  # every unit is a segment; notes and base data are not
    target = folder / "target" / f"{NAME}.zh-Hans_en.xlf"
    assert target_of(units(target)["p003.s01"]).text == EDIT  # from our memory
    before = (project.root / "tm" / "memory.jsonl").read_bytes()
    result = project.run("import", str(target))
    assert result.code == 0, result.err
    assert "0 edited, 48 unchanged, 0 refused, 0 conflicts" in result.out
    assert (project.root / "tm" / "memory.jsonl").read_bytes() == before

    # A translator's work in OmegaT comes back as an edit, by the usual rule.
    save = PROJECT_SAVE.format(source=CHINESE_P004, target=TRANSLATOR)
    (folder / "omegat" / "project_save.tmx").write_text(save, encoding="utf-8")
    omegat(folder, tmp_path)
    assert target_of(units(target)["p004.s01"]).text == TRANSLATOR
    result = project.run("import", str(target))
    assert result.code == 0, result.err
    assert "1 edited, 47 unchanged, 0 refused, 0 conflicts" in result.out
    assert memory(project)[CHINESE_P004]["english"] == TRANSLATOR
    assert project.run("build").code == 0
    assert TRANSLATOR in (project.dist / f"{NAME}.zh-Hant_en.md").read_text(encoding="utf-8")
