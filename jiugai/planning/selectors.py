"""Reads for planning: the catalogue and weights in force, estates' indicators and scores, proposals,
bundles, annual plans and their summaries. Everything a user sees goes through `visible_to`."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jiugai.accounts.models import Jurisdiction
from jiugai.consultation.choices import CampaignStatus, Matter
from jiugai.consultation.models import Ballot, Campaign, Opinion, Tally
from jiugai.core.scoping import get_visible_or_404, visible_to
from jiugai.inventory.choices import ConditionItem, Eligibility, Severity
from jiugai.inventory.models import Building, ConditionFinding, ConditionSurvey, Estate, Household, RenovationArea
from jiugai.policy.selectors import effective_policy
from jiugai.rules.decision import Decision, Source
from jiugai.rules.plan_checks import PlanTotals, plan_consistency_decide
from jiugai.rules.policy import Policy

from . import scoring
from .choices import BundleStatus, ItemClass, QuantityBasis, Tier
from .models import (
    STATED_AMOUNTS,
    STATED_COUNTS,
    AnnualPlan,
    Bundle,
    CatalogueItem,
    CatalogueVersion,
    PlanEntry,
    PriorityWeights,
    ProposalLine,
    RenovationProposal,
)

ZERO = Decimal("0")
CENT = Decimal("0.01")
# A survey finding at least this severe asks for the items answering it (inventory.choices.Severity.MODERATE).
PREFILL_MIN_SEVERITY = 2
# Residents ask for an item when this share of the ballots that chose items chose it, or this many opinions
# name it (seed digest §3: asking residents *what* to renovate).
BALLOT_ITEM_SHARE = Fraction(1, 3)
OPINION_ITEM_MIN = 2
DEFAULT_BUNDLE_DISTANCE_M = 500


# --- catalogue ---------------------------------------------------------------------------------------


def catalogue_in_force(*, jurisdiction: Jurisdiction | None, on: dt.date | None = None) -> CatalogueVersion | None:
    """The catalogue version in force for `jurisdiction` on `on`: its own, else its nearest ancestor's, else
    the national default (inherited down the tree like policy profiles)."""
    on = on or timezone.localdate()
    nodes = list(reversed(jurisdiction.ancestors(include_self=True))) if jurisdiction is not None else []
    for node in nodes:
        version = (
            CatalogueVersion.objects.filter(jurisdiction=node, effective_from__lte=on)
            .order_by("-effective_from", "-version")
            .first()
        )
        if version is not None:
            return version
    return (
        CatalogueVersion.objects.filter(jurisdiction=None, effective_from__lte=on)
        .order_by("-effective_from", "-version")
        .first()
    )


def catalogue_version_list(*, jurisdiction: Jurisdiction | None = None) -> QuerySet[CatalogueVersion]:
    """Catalogue versions are published standards: every signed-in user may read them (like policy profiles)."""
    qs = CatalogueVersion.objects.select_related("jurisdiction", "created_by").annotate(item_count=Count("items"))
    if jurisdiction is not None:
        codes = [j.code for j in jurisdiction.ancestors(include_self=True)]
        qs = qs.filter(Q(jurisdiction__code__in=codes) | Q(jurisdiction=None))
    return qs


def catalogue_version_get(*, pk: Any) -> CatalogueVersion:
    version = CatalogueVersion.objects.select_related("jurisdiction").filter(pk=pk).first()
    if version is None:
        raise Http404
    return version


def catalogue_items(*, version: CatalogueVersion) -> QuerySet[CatalogueItem]:
    return version.items.all().order_by("position", "code")


def catalogue_item_list() -> QuerySet[CatalogueItem]:
    return CatalogueItem.objects.select_related("catalogue", "catalogue__jurisdiction")


# --- weights ------------------------------------------------------------------------------------------


def weights_in_force(*, jurisdiction: Jurisdiction, on: dt.date | None = None) -> PriorityWeights | None:
    """The weights version in force for `jurisdiction`: its own or its nearest ancestor's."""
    on = on or timezone.localdate()
    for node in reversed(jurisdiction.ancestors(include_self=True)):
        found = (
            PriorityWeights.objects.filter(jurisdiction=node, effective_from__lte=on)
            .order_by("-effective_from", "-version")
            .first()
        )
        if found is not None:
            return found
    return None


