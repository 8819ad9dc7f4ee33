"""Seed the national default renovation content catalogue (国办发〔2020〕23号 three classes; REFERENCE §1.2).

Unit costs are plausible planning figures (yuan, 2020 prices in Henan/Ningxia county seats); cities replace
them with their own by writing a new catalogue version. Zhanhe's ten targets (seed 001) are mapped per item.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import migrations

# code, name, class, unit, basis, factor, unit cost, utility, survey item, targets — frozen at this migration.
ITEMS = [
    ("B01", "供水管网及一户一表改造", "basic", "户", "household", "1", "2500", "water", "water", ["tidy_lines"]),
    ("B02", "雨污分流及排水管网改造", "basic", "米", "area", "0.05", "600", "", "drainage", ["tidy_lines"]),
    ("B03", "化粪池及排水管道清淤", "basic", "项", "estate", "1", "30000", "", "drainage", []),
    ("B04", "供电线路及配电设施改造", "basic", "户", "household", "1", "1800", "power", "power", ["tidy_lines"]),
    ("B05", "燃气管道改造", "basic", "户", "household", "1", "3000", "gas", "gas", ["complete_security"]),
    ("B06", "供热管网及户内系统改造", "basic", "平方米", "area", "1", "60", "heating", "heating", []),
    ("B07", "架空线缆规整入地（弱电）", "basic", "栋", "building", "1", "20000", "telecom", "telecom", ["tidy_lines"]),
    ("B08", "光纤入户", "basic", "户", "household", "1", "300", "telecom", "", ["tidy_lines"]),
    ("B09", "小区道路修复", "basic", "平方米", "area", "0.25", "180", "", "roads", ["level_roads"]),
    ("B10", "屋面防水修缮", "basic", "平方米", "area", "0.2", "150", "", "building_envelope", ["neat_facades"]),
    ("B11", "外墙修缮及粉刷", "basic", "平方米", "area", "0.8", "120", "", "building_envelope", ["neat_facades"]),
    ("B12", "楼梯间修缮", "basic", "单元", "stairwell", "1", "15000", "", "building_envelope", []),
    ("B13", "安防监控及门禁系统", "basic", "栋", "building", "1", "12000", "", "security", ["complete_security"]),
    ("B14", "消防设施完善", "basic", "栋", "building", "1", "8000", "", "fire_safety", ["complete_security"]),
    ("B15", "垃圾分类收集设施", "basic", "项", "estate", "1", "40000", "", "garbage", []),
    ("B16", "楼栋标识及单元门牌", "basic", "栋", "building", "1", "1500", "", "", ["clear_signs"]),
    ("I01", "拆除违法建设", "improvement", "平方米", "manual", "1", "100", "", "", ["neat_facades"]),
    ("I02", "绿化提升", "improvement", "平方米", "area", "0.1", "80", "", "greenery", ["greenery"]),
    ("I03", "路灯及楼道灯改造", "improvement", "栋", "building", "1", "6000", "", "lighting", ["bright_lights"]),
    ("I04", "适老化及无障碍设施", "improvement", "单元", "stairwell", "1", "8000", "", "barrier_free", []),
    ("I05", "停车位施划及停车设施", "improvement", "个", "household", "0.3", "3000", "", "parking", ["orderly_vehicles"]),
    ("I06", "电动自行车集中充电设施", "improvement", "个", "household", "0.1", "2500", "", "charging", ["orderly_vehicles"]),
    ("I07", "汽车充电桩", "improvement", "个", "manual", "1", "8000", "power", "", ["orderly_vehicles"]),
    ("I08", "智能快件箱及信包箱", "improvement", "项", "estate", "1", "20000", "", "", []),
    ("I09", "文化休闲及健身设施", "improvement", "项", "estate", "1", "60000", "", "", []),
    ("I10", "物业用房", "improvement", "项", "estate", "1", "150000", "", "property_rooms", ["sound_management", "standard_property_service"]),
    ("I11", "建筑节能改造", "improvement", "平方米", "area", "1", "90", "", "", []),
    ("I12", "既有住宅加装电梯", "improvement", "部", "manual", "1", "600000", "", "elevator", []),
    ("U01", "社区综合服务设施", "upgrade", "项", "estate", "1", "500000", "", "services", ["sound_management"]),
    ("U02", "卫生服务站", "upgrade", "项", "estate", "1", "300000", "", "", []),
    ("U03", "养老托育助餐设施", "upgrade", "项", "estate", "1", "400000", "", "", []),
    ("U04", "周界防护等智能感知设施", "upgrade", "项", "estate", "1", "150000", "", "", ["complete_security"]),
    ("U05", "便民市场及便利店", "upgrade", "项", "estate", "1", "200000", "", "", []),
    ("U06", "邮政快递末端综合服务站", "upgrade", "项", "estate", "1", "100000", "", "", []),
]  # fmt: skip


def seed(apps: Any, schema_editor: Any) -> None:
    version_model = apps.get_model("planning", "CatalogueVersion")
    item_model = apps.get_model("planning", "CatalogueItem")
    if version_model.objects.filter(jurisdiction=None).exists():
        return
    version = version_model.objects.create(
        jurisdiction=None,
        version=1,
        effective_from=dt.date(2020, 7, 20),
        title="全国默认改造内容清单（国办发〔2020〕23号）",
        note="基础类、完善类、提升类；单价为规划估算参考值，各地以新版本替换。",
    )
    item_model.objects.bulk_create(
        [
            item_model(
                catalogue=version,
                code=code,
                name=name,
                item_class=item_class,
                unit=unit,
                quantity_basis=basis,
                quantity_factor=Decimal(factor),
                unit_cost=Decimal(cost),
                utility=utility,
                condition_item=condition,
                targets=targets,
                position=position,
            )
            for position, (code, name, item_class, unit, basis, factor, cost, utility, condition, targets) in enumerate(
                ITEMS, start=1
            )
        ]
    )


def unseed(apps: Any, schema_editor: Any) -> None:
    version_model = apps.get_model("planning", "CatalogueVersion")
    version_model.objects.filter(jurisdiction=None, version=1, proposals=None).delete()


class Migration(migrations.Migration):
    dependencies = [("planning", "0001_catalogue_proposals_weights_bundles_plans")]

    operations = [migrations.RunPython(seed, unseed)]
