"""Runs at the same time, as real processes: projects sharing a memory, a glossary or an output
folder lose nothing, and what a killed run leaves behind does not survive the next run."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from filelock import FileLock

from conftest import SEED, Project, new_project

NAME = "zhou-hongyi-on-sora"
SEED_TEXT = SEED.read_text(encoding="utf-8")


def start(project: Project, *args: str) -> subprocess.Popen:
    """``bilingual ARGS`` in ``project``, running in the background."""
    return subprocess.Popen(
        [sys.executable, "-m", "bilingual", *args],
        cwd=project.root,
        env=project.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen, timeout: float = 300) -> tuple[int, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out + err


def tmx(tag: str, units: int) -> str:
    """A TMX as another tool writes it, ``units`` sentences all its own."""
    body = "".join(
        f'<tu><tuv xml:lang="zh-CN"><seg>第{tag}组第{n}句话。</seg></tuv>'
        f'<tuv xml:lang="en-US"><seg>Sentence {n} of set {tag}.</seg></tuv></tu>'
        for n in range(units)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="x" '
        'creationtoolversion="1" o-tmf="x" segtype="sentence" adminlang="en-US" '
        f'srclang="zh-CN" datatype="plaintext"/><body>{body}</body></tmx>'
    )


def memory_sources(tm: Path) -> set[str]:
    import json

    lines = (tm / "memory.jsonl").read_text(encoding="utf-8").splitlines()
    return {json.loads(line)["source"] for line in lines if line.strip()}


def temporary_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def two_projects(tmp_path, installed_packages) -> tuple[Project, Project]:
    """Two projects in ``tmp_path``/a and /b; what they share goes in ``tmp_path``."""
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    return new_project(tmp_path / "a", installed_packages), new_project(
        tmp_path / "b", installed_packages
    )


# --- the translation memory ---------------------------------------------------------------------


def test_two_projects_importing_into_one_memory_at_once_both_keep_their_units(two_projects):
    a, b = two_projects
    shared = a.root.parent.parent / "shared-tm"
    for project, tag in ((a, "甲"), (b, "乙")):
        (project.root / "units.tmx").write_text(tmx(tag, 20_000), encoding="utf-8")
    runs = [start(p, "tm", "import", "units.tmx", "--tm", str(shared)) for p in (a, b)]
    results = [finish(run) for run in runs]
    assert [code for code, _ in results] == [0, 0], results
    assert all("20000 taken" in text for _, text in results)
    sources = memory_sources(shared)
    assert len(sources) == 40_000  # neither import's units were lost
    assert {"第甲组第19999句话。", "第乙组第19999句话。"} <= sources


def test_an_editors_import_and_a_tmx_import_sharing_a_memory_both_land(two_projects):
    from word_xml import WordDocx, run

    a, b = two_projects
    shared = a.root.parent.parent / "shared-tm"
    assert b.run("build", "--tm", str(shared), "--outputs", "docx").code == 0
    doc = WordDocx(b.dist / f"{NAME}.zh-Hans_en.docx")
    doc.set_cell("p003.s01", 2, run("An editor's English, kept."))
    doc.save(b.root / "edited.docx")
    (a.root / "units.tmx").write_text(tmx("甲", 20_000), encoding="utf-8")
    runs = [
        start(a, "tm", "import", "units.tmx", "--tm", str(shared)),
        start(b, "import", "edited.docx", "--tm", str(shared)),
    ]
    results = [finish(proc) for proc in runs]
    assert [code for code, _ in results] == [0, 0], results
    memory = (shared / "memory.jsonl").read_text(encoding="utf-8")
    assert "An editor's English, kept." in memory and "第甲组第19999句话。" in memory


def test_a_memory_import_waits_for_the_memory_lock_and_then_lands(two_projects):
    a, _ = two_projects
    shared = a.root.parent.parent / "shared-tm"
    (a.root / "units.tmx").write_text(tmx("甲", 10), encoding="utf-8")
    shared.mkdir()
    with FileLock(str(shared / ".bilingual.lock")):  # another project's import, writing
        proc = start(a, "tm", "import", "units.tmx", "--tm", str(shared))
        time.sleep(2)
        assert proc.poll() is None, "the import did not wait for the memory's lock"
        assert not (shared / "memory.jsonl").exists()
    code, text = finish(proc)
    assert code == 0, text
    assert len(memory_sources(shared)) == 10


def test_the_project_lock_comes_before_the_memory_lock(two_projects):
    """A second import of one project is refused at once (exit 4) even while the memory is
    locked: it never waits for the memory holding the project's lock."""
    a, _ = two_projects
    (a.root / "units.tmx").write_text(tmx("甲", 10), encoding="utf-8")
    (a.root / "tm").mkdir()
    (a.root / ".bilingual").mkdir()
    project_lock = FileLock(str(a.root / ".bilingual" / "build.lock"))
    with project_lock, FileLock(str(a.root / "tm" / ".bilingual.lock")):
        result = a.run("tm", "import", "units.tmx", timeout=30)
    assert result.code == 4
    assert "another build of this project is running" in result.err


