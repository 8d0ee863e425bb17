"""Interrupting a build as a user does: at a terminal, while the progress bar moves.

Timing is judged against the work the build had left, measured on this machine in the same
test: a batch of the model the build runs takes seconds, and an interrupt that waited for even
one batch would take that long. So the assertions hold on a busy machine (everything slows down
together) and need no wall-clock constant.
"""

from __future__ import annotations

import os
import pty
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import SEED, Project

# Distinct sentences of about 55 tokens (8 in a batch of 512 tokens, the smallest of the sweep):
# many batches of 64 for every layout of this machine.
LONG_SEGMENTS = 64 * (6 * len(os.sched_getaffinity(0)) + 3)


def long_sentences(count: int = LONG_SEGMENTS, length: int = 70) -> list[str]:
    """``count`` distinct one-sentence lines of about ``length`` characters of the seed article
    (no sentence punctuation inside)."""
    text = re.sub(r"[。！？!?；;…\s]", "", SEED.read_text(encoding="utf-8"))
    lines = []
    for n in range(count):
        start = (n * 37) % (len(text) - length)
        lines.append(f"第{n}段：{text[start : start + length]}。")
    return lines


def write_long_sources(project: Project, count: int = LONG_SEGMENTS, length: int = 70) -> list[str]:
    """Replace the project's sources with four articles of ``count`` sentences in all."""
    seeds = project.root / "seeds"
    for path in seeds.iterdir():
        path.unlink()
    lines = long_sentences(count, length)
    for k in range(4):
        (seeds / f"part-{k}.txt").write_text("\n\n".join(lines[k::4]) + "\n", encoding="utf-8")
    return lines


def package_of(packages: Path):
    from argostranslate.package import Package

    return Package(next(p for p in packages.iterdir() if p.is_dir()))


def round_seconds(package, texts: list[str], workers: int, threads: int, size: int) -> float:
    """Seconds one round of batches takes now: ``workers`` batches of ``size`` of ``texts``,
    one per translator, in parallel, decoded as a build decodes."""
    import ctranslate2

    from bilingual.engines.argos import SEARCH

    tokens = [package.tokenizer.encode(t) for t in texts[: workers * size]]
    translator = ctranslate2.Translator(
        str(Path(package.package_path) / "model"), inter_threads=workers, intra_threads=threads
    )
    translator.translate_batch(tokens[:1], max_decoding_length=4)  # warm up
    start = time.perf_counter()
    rounds = [
        translator.translate_batch(tokens[k * size : (k + 1) * size], asynchronous=True, **SEARCH)
        for k in range(workers)
    ]
    for batch in rounds:
        for result in batch:
            result.result()
    return time.perf_counter() - start


class TerminalBuild:
    """``bilingual build ARGS`` with its stderr on a pseudo-terminal (the progress bars show)."""

    def __init__(self, project: Project, *args: str):
        master, slave = pty.openpty()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bilingual", "build", *args],
            cwd=project.root,
            env=project.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=slave,
        )
        os.close(slave)
        self._master = master
        self._output = bytearray()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self._master, 4096)
            except OSError:  # the terminal closed: the build ended
                break
            if not chunk:
                break
            self._output += chunk
        os.close(self._master)

    @property
    def output(self) -> str:
        return self._output.decode("utf-8", errors="replace")

    def wait_for(self, text: str, timeout: float = 300) -> float:
        """Wait until the terminal shows ``text``; the moment it did (time.monotonic())."""
        deadline = time.monotonic() + timeout
        while text not in self.output:
            assert self.proc.poll() is None, f"the build ended first:\n{self.output}"
            assert time.monotonic() < deadline, f"{text!r} never shown:\n{self.output}"
            time.sleep(0.01)
        return time.monotonic()

    def interrupt(self, sig: int = signal.SIGINT, times: int = 1) -> float:
        """Send ``sig`` (``times`` times, 50 ms apart); seconds until the process ended."""
        assert self.proc.poll() is None, f"the build ended before the signal:\n{self.output}"
        sent = time.monotonic()
        for n in range(times):
            if n:
                time.sleep(0.05)
            self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=600)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
        seconds = time.monotonic() - sent
        self._reader.join(timeout=10)
        return seconds
