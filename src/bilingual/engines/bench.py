"""``bilingual models bench``: the installed model's speed on this machine over a sweep of
engine settings (workers x threads x batch type and size), and the fastest saved if asked.

It translates the texts it is given (the project's segments, as the build sends them) with the real
engine, one model load per workers x threads layout; each trial is timed after a warm-up. The
fastest is written into ``bilingual.toml`` with tomlkit, which keeps the user's comments and
layout.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from bilingual.engines.config import (
    ARGOS_NAMES,
    EngineConfig,
    SpeedSettings,
    argos_settings,
    cores,
    resolve,
)
from bilingual.errors import EnvironmentProblem, InputError, ModelError

Batch = tuple[str, int]  # (batch type, batch size)
CPU_BATCHES: tuple[Batch, ...] = (
    ("examples", 8),
    ("examples", 16),
    ("examples", 32),
    ("examples", 64),
    ("tokens", 512),
    ("tokens", 1024),
    ("tokens", 2048),
    ("tokens", 4096),
)
GPU_BATCHES: tuple[Batch, ...] = (
    ("examples", 64),
    ("tokens", 2048),
    ("tokens", 4096),
    ("tokens", 8192),
    ("tokens", 16384),
)
SAVED = ("workers", "threads", "batch_type", "batch_size")


@dataclass(frozen=True)
class Trial:
    workers: int
    threads: int
    batch_type: str
    batch_size: int
    seconds: float
    segments: int
    tokens: int

    @property
    def segments_per_second(self) -> float:
        return self.segments / self.seconds if self.seconds else 0.0

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / self.seconds if self.seconds else 0.0


def default_layouts(device: str) -> list[tuple[int, int]]:
    """Workers x threads that use every core once (on GPU: one or two translators per GPU)."""
    if device == "cuda":
        return [(1, 1), (2, 1)]
    n = cores()
    return [(w, n // w) for w in range(1, n + 1) if n % w == 0]


def sweep(
    package,
    texts: Sequence[str],
    base: EngineConfig,
    layouts: Sequence[tuple[int, int]],
    batches: Sequence[Batch],
    *,
    repeat: int = 1,
    on_trial: Callable[[Trial], None] = lambda trial: None,
) -> list[Trial]:
    """Every layout x batch, timed (best of ``repeat``) on ``texts``."""
    from bilingual.engines.argos import ArgosEngine

    tokens = sum(len(package.tokenizer.encode(t)) for t in texts)
    trials = []
    for workers, threads in layouts:
        engine = ArgosEngine(package, replace(base, workers=workers, threads=threads))
        list(engine.translate(texts[: max(2, workers * 2)]))  # warm up: allocations, caches
        for batch_type, batch_size in batches:
            engine.config = replace(engine.config, batch_type=batch_type, batch_size=batch_size)
            best = float("inf")
            for _ in range(repeat):
                start = time.perf_counter()
                for _ in engine.translate(texts):
                    pass
                best = min(best, time.perf_counter() - start)
            trial = Trial(workers, threads, batch_type, batch_size, best, len(texts), tokens)
            trials.append(trial)
            on_trial(trial)
        del engine
    return trials


def table(trials: Sequence[Trial]) -> str:
    fastest = min(trials, key=lambda t: t.seconds)
    lines = [
        "| workers | threads | batch | seconds | segments/s | tokens/s |",
        "| ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for t in sorted(trials, key=lambda t: t.seconds):
        mark = " (fastest)" if t is fastest else ""
        lines.append(
            f"| {t.workers} | {t.threads} | {t.batch_size} {t.batch_type}{mark} | "
            f"{t.seconds:.2f} | {t.segments_per_second:.1f} | {t.tokens_per_second:.0f} |"
        )
    return "\n".join(lines)


def save(path: Path, trial: Trial) -> None:
    """Write the trial's settings into ``path`` (created if missing), comments kept."""
    import tomlkit

    from bilingual.util.atomic import write_text

    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8")) if path.exists() else None
    except (OSError, UnicodeDecodeError, tomlkit.exceptions.ParseError) as exc:
        raise InputError(f"{path}: cannot update ({exc})") from None
    if document is None:
        document = tomlkit.document()
        document.add(tomlkit.comment("Measured by `bilingual models bench` on this machine."))
    values = asdict(trial)
    for key in SAVED:
        document[key] = values[key]
    try:
        write_text(path, tomlkit.dumps(document))
    except OSError as exc:
        raise EnvironmentProblem(f"{path}: cannot write ({exc.strerror})") from None


def overridden() -> list[str]:
    """Argos settings (environment or Argos's settings.json) that would override the saved
    ones on this machine."""
    return [ARGOS_NAMES[key] for key in argos_settings() if key in SAVED]


@dataclass(frozen=True)
class Bench:
    config: EngineConfig  # device and compute type measured on
    trials: list[Trial]

    @property
    def fastest(self) -> Trial:
        return min(self.trials, key=lambda t: t.seconds)


def measure(
    settings: SpeedSettings,
    sample: Callable[[int], list[str]],
    layouts: Sequence[tuple[int, int]] | None,
    batches: Sequence[Batch] | None,
    segments: int,
    repeat: int,
    say: Callable[[str], None],
) -> Bench:
    """The sweep on the installed model with ``sample(segments)``, the texts to translate
    (defaults: every split of the cores, and the batch shapes of the device)."""
    from bilingual.engines import packages as argos_models
    from bilingual.engines.config import check_settings

    package = argos_models.find_zh_en()
    if package is None:
        raise ModelError(f"no zh->en model installed; {argos_models.INSTALL_HINT}")
    base = resolve(replace(settings, engine="argos"))  # device and compute type, as a build
    layouts = layouts or default_layouts(base.device)
    for workers, threads in layouts:  # the limits of the settings
        check_settings(replace(settings, workers=workers, threads=threads))
    batches = batches or (GPU_BATCHES if base.device == "cuda" else CPU_BATCHES)
    if segments < 1 or repeat < 1:
        raise InputError("--segments and --repeat must be 1 or more")
    texts = sample(segments)
    say(
        f"measuring {argos_models.model_info(package).name} on {base.device} "
        f"({base.compute_type}) with {len(texts)} segments: "
        f"{len(layouts)} layouts x {len(batches)} batch shapes"
    )

    def report(t: Trial) -> None:
        say(f"  {t.workers}x{t.threads} {t.batch_type}:{t.batch_size}: {t.seconds:.2f} s")

    trials = sweep(package, texts, base, layouts, batches, repeat=repeat, on_trial=report)
    return Bench(base, trials)
