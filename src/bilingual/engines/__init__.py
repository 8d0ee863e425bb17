"""Translation engines and their models.

Engines by name (``ENGINES``): each loads an installed zh->en package and implements
``stages.translate.Engine``; a new engine is one module and one line here, and ``engine`` in
``bilingual.toml`` picks it. ``argos`` (CTranslate2 in this process), ``ray`` (the same on Ray
actors), ``config`` (speed settings checked and resolved for this machine), ``packages`` (Argos
packages: find, install, verify), ``bench`` (the sweep of ``models bench``), ``recipe`` (the
versions of what shapes a translation, for the cache key). May import the glossary, the document
model, ``util`` and ``errors``."""

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
