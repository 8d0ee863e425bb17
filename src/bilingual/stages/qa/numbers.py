"""Numbers as values, in Chinese and in English, so that QA compares what they mean.

Chinese: Arabic digits with 万/亿/千 scales (100亿美元 = 10,000,000,000), Chinese numerals
(三台, 两大, 一百二十, 二〇二四年, 三点五), 百分之 and 分之 fractions, 成 (tenths: 三成 = 30%),
倍, 翻番. English: digits with separators and scales (10 billion, 10bn, $10B, 10,000,000,000),
number words (ten billion, a dozen, one and a half), ordinals (second, 17th), multiplicatives
(twice, threefold), fractions (a third), percentages.

A Chinese number is required of the English only when it is unambiguously a quantity: 一 alone
(most often the article "a"), approximations (数千, 几十, 上百, 一两年), idioms (千言万语, 十分),
months (2月, 三月), weekdays (周三), numerals in names (三星, 百度) and numerals inside a word
(二级市场, 十二指肠, 第二次世界大战: jieba's dictionary knows the word, and not as a numeral
expression) are not. Numbers inside URLs, e-mail addresses, versions and glossary terms are left
to the checks for those.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bilingual.document import Segment
from bilingual.glossary.words import dictionary_words
from bilingual.stages.qa.verbatim import FINDERS

if TYPE_CHECKING:
    from bilingual.stages.qa import Context, Finding


@dataclass(frozen=True)
class Quantity:
    text: str  # as written, e.g. "100亿美元", "$10 billion"
    values: tuple[float, ...]  # every value the form can mean (10B: 10 or 10 billion)
    unit: float = 0.0  # the written precision (10.4 billion: 0.1 billion); 0: exact
    cardinal: bool = True  # a plain count or amount (not "second", "twice"), worth quoting


def matches(source: Quantity, english: Quantity) -> bool:
    """Whether ``english`` renders ``source``: the same value, or the value rounded to the
    English's precision within 1% (104.3亿 as 10.4 billion, 三分之一 as 33%)."""
    return any(_renders(s, e, english.unit) for s in source.values for e in english.values)


def _renders(source: float, english: float, unit: float) -> bool:
    """A value of the English (written to ``unit``) renders a value of the Chinese."""
    difference = abs(source - english)
    if difference <= 1e-9 * max(abs(source), 1.0):
        return True
    return bool(unit) and difference <= unit / 2 and difference <= 0.01 * abs(source)


def _format(value: float) -> str:
    if value == int(value) and abs(value) < 1e18:
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def describe(quantity: Quantity, shown: str | None = None) -> str:
    """``100亿美元 (10,000,000,000)``: the form (or ``shown``, its Traditional form), and its
    (first) value when the form does not show it."""
    value = _format(quantity.values[0])
    if value.replace(",", "") in re.sub(r"[,\s]", "", quantity.text):
        return shown or quantity.text
    return f"{shown or quantity.text} ({value})"


def check(segment: Segment, context: Context) -> Iterator[Finding]:
    """number-mismatch: each value of the Chinese must be in the English (numbers in glossary
    terms are the term check's); the English's unmatched numbers are named beside it."""
    source = chinese_quantities(segment.source, [(h.start, h.end) for h in segment.terms])
    source = list({q.text: q for q in source}.values())
    if not source:
        return
    english = english_quantities(segment.english or "")
    in_english, in_source = ValueIndex(english), ValueIndex(source)
    missing = [q for q in source if not in_english.renders(q)]
    if not missing:
        return
    others = [e for e in english if e.cardinal and not in_source.rendered_by(e)]
    others = list({e.text: e for e in others}.values())

    from bilingual.stages.qa import Finding

    def said(chinese: Callable[[str], str]) -> str:
        text = "not in the English: " + ", ".join(describe(q, chinese(q.text)) for q in missing)
        if others:
            text += "; the English has " + ", ".join(describe(e) for e in others)
        return text

    # Written once in each script (not each quantity replaced in the whole message in turn:
    # a paragraph of numbers would cost its square).
    message = said(str)
    hant = said(context.hant) if context.document.traditional_config is not None else message
    yield Finding(message, hant if hant != message else None)


