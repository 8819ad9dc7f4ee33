"""Plausible residents for demo and synthetic data: Chinese names, mobile numbers, valid ID numbers.

The numbers are made up; ID numbers pass the GB 11643 checksum and stdnum's birth-date and
birth-place checks, and are unique per index, so an owner key derived from them is stable.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Sequence

from stdnum.cn import ric

# The most common surnames, roughly in order of frequency (earlier ones are drawn more often).
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田"
    "任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN_NAMES = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
    "秀英",
    "秀兰",
    "桂英",
    "玉兰",
    "桂兰",
    "凤英",
    "建国",
    "建华",
    "建军",
    "建平",
    "志强",
    "志明",
    "志刚",
    "海燕",
    "春梅",
    "小红",
    "国庆",
    "卫东",
    "红梅",
    "玉梅",
    "淑珍",
    "淑华",
    "丽华",
    "爱华",
    "爱国",
    "德胜",
    "德明",
    "永红",
    "永刚",
    "金凤",
    "文华",
    "文斌",
    "晓东",
    "晓燕",
    "晓明",
    "新民",
    "新华",
    "振华",
    "宏伟",
    "学军",
    "跃进",
    "保国",
    "红英",
    "素芳",
    "秀梅",
    "俊杰",
    "子涵",
    "浩然",
    "欣怡",
    "梓轩",
    "雨涵",
    "佳怡",
    "思远",
    "家豪",
    "一鸣",
)
MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "158",
    "159",
    "177",
    "180",
    "181",
    "182",
    "186",
    "187",
    "188",
    "189",
    "199",
)
ALWAYS_VALID_REGION = "410000"  # 河南省: valid for every birth year in stdnum's table


def name_pool(rng: random.Random, size: int = 8192) -> list[str]:
    """A pool of full names with frequent surnames more likely (Zipf-like)."""
    weights = [1.0 / (i + 4) for i in range(len(SURNAMES))]
    surnames = rng.choices(SURNAMES, weights=weights, k=size)
    return [s + GIVEN_NAMES[int(rng.random() * len(GIVEN_NAMES))] for s in surnames]


def phone(rng: random.Random) -> str:
    return MOBILE_PREFIXES[int(rng.random() * len(MOBILE_PREFIXES))] + f"{int(rng.random() * 100_000_000):08d}"


def _check_digit(first17: str) -> str:
    checksum = (1 - 2 * int(first17, 13)) % 11
    return "X" if checksum == 10 else str(checksum)


class IdNumbers:
    """A bijection from an index to a valid 18-digit resident ID number.

    index → (birth place, birth date, sequence) by a multiplicative permutation, so neighbouring
    households do not share birthdays; unique for indexes below `capacity`.
    """

    _MULTIPLIER = 2_654_435_761  # prime, so coprime with any capacity below it

    def __init__(self, region_codes: Sequence[str], *, first_year: int = 1940, last_year: int = 1995) -> None:
        self.prefixes = _prefixes(tuple(c for c in region_codes if c) or (ALWAYS_VALID_REGION,), first_year, last_year)
        self.capacity = len(self.prefixes) * 999

    def __call__(self, index: int) -> str:
        x = (index * self._MULTIPLIER + 12_345) % self.capacity
        first17 = f"{self.prefixes[x // 999]}{x % 999 + 1:03d}"
        return first17 + _check_digit(first17)


@functools.lru_cache(maxsize=64)
def _days(first_year: int, last_year: int) -> tuple[tuple[int, str], ...]:
    start = dt.date(first_year, 1, 1)
    count = (dt.date(last_year, 12, 31) - start).days + 1
    return tuple(
        ((d := start + dt.timedelta(days=i)).year, f"{d.year:04d}{d.month:02d}{d.day:02d}") for i in range(count)
    )


@functools.lru_cache(maxsize=64)
def _prefixes(codes: tuple[str, ...], first_year: int, last_year: int) -> tuple[str, ...]:
    """Region code + birth date for every day on which the region code was in use (stdnum's table)."""
    valid: dict[tuple[str, int], bool] = {}
    for code in codes:
        for year in range(first_year, last_year + 1):
            sample = f"{code}{year}0101001"
            valid[(code, year)] = ric.is_valid(sample + _check_digit(sample))
    prefixes = tuple(
        code + stamp for year, stamp in _days(first_year, last_year) for code in codes if valid[(code, year)]
    )
    if not prefixes:
        raise ValueError("no region code is valid for the birth years asked for")
    return prefixes
