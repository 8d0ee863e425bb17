"""Termbases as tools write them: TBX-Basic (2008), TBX v3 in the DCT and DCA styles, IATE and
XTM exports, read for their statuses in every spelling. What lands in the YAML, what
`glossary import` says about each Chinese synonym, and what the next build does with it: the
author's Chinese is published as written, a forbidden English is flagged by QA."""

from __future__ import annotations

import json

import docx
import yaml
from cat_files import NAME, omegat_part
from lxml import etree

from conftest import Project


def run(project: Project, *args: str, code: int = 0) -> str:
    result = project.run(*args)
    assert result.code == code, result.out + result.err
    assert "Traceback" not in result.err
    return result.out + result.err


def imported(folder, name: str) -> dict[str, dict]:
    data = yaml.safe_load((folder / f"imported-{name}.yaml").read_text(encoding="utf-8"))
    return {term["zh"]: term for term in data["terms"]}


def rows(project: Project) -> dict[str, tuple[str, str]]:
    """The zh-Hans DOCX rows: ID -> (Chinese, English)."""
    table = docx.Document(str(project.dist / f"{NAME}.zh-Hans_en.docx")).tables[0]
    return {r.cells[0].text: (r.cells[1].text, r.cells[2].text) for r in table.rows[1:]}


# TBX-Basic 2008 as termbase tools export it (martif, termEntry/langSet/tig, termNote
# administrativeStatus, descrip subjectField/definition). The termbase prefers 影视业 and
# 物理定律 and admits the author's 影视工业 and 物理规律; it deprecates two English terms.
TBX_BASIC = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">
<martif type="TBX-Basic" xml:lang="en-US">
  <martifHeader>
    <fileDesc><sourceDesc><p>Media terms, exported from the company termbase</p></sourceDesc></fileDesc>
    <encodingDesc><p type="XCSURI">TBXBasicXCSV02.xcs</p></encodingDesc>
  </martifHeader>
  <text>
    <body>
      <termEntry id="c101">
        <descrip type="subjectField">media</descrip>
        <langSet xml:lang="zh-CN">
          <descrip type="definition">电影和电视节目的制作与发行行业</descrip>
          <tig>
            <term>影视业</term>
            <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
            <termNote type="partOfSpeech">noun</termNote>
          </tig>
          <tig>
            <term>影视工业</term>
            <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote>
          </tig>
        </langSet>
        <langSet xml:lang="en-US">
          <descrip type="definition">the business of making and distributing films and television programmes</descrip>
          <tig>
            <term>movie industry</term>
            <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote>
          </tig>
          <tig>
            <term>film and television industry</term>
            <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
            <termNote type="partOfSpeech">noun</termNote>
          </tig>
        </langSet>
      </termEntry>
      <termEntry id="c102">
        <langSet xml:lang="zh-CN">
          <tig>
            <term>物理规律</term>
            <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote>
          </tig>
          <tig>
            <term>物理定律</term>
            <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
          </tig>
        </langSet>
        <langSet xml:lang="en-US">
          <tig>
            <term>physical laws</term>
            <termNote type="administrativeStatus">supersededTerm-admn-sts</termNote>
          </tig>
          <tig>
            <term>laws of physics</term>
            <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
          </tig>
        </langSet>
      </termEntry>
    </body>
  </text>
