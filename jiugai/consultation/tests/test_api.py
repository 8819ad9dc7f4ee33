"""Consultation API: scoped campaign CRUD, open, decide, tally; staff ballot entry; one error shape."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from jiugai.consultation.models import Campaign


def body(world: Any, **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "title": "幸福小区改造意愿征询",
        "estate": world.estate.pk,
        "matter": "renovate",
        "rule": "consent",
        "opens_at": (now - dt.timedelta(hours=1)).isoformat(),
        "closes_at": (now + dt.timedelta(days=3)).isoformat(),
        **extra,
    }


def test_campaign_lifecycle_over_api(client: Any, world: Any) -> None:
    homes = world.households(3)
    client.force_login(world.east)
    created = client.post("/api/v1/consultation/campaigns/", body(world), content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    changed = client.patch(
        f"/api/v1/consultation/campaigns/{pk}/", {"title": "新标题"}, content_type="application/json"
    )
    assert changed.json()["title"] == "新标题"
    assert client.get(f"/api/v1/consultation/campaigns/{pk}/tally/").status_code == 404
    assert client.post(f"/api/v1/consultation/campaigns/{pk}/open/").json()["status"] == "open"
    for h in homes[:2]:
        r = client.post(
            "/api/v1/consultation/ballots/",
            {"campaign": pk, "household": h.pk, "answer": "yes", "channel": "meeting"},
            content_type="application/json",
        )
        assert r.status_code == 201, r.content
    tally = client.get(f"/api/v1/consultation/campaigns/{pk}/tally/").json()
    assert (tally["yes_households"], tally["total_households"]) == (2, 3)
    listed = client.get("/api/v1/consultation/ballots/", {"campaign": pk}).json()
    assert listed["count"] == 2 and listed["results"][0]["owner"] == "王*明"
    decided = client.post(f"/api/v1/consultation/campaigns/{pk}/decide/").json()
    assert decided["status"] == "decided" and decided["decision"]["outcome"] == "passed"
    late = client.post(
        "/api/v1/consultation/ballots/",
        {"campaign": pk, "household": homes[2].pk, "answer": "yes", "channel": "meeting"},
        content_type="application/json",
    )
    assert late.status_code == 400 and late.json()["error"]["code"] == "invalid"
    assert client.delete(f"/api/v1/consultation/campaigns/{pk}/").status_code == 400


def test_api_errors_share_one_shape(client: Any, world: Any) -> None:
    client.force_login(world.east)
    bad = client.post(
        "/api/v1/consultation/campaigns/", body(world, scope_type="building"), content_type="application/json"
    )
    assert bad.status_code == 400 and "building" in bad.json()["error"]["fields"]
    client.force_login(world.deputy)
    denied = client.post("/api/v1/consultation/campaigns/", body(world), content_type="application/json")
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "permission_denied"
    client.force_login(world.west)
    hidden = client.post("/api/v1/consultation/campaigns/", body(world), content_type="application/json")
    assert hidden.status_code == 404
    assert not Campaign.objects.exists()


def test_draft_can_be_deleted(client: Any, world: Any) -> None:
    world.households(1)
    campaign = world.campaign(open_it=False)
    client.force_login(world.east)
    assert client.delete(f"/api/v1/consultation/campaigns/{campaign.pk}/").status_code == 204
    assert not Campaign.objects.exists()
