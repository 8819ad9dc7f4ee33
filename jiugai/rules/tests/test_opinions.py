"""Opinion classification: jieba words matched to a keyword dictionary (seed digest §3-§4)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiugai.rules.opinions import DEFAULT_KEYWORDS, ItemMatch, opinion_classify, tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一下大雨就雨水倒灌，家里进水", {"drainage": ("雨水倒灌",)}),
        ("楼下飞线充电太危险了", {"charging": ("飞线充电",)}),
        ("下水道堵了好几天", {"drainage": ("下水道堵",)}),
        ("小区停车难，晚上没有车位", {"parking": ("停车难", "车位")}),
        ("楼道灯坏了，屋顶渗水", {"lighting": ("楼道灯",), "building_envelope": ("屋顶渗水",)}),
        ("希望加装电梯", {"elevator": ("加装电梯",)}),
        ("电线像蜘蛛网一样", {"telecom": ("蜘蛛网",)}),
        ("自来水水压太低", {"water": ("自来水", "水压")}),
        ("冬天暖气不热", {"heating": ("暖气",)}),
        ("单元门门禁坏了，监控也没有", {"security": ("门禁", "监控")}),
        ("老人上楼需要扶手", {"barrier_free": ("扶手",)}),
        ("垃圾没人清理", {"garbage": ("垃圾",)}),
        ("感谢社区的工作", {}),
        ("", {}),
    ],
)
def test_classify_table(text: str, expected: dict[str, tuple[str, ...]]) -> None:
    result = opinion_classify(text, DEFAULT_KEYWORDS)
    assert {m.item: m.keywords for m in result} == expected


def test_items_in_order_of_first_mention() -> None:
    result = opinion_classify("飞线充电危险，另外雨水倒灌", DEFAULT_KEYWORDS)
    assert [m.item for m in result] == ["charging", "drainage"]


def test_compound_keywords_stay_whole() -> None:
    assert "雨水倒灌" in tokens("小区雨水倒灌", {"雨水倒灌": "drainage"})
    assert "飞线充电" in tokens("楼下飞线充电", {"飞线充电": "charging"})


def test_new_keyword_takes_effect() -> None:
    text = "院里的晾衣杆都锈了"
    assert opinion_classify(text, DEFAULT_KEYWORDS) == []
    extended = {**DEFAULT_KEYWORDS, "晾衣杆": "services"}
    assert opinion_classify(text, extended) == [ItemMatch("services", ("晾衣杆",))]


def test_empty_dictionary_matches_nothing() -> None:
    assert opinion_classify("雨水倒灌", {}) == []


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=80))
def test_classification_is_deterministic_and_keywords_come_from_text(text: str) -> None:
    first = opinion_classify(text, DEFAULT_KEYWORDS)
    assert first == opinion_classify(text, DEFAULT_KEYWORDS)
    for match in first:
        assert match.item in DEFAULT_KEYWORDS.values()
        for keyword in match.keywords:
            assert keyword in text and DEFAULT_KEYWORDS[keyword] == match.item