class ValueIndex:
    """Quantities by value, so that whether one renders another is decided by the nearest
    values (one on each side), not by comparing with all of them (a paragraph of numbers would
    cost its square).

    Nearest decides because the margin ``_renders`` allows changes far slower than the
    distance (by at most 1% of it) as values move away: if a farther value on one side is
    within it, the nearer one is too. The English's unit sets the margin, so English values are
    kept by unit."""

    def __init__(self, quantities: list[Quantity]):
        self.values = sorted(v for q in quantities for v in q.values)
        by_unit: dict[float, list[float]] = {}
        for quantity in quantities:
            by_unit.setdefault(quantity.unit, []).extend(quantity.values)
        self.by_unit = {unit: sorted(values) for unit, values in by_unit.items()}

    def renders(self, source: Quantity) -> bool:
        """One of these (English) quantities renders ``source``."""
        return any(
            _renders(value, english, unit)
            for value in source.values
            for unit, values in self.by_unit.items()
            for english in _nearest(values, value)
        )

    def rendered_by(self, english: Quantity) -> bool:
        """``english`` renders one of these (Chinese) quantities."""
        return any(
            _renders(source, value, english.unit)
            for value in english.values
            for source in _nearest(self.values, value)
        )


def _nearest(ordered: list[float], value: float) -> list[float]:
    """The values of ``ordered`` nearest ``value`` below and above it (equal ones included)."""
    at = bisect_left(ordered, value)
    return ordered[max(at - 1, 0) : bisect_right(ordered, value, lo=at) + 1]


# --- shared -------------------------------------------------------------------------------------

_FULLWIDTH = str.maketrans("０１２３４５６７８９％．", "0123456789%.")
_TIME = re.compile(r"(?<![\d:.])(\d{1,2}):(\d{2})(?![\d:])")


def _comparable(quantities: list[Quantity]) -> list[Quantity]:
    """``quantities`` without those beyond what a float holds (a run of 400 digits): no text
    means such a number, and comparing or printing one would overflow."""

    def finite(value: float) -> bool:
        try:
            return math.isfinite(value)
        except OverflowError:  # an integer too large for a float
            return False

    return [q for q in quantities if all(finite(v) for v in q.values)]


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(lambda m: "\u25a1" * len(m.group()), text)


def _blank_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with the (ordered, disjoint) ``spans`` blanked, in one pass."""
    pieces, last = [], 0
    for start, end in spans:
        if start < last:
            continue
        pieces += [text[last:start], "\u25a1" * (end - start)]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def _blank_verbatim(text: str) -> str:
    """URLs, e-mail addresses and versions blanked (their own check covers their numbers)."""
    for find in FINDERS.values():
        text = _blank_spans(text, list(find(text)))
    return text


def _decimals(digits: str) -> int:
    return len(digits.partition(".")[2])


# --- Chinese ------------------------------------------------------------------------------------

_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_DIGIT |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL = {"十": 10, "百": 100, "千": 1000}
_LARGE = {"万": 10**4, "亿": 10**8}
_NUMERAL = "".join(_DIGIT) + "".join(_SMALL) + "".join(_LARGE)

# Idioms, adverbs and names with numerals that are not quantities; blanked before reading.
_IDIOMS = """
    千言万语 成千上万 成千成万 千千万万 千方百计 万无一失 一举两得 三心二意
    四面八方 五花八门 七上八下 乱七八糟 十全十美 九牛一毛 十有八九 三番五次
    三番两次 接二连三 独一无二 数一数二 一清二楚 千变万化 千军万马 万众一心
    一石二鸟 三言两语 三三两两 七嘴八舌 半斤八两 千载难逢 百发百中 百花齐放
    百家争鸣 千篇一律 一干二净 三天两头 五湖四海 九死一生 千钧一发 万紫千红
    百折不挠 千奇百怪 三长两短 八九不离十 十拿九稳 四分五裂 千山万水 万水千山
    一日千里 百里挑一 一落千丈 十万火急 不三不四 丢三落四 颠三倒四 朝三暮四
    五十步笑百步 三十而立 百尺竿头 两全其美 两面三刀 三令五申 五体投地
    六神无主 七零八落 九霄云外 千里迢迢 千秋万代 百战百胜 百感交集 两手空空
    三足鼎立 四通八达 五光十色 八面玲珑 十指连心 百依百顺 千姿百态 万象更新
    万事如意 万马奔腾 一五一十 三五成群 说三道四 三更半夜 一传十 十传百 三部曲
    一分为二 说一不二 百分百 百分之百 十分 万分 万一 十足 三思 百般 亿万
    百万富翁 千万富翁 亿万富翁 第一时间 万物 万事 百姓 百货 百科 万岁 千古
    万古 千年一遇 百年一遇 十字路口 两岸 两会 三农 双十一 双十二 双11 双12
