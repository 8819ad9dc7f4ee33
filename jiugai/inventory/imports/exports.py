"""Export columns of the inventory lists, ready for `jiugai.core.exporting.export_response`.

The headers match the import templates, so an exported list can be edited and imported again.
Phone and ID numbers are masked for roles that may not see them (see `permissions.py`).
"""

from __future__ import annotations

from typing import Any

from jiugai.core.exporting import Column

from ..permissions import personal_data_for


def estate_columns() -> list[Column]:
    return [
        Column("小区编码", "code"),
        Column("小区名称", "name"),
        Column("别名", "aliases"),
        Column("街道", "street.name"),
        Column("社区", lambda e: e.jurisdiction.name if e.jurisdiction_id != e.street_id else ""),
        Column("地址", "address"),
        Column("建成年份", "build_year"),
        Column("竣工日期", "completed_on"),
        Column("房屋总面积(㎡)", "total_area"),
        Column("户数", "stated_households"),
        Column("楼栋数", "stated_buildings"),
        Column("管理方式", "get_management_status_display"),
        Column("是否纳入棚改/拆除计划", "in_shantytown_plan"),
    ]


def building_columns() -> list[Column]:
    return [
        Column("小区编码", "estate.code"),
        Column("楼栋号", "number"),
        Column("层数", "floors"),
        Column("单元数", "stairwells"),
        Column("户数", "stated_households"),
        Column("建筑面积(㎡)", "area"),
        Column("结构", "get_structure_display"),
        Column("建成年份", "build_year"),
        Column("是否有电梯", "has_elevator"),
    ]


def household_columns(user: Any) -> list[Column]:
    """Household columns; phone and ID number as `user` may see them (masked unless their role allows)."""

    def personal(field: str) -> Any:
        return lambda h: personal_data_for(user, phone=h.phone, id_number=h.id_number)[field]

    return [
        Column("小区编码", "building.estate.code"),
        Column("楼栋号", "building.number"),
        Column("单元", "stairwell"),
        Column("楼层", "floor"),
        Column("房号", "room"),
        Column("面积(㎡)", "area"),
        Column("业主姓名", "owner_name"),
        Column("联系电话", personal("phone")),
        Column("身份证号", personal("id_number")),
        Column("低保/特困", "hardship"),
        Column("开发商持有", "developer_held"),
    ]
