"""Hostile input and faults: each gets one clear line, an exit code, and loses nothing."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import opencc
import pytest

from conftest import SEED, Project

NAME = "zhou-hongyi-on-sora"
SEED_TEXT = SEED.read_text(encoding="utf-8")


@pytest.fixture
def built(project) -> Project:
    assert project.run("build").code == 0
    return project


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


# --- sources --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "data", "note"),
    [
        ("utf-8-bom-crlf", ("\ufeff" + SEED_TEXT.replace("\n", "\r\n")).encode("utf-8"), None),
        ("gbk", SEED_TEXT.encode("gbk", errors="replace"), "read as gb18030"),
        ("gb18030", SEED_TEXT.encode("gb18030"), "read as gb18030"),
        ("utf-16", SEED_TEXT.encode("utf-16"), "read as utf-16"),
        ("utf-16-le", SEED_TEXT.encode("utf-16-le"), "read as utf_16_le"),
    ],
)
def test_sources_in_other_encodings_just_work(project, encoding, data, note):
    (project.root / "seeds" / f"{NAME}.txt").write_bytes(data)
    result = project.run("build", "--json")
    assert result.code == 0, result.err
    rows = project.run("segment", f"seeds/{NAME}.txt", "--json")
    first = rows.out.split('"source": "')[1]
    assert first.startswith("周鸿祎谈Sora模型")
    if note:
        assert note in result.out
    else:
        assert "read as" not in result.out
    md = (project.dist / f"{NAME}.zh-Hans_en.md").read_text(encoding="utf-8")
    assert "\r" not in md and "\ufeff" not in md and md.startswith("# 周鸿祎谈Sora模型")


def test_big5_is_detected_and_named(project):
    traditional = opencc.OpenCC("s2t.json").convert(SEED_TEXT)
    (project.root / "seeds" / f"{NAME}.txt").write_bytes(
        traditional.encode("big5", errors="replace")
    )
    result = project.run("build")
    assert result.code == 0, result.err
    assert "read as big5 (Traditional Chinese" in result.err
    md = (project.dist / f"{NAME}.zh-Hans_en.md").read_text(encoding="utf-8")
    assert md.startswith("# 周鴻禕談Sora模型")


def test_empty_sources_are_skipped_with_a_warning(project):
    (project.root / "seeds" / "draft.txt").write_text("\n  \n", encoding="utf-8")
    result = project.run("build")
    assert result.code == 0
    assert "seeds/draft.txt: empty, skipped" in result.err
    assert not any(p.name.startswith("draft") for p in project.dist.iterdir())


def test_other_files_in_seeds_are_ignored_with_a_note(project):
    (project.root / "seeds" / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (project.root / "seeds" / "notes.pdf").write_bytes(b"%PDF-1.4")
    (project.root / "seeds" / "~$notes.docx").write_bytes(
        b"\x05Word lock file"
    )  # Word's owner file
    result = project.run("build")
    assert result.code == 0, result.err
    assert "seeds/photo.jpg: ignored" in result.err and "seeds/notes.pdf: ignored" in result.err
    assert "~$notes.docx" not in result.err


@pytest.mark.parametrize("kind", ["png", "elf", "latin-1"])
def test_a_binary_or_unknown_file_with_a_text_name_is_refused_by_name(built, kind):
    before = built.snapshot()
    data = {
        "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20,
        "elf": Path(sys.executable).resolve().read_bytes()[:50_000],
        "latin-1": "Café crème brûlée, naïve façade.\n".encode("latin-1"),
    }[kind]
    (built.root / "seeds" / "image.txt").write_bytes(data)
    result = built.run("build")
    assert result.code == 2
    line = one_error_line(result.err)
    assert line.startswith("bilingual: seeds/image.txt: not text") and "re-save it as UTF-8" in line
    assert built.snapshot() == before


def test_a_huge_source_is_refused_clearly(built):
    before = built.snapshot()
    with open(built.root / "seeds" / "huge.txt", "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # 50 MB, sparse: made instantly
    result = built.run("build", timeout=60)
    assert result.code == 2
    line = one_error_line(result.err)
    assert "seeds/huge.txt: 50 MB is more than the 5 MB a source may be; split it" in line
    assert built.snapshot() == before


def test_two_sources_with_one_output_name_are_refused(project):
    (project.root / "seeds" / "Zhou-Hongyi-on-Sora.TXT").write_text("标题\n", encoding="utf-8")
    result = project.run("build")
    assert result.code == 2 and "same output name as" in one_error_line(result.err)


def test_a_missing_seeds_folder_says_what_to_do(project):
    shutil.rmtree(project.root / "seeds")
    result = project.run("build")
    assert result.code == 2
    assert "seeds: sources folder not found; create it or pass --seeds DIR" in one_error_line(
        result.err
    )


def test_debug_shows_the_traceback(project):
    shutil.rmtree(project.root / "seeds")
    result = project.run("build", "--debug")
    assert result.code != 0 and "Traceback" in result.err


# --- glossary and memory ----------------------------------------------------------------------


def test_a_broken_glossary_stops_the_build_before_anything_is_written(built):
    before = built.snapshot()
    (built.root / "glossary" / "late-night.yaml").write_text(
        "terms:\n  - zh: 大模型\n    en: big model\n  - zh: [oops\n", encoding="utf-8"
    )
    result = built.run("build")
    assert result.code == 2
    assert "glossary/late-night.yaml:4: YAML syntax error" in result.err
    assert "Traceback" not in result.err
    assert built.snapshot() == before


def test_a_glossary_that_is_not_utf8_is_named(built):
    (built.root / "glossary" / "gbk.yaml").write_bytes(
        "terms:\n  - zh: 模型\n    en: model\n".encode("gbk")
    )
    result = built.run("glossary", "check")
    assert result.code == 2 and "glossary/gbk.yaml: not UTF-8 text" in one_error_line(result.err)


def test_a_damaged_translation_memory_is_named_with_its_line(built):
    (built.root / "tm").mkdir()
    (built.root / "tm" / "memory.jsonl").write_text('{"source": "a", "english": "b"}\n{oops\n')
    result = built.run("build")
    assert result.code == 2
    assert "tm/memory.jsonl:1: not a translation memory entry" in one_error_line(result.err)


# --- builds -----------------------------------------------------------------------------------


def _many_articles(project: Project, count: int) -> None:
    for n in range(count):
        text = "\n".join(f"{line}(第{n}篇)" for line in SEED_TEXT.splitlines() if line.strip())
        (project.root / "seeds" / f"article-{n:02d}.txt").write_text(text, encoding="utf-8")


def _cached(project: Project) -> int:
    try:
        with sqlite3.connect(project.root / ".bilingual" / "cache.sqlite", timeout=5) as db:
            return db.execute("SELECT count(*) FROM translations").fetchone()[0]
    except sqlite3.Error:
        return 0


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupting_a_build_changes_nothing_and_the_next_build_completes(built, sig):
    before = built.snapshot("dist", "tm")
    cached_before = _cached(built)
    _many_articles(built, 30)  # long enough that the signal lands mid-translation
    proc = subprocess.Popen(
        [sys.executable, "-m", "bilingual", "build"],
        cwd=built.root,
        env=built.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while _cached(built) <= cached_before and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the build ended before it could be interrupted"
    proc.send_signal(sig)
    stopped = time.monotonic()
    out, err = proc.communicate(timeout=30)
    assert time.monotonic() - stopped < 10
    assert proc.returncode == 130
    assert "interrupted" in err and "Traceback" not in err
    assert built.snapshot("dist", "tm") == before
    assert not [p for p in built.dist.iterdir() if p.name.startswith(".")]  # no temporary files
    with sqlite3.connect(built.root / ".bilingual" / "cache.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert all(english for (english,) in db.execute("SELECT english FROM translations"))
    kept = _cached(built)
    assert kept > cached_before  # finished batches are kept: the next build resumes
    again = built.run("build", "--json")
    assert again.code == 0, again.err
    assert len(list(built.dist.glob("article-*.docx"))) == 60


def test_a_second_build_of_the_same_project_is_refused_while_one_runs(built):
    from filelock import FileLock

    before = built.snapshot()
    with FileLock(str(built.root / ".bilingual" / "build.lock")):
        result = built.run("build")
        imported = built.run("import", f"dist/{NAME}.zh-Hans_en.docx")
    assert result.code == 4 and imported.code == 4
    assert "another build of this project is running" in one_error_line(result.err)
    assert built.snapshot() == before


@pytest.fixture
def tiny_filesystem(tmp_path):
    """A real 1 MB tmpfs: disk full is ENOSPC, read-only is EROFS. Skipped if we cannot mount."""
    mount_point = tmp_path / "fs"
    mount_point.mkdir()
    if (
        os.geteuid() != 0
        or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)],
            capture_output=True,
        ).returncode
    ):
        pytest.skip("needs permission to mount a tmpfs")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _change_every_output(project: Project) -> None:
    glossary = project.root / "glossary" / "people-and-companies.yaml"
    glossary.write_text(
        glossary.read_text(encoding="utf-8").replace("not Ultraman", "never Ultraman")
    )
    readme_seed = project.root / "seeds" / f"{NAME}.txt"
    readme_seed.write_text(
        readme_seed.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8"
    )


def test_disk_full_keeps_the_previous_outputs(project, tiny_filesystem):
    dist = tiny_filesystem / "dist"
    assert project.run("build", "--dist", str(dist)).code == 0
    before = _outputs(dist)
    filler = tiny_filesystem / "filler"
    free = shutil.disk_usage(tiny_filesystem).free
    filler.write_bytes(b"\0" * max(free - 60_000, 0))  # room for less than one new edition
    _change_every_output(project)
    result = project.run("build", "--dist", str(dist))
    assert result.code == 4
    line = one_error_line(result.err)
    assert (
        "cannot write (No space left on device)" in line and "previous outputs are intact" in line
    )
    assert _outputs(dist) == before
    filler.unlink()
    assert project.run("build", "--dist", str(dist)).code == 0


def test_read_only_dist_keeps_the_previous_outputs(project, tiny_filesystem):
    dist = tiny_filesystem / "dist"
    assert project.run("build", "--dist", str(dist)).code == 0
    before = _outputs(dist)
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_filesystem)], check=True)
    _change_every_output(project)
    result = project.run("build", "--dist", str(dist))
    assert result.code == 4
    line = one_error_line(result.err)
    assert f"{dist}: cannot write the output folder (Read-only file system)" in line
    assert _outputs(dist) == before
