"""The glossary as TBX and CSV: out for CAT tools and spreadsheets, back in without touching the
existing YAML files, conflicts reported instead of overwritten, and the result always valid."""

from __future__ import annotations

import csv
import io

from cat_files import omegat_part
from lxml import etree

from conftest import Project

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def run(project: Project, *args: str, code: int = 0) -> str:
    result = project.run(*args)
    assert result.code == code, result.out + result.err
    assert "Traceback" not in result.err
    return result.out + result.err


def snapshot(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_tbx_export_keeps_every_field_and_reads_in_omegats_schema(bare_project, tmp_path):
    run(bare_project, "glossary", "export", "--format", "tbx")
    document = etree.parse(str(bare_project.root / "glossary.tbx"))
    entries = {}
    for entry in document.getroot().iter("termEntry"):
        sets = {s.get(XML_LANG): s for s in entry.iter("langSet")}
        terms = {
            lang: [(t.findtext("term"), t.findtext("termNote")) for t in s.iter("tig")]
            for lang, s in sets.items()
        }
        entries[terms["zh-Hans"][0][0]] = (terms, entry.findtext("note"))
    terms, note = entries["OpenAI"]
    assert terms["zh-Hans"] == [
        ("OpenAI", "preferredTerm-admn-sts"),
        ("OpenAl", "deprecatedTerm-admn-sts"),
        ("OpenA!", "deprecatedTerm-admn-sts"),
        ("Open Al", "deprecatedTerm-admn-sts"),
        ("Open AI", "deprecatedTerm-admn-sts"),
    ]
    assert note.startswith("OCR often reads")
    terms, _ = entries["英伟达"]
    assert terms["en"] == [("Nvidia", "preferredTerm-admn-sts")]
    assert terms["zh-Hant"] == [("輝達", None)]

    (tmp_path / "xml.xsd").write_bytes(omegat_part("schemas/xml.xsd"))
    xsd = etree.fromstring(omegat_part("schemas/tbx.xsd"))
    for imported in xsd.iter("{http://www.w3.org/2001/XMLSchema}import"):
        imported.set("schemaLocation", str(tmp_path / "xml.xsd"))
    schema = etree.XMLSchema(xsd)
    assert schema.validate(document), schema.error_log


def test_tbx_and_csv_round_trip_into_an_empty_glossary(bare_project):
    root = bare_project.root
    run(bare_project, "glossary", "export", "--format", "tbx", "--output", "g.tbx")
    run(bare_project, "glossary", "export", "--format", "csv", "--output", "g.csv")
    for name in ("g.tbx", "g.csv"):
        folder = root / f"fresh-{name}"
        folder.mkdir()
        out = run(bare_project, "glossary", "import", name, str(folder))
        assert f"34 added into {folder.name}/" not in out and "34 added into" in out
        assert "34 terms, 4 variants, checked against seeds, no problems" in run(
            bare_project, "glossary", "check", str(folder)
        )
        run(bare_project, "glossary", "export", "--format", "csv", "--output", f"{name}.csv",
            str(folder))  # fmt: skip
        assert (root / f"{name}.csv").read_bytes() == (root / "g.csv").read_bytes()


def test_import_into_the_glossary_never_edits_its_files(bare_project):
    root = bare_project.root
    before = snapshot(root / "glossary")
    rows = [
        ["zh-CN", "en-US", "zh-TW", "Variant", "Comment"],
        ["具身智能", "embodied intelligence", "", "", ""],  # already there: skipped
        ["英伟达", "NVIDIA Corporation", "", "", ""],  # different English: conflict
        ["OpenAl", "Open Al", "", "", ""],  # a variant of OpenAI: conflict
        ["扩散模型", "diffusion model", "擴散模型", "扩散型; OpenA!", "the model family"],
        ["", "orphan", "", "", ""],
    ]
    text = io.StringIO()
    csv.writer(text, delimiter=";").writerows(rows)
    (root / "team terms.csv").write_text(text.getvalue(), encoding="utf-8-sig")
    out = run(bare_project, "glossary", "import", "team terms.csv", code=2)
    assert "1 added into glossary/imported-team-terms.yaml, 1 already in the glossary" in out
    assert "2 conflicts, 1 skipped" in out
    assert "team terms.csv:3: 英伟达 = «NVIDIA Corporation»: the glossary has «Nvidia»" in out
    assert "team terms.csv:4: OpenAl = «Open Al»: it is a variant of OpenAI" in out
    assert "variant OpenA! of 扩散模型 is already a variant of OpenAI" in out
    after = snapshot(root / "glossary")
    assert {k: v for k, v in after.items() if k in before} == before
    new = (root / "glossary" / "imported-team-terms.yaml").read_text(encoding="utf-8")
    assert "zh: 扩散模型" in new and "variants:\n  - 扩散型" in new and "OpenA!" not in new
    assert "35 terms, 5 variants, checked against seeds, no problems" in run(
        bare_project, "glossary", "check"
    )
    # Again: nothing new, so nothing written; the conflicts are reported again.
    out = run(bare_project, "glossary", "import", "team terms.csv", code=2)
    assert "0 added, 2 already in the glossary, 2 conflicts" in out
    assert snapshot(root / "glossary") == after


def test_a_bad_row_is_skipped_by_its_own_row_and_the_rest_imports(bare_project):
    root = bare_project.root
    rows = [
        ["zh", "en", "zh_hant", "variants", "note"],
        ["360", "Qihoo 360", "", "", ""],  # no letter: would match the number everywhere
        ["具身性", "embodiment", "", "具身; 具身特性", ""],  # 具身 is inside 具身智能 (and 具身性)
        ["Open AI Lab", "Open AI Lab", "", "", ""],  # OpenAI's variant Open AI would rewrite it
        ["扩散模型", "diffusion model", "", "。", ""],  # a variant with no letter
        ["英伟达\u200b", "NVIDIA Corp", "", "", ""],  # invisible: 英伟达 is in the glossary
    ]
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    (root / "t.csv").write_text(text.getvalue(), encoding="utf-8")
    out = run(bare_project, "glossary", "import", "t.csv", code=2)
    assert "t.csv:2: term '360' has no letter or Han character" in out
    assert (
        "t.csv:3: variant '具身' of '具身性' occurs inside the term '具身智能', which it would "
        "rewrite; the term is imported without it"
    ) in out
    assert "t.csv:4: variant 'Open AI' of 'OpenAI' occurs inside the term 'Open AI Lab'" in out
    assert "t.csv:5: variant '。' has no letter or Han character" in out
    assert "t.csv:6: 英伟达 = «NVIDIA Corp»: the glossary has «Nvidia»" in out
    assert "2 added into glossary/imported-t.yaml, 0 already in the glossary" in out
    assert "1 conflicts, 2 skipped" in out and ".check" not in out
    new = (root / "glossary" / "imported-t.yaml").read_text(encoding="utf-8")
    assert "zh: 具身性" in new and "- 具身特性" in new and "- 具身\n" not in new
    assert "zh: 扩散模型" in new and "360" not in new and "Open AI Lab" not in new
    assert "no problems" in run(bare_project, "glossary", "check")


def test_tbx_v3_and_multiterm_style_entries(bare_project):
    tbx3 = """<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
<tbxHeader><fileDesc><sourceDesc><p>other tool</p></sourceDesc></fileDesc></tbxHeader>
<text><body>
<conceptEntry id="c1"><descrip type="definition">a learned policy</descrip>
  <langSec xml:lang="ZH-CN">
    <termSec><term>策略网络</term><termNote type="administrativeStatus">admittedTerm-admn-sts</termNote></termSec>
    <termSec><term>政策网络</term><termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec>
  </langSec>
  <langSec xml:lang="en-GB"><termSec><term>policy network</term></termSec></langSec>
  <langSec xml:lang="zh-TW"><termSec><term>政策網路</term></termSec></langSec>
</conceptEntry>
<conceptEntry id="c2"><langSec xml:lang="fr"><termSec><term>réseau</term></termSec></langSec></conceptEntry>
</body></text></tbx>"""  # noqa: E501
    (bare_project.root / "other.tbx").write_text(tbx3, encoding="utf-8")
    out = run(bare_project, "glossary", "import", "other.tbx")
    assert "1 added" in out and "1 skipped" in out and "no Simplified Chinese term" in out
    text = (bare_project.root / "glossary" / "imported-other.yaml").read_text(encoding="utf-8")
    # An admitted synonym is no variant (the sources keep it); a concept's definition is in the
    # file's language.
    assert "zh: 政策网络\n  en: policy network\n  zh_hant: 政策網路\n  definitions:\n" in text
    assert "    en: a learned policy\n  note: 'other Chinese terms: 策略网络 (admitted)'" in text
    assert "variants" not in text


def test_bad_termbases_get_one_clear_line(bare_project):
    root = bare_project.root
    (root / "a.tbx").write_text("zh,en\n具身智能,x\n", encoding="utf-8")
    (root / "b.csv").write_text("chinese,english\n具身智能,x\n", encoding="utf-8")
    (root / "c.csv").write_bytes("zh,en\n具身智能,x\n".encode("gb18030") + b"\xff\xfe,x\n")
    (root / "d.xlsx").write_bytes(b"PK")
    expected = {
        "a.tbx": "a.tbx:1: not XML",
        "b.csv": 'b.csv:1: the first row must name the columns (it has "chinese", "english"); '
        "the Simplified Chinese column is named zh, source, 中文, 简体中文, Chinese (Simplified)",
        "c.csv": "c.csv:3: neither UTF-8, UTF-16 nor GB18030 (byte 17)",
        "d.xlsx": "d.xlsx: not a termbase bilingual can import (.tbx or .csv files are)",
    }
    for name, message in expected.items():
        result = bare_project.run("glossary", "import", name)
        assert result.code == 2 and "Traceback" not in result.err
        assert result.err.strip() == f"bilingual: {message}" or message in result.err
        assert len(result.err.strip().splitlines()) == 1