</martif>
"""  # noqa: E501


def test_tbx_basic_keeps_the_authors_chinese_and_flags_a_deprecated_english(project):
    (project.root / "media.tbx").write_text(TBX_BASIC, encoding="utf-8")
    out = run(project, "glossary", "import", "media.tbx")
    assert "2 added into glossary/imported-media.yaml" in out
    assert (
        "media.tbx:10: 影视工业 (admitted Chinese term of 影视业): kept in the note, not as a "
        "variant, so sources keep it (--chinese-synonyms variants would make it one)"
    ) in out
    assert "物理规律 (admitted Chinese term of 物理定律): kept in the note" in out
    terms = imported(project.root / "glossary", "media")
    assert terms["影视业"] == {
        "zh": "影视业",
        "en": "film and television industry",
        "do_not_use": ["movie industry"],
        "part_of_speech": "noun",
        "subject": "media",
        "definitions": {
            "en": "the business of making and distributing films and television programmes",
            "zh": "电影和电视节目的制作与发行行业",
        },
        "note": "other Chinese terms: 影视工业 (admitted)",
    }
    assert terms["物理定律"]["en"] == "laws of physics"
    assert terms["物理定律"]["do_not_use"] == ["physical laws"]
    assert "variants" not in terms["物理定律"] and "variants" not in terms["影视业"]
    assert "no problems" in run(project, "glossary", "check")

    # The next build publishes the author's Chinese as written.
    assert project.run("build").code == 0
    chinese = (project.dist / f"{NAME}.zh-Hans_en.md").read_text(encoding="utf-8")
    assert "对影视工业的打击" in chinese and "自然世界和物理规律" in chinese
    assert "影视业的打击" not in chinese and "物理定律,实际" not in chinese

    # An editor's English that uses the superseded term is flagged, not silently kept.
    (row,) = [i for i, (zh, _) in rows(project).items() if "适用物理定律" in zh]
    zh = rows(project)[row][0]
    english = "Text-to-image and text-to-video tools apply no physical laws."
    tmx = (
        '<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header srclang="zh-CN" '
        'creationtool="x" segtype="sentence" o-tmf="x" adminlang="en" datatype="plaintext"/>'
        f'<body><tu><tuv xml:lang="zh-CN"><seg>{zh}</seg></tuv>'
        f'<tuv xml:lang="en-US"><seg>{english}</seg></tuv></tu></body></tmx>'
    )
    (project.root / "editor.tmx").write_text(tmx, encoding="utf-8")
    assert "1 taken" in run(project, "tm", "import", "editor.tmx")
    assert project.run("build").code == 0
    assert rows(project)[row][1] == english
    report = json.loads((project.dist / f"{NAME}.qa.json").read_text(encoding="utf-8"))
    found = [f for f in report if f["id"] == row and f["check"] == "term-do-not-use"]
    assert [f["message"] for f in found] == [
        'glossary: 物理定律 should read "laws of physics", not "physical laws" (do not use)'
    ]


def test_chinese_synonyms_become_variants_only_when_asked(bare_project):
    (bare_project.root / "media.tbx").write_text(TBX_BASIC, encoding="utf-8")
    out = run(bare_project, "glossary", "import", "media.tbx", "--chinese-synonyms", "variants")
    assert (
        "影视工业 (admitted Chinese term of 影视业): a variant, as asked: the build replaces it "
        "with 影视业"
    ) in out
    terms = imported(bare_project.root / "glossary", "media")
    assert terms["影视业"]["variants"] == ["影视工业"] and "note" not in terms["影视业"]


# The same concepts in TBX v3, DCT style (data categories as elements of their modules'
# namespaces) and DCA style (the same as termNote/descrip types). English spellings differing
# only in case are one term; a Chinese spelling the file marks a misspelling is a variant.
DCT = """<?xml version="1.0" encoding="UTF-8"?>
<?xml-model href="https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCT/TBXcoreStructV03_TBX-Basic_integrated.rng" type="application/xml" schematypens="http://relaxng.org/ns/structure/1.0"?>
<tbx type="TBX-Basic" style="dct" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2"
     xmlns:basic="http://www.tbxinfo.net/ns/basic" xmlns:min="http://www.tbxinfo.net/ns/min">
  <tbxHeader><fileDesc><sourceDesc><p>AI terms</p></sourceDesc></fileDesc></tbxHeader>
  <text>
    <body>
      <conceptEntry id="c1">
        <min:subjectField>machine learning</min:subjectField>
        <langSec xml:lang="zh-Hans">
          <descripGrp><basic:definition>通过逆转加噪过程生成数据的模型</basic:definition></descripGrp>
          <termSec>
            <term>扩散模型</term>
            <basic:administrativeStatus>preferredTerm-admn-sts</basic:administrativeStatus>
          </termSec>
          <termSec>
            <term>扩散型</term>
            <basic:administrativeStatus>deprecatedTerm-admn-sts</basic:administrativeStatus>
            <note>misspelling in OCR output</note>
          </termSec>
        </langSec>
        <langSec xml:lang="en">
          <descripGrp><basic:definition>a generative model that reverses a noising process</basic:definition></descripGrp>
          <termSec>
            <term>dissemination model</term>
            <basic:administrativeStatus>deprecatedTerm-admn-sts</basic:administrativeStatus>
          </termSec>
          <termSec>
            <term>diffusion model</term>
            <basic:administrativeStatus>preferredTerm-admn-sts</basic:administrativeStatus>
            <min:partOfSpeech>noun</min:partOfSpeech>
          </termSec>
          <termSec>
            <term>Diffusion Model</term>
            <basic:administrativeStatus>admittedTerm-admn-sts</basic:administrativeStatus>
          </termSec>
          <termSec>
            <term>diffusion network</term>
            <basic:administrativeStatus>admittedTerm-admn-sts</basic:administrativeStatus>
          </termSec>
        </langSec>
      </conceptEntry>
      <conceptEntry id="c2">
        <langSec xml:lang="zh-CN">
          <termSec><term>英伟达</term></termSec>
        </langSec>
        <langSec xml:lang="en-US">
          <termSec>
            <term>NVIDIA</term>
            <basic:administrativeStatus>preferredTerm-admn-sts</basic:administrativeStatus>
          </termSec>
          <termSec>
            <term>NVIDIA Corp</term>
            <basic:administrativeStatus>supersededTerm-admn-sts</basic:administrativeStatus>
          </termSec>
        </langSec>
      </conceptEntry>
    </body>
  </text>