""".split()
_NOT_NUMBERS = re.compile(
    "|".join(sorted(_IDIOMS, key=len, reverse=True))
    .replace("十分", "十分(?!之)")  # 十分之一 is a tenth
    .replace("万分", "万分(?!之)")
)
# After a numeral: the words that make it a count (三台, 两大, 五倍); 月 only in 个月.
_CLASSIFIER_WORDS = """
    个 位 名 家 台 部 辆 架 艘 条 张 块 件 项 款 种 类 次 回 遍
    轮 倍 成 年 岁 天 日 周 星期 小时 分钟 秒 季度 代 层 级 份 批
    组 套 座 栋 间 所 只 头 匹 本 篇 首 句 段 章 页 元 美元 欧元
    英镑 日元 港元 人 大 强 点 者 米 公里 千米 公斤 千克 吨 克 瓦
    千瓦 瓦时 升 亩 英里 亿元 万元
""".split()
_CLASSIFIERS = tuple(sorted(_CLASSIFIER_WORDS, key=len, reverse=True))
_BARE_SCALE_COUNTS = ("年", "人", "个", "名", "倍", "元", "美元", "米")
_CURRENCY = ("美元", "欧元", "英镑", "日元", "港元", "元")
_SI_PREFIXED = "克米瓦焦卡帕"  # 千克, 千米, 千瓦: kilo-, not thousand
_NOT_TENTHS = "本为员功立交果熟长都就绩分型品效"  # 成本, 成为, ...: not 成 for tenths
_GROWTH = ("增加", "增长", "提高", "提升", "上涨", "扩大", "上升", "了")


def _growth(times: float) -> tuple[float, ...]:
    """增长了2倍: 2 or 3 times as much (Chinese usage varies), or up 200%."""
    return (times, times + 1, 100 * times)


_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_MONTH = re.compile(r"\s*月")
# Longer runs of digits or numerals are no number anyone writes (a float holds 17 digits); left
# in, they would cost the patterns below their square (each tries every start in the run).
_TOO_LONG = re.compile(rf"[\d,.:/]{{33,}}|[{_NUMERAL}点]{{33,}}")
_CHINESE_RUN = rf"[{_NUMERAL}]+(?:点[{''.join(_DIGIT)}]+[万亿]*)?"
_FRACTION = re.compile(rf"(百|千|{_CHINESE_RUN}|{_ARABIC})分之({_CHINESE_RUN}|{_ARABIC})")
_DOUBLING = re.compile(r"翻了?(?:(一|两)?番|倍)")
# 100多万, 三十多万 ("more than", the scale still applies), 3个亿 (colloquial 300 million)
_NUMBER = re.compile(
    rf"(?P<date>(?P<year>\d{{4}})[-/.]\d{{1,2}}[-/.](?P<day>\d{{1,2}})(?!\d))"
    rf"|(?P<time>\d{{1,2}}:\d{{2}}(?![\d:]))|(?P<ratio>\d+/\d+)"
    rf"|(?P<arabic>{_ARABIC})(?:\s?[多余](?=[十百千万亿])|\s?个(?=[万亿])|\s(?=[万亿]))?"
    rf"(?P<scale>[十百千万亿]*)"
    rf"|(?P<chinese>{_CHINESE_RUN}(?:[多余][十百千万亿]+|个[万亿]+)?)"
)


def _below_wan(run: str) -> int | None:
    """A numeral below 万 (三千二百, 两百五, 一千零五), or None when it is not one number."""
    value, number, last_unit, zero = 0, None, 0, False
    for char in run:
        if char in "零〇":
            zero, number = True, None
        elif char in _DIGIT:
            if number is not None:
                return None  # 三四: a range, not a number
            number = _DIGIT[char]
        else:
            unit = _SMALL[char]
            if last_unit and unit >= last_unit:
                return None
            value += (1 if number is None else number) * unit
            number, last_unit, zero = None, unit, False
    if number is not None:
        # 两百五 is 250 and 三千二 is 3,200; 一千零五 is 1,005.
        value += number * (last_unit // 10 if last_unit >= 100 and not zero else 1)
    return value


def _chinese_integer(run: str) -> int | None:
    if not run:
        return None
    if all(char in _DIGIT for char in run):
        if len(run) == 1:
            return _DIGIT[run]
        if len(run) >= 3 or any(char in "零〇" for char in run):  # 二〇二四
            return int("".join(str(_DIGIT[char]) for char in run))
        return None  # 一两, 三五: approximate
    for large, scale in (("亿", 10**8), ("万", 10**4)):
        if large in run:
            left, _, right = run.rpartition(large)
            high = _chinese_integer(left) if left else 1
            if high is None:
                return None
            if len(right) == 1 and right in _DIGIT and right not in "零〇":
                return high * scale + _DIGIT[right] * scale // 10  # 一万五 is 15,000
            low = _chinese_integer(right.lstrip("零〇")) if right.strip("零〇") else 0
            return None if low is None else high * scale + low
    return _below_wan(run)


def chinese_value(run: str) -> float | None:
    """The value of a Chinese numeral: 一百二十 120, 两千万 20,000,000, 三点五 3.5."""
    whole, point, rest = run.partition("点")
    value = _chinese_integer(whole)
    if value is None or not point:
        return value
    digits = "".join(str(_DIGIT[c]) for c in rest if c in _DIGIT)
    scale = math.prod(_LARGE[c] for c in rest if c in _LARGE)
    return float(f"{value}.{digits}") * scale


def _scale(chars: str) -> int:
    return math.prod(_SMALL.get(c) or _LARGE[c] for c in chars)


def _classifier(text: str, position: int) -> str | None:
    """The classifier at ``position``, after an optional 多/余/来 (三十多家)."""
    if position < len(text) and text[position] in "多余来":
        position += 1
    return next((c for c in _CLASSIFIERS if text.startswith(c, position)), None)


def _suffix(text: str, end: int) -> str:
    """A unit written right after a number, for quoting it: %, 倍, 成, 元, 美元."""
    for unit in ("%", "倍", "成", *_CURRENCY):
        if text.startswith(unit, end):
            return unit
    return ""


def _with_half(text: str, end: int, value: float) -> float:
    """两个半小时, 两年半: the 半 after the classifier adds a half."""
    classifier = _classifier(text, end)
    if classifier and text.startswith("半", end + len(classifier)):
        return value + 0.5
    return value


def chinese_quantities(text: str, skip: Iterable[tuple[int, int]] = ()) -> list[Quantity]:
    """The quantities of a Chinese text that its English must carry (spans in ``skip`` aside)."""
    text = text.translate(_FULLWIDTH)
    text = _blank_spans(text, sorted(skip))
    text = _blank(_blank(_blank_verbatim(text), _NOT_NUMBERS), _TOO_LONG)
    found: list[Quantity] = []
    for match in _DOUBLING.finditer(text):
        found.append(Quantity(match.group(), (4.0,) if match.group(1) == "两" else (2.0,)))
    text = _blank(text, _DOUBLING)
    for match in _FRACTION.finditer(text):
        quantity = _fraction(match)
        if quantity:
            found.append(quantity)
    text = _blank(text, _FRACTION)
    for match in _NUMBER.finditer(text):
        if match["date"]:  # 2024-11-18: the year and the day (the month may be named)
            found += [Quantity(match[k], (float(match[k]),)) for k in ("year", "day")]
            continue
        quantity = _number(text, match)
        if quantity:
            found.append(quantity)
    return _comparable(found)


def _fraction(match: re.Match[str]) -> Quantity | None:
    below, above = match.group(1), match.group(2)
    denominator = _any_value(below)
    numerator = _any_value(above)
    if not denominator or numerator is None:
        return None
    if denominator == 100:
        return Quantity(match.group(), (numerator,))  # 百分之六十: 60%
    if denominator == 1000:
        return Quantity(match.group(), (numerator / 10, numerator))  # ‰: 0.5% or 5 per 1,000
    share = numerator / denominator
    return Quantity(match.group(), (share, 100 * share))


def _any_value(text: str) -> float | None:
    if text[0].isdigit():
        return float(text.replace(",", ""))
    return chinese_value(text)


def _number(text: str, match: re.Match[str]) -> Quantity | None:
    start, end = match.span()
    if match["time"]:
        hours, minutes = match["time"].split(":")
        return Quantity(match["time"], (int(hours) + int(minutes) / 60,))
    if match["ratio"]:
        top, bottom = (int(n) for n in match["ratio"].split("/"))
        share = top / bottom if bottom else 0.0
        return Quantity(match["ratio"], (share, 100 * share, float(top), float(bottom)))
    if match["arabic"]:
        return _arabic(text, match, start, end)
    return _chinese(text, match["chinese"], start, end)


def _arabic(text: str, match: re.Match[str], start: int, end: int) -> Quantity | None:
    scale = match["scale"]
    if scale and scale[-1] in "千百" and end < len(text) and text[end] in _SI_PREFIXED:
        scale, end = scale[:-1], end - 1  # 5千克: 5 kilograms
    if not scale and _MONTH.match(text, end):
        return None  # a month: 2月17日
    value = float(match["arabic"].replace(",", "")) * _scale(scale)  # 100多万: over 1,000,000
    values: tuple[float, ...] = (value,)
    if text.startswith("成", end) and not text.startswith(tuple(_NOT_TENTHS), end + 1):
        values = (value * 10,)  # 3成: 30%
    elif text.startswith("倍", end) and text.endswith(_GROWTH, 0, start):
        values = _growth(value)
    elif value < 100 and re.match(r"年|后", text[end : end + 1]) and not scale:
        values = (value, 2000 + value, 1900 + value)  # 24年 may be 2024; 90后, the 1990s
    values = tuple(_with_half(text, end, v) for v in values)
    return Quantity(text[start:end] + _suffix(text, end), values)


# jieba's tags of numeral expressions: numeral, numeral-classifier, classifier, time (三年, 一季度)
# and abbreviations (十大, 四大: "the top ten", "the Big Four" name their number). A word with
# another tag is a word that holds a numeral (二级 b, 十二指肠 l, 统一 vn).
_NUMERAL_TAGS = frozenset(("m", "mq", "q", "t", "j"))
_COMMON = 20  # rarer dictionary entries are often noise (三万人, tagged as a name)


def _inside_word(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]``, a number in Chinese numerals, lies inside a common word of
    the dictionary that is no numeral expression: 二级 in 二级市场, 十二 in 十二指肠."""
    words = dictionary_words(_NUMERAL)
    longest = 16  # the dictionary's longest word with a numeral has 16 characters
    for left in range(max(0, start - longest), start + 1):
        for right in range(max(end, left + 2), min(len(text), left + longest) + 1):
            word = words.get(text[left:right])
            if word and word.frequency >= _COMMON and word.tag not in _NUMERAL_TAGS:
                return True
    return False


