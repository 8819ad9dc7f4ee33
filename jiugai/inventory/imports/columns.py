"""The columns of each import sheet: Chinese header, value type, whether required, example value.

The headers are the file format, so they stay Chinese whatever the interface language; their
descriptions (on the instructions sheet) and every error message go through gettext.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ..choices import ConditionItem, ImportKind, ManagementStatus, PropertyRight, Severity, Structure

# Value types a column may hold; `validation.py` has one parser per type.
TEXT = "text"
INT = "int"
YEAR = "year"
DECIMAL = "decimal"
DATE = "date"
BOOL = "bool"
CHOICE = "choice"
CHOICES = "choices"  # several choice labels separated by 、 , ; or /
LIST = "list"  # several free texts separated by 、 , ; or /
STREET = "street"
COMMUNITY = "community"
PHONE = "phone"
ID_NUMBER = "id_number"

EXAMPLE_PREFIX = "示例"


@dataclass(frozen=True)
class Column:
    """One column of an import sheet."""

    key: str
    header: str
    type: str  # one of the value types above
    help: Promise
    required: bool = False
    example: Any = ""
    choices: Any = None  # a Django Choices class
    positive: bool = False
    max_length: int | None = None


@dataclass(frozen=True)
class SheetSpec:
    """One data sheet: its title, columns and the natural key that identifies a row."""

    kind: str
    title: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    aliases: tuple[str, ...] = field(default_factory=tuple)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


ESTATES = SheetSpec(
    kind=ImportKind.ESTATES,
    title="小区",
    aliases=("小区信息", "estates"),
    key=("code",),
    columns=(
        Column(
            "code",
            "小区编码",
            TEXT,
            _("Unique code of the estate; re-importing the same code updates it"),
            True,
            f"{EXAMPLE_PREFIX}-001",
            max_length=40,
        ),
        Column("name", "小区名称", TEXT, _("Name of the estate"), True, "幸福小区", max_length=100),
        Column("aliases", "别名", LIST, _("Other names, separated by 、"), example="幸福院、老幸福"),
        Column("street", "街道", STREET, _("Street (街道) by name or code, within your jurisdiction"), True, "东街道"),
        Column(
            "community",
            "社区",
            COMMUNITY,
            _("Community (社区) of that street by name or code; blank if none"),
            example="东一社区",
        ),
        Column("address", "地址", TEXT, _("Street address"), example="东街道幸福路12号", max_length=200),
        Column("build_year", "建成年份", YEAR, _("Year built, e.g. 1995"), example=1995),
        Column("completed_on", "竣工日期", DATE, _("Completion date, e.g. 1995-10-01"), example=dt.date(1995, 10, 1)),
        Column(
            "total_area", "房屋总面积(㎡)", DECIMAL, _("Housing area in square metres"), example=12500.5, positive=True
        ),
        Column("stated_households", "户数", INT, _("Number of households"), example=180, positive=True),
        Column("stated_buildings", "楼栋数", INT, _("Number of buildings"), example=6, positive=True),
        Column(
            "management_status",
            "管理方式",
            CHOICE,
            _("Choose from the list"),
            example=ManagementStatus.NONE,
            choices=ManagementStatus,
        ),
        Column(
            "property_rights",
            "产权类型",
            CHOICES,
            _("One or more from the list, separated by 、"),
            example=PropertyRight.REFORMED,
            choices=PropertyRight,
        ),
        Column("original_unit", "原产权单位", TEXT, _("Original property-right unit"), max_length=200),
        Column("latitude", "纬度", DECIMAL, _("Latitude in degrees (WGS-84)"), example=34.75),
        Column("longitude", "经度", DECIMAL, _("Longitude in degrees (WGS-84)"), example=113.62),
        Column("in_shantytown_plan", "是否纳入棚改/拆除计划", BOOL, _("是 or 否"), example="否"),
        Column("expropriation_planned", "是否计划征收", BOOL, _("是 or 否"), example="否"),
        Column("self_built_area", "是否以自建房为主", BOOL, _("是 or 否"), example="否"),
        Column("urban_village", "是否城中村", BOOL, _("是 or 否"), example="否"),
        Column("three_supplies_done", "三供一业是否完成", BOOL, _("是 or 否"), example="否"),
        Column("central_funded_year", "中央补助年份", YEAR, _("Year of earlier central funding, if any")),
        Column("municipal_ready", "市政配套是否完备", BOOL, _("是 or 否"), example="是"),
    ),
)

BUILDINGS = SheetSpec(
    kind=ImportKind.BUILDINGS,
    title="楼栋",
    aliases=("楼栋信息", "buildings"),
    key=("estate", "number"),
    columns=(
        Column(
            "estate",
            "小区编码",
            TEXT,
            _("Code of an estate in the system or in this workbook"),
            True,
            f"{EXAMPLE_PREFIX}-001",
        ),
        Column("number", "楼栋号", TEXT, _("Building number, unique within the estate"), True, "1号楼", max_length=20),
        Column("floors", "层数", INT, _("Number of floors above ground"), True, 6, positive=True),
        Column("stairwells", "单元数", INT, _("Number of stairwells (单元)"), example=2, positive=True),
        Column("stated_households", "户数", INT, _("Number of households"), example=24, positive=True),
        Column("area", "建筑面积(㎡)", DECIMAL, _("Housing area in square metres"), example=1800, positive=True),
        Column(
            "structure", "结构", CHOICE, _("Choose from the list"), example=Structure.BRICK_CONCRETE, choices=Structure
        ),
        Column("build_year", "建成年份", YEAR, _("Year built"), example=1995),
        Column("has_elevator", "是否有电梯", BOOL, _("是 or 否"), example="否"),
    ),
)

HOUSEHOLDS = SheetSpec(
    kind=ImportKind.HOUSEHOLDS,
    title="住户",
    aliases=("户", "住户信息", "households"),
    key=("estate", "building", "stairwell", "room"),
    columns=(
        Column(
            "estate",
            "小区编码",
            TEXT,
            _("Code of an estate in the system or in this workbook"),
            True,
            f"{EXAMPLE_PREFIX}-001",
        ),
        Column(
            "building",
            "楼栋号",
            TEXT,
            _("Building number of that estate (in the system or on the 楼栋 sheet)"),
            True,
            "1号楼",
        ),
        Column("stairwell", "单元", INT, _("Stairwell (单元) number; 1 if blank"), example=1, positive=True),
        Column("floor", "楼层", INT, _("Floor"), True, 3, positive=True),
        Column("room", "房号", TEXT, _("Room number, unique within the stairwell"), True, "301", max_length=20),
        Column("area", "面积(㎡)", DECIMAL, _("Exclusive area in square metres"), True, 72.5, positive=True),
        Column("owner_name", "业主姓名", TEXT, _("Owner's name"), example="张三", max_length=100),
        Column("phone", "联系电话", PHONE, _("Mobile or landline number"), example="13800000000"),
        Column("id_number", "身份证号", ID_NUMBER, _("18-digit resident ID number, entered as text"), example=""),
        Column("hardship", "低保/特困", BOOL, _("是 or 否"), example="否"),
        Column("developer_held", "开发商持有", BOOL, _("是 if unsold and held by the developer"), example="否"),
    ),
)

SURVEY = SheetSpec(
    kind=ImportKind.SURVEY,
    title="摸底调查",
    aliases=("调查", "survey"),
    key=("estate", "surveyed_on", "item"),
    columns=(
        Column(
            "estate",
            "小区编码",
            TEXT,
            _("Code of an estate in the system or in this workbook"),
            True,
            f"{EXAMPLE_PREFIX}-001",
        ),
        Column("surveyed_on", "调查日期", DATE, _("Date of the survey"), True, dt.date(2025, 3, 1)),
        Column("surveyor", "调查人", TEXT, _("Who surveyed"), example="李四", max_length=100),
        Column("item", "调查项目", CHOICE, _("Choose from the list"), True, ConditionItem.WATER, choices=ConditionItem),
        Column("severity", "严重程度", CHOICE, _("Choose from the list"), True, Severity.MODERATE, choices=Severity),
        Column("notes", "情况说明", TEXT, _("What was seen"), example="管网老化，经常爆管"),
    ),
)

SPECS: dict[str, SheetSpec] = {s.kind: s for s in (ESTATES, BUILDINGS, HOUSEHOLDS, SURVEY)}
# Sheets are validated and written in this order, so later sheets may point at rows of earlier ones.
ORDER = (ImportKind.ESTATES, ImportKind.BUILDINGS, ImportKind.HOUSEHOLDS, ImportKind.SURVEY)

INSTRUCTIONS_TITLE = "说明"
LISTS_TITLE = "选项"


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def normalise_header(text: Any) -> str:
    """Headers match ignoring spaces, a required-marker asterisk and full-width brackets."""
    value = str(text or "").strip().replace(" ", "").replace("\u3000", "").rstrip("*＊")
    return value.replace("（", "(").replace("）", ")").replace("m2", "㎡").replace("m²", "㎡")
