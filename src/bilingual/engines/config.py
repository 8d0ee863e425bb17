"""How a translation engine runs: device, compute type, parallel translators, batch shape.

``check_settings`` refuses what no machine could do (negative or absurd numbers, unknown names)
when the settings are read; ``resolve`` turns the settings into an ``EngineConfig`` for this
machine, with the measured defaults filled in, and refuses what this machine cannot do (a GPU
that is not there, a compute type its processor lacks), before anything is translated.

The defaults were measured with ``bilingual models bench`` and ``benchmarks/bench_build.py`` on
a Transformer-base-size package (README, "Speed"): on CPU, CTranslate2's data parallelism (one
translator per core, one thread each, sharing one copy of the weights) beats one translator
using every core, and small token batches keep every translator busy to the end.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bilingual.errors import InputError, ModelError

DEVICES = ("cpu", "cuda", "auto")  # auto: cuda when this machine has a usable GPU
BATCH_TYPES = ("examples", "tokens")
COMPUTE_TYPES = (
    "auto",  # the model's own type on CPU (int8 for Argos models); int8_float16 on GPU
    "default",
    "int8",
    "int8_float32",
    "int8_float16",
    "int8_bfloat16",
    "int16",
    "float16",
    "bfloat16",
    "float32",
)
# Measured defaults (README, "Speed"): (batch type, batch size) per device.
DEFAULT_BATCH = {"cpu": ("tokens", 1024), "cuda": ("tokens", 8192)}
DEFAULT_EXAMPLES = 32  # batch size when examples are asked for without a size
GPU_COMPUTE_TYPES = ("int8_float16", "float16")  # "auto" on GPU: the first one supported
# Limits "within reason": beyond these nothing gets faster, and CTranslate2 may crash instead.
THREADS_PER_CORE = 4  # workers x threads at most this many times the cores
MAX_WORKERS_PER_GPU = 16
MAX_BATCH = {"examples": 4096, "tokens": 262_144}


def cores() -> int:
    """The cores this process may run on (a container's share, not the host's)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class RaySettings:
    """The ``[ray]`` table: where the cluster is and the translators it runs."""

    address: str | None = None  # "local" (a cluster of this machine), "auto", [ray://]HOST:PORT
    workers: int = 0  # translators (Ray actors); 0: as many as the cluster's CPUs or GPUs allow
    threads: int = 1  # CPU threads per worker
    gpus: float = 0  # GPUs per worker (0: translate on CPU)


@dataclass(frozen=True)
class SpeedSettings:
    """The settings of how an engine runs, as the user gave them (0 and "auto": measured)."""

    workers: int = 0  # parallel translators per device (ARGOS_INTER_THREADS)
    threads: int = 0  # threads per translator (ARGOS_INTRA_THREADS)
    batch_size: int = 0  # per CTranslate2 batch, in examples or tokens (ARGOS_BATCH_SIZE)
    batch_type: str = "auto"  # "examples", "tokens" or "auto"
    compute_type: str = "auto"  # CTranslate2 compute type (ARGOS_COMPUTE_TYPE)
    device: str = "cpu"  # "cpu", "cuda" or "auto" (ARGOS_DEVICE_TYPE)
    device_index: tuple[int, ...] = (0,)  # GPUs to use, with device = "cuda"
    ray: RaySettings = field(default_factory=lambda: RaySettings())
    engine: str = "argos"


@dataclass(frozen=True)
class EngineConfig:
    device: str = "cpu"
    device_index: tuple[int, ...] = (0,)
    compute_type: str = "default"  # as CTranslate2 takes it; "default": the model's own
    workers: int = 1  # translators per device, sharing one copy of the weights
    threads: int = 1  # threads per translator
    batch_size: int = 1024
    batch_type: str = "tokens"
    ray: RaySettings | None = None  # for the Ray engine: the cluster and its workers


