"""Translation engines by name: each loads an installed zh->en package and implements
``translate.Engine``. A new engine is one module and one line here; ``engine`` in
``bilingual.toml`` picks it."""

from __future__ import annotations

from dataclasses import dataclass

from bilingual.util.registry import Entry, Registry


@dataclass(frozen=True)
class EngineInfo:
    description: str


ENGINES: Registry[EngineInfo] = Registry(
    "engine",
    [
        Entry(
            "argos",
            "bilingual.engines.argos:ArgosEngine",
            EngineInfo("an Argos Translate package through CTranslate2, in this process"),
        ),
        Entry(
            "ray",
            "bilingual.engines.ray:RayEngine",
            EngineInfo("the same package on Ray actors, across machines (bilingual[ray])"),
        ),
    ],
)
