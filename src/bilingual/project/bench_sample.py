"""The project's sentences as the build sends them to the model, for ``models bench``."""

from __future__ import annotations

from bilingual.errors import InputError
from bilingual.project.settings import Settings


def sample(settings: Settings, limit: int) -> list[str]:
    """Up to ``limit`` distinct texts the build would send to the model, from the sources."""
    from bilingual.document.characters import has_chinese
    from bilingual.glossary.terms import Glossary, protect
    from bilingual.glossary.yaml_files import load_glossary
    from bilingual.project.build import discover_sources, prepare
    from bilingual.readers import read_source

    glossary = (
        load_glossary(settings.glossary, cache_dir=settings.state)
        if settings.glossary.exists()
        else Glossary()
    )
    texts: dict[str, None] = {}
    paths, _ = discover_sources(settings.seeds)
    for path in paths:
        for segment in prepare(read_source(path), glossary).segments:
            if has_chinese(segment.text):
                texts[protect(segment)] = None
            if len(texts) >= limit:
                return list(texts)
    if not texts:
        raise InputError(f"{settings.seeds}: no Chinese sentences to measure with; add sources")
    return list(texts)