def check_settings(settings: SpeedSettings) -> None:
    """Refuse speed settings that no machine could honour; one line naming the setting."""
    if settings.device not in DEVICES:
        raise InputError(f"unknown device '{settings.device}'; choose one of {', '.join(DEVICES)}")
    if settings.compute_type not in COMPUTE_TYPES:
        raise InputError(
            f"unknown compute type '{settings.compute_type}'; "
            f"choose one of {', '.join(COMPUTE_TYPES)}"
        )
    if settings.batch_type not in ("auto", *BATCH_TYPES):
        raise InputError(
            f"unknown batch type '{settings.batch_type}'; choose examples, tokens or auto"
        )
    for name in ("workers", "threads", "batch_size"):
        if getattr(settings, name) < 0:
            raise InputError(f"{name.replace('_', ' ')} must be 0 (measured default) or more")
    if any(i < 0 for i in settings.device_index) or len(set(settings.device_index)) != len(
        settings.device_index
    ):
        raise InputError("device index: GPU numbers must be 0 or more, each listed once")
    batch_type = settings.batch_type if settings.batch_type != "auto" else "tokens"
    if settings.batch_size > MAX_BATCH[batch_type]:
        raise InputError(
            f"batch size {settings.batch_size} is beyond reason for {batch_type} batches "
            f"(at most {MAX_BATCH[batch_type]}); 0 picks the measured default"
        )
    limit = THREADS_PER_CORE * cores()
    if settings.device != "cuda" and settings.workers * max(settings.threads, 1) > limit:
        raise InputError(
            f"workers x threads = {settings.workers * max(settings.threads, 1)} is more than "
            f"this machine can use ({cores()} cores: at most {limit}); 0 picks the measured default"
        )
    if settings.threads > limit:
        raise InputError(
            f"threads {settings.threads} is more than this machine can use ({cores()} cores: "
            f"at most {limit}); 0 picks the measured default"
        )
    if settings.device == "cuda" and settings.workers > MAX_WORKERS_PER_GPU:
        raise InputError(f"workers: at most {MAX_WORKERS_PER_GPU} translators per GPU")
    _check_ray(settings.ray)


def _check_ray(ray: RaySettings) -> None:
    if ray.workers < 0 or ray.threads < 1 or ray.gpus < 0:
        raise InputError("[ray]: workers must be 0 (all the cluster allows) or more, threads 1 "
                         "or more, gpus 0 or more")  # fmt: skip
    if ray.threads > 256 or ray.workers > 4096 or ray.gpus > 64:
        raise InputError("[ray]: workers, threads or gpus beyond reason")
    if ray.address is not None and not _ray_address(ray.address):
        raise InputError(
            f"ray address '{ray.address}': expected local, auto, HOST:PORT or ray://HOST:PORT"
        )


def _ray_address(address: str) -> bool:
    if address in ("local", "auto"):
        return True
    host, _, port = address.removeprefix("ray://").rpartition(":")
    return bool(host.strip("[]")) and port.isdigit() and 0 < int(port) < 65536


def _batch(settings: SpeedSettings, device: str) -> tuple[int, str]:
    batch_type, batch_size = DEFAULT_BATCH["cuda" if device == "cuda" else "cpu"]
    if settings.batch_type not in ("auto", batch_type):
        batch_type, batch_size = settings.batch_type, DEFAULT_EXAMPLES
    return settings.batch_size or batch_size, batch_type