def _chinese(text: str, run: str, start: int, end: int) -> Quantity | None:
    before = text[max(0, start - 2) : start]
    after = text[end : end + 1]
    if before[-1:] in ("数", "几") or before == "好几" or after == "几":
        return None  # 数千, 几十, 十几: approximate
    if before[-1:] in ("上", "成") and run[0] in "百千万":
        return None  # 上百, 成千: "hundreds of"
    if before[-1:] == "周" or before in ("星期", "礼拜"):
        return None  # 周三: a weekday
    if after == "月":
        return None  # 三月: a month (三个月 is three months)
    if run.startswith("千万") and text[end : end + 1] in ("不", "别", "要", "得", "莫", "勿"):
        return None  # 千万不要: "by all means do not"
    shown = run
    run, _, more = re.sub("[余个]", "多", run).partition("多")  # 三十多万: over 300,000
    value = chinese_value(run)
    if value is None or value * _scale(more) < 2:
        return None  # 一 is mostly the article "a"
    value *= _scale(more)
    ordinal = before[-1:] == "第"
    classifier = _classifier(text, end)
    scales = sum(char in "十百千万亿" for char in run)
    digits = any(char in _DIGIT for char in run)
    unambiguous = (digits and scales) or scales >= 2 or "点" in run or more  # 三十, 千亿, 三点五
    if run in ("百", "千", "万", "亿") and classifier not in _BARE_SCALE_COUNTS:
        classifier = None  # 百度, 万家, 千问: names; 百年, 万人 are counts
    if not (ordinal or classifier or unambiguous):
        return None  # 三星, 百度: names
    after_run = end + (text[end : end + 1] in "多余来" and classifier is not None)
    if _inside_word(text, start - ordinal, after_run + len(classifier or "")):
        return None  # 二级市场, 第二次世界大战: a word
    if classifier == "成":
        value *= 10  # 三成: 30%
    value = _with_half(text, end, value)
    written = ("第" if ordinal else "") + shown + (classifier or "")
    if classifier == "倍" and text.endswith(_GROWTH, 0, start):
        return Quantity(written, _growth(value))
    return Quantity(written, (value,))


