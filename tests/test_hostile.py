"""Hostile state, text, names and packages: one line, a documented exit code, nothing good lost.

Each class of fault a user or a disk can cause: damaged state files, unwritable paths, text no
output can hold, odd file names, malformed model packages, leftovers of killed runs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest

from conftest import SEED, Project

NAME = "zhou-hongyi-on-sora"
SEED_TEXT = SEED.read_text(encoding="utf-8")


def one_line(result) -> str:
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err
    return lines[0]


@pytest.fixture
def built(project) -> Project:
    result = project.run("build")
    assert result.code == 0, result.err
    return project


def can_chattr(path: Path) -> bool:
    return (
        shutil.which("chattr") is not None
        and subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0
    )


# --- damaged or odd project state ------------------------------------------------------------


@pytest.mark.parametrize("damage", ["garbage", "truncated", "directory"])
def test_a_damaged_cache_is_set_aside_and_the_build_goes_on(built, damage):
    cache = built.root / ".bilingual" / "cache.sqlite"
    if damage == "garbage":
        cache.write_bytes(os.urandom(4096))
    elif damage == "truncated":
        cache.write_bytes(cache.read_bytes()[:1500])
    else:
        cache.unlink()
        cache.mkdir()
    result = built.run("build", "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert any("damaged translation cache moved aside" in n for n in report["notes"])
    assert list((built.root / ".bilingual").glob("cache.sqlite.damaged-*"))
    assert report["documents"][NAME]["translated"] > 0  # redone, since the cache was lost
    again = json.loads(built.run("build", "--json").out)
    assert again["documents"][NAME]["translated"] == 0  # and the new cache works


@pytest.mark.parametrize(
    ("content", "where"),
    [
        ('{"source": "一。", "english": 5, "id": "p1", "origin": "x", "time": "t"}\n', ":1:"),
        (
            '{"source": "一。", "english": "One.", "id": "p1", "origin": "x", "time": "t"}\n{"sou',
            ":2:",
        ),
        ("[1, 2]\n", ":1:"),
        ("\xff\xfe garbage", "not UTF-8"),
    ],
)
def test_a_damaged_memory_is_refused_with_its_line_and_never_rewritten(built, content, where):
    memory = built.root / "tm" / "memory.jsonl"
    memory.parent.mkdir()
    memory.write_bytes(content.encode("utf-8", "surrogateescape") if "\xff" not in content
                       else b"\xff\xfe garbage")  # fmt: skip
    before = memory.read_bytes()
    for args in (["build"], ["import", f"dist/{NAME}.zh-Hans_en.docx"]):
        result = built.run(*args)
        assert result.code == 2
        line = one_line(result)
        assert "tm/memory.jsonl" in line and where in line
    assert memory.read_bytes() == before


def test_a_memory_that_is_a_folder_is_one_line(built):
    (built.root / "tm" / "memory.jsonl").mkdir(parents=True)
    result = built.run("build")
    assert result.code == 2 and "cannot read the translation memory" in one_line(result)


def _edited(project: Project) -> str:
    from word_xml import WordDocx, run

    doc = WordDocx(project.dist / f"{NAME}.zh-Hans_en.docx")
    doc.set_cell("p003.s01", 2, run("An editor's English."))
    doc.save(project.root / "edited.docx")
    return "edited.docx"


def test_a_read_only_memory_is_respected_not_replaced(built):
    memory = built.root / "tm" / "memory.jsonl"
    memory.parent.mkdir()
    memory.write_text("", encoding="utf-8")
    memory.chmod(0o444)
    result = built.run("import", _edited(built), unprivileged=True)
    assert result.code == 4
    assert "the translation memory is read-only; nothing imported" in one_line(result)
    assert memory.read_text(encoding="utf-8") == ""


def test_an_immutable_memory_is_one_line(built):
    memory = built.root / "tm" / "memory.jsonl"
    memory.parent.mkdir()
    memory.write_text("", encoding="utf-8")
    if not can_chattr(memory):
        pytest.skip("chattr +i is not possible here (needs root and a file system that has it)")
    try:
        result = built.run("import", _edited(built))
        assert result.code == 4 and "tm/memory.jsonl" in one_line(result)
    finally:
        subprocess.run(["chattr", "-i", str(memory)], check=False)
    assert memory.read_text(encoding="utf-8") == ""


def test_a_state_folder_that_is_a_file_is_one_line(project):
    (project.root / ".bilingual").write_text("oops")
    for args in (["build"], ["import", "x.docx"]):
        result = project.run(*args)
        assert result.code == 4
        assert ".bilingual: is a file, but the project state folder must be a folder" in one_line(
            result
        )


def test_an_unwritable_state_folder_is_one_line(project):
    state = project.root / ".bilingual"
    state.mkdir()
    state.chmod(0o555)
    try:
        result = project.run("build", unprivileged=True)
    finally:
        state.chmod(0o755)
    assert result.code == 4
    assert "cannot write the project state folder (Permission denied)" in one_line(result)
    assert not project.dist.exists()


def test_an_unreadable_glossary_file_is_named(built):
    secret = built.root / "glossary" / "secret.yaml"
    secret.write_text("terms: []\n", encoding="utf-8")
    secret.chmod(0o000)
    result = built.run("build", unprivileged=True)
    assert result.code == 2
    assert "glossary/secret.yaml: cannot read (Permission denied)" in one_line(result)


def test_an_unwritable_output_folder_fails_before_translating(project):
    project.dist.mkdir()
    project.dist.chmod(0o555)
    try:
        result = project.run("build", "--json", unprivileged=True)
    finally:
        project.dist.chmod(0o755)
    assert result.code == 4
    assert "dist: cannot write the output folder (Permission denied)" in one_line(result)
    assert not (project.root / ".bilingual" / "cache.sqlite").exists()  # nothing translated


# --- text no output can hold; odd names --------------------------------------------------------


def test_control_characters_and_noncharacters_are_removed_and_listed(project):
    seed = project.root / "seeds" / f"{NAME}.txt"
    lines = SEED_TEXT.splitlines()
    lines[2] = lines[2][:5] + "\x0c" + lines[2][5:10] + "\x1b[0m" + lines[2][10:]
    lines[3] = "\x00" + lines[3] + "\ufffe"
    seed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = project.run("build")
    assert result.code == 0, result.err
    assert "4 characters no output can hold were removed" in result.err
    items = json.loads((project.dist / f"{NAME}.qa.json").read_text(encoding="utf-8"))
    removed = [i for i in items if i["check"] == "unsupported-character"]
    assert [(i["line"], i["column"]) for i in removed] == [
        (3, 6),
        (3, 12),
        (4, 1),
        (4, len(lines[3])),
    ]
    assert "U+001B (ESCAPE) removed" in removed[1]["message"]
    assert "U+000C (FORM FEED) replaced by U+0020 (SPACE)" in removed[0]["message"]
    table = docx.Document(str(project.dist / f"{NAME}.zh-Hans_en.docx")).tables[0]
    chinese = "".join(row.cells[1].text for row in table.rows[1:])
    original = SEED_TEXT.splitlines()
    expected = original[2][:10] + "[0m" + original[2][10:]  # only the escape itself is gone
    assert expected.replace(" ", "") in chinese.replace(" ", "")  # otherwise lossless
    assert original[3] in chinese


def test_a_long_title_is_no_problem_for_document_properties(project):
    (project.root / "seeds" / "long.txt").write_text("他说" * 150 + "\n第二段。\n")  # a heading
    result = project.run("build")
    assert result.code == 0, result.err
    props = docx.Document(str(project.dist / "long.zh-Hans_en.docx")).core_properties
    assert len(props.title) <= 255 and props.title.startswith("他说他说")


def test_a_file_name_that_is_not_utf8_is_refused_by_name(project):
    name = "周鸿祎".encode("gbk") + b".txt"
    path = os.path.join(os.fsencode(project.root / "seeds"), name)
    with open(path, "wb") as handle:
        handle.write("标题\n".encode())
    result = project.run("build")
    assert result.code == 2
    line = one_line(result)
    assert "the file name is not UTF-8" in line and "as GB18030 it reads 周鸿祎.txt" in line


def test_output_names_too_long_are_refused_before_translating(project):
    (project.root / "seeds" / ("长" * 80 + ".txt")).write_text("标题\n", encoding="utf-8")
    result = project.run("build")
    assert result.code == 2
    line = one_line(result)
    assert "its output names would be" in line and "shorten the file name" in line
    assert not (project.root / ".bilingual" / "cache.sqlite").exists()


def test_leftovers_of_a_killed_build_are_removed_by_the_next(built):
    killed = subprocess.Popen(["true"])  # a run that is gone: its PID and a start time
    killed.wait()
    owner = f"{killed.pid}-178000000000"
    leftover = built.dist / f".{NAME}.zh-Hans_en.docx.{owner}.abcd1234.tmp"
    leftover.write_bytes(b"half a docx")
    assets = built.dist / "article.assets"
    assets.mkdir()
    picture_leftover = assets / f".photo.png.{owner}.ab12cd34.tmp"
    picture_leftover.write_bytes(b"half a picture")
    state_leftover = built.root / ".bilingual" / f".glossary.json.{owner}.zz99yy88.tmp"
    state_leftover.write_text("{")
    foreign = built.dist / ".keep-me"
    foreign.write_text("not ours")
    assert built.run("build").code == 0
    assert not leftover.exists() and not state_leftover.exists() and foreign.exists()
    assert not picture_leftover.exists()


# --- flags ---------------------------------------------------------------------------------------


def test_global_flags_work_before_and_after_the_subcommand(project):
    shutil.rmtree(project.root / "seeds")
    assert "Traceback" in project.run("--debug", "build").err
    assert "Traceback" in project.run("build", "--debug").err
    (project.root / "seeds").mkdir()
    (project.root / "seeds" / "stray.pdf").write_bytes(b"%PDF")
    (project.root / "seeds" / "a.txt").write_text("标题\n", encoding="utf-8")
    assert "note: seeds/stray.pdf: ignored" in project.run("build").err
    for args in (("-q", "build"), ("build", "-q")):
        quiet = project.run(*args)
        assert quiet.code == 0 and "note:" not in quiet.err, args


# --- model packages ------------------------------------------------------------------------------


def _repack(model_file: Path, out: Path, change) -> Path:
    """A copy of ``model_file`` with ``change(name, data) -> data | None`` applied."""
    with zipfile.ZipFile(model_file) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = change(info.filename, src.read(info))
            if data is not None:
                dst.writestr(info, data)
    return out


@pytest.mark.parametrize(
    ("part", "data", "message"),
    [
        ("metadata.json", b"[1, 2, 3]", "metadata.json is not an object"),
        ("model/model.bin", b"not a model" * 100, "its model or tokenizer does not work"),
        ("sentencepiece.model", b"not a tokenizer" * 10, "its model or tokenizer does not work"),
    ],
)
def test_a_broken_package_is_refused_and_the_installed_model_keeps_working(
    built, model_file, tmp_path, part, data, message
):
    broken = _repack(
        model_file,
        tmp_path / "broken.argosmodel",
        lambda name, old: data if name.endswith("/" + part) else old,
    )
    packages = Path(built.env["ARGOS_PACKAGES_DIR"])
    before = sorted(p.name for p in packages.iterdir())
    result = built.run("models", "install", "--file", str(broken))
    assert result.code == 3
    assert message in one_line(result)
    assert sorted(p.name for p in packages.iterdir()) == before
    assert not list(packages.glob(".bilingual-install-*"))
    (built.root / "seeds" / "new.txt").write_text("新的一句话。\n", encoding="utf-8")
    assert built.run("build").code == 0  # the old model still translates


def test_a_package_that_expands_enormously_is_refused(bare_project, model_file, tmp_path):
    bomb = tmp_path / "bomb.argosmodel"
    shutil.copy(model_file, bomb)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive:
        top = archive.namelist()[0].split("/")[0]
        archive.writestr(f"{top}/padding.bin", bytes(80 * 1024 * 1024))
    result = bare_project.run("models", "install", "--file", str(bomb))
    assert result.code == 3 and "expand to more than" in one_line(result)


def test_an_installed_package_with_broken_metadata_is_skipped_not_a_traceback(
    bare_project, model_file
):
    packages = Path(bare_project.env["ARGOS_PACKAGES_DIR"])
    broken = packages / "translate-zh_en-1_9"
    broken.mkdir(parents=True)
    (broken / "metadata.json").write_text("[1, 2]")
    result = bare_project.run("build")
    assert result.code == 3 and "Traceback" not in result.err
    assert "bilingual models install" in result.err.splitlines()[-1]


def test_a_killed_install_leaves_nothing_for_long(bare_project, model_file):
    packages = Path(bare_project.env["ARGOS_PACKAGES_DIR"])
    packages.mkdir(parents=True)
    stale = packages / ".bilingual-install-killed"
    (stale / "translate-zh_en-1_9").mkdir(parents=True)
    (stale / "translate-zh_en-1_9" / "model.bin").write_bytes(bytes(1024))
    result = bare_project.run("models", "install", "--file", str(model_file))
    assert result.code == 0, result.err
    assert not stale.exists()