def resolve(settings: SpeedSettings) -> EngineConfig:
    """The engine's configuration on this machine; ModelError (exit 3) if it cannot run here."""
    if settings.engine == "ray":
        ray = settings.ray
        device, compute_type = ray_runtime(ray, settings.compute_type)
        batch_size, batch_type = _batch(settings, device)
        return EngineConfig(device, (0,), compute_type, ray.workers, ray.threads, batch_size,
                            batch_type, ray=ray)  # fmt: skip
    if settings.device == "auto":
        settings = replace(settings, device="cuda" if _cuda_devices() else "cpu")
    batch_size, batch_type = _batch(settings, settings.device)
    if settings.device == "cuda":
        return _resolve_cuda(settings, batch_size, batch_type)
    threads = settings.threads or 1
    workers = settings.workers or max(1, cores() // threads)
    compute_type = _compute_type(settings.compute_type, "cpu")
    return EngineConfig("cpu", (0,), compute_type, workers, threads, batch_size, batch_type)


def _cuda_devices() -> int:
    import ctranslate2

    try:
        return ctranslate2.get_cuda_device_count()
    except RuntimeError:  # a driver too old for the CUDA runtime
        return 0


def _resolve_cuda(settings: SpeedSettings, batch_size: int, batch_type: str) -> EngineConfig:
    count = _cuda_devices()
    if count == 0:
        raise ModelError(
            "device cuda: no usable CUDA GPU on this machine (driver and cuBLAS 12 needed); "
            'set device = "cpu" or ARGOS_DEVICE_TYPE=cpu'
        )
    missing = [i for i in settings.device_index if i >= count]
    if missing:
        raise ModelError(
            f"device index {missing[0]}: this machine has {count} GPU(s), numbered 0 to {count - 1}"
        )
    compute_type = _compute_type(settings.compute_type, "cuda")
    return EngineConfig(
        "cuda",
        settings.device_index,
        compute_type,
        settings.workers or 1,
        settings.threads or 1,
        batch_size,
        batch_type,
    )


def _compute_type(wanted: str, device: str) -> str:
    """``wanted`` as CTranslate2 takes it on ``device``, refused if this machine lacks it."""
    if wanted == "default" or (wanted == "auto" and device == "cpu"):
        return "default"  # what Argos does: the model's own type (int8)
    import ctranslate2

    try:
        supported = set(ctranslate2.get_supported_compute_types(device))
    except (RuntimeError, ValueError):
        supported = set()
    if wanted == "auto":
        return next((t for t in GPU_COMPUTE_TYPES if t in supported), "default")
    if wanted not in supported:
        raise ModelError(
            f"compute type {wanted} is not supported on this machine's {device} "
            f"(supported: {', '.join(sorted(supported)) or 'none'}); set compute_type or "
            "ARGOS_COMPUTE_TYPE to one of them, or to auto"
        )
    return wanted


def ray_runtime(ray: RaySettings, compute_type: str) -> tuple[str, str]:
    """Device and compute type of Ray workers (checked on each node when they start)."""
    if ray.gpus > 0:
        return "cuda", GPU_COMPUTE_TYPES[0] if compute_type == "auto" else compute_type
    return "cpu", "default" if compute_type == "auto" else compute_type


# Argos Translate's own names for the settings it shares with us (environment or settings.json).
ARGOS_NAMES = {
    "workers": "ARGOS_INTER_THREADS",
    "threads": "ARGOS_INTRA_THREADS",
    "batch_size": "ARGOS_BATCH_SIZE",
    "compute_type": "ARGOS_COMPUTE_TYPE",
    "device": "ARGOS_DEVICE_TYPE",
}


def _argos_settings_file() -> dict:
    """Argos's settings.json (read as Argos does; importing Argos's settings module would fail
    on the very values we are about to check)."""
    import json
    import os

    home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    try:
        data = json.loads((home / "argos-translate" / "settings.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def argos_settings() -> dict[str, Any]:
    """The speed settings given under Argos's own names (environment first, then its
    settings.json), as Settings values; a value that is not a number is refused by name."""
    import os

    from_file = _argos_settings_file()
    values: dict[str, Any] = {}
    for key, name in ARGOS_NAMES.items():
        raw = os.environ.get(name, from_file.get(name))
        if raw is None or str(raw).strip() == "":
            continue
        raw = str(raw).strip()
        if key in ("workers", "threads", "batch_size"):
            try:
                values[key] = int(raw)
            except ValueError:
                raise InputError(f"{name}={raw!r}: must be a whole number") from None
        elif not (key == "compute_type" and raw == "auto"):
            values[key] = raw
    return values