def weights_values(version: PriorityWeights | None, overrides: Mapping[str, Any] | None = None) -> dict[str, Decimal]:
    """The weights to use: the defaults, then the version's, then a scenario's overrides."""
    values: dict[str, Decimal] = dict(scoring.DEFAULT_WEIGHTS)
    if version is not None:
        values.update({k: Decimal(str(v)) for k, v in version.weights.items()})
    for key, value in (overrides or {}).items():
        values[key] = Decimal(str(value))
    return values


def weights_history(*, jurisdiction: Jurisdiction) -> QuerySet[PriorityWeights]:
    return PriorityWeights.objects.filter(jurisdiction=jurisdiction).select_related("created_by").order_by("-version")


# --- estate facts, indicators and scores --------------------------------------------------------------


@dataclass
class EstateFacts:
    """What planning needs to know about an estate, read in bulk."""

    estate_id: int
    households: int = 0
    buildings: int = 0
    stairwells: int = 0
    area: Decimal = ZERO
    findings: dict[str, int] = field(default_factory=dict)
    survey_id: int | None = None
    consent: Decimal | None = None
    cofunding: Decimal | None = None
    campaign_id: int | None = None
    ballot_items: Counter[str] = field(default_factory=Counter)
    ballots_with_items: int = 0
    opinion_items: Counter[str] = field(default_factory=Counter)


def estate_facts(estates: Iterable[Estate]) -> dict[int, EstateFacts]:
    """Households, buildings, stairwells, housing area, newest survey findings, newest consent campaign and
    residents' item preferences for each estate (a handful of queries however many estates)."""
    estates = list(estates)
    ids = [e.pk for e in estates]
    facts = {e.pk: EstateFacts(estate_id=e.pk) for e in estates}
    if not ids:
        return facts
    building_rows = (
        Building.objects.filter(estate_id__in=ids)
        .values("estate_id")
        .annotate(n=Count("id"), stairs=Sum("stairwells"), area=Sum("area"), stated=Sum("stated_households"))
    )
    stated_in_buildings: dict[int, int] = {}
    for row in building_rows:
        f = facts[row["estate_id"]]
        f.buildings = row["n"]
        f.stairwells = row["stairs"] or 0
        f.area = row["area"] or ZERO
        stated_in_buildings[row["estate_id"]] = row["stated"] or 0
    counted = dict(
        Household.objects.filter(building__estate_id__in=ids)
        .values("building__estate_id")
        .annotate(n=Count("id"))
        .values_list("building__estate_id", "n")
    )
    for estate in estates:
        f = facts[estate.pk]
        f.households = counted.get(estate.pk) or estate.stated_households or stated_in_buildings.get(estate.pk) or 0
        if estate.total_area:
            f.area = estate.total_area
        if not f.buildings and estate.stated_buildings:
            f.buildings = estate.stated_buildings
            f.stairwells = f.stairwells or estate.stated_buildings
    newest: dict[int, ConditionSurvey] = {}
    for survey in ConditionSurvey.objects.filter(estate_id__in=ids).order_by("estate_id", "-surveyed_on"):
        newest.setdefault(survey.estate_id, survey)
    for finding in ConditionFinding.objects.filter(survey_id__in=[s.pk for s in newest.values()]).values(
        "survey__estate_id", "survey_id", "item", "severity"
    ):
        f = facts[finding["survey__estate_id"]]
        f.findings[finding["item"]] = finding["severity"]
        f.survey_id = finding["survey_id"]
    campaigns: dict[int, Campaign] = {}
    for campaign in (
        Campaign.objects.filter(
            estate_id__in=ids,
            matter__in=[Matter.RENOVATE, Matter.RENOVATION_PLAN],
            status__in=[CampaignStatus.OPEN, CampaignStatus.CLOSED, CampaignStatus.DECIDED],
        )
        .order_by("estate_id", "-opens_at", "-id")
        .only("id", "estate_id", "questions")
    ):
        campaigns.setdefault(campaign.estate_id, campaign)
    tallies = {t.campaign_id: t for t in Tally.objects.filter(campaign_id__in=[c.pk for c in campaigns.values()])}
    cofund: Counter[int] = Counter()
    estate_of_campaign = {c.pk: c.estate_id for c in campaigns.values()}
    for campaign_id, answers in Ballot.objects.filter(campaign_id__in=[c.pk for c in campaigns.values()]).values_list(
        "campaign_id", "answers"
    ):
        if not isinstance(answers, dict):
            continue
        if answers.get("cofund") is True:
            cofund[campaign_id] += 1
        items = answers.get("items") or []
        if items:
            estate_id = estate_of_campaign[campaign_id]
            facts[estate_id].ballots_with_items += 1
            facts[estate_id].ballot_items.update(str(i) for i in items)
    for estate_id, campaign in campaigns.items():
        f = facts[estate_id]
        f.campaign_id = campaign.pk
        tally = tallies.get(campaign.pk)
        if tally is not None and tally.total_households:
            f.consent = (Decimal(tally.yes_households) / Decimal(tally.total_households)).quantize(Decimal("0.0001"))
            if campaign.questions.get("ask_cofunding"):
                f.cofunding = (Decimal(cofund[campaign.pk]) / Decimal(tally.total_households)).quantize(
                    Decimal("0.0001")
                )
    for estate_id, items in Opinion.objects.filter(estate_id__in=ids).values_list("estate_id", "items"):
        facts[estate_id].opinion_items.update(str(i) for i in items or [])
    return facts


