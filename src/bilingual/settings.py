"""Where things are and how to build: defaults, then ``bilingual.toml``, then command-line flags."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from bilingual.errors import InputError
from bilingual.traditional import CONFIGS

CONFIG_FILE = "bilingual.toml"
PAPERS = ("a4", "letter")
XLIFF_VERSIONS = ("2.1", "1.2")
XLIFF_TARGETS = ("english", "source")


def _all_writers() -> tuple[str, ...]:
    from bilingual.writers import WRITERS

    return tuple(name for name, entry in WRITERS.items() if entry.info.default)


def _all_checks() -> tuple[str, ...]:
    from bilingual.qa import CHECKS

    return tuple(CHECKS)


@dataclass(frozen=True)
class Settings:
    seeds: Path = Path("seeds")
    glossary: Path = Path("glossary")
    dist: Path = Path("dist")
    tm: Path = Path("tm")  # the translation memory (commit it)
    state: Path = Path(".bilingual")  # cache, edition bases and lock (do not commit)
    traditional: str = "s2twp"
    threads: int = 0  # 0: every core
    batch_size: int = 32
    engine: str = "argos"
    outputs: tuple[str, ...] = ()  # () = every registered writer
    paper: str = "a4"
    qa_off: tuple[str, ...] = ()  # QA checks switched off, by name
    xliff_version: str = "2.1"
    xliff_targets: str = "english"  # what XLIFF <target> holds; "source" for OmegaT

    def check(self) -> Settings:
        from bilingual.engines import ENGINES
        from bilingual.writers import WRITERS

        if self.traditional not in CONFIGS:
            raise InputError(
                f"unknown Traditional conversion '{self.traditional}'; "
                f"choose one of {', '.join(CONFIGS)}"
            )
        if self.threads < 0 or self.batch_size < 1:
            raise InputError("threads must be 0 (all cores) or more, batch size 1 or more")
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
        if self.xliff_version not in XLIFF_VERSIONS or self.xliff_targets not in XLIFF_TARGETS:
            raise InputError(
                f"xliff_version must be one of {', '.join(XLIFF_VERSIONS)}, "
                f"xliff_targets one of {', '.join(XLIFF_TARGETS)}"
            )
        outputs = tuple(dict.fromkeys(self.outputs)) or _all_writers()
        return replace(self, outputs=outputs)


_PATHS = {"seeds", "glossary", "dist", "tm", "state"}
_TYPES: dict[str, type] = {"threads": int, "batch_size": int, "outputs": list, "qa_off": list}


def _value(path: Path, key: str, value: Any) -> Any:
    expected = _TYPES.get(key, str)
    well_typed = isinstance(value, expected) and not isinstance(value, bool)
    if not well_typed:
        raise InputError(
            f"{path}: '{key}' must be {'a list' if expected is list else expected.__name__}"
        )
    if expected is list:
        if not all(isinstance(v, str) for v in value):
            raise InputError(f"{path}: '{key}' must be a list of names")
        return tuple(value)
    return path.parent / value if key in _PATHS else value


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
        known = {f.name for f in fields(Settings)}
        values = {}
        for key, value in data.items():
            if key not in known:
                raise InputError(f"{path}: unknown setting '{key}' (known: {', '.join(known)})")
            values[key] = _value(path, key, value)
        settings = replace(settings, **values)
    settings = replace(settings, **{k: v for k, v in overrides.items() if v is not None})
    return settings.check()
