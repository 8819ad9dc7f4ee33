"""Reads for the estate inventory: scoped lists, facts for the rules, reports, chart and map data.

Every query of scoped data starts from `visible_to(user, ...)`; the fact loaders used by the services
take a jurisdiction instead (the caller has already checked the user may act on it).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext_lazy as _

from jiugai.accounts.choices import Level
from jiugai.accounts.models import Jurisdiction
from jiugai.core.scoping import get_visible_or_404, visible_to
from jiugai.rules.data_quality import (
    GUYUAN_PLAN,
    BuildingQualityFacts,
    EstateQualityFacts,
    Totals,
    totals_reconcile,
    totals_sum,
)
from jiugai.rules.decision import Decision, Source
from jiugai.rules.eligibility import EXCLUSIONS

from .choices import ConditionItem, Eligibility, Severity
from .models import (
    Building,
    ConditionFinding,
    ConditionSurvey,
    Estate,
    EstateEligibility,
    Household,
    RenovationArea,
    ScreeningDecision,
    ScreeningResult,
)

# Labels for the issue codes of jiugai/rules/data_quality.py, shown instead of the rule's English text.
QUALITY_LABELS: dict[str, Any] = {
    "total_area_not_positive": _("Housing area is zero or negative"),
    "stated_households_not_positive": _("Number of households is zero"),
    "stated_buildings_not_positive": _("Number of buildings is zero"),
    "build_year_in_future": _("Build year is in the future"),
    "build_year_implausible": _("Build year is implausibly early"),
    "completed_in_future": _("Completion date is in the future"),
    "completion_year_differs": _("Completion date and build year differ"),
    "building_floors_not_positive": _("A building has zero floors"),
    "building_area_not_positive": _("A building's area is zero or negative"),
    "building_stairwells_not_positive": _("A building has zero stairwells"),
    "building_build_year_in_future": _("A building's build year is in the future"),
    "building_households_exceed_units": _("More households than dwelling units in a building"),
    "household_floor_above_building": _("A household lives above the building's top floor"),
    "buildings_mismatch": _("Stated buildings differ from recorded buildings"),
    "households_mismatch": _("Stated households differ from the buildings' sum"),
    "area_mismatch": _("Stated area differs from the buildings' sum"),
    "registered_households_mismatch": _("Stated households differ from the household register"),
    "estates_mismatch": _("Stated estates differ from recorded estates"),
    "missing_completion": _("No build year or completion date"),
    "missing_total_area": _("No housing area"),
    "missing_stated_households": _("No number of households"),
    "missing_stated_buildings": _("No number of buildings"),
    "missing_buildings": _("No buildings recorded"),
    "missing_address": _("No address"),
    "missing_location": _("No map location"),
}
CATEGORY_LABELS: dict[str, Any] = {
    "impossible": _("Impossible value"),
    "mismatch": _("Totals do not reconcile"),
    "missing": _("Missing fact"),
}

# Screening rows are tuples in this order (tuples read about twice as fast as dicts for a nation).
ESTATE_SCREENING_FIELDS = (
    "id",
    "completed_on",
    "build_year",
    "central_funded_year",
    "stated_households",
    "jurisdiction__path",
    *EXCLUSIONS,
)


# ---------------------------------------------------------------------------------------------
# Lists and single objects


def estate_list(*, user: Any) -> QuerySet[Estate]:
    """The estates `user` may see, with their street, community and latest screening outcome."""
    return visible_to(user, Estate.objects.select_related("street", "jurisdiction", "eligibility_status"))


def estate_get(*, user: Any, pk: int) -> Estate:
    """One estate `user` may see; 404 otherwise."""
    return get_visible_or_404(
        user, Estate.objects.select_related("street", "jurisdiction", "area", "eligibility_status"), pk=pk
    )


def with_eligibility(queryset: QuerySet[Estate], outcome: str) -> QuerySet[Estate]:
    """Estates whose latest screening outcome is `outcome` ("" also matches estates never screened)."""
    if outcome == Eligibility.UNSCREENED:
        return queryset.filter(Q(eligibility_status__isnull=True) | Q(eligibility_status__outcome=""))
    return queryset.filter(eligibility_status__outcome=outcome)


def jurisdiction_for_user(*, user: Any, code: str | None = None) -> Jurisdiction | None:
    """The jurisdiction `code` if `user` may see it; without a code the active or own jurisdiction.

    Platform administrators without a jurisdiction and without a code get None (the caller asks).
    """
    if code:
        node = Jurisdiction.objects.filter(code=code).first()
        if node is None:
            return None
        return visible_to(user, Jurisdiction.objects.filter(pk=node.pk)).first()
    active = getattr(user, "active_jurisdiction", None)
    if active is not None:
        return active
    return getattr(user, "jurisdiction", None)


def latest_survey(estate: Estate) -> ConditionSurvey | None:
    return estate.surveys.prefetch_related("findings").order_by("-surveyed_on").first()


def latest_screening(estate: Estate) -> ScreeningResult | None:
    return estate.screenings.select_related("run__screened_by", "decision").order_by("-id").first()


def screening_history(estate: Estate) -> QuerySet[ScreeningResult]:
    """Every screening of the estate, newest first."""
    return estate.screenings.select_related("run__screened_by", "decision").order_by("-id")


def latest_screenings_for(estate_ids: Iterable[int]) -> dict[int, EstateEligibility]:
    """The latest outcome, reasons and run of each of the given estates (for one chunk or page of a list).

    Decisions are shared by many estates, so each is read once rather than joined into every row.
    """
    statuses = list(EstateEligibility.objects.filter(estate_id__in=list(estate_ids)).select_related("run"))
    decisions = ScreeningDecision.objects.in_bulk({s.decision_id for s in statuses})
    for status in statuses:
        status.decision = decisions[status.decision_id]
    return {s.estate_id: s for s in statuses}


def latest_surveys_queryset() -> QuerySet[ConditionSurvey]:
    """Each estate's newest condition survey."""
    newest = ConditionSurvey.objects.filter(estate=OuterRef("estate")).order_by("-surveyed_on").values("pk")[:1]
    return ConditionSurvey.objects.filter(pk=Subquery(newest))