def age_years(estate: Estate, *, on: dt.date) -> Decimal | None:
    if estate.completed_on is not None:
        return Decimal(max(0, (on - estate.completed_on).days) // 365)
    if estate.build_year:
        return Decimal(max(0, on.year - estate.build_year))
    return None


def estate_indicators(estate: Estate, facts: EstateFacts, *, on: dt.date) -> dict[str, Decimal | None]:
    """The raw indicator values of one estate (see scoring.py for how each is normalised)."""
    severities = list(facts.findings.values())
    return {
        "age": age_years(estate, on=on),
        "condition": (
            (Decimal(sum(severities)) / Decimal(len(severities))).quantize(Decimal("0.01")) if severities else None
        ),
        "consent": facts.consent,
        "cofunding": facts.cofunding,
        "municipal_ready": Decimal(1) if estate.municipal_ready else Decimal(0),
        "households": Decimal(facts.households),
        # No elderly-resident figures are surveyed yet: the indicator counts as unknown until they are.
        "elderly": None,
    }


@dataclass
class ScoredEstate:
    estate: Estate
    facts: EstateFacts
    score: scoring.Score


def estate_scores(
    estates: Iterable[Estate], *, weights: Mapping[str, Decimal], on: dt.date | None = None
) -> list[ScoredEstate]:
    """Every estate's priority score with its breakdown, highest first."""
    on = on or timezone.localdate()
    estates = list(estates)
    facts = estate_facts(estates)
    scored = [
        ScoredEstate(e, facts[e.pk], scoring.score_compute(estate_indicators(e, facts[e.pk], on=on), weights))
        for e in estates
    ]
    scored.sort(key=lambda s: (-s.score.total, s.estate.name))
    return scored


# --- proposals ---------------------------------------------------------------------------------------


def proposal_list(*, user: Any) -> QuerySet[RenovationProposal]:
    return visible_to(user, RenovationProposal.objects.select_related("estate", "estate__street", "catalogue"))


def proposal_get(*, user: Any, pk: Any) -> RenovationProposal:
    return get_visible_or_404(
        user,
        RenovationProposal.objects.select_related("estate", "catalogue").prefetch_related(
            Prefetch("lines", queryset=ProposalLine.objects.select_related("item"))
        ),
        pk=pk,
    )


def proposal_latest(*, estate: Estate) -> RenovationProposal | None:
    return (
        RenovationProposal.objects.filter(estate=estate)
        .prefetch_related(Prefetch("lines", queryset=ProposalLine.objects.select_related("item")))
        .order_by("-version")
        .first()
    )


def latest_proposals(estate_ids: Iterable[int]) -> dict[int, RenovationProposal]:
    """Each estate's newest proposal, with its lines and items."""
    found: dict[int, RenovationProposal] = {}
    for proposal in (
        RenovationProposal.objects.filter(estate_id__in=list(estate_ids))
        .prefetch_related(Prefetch("lines", queryset=ProposalLine.objects.select_related("item")))
        .order_by("estate_id", "-version")
    ):
        found.setdefault(proposal.estate_id, proposal)
    return found


def totals_by_class(lines: Iterable[ProposalLine]) -> dict[str, Decimal]:
    totals = {c.value: ZERO for c in ItemClass}
    for line in lines:
        totals[line.item.item_class] += line.cost
    return totals


def quantity_for(item: CatalogueItem, facts: EstateFacts) -> Decimal:
    """A catalogue item's quantity for an estate, from its quantity basis."""
    basis = {
        QuantityBasis.ESTATE: Decimal(1),
        QuantityBasis.BUILDING: Decimal(max(facts.buildings, 1)),
        QuantityBasis.STAIRWELL: Decimal(max(facts.stairwells, 1)),
        QuantityBasis.HOUSEHOLD: Decimal(facts.households),
        QuantityBasis.AREA: facts.area,
        QuantityBasis.MANUAL: Decimal(1),
    }[QuantityBasis(item.quantity_basis)]
    return (basis * item.quantity_factor).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class PrefillLine:
    item: CatalogueItem
    quantity: Decimal
    origin: str
    reason: str


def proposal_prefill_lines(*, estate: Estate, catalogue: CatalogueVersion) -> tuple[list[PrefillLine], dict[str, Any]]:
    """The lines a new proposal starts from: items answering the newest survey's findings of at least
    moderate severity, then items residents asked for in ballots or opinions."""
    facts = estate_facts([estate])[estate.pk]
    items = list(catalogue_items(version=catalogue))
    by_code = {i.code: i for i in items}
    by_condition: dict[str, list[CatalogueItem]] = defaultdict(list)
    for item in items:
        if item.condition_item:
            by_condition[item.condition_item].append(item)
    lines: dict[str, PrefillLine] = {}
    for condition, severity in sorted(facts.findings.items()):
        if severity < PREFILL_MIN_SEVERITY:
            continue
        for item in by_condition.get(condition, []):
            if item.code not in lines:
                lines[item.code] = PrefillLine(
                    item,
                    quantity_for(item, facts),
                    "survey",
                    _("Survey: %(item)s %(severity)s")
                    % {"item": ConditionItem(condition).label, "severity": Severity(severity).label},
                )

    def wanted(code: str, reason: str) -> None:
        targets = [by_code[code]] if code in by_code else by_condition.get(code, [])
        for item in targets:
            if item.code not in lines:
                lines[item.code] = PrefillLine(item, quantity_for(item, facts), "residents", reason)

    if facts.ballots_with_items:
        for code, count in facts.ballot_items.most_common():
            if Fraction(count, facts.ballots_with_items) >= BALLOT_ITEM_SHARE:
                wanted(code, _("Residents: chosen on %(count)s ballots") % {"count": count})
    for code, count in facts.opinion_items.most_common():
        if count >= OPINION_ITEM_MIN:
            wanted(code, _("Residents: named in %(count)s opinions") % {"count": count})
    ordered = sorted(lines.values(), key=lambda line: (line.item.position, line.item.code))
    source = {"survey": facts.survey_id, "campaign": facts.campaign_id, "opinions": sum(facts.opinion_items.values())}
    return ordered, source


# --- bundles -----------------------------------------------------------------------------------------


def bundle_list(*, user: Any) -> QuerySet[Bundle]:
    return visible_to(user, Bundle.objects.select_related("jurisdiction").prefetch_related("estates"))


def bundle_get(*, user: Any, pk: Any) -> Bundle:
    return get_visible_or_404(user, Bundle.objects.prefetch_related("estates"), pk=pk)


def bundle_distance_m(*, jurisdiction: Jurisdiction) -> int:
    value = effective_policy(jurisdiction=jurisdiction).get("planning.bundle_distance_m")
    return int(value) if value is not None else DEFAULT_BUNDLE_DISTANCE_M


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    radius = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(a))