def _old_memory(tm: Path) -> None:
    """A memory from before its index: ``tm/memory.jsonl`` alone."""
    import json

    tm.mkdir(parents=True, exist_ok=True)
    entry = {"source": "第一句。", "english": "First.", "id": "p1", "origin": "a.docx",
             "time": "2026-01-01T00:00:00+00:00"}  # fmt: skip
    (tm / "memory.jsonl").write_text(json.dumps(entry, ensure_ascii=False) + "\n", "utf-8")


def test_a_build_that_migrates_the_memory_waits_for_the_memorys_lock(project):
    """Writing the memory's index (a migration, a rebuild after a git pull) is writing the
    memory: a build that must do it waits while another command holds the memory's lock."""
    tm = project.root / "tm"
    _old_memory(tm)
    with FileLock(str(tm / ".bilingual.lock")):  # another project's import, writing
        proc = start(project, "build", "--outputs", "qa")
        deadline = time.monotonic() + 60
        while not (project.root / ".bilingual" / "build.lock").exists():
            assert proc.poll() is None and time.monotonic() < deadline, finish(proc)
            time.sleep(0.1)
        time.sleep(3)  # the build reads its sources and opens the memory meanwhile
        assert proc.poll() is None, "the build did not wait for the memory's lock"
        assert not list(tm.glob(".memory.sqlite*"))
    code, text = finish(proc)
    assert code == 0, text
    assert "is now indexed in .memory.sqlite" in text and (tm / ".memory.sqlite").is_file()


def test_a_build_reading_an_indexed_memory_takes_no_lock(project):
    """An import elsewhere holding the memory's lock does not hold up a build that only reads."""
    tm = project.root / "tm"
    _old_memory(tm)
    assert project.run("build", "--outputs", "qa").code == 0  # migrated
    with FileLock(str(tm / ".bilingual.lock")):
        result = project.run("build", "--outputs", "qa", timeout=120)
    assert result.code == 0, result.err
    assert "waiting for" not in result.err


def test_clean_up_in_the_memory_folder_never_touches_the_memorys_index(project):
    """A dead run's leftover in tm/ goes; the index, its -wal and -shm stay, in use or not."""
    import sqlite3

    (project.root / "units.tmx").write_text(tmx("甲", 10), encoding="utf-8")
    assert project.run("tm", "import", "units.tmx").code == 0
    tm = project.root / "tm"
    dead = subprocess.Popen(["true"])
    dead.wait()
    leftover = tm / _named_for(dead.pid, 1, "memory.jsonl")
    leftover.write_text("a killed rewrite's")
    reader = sqlite3.connect(tm / ".memory.sqlite")  # another command reading: -wal and -shm
    try:
        assert reader.execute("SELECT count(*) FROM entries").fetchone() == (10,)
        index = sorted(p.name for p in tm.glob(".memory.sqlite*"))
        assert index == [".memory.sqlite", ".memory.sqlite-shm", ".memory.sqlite-wal"]
        (project.root / "more.tmx").write_text(tmx("乙", 5), encoding="utf-8")
        for args in (("tm", "import", "more.tmx"), ("build", "--outputs", "qa")):
            result = project.run(*args)
            assert result.code == 0, result.err
            assert not leftover.exists()
            assert sorted(p.name for p in tm.glob(".memory.sqlite*")) == index
            leftover.write_text("a killed rewrite's")
        assert reader.execute("SELECT count(*) FROM entries").fetchone() == (15,)
    finally:
        reader.close()
    assert len(memory_sources(tm)) == 15


# --- the glossary ------------------------------------------------------------------------------


def _terms_csv(project: Project, tag: str, count: int) -> None:
    rows = "".join(f"测试词{tag}{n},test term {tag} {n}\n" for n in range(count))
    (project.root / "terms.csv").write_text("zh,en\n" + rows, encoding="utf-8")


