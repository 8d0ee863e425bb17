"""Where things are and how to build: defaults, then ``bilingual.toml``, then Argos's own
settings (``ARGOS_*`` environment variables or its settings.json), then command-line flags."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from bilingual.engines.config import RaySettings, SpeedSettings, argos_settings
from bilingual.errors import InputError
from bilingual.stages.traditional import CONFIGS

CONFIG_FILE = "bilingual.toml"
PAPERS = ("a4", "letter")
PDF_LAYOUTS = ("facing", "columns")
XLIFF_VERSIONS = ("2.1", "1.2")
XLIFF_TARGETS = ("english", "source")
FUZZY_LOWEST = 50  # below it a "match" shares only half its characters: noise, and slow


def _all_writers() -> tuple[str, ...]:
    from bilingual.writers import WRITERS

    return tuple(name for name, entry in WRITERS.items() if entry.info.default)


def _all_checks() -> tuple[str, ...]:
    from bilingual.stages.qa import CHECKS

    return tuple(CHECKS)


@dataclass(frozen=True)
class Settings:
    seeds: Path = Path("seeds")
    glossary: Path = Path("glossary")
    dist: Path = Path("dist")
    tm: Path = Path("tm")  # the translation memory (commit it)
    state: Path = Path(".bilingual")  # cache, edition bases and lock (do not commit)
    traditional: str = "s2twp"
    # Translation speed (engines/config.py checks them against the machine; 0/"auto": measured).
    workers: int = 0  # parallel translators per device (ARGOS_INTER_THREADS)
    threads: int = 0  # threads per translator (ARGOS_INTRA_THREADS)
    batch_size: int = 0  # per CTranslate2 batch, in examples or tokens (ARGOS_BATCH_SIZE)
    batch_type: str = "auto"  # "examples", "tokens" or "auto"
    compute_type: str = "auto"  # CTranslate2 compute type (ARGOS_COMPUTE_TYPE)
    device: str = "cpu"  # "cpu", "cuda" or "auto" (ARGOS_DEVICE_TYPE)
    device_index: tuple[int, ...] = (0,)  # GPUs to use, with device = "cuda"
    ray: RaySettings = field(default_factory=RaySettings)
    engine: str = "argos"
    outputs: tuple[str, ...] = ()  # () = every registered writer
    paper: str = "a4"
    qa_off: tuple[str, ...] = ()  # QA checks switched off, by name
    xliff_version: str = "2.1"
    xliff_targets: str = "english"  # what XLIFF <target> holds; "source" for OmegaT
    pdf_layout: str = "facing"  # the print edition: "facing" pages or two "columns"
    fuzzy_threshold: int = 75  # percent: the memory's matches offered to editors (0: none)

    @property
    def speed(self) -> SpeedSettings:
        """The settings of how the engine runs."""
        return SpeedSettings(
            self.workers,
            self.threads,
            self.batch_size,
            self.batch_type,
            self.compute_type,
            self.device,
            self.device_index,
            self.ray,
            self.engine,
        )

    def check(self) -> Settings:
        from bilingual.engines import ENGINES
        from bilingual.writers import WRITERS

        if self.traditional not in CONFIGS:
            raise InputError(
                f"unknown Traditional conversion '{self.traditional}'; "
                f"choose one of {', '.join(CONFIGS)}"
            )
        from bilingual.engines.config import check_settings

        check_settings(self.speed)
        if self.engine not in ENGINES:
            raise InputError(
                f"unknown engine '{self.engine}'; choose one of {', '.join(ENGINES.names())}"
            )
        unknown = [name for name in self.outputs if name not in WRITERS]
        if unknown:
            raise InputError(
                f"unknown output '{unknown[0]}'; choose from {', '.join(WRITERS.names())}"
            )
        unknown_checks = [name for name in self.qa_off if name not in _all_checks()]
        if unknown_checks:
            raise InputError(
                f"unknown QA check '{unknown_checks[0]}' in qa_off; "
                f"choose from {', '.join(_all_checks())}"
            )
        if self.paper not in PAPERS:
            raise InputError(f"unknown paper '{self.paper}'; choose one of {', '.join(PAPERS)}")
        if self.pdf_layout not in PDF_LAYOUTS:
            raise InputError(
                f"unknown pdf_layout '{self.pdf_layout}'; choose one of {', '.join(PDF_LAYOUTS)}"
            )
        if self.xliff_version not in XLIFF_VERSIONS or self.xliff_targets not in XLIFF_TARGETS:
            raise InputError(
                f"xliff_version must be one of {', '.join(XLIFF_VERSIONS)}, "
                f"xliff_targets one of {', '.join(XLIFF_TARGETS)}"
            )
        if self.fuzzy_threshold != 0 and not FUZZY_LOWEST <= self.fuzzy_threshold <= 100:
            raise InputError(
                f"fuzzy_threshold must be a percentage from {FUZZY_LOWEST} to 100, or 0 for no "
                f"fuzzy matches (it is {self.fuzzy_threshold})"
            )
        outputs = tuple(dict.fromkeys(self.outputs)) or _all_writers()
        engine = "ray" if self.ray.address and self.engine == "argos" else self.engine
        return replace(self, outputs=outputs, engine=engine)


_PATHS = {"seeds", "glossary", "dist", "tm", "state"}
_TYPES: dict[str, type | tuple[type, ...]] = {
    "workers": int,
    "threads": int,
    "fuzzy_threshold": int,
    "batch_size": int,
    "outputs": list,
    "qa_off": list,
    "device_index": (int, list),
    "ray": dict,
    "gpus": (int, float),
}
_TYPE_NAMES = {int: "a whole number", list: "a list", dict: "a table", str: "a string"}


def _value(path: Path, key: str, value: Any) -> Any:
    expected = _TYPES.get(key, str)
    well_typed = isinstance(value, expected) and not isinstance(value, bool)
    if not well_typed:
        kinds = expected if isinstance(expected, tuple) else (expected,)
        name = " or ".join(_TYPE_NAMES.get(kind, "a number") for kind in kinds)
        raise InputError(f"{path}: '{key}' must be {name}")
    if key in ("outputs", "qa_off"):
        if not all(isinstance(v, str) for v in value):
            raise InputError(f"{path}: '{key}' must be a list of names")
        return tuple(value)
    if key == "device_index":
        indexes = value if isinstance(value, list) else [value]
        if not indexes or not all(isinstance(i, int) and not isinstance(i, bool) for i in indexes):
            raise InputError(f"{path}: 'device_index' must be a GPU number or a list of them")
        return tuple(indexes)
    if key == "ray":
        return _ray_table(path, value)
    return path.parent / value if key in _PATHS else value


def _ray_table(path: Path, table: dict) -> RaySettings:
    return RaySettings(**_table(path, table, RaySettings, " in [ray]"))


def _table(path: Path, table: dict, kind: type, where: str = "") -> dict[str, Any]:
    """A TOML table's values for the dataclass ``kind``; an unknown key is refused by name."""
    known = {f.name for f in fields(kind)}
    values = {}
    for key, value in table.items():
        if key not in known:
            raise InputError(
                f"{path}: unknown setting '{key}'{where} (known: {', '.join(sorted(known))})"
            )
        values[key] = _value(path, key, value)
    return values


def load_settings(config: Path | None, overrides: dict) -> Settings:
    """Defaults, the config file (``config`` or ./bilingual.toml if present), then overrides."""
    settings = Settings()
    path = config or (Path(CONFIG_FILE) if Path(CONFIG_FILE).is_file() else None)
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror})") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: {exc}") from None
        settings = replace(settings, **_table(path, data, Settings))
    settings = replace(settings, **argos_settings())
    flags = {k: v for k, v in overrides.items() if v is not None and k != "ray"}
    settings = replace(settings, **flags)
    ray = {k: v for k, v in (overrides.get("ray") or {}).items() if v is not None}
    if ray:
        settings = replace(settings, ray=replace(settings.ray, **ray))
    return settings.check()