# --- annual plans ------------------------------------------------------------------------------------


def plan_list(*, user: Any) -> QuerySet[AnnualPlan]:
    return visible_to(user, AnnualPlan.objects.select_related("jurisdiction", "scenario_of"))


def plan_get(*, user: Any, pk: Any) -> AnnualPlan:
    return get_visible_or_404(user, AnnualPlan.objects.select_related("jurisdiction", "weights"), pk=pk)


def plan_entries(*, plan: AnnualPlan) -> QuerySet[PlanEntry]:
    return plan.entries.select_related("estate", "estate__street", "estate__area").order_by(
        "tier", "-score", "estate__name"
    )


def eligible_estates(*, jurisdiction: Jurisdiction) -> QuerySet[Estate]:
    """Estates under `jurisdiction` whose latest screening found them eligible (or eligible within the cap)."""
    return (
        Estate.objects.filter(jurisdiction__path__startswith=jurisdiction.path)
        .filter(eligibility_status__outcome__in=[Eligibility.ELIGIBLE, Eligibility.ELIGIBLE_CAPPED])
        .select_related("street", "street__parent", "area", "eligibility_status")
        .order_by("code")
    )


CAP_KEY = "eligibility.post2000_household_cap"


def plan_policy(plan: AnnualPlan) -> Policy:
    """The policy a plan is made under: the jurisdiction's profile in force on the day it is worked on.

    (Not the profile of 1 January of the plan's year: a city's plan for a year is drawn up under the
    document that announced it, often issued weeks into that year — Guyuan's on 28 January 2022.)
    """
    return effective_policy(jurisdiction=plan.jurisdiction, on=timezone.localdate())


