"""Funding pages, exports and API: scoping, refusals in the shared error shape, and the ballot page share."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jiugai.consultation import services as consultation
from jiugai.consultation.choices import ScopeType
from jiugai.funding import services
from jiugai.funding.choices import HardshipHandling, SourceKind
from jiugai.funding.models import Allocation


def login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def test_pages_render_and_export(client: Any, world: Any) -> None:
    allocation = services.allocation_create(
        source=world.source(SourceKind.CITY), estate=world.estate, amount="1000", actor=world.east
    )
    login(client, world.east)
    for url in (
        "/funding/",
        "/funding/sources/",
        "/funding/allocations/",
        f"/funding/allocations/{allocation.pk}/",
        f"/funding/estates/{world.estate.pk}/",
        "/funding/cost-shares/",
    ):
        assert client.get(url).status_code == 200, url
    for url in (
        "/funding/allocations.xlsx",
        "/funding/allocations.csv",
        "/funding/alerts.csv",
        "/funding/totals/source.xlsx",
    ):
        assert client.get(url).status_code == 200, url
    ocds = client.get(f"/funding/estates/{world.estate.pk}/ocds.json").json()
    assert ocds["planning"]["budget"]["budgetBreakdown"][0]["amount"]["currency"] == "CNY"


def test_other_street_cannot_see(client: Any, world: Any) -> None:
    allocation = services.allocation_create(
        source=world.source(SourceKind.CITY), estate=world.estate, amount="1000", actor=world.east
    )
    login(client, world.west)
    assert client.get(f"/funding/allocations/{allocation.pk}/").status_code == 404
    assert client.get(f"/funding/estates/{world.estate.pk}/").status_code == 404
    assert client.get("/api/v1/funding/allocations/").json()["count"] == 0


def test_api_create_refusal_and_transition(client: Any, world: Any) -> None:
    source = world.source(SourceKind.MAINTENANCE_FUND)
    login(client, world.east)
    refused = client.post(
        "/api/v1/funding/allocations/",
        {"source": source.pk, "estate": world.estate.code, "amount": "1000"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "invalid"
    assert not Allocation.objects.exists()
    city = world.source(SourceKind.CITY)
    bad = client.post(
        "/api/v1/funding/allocations/",
        {"source": city.pk, "estate": world.estate.code, "amount": "-3"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    made = client.post(
        "/api/v1/funding/allocations/",
        {"source": city.pk, "estate": world.estate.code, "amount": "1000"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    moved = client.post(
        f"/api/v1/funding/allocations/{pk}/transition/", {"target": "applied"}, content_type="application/json"
    )
    assert moved.json()["status"] == "applied"
    denied = client.post(
        f"/api/v1/funding/allocations/{pk}/transition/", {"target": "approved"}, content_type="application/json"
    )
    assert denied.status_code == 403
    assert client.get("/api/v1/funding/summary/").json()["by_source"][0]["allocated"] == "1000.00"
    assert client.get("/api/v1/funding/alerts/").status_code == 200
    assert client.get(f"/api/v1/funding/allocations/ocds/?estate={world.estate.code}").status_code == 200


def test_api_cost_share(client: Any, world: Any) -> None:
    login(client, world.east)
    made = client.post(
        "/api/v1/funding/cost-shares/",
        {
            "estate": world.estate.code,
            "scope_type": "building",
            "building": world.building.pk,
            "item": "楼道灯",
            "total": "1200",
            "method": "equal",
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert len(made.json()["shares"]) == 12
    published = client.post(f"/api/v1/funding/cost-shares/{made.json()['id']}/publish/")
    assert published.json()["status"] == "published"


def test_ballot_page_shows_the_households_share(client: Any, world: Any) -> None:
    share = services.cost_share_create(
        estate=world.estate,
        scope_type=ScopeType.STAIRWELL,
        building=world.building,
        stairwell=1,
        item="单元门禁",
        total="12000",
        method="floor",
        hardship=HardshipHandling.OTHERS,
        actor=world.east,
    )
    services.cost_share_publish(cost_share=share, actor=world.east)
    now = timezone.now()
    campaign = consultation.campaign_create(
        actor=world.east,
        estate=world.estate,
        title="单元改造意愿",
        matter="renovate",
        rule="consent",
        scope_type=ScopeType.STAIRWELL,
        building=world.building,
        stairwell=1,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=7),
    )
    consultation.campaign_open(actor=world.east, campaign=campaign)
    links = consultation.campaign_links_issue(actor=world.east, campaign=campaign)
    top = world.households[-1]
    link = next(x for x in links if x.household == top)
    url = f"/b/{link.token}/"
    assert client.post(url, {"short_code": link.short_code, "secret": "5678"}).status_code == 302
    page = client.get(url).content.decode()
    expected = share.shares.get(household=top).amount
    assert 'data-testid="ballot-cost-share"' in page
    assert f"{expected:,}" in page or str(expected) in page


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_notice(client: Any, world: Any, fmt: str) -> None:
    share = services.cost_share_create(estate=world.estate, item="门禁", total="1200", method="equal", actor=world.east)
    login(client, world.east)
    url = f"/funding/cost-shares/{share.pk}/notice/" if fmt == "html" else f"/funding/cost-shares/{share.pk}/notice.pdf"
    response = client.get(url)
    assert response.status_code == 200
    if fmt == "pdf":
        assert response.content.startswith(b"%PDF")