def estates_with_condition(queryset: QuerySet[Estate], *, item: str, minimum: int) -> QuerySet[Estate]:
    """Estates whose newest survey rates `item` at least `minimum` severe."""
    newest = ConditionSurvey.objects.filter(estate=OuterRef("survey__estate")).order_by("-surveyed_on").values("pk")[:1]
    findings = ConditionFinding.objects.filter(
        survey__estate=OuterRef("pk"), item=item, severity__gte=minimum, survey=Subquery(newest)
    )
    return queryset.filter(Exists(findings))


def households_of(estate: Estate) -> QuerySet[Household]:
    return Household.objects.filter(building__estate=estate).select_related("building")


# ---------------------------------------------------------------------------------------------
# Facts for the rules


def _estates_under(jurisdiction: Jurisdiction) -> QuerySet[Estate]:
    return Estate.objects.filter(jurisdiction__path__startswith=jurisdiction.path)


def screening_rows(queryset: QuerySet[Estate]) -> list[tuple[Any, ...]]:
    """The facts the eligibility rule needs, as plain tuples in ESTATE_SCREENING_FIELDS order."""
    return list(queryset.order_by().values_list(*ESTATE_SCREENING_FIELDS))


def screening_rows_under(jurisdiction: Jurisdiction) -> list[tuple[Any, ...]]:
    return screening_rows(_estates_under(jurisdiction))


def quality_facts(queryset: QuerySet[Estate]) -> dict[int, EstateQualityFacts]:
    """Each estate's figures with its buildings and the size of each building's household register."""
    estates = list(
        queryset.order_by().values(
            "id",
            "code",
            "build_year",
            "completed_on",
            "total_area",
            "stated_households",
            "stated_buildings",
            "address",
            "latitude",
            "longitude",
        )
    )
    ids = [e["id"] for e in estates]
    registers: dict[int, tuple[int, int | None]] = {}
    buildings: dict[int, list[BuildingQualityFacts]] = defaultdict(list)
    for chunk_start in range(0, len(ids), 20_000):
        chunk = ids[chunk_start : chunk_start + 20_000]
        for row in (
            Household.objects.filter(building__estate_id__in=chunk)
            .order_by()
            .values("building_id")
            .annotate(units=Count("id"), top=Max("floor"))
        ):
            registers[row["building_id"]] = (row["units"], row["top"])
        for b in (
            Building.objects.filter(estate_id__in=chunk)
            .order_by("estate_id", "number")
            .values("id", "estate_id", "number", "floors", "stairwells", "area", "stated_households", "build_year")
        ):
            units, top = registers.get(b["id"], (0, None))
            buildings[b["estate_id"]].append(
                BuildingQualityFacts(
                    number=b["number"],
                    floors=b["floors"],
                    stairwells=b["stairwells"],
                    area=b["area"],
                    stated_households=b["stated_households"],
                    build_year=b["build_year"],
                    units=units,
                    highest_floor=top,
                )
            )
    return {
        e["id"]: EstateQualityFacts(
            code=e["code"],
            build_year=e["build_year"],
            completed_on=e["completed_on"],
            total_area=e["total_area"],
            stated_households=e["stated_households"],
            stated_buildings=e["stated_buildings"],
            address=e["address"] or "",
            has_location=e["latitude"] is not None and e["longitude"] is not None,
            buildings=tuple(buildings.get(e["id"], ())),
        )
        for e in estates
    }


