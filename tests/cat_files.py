"""Helpers for the CAT-tool tests: edit an XLIFF as a CAT tool would, read the outputs back,
and find the official schemas that Debian packages ship (tests skip without them)."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from conftest import Project

NAME = "zhou-hongyi-on-sora"
XLF = f"dist/{NAME}.zh-Hans_en.xlf"
X2 = "urn:oasis:names:tc:xliff:document:2.0"
X12 = "urn:oasis:names:tc:xliff:document:1.2"

# php-symfony-translation ships the OASIS XLIFF 1.2 (strict) and 2.0 core schemas; XLIFF 2.1
# keeps the 2.0 core namespace and core schema. OmegaT's jar ships the TMX 1.4 DTD and the
# TBX (martif) schema it reads glossaries with.
SYMFONY_SCHEMAS = Path("/usr/share/php/Symfony/Component/Translation/Resources/schemas")
OMEGAT_JAR = Path("/usr/share/omegat/OmegaT.jar")


def export(project: Project, *args: str) -> Path:
    result = project.run("export", "xliff", *args)
    assert result.code == 0, result.err
    return project.root / XLF


def units(path: Path) -> dict[str, etree._Element]:
    """Unit elements (2.x <unit>, 1.2 <trans-unit>) by id."""
    root = etree.parse(str(path)).getroot()
    found = root.iter(f"{{{X2}}}unit", f"{{{X12}}}trans-unit")
    return {u.get("id"): u for u in found}


def target_of(unit: etree._Element) -> etree._Element:
    """The unit's own target (not a translation candidate's: 2.x mtc:match, 1.2 alt-trans)."""
    candidates = (f"{{{X12}}}alt-trans", "{urn:oasis:names:tc:xliff:matches:2.0}match")
    return next(
        t for t in unit.iter(f"{{{X2}}}target", f"{{{X12}}}target")
        if t.getparent().tag not in candidates
    )  # fmt: skip


def cat_edit(path: Path, out: Path, edits: dict[str, str]) -> Path:
    """Replace targets by XML fragments (inline markup allowed), as a CAT tool saves them."""
    tree = etree.parse(str(path))
    root = tree.getroot()
    ns = root.nsmap[None]
    by_id = {u.get("id"): u for u in root.iter(f"{{{X2}}}unit", f"{{{X12}}}trans-unit")}
    for unit_id, fragment in edits.items():
        target = target_of(by_id[unit_id])
        new = etree.fromstring(f'<target xmlns="{ns}">{fragment}</target>')
        target.text = new.text
        for child in list(target):
            target.remove(child)
        for child in new:
            target.append(child)
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    return out


def docx_english(project: Project, code: str) -> dict[str, str]:
    table = docx.Document(str(project.dist / f"{NAME}.{code}_en.docx")).tables[0]
    return {row.cells[0].paragraphs[0].text: row.cells[2].text for row in table.rows[1:]}


def memory(project: Project) -> dict[str, dict]:
    path = project.root / "tm" / "memory.jsonl"
    if not path.exists():
        return {}
    lines = path.read_text(encoding="utf-8").splitlines()
    return {e["source"]: e for e in map(json.loads, lines)}


def xliff_schema(version: str) -> etree.XMLSchema:
    name = "xliff-core-1.2-strict.xsd" if version == "1.2" else "xliff-core-2.0.xsd"
    if not (SYMFONY_SCHEMAS / name).is_file():
        pytest.skip(
            "the OASIS XLIFF schemas are not installed: apt-get install php-symfony-translation"
        )
    document = etree.parse(str(SYMFONY_SCHEMAS / name))
    for imported in document.getroot().iter("{http://www.w3.org/2001/XMLSchema}import"):
        if imported.get("namespace") == "http://www.w3.org/XML/1998/namespace":
            imported.set("schemaLocation", str(SYMFONY_SCHEMAS / "xml.xsd"))
    return etree.XMLSchema(document)


def omegat_part(name: str) -> bytes:
    if not OMEGAT_JAR.is_file():
        pytest.skip("OmegaT is not installed: apt-get install omegat")
    with zipfile.ZipFile(OMEGAT_JAR) as jar:
        return jar.read(name)


# An OmegaT project (omegat.project) translating Simplified Chinese into English, by paragraph.
PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<omegat><project version="1.0">
  <source_dir>__DEFAULT__</source_dir><source_dir_excludes/><target_dir>__DEFAULT__</target_dir>
  <tm_dir>__DEFAULT__</tm_dir><glossary_dir>__DEFAULT__</glossary_dir>
  <glossary_file>__DEFAULT__</glossary_file><dictionary_dir>__DEFAULT__</dictionary_dir>
  <source_lang>zh-CN</source_lang><target_lang>en-US</target_lang>
  <source_tok>org.omegat.tokenizer.LuceneSmartChineseTokenizer</source_tok>
  <target_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</target_tok>
  <sentence_seg>false</sentence_seg><support_default_translations>true</support_default_translations>
  <remove_tags>false</remove_tags>
</project></omegat>
"""


def omegat(folder: Path, work: Path) -> str:
    """Run OmegaT's console translation on project ``folder``; its log."""
    java = shutil.which("java")
    if not OMEGAT_JAR.is_file() or java is None:
        pytest.skip("OmegaT is not installed: apt-get install omegat")
    result = subprocess.run(
        [
            java,
            "-Djava.awt.headless=true",
            "-jar",
            str(OMEGAT_JAR),
            str(folder),
            "--mode=console-translate",
            f"--config-dir={work / 'config'}",
            "--disable-project-locking",
            "--no-team",
        ],
        env={"HOME": str(work / "home"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    assert "Error:" not in log, log  # OmegaT exits 0 even when a TMX fails to load
    return log
