"""The same sources, glossary, memory and model give the same bytes in every output, whenever,
wherever and by whomever the build runs: publishers keep ``dist/`` in version control."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx

from conftest import REPO, Project, new_project
from sources import write_docx, write_markdown

OUTPUTS = ["docx", "md", "html", "epub", "qa", "xliff"]  # every writer
REFERENCE = REPO / "tests" / "fixtures" / "reference" / "memory.jsonl"
NAME = "zhou-hongyi-on-sora"


def every_kind_of_source(project: Project) -> None:
    """Text, Markdown (front matter, a picture) and Word sources; an editor's English in the
    memory; every output asked for."""
    write_markdown(project.root / "seeds")
    write_docx(project.root / "seeds")
    (project.root / "tm").mkdir()
    entries = REFERENCE.read_text(encoding="utf-8").splitlines()[:10]
    (project.root / "tm" / "memory.jsonl").write_text("\n".join(entries) + "\n", encoding="utf-8")
    folders = "".join(f'{key} = "{key}"\n' for key in ("seeds", "glossary", "dist", "tm"))
    (project.root / "bilingual.toml").write_text(folders + f"outputs = {json.dumps(OUTPUTS)}\n")


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def run(project: Project, *args: str, cwd: Path | None = None, umask: int = 0o022, **env: str):
    """``bilingual ARGS`` in a process of its own, from ``cwd`` (default: the project)."""
    result = subprocess.run(
        [sys.executable, "-m", "bilingual", *args],
        cwd=cwd or project.root,
        env={**project.env, **env},
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=lambda: os.umask(umask),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_two_builds_write_the_same_bytes_in_every_output(project, tmp_path):
    every_kind_of_source(project)
    run(project, "build", PYTHONHASHSEED="1", TZ="UTC")
    first = files(project.dist)
    kinds = {name.rsplit(".", 1)[-1] for name in first}
    assert {"docx", "md", "html", "epub", "json", "xlf", "png"} <= kinds, kinds
    tmx = run(project, "tm", "export", "--output", str(tmp_path / "first.tmx"))
    shutil.rmtree(project.dist)
    time.sleep(2.1)  # ZIP entries keep times to 2 seconds: let a clock-read one differ

    # Another process, another working directory, another umask, time zone and hash seed.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    config = str(project.root / "bilingual.toml")
    run(
        project,
        "build",
        "--config",
        config,
        cwd=elsewhere,
        umask=0o027,
        PYTHONHASHSEED="2",
        TZ="Pacific/Kiritimati",
    )
    assert files(project.dist) == first
    run(project, "tm", "export", "--config", config, "--output", str(tmp_path / "second.tmx"))
    assert tmx.returncode == 0
    assert (tmp_path / "first.tmx").read_bytes() == (tmp_path / "second.tmx").read_bytes()


def test_source_date_epoch_stands_for_files_times_and_a_sources_own_date_wins(
    tmp_path, installed_packages
):
    """Two checkouts of one project (the files' times differ) build the same bytes when
    SOURCE_DATE_EPOCH is set; it dates the DOCX's core properties and ZIP entries, the EPUB."""
    epoch = "1700000000"  # 2023-11-14 22:13:20 UTC
    builds = []
    for n, mtime in enumerate((1_600_000_000, 1_650_000_000)):
        (tmp_path / f"checkout{n}").mkdir()
        project = new_project(tmp_path / f"checkout{n}", installed_packages)
        every_kind_of_source(project)
        for path in (project.root / "seeds").rglob("*"):
            os.utime(path, (mtime, mtime))
        run(project, "build", SOURCE_DATE_EPOCH=epoch)
        builds.append(project)
    assert files(builds[0].dist) == files(builds[1].dist)

    dist = builds[0].dist
    core = docx.Document(str(dist / f"{NAME}.zh-Hans_en.docx")).core_properties
    assert core.created.isoformat() == core.modified.isoformat() == "2023-11-14T00:00:00+00:00"
    assert core.author == ""  # a text file names no author, and the tool is none
    worded = docx.Document(str(dist / "worded.zh-Hans_en.docx")).core_properties
    assert worded.author == "周编辑"  # Word's own creator, as the EPUB's
    for suffix in ("docx", "epub"):
        with zipfile.ZipFile(dist / f"{NAME}.zh-Hans_en.{suffix}") as archive:
            assert {i.date_time for i in archive.infolist()} == {(2023, 11, 14, 0, 0, 0)}
            names = archive.namelist()
            assert names[0] == ("mimetype" if suffix == "epub" else "[Content_Types].xml")
    with zipfile.ZipFile(dist / f"{NAME}.zh-Hans_en.epub") as archive:
        opf = next(n for n in archive.namelist() if n.endswith(".opf"))
        assert b"<dc:date>2023-11-14</dc:date>" in archive.read(opf)
    # The Markdown source's front matter has its own date (2024-03-01): it wins.
    structured = docx.Document(str(dist / "structured.zh-Hans_en.docx")).core_properties
    assert structured.created.date().isoformat() == "2024-03-01"


def test_without_source_date_epoch_a_source_is_dated_by_its_file(project):
    seed = project.root / "seeds" / f"{NAME}.txt"
    when = 1_620_259_200  # 2021-05-06 00:00 UTC
    os.utime(seed, (when, when))
    env = {k: v for k, v in project.env.items() if k != "SOURCE_DATE_EPOCH"}
    result = subprocess.run(
        [sys.executable, "-m", "bilingual", "build"],
        cwd=project.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    core = docx.Document(str(project.dist / f"{NAME}.zh-Hant_en.docx")).core_properties
    assert core.modified.date().isoformat() == "2021-05-06"


def test_a_malformed_source_date_epoch_stops_the_build_with_one_line(project):
    result = subprocess.run(
        [sys.executable, "-m", "bilingual", "build"],
        cwd=project.root,
        env={**project.env, "SOURCE_DATE_EPOCH": "yesterday"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "SOURCE_DATE_EPOCH" in result.stderr
    assert not project.dist.exists() or not any(project.dist.iterdir())
