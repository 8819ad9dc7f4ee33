"""Residents' opinions: classification with the keyword dictionary (staff-extendable), the demand summary
per estate and per area, the phone page and its rate limit, exports of opinions and of a campaign's tally,
scoping and the API."""

from __future__ import annotations

import importlib
import io
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from openpyxl import load_workbook

from jiugai.consultation import selectors, services
from jiugai.consultation.models import Opinion, OpinionKeyword
from jiugai.inventory.models import RenovationArea


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


@pytest.fixture(autouse=True)
def _seeded_dictionary(request: pytest.FixtureRequest) -> None:
    """Tests that flush the database (transactional ones) also wipe data migrations: seed again if so."""
    if "db" not in request.fixturenames and "world" not in request.fixturenames:
        return
    request.getfixturevalue("db")
    if not OpinionKeyword.objects.exists():
        seed_migration = importlib.import_module("jiugai.consultation.migrations.0003_seed_opinion_keywords")
        seed_migration.seed(django_apps, None)


def say(world: Any, text: str, *, estate: Any = None, channel: str = "meeting") -> Opinion:
    return services.opinion_submit(actor=world.east, estate=estate or world.estate, text=text, channel=channel)


def test_default_dictionary_is_seeded(db: None) -> None:
    dictionary = selectors.keyword_dictionary()
    assert dictionary["雨水倒灌"] == "drainage" and dictionary["飞线充电"] == "charging"
    assert dictionary["停车难"] == "parking" and dictionary["蜘蛛网"] == "telecom"


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("一下大雨就雨水倒灌", ["drainage"]),
        ("楼下飞线充电很危险", ["charging"]),
        ("停车难，楼道灯也不亮", ["parking", "lighting"]),
        ("顶楼漏水，希望加装电梯", ["building_envelope", "elevator"]),
        ("天然气管道老化，冬天暖气不热", ["gas", "heating"]),
        ("谢谢社区", []),
    ],
)
def test_staff_entry_classified(world: Any, text: str, items: list[str]) -> None:
    opinion = say(world, text)
    assert opinion.items == items
    assert set(opinion.matches) == set(items)
    assert opinion.entered_by == world.east and opinion.channel == "meeting"


def test_staff_added_keyword_takes_effect(world: Any) -> None:
    before = say(world, "院里晾衣杆都锈断了")
    assert before.items == []
    services.opinion_keyword_add(actor=world.east, keyword="晾衣杆", item="services")
    assert say(world, "晾衣杆需要更换").items == ["services"]
    manual = say(world, "晾衣杆和花坛")
    services.opinion_items_set(actor=world.east, opinion=manual, items=["greenery"])
    assert services.opinions_reclassify(actor=world.east) == 1  # the earlier one; hand-set ones stay
    before.refresh_from_db()
    manual.refresh_from_db()
    assert before.items == ["services"] and before.matches == {"services": ["晾衣杆"]}
    assert manual.items == ["greenery"]
    with pytest.raises(ValidationError):
        services.opinion_keyword_add(actor=world.east, keyword="晾衣杆", item="greenery")
    with pytest.raises(ValidationError):
        services.opinion_keyword_add(actor=world.east, keyword="两 个词", item="greenery")
    with pytest.raises(PermissionDenied):
        services.opinion_keyword_add(actor=world.deputy, keyword="花坛", item="greenery")


def test_keyword_page(world: Any, client: Any) -> None:
    client.force_login(world.community)
    assert client.post("/consultation/opinions/keywords/", {"keyword": "车棚", "item": "charging"}).status_code == 302
    assert OpinionKeyword.objects.get(keyword="车棚").created_by == world.community
    assert "车棚" in client.get("/consultation/opinions/keywords/").content.decode()
    assert client.post("/consultation/opinions/reclassify/").status_code == 302


def test_demand_summary_counts(world: Any, tree: Any, make_estate: Any) -> None:
    area = RenovationArea(jurisdiction=tree.street_a, name="东片区")
    area.full_clean()
    area.save()
    world.estate.area = area
    world.estate.save()
    second = make_estate("和平小区", tree.community_a, tree.street_a, area=area)
    third = make_estate("光明小区", tree.community_a, tree.street_a)
    far = make_estate("西城小区", tree.community_b, tree.street_b)
    say(world, "雨水倒灌")
    say(world, "雨水倒灌，还有飞线充电")
    say(world, "停车难")
    say(world, "下水道堵了", estate=second)
    say(world, "感谢", estate=third)
    services.opinion_submit(estate=far, text="雨水倒灌", channel="phone")  # another street's estate

    summary = selectors.demand_summary(opinions=selectors.opinion_list(user=world.east), by="estate")
    codes = [i["code"] for i in summary["items"]]
    assert codes == ["drainage", "parking", "charging", "unclassified"]
    rows = {r["label"]: dict(zip(codes, r["counts"], strict=True)) for r in summary["rows"]}
    assert rows["幸福小区"] == {"drainage": 2, "parking": 1, "charging": 1, "unclassified": 0}
    assert rows["和平小区"]["drainage"] == 1 and rows["光明小区"]["unclassified"] == 1
    assert "西城小区" not in rows
    assert summary["opinions"] == 5 and summary["totals"] == [3, 1, 1, 1]
    assert summary["rows"][0]["label"] == "幸福小区"

    by_area = selectors.demand_summary(opinions=selectors.opinion_list(user=world.east), by="area")
    rows = {r["key"]: dict(zip(codes, r["counts"], strict=True)) for r in by_area["rows"]}
    assert rows[area.pk] == {"drainage": 3, "parking": 1, "charging": 1, "unclassified": 0}
    assert rows[None] == {"drainage": 0, "parking": 0, "charging": 0, "unclassified": 1}


