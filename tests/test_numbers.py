"""Numbers read as values, both ways: Chinese forms to values, English forms to values, and the
number check that compares them (a flag only when a value of the Chinese is missing)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bilingual.stages.qa.numbers import (
    Quantity,
    ValueIndex,
    chinese_quantities,
    english_quantities,
    matches,
)

# Chinese forms and the values the English must carry.
CHINESE = [
    ("融资100亿美元", [10_000_000_000]),
    ("投资120亿元", [12_000_000_000]),
    ("售价50万元左右", [500_000]),
    ("训练成本约为5000万美元", [50_000_000]),
    ("估值1.2万亿元", [1_200_000_000_000]),
    ("千亿参数", [100_000_000_000]),
    ("两千三百万用户", [23_000_000]),
    ("一百二十家", [120]),
    ("一千零五", [1005]),
    ("一万五", [15_000]),
    ("三台机器人", [3]),
    ("两大难题", [2]),
    ("十大趋势", [10]),
    ("十年", [10]),
    ("百分之六十", [60]),
    ("增长3.2%", [3.2]),
    ("三成用户", [30]),
    ("5倍以上", [5]),
    ("十分之一", [0.1]),
    ("三分之二", [2 / 3]),
    ("翻两番", [4]),
    ("第三季度", [3]),
    ("二〇二四年", [2024]),
    ("三点五", [3.5]),
    ("两年半", [2.5]),
    ("3月5日", [5]),  # 3月 is a month: as before, the English may name it (March)
    ("5千克", [5]),  # kilo-, not thousand
    ("1000多万用户", [10_000_000]),  # "more than", the scale still applies
    ("三十多万人", [300_000]),
    ("2024-11-18发布", [2024, 18]),
    ("24年上半年", [24]),  # or 2024: both readings match
    # A word of the dictionary that starts like a quantity is not one (三星, 二级) unless the
    # quantity reaches past it: three weeks, a level-12 typhoon.
    ("三星期", [3]),
    ("十二级台风", [12]),
    ("他们二级以上的员工有三家子公司", [3]),
]

# Chinese that holds numerals but no quantity the English must repeat.
NOT_QUANTITIES = [
    "一家公司",  # 一 is mostly the article "a"
    "数千块GPU运行数周",  # approximate
    "上百家企业",
    "十几个人",
    "一两年",
    "三四十岁",
    "一幅图胜过千言万语",  # idioms
    "十分重要",
    "千万不要",  # adverb
    "三月",  # month
    "周三",  # weekday
    "三星和百度",  # names
    "双十一",
    # Numerals inside words of jieba's dictionary (not tagged as numeral expressions)
    "二级市场",
    "一些人一起工作，一直没停",
    "万一统一不了",
    "十二指肠",
    "第二次世界大战",
    "三级跳远",
    "二人转",
    "三部曲",
]

# English forms and a value each must be read as.
ENGLISH = [
    ("$10 billion", 10_000_000_000),
    ("$10bn", 10_000_000_000),
    ("10 bn", 10_000_000_000),
    ("$10B", 10_000_000_000),
    ("10,000,000,000", 10_000_000_000),
    ("ten billion", 10_000_000_000),
    ("1.2 trillion", 1_200_000_000_000),
    ("a 100-billion-parameter model", 100_000_000_000),
    ("twenty-three million", 23_000_000),
    ("half a million", 500_000),
    ("10 percent", 10),
    ("10 per cent", 10),
    ("10%", 10),
    ("a dozen", 12),
    ("two dozen", 24),
    ("a third", 1 / 3),
    ("two-thirds", 2 / 3),
    ("three in ten", 30),
    ("fivefold", 5),
    ("twice", 2),
    ("quadrupled", 4),
    ("the third quarter", 3),
    ("the 21st century", 21),
    ("the twenty-first century", 21),
    ("One Thousand and One Nights", 1001),
    ("two and a half years", 2.5),
    ("a decade", 10),
    ("at 10.30am", 10.5),
]

# (Chinese, English that carries its values, English that does not)
PAIRS = [
    ("融资100亿美元。", "It raised $10 billion.", "It raised $1 billion."),
    ("融资100亿美元。", "It raised 10bn dollars.", "It raised 100 billion dollars."),
    ("营收104.3亿元。", "Revenue was 10.43 billion yuan.", "Revenue was 10 billion yuan."),
    ("营收104.3亿元。", "Revenue was 10.4 billion yuan.", "Revenue was 1.04 billion yuan."),
    ("增长了10%。", "It grew 10 percent.", "It grew 1 percent."),
    ("约三成用户。", "About 30% of users.", "About 3% of users."),
    ("是传统的5倍以上。", "More than five times as much.", "More than four times as much."),
    ("三台机器人。", "Three robots.", "Two robots."),
    ("十大趋势。", "The top 10 trends.", "The nine trends."),
    ("2月17日消息。", "News of February 17.", "News of February 18."),
    ("二〇二四年。", "In 2024.", "In 2023."),
    ("一打鸡蛋12个。", "A dozen eggs.", "Thirteen eggs."),
    ("三分之一。", "A third.", "A quarter."),
    ("翻了一番。", "It doubled.", "It tripled."),
    ("1000多万用户。", "More than 10 million users.", "More than 1,000 users."),
    ("24年上半年。", "The first half of 2024.", "The first half of 2023."),
    (
        "二级市场有三家公司。",
        "Three companies on the secondary market.",
        "Companies on the market.",
    ),
]


@pytest.mark.parametrize(("text", "values"), CHINESE)
def test_chinese_forms_are_read_as_values(text, values):
    found = chinese_quantities(text)
    assert [q.values[0] for q in found] == pytest.approx(values), found


@pytest.mark.parametrize("text", NOT_QUANTITIES)
def test_numerals_that_are_not_quantities_are_not_required(text):
    assert chinese_quantities(text) == []


@pytest.mark.parametrize(("text", "value"), ENGLISH)
def test_english_forms_are_read_as_values(text, value):
    values = [v for q in english_quantities(text) for v in q.values]
    assert any(v == pytest.approx(value) for v in values), values


@pytest.mark.parametrize(("zh", "good", "bad"), PAIRS)
def test_a_value_of_the_chinese_must_be_in_the_english(zh, good, bad):
    def carried(english: str) -> bool:
        found = english_quantities(english)
        return all(any(matches(q, e) for e in found) for q in chinese_quantities(zh))

    assert carried(good), good
    assert not carried(bad), bad


def test_the_issue_example_every_english_form_of_ten_billion():
    (source,) = chinese_quantities("融资100亿美元")
    for english in ("raised $10 billion", "raised 10bn", "raised 10,000,000,000", "ten billion"):
        assert any(matches(source, e) for e in english_quantities(english)), english


# --- found by value, not by comparing every pair ----------------------------------------------

_VALUES = st.one_of(
    st.integers(-5, 2_000).map(float),
    st.floats(0.0, 1e13, allow_nan=False),
    st.sampled_from([0.0, 1.0, 10.4e9, 10_430_000_000.0, 1e-10, 33.0, 33.333, 100.5, 99.4]),
)
_QUANTITIES = st.builds(
    Quantity,
    st.text("0123", min_size=1, max_size=3),
    st.lists(_VALUES, min_size=1, max_size=3).map(tuple),
    st.sampled_from([0.0, 0.0, 0.1, 1.0, 1e8, 1e9]),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_QUANTITIES, max_size=12), st.lists(_QUANTITIES, max_size=12))
def test_the_value_index_finds_what_comparing_every_pair_finds(source, english):
    in_english, in_source = ValueIndex(english), ValueIndex(source)
    for q in source:
        assert in_english.renders(q) == any(matches(q, e) for e in english)
    for e in english:
        assert in_source.rendered_by(e) == any(matches(q, e) for q in source)
