"""A term as another tool wrote it (a TBX concept, a CSV row), before it meets the glossary."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Incoming:
    zh: str
    en: str
    zh_hant: str | None
    variants: tuple[str, ...]  # spellings the file marks as misspellings: the build replaces them
    note: str | None
    where: str  # "FILE:LINE"
    synonyms: tuple[tuple[str, str], ...] = ()  # other Chinese terms and their status
    en_admitted: tuple[str, ...] = ()  # other English terms the file admits
    do_not_use: tuple[str, ...] = ()  # English terms the file deprecates or forbids
    part_of_speech: str | None = None
    subject: str | None = None
    definitions: tuple[tuple[str, str], ...] = ()  # (language: zh, en or zh_hant; text)
    unusable: str | None = None  # why the file's terms give no zh or en (all deprecated...)