def test_two_glossary_imports_into_one_glossary_at_once_keep_both(two_projects):
    a, b = two_projects
    shared = a.root.parent.parent / "shared-glossary"
    shutil.copytree(a.root / "glossary", shared)
    _terms_csv(a, "甲", 2000)
    _terms_csv(b, "乙", 2000)
    runs = [start(p, "glossary", "import", "terms.csv", str(shared)) for p in (a, b)]
    results = [finish(proc) for proc in runs]
    assert [code for code, _ in results] == [0, 0], results
    imported = sorted(p.name for p in shared.glob("imported-*.yaml"))
    assert imported == ["imported-terms-2.yaml", "imported-terms.yaml"]
    check = a.run("glossary", "check", str(shared), "--seeds", "nowhere")
    assert check.code == 0, check.err
    text = "".join(p.read_text(encoding="utf-8") for p in shared.glob("imported-*.yaml"))
    assert "test term 甲 1999" in text and "test term 乙 1999" in text


def test_a_glossary_import_waits_for_the_glossary_lock(two_projects):
    a, _ = two_projects
    _terms_csv(a, "甲", 3)
    with FileLock(str(a.root / "glossary" / ".bilingual.lock")):
        proc = start(a, "glossary", "import", "terms.csv")
        time.sleep(2)
        assert proc.poll() is None, "glossary import did not wait for the glossary's lock"
    code, text = finish(proc)
    assert code == 0 and "3 added" in text, text


# --- a shared output folder ----------------------------------------------------------------------


def _many_articles(project: Project, count: int) -> None:
    for path in (project.root / "seeds").iterdir():
        path.unlink()
    for n in range(count):
        text = "\n".join(f"{line}(第{n}篇)" for line in SEED_TEXT.splitlines() if line.strip())
        (project.root / "seeds" / f"article-{n:02d}.txt").write_text(text, encoding="utf-8")


def _wait_for_staged(proc: subprocess.Popen, folder: Path) -> list[str]:
    """The first article's outputs ``proc`` has staged in ``folder``, complete: returned as soon
    as the second article's appear (outputs are staged one document after another)."""
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        staged = temporary_files(folder) if folder.is_dir() else []
        if any(name.startswith(".article-01.") for name in staged):
            return [name for name in staged if name.startswith(".article-00.")]
        time.sleep(0.02)
    pytest.fail(f"no staged output appeared in {folder} (exit {proc.poll()})")


def test_a_build_sharing_the_output_folder_keeps_the_other_builds_staged_outputs(
    two_projects,
):
    a, b = two_projects
    shared = a.root.parent.parent / "shared-dist"
    _many_articles(a, 60)  # two groups of documents: the first is staged while the second runs
    proc = start(a, "build", "--dist", str(shared), "--outputs", "docx,md")
    staged = _wait_for_staged(proc, shared)
    os.kill(proc.pid, signal.SIGSTOP)  # hold the first build while its outputs are staged
    try:
        other = b.run("build", "--dist", str(shared), "--outputs", "docx,md")
        assert other.code == 0, other.err
        assert set(staged) <= set(temporary_files(shared))  # the other build left them
    finally:
        os.kill(proc.pid, signal.SIGCONT)
    code, text = finish(proc)
    assert code == 0, text
    assert len(list(shared.glob("article-*.zh-Hans_en.docx"))) == 60
    assert (shared / f"{NAME}.zh-Hans_en.docx").is_file()
    assert temporary_files(shared) == []


def test_staged_outputs_removed_by_another_program_are_said_so_not_free_space(two_projects):
    a, _ = two_projects
    _many_articles(a, 60)
    before = {p.name for p in a.dist.iterdir()} if a.dist.is_dir() else set()
    proc = start(a, "build", "--outputs", "docx,md")
    staged = _wait_for_staged(proc, a.dist)
    os.kill(proc.pid, signal.SIGSTOP)
    try:
        for name in staged:
            (a.dist / name).unlink(missing_ok=True)  # e.g. an older bilingual, or `rm dist/.*`
    finally:
        os.kill(proc.pid, signal.SIGCONT)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 4, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "staged output was removed by another program" in lines[0], err
    assert "free space" not in err
    assert {p.name for p in a.dist.iterdir()} - before == set()  # nothing half-published


