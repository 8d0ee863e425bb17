"""Where things are and how to build: defaults, then ``bilingual.toml``, then command-line flags."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path

import tomllib

from bilingual.errors import InputError
from bilingual.traditional import CONFIGS

CONFIG_FILE = "bilingual.toml"


@dataclass(frozen=True)
class Settings:
    seeds: Path = Path("seeds")
    glossary: Path = Path("glossary")
    dist: Path = Path("dist")
    tm: Path = Path("tm")  # the translation memory (commit it)
    state: Path = Path(".bilingual")  # cache and lock (do not commit)
    traditional: str = "s2twp"
    threads: int = 0  # 0: every core
    batch_size: int = 32

    def check(self) -> Settings:
        if self.traditional not in CONFIGS:
            raise InputError(
                f"unknown Traditional conversion '{self.traditional}'; "
                f"choose one of {', '.join(CONFIGS)}"
            )
        if self.threads < 0 or self.batch_size < 1:
            raise InputError("threads must be 0 (all cores) or more, batch size 1 or more")
        return self


_PATHS = {"seeds", "glossary", "dist", "tm", "state"}


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
        known = {f.name: f.type for f in fields(Settings)}
        values = {}
        for key, value in data.items():
            if key not in known:
                raise InputError(f"{path}: unknown setting '{key}' (known: {', '.join(known)})")
            expected = int if key in ("threads", "batch_size") else str
            if not isinstance(value, expected) or isinstance(value, bool):
                raise InputError(f"{path}: '{key}' must be {expected.__name__}")
            values[key] = path.parent / value if key in _PATHS else value
        settings = replace(settings, **values)
    settings = replace(settings, **{k: v for k, v in overrides.items() if v is not None})
    return settings.check()