# ---------------------------------------------------------------------------------------------
# Data-quality report


def quality_badge(issues: Sequence[Mapping[str, Any]] | None) -> str:
    """'error', 'warning' or 'ok' for an estate's stored issues."""
    severities = {i.get("severity") for i in issues or ()}
    if "error" in severities:
        return "error"
    return "warning" if severities else "ok"


def quality_issue_rows(issues: Sequence[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """Stored issues with a translated label and category, for pages."""
    return [
        {
            **issue,
            "label": QUALITY_LABELS.get(str(issue.get("code")), issue.get("code")),
            "category_label": CATEGORY_LABELS.get(str(issue.get("category")), issue.get("category")),
        }
        for issue in issues or ()
    ]


@dataclass
class StreetQuality:
    """Data-quality figures of one street."""

    code: str
    name: str
    estates: int = 0
    with_errors: int = 0
    with_warnings: int = 0
    clean: int = 0
    codes: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "estates": self.estates,
            "with_errors": self.with_errors,
            "with_warnings": self.with_warnings,
            "clean": self.clean,
            "issues": dict(self.codes.most_common()),
        }

    def top_issues(self) -> list[tuple[Any, int]]:
        return [(QUALITY_LABELS.get(code, code), n) for code, n in self.codes.most_common(5)]


def quality_by_street(queryset: QuerySet[Estate]) -> list[StreetQuality]:
    """Stored data-quality issues of the given estates, counted per street."""
    streets: dict[str, StreetQuality] = {}
    for row in queryset.order_by().values("street__code", "street__name", "quality_issues").iterator(chunk_size=5000):
        street = streets.setdefault(row["street__code"], StreetQuality(row["street__code"], row["street__name"]))
        street.estates += 1
        badge = quality_badge(row["quality_issues"])
        if badge == "error":
            street.with_errors += 1
        elif badge == "warning":
            street.with_warnings += 1
        else:
            street.clean += 1
        street.codes.update(str(i.get("code")) for i in row["quality_issues"] or ())
    return sorted(streets.values(), key=lambda s: s.code)


def _area_totals(areas: QuerySet[RenovationArea]) -> dict[int, Totals]:
    """Totals computed from the estates (and their buildings) recorded in each area."""
    computed: dict[int, Totals] = {}
    rows = (
        Estate.objects.filter(area__in=areas)
        .order_by()
        .values("area_id")
        .annotate(n=Count("id"), households=Sum("stated_households"), area_sum=Sum("total_area"))
    )
    building_counts = dict(
        Building.objects.filter(estate__area__in=areas)
        .order_by()
        .values("estate__area_id")
        .annotate(n=Count("id"))
        .values_list("estate__area_id", "n")
    )
    for row in rows:
        computed[row["area_id"]] = Totals(
            estates=row["n"],
            buildings=building_counts.get(row["area_id"], 0),
            households=row["households"],
            area=row["area_sum"],
        )
    return computed


@dataclass(frozen=True)
class StatedPlanTotals:
    """Totals a city's plan document states for itself (kept as stated so they can be checked)."""

    jurisdiction_code: str
    title: str
    totals: Totals
    source: Source


def stated_plans() -> list[StatedPlanTotals]:
    """The plans whose stated totals are known: today those transcribed from the seed documents.

    The Guyuan 2022 plan is the one seed plan that states city-wide totals next to per-area figures
    (seeds/003_54d0b71b4a1e2a82.txt); its figures live with the rest of the transcribed seed data.
    """
    from jiugai.demo import seeds  # data only; imported lazily so the inventory does not load demo code

    plan = seeds.GUYUAN_PLAN_2022
    return [
        StatedPlanTotals(
            jurisdiction_code=plan.jurisdiction_code,
            title=f"{plan.source.title} ({plan.year})",
            totals=Totals(
                estates=plan.estates,
                buildings=plan.buildings,
                households=plan.households,
                area=plan.housing_area_m2,
            ),
            source=Source(title=plan.source.title, reference=plan.source.reference),
        )
    ]


@dataclass
class PlanCheck:
    """One stated-versus-computed comparison for the plan totals page."""

    subject: str
    kind: str
    decision: Decision

    @property
    def mismatched(self) -> bool:
        return self.decision.outcome == "mismatch"

    def as_dict(self) -> dict[str, Any]:
        return {"subject": self.subject, "kind": self.kind, **self.decision.as_dict()}


def plan_totals_checks(
    *,
    user: Any,
    jurisdiction: Jurisdiction | None = None,
    plans: Sequence[StatedPlanTotals] | None = None,
    system: bool = False,
) -> list[PlanCheck]:
    """Stated totals of plans and renovation areas against the totals computed from what they contain.

    For each visible area: its stated buildings, households and area against its recorded estates.
    For each stated plan of a visible jurisdiction: the plan's totals against the sum of its areas'
    stated figures (Guyuan: 84 buildings stated, 35 + 29 + 17 = 81) and against the recorded estates.
    """

    def scoped(queryset: QuerySet[Any]) -> QuerySet[Any]:
        # `system` is for the command line, which acts for the whole installation.
        return queryset if system else visible_to(user, queryset)

    areas = scoped(RenovationArea.objects.select_related("jurisdiction"))
    if jurisdiction is not None:
        areas = areas.filter(jurisdiction__path__startswith=jurisdiction.path)
    computed = _area_totals(areas)
    checks: list[PlanCheck] = []
    area_list = list(areas)
    for area in area_list:
        stated = Totals(buildings=area.stated_buildings, households=area.stated_households, area=area.stated_area)
        checks.append(
            PlanCheck(
                subject=area.name,
                kind="area",
                decision=totals_reconcile(
                    stated,
                    computed.get(area.pk, Totals(estates=0, buildings=0, households=0, area=Decimal(0))),
                    subject=area.name,
                    computed_from=str(_("the recorded estates")),
                    source=Source(title=area.source) if area.source else None,
                ),
            )
        )
    visible_codes = {
        j.code
        for j in scoped(Jurisdiction.objects.filter(code__in=[p.jurisdiction_code for p in plans or stated_plans()]))
    }
    for plan in plans if plans is not None else stated_plans():
        if plan.jurisdiction_code not in visible_codes:
            continue
        node = Jurisdiction.objects.get(code=plan.jurisdiction_code)
        if jurisdiction is not None and not (node.is_within(jurisdiction) or jurisdiction.is_within(node)):
            continue
        plan_areas = [a for a in area_list if a.jurisdiction.is_within(node)]
        if not plan_areas:
            continue
        by_areas = totals_sum(
            Totals(
                estates=Estate.objects.filter(area=a).count(),
                buildings=a.stated_buildings,
                households=a.stated_households,
                area=a.stated_area,
            )
            for a in plan_areas
        )
        recorded = totals_sum(computed.get(a.pk, Totals()) for a in plan_areas)
        source = plan.source if plan.source.reference else GUYUAN_PLAN
        checks.insert(
            0,
            PlanCheck(
                subject=plan.title,
                kind="plan_vs_estates",
                decision=totals_reconcile(
                    plan.totals,
                    recorded,
                    subject=plan.title,
                    computed_from=str(_("the recorded estates")),
                    source=source,
                ),
            ),
        )
        checks.insert(
            0,
            PlanCheck(
                subject=plan.title,
                kind="plan_vs_areas",
                decision=totals_reconcile(
                    plan.totals,
                    by_areas,
                    subject=plan.title,
                    computed_from=str(_("the per-area figures")),
                    source=source,
                ),
            ),
        )
    return checks


# ---------------------------------------------------------------------------------------------
# Screening results


def screening_estates(
    *, user: Any, outcome: str | None = None, street: str | None = None, jurisdiction: Jurisdiction | None = None
) -> QuerySet[Estate]:
    """Visible estates with their latest outcome (EstateEligibility), narrowed by outcome and street code."""
    qs = estate_list(user=user)
    if jurisdiction is not None:
        qs = qs.filter(jurisdiction__path__startswith=jurisdiction.path)
    if outcome is not None and outcome in Eligibility.values:
        qs = with_eligibility(qs, outcome)
    if street:
        qs = qs.filter(street__code=street)
    return qs


def screening_report_rows(jurisdiction: Jurisdiction) -> list[dict[str, Any]]:
    """Each estate under `jurisdiction` with its latest outcome and reasons (for the command line)."""
    estates = list(
        _estates_under(jurisdiction)
        .order_by("code")
        .values(
            "code",
            "name",
            "street__name",
            "eligibility_status__outcome",
            "eligibility_status__decision_id",
            "eligibility_status__run__policy_date",
        )
    )
    decisions = dict(
        ScreeningDecision.objects.filter(
            id__in={e["eligibility_status__decision_id"] for e in estates} - {None}
        ).values_list("id", "reasons")
    )
    rows = []
    for e in estates:
        policy_date = e["eligibility_status__run__policy_date"]
        rows.append(
            {
                "code": e["code"],
                "name": e["name"],
                "street": e["street__name"],
                "outcome": e["eligibility_status__outcome"] or "",
                "policy_date": policy_date.isoformat() if policy_date else None,
                "reasons": decisions.get(e["eligibility_status__decision_id"], []),
            }
        )
    return rows


def screening_counts(queryset: QuerySet[Estate]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for outcome, n in (
        queryset.order_by()
        .values("eligibility_status__outcome")
        .annotate(n=Count("id"))
        .values_list("eligibility_status__outcome", "n")
    ):
        counts[outcome or ""] += n
    return {value: counts.get(value, 0) for value in Eligibility.values}


# ---------------------------------------------------------------------------------------------
# Charts and map


def build_year_histogram(queryset: QuerySet[Estate]) -> dict[str, list[Any]]:
    """Estates per build year (years without estates included between the first and the last)."""
    counts: dict[int, int] = {
        year: n
        for year, n in queryset.order_by()
        .exclude(build_year__isnull=True)
        .values("build_year")
        .annotate(n=Count("id"))
        .values_list("build_year", "n")
        if year is not None
    }
    if not counts:
        return {"years": [], "counts": []}
    years = list(range(min(counts), max(counts) + 1))
    return {"years": years, "counts": [counts.get(y, 0) for y in years]}


def condition_heat(queryset: QuerySet[Estate]) -> dict[str, Any]:
    """Mean severity of each survey item per street, over each estate's newest survey."""
    rows = (
        ConditionFinding.objects.filter(survey__in=latest_surveys_queryset(), survey__estate__in=queryset)
        .order_by()
        .values("item", "survey__estate__street__code", "survey__estate__street__name", "severity")
    )
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    streets: dict[str, str] = {}
    for row in rows:
        code = row["survey__estate__street__code"]
        streets[code] = row["survey__estate__street__name"]
        cell = totals[(row["item"], code)]
        cell[0] += row["severity"]
        cell[1] += 1
    street_codes = sorted(streets)
    items = [(value, str(label)) for value, label in ConditionItem.choices]
    table = []
    for value, label in items:
        cells = []
        for code in street_codes:
            total, n = totals.get((value, code), (0, 0))
            cells.append(round(total / n, 2) if n else None)
        table.append({"item": value, "label": label, "cells": cells})
    return {
        "streets": [{"code": c, "name": streets[c]} for c in street_codes],
        "items": table,
        "max_severity": int(Severity.SEVERE),
    }


def estate_geojson(queryset: QuerySet[Estate], *, limit: int = 20_000) -> dict[str, Any]:
    """Visible estates as GeoJSON: a point for each located estate, its boundary where one is drawn."""
    features: list[dict[str, Any]] = []
    rows = (
        queryset.order_by()
        .exclude(latitude__isnull=True, boundary__isnull=True)
        .values(
            "id",
            "code",
            "name",
            "latitude",
            "longitude",
            "boundary",
            "eligibility_status__outcome",
            "build_year",
            "street__name",
        )[:limit]
    )
    for row in rows:
        properties = {
            "id": row["id"],
            "code": row["code"],
            "name": row["name"],
            "eligibility": row["eligibility_status__outcome"] or "",
            "build_year": row["build_year"],
            "street": row["street__name"],
        }
        if row["latitude"] is not None and row["longitude"] is not None:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [float(row["longitude"]), float(row["latitude"])]},
                    "properties": properties,
                }
            )
        boundary = row["boundary"]
        if isinstance(boundary, dict):
            geometry = boundary.get("geometry", boundary) if boundary.get("type") == "Feature" else boundary
            if geometry.get("type") in {"Polygon", "MultiPolygon"}:
                features.append(
                    {"type": "Feature", "geometry": geometry, "properties": {**properties, "kind": "boundary"}}
                )
    return {"type": "FeatureCollection", "features": features}


def streets_under(jurisdiction: Jurisdiction | None, *, user: Any) -> QuerySet[Jurisdiction]:
    qs = visible_to(user, Jurisdiction.objects.filter(level=Level.STREET))
    if jurisdiction is not None:
        qs = qs.filter(path__startswith=jurisdiction.path)
    return qs


def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()
