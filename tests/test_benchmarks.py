"""The build benchmark's smoke run: the sweep, the baseline, the interrupt and the tables."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def test_bench_build_quick_prints_the_readme_tables(tmp_path):
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench_build.py"), "--quick",
         "--work", str(tmp_path)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "| workers x threads | batch | seconds | segments/s |" in out
    assert "| cold build <= 1.10x the fastest raw configuration (same configuration) |" in out
    assert "| Ctrl-C answered < 2 s: in process, default settings (mid-batch" in out
    assert "| Ctrl-C answered < 2 s: in process, worst of the sweep's 2 configurations |" in out
    assert "| configuration | seconds |" in out
    assert "driver ms/segment" in out and "segments/s per core" in out
    assert (tmp_path / "results.md").read_text(encoding="utf-8") == out.rstrip("\n") + "\n"


def test_bench_memory_quick_prints_the_readme_tables(tmp_path):
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench_memory.py"), "--quick",
         "--work", str(tmp_path)],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "| memory | TMX (MB) | tm import (s) | peak RSS (MB) | summary |" in out
    assert "| 2,000 units |" in out and "2000 taken" in out
    assert "| cold | 2,000 |" in out and "| no change | empty |" in out
    assert "the index finds" in out
    assert (tmp_path / "memory-results.md").read_text(encoding="utf-8") == out.rstrip("\n") + "\n"
