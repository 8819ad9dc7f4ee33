"""Campaign services: decision thresholds at their exact boundaries, headcount, scope, closing, audit."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from jiugai.consultation import selectors, services
from jiugai.consultation.models import Ballot, BallotToken, Campaign, Tally
from jiugai.core.audit import audit_chain_verify
from jiugai.core.models import AuditEntry


def recount_matches(campaign: Campaign) -> bool:
    tally = Tally.objects.get(campaign=campaign)
    return selectors.tally_counters(tally=tally) == selectors.tally_recount(campaign=campaign)


def decide(world: Any, campaign: Campaign) -> dict[str, Any]:
    decided = services.campaign_close_and_decide(actor=world.east, campaign=campaign)
    assert decided.status == "decided" and decided.decision is not None
    return dict(decided.decision)


# --- the local consent rule: agreeing >= 2/3 of ALL owner households ------------------------------------


def test_consent_exactly_two_thirds_of_all_households_passes(world: Any) -> None:
    homes = world.households(6)
    campaign = world.campaign()
    for h in homes[:4]:
        world.vote(campaign, h, "yes")
    decision = decide(world, campaign)
    assert decision["outcome"] == "passed"
    assert decision["figures"]["agreeing_households"] == 4
    assert decision["figures"]["required_share"] == "2/3"


def test_consent_counts_non_voters_against(world: Any) -> None:
    homes = world.households(6)
    campaign = world.campaign()
    for h in homes[:3]:
        world.vote(campaign, h, "yes")  # 3 of 3 who answered, but only 3 of 6 households
    assert decide(world, campaign)["outcome"] == "rejected"


def test_consent_one_below_boundary_fails(world: Any) -> None:
    homes = world.households(9)
    campaign = world.campaign()
    for h in homes[:5]:
        world.vote(campaign, h, "yes")
    for h in homes[5:]:
        world.vote(campaign, h, "no")
    decision = decide(world, campaign)
    assert decision["outcome"] == "rejected"
    assert decision["figures"]["households_needed"] == 6


def test_consent_needs_configured_share(world: Any, tree: Any) -> None:
    from jiugai.policy.services import policy_profile_create

    policy_profile_create(
        jurisdiction=tree.city,
        effective_from=dt.date(2024, 1, 1),
        title="去掉比例",
        values={},
        remove_keys=("consent.share_of_all_households",),
    )
    world.households(2)
    with pytest.raises(ValidationError) as err:
        world.campaign(policy_date=dt.date(2024, 6, 1))
    assert "rule" in err.value.message_dict


# --- Civil Code Art. 278 -----------------------------------------------------------------------------


def test_art278_special_exactly_three_quarters_passes(world: Any) -> None:
    homes = world.households(4, owner_key="", area="60.00")
    campaign = world.campaign(matter="raise_fund", rule="art278")
    for h in homes[:3]:
        world.vote(campaign, h, "yes")
    world.vote(campaign, homes[3], "no")
    decision = decide(world, campaign)
    assert decision["outcome"] == "passed"
    codes = {r["code"] for r in decision["reasons"]}
    assert {"matter_special", "approval_area", "approval_owners"} <= codes


def test_art278_ordinary_exactly_half_fails(world: Any) -> None:
    homes = world.households(4)
    campaign = world.campaign(matter="use_fund", rule="art278")
    for h, answer in zip(homes, ["yes", "yes", "no", "no"], strict=True):
        world.vote(campaign, h, answer)
    decision = decide(world, campaign)
    assert decision["outcome"] == "rejected"
    assert "approval_owners_not_met" in {r["code"] for r in decision["reasons"]}


def test_art278_ordinary_just_over_half_passes(world: Any) -> None:
    homes = world.households(5)
    campaign = world.campaign(matter="property_company", rule="art278")
    for h, answer in zip(homes, ["yes", "yes", "yes", "no", "no"], strict=True):
        world.vote(campaign, h, answer)
    assert decide(world, campaign)["outcome"] == "passed"


def test_art278_quorum_below_two_thirds_is_no_quorum(world: Any) -> None:
    homes = world.households(6)
    campaign = world.campaign(matter="use_fund", rule="art278")
    for h in homes[:3]:
        world.vote(campaign, h, "yes")
    assert decide(world, campaign)["outcome"] == "no_quorum"


def test_multi_unit_owner_and_developer_count_once(world: Any) -> None:
    """Owner A holds 2 units, the developer 3 unsold units, B and C one each: 7 units, 4 owners."""
    a1 = world.household("101", owner_key="A", area="80.00")
    a2 = world.household("102", owner_key="A", area="80.00")
    d = [world.household(f"20{n}", developer_held=True, area="100.00") for n in range(1, 4)]
    b = world.household("301", owner_key="B", area="60.00")
    world.household("302", owner_key="C", area="60.00")
    campaign = world.campaign(matter="elevator", rule="art278")
    tally = Tally.objects.get(campaign=campaign)
    assert (tally.total_households, tally.total_heads, tally.total_area) == (7, 4, Decimal("580.00"))

    world.vote(campaign, a1, "yes")  # the owner's answer covers both units
    assert Ballot.objects.filter(campaign=campaign, household=a2, answer="yes").exists()
    world.vote(campaign, d[0], "yes")
    world.vote(campaign, b, "no")
    tally.refresh_from_db()
    assert (tally.yes_households, tally.yes_heads, tally.yes_area) == (5, 2, Decimal("460.00"))
    assert (tally.no_households, tally.no_heads) == (1, 1)
    assert recount_matches(campaign)

    world.vote(campaign, a2, "no")  # the owner changes their mind: both units follow, one head moves
    tally.refresh_from_db()
    assert (tally.yes_households, tally.yes_heads, tally.no_households, tally.no_heads) == (3, 1, 3, 2)
    assert recount_matches(campaign)
    decision = decide(world, campaign)
    # participation: 3 of 4 owners, 520 of 580 m²; approval 1 of 3 owners → rejected
    assert decision["figures"]["total_heads"] == 4
    assert decision["figures"]["participating_heads"] == 3
    assert decision["outcome"] == "rejected"


def test_elevator_campaign_on_one_stairwell(world: Any, english: None) -> None:
    unit1 = world.households(4, prefix="1", stairwell=1)
    unit2 = world.households(4, prefix="2", stairwell=2)
    campaign = world.campaign(matter="elevator", rule="art278", scope_type="stairwell", building=world.b1, stairwell=1)
    tally = Tally.objects.get(campaign=campaign)
    assert tally.total_households == 4
    for h in unit1[:3]:
        world.vote(campaign, h, "yes")
    world.vote(campaign, unit1[3], "abstain")
    with pytest.raises(ValidationError) as err:
        world.vote(campaign, unit2[0], "yes")
    assert "not among" in " ".join(err.value.messages)
    decision = decide(world, campaign)
    assert decision["outcome"] == "passed"  # 3 of 4 participating (abstaining counts as taking part)


def test_scope_checks(world: Any) -> None:
    world.households(2)
    with pytest.raises(ValidationError):
        world.campaign(scope_type="stairwell", building=world.b1, stairwell=5)
    with pytest.raises(ValidationError):
        world.campaign(scope_type="building")
    with pytest.raises(PermissionDenied):
        services.campaign_create(
            actor=world.west,
            estate=world.estate,
            title="x",
            matter="renovate",
            rule="consent",
            opens_at=timezone.now(),
            closes_at=timezone.now() + dt.timedelta(days=1),
        )
    with pytest.raises(PermissionDenied):
        services.campaign_create(
            actor=world.deputy,
            estate=world.estate,
            title="x",
            matter="renovate",
            rule="consent",
            opens_at=timezone.now(),
            closes_at=timezone.now() + dt.timedelta(days=1),
        )


def test_household_of_another_estate_is_refused(world: Any, make_estate: Any, tree: Any) -> None:
    from jiugai.inventory.models import Building

    world.households(2)
    other = make_estate("别的小区", tree.community_a, tree.street_a)
    building = Building.objects.create(estate=other, number="9", floors=5)
    stranger = world.household("901", building=building)
    campaign = world.campaign()
    before = selectors.tally_counters(tally=Tally.objects.get(campaign=campaign))
    with pytest.raises(ValidationError):
        world.vote(campaign, stranger, "yes")
    assert selectors.tally_counters(tally=Tally.objects.get(campaign=campaign)) == before
    assert not Ballot.objects.exists()


# --- ballots: changes, close, channels, answers ------------------------------------------------------


def test_recast_changes_rather_than_duplicates_and_is_audited(world: Any) -> None:
    h = world.households(3)[0]
    campaign = world.campaign()
    world.vote(campaign, h, "yes")
    ballot = world.vote(campaign, h, "no")
    assert Ballot.objects.filter(campaign=campaign).count() == 1
    assert ballot.version == 2
    tally = Tally.objects.get(campaign=campaign)
    assert (tally.yes_households, tally.no_households, tally.changes) == (0, 1, 1)
    actions = list(AuditEntry.objects.filter(action__startswith="consultation.ballot").values_list("action", flat=True))
    assert actions == ["consultation.ballot_cast", "consultation.ballot_changed"]
    assert audit_chain_verify().ok


def test_ballot_after_close_is_refused_and_closed_campaign_is_immutable(world: Any) -> None:
    homes = world.households(3)
    campaign = world.campaign()
    world.vote(campaign, homes[0], "yes")
    services.campaign_close(actor=world.east, campaign=campaign)
    before = selectors.tally_counters(tally=Tally.objects.get(campaign=campaign))
    with pytest.raises(ValidationError) as err:
        world.vote(campaign, homes[1], "yes")
    assert err.value.code == "closed"
    with pytest.raises(ValidationError):
        world.vote(campaign, homes[0], "no")
    with pytest.raises(ValidationError):
        services.campaign_links_issue(actor=world.east, campaign=campaign)
    with pytest.raises(ValidationError):
        services.campaign_update(actor=world.east, campaign=campaign, title="new")
    assert selectors.tally_counters(tally=Tally.objects.get(campaign=campaign)) == before


def test_ballot_after_closing_time_is_refused(world: Any) -> None:
    h = world.households(1)[0]
    campaign = world.campaign()
    Campaign.objects.filter(pk=campaign.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError):
        world.vote(campaign, h, "yes")


def test_draft_campaign_takes_no_ballots(world: Any) -> None:
    h = world.households(1)[0]
    campaign = world.campaign(open_it=False)
    with pytest.raises(ValidationError) as err:
        world.vote(campaign, h, "yes")
    assert err.value.code == "not_open"


def test_staff_cannot_alter_online_ballot(world: Any) -> None:
    h = world.households(2)[0]
    campaign = world.campaign()
    link = next(x for x in services.campaign_links_issue(actor=world.east, campaign=campaign) if x.household == h)
    token = selectors.token_find(raw_token=link.token)
    assert token is not None
    services.ballot_cast_online(token=token, answer="yes")
    with pytest.raises(PermissionDenied):
        world.vote(campaign, h, "no")
    assert Ballot.objects.get(campaign=campaign, household=h).answer == "yes"


def test_paper_ballot_needs_attachment_and_role(world: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    h = world.households(1)[0]
    campaign = world.campaign()
    with pytest.raises(ValidationError):
        world.vote(campaign, h, "yes", channel="paper")
    with pytest.raises(PermissionDenied):
        services.ballot_enter(actor=world.deputy, campaign=campaign, household=h, answer="yes", channel="meeting")
    with pytest.raises(PermissionDenied):
        services.ballot_enter(actor=world.west, campaign=campaign, household=h, answer="yes", channel="meeting")
    scan = SimpleUploadedFile("ballot.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    ballot = world.vote(campaign, h, "yes", channel="paper", attachment=scan)
    assert ballot.attachment.name.startswith("ballots/")
    assert ballot.entered_by == world.east


@pytest.mark.parametrize(
    "answer,answers",
    [
        ("maybe", {}),
        ("yes", {"items": ["nope"]}),
        ("yes", {"cofund": True}),  # not asked in this campaign's second variant below
        ("yes", {"items": ["i1"], "unknown": 1}),
    ],
)
def test_invalid_answers_change_nothing(world: Any, answer: str, answers: dict[str, Any]) -> None:
    h = world.households(1)[0]
    campaign = world.campaign(questions={"items": [{"code": "i1", "label": "屋面防水"}]})
    with pytest.raises(ValidationError):
        world.vote(campaign, h, answer, answers=answers)
    assert not Ballot.objects.exists()
    assert selectors.tally_recount(campaign=campaign) == selectors.tally_counters(
        tally=Tally.objects.get(campaign=campaign)
    )


def test_what_and_how_answers_are_kept(world: Any) -> None:
    h = world.households(1)[0]
    campaign = world.campaign(
        questions={
            "items": [{"code": "roof", "label": "屋面防水"}, {"code": "pipes", "label": "管网"}],
            "ask_cofunding": True,
            "ask_illegal_structures": True,
        }
    )
    ballot = world.vote(
        campaign,
        h,
        "yes",
        answers={"items": ["pipes"], "cofund": True, "cofund_amount": "1200", "remove_illegal": True},
    )
    assert ballot.answers == {"items": ["pipes"], "cofund": True, "cofund_amount": "1200.00", "remove_illegal": True}
    with pytest.raises(ValidationError):
        world.vote(campaign, h, "yes", answers={"cofund": False, "cofund_amount": "10"})
    with pytest.raises(ValidationError):
        world.vote(campaign, h, "yes", answers={"cofund": True, "cofund_amount": "-1"})


def test_tally_counters_equal_a_recount_after_many_changes(world: Any) -> None:
    homes = world.households(8) + [world.household("901", owner_key="K"), world.household("902", owner_key="K")]
    campaign = world.campaign(matter="renovation_plan", rule="art278")
    pattern = ["yes", "no", "abstain", "yes", "no", "yes", "abstain", "no", "yes", "no"]
    for round_ in range(3):
        for n, h in enumerate(homes):
            world.vote(campaign, h, pattern[(n + round_) % len(pattern)])
            assert recount_matches(campaign)
    other = world.campaign(matter="renovation_plan", rule="art278")
    world.vote(other, homes[-1], "no")
    both = selectors.tally_recounts(campaigns=[campaign, other])
    assert both[campaign.pk] == selectors.tally_recount(campaign=campaign)
    assert both[other.pk]["no_heads"] == 1 and both[other.pk]["yes_households"] == 0
    decision = decide(world, campaign)
    assert decision["ballots"] == 10
    assert len(decision["ballot_digest"]) == 64
    assert decision["ballot_digest"] == selectors.ballot_list_digest(campaign=campaign)


def test_decision_is_audited_and_workflow_recorded(world: Any) -> None:
    from jiugai.core.models import StatusChange

    homes = world.households(3)
    campaign = world.campaign()
    for h in homes:
        world.vote(campaign, h, "yes")
    decide(world, campaign)
    entry = AuditEntry.objects.get(action="consultation.decided")
    assert entry.payload["outcome"] == "passed"
    assert list(StatusChange.objects.filter(workflow="consultation").values_list("to_status", flat=True)) == [
        "open",
        "closed",
        "decided",
    ]
    with pytest.raises(ValidationError):
        services.campaign_decide(actor=world.east, campaign=Campaign.objects.get(pk=campaign.pk))


def test_links_are_unguessable_and_stored_as_hashes(world: Any) -> None:
    world.households(3)
    campaign = world.campaign()
    links = services.campaign_links_issue(actor=world.east, campaign=campaign)
    assert len(links) == 3
    for link in links:
        assert len(link.token) >= 32  # 24 random bytes = 192 bits, URL-safe base64
        assert not BallotToken.objects.filter(token_hash=link.token).exists()
        found = selectors.token_find(raw_token=link.token)
        assert found is not None and found.household == link.household


@pytest.mark.django_db(transaction=True)
def test_parallel_ballots_of_different_owners_all_count(world: Any) -> None:
    """Ballots of different owners run at once (they share no lock until the counters): every one counts,
    the tally matches a recount and the audit chain stays whole."""
    households = world.households(8)
    campaign = world.campaign()
    links = {x.household.pk: x for x in services.campaign_links_issue(actor=world.east, campaign=campaign)}
    tokens = [selectors.token_find(raw_token=links[h.pk].token) for h in households]
    barrier = threading.Barrier(len(tokens)) if connection.vendor == "postgresql" else None
    errors: list[BaseException] = []

    def cast(token: Any, answer: str) -> None:
        from django.db import connections

        try:
            if barrier is not None:
                barrier.wait()
            services.ballot_cast_online(token=token, answer=answer)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            if barrier is not None:
                connections.close_all()

    answers = ["yes", "no", "yes", "abstain", "yes", "yes", "no", "yes"]
    if barrier is not None:
        threads = [threading.Thread(target=cast, args=pair) for pair in zip(tokens, answers, strict=True)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    else:
        for pair in zip(tokens, answers, strict=True):
            cast(*pair)
    assert not errors
    tally = Tally.objects.get(campaign=campaign)
    assert (tally.voted_households, tally.yes_households, tally.no_households) == (8, 5, 2)
    assert recount_matches(campaign)
    assert audit_chain_verify().ok


@pytest.mark.django_db(transaction=True)
def test_parallel_double_cast_counts_once(world: Any) -> None:
    """Two ballots from one household at the same time: exactly one ballot row, counted once.

    On PostgreSQL two threads (two connections) cast at once; on SQLite, whose test database is private
    to one connection, the second cast follows the first and changes it.
    """
    h = world.households(3)[0]
    campaign = world.campaign()
    link = next(x for x in services.campaign_links_issue(actor=world.east, campaign=campaign) if x.household == h)
    token = selectors.token_find(raw_token=link.token)
    assert token is not None
    if connection.vendor == "postgresql":
        barrier = threading.Barrier(4)
        errors: list[BaseException] = []

        def cast(answer: str) -> None:
            from django.db import connections

            try:
                barrier.wait()
                services.ballot_cast_online(token=token, answer=answer)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=cast, args=(a,)) for a in ("yes", "no", "yes", "abstain")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        assert Ballot.objects.get(campaign=campaign, household=h).version == 4
    else:
        services.ballot_cast_online(token=token, answer="yes")
        services.ballot_cast_online(token=token, answer="no")
    assert Ballot.objects.filter(campaign=campaign, household=h).count() == 1
    tally = Tally.objects.get(campaign=campaign)
    assert tally.voted_households == 1
    assert tally.changes == Ballot.objects.get(campaign=campaign, household=h).version - 1
    assert recount_matches(campaign)


# --- paper ballots in bulk -------------------------------------------------------------------------------


def test_paper_batch_records_every_owner_unit_and_counts(world: Any) -> None:
    plain = world.households(3)
    shared = [world.household("201", owner_key="k-li", area="60.00"), world.household("202", owner_key="k-li")]
    campaign = world.campaign()
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 scanned forms", content_type="application/pdf")
    batch = [
        services.PaperBallot(plain[0].pk, "yes", row=2),
        services.PaperBallot(plain[1].pk, "no", row=3),
        services.PaperBallot(shared[0].pk, "yes", row=4),  # stands for both of 李's units
    ]
    written = services.paper_ballots_import(actor=world.east, campaign=campaign, ballots=batch, scan=scan)
    assert written == 4
    ballots = Ballot.objects.filter(campaign=campaign)
    assert {b.household_id: b.answer for b in ballots} == {
        plain[0].pk: "yes",
        plain[1].pk: "no",
        shared[0].pk: "yes",
        shared[1].pk: "yes",
    }
    assert len({b.attachment.name for b in ballots}) == 1 and ballots[0].attachment.name
    tally = Tally.objects.get(campaign=campaign)
    assert (tally.yes_households, tally.no_households, tally.yes_heads, tally.no_heads) == (3, 1, 2, 1)
    assert recount_matches(campaign)
    entry = AuditEntry.objects.get(action="consultation.paper_ballots_imported")
    assert sorted(entry.payload["ballots"]) == sorted([b.household_id, b.answer] for b in ballots)
    assert entry.payload["scan"] == ballots[0].attachment.name
    assert audit_chain_verify().ok


def test_paper_batch_refuses_every_problem_by_row_and_writes_nothing(world: Any, english: None) -> None:
    plain = world.households(3)
    shared = [world.household("201", owner_key="k-li"), world.household("202", owner_key="k-li")]
    other = world.household("301", building=world.b2)
    campaign = world.campaign(scope_type="building", building=world.b1)
    world.vote(campaign, plain[2], "yes")
    batch = [
        services.PaperBallot(plain[0].pk, "maybe", row=2),
        services.PaperBallot(other.pk, "yes", row=3),
        services.PaperBallot(shared[0].pk, "yes", row=4),
        services.PaperBallot(shared[1].pk, "no", row=5),
        services.PaperBallot(plain[2].pk, "no", row=6),
    ]
    before = selectors.tally_counters(tally=Tally.objects.get(campaign=campaign))
    with pytest.raises(services.PaperBallotsInvalid) as caught:
        services.paper_ballots_import(actor=world.east, campaign=campaign, ballots=batch)
    assert [(p["row"], p["message"]) for p in caught.value.problems] == [
        (2, "Choose agree, disagree or abstain."),
        (3, "This household is not among those asked in this campaign."),
        (5, "The same owner answered differently in row 4."),
        (6, "This owner has already voted; change a ballot one at a time."),
    ]
    assert Ballot.objects.filter(campaign=campaign).count() == 1
    assert selectors.tally_counters(tally=Tally.objects.get(campaign=campaign)) == before
    with pytest.raises(PermissionDenied):
        services.paper_ballots_import(actor=world.west, campaign=campaign, ballots=batch[:1])