</tbx>
"""  # noqa: E501


def _dca(dct: str) -> str:
    """``dct`` in the DCA style: the same data categories as termNote / descrip types."""
    text = dct.replace('style="dct"', 'style="dca"')
    for name, element in (("administrativeStatus", "termNote"), ("partOfSpeech", "termNote"),
                          ("definition", "descrip"), ("subjectField", "descrip")):  # fmt: skip
        for prefix in ("basic", "min"):
            text = text.replace(f"<{prefix}:{name}>", f'<{element} type="{name}">')
            text = text.replace(f"</{prefix}:{name}>", f"</{element}>")
    assert "basic:" not in text.split("<body>")[1] and "min:" not in text.split("<body>")[1]
    return text


def test_tbx_v3_dct_and_dca_styles_read_alike(bare_project, tmp_path):
    root = bare_project.root
    (root / "ai-dct.tbx").write_text(DCT, encoding="utf-8")
    (root / "ai-dca.tbx").write_text(_dca(DCT), encoding="utf-8")
    for name in ("ai-dct", "ai-dca"):
        folder = root / name
        folder.mkdir()
        (folder / "nvidia.yaml").write_text("terms:\n  - zh: 英伟达\n    en: Nvidia\n", "utf-8")
        out = run(bare_project, "glossary", "import", f"{name}.tbx", str(folder))
        assert "1 added" in out and "1 already in the glossary, 0 conflicts" in out
        assert (
            "英伟达 = «NVIDIA»: the glossary has «Nvidia» (" in out
            and "the same term but for case; the glossary's is kept" in out
        )
        terms = imported(folder, name)
        assert terms == {
            "扩散模型": {
                "zh": "扩散模型",
                "en": "diffusion model",
                "variants": ["扩散型"],
                "en_admitted": ["diffusion network"],
                "do_not_use": ["dissemination model"],
                "part_of_speech": "noun",
                "subject": "machine learning",
                "definitions": {
                    "en": "a generative model that reverses a noising process",
                    "zh": "通过逆转加噪过程生成数据的模型",
                },
            }
        }, name
    # Our own TBX keeps all of it: exported and imported again, the same terms.
    run(bare_project, "glossary", "export", "--output", "again.tbx", str(root / "ai-dct"))
    fresh = root / "fresh"
    fresh.mkdir()
    run(bare_project, "glossary", "import", "again.tbx", str(fresh))
    assert imported(fresh, "again")["扩散模型"] == terms["扩散模型"]
    (tmp_path / "xml.xsd").write_bytes(omegat_part("schemas/xml.xsd"))
    xsd = etree.fromstring(omegat_part("schemas/tbx.xsd"))
    for schema_import in xsd.iter("{http://www.w3.org/2001/XMLSchema}import"):
        schema_import.set("schemaLocation", str(tmp_path / "xml.xsd"))
    schema = etree.XMLSchema(xsd)
    assert schema.validate(etree.parse(str(root / "again.tbx"))), schema.error_log


# IATE's export (TBX 2008: IATE ids, reliabilityCode 1-4 on each term, obsolete terms) and XTM's
# (ntig/termGrp, termNote "status" VALID / FORBIDDEN), each listing the worse English first.
IATE = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="en">
  <martifHeader><fileDesc><sourceDesc><p>IATE export</p></sourceDesc></fileDesc></martifHeader>
  <text><body>
    <termEntry id="IATE-3573410">
      <descripGrp><descrip type="subjectField">information technology and data processing</descrip></descripGrp>
      <langSet xml:lang="en">
        <tig><term>MLLM</term><termNote type="termType">abbreviation</termNote>
          <termNote type="administrativeStatus">obsoleteTerm-admn-sts</termNote>
          <descrip type="reliabilityCode">3</descrip></tig>
        <tig><term>multi-modal model</term><termNote type="termType">fullForm</termNote>
          <descrip type="reliabilityCode">1</descrip></tig>
        <tig><term>multimodal model</term><termNote type="termType">fullForm</termNote>
          <descrip type="reliabilityCode">3</descrip></tig>
      </langSet>
      <langSet xml:lang="zh">
        <tig><term>多模态模型</term><termNote type="termType">fullForm</termNote>
          <descrip type="reliabilityCode">3</descrip></tig>
      </langSet>
    </termEntry>
  </body></text>
</martif>
"""  # noqa: E501

