"""Disks that are full, read-only or another mount, for real (a small tmpfs): every "cannot
write" is exit 4 and one line naming the file, and what was there before is intact."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import Project

NAME = "zhou-hongyi-on-sora"


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def _mount(point: Path, size: str) -> None:
    point.mkdir(parents=True, exist_ok=True)
    if (
        os.geteuid() != 0
        or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)],
            capture_output=True,
        ).returncode
    ):
        pytest.skip("needs permission to mount a tmpfs")


@pytest.fixture
def small_disk(tmp_path):
    """A real 1 MB tmpfs (ENOSPC when full). Skipped where mounting is not allowed."""
    point = tmp_path / "disk"
    _mount(point, "1m")
    yield point
    subprocess.run(["umount", "-l", str(point)], check=False)


def fill(disk: Path) -> Path:
    """Fill ``disk`` to the last byte; the file that does it."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
    return filler


def _sentences(project: Project, text: str) -> None:
    seed = project.root / "seeds" / f"{NAME}.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + text, encoding="utf-8")


# --- the project state (.bilingual/) -------------------------------------------------------------


def test_a_full_state_folder_is_exit_4_naming_the_cache(project, small_disk):
    state = small_disk / "state"
    (project.root / "bilingual.toml").write_text(f'state = "{state}"\n', encoding="utf-8")
    fill(small_disk)
    result = project.run("build", "--outputs", "qa")
    assert result.code == 4, result.err
    line = one_error_line(result.err)
    assert f"{state / 'cache.sqlite'}: cannot write the translation cache" in line
    assert "database or disk is full" in line
    assert not list(state.glob("*.damaged-*"))  # a full disk is not a damaged cache


def test_a_state_folder_that_fills_up_during_a_build_is_exit_4_naming_the_cache(
    project, small_disk
):
    state = small_disk / "state"
    (project.root / "bilingual.toml").write_text(f'state = "{state}"\n', encoding="utf-8")
    assert project.run("build", "--outputs", "qa").code == 0
    before = (project.dist / f"{NAME}.qa.json").read_bytes()
    fill(small_disk)
    _sentences(project, "\n一个全新的句子出现在这里。又一个从未翻译过的句子。\n")
    result = project.run("build", "--outputs", "qa")
    assert result.code == 4, result.err
    assert f"{state / 'cache.sqlite'}: cannot write the translation cache" in one_error_line(
        result.err
    )
    assert (project.dist / f"{NAME}.qa.json").read_bytes() == before


# --- files the commands write --------------------------------------------------------------------


def test_tm_export_onto_a_full_disk_names_the_file(built_with_memory, small_disk):
    fill(small_disk)
    target = small_disk / "memory.tmx"
    result = built_with_memory.run("tm", "export", "--output", str(target))
    assert result.code == 4
    line = one_error_line(result.err)
    assert f"{target}: cannot write (No space left on device)" in line
    assert not [p for p in small_disk.iterdir() if p.name != "filler"]  # nothing half-written


def test_glossary_import_onto_a_full_disk_names_the_file(bare_project, small_disk):
    glossary = small_disk / "glossary"
    shutil.copytree(bare_project.root / "glossary", glossary)
    before = sorted(p.name for p in glossary.iterdir())
    (bare_project.root / "terms.csv").write_text("zh,en\n测试词,test term\n", encoding="utf-8")
    fill(small_disk)
    result = bare_project.run("glossary", "import", "terms.csv", str(glossary))
    assert result.code == 4
    line = one_error_line(result.err)
    assert f"{glossary / 'imported-terms.yaml'}: cannot write (No space left on device)" in line
    assert sorted(p.name for p in glossary.iterdir() if p.name != ".bilingual.lock") == before


def test_an_import_into_a_memory_on_a_full_disk_names_it(built, small_disk):
    from word_xml import WordDocx, run

    doc = WordDocx(built.dist / f"{NAME}.zh-Hans_en.docx")
    doc.set_cell("p003.s01", 2, run("An editor's English."))
    doc.save(built.root / "edited.docx")
    tm = small_disk / "tm"
    tm.mkdir()
    fill(small_disk)
    result = built.run("import", "edited.docx", "--tm", str(tm))
    assert result.code == 4
    line = one_error_line(result.err)
    assert f"{tm / 'memory.jsonl'}: cannot write the translation memory" in line
    assert not [p for p in tm.iterdir() if p.name != ".bilingual.lock"]


@pytest.fixture
def built(project) -> Project:
    assert project.run("build", "--outputs", "docx").code == 0
    return project


@pytest.fixture
def built_with_memory(bare_project) -> Project:
    units = "".join(
        f'<tu><tuv xml:lang="zh-CN"><seg>第{n}句。</seg></tuv>'
        f'<tuv xml:lang="en"><seg>Sentence {n}.</seg></tuv></tu>'
        for n in range(2000)
    )
    (bare_project.root / "units.tmx").write_text(
        '<?xml version="1.0"?><tmx version="1.4"><header srclang="zh-CN" segtype="sentence" '
        'creationtool="x" creationtoolversion="1" o-tmf="x" adminlang="en" datatype="plaintext"/>'
        f"<body>{units}</body></tmx>",
        encoding="utf-8",
    )
    assert bare_project.run("tm", "import", "units.tmx").code == 0
    return bare_project


# --- the model's packages folder -----------------------------------------------------------------


def _install(project: Project, packages: Path, model_file: Path, **kwargs):
    env = dict(project.env, ARGOS_PACKAGES_DIR=str(packages))
    return Project(project.root, env).run("models", "install", "--file", str(model_file), **kwargs)


def test_models_install_into_a_packages_folder_that_is_a_mount(bare_project, model_file, tmp_path):
    packages = tmp_path / "mounted" / "packages"
    _mount(packages, "64m")
    try:
        result = _install(bare_project, packages, model_file)
        assert result.code == 0, result.err
        assert (packages / "translate-zh_en-1_9" / "metadata.json").is_file()
        assert [p.name for p in packages.parent.iterdir()] == ["packages"]
    finally:
        subprocess.run(["umount", "-l", str(packages)], check=False)


def test_models_install_writes_nothing_beside_the_packages_folder(
    bare_project, model_file, tmp_path
):
    parent = tmp_path / "read-only"
    packages = parent / "packages"
    packages.mkdir(parents=True)
    parent.chmod(0o555)
    try:
        result = _install(bare_project, packages, model_file, unprivileged=True)
    finally:
        parent.chmod(0o755)
    assert result.code == 0, result.err
    assert (packages / "translate-zh_en-1_9" / "metadata.json").is_file()
    assert [p.name for p in parent.iterdir()] == ["packages"]


def test_models_install_onto_a_full_disk_names_the_package_and_leaves_nothing(
    bare_project, model_file, small_disk
):
    packages = small_disk / "packages"
    packages.mkdir()
    fill(small_disk)
    result = _install(bare_project, packages, model_file)
    assert result.code == 4
    line = one_error_line(result.err)
    assert f"{packages / 'translate-zh_en-1_9'}: cannot write (No space left on device)" in line
    assert [p.name for p in packages.iterdir()] == [".bilingual-install.lock"]