# --- English ------------------------------------------------------------------------------------

_UNITS = dict(
    zip(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split(),
        range(20),
        strict=True,
    )
)
_TENS = dict(
    zip(
        "twenty thirty forty fifty sixty seventy eighty ninety".split(),
        range(20, 100, 10),
        strict=True,
    )
)
_SCALES = {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9}
_SCALES |= {"trillion": 10**12}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90, "hundredth": 100,
}  # fmt: skip
_FRACTIONS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4}
_FRACTIONS |= {f"{w}s": n for w, n in _ORDINALS.items() if n >= 5} | {
    w: n for w, n in _ORDINALS.items() if n >= 5
}
# Words that state a number without being one: twice, a decade, both.
_IMPLIED = {
    "once": 1, "twice": 2, "thrice": 3, "double": 2, "doubled": 2, "doubles": 2, "doubling": 2,
    "triple": 3, "tripled": 3, "triples": 3, "tripling": 3, "quadruple": 4, "quadrupled": 4,
    "quadruples": 4, "quadrupling": 4, "both": 2, "decade": 10, "century": 100,
    "millennium": 1000, "fortnight": 2, "dozen": 12, "pair": 2,
}  # fmt: skip
_NUMBER_WORD = "|".join(sorted([*_UNITS, *_TENS, *_SCALES, "dozen"], key=len, reverse=True))
_WORD_RUN = re.compile(
    rf"\b(?:(?:a|an|one)\s+and\s+a\s+half|half\s+an?|an?|{_NUMBER_WORD})"
    rf"(?:(?:\s+|-|\s+and\s+)(?:a\s+half|{_NUMBER_WORD}))*\b",
    re.IGNORECASE,
)
_DIGITS_EN = re.compile(
    r"(?<![\d.])(?P<number>\d{1,3}(?:,\d{3})+(?!\d|,\d)(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:(?P<word>\s?-?\s?(?:hundred|thousand|million|billion|trillion|bn|mn|mln|tn|trn)\b)"
    r"|(?P<letter>[kmb])(?![a-z]))?",
    re.IGNORECASE,
)
_ABBREVIATED = {"bn": 10**9, "mn": 10**6, "mln": 10**6, "tn": 10**12, "trn": 10**12}
_COMPOUND_ORDINAL = re.compile(
    rf"\b({'|'.join(_TENS)})-({'|'.join(w for w, n in _ORDINALS.items() if n < 10)})\b",
    re.IGNORECASE,
)
_FOLD = re.compile(rf"\b(\d+|{_NUMBER_WORD})-?fold\b", re.IGNORECASE)
_OUT_OF = re.compile(r"\b(\w+) (?:in|out of) (\w+)\b", re.IGNORECASE)
_MAGNITUDE = re.compile(
    r"\b(?:(tens|hundreds) of )?(thousands|millions|billions|trillions)\b", re.IGNORECASE
)
_CLOCK = re.compile(r"(\d{1,2})[.:](\d{2})\s?(?:a\.?m\.?|p\.?m\.?)", re.IGNORECASE)