XTM = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en-US">
  <martifHeader><fileDesc><sourceDesc><p>XTM Cloud terminology export</p></sourceDesc></fileDesc></martifHeader>
  <text><body>
    <termEntry id="4711">
      <langSet xml:lang="en-US">
        <ntig><termGrp><term>T2V model</term><termNote type="status">FORBIDDEN</termNote></termGrp></ntig>
        <ntig><termGrp><term>text-to-video model</term><termNote type="status">VALID</termNote></termGrp></ntig>
      </langSet>
      <langSet xml:lang="zh-CN">
        <ntig><termGrp><term>文字转视频模型</term><termNote type="status">VALID</termNote></termGrp></ntig>
        <ntig><termGrp><term>文转视频模型</term><termNote type="status">REJECTED</termNote></termGrp></ntig>
      </langSet>
    </termEntry>
    <termEntry id="4712">
      <langSet xml:lang="en-US">
        <ntig><termGrp><term>AI film</term><termNote type="status">FORBIDDEN</termNote></termGrp></ntig>
      </langSet>
      <langSet xml:lang="zh-CN">
        <ntig><termGrp><term>AI电影</term><termNote type="status">VALID</termNote></termGrp></ntig>
      </langSet>
    </termEntry>
  </body></text>
</martif>
"""  # noqa: E501


def test_iate_reliability_and_obsolete_and_xtm_forbidden_decide_the_english(bare_project):
    root = bare_project.root
    (root / "iate.tbx").write_text(IATE, encoding="utf-8")
    (root / "xtm.tbx").write_text(XTM, encoding="utf-8")
    run(bare_project, "glossary", "import", "iate.tbx")
    term = imported(root / "glossary", "iate")["多模态模型"]
    assert term["en"] == "multimodal model"  # reliability 3 over 1
    assert (term["en_admitted"], term["do_not_use"]) == (["multi-modal model"], ["MLLM"])
    assert term["subject"] == "information technology and data processing"
    out = run(bare_project, "glossary", "import", "xtm.tbx")
    assert "1 added" in out and "1 skipped" in out
    assert "xtm.tbx:15: no usable term: every English term is marked forbidden; skipped" in out
    assert "文转视频模型 (rejected Chinese term of 文字转视频模型): kept in the note" in out
    term = imported(root / "glossary", "xtm")["文字转视频模型"]
    assert (term["en"], term["do_not_use"]) == ("text-to-video model", ["T2V model"])
    assert "no problems" in run(bare_project, "glossary", "check")
