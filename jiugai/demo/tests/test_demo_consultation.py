"""The consultation demo: an open Xuchang consent campaign below 2/3, a draft Art. 278 elevator vote, links."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from jiugai.consultation import selectors
from jiugai.consultation.choices import CampaignStatus, DecisionRule, Matter, ScopeType
from jiugai.consultation.models import Ballot, BallotToken, Campaign, Tally
from jiugai.demo import consultation as demo_consultation
from jiugai.demo.services import DemoReport, demo_load
from jiugai.inventory.models import Household


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoReport]:
    """Load the demo once per module inside a transaction that is rolled back afterwards."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield demo_load()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


pytestmark = pytest.mark.django_db


def _campaign(title: str) -> Campaign:
    return Campaign.objects.select_related("estate__jurisdiction", "building").get(title=title)


def test_consent_campaign_is_open_below_two_thirds(demo: DemoReport) -> None:
    campaign = _campaign(demo_consultation.CONSENT_TITLE)
    assert campaign.status == CampaignStatus.OPEN
    assert (campaign.rule, campaign.matter, campaign.scope_type) == (
        DecisionRule.CONSENT,
        Matter.RENOVATE,
        ScopeType.ESTATE,
    )
    assert campaign.estate.jurisdiction.path.startswith("/CN/41/411000/")  # Xuchang
    share = selectors.campaign_policy(campaign=campaign).get("consent.share_of_all_households")
    assert Fraction(str(share)) == Fraction(2, 3)
    tally = Tally.objects.get(campaign=campaign)
    assert tally.total_households == 48
    assert 0 < tally.yes_households < Fraction(2, 3) * tally.total_households
    assert tally.voted_households == len(demo_consultation.PRECAST) == Ballot.objects.filter(campaign=campaign).count()
    # The live counters agree with a recount of the ballots.
    recount = selectors.tally_recount(campaign=campaign)
    assert recount == selectors.tally_counters(tally=tally)
    assert {b.channel for b in Ballot.objects.filter(campaign=campaign)} == {"online", "meeting"}


def test_elevator_campaign_is_a_draft_over_one_stairwell_with_shared_and_developer_units(demo: DemoReport) -> None:
    campaign = _campaign(demo_consultation.ELEVATOR_TITLE)
    assert campaign.status == CampaignStatus.DRAFT
    assert (campaign.rule, campaign.matter, campaign.scope_type) == (
        DecisionRule.ART278,
        Matter.ELEVATOR,
        ScopeType.STAIRWELL,
    )
    assert campaign.estate == _campaign(demo_consultation.CONSENT_TITLE).estate
    units = list(selectors.households_in_scope(campaign=campaign))
    assert len(units) == demo_consultation.FLOORS * demo_consultation.PER_LANDING
    by_room = {h.room: h for h in units}
    a, b = (by_room[r] for r in demo_consultation.TWO_UNIT_OWNER_ROOMS)
    assert a.owner_key and a.owner_key == b.owner_key and a.pk != b.pk
    assert [h.room for h in units if h.developer_held] == [demo_consultation.DEVELOPER_ROOM]
    heads = {selectors.head_key(h) for h in units}
    assert len(heads) == len(units) - 1  # the owner of two units counts once
    assert not Household.objects.filter(owner_key=a.owner_key).exclude(pk__in=[a.pk, b.pk]).exists()


def test_example_links_verify_and_belong_to_households_yet_to_vote(demo: DemoReport) -> None:
    info = demo.consultation
    assert info is not None and len(info.links) == demo_consultation.EXAMPLE_LINKS
    campaign = _campaign(demo_consultation.CONSENT_TITLE)
    for link in info.links:
        raw = link.path.removeprefix("/b/").removesuffix("/")
        token = selectors.token_find(raw_token=raw)
        assert token is not None and token.campaign_id == campaign.pk
        assert selectors.ballot_of(campaign=campaign, household=token.household) is None
        mode = selectors.verification_mode(campaign=campaign)
        assert selectors.token_verify(token=token, mode=mode, short_code=link.short_code, secret=link.phone_last4)


def test_second_load_creates_nothing_and_reissues_links(demo: DemoReport) -> None:
    counts = [m.objects.count() for m in (Campaign, Ballot, BallotToken, Household)]
    first = demo.consultation
    assert first is not None
    again = demo_load()
    assert again.created == {}
    assert [m.objects.count() for m in (Campaign, Ballot, BallotToken, Household)] == counts
    second = again.consultation
    assert second is not None
    assert second.consent_campaign_id == first.consent_campaign_id
    assert second.elevator_campaign_id == first.elevator_campaign_id
    assert selectors.token_find(raw_token=second.links[0].path.split("/")[2]) is not None
    assert selectors.token_find(raw_token=first.links[0].path.split("/")[2]) is None  # re-issued


def test_demo_command_prints_where_to_find_the_campaigns(demo: DemoReport) -> None:
    out = StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    info = demo.consultation
    assert info is not None
    assert f"/consultation/{info.consent_campaign_id}/" in text
    assert f"/consultation/{info.elevator_campaign_id}/" in text
    assert "/b/" in text and "last 4" in text and demo_consultation.STAFF_USERNAME in text
