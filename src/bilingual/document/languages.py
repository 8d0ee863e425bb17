"""Language tags as CAT tools write them, read as the three languages a project holds.

TMX, XLIFF, TBX and spreadsheets name languages in many ways (zh-CN, zh-Hans, ZH, zh_CN,
zh-Hans-CN; en-US, en-GB, EN; zh-TW, zh-Hant, zh-HK). ``role`` maps any of them to "zh"
(Simplified), "zh_hant" (Traditional) or "en", and anything else to None.
"""

from __future__ import annotations

SIMPLIFIED = "zh"
TRADITIONAL = "zh_hant"
ENGLISH = "en"

_TRADITIONAL_REGIONS = {"tw", "hk", "mo"}
_SIMPLIFIED_REGIONS = {"cn", "sg", "my"}

# The region each OpenCC conversion writes for (the zh-Hant editions' language tag).
LANGUAGE_TAGS = {"s2twp": "zh-TW", "s2tw": "zh-TW", "s2hk": "zh-HK", "s2t": "zh-TW"}

# What bilingual writes: BCP 47 tags with the script, as TMX 1.4b and XLIFF allow.
TAGS = {SIMPLIFIED: "zh-Hans", TRADITIONAL: "zh-Hant", ENGLISH: "en"}


def role(tag: str | None) -> str | None:
    """ "zh", "zh_hant", "en" or None for a language tag in any common spelling."""
    if not tag:
        return None
    parts = [p for p in tag.strip().replace("_", "-").lower().split("-") if p]
    if not parts:
        return None
    if parts[0] == "en":
        return ENGLISH
    if parts[0] not in ("zh", "cmn", "chi", "zho", "chs", "cht"):
        return None
    subtags = set(parts[1:])
    if parts[0] == "cht" or "hant" in subtags:
        return TRADITIONAL
    if parts[0] == "chs" or "hans" in subtags:
        return SIMPLIFIED
    if subtags & _TRADITIONAL_REGIONS:
        return TRADITIONAL
    if not subtags or subtags & _SIMPLIFIED_REGIONS:
        return SIMPLIFIED
    return None  # zh-Latn (pinyin) and the like: not a script this project holds


def describe(tags: list[str]) -> str:
    """Languages found, for a message: "de-DE, fr" or "none"."""
    return ", ".join(dict.fromkeys(tags)) or "none"
