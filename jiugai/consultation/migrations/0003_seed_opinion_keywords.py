"""Seed the opinion keyword dictionary with the words residents commonly use (seed digest §4)."""

from typing import Any

from django.db import migrations

# Frozen copy of the defaults at the time of this migration (later changes to the rules' defaults do not
# rewrite databases; staff extend the dictionary on the keywords page).
KEYWORDS = {
    "雨水倒灌": "drainage", "下水道堵": "drainage", "下水道": "drainage", "污水": "drainage", "排水": "drainage",
    "化粪池": "drainage", "雨污分流": "drainage", "积水": "drainage",
    "飞线充电": "charging", "充电桩": "charging", "充电": "charging", "电动车": "charging",
    "停车难": "parking", "车位": "parking", "停车": "parking",
    "路灯": "lighting", "楼道灯": "lighting", "照明": "lighting",
    "漏水": "building_envelope", "屋顶渗水": "building_envelope", "渗水": "building_envelope",
    "外墙": "building_envelope", "楼梯": "building_envelope", "防水": "building_envelope",
    "电梯": "elevator", "加装电梯": "elevator",
    "燃气": "gas", "天然气": "gas", "煤气": "gas",
    "暖气": "heating", "供暖": "heating", "供热": "heating",
    "监控": "security", "门禁": "security", "安防": "security",
    "垃圾": "garbage", "垃圾分类": "garbage",
    "绿化": "greenery", "树木": "greenery",
    "无障碍": "barrier_free", "扶手": "barrier_free", "适老化": "barrier_free",
    "网线": "telecom", "蜘蛛网": "telecom", "光纤": "telecom",
    "水压": "water", "自来水": "water", "供水": "water",
    "停电": "power", "电线老化": "power",
    "道路": "roads", "路面": "roads", "坑洼": "roads",
    "消防": "fire_safety", "灭火器": "fire_safety",
    "物业用房": "property_rooms",
    "养老": "services", "托育": "services", "便民": "services",
}  # fmt: skip


def seed(apps: Any, schema_editor: Any) -> None:
    keyword_model = apps.get_model("consultation", "OpinionKeyword")
    keyword_model.objects.bulk_create(
        [keyword_model(keyword=k, item=v) for k, v in KEYWORDS.items()], ignore_conflicts=True
    )


def unseed(apps: Any, schema_editor: Any) -> None:
    keyword_model = apps.get_model("consultation", "OpinionKeyword")
    keyword_model.objects.filter(keyword__in=list(KEYWORDS), created_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("consultation", "0002_notices_drafts_opinions")]

    operations = [migrations.RunPython(seed, unseed)]