def plan_cap_policy(plan: AnnualPlan, policy: Policy | None = None) -> Policy:
    """The policy the plan's post-2000 cap is checked under: the plan's own cap where it sets one, else the
    profile (`policy`, when the caller has already resolved it)."""
    if plan.post2000_cap:
        return Policy.from_mapping({CAP_KEY: plan.post2000_cap}, code=plan.jurisdiction.code)
    return policy if policy is not None else plan_policy(plan)


def plan_post2000_cap(plan: AnnualPlan, policy: Policy | None = None) -> tuple[Fraction | None, Any]:
    """The plan's post-2000 household cap: its own, else the policy profile's, with the profile's source."""
    if plan.post2000_cap:
        return Fraction(plan.post2000_cap), None
    policy = policy if policy is not None else plan_policy(plan)
    value = policy.get(CAP_KEY)
    return (Fraction(value), policy.source(CAP_KEY)) if value is not None else (None, None)


def is_post2000(estate: Estate, *, completed_by: dt.date | None) -> bool:
    """Built after the cut-off (Guyuan: after 2000): screened as eligible within the cap, or completed later."""
    if estate.eligibility == Eligibility.ELIGIBLE_CAPPED:
        return True
    if completed_by is None:
        return False
    if estate.completed_on is not None:
        return estate.completed_on > completed_by
    return bool(estate.build_year and estate.build_year > completed_by.year)


@dataclass
class PlanSummary:
    """The figures an annual plan states (Jiyuan, Xuchang: projects, households, investment)."""

    tier: str
    projects: int = 0
    estates: int = 0
    buildings: int = 0
    households: int = 0
    area: Decimal = ZERO
    investment: Decimal = ZERO
    post2000_households: int = 0
    by_class: dict[str, Decimal] = field(default_factory=dict)
    by_utility: dict[str, Decimal] = field(default_factory=dict)
    by_street: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_area: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def post2000_share(self) -> Decimal | None:
        if not self.households:
            return None
        return (Decimal(self.post2000_households) / Decimal(self.households) * 100).quantize(Decimal("0.1"))


def plan_summary(*, plan: AnnualPlan, tier: str = Tier.IMPLEMENT, selected_by: str = "tier") -> PlanSummary:
    """Totals of one tier (or of the optimal / spreadsheet selection): projects (planning units), estates,
    buildings, households, area, investment by class, by responsible utility, per street and per area."""
    entries = list(plan_entries(plan=plan))
    if selected_by == "optimal":
        chosen = [e for e in entries if e.in_optimal]
    elif selected_by == "spreadsheet":
        chosen = [e for e in entries if e.in_spreadsheet]
    else:
        chosen = [e for e in entries if e.tier == tier]
    summary = PlanSummary(tier=tier, by_class={c.value: ZERO for c in ItemClass})
    facts = estate_facts([e.estate for e in chosen])
    proposals = latest_proposals([e.estate_id for e in chosen])
    summary.projects = len({e.unit_key for e in chosen})
    summary.estates = len(chosen)
    for entry in chosen:
        f = facts[entry.estate_id]
        summary.buildings += f.buildings
        summary.households += entry.households
        summary.area += f.area
        summary.investment += entry.cost
        if entry.post2000:
            summary.post2000_households += entry.households
        proposal = proposals.get(entry.estate_id)
        for line in proposal.lines.all() if proposal else []:
            summary.by_class[line.item.item_class] += line.cost
            if line.item.utility:
                summary.by_utility[line.item.utility] = summary.by_utility.get(line.item.utility, ZERO) + line.cost
        for key, bucket in (
            (entry.estate.street.name, summary.by_street),
            (entry.estate.area.name if entry.estate.area else "—", summary.by_area),
        ):
            row = bucket.setdefault(key, {"estates": 0, "households": 0, "investment": ZERO})
            row["estates"] += 1
            row["households"] += entry.households
            row["investment"] += entry.cost
    return summary


