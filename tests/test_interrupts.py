"""Ctrl-C and SIGTERM at every speed setting, default first: answered at once (no batch, in
flight or queued, is waited for), exit 130, outputs and memory untouched, finished translations
cached, never a traceback.

Timing is judged against the work the build had left, measured in the same test (see
``interrupting``): no wall-clock limit that a busy machine could break."""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import time

import pytest
from interrupting import TerminalBuild, package_of, round_seconds, write_long_sources

from bilingual.engines.argos import Work
from bilingual.engines.bench import CPU_BATCHES, default_layouts
from bilingual.engines.config import SpeedSettings, resolve
from conftest import SEED, Project, new_project

# The default configuration, then the sweep of `bilingual models bench` (layouts x batches).
SWEEP = [(w, t, kind, size) for w, t in default_layouts("cpu") for kind, size in CPU_BATCHES]
CONFIGURATIONS = [("default", signal.SIGINT), ("default", signal.SIGTERM)] + [
    (config, signal.SIGINT) for config in SWEEP
]


def _name(value) -> str:
    if isinstance(value, tuple):
        return "{}x{}-{}-{}".format(*value)
    return value.name if isinstance(value, signal.Signals) else str(value)


@pytest.fixture
def slow_project(tmp_path, slow_packages) -> Project:
    project = new_project(tmp_path, slow_packages)
    lines = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    for n in range(8):
        text = "\n".join(f"{line}(第{n}篇)" for line in lines)
        (project.root / "seeds" / f"article-{n}.txt").write_text(text, encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def long_project(tmp_path_factory, long_batch_packages) -> tuple[Project, list[str]]:
    """Many distinct sentences: every configuration makes many batches of seconds."""
    project = new_project(tmp_path_factory.mktemp("long"), long_batch_packages)
    return project, write_long_sources(project)


@pytest.fixture(scope="module")
def four_sentence_round(long_batch_packages, long_project):
    """Seconds a round of 4-sentence batches takes on this machine, per layout (measured once
    per layout, in this test run)."""
    package = package_of(long_batch_packages)
    _, texts = long_project
    measured: dict[tuple[int, int], float] = {}

    def seconds(workers: int, threads: int) -> float:
        if (workers, threads) not in measured:
            measured[workers, threads] = round_seconds(package, texts, workers, threads, 4)
        return measured[workers, threads]

    return seconds


def cached(project: Project) -> int:
    try:
        with sqlite3.connect(project.root / ".bilingual" / "cache.sqlite", timeout=5) as db:
            return db.execute("SELECT count(*) FROM translations").fetchone()[0]
    except sqlite3.Error:
        return 0


@pytest.mark.parametrize(("config", "sig"), CONFIGURATIONS, ids=_name)
def test_an_interrupt_at_every_speed_setting_waits_for_no_batch(
    long_project, long_batch_packages, four_sentence_round, config, sig
):
    project, texts = long_project
    if config == "default":
        args: tuple[str, ...] = ()
        engine = resolve(SpeedSettings())
    else:
        workers, threads, kind, size = config
        args = ("--workers", str(workers), "--threads", str(threads), "--batch-type", kind,
                "--batch-size", str(size))  # fmt: skip
        engine = resolve(SpeedSettings(workers=workers, threads=threads, batch_type=kind,
                                       batch_size=size))  # fmt: skip
    work = Work.plan(texts, package_of(long_batch_packages), engine, engine.workers)
    sentences = len(texts) / len(work.batches)  # in one batch of this configuration
    assert len(work.batches) > 6 * engine.workers  # far more than in flight: work is left
    # The least work left at any moment: one batch (a round of 4-sentence batches, scaled).
    four = four_sentence_round(engine.workers, engine.threads)
    batch = four * sentences / 4
    shutil.rmtree(project.root / ".bilingual", ignore_errors=True)

    build = TerminalBuild(project, *args)
    planned = build.wait_for("translating")
    # In the middle of the first batches: the model loaded, nothing finished yet.
    time.sleep(max(0.0, planned + min(batch, four) / 4 - time.monotonic()))
    seconds = build.interrupt(sig)

    assert build.proc.returncode == 130, build.output
    assert "bilingual: interrupted" in build.output and "Traceback" not in build.output
    assert cached(project) < len(texts) / 2  # most of the work was left...
    assert seconds < batch / 2, (  # ...and not even one batch of it was waited for
        f"answered after {seconds:.2f} s; one batch of {sentences:.0f} sentences takes "
        f"about {batch:.2f} s here"
    )
    assert not project.dist.exists()


def test_repeated_ctrl_c_prints_no_traceback_and_keeps_finished_work(slow_project):
    build = TerminalBuild(slow_project, "--batch-type", "examples", "--batch-size", "4")
    deadline = time.monotonic() + 300
    while cached(slow_project) == 0 and build.proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    build.interrupt(signal.SIGINT, times=5)
    assert build.proc.returncode == 130, build.output
    assert "Traceback" not in build.output and build.output.count("interrupted") == 1
    kept = cached(slow_project)
    assert kept > 0
    with sqlite3.connect(slow_project.root / ".bilingual" / "cache.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # The next build resumes: only what was not finished is translated.
    result = slow_project.run("build", "--json", "--batch-type", "examples", "--batch-size", "4")
    assert result.code == 0, result.err
    report = json.loads(result.out)["documents"]
    from_cache = sum(d["cache"] for d in report.values())
    assert from_cache >= kept  # each kept translation serves one segment or more
    assert sum(d["translated"] for d in report.values()) + from_cache == sum(
        d["segments"] - d["copied"] for d in report.values()
    )


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_the_outputs_are_renamed_lets_them_all_land(tmp_path, monkeypatch, sig):
    """Held during the renames, the signal is taken there: the build is complete and says so,
    rather than stopping with "as before" once every output was already in place."""
    import os

    from bilingual.project import build as pipeline

    dist = tmp_path / "dist"
    dist.mkdir()
    outputs = pipeline.StagedOutputs(dist, (), pipeline.WriteOptions(), None)  # type: ignore[arg-type]
    for name in ("a.md", "b.md"):
        staged = tmp_path / f".{name}.tmp"
        staged.write_text(name)
        outputs.pending.append((staged, dist / name))
    real_replace = os.replace

    def replace_and_signal(source, target):
        os.kill(os.getpid(), sig)  # arrives in the middle of the renames
        real_replace(source, target)

    monkeypatch.setattr(pipeline.os, "replace", replace_and_signal)
    written = outputs.commit()  # no KeyboardInterrupt, no SIGTERM death
    assert sorted(os.listdir(dist)) == ["a.md", "b.md"] and len(written) == 2
    assert outputs.interrupted


def test_an_interrupt_while_a_very_long_line_is_translated_waits_for_no_part(
    tmp_path, long_batch_packages, four_sentence_round
):
    """A line of 200,000 characters without a full stop is one segment; the model gets it in
    parts (``split_long``), batched like any other segments, so Ctrl-C waits for none of them."""
    from long_inputs import write_source

    project = new_project(tmp_path, long_batch_packages)
    for path in (project.root / "seeds").iterdir():
        path.unlink()
    line = write_source("line", 200_000, project.root / "seeds").read_text(encoding="utf-8")
    engine = resolve(SpeedSettings())
    work = Work.plan([line.strip()], package_of(long_batch_packages), engine, engine.workers)
    parts = len(work.tokens) / len(work.batches)  # in one batch
    assert len(work.batches) > 6 * engine.workers
    four = four_sentence_round(engine.workers, engine.threads)
    batch = four * parts / 4  # a part is longer than a sentence: a batch takes longer still

    build = TerminalBuild(project)
    planned = build.wait_for("translating")
    time.sleep(max(0.0, planned + min(batch, four) / 4 - time.monotonic()))
    seconds = build.interrupt(signal.SIGINT)

    assert build.proc.returncode == 130, build.output
    assert "Traceback" not in build.output
    assert seconds < batch / 2, f"answered after {seconds:.2f} s; a batch takes {batch:.2f} s"
    assert not project.dist.exists()
