"""The residents' phone page: verification, casting and changing, bad links, closing, rate limit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from jiugai.consultation import services
from jiugai.consultation.models import Ballot, Tally
from jiugai.core.models import AuditEntry


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


@pytest.fixture
def linked(world: Any) -> dict[str, Any]:
    homes = world.households(3, phone="13912345678")
    campaign = world.campaign(questions={"items": [{"code": "roof", "label": "屋面防水"}], "ask_cofunding": True})
    links = services.campaign_links_issue(actor=world.east, campaign=campaign)
    link = next(x for x in links if x.household == homes[0])
    return {"campaign": campaign, "link": link, "url": f"/b/{link.token}/", "home": homes[0]}


def verify(client: Any, linked: dict[str, Any], digits: str = "5678") -> Any:
    return client.post(linked["url"], {"short_code": linked["link"].short_code, "secret": digits})


def test_phone_page_verify_cast_change(client: Any, linked: dict[str, Any]) -> None:
    page = client.get(linked["url"])
    assert page.status_code == 200
    assert "王小明" not in page.content.decode()  # nothing personal before verification
    assert verify(client, linked).status_code == 302
    page = client.get(linked["url"])
    body = page.content.decode()
    assert "王*明" in body and "屋面防水" in body
    assert "<script>" not in body.split("</main>")[0]  # no inline scripts on the page itself
    done = client.post(linked["url"], {"answer": "yes", "items": ["roof"], "cofund": "yes", "cofund_amount": "500"})
    assert done.status_code == 302 and done["Location"].endswith("/done/")
    ballot = Ballot.objects.get(household=linked["home"])
    assert (ballot.answer, ballot.channel, ballot.answers["cofund_amount"]) == ("yes", "online", "500.00")
    client.post(linked["url"], {"answer": "no"})
    ballot.refresh_from_db()
    assert (ballot.answer, ballot.version) == ("no", 2)
    tally = Tally.objects.get(campaign=linked["campaign"])
    assert (tally.yes_households, tally.no_households) == (0, 1)
    assert "done-answer" in client.get(linked["url"] + "done/").content.decode()


def test_wrong_digits_do_not_verify(client: Any, linked: dict[str, Any]) -> None:
    response = verify(client, linked, digits="0000")
    assert response.status_code == 200
    assert "form-error" in response.content.decode()
    assert client.post(linked["url"], {"answer": "yes"}).status_code == 200  # still the verification form
    assert not Ballot.objects.exists()
    assert AuditEntry.objects.filter(action="consultation.token_failed").exists()


def test_tampered_and_replaced_links_are_404(client: Any, world: Any, linked: dict[str, Any]) -> None:
    token = linked["link"].token
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(f"/b/{tampered}/").status_code == 404
    services.campaign_links_issue(actor=world.east, campaign=linked["campaign"])  # re-issued: old slips void
    assert client.get(linked["url"]).status_code == 404
    assert AuditEntry.objects.filter(action="consultation.token_failed").count() == 2


def test_expired_link_and_closed_campaign(client: Any, world: Any, linked: dict[str, Any]) -> None:
    verify(client, linked)
    services.campaign_close(actor=world.east, campaign=linked["campaign"])
    response = client.post(linked["url"], {"answer": "yes"})
    assert response.status_code == 410
    assert not Ballot.objects.exists()


def test_link_past_closing_time_is_gone(client: Any, linked: dict[str, Any]) -> None:
    from jiugai.consultation.models import BallotToken

    BallotToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(linked["url"]).status_code == 410


def test_brute_force_is_rate_limited(client: Any, linked: dict[str, Any]) -> None:
    for n in range(20):
        assert client.get(f"/b/guess{n:04d}/").status_code == 404
    assert client.get("/b/guess9999/").status_code == 429
    assert client.get(linked["url"]).status_code == 429  # even a good link, from this client, for a while
    assert AuditEntry.objects.filter(action="consultation.token_failed").count() == 20


def test_public_api_cast(client: Any, linked: dict[str, Any]) -> None:
    url = "/api/v1/consultation/cast/"
    body = {"token": linked["link"].token, "short_code": linked["link"].short_code, "secret": "5678", "answer": "yes"}
    ok = client.post(url, body, content_type="application/json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["version"] == 1
    bad = client.post(url, {**body, "secret": "1111"}, content_type="application/json")
    assert bad.status_code == 403 and bad.json()["error"]["code"] == "permission_denied"
    gone = client.post(url, {**body, "token": "x" * 32}, content_type="application/json")
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"
    invalid = client.post(url, {**body, "answers": {"items": ["nope"]}}, content_type="application/json")
    assert invalid.status_code == 400 and invalid.json()["error"]["code"] == "invalid"
    assert Ballot.objects.get().version == 1
