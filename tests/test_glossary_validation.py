"""Glossary validation: every problem reported at once as FILE:LINE: message, nothing built."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilingual.errors import ManyErrors
from bilingual.glossary.yaml_files import load_glossary


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(folder: Path) -> list[str]:
    with pytest.raises(ManyErrors) as caught:
        load_glossary(folder)
    return caught.value.messages


def test_syntax_error_names_file_and_line(tmp_path):
    path = write(tmp_path / "g", "bad.yaml", "terms:\n  - zh: 具身智能\n    en: [embodied\n")
    [message] = problems(tmp_path / "g")
    assert message.startswith(f"{path}:") and "YAML syntax error" in message
    assert int(message.split(":")[1]) in (3, 4)


def test_bad_entries_are_all_reported_with_their_lines(tmp_path):
    folder = tmp_path / "g"
    path = write(
        folder,
        "a.yaml",
        """terms:
  - zh: 具身智能
  - en: orphan
  - zh: 周鸿祎
    en: Zhou Hongyi
    colour: red
  - zh: 奥特曼
    en: [Altman]
  - zh: OpenAI
    en: OpenAI
    variants: OpenAl
  - just a string
""",
    )
    messages = problems(folder)
    assert f"{path}:2: term has no 'en'" in messages
    assert f"{path}:3: term has no 'zh'" in messages
    assert any(m.startswith(f"{path}:6: unknown key 'colour'") for m in messages)
    assert f"{path}:8: 'en' must be non-empty text" in messages
    assert f"{path}:11: 'variants' must be a list" in messages
    assert any(m.startswith(f"{path}:12: each term must be a mapping") for m in messages)


def test_duplicates_and_variant_conflicts_across_files(tmp_path):
    folder = tmp_path / "g"
    a = write(
        folder, "a.yaml", "terms:\n  - zh: Sora\n    en: Sora\n  - zh: OpenAI\n    en: OpenAI\n"
    )
    b = write(
        folder,
        "b.yaml",
        "terms:\n  - zh: Sora\n    en: Sora model\n"
        "  - zh: 开放AI\n    en: OpenAI\n    variants: [OpenAI]\n",
    )
    messages = problems(folder)
    assert f"{b}:2: term 'Sora' listed twice (first at {a}:2)" in messages
    assert any(
        m.startswith(f"{b}:4: variant 'OpenAI' of '开放AI' is also a term") for m in messages
    )


def test_wrong_top_level_shape(tmp_path):
    path = write(tmp_path / "g", "a.yaml", "- zh: AGI\n  en: AGI\n")
    assert problems(tmp_path / "g") == [
        f"{path}:1: the file must be a mapping with a 'terms:' list"
    ]


def test_numbers_are_text_and_empty_files_are_fine(tmp_path):
    folder = tmp_path / "g"
    write(folder, "a.yaml", "terms:\n  - zh: 三六零\n    en: 360\n")
    write(folder, "empty.yaml", "")
    assert load_glossary(folder).terms[0].en == "360"


def test_repository_glossary_is_valid_and_covers_the_mission_terms():
    glossary = load_glossary(Path(__file__).parent.parent / "glossary")
    by_zh = glossary.by_zh
    assert (
        by_zh["具身智能"].en == "embodied intelligence" and by_zh["具身智能"].zh_hant == "具身智慧"
    )
    assert {
        "AGI",
        "Diffusion",
        "周鸿祎",
        "奥特曼",
        "英伟达",
        "OpenAI",
        "Sora",
        "大模型",
        "文生视频",
        "AIGC",
    } <= set(by_zh)
    assert by_zh["奥特曼"].en == "Altman"
    assert {"OpenAl", "OpenA!"} <= set(by_zh["OpenAI"].variants)


def test_check_command_and_build_stop_on_a_broken_glossary(project):
    (project.root / "glossary" / "broken.yaml").write_text("terms:\n  - zh: 坏\n", encoding="utf-8")
    check = project.run("glossary", "check")
    assert check.code == 2
    assert "glossary/broken.yaml:2: term has no 'en'" in check.err
    assert "Traceback" not in check.err
    build = project.run("build")
    assert build.code == 2 and "broken.yaml:2: term has no 'en'" in build.err
    assert not project.dist.exists()


def test_check_command_reports_success(project):
    result = project.run("glossary", "check")
    assert result.code == 0 and "no problems" in result.out


# --- entries that would silently rewrite a source are refused -----------------------------------


def test_a_variant_inside_another_term_is_refused(tmp_path):
    path = write(
        tmp_path / "g",
        "a.yaml",
        "terms:\n  - zh: 通用智能\n    en: general intelligence\n    variants: [智能]\n"
        "  - zh: 具身智能\n    en: embodied intelligence\n",
    )
    [message] = problems(tmp_path / "g")
    assert message.startswith(f"{path}:2: variant '智能' of '通用智能' occurs inside the term")


@pytest.mark.parametrize("text", ["。", "...", "360", "—"])
def test_terms_and_variants_without_a_letter_are_refused(tmp_path, text):
    write(
        tmp_path / "g",
        "a.yaml",
        f"terms:\n  - zh: '{text}'\n    en: x\n  - zh: 模型\n    en: model\n"
        f"    variants: ['{text}']\n",
    )
    messages = problems(tmp_path / "g")
    assert any(f"term '{text}' has no letter or Han character" in m for m in messages)
    assert any(f"variant '{text}' has no letter or Han character" in m for m in messages)


def test_invisible_characters_are_normalized_and_reported(tmp_path):
    from bilingual.glossary.terms import Glossary

    write(tmp_path / "g", "a.yaml", 'terms:\n  - zh: "So\\u200bra"\n    en: Sora\n')
    glossary: Glossary = load_glossary(tmp_path / "g")
    assert glossary.terms[0].zh == "Sora"
    assert "holds invisible characters; read as 'Sora'" in glossary.notices[0]
    assert [h.zh for h in glossary.hits("OpenAI发布了Sora。")] == ["Sora"]


def test_a_han_variant_that_would_rewrite_a_word_in_the_sources_is_refused(project):
    glossary = project.root / "glossary" / "concepts.yaml"
    glossary.write_text(
        glossary.read_text(encoding="utf-8")
        + "  - zh: 算力\n    en: computing power\n    variants: [能力]\n",
        encoding="utf-8",
    )
    (project.root / "seeds" / "ai.txt").write_text("标题\n他说自己有超能力。\n")
    before = project.snapshot("dist", "tm")
    result = project.run("build")
    assert result.code == 2 and "Traceback" not in result.err
    assert (
        "variant '能力' of '算力' would rewrite the word '超能力' in seeds/ai.txt:2" in result.err
    )
    assert project.snapshot("dist", "tm") == before
    check = project.run("glossary", "check")
    assert check.code == 2 and "would rewrite the word '超能力'" in check.err


def test_a_variant_only_in_a_code_block_blocks_nothing(bare_project):
    """Code blocks are copied as written, never corrected, so a word there is not at risk."""
    glossary = bare_project.root / "glossary" / "concepts.yaml"
    glossary.write_text(
        glossary.read_text(encoding="utf-8")
        + "  - zh: 算力\n    en: computing power\n    variants: [能力]\n",
        encoding="utf-8",
    )
    (bare_project.root / "seeds" / "code.md").write_text(
        "# 标题\n\n```\n超能力 = 1\n```\n", encoding="utf-8"
    )
    check = bare_project.run("glossary", "check")
    assert check.code == 0, check.err
    (bare_project.root / "seeds" / "code.md").write_text("# 标题\n\n他有超能力。\n")
    assert "would rewrite the word '超能力'" in bare_project.run("glossary", "check").err


def test_termbase_fields_are_read_and_validated(tmp_path):
    folder = tmp_path / "g"
    write(
        folder,
        "a.yaml",
        """terms:
  - zh: 扩散模型
    en: diffusion model
    en_admitted: [diffusion network]
    do_not_use: [dissemination model]
    part_of_speech: noun
    subject: machine learning
    definitions:
      en: a generative model that learns to reverse a noising process
      zh: 通过逆转加噪过程生成数据的模型
""",
    )
    (term,) = load_glossary(folder).terms
    assert (term.en_admitted, term.do_not_use) == (("diffusion network",), ("dissemination model",))
    assert (term.part_of_speech, term.subject) == ("noun", "machine learning")
    assert dict(term.definitions)["zh"] == "通过逆转加噪过程生成数据的模型"
    path = write(
        folder,
        "b.yaml",
        """terms:
  - zh: 世界模型
    en: world model
    do_not_use: [World Model]
  - zh: 文生图
    en: text-to-image
    definitions: {fr: image}
  - zh: 大模型
    en: large model
    do_not_use: large models
  - zh: 具身智能
    en: embodied intelligence
    definitions: a definition
    subject: [robots]
""",
    )
    messages = problems(folder)
    assert (
        f"{path}:4: 'World Model' is both an English of '世界模型' and one not to use; remove one"
        in messages
    )
    assert f"{path}:7: unknown language 'fr' (allowed: zh, en, zh_hant)" in messages
    assert f"{path}:10: 'do_not_use' must be a list" in messages
    assert any(m.startswith(f"{path}:13: 'definitions' must map a language") for m in messages)
    assert f"{path}:14: 'subject' must be non-empty text" in messages