def test_summary_page_and_data(world: Any, client: Any) -> None:
    say(world, "雨水倒灌")
    client.force_login(world.east)
    html = client.get("/consultation/opinions/summary/").content.decode()
    assert "vendor/echarts/echarts.min.js" in html and "consultation/opinion_summary.js" in html
    assert 'data-testid="demand-chart"' in html and "<script>" not in html
    data = client.get("/consultation/opinions/summary.json?by=area").json()
    assert data["by"] == "area" and data["items"][0]["code"] == "drainage"
    response = client.get("/api/v1/consultation/opinions/summary/")
    assert response.json()["rows"][0]["counts"] == [1]


def test_phone_page(world: Any) -> None:
    public = Client()
    url = f"/b/o/{world.estate.code}/"
    page = public.get(url)
    assert page.status_code == 200 and "幸福小区" in page.content.decode()
    response = public.post(url, {"text": "小区雨水倒灌严重，楼下飞线充电"})
    assert response.status_code == 302
    opinion = Opinion.objects.get()
    assert opinion.channel == "phone" and opinion.items == ["drainage", "charging"] and opinion.entered_by is None
    assert public.get("/b/o/NO-SUCH-ESTATE/").status_code == 404
    with pytest.raises(ValidationError):
        services.opinion_submit(estate=world.estate, text="匿名冒充会议", channel="meeting")


def test_phone_page_rate_limit(world: Any) -> None:
    public = Client()
    url = f"/b/o/{world.estate.code}/"
    statuses = [public.post(url, {"text": f"停车难{n}"}).status_code for n in range(6)]
    assert statuses == [302] * 5 + [429]
    assert Opinion.objects.count() == 5


def test_staff_entry_page_and_scoping(world: Any, client: Any, tree: Any, make_estate: Any) -> None:
    far = make_estate("西城小区", tree.community_b, tree.street_b)
    client.force_login(world.east)
    response = client.post(
        "/consultation/opinions/",
        {"estate": world.estate.pk, "channel": "wechat", "text": "群里反映路灯坏了", "heard_on": "2024-05-06"},
    )
    assert response.status_code == 302
    assert Opinion.objects.get().items == ["lighting"]
    assert (
        client.post("/consultation/opinions/", {"estate": far.pk, "channel": "visit", "text": "停车难"}).status_code
        == 200
    )  # not a choice for this user: the form refuses
    assert Opinion.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.opinion_submit(actor=world.east, estate=far, text="停车难", channel="visit")
    services.opinion_submit(estate=far, text="停车难", channel="phone")
    page = client.get("/consultation/opinions/").content.decode()
    assert "群里反映路灯坏了" in page and "西城小区" not in page
    assert client.get("/consultation/opinions/?item=lighting").content.decode().count("群里反映路灯坏了") == 1
    assert "群里反映路灯坏了" not in client.get("/consultation/opinions/?item=parking").content.decode()
    client.force_login(world.west)
    assert client.get("/api/v1/consultation/opinions/").json()["count"] == 1


def test_api_entry_and_keywords(world: Any, client: Any) -> None:
    client.force_login(world.east)
    response = client.post(
        "/api/v1/consultation/opinions/",
        {"estate": world.estate.pk, "channel": "visit", "text": "老人上楼需要扶手"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["items"] == ["barrier_free"]
    response = client.post(
        "/api/v1/consultation/opinion-keywords/",
        {"keyword": "信报箱", "item": "services"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert client.get("/api/v1/consultation/opinion-keywords/?item=services").json()["count"] >= 1


# --- exports -----------------------------------------------------------------------------------------


def test_opinion_export(world: Any, client: Any) -> None:
    say(world, "雨水倒灌，还有飞线充电")
    say(world, "=HYPERLINK(1)")
    client.force_login(world.east)
    response = client.get("/consultation/opinions/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    texts = {r[4]: r for r in rows[1:]}
    row = texts["雨水倒灌，还有飞线充电"]
    assert row[0] == "幸福小区" and "雨水倒灌" in row[6] and "飞线充电" in row[6]
    assert "=HYPERLINK(1)" in texts  # kept as text, not a formula
    csv = b"".join(client.get("/consultation/opinions/export.csv").streaming_content).decode("utf-8-sig")
    assert "雨水倒灌" in csv
    assert client.get("/consultation/opinions/export.pdf").status_code == 400
    client.force_login(world.west)
    csv = b"".join(client.get("/consultation/opinions/export.csv").streaming_content).decode("utf-8-sig")
    assert "雨水倒灌" not in csv


def test_tally_export(world: Any, client: Any) -> None:
    homes = world.households(3)
    campaign = world.campaign()
    world.vote(campaign, homes[0], "yes")
    world.vote(campaign, homes[1], "no")
    client.force_login(world.east)
    response = client.get(f"/consultation/{campaign.pk}/tally.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 6
    households = [r[1] for r in rows[1:]]
    assert households == [1, 1, 0, 1, 3]
    assert float(rows[5][2]) == 150.0
    client.force_login(world.west)
    assert client.get(f"/consultation/{campaign.pk}/tally.xlsx").status_code == 404
    client.force_login(world.deputy)
    assert client.get(f"/consultation/{campaign.pk}/tally.xlsx").status_code == 403