def _words_value(words: list[str]) -> float | None:
    total, current, seen = 0.0, 0.0, False
    for word in words:
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in _SCALES:
            total += (current or 1) * _SCALES[word]
            current = 0.0
        elif word == "dozen":
            current = (current or 1) * 12
        elif word == "half":
            current = current + 0.5 if seen else 0.5
        elif word in ("a", "an"):
            current = current or 1 if not seen else current
            continue
        else:
            continue
        seen = True
    return total + current if seen else None


def english_quantities(text: str) -> list[Quantity]:
    """Every number an English text states, with the values each form can mean."""
    text = _blank(_blank_verbatim(text.translate(_FULLWIDTH)), _TOO_LONG)
    found: list[Quantity] = []

    def add(match: re.Match[str], value: float | None, cardinal: bool = False) -> None:
        if value is not None:
            found.append(Quantity(match.group(), (float(value),), 0, cardinal))

    for match in _CLOCK.finditer(text):
        add(match, int(match[1]) + int(match[2]) / 60)
    for match in _TIME.finditer(text):
        add(match, int(match[1]) + int(match[2]) / 60, cardinal=True)
    for match in _FOLD.finditer(text):
        add(match, _plain_value(match[1]))
    for match in _OUT_OF.finditer(text):
        part, whole = _plain_value(match[1]), _plain_value(match[2])
        add(match, 100 * part / whole if part is not None and whole else None)
    for match in _MAGNITUDE.finditer(text):  # tens of millions: 千万级
        times = {"tens": 10, "hundreds": 100}.get((match[1] or "").lower(), 1)
        add(match, times * _SCALES[match[2].lower()[:-1]])
    for match in _COMPOUND_ORDINAL.finditer(text):
        add(match, _TENS[match[1].lower()] + _ORDINALS[match[2].lower()])
    words = _blank(text, _TIME)
    for match in _DIGITS_EN.finditer(words):
        found.append(_english_digits(words, match))
    words = _blank(words, _DIGITS_EN)  # "billion" in "$1 billion" is not a number of its own
    for match in _WORD_RUN.finditer(words):
        quantity = _english_words(words, match)
        if quantity:
            found.append(quantity)
    for match in re.finditer(r"[A-Za-z]+", words):
        word = match.group().lower()
        add(match, _ORDINALS.get(word) or _IMPLIED.get(word))
    return _comparable(found)


