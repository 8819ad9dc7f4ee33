"""Estate pages: scoped list with search and filters, detail with masking and history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from jiugai.accounts.choices import Level, Role
from jiugai.accounts.services import jurisdiction_create, user_create
from jiugai.core.text import pinyin_key
from jiugai.inventory.models import Building, Estate, Household

pytestmark = pytest.mark.django_db


def make_estate(name, jurisdiction, street, **fields):
    estate = Estate(
        code=fields.pop("code", f"E-{name}"),
        name=name,
        name_pinyin=pinyin_key(name),
        jurisdiction=jurisdiction,
        street=street,
        **fields,
    )
    estate.full_clean()
    estate.save()
    return estate


@pytest.fixture
def world():
    city = jurisdiction_create(code="W41", name="测试市", level=Level.CITY)
    east = jurisdiction_create(code="W4101", name="东大街街道", level=Level.STREET, parent=city)
    west = jurisdiction_create(code="W4102", name="西关街道", level=Level.STREET, parent=city)
    community = jurisdiction_create(code="W410101", name="东一社区", level=Level.COMMUNITY, parent=east)
    garden = make_estate("花园小区", community, east, build_year=1995, aliases=["老花园"])
    bank = make_estate("银行宿舍", east, east, build_year=2003)
    mill = make_estate("棉纺厂家属院", west, west, build_year=1988)
    building = Building.objects.create(estate=garden, number="1号楼", floors=6)
    Household.objects.create(
        building=building,
        stairwell=1,
        floor=3,
        room="301",
        area=Decimal("72.50"),
        owner_name="张三",
        phone="13812345678",
        id_number="410102198001011234",
    )
    users = {
        Role.STREET_OFFICE: user_create(username="east", password=None, role=Role.STREET_OFFICE, jurisdiction=east),
        Role.COMMUNITY_COMMITTEE: user_create(
            username="community", password=None, role=Role.COMMUNITY_COMMITTEE, jurisdiction=community
        ),
        Role.LEADING_GROUP_OFFICE: user_create(
            username="lgo", password=None, role=Role.LEADING_GROUP_OFFICE, jurisdiction=city
        ),
        Role.DEPARTMENT: user_create(
            username="dept", password=None, role=Role.DEPARTMENT, jurisdiction=city, department_type="housing"
        ),
        Role.PLATFORM_ADMIN: user_create(username="admin", password=None, role=Role.PLATFORM_ADMIN, jurisdiction=None),
    }
    west_user = user_create(username="west", password=None, role=Role.STREET_OFFICE, jurisdiction=west)
    return {
        "east": east,
        "west": west,
        "garden": garden,
        "bank": bank,
        "mill": mill,
        "users": users,
        "west_user": west_user,
    }


def names(response):
    return {e.name for e in response.context["page_obj"]}


def test_list_is_scoped(client, world):
    client.force_login(world["users"][Role.STREET_OFFICE])
    response = client.get(reverse("inventory:estate_list"))
    assert response.status_code == 200
    assert names(response) == {"花园小区", "银行宿舍"}
    client.force_login(world["users"][Role.LEADING_GROUP_OFFICE])
    assert names(client.get(reverse("inventory:estate_list"))) == {"花园小区", "银行宿舍", "棉纺厂家属院"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "花园"}, {"花园小区"}),
        ({"q": "老花园"}, {"花园小区"}),
        ({"q": "hyxq"}, {"花园小区"}),
        ({"q": "yinhang"}, {"银行宿舍"}),
        ({"street": "W4102"}, {"棉纺厂家属院"}),
        ({"build_year_max": "2000"}, {"花园小区", "棉纺厂家属院"}),
        ({"build_year_min": "2000"}, {"银行宿舍"}),
    ],
)
def test_list_search_and_filters(client, world, params, expected):
    client.force_login(world["users"][Role.LEADING_GROUP_OFFICE])
    assert names(client.get(reverse("inventory:estate_list"), params)) == expected


def test_list_paginates(client, world):
    for i in range(30):
        make_estate(f"小区{i:02d}", world["west"], world["west"])
    client.force_login(world["users"][Role.PLATFORM_ADMIN])
    first = client.get(reverse("inventory:estate_list"))
    assert len(first.context["page_obj"].object_list) == 25
    second = client.get(reverse("inventory:estate_list"), {"page": 2})
    assert len(second.context["page_obj"].object_list) == 8


def test_other_streets_estate_is_404(client, world):
    client.force_login(world["west_user"])
    assert client.get(reverse("inventory:estate_detail", args=[world["garden"].pk])).status_code == 404
    assert client.get(reverse("inventory:estate_detail", args=[world["mill"].pk])).status_code == 200


@pytest.mark.parametrize(
    ("role", "masked"),
    [
        (Role.STREET_OFFICE, False),
        (Role.COMMUNITY_COMMITTEE, False),
        (Role.PLATFORM_ADMIN, False),
        (Role.LEADING_GROUP_OFFICE, True),
        (Role.DEPARTMENT, True),
    ],
)
def test_detail_masks_personal_data_by_role(client, world, role, masked):
    client.force_login(world["users"][role])
    response = client.get(reverse("inventory:estate_detail", args=[world["garden"].pk]))
    html = response.content.decode()
    assert ("13812345678" in html) is not masked
    assert ("410102198001011234" in html) is not masked
    if masked:
        assert "138****5678" in html
        assert "4****************4" in html


def test_detail_shows_buildings_and_history(client, world):
    estate = world["garden"]
    estate.address = "建设路1号"
    estate.save()
    client.force_login(world["users"][Role.STREET_OFFICE])
    response = client.get(reverse("inventory:estate_detail", args=[estate.pk]))
    html = response.content.decode()
    assert "1号楼" in html
    assert 'data-testid="change-history"' in html
    assert "建设路1号" in html
    assert [r.action for r in response.context["records"]] == ["update", "create"]