def plan_geojson(*, plan: AnnualPlan) -> dict[str, Any]:
    """The plan's estates as GeoJSON points, with tier and whether each method chose it."""
    features = []
    for entry in plan_entries(plan=plan):
        estate = entry.estate
        if estate.latitude is None or estate.longitude is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(estate.longitude), float(estate.latitude)]},
                "properties": {
                    "id": estate.pk,
                    "code": estate.code,
                    "name": estate.name,
                    "tier": entry.tier,
                    "tier_label": str(entry.get_tier_display()),
                    "unit": entry.unit_key,
                    "optimal": entry.in_optimal,
                    "spreadsheet": entry.in_spreadsheet,
                    "cost": str(entry.cost),
                    "score": str(entry.score),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def bundles_geojson(bundles: Iterable[Bundle]) -> dict[str, Any]:
    features = []
    for bundle in bundles:
        for estate in bundle.estates.all():
            if estate.latitude is None or estate.longitude is None:
                continue
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [float(estate.longitude), float(estate.latitude)]},
                    "properties": {
                        "bundle": bundle.pk,
                        "bundle_name": bundle.name,
                        "status": bundle.status,
                        "name": estate.name,
                    },
                }
            )
    return {"type": "FeatureCollection", "features": features}


def accepted_bundles_under(jurisdiction: Jurisdiction) -> QuerySet[Bundle]:
    return Bundle.objects.filter(
        jurisdiction__path__startswith=jurisdiction.path, status=BundleStatus.ACCEPTED
    ).prefetch_related("estates")


def _stated_part(name: str, data: Mapping[str, Any]) -> PlanTotals:
    """Stated totals as the rule reads them (the service stored counts as ints and amounts as text)."""
    values: dict[str, Any] = {key: data.get(key) for key in STATED_COUNTS}
    values.update({key: Decimal(data[key]) if key in data else None for key in STATED_AMOUNTS})
    return PlanTotals(name=name, **values)


def plan_consistency(*, plan: AnnualPlan, summary: PlanSummary) -> list[Decision]:
    """Where the plan states its totals: stated against its areas' stated totals (片区, as Guyuan's plan lists
    them), and stated against what the plan's implement tier adds up to in the inventory.

    Guyuan's plan (seed 003) states 84 buildings; its three areas state 35 + 29 + 17 = 81, and so does the
    inventory: both comparisons report the mismatch.
    """
    if not plan.stated_totals:
        return []
    source = Source(title=plan.stated_source, jurisdiction=plan.jurisdiction.code) if plan.stated_source else None
    stated = _stated_part(plan.title, plan.stated_totals)
    decisions: list[Decision] = []
    areas = list(
        RenovationArea.objects.filter(
            pk__in=plan.entries.filter(tier=summary.tier).exclude(estate__area=None).values("estate__area")
        ).order_by("name")
    )
    parts = [
        PlanTotals(
            name=area.name,
            buildings=area.stated_buildings,
            households=area.stated_households,
            area=area.stated_area,
        )
        for area in areas
        if area.stated_buildings is not None or area.stated_households is not None or area.stated_area is not None
    ]
    if parts:
        decisions.append(plan_consistency_decide(stated, parts, source=source))
    computed = PlanTotals(
        name=_("the estates of the plan in the inventory"),
        projects=summary.projects,
        estates=summary.estates,
        buildings=summary.buildings,
        households=summary.households,
        area=summary.area,
        investment=summary.investment,
    )
    decisions.append(plan_consistency_decide(stated, [computed], source=source))
    return decisions