def _plain_value(word: str) -> float | None:
    if word.isdigit():
        return float(word)
    return _words_value([word.lower()])


def _english_digits(text: str, match: re.Match[str]) -> Quantity:
    number = match["number"]
    value = float(number.replace(",", ""))
    unit = 10.0 ** -_decimals(number)
    start = match.start()
    if start and text[start - 1] in "$€£¥":
        start -= 1
    written = text[start : match.end()]
    if match["word"]:
        word = match["word"].strip(" -").lower()
        scale = _SCALES.get(word) or _ABBREVIATED[word]
        return Quantity(written, (value * scale,), unit * scale)
    if match["letter"]:
        scale = {"k": 10**3, "m": 10**6, "b": 10**9}[match["letter"].lower()]
        # 5m may be 5 million or 5 metres; 10B 10 billion or a 10B model: both readings count.
        return Quantity(written, (value * scale, value), unit)
    return Quantity(written, (value,), unit)


_FOLLOWER = re.compile(r"[\s-]*([A-Za-z]+)")


def _english_words(text: str, match: re.Match[str]) -> Quantity | None:
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", match.group())]
    after = _FOLLOWER.match(text, match.end())
    follower = after[1].lower() if after else ""
    fraction = after is not None and follower in _FRACTIONS and words[-1] not in _SCALES
    value = 1.0 if fraction and words in (["a"], ["an"]) else _words_value(words)
    if value is None:
        return None
    if fraction and after is not None:
        share = value / _FRACTIONS[follower]  # a third, two-thirds; "three quarters" may count
        return Quantity(match.group() + after.group(), (share, 100 * share, value), 0, False)
    return Quantity(match.group(), (value,))
