"""Classify residents' free-text opinions into renovation catalogue items.

Seed digest §3 (channels: door-to-door visits, 小板凳会议 meetings, WeChat groups, opinion forms) and §4
(the catalogue: 国办发〔2020〕23号 basic / improvement / upgrade classes; Xuchang's rain/sewage separation,
"spider webs" of wires, parking and charging points). The text is cut into words with jieba; each
dictionary keyword is added to jieba first so that a compound such as 雨水倒灌 or 飞线充电 stays one word,
and a word matches when it is a keyword. The result names the items with the keywords that matched,
so every classification carries its reasons.

Pure: no Django; the keyword dictionary is passed in (staff extend it in the consultation app).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

import jieba

# jieba logs its dictionary loading at DEBUG/INFO on first use; that is noise in the server log.
jieba.setLogLevel(logging.WARNING)

_lock = threading.Lock()
_added: set[str] = set()
_tokenizer = jieba.Tokenizer()

MAX_TEXT = 5000


@dataclass(frozen=True)
class ItemMatch:
    """One catalogue item found in an opinion, with the keywords that point to it (in order of first use)."""

    item: str
    keywords: tuple[str, ...] = field(default_factory=tuple)


def tokens(text: str, keywords: Mapping[str, str] | None = None) -> list[str]:
    """The words of `text`, with every keyword of the dictionary kept as one word.

    HMM new-word discovery is off so that the same text always gives the same words.
    """
    words = [w.strip() for w in (keywords or {}) if w.strip()]
    with _lock:
        for word in words:
            if word not in _added:
                _tokenizer.add_word(word)
                _added.add(word)
        return [t for t in _tokenizer.lcut(text[:MAX_TEXT], HMM=False) if t.strip()]


def opinion_classify(text: str, keywords: Mapping[str, str]) -> list[ItemMatch]:
    """The catalogue items an opinion is about: jieba words of `text` matched to `keywords` (keyword → item).

    Items come in the order their first keyword appears in the text; an opinion with no known word gives
    an empty list (staff then classify it by hand or add a keyword).
    """
    normalised = {k.strip(): v for k, v in keywords.items() if k.strip() and v}
    if not text or not normalised:
        return []
    found: dict[str, list[str]] = {}
    for word in tokens(text, normalised):
        item = normalised.get(word)
        if item is None:
            continue
        hits = found.setdefault(item, [])
        if word not in hits:
            hits.append(word)
    return [ItemMatch(item=item, keywords=tuple(words)) for item, words in found.items()]


# The default dictionary the consultation app seeds: common phrases residents use for each item of
# jiugai.inventory.choices.ConditionItem (seed digest §4).
DEFAULT_KEYWORDS: dict[str, str] = {
    "雨水倒灌": "drainage",
    "下水道堵": "drainage",
    "下水道": "drainage",
    "污水": "drainage",
    "排水": "drainage",
    "化粪池": "drainage",
    "雨污分流": "drainage",
    "积水": "drainage",
    "飞线充电": "charging",
    "充电桩": "charging",
    "充电": "charging",
    "电动车": "charging",
    "停车难": "parking",
    "车位": "parking",
    "停车": "parking",
    "路灯": "lighting",
    "楼道灯": "lighting",
    "照明": "lighting",
    "漏水": "building_envelope",
    "屋顶渗水": "building_envelope",
    "渗水": "building_envelope",
    "外墙": "building_envelope",
    "楼梯": "building_envelope",
    "防水": "building_envelope",
    "电梯": "elevator",
    "加装电梯": "elevator",
    "燃气": "gas",
    "天然气": "gas",
    "煤气": "gas",
    "暖气": "heating",
    "供暖": "heating",
    "供热": "heating",
    "监控": "security",
    "门禁": "security",
    "安防": "security",
    "垃圾": "garbage",
    "垃圾分类": "garbage",
    "绿化": "greenery",
    "树木": "greenery",
    "无障碍": "barrier_free",
    "扶手": "barrier_free",
    "适老化": "barrier_free",
    "网线": "telecom",
    "蜘蛛网": "telecom",
    "光纤": "telecom",
    "水压": "water",
    "自来水": "water",
    "供水": "water",
    "停电": "power",
    "电线老化": "power",
    "道路": "roads",
    "路面": "roads",
    "坑洼": "roads",
    "消防": "fire_safety",
    "灭火器": "fire_safety",
    "物业用房": "property_rooms",
    "养老": "services",
    "托育": "services",
    "便民": "services",
}