def test_a_killed_builds_staged_outputs_do_not_survive_the_next_build(two_projects):
    a, _ = two_projects
    _many_articles(a, 60)
    proc = start(a, "build", "--outputs", "docx,md")
    _wait_for_staged(proc, a.dist)
    proc.kill()
    proc.wait()
    assert temporary_files(a.dist)  # kill -9 leaves them
    for path in (a.root / "seeds").iterdir():
        if path.name != "article-00.txt":
            path.unlink()
    result = a.run("build", "--outputs", "docx,md")
    assert result.code == 0, result.err
    assert temporary_files(a.dist) == []


# --- leftovers: whose they are ------------------------------------------------------------------


def _named_for(pid: int, start_cs: int, target: str) -> str:
    return f".{target}.{pid}-{start_cs}.abcd1234.tmp"


def test_clean_up_removes_only_temporary_files_whose_run_is_gone(project):
    """A live process's temporary files stay, in dist/ and tm/ (also when its start time could
    not be read); a dead one's, one whose PID was reused by another process (a different start
    time), and the old unowned kind once a day old are removed."""
    import psutil

    alive = subprocess.Popen(["sleep", "300"])
    try:
        started = round(psutil.Process(alive.pid).create_time() * 100)  # centiseconds
        dead = subprocess.Popen(["true"])
        dead.wait()
        for folder in (project.dist, project.root / "tm"):
            folder.mkdir(exist_ok=True)
            (folder / _named_for(alive.pid, started, "x.docx")).write_text("a live run's")
            (folder / _named_for(alive.pid, 0, "w.docx")).write_text("live, start unknown")
            (folder / _named_for(dead.pid, started, "y.docx")).write_text("a dead run's")
            (folder / _named_for(alive.pid, started - 10_000, "z.docx")).write_text("reused PID")
            (folder / ".old.docx.abcd1234.tmp").write_text("an old version's, today")
            day_old = folder / ".older.docx.abcd1234.tmp"
            day_old.write_text("an old version's, two days ago")
            two_days_ago = time.time() - 2 * 86400
            os.utime(day_old, (two_days_ago, two_days_ago))
        result = project.run("build", "--outputs", "qa")
        assert result.code == 0, result.err
        for folder in (project.dist, project.root / "tm"):
            assert temporary_files(folder) == sorted(
                [
                    _named_for(alive.pid, started, "x.docx"),
                    _named_for(alive.pid, 0, "w.docx"),
                    ".old.docx.abcd1234.tmp",
                ]
            ), folder
    finally:
        alive.kill()
        alive.wait()


# --- kill -9 in the middle of a memory rewrite ----------------------------------------------------


def _kill_mid_rewrite(project: Project, tm: Path) -> list[str]:
    """Start a large ``tm import`` and kill -9 it while its new memory file is being written."""
    for _attempt in range(3):
        proc = start(project, "tm", "import", "big.tmx", "--tm", str(tm))
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if tm.is_dir() and any(n.startswith(".memory.jsonl.") for n in os.listdir(tm)):
                proc.kill()
                break
            time.sleep(0.0005)
        proc.wait()
        left = temporary_files(tm) if tm.is_dir() else []
        if proc.returncode == -signal.SIGKILL and left:
            return left
        shutil.rmtree(tm, ignore_errors=True)
    pytest.fail("could not kill the import while it wrote the memory")


@pytest.mark.parametrize("next_run", ["build", "tm import", "import"])
def test_a_memory_rewrite_killed_midway_leaves_nothing_after_the_next_run(project, next_run):
    tm = project.root / "tm"
    (project.root / "big.tmx").write_text(tmx("甲", 150_000), encoding="utf-8")
    (project.root / "small.tmx").write_text(tmx("乙", 5), encoding="utf-8")
    if next_run == "import":
        from word_xml import WordDocx, run

        assert project.run("build", "--outputs", "docx").code == 0
        doc = WordDocx(project.dist / f"{NAME}.zh-Hans_en.docx")
        doc.set_cell("p003.s01", 2, run("An editor's English."))
        doc.save(project.root / "edited.docx")
    left = _kill_mid_rewrite(project, tm)
    assert left and all(name.startswith(".memory.jsonl.") for name in left)
    if next_run == "import":
        result = project.run("import", "edited.docx")
    elif next_run == "tm import":
        result = project.run("tm", "import", "small.tmx")
    else:
        result = project.run("build", "--outputs", "qa")
    assert result.code == 0, result.err
    assert temporary_files(tm) == []
