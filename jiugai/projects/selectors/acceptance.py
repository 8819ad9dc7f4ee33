"""Reads for quality and acceptance (Zhanhe 001, Guyuan 003): the acceptance state of a project, the contracted
firms each party signs for, the money of the final accounts, the pass-rate KPI and what the public may see.

Every list goes through `visible_to`. An owners' committee member sits at community level, below the street a
project belongs to, so the acceptance pages also open a project to users who can see one of its estates
(`acceptance_project_get`): the owners sign joint acceptance for their own estate (Zhanhe 001).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jiugai.core.scoping import get_visible_or_404, visible_to
from jiugai.inventory.models import Estate
from jiugai.policy.selectors import effective_policy
from jiugai.rules.acceptance import (
    PARTIES,
    RoundOutcome,
    parties_for_role,
    pass_rate,
    satisfaction_summary,
    signer_may_sign,
)
from jiugai.rules.decision import Decision
from jiugai.rules.policy import Policy

from ..choices import (
    STAGE_ORDER,
    AcceptanceStatus,
    ArchiveKind,
    ContractKind,
    DefectStatus,
    Party,
    Satisfaction,
    Stage,
    VariationStatus,
)
from ..models import (
    AcceptanceRound,
    ArchiveItem,
    Contract,
    Defect,
    Inspection,
    Project,
    SatisfactionResponse,
    Variation,
)

ZERO = Decimal("0")
# The project field, and the contract kind, that names the firm signing for each firm party.
FIRM_FIELDS = {
    Party.CONTRACTOR.value: ("construction_firm", ContractKind.CONSTRUCTION),
    Party.DESIGNER.value: ("design_firm", ContractKind.DESIGN),
    Party.SUPERVISOR.value: ("supervision_firm", ContractKind.SUPERVISION),
}


def _projects_for(user: Any) -> QuerySet[Project]:
    """Projects in the user's part of the tree, or with an estate in it (an owners' committee's estate)."""
    direct = visible_to(user, Project.objects.all()).values("pk")
    estates = visible_to(user, Estate.objects.all()).values("pk")
    return Project.objects.filter(Q(pk__in=direct) | Q(estates__in=estates) | Q(estate__in=estates)).distinct()


def acceptance_project_get(*, user: Any, pk: Any) -> Project:
    """One project for the acceptance pages: in the user's jurisdiction, or with one of its estates in it (404
    otherwise, so existence does not leak)."""
    try:
        ids = _projects_for(user).filter(pk=pk).values("pk")
        return Project.objects.select_related("jurisdiction", "estate").get(pk__in=ids)
    except (Project.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def user_reaches(user: Any, project: Project) -> bool:
    """Whether `user` may act on `project` from their place in the tree (see `acceptance_project_get`)."""
    if user is None or getattr(user, "is_platform_admin", False):
        return True
    return _projects_for(user).filter(pk=project.pk).exists()


def project_firms(project: Project) -> dict[str, str]:
    """The firm contracted for each firm party: the project's firm field, else the counterparty of its
    contract of that kind (Zhanhe 001: the construction, design and supervision firms sign)."""
    contracts = {c.kind: c.counterparty for c in Contract.objects.filter(project=project)}
    firms = {}
    for party, (field, kind) in FIRM_FIELDS.items():
        name = (getattr(project, field) or "").strip() or (contracts.get(kind) or "").strip()
        if name:
            firms[party] = name
    return firms


def signable_parties(*, user: Any, project: Project, round: AcceptanceRound | None = None) -> list[str]:
    """The parties of `round` (all parties without one) this user may sign for now, by the rule."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    required = round.required_parties if round is not None else list(PARTIES)
    firms = project_firms(project)
    signed = set(round.signatures.values_list("party", flat=True)) if round is not None else set()
    return [
        party
        for party in parties_for_role(user.role)
        if party in required
        and party not in signed
        and signer_may_sign(party, user.role, user.organisation or "", firms).passed
    ]


def latest_round(project: Project) -> AcceptanceRound | None:
    """The project's most recent joint acceptance round."""
    return AcceptanceRound.objects.filter(project=project).order_by("-number").first()


def final_account_totals(project: Project) -> dict[str, Decimal]:
    """Money the final accounts (决算) compare with: the contracts and their approved variations (Zhanhe 001)."""
    contracts = Contract.objects.filter(project=project).aggregate(total=Sum("amount"))["total"] or ZERO
    variations = (
        Variation.objects.filter(contract__project=project, status=VariationStatus.APPROVED).aggregate(
            total=Sum("cost_delta")
        )["total"]
        or ZERO
    )
    return {
        "contract_total": Decimal(contracts).quantize(Decimal("0.01")),
        "variations_total": Decimal(variations).quantize(Decimal("0.01")),
        "adjusted_total": Decimal(contracts + variations).quantize(Decimal("0.01")),
    }


def satisfaction_counts(project: Project) -> dict[str, int]:
    """How many residents gave each answer to the project's satisfaction survey."""
    counts = Counter(SatisfactionResponse.objects.filter(project=project).values_list("answer", flat=True))
    return {answer: counts.get(answer, 0) for answer in Satisfaction.values}


def satisfaction_figures(project: Project) -> Decision:
    """The survey summarised by the rule (exact shares)."""
    return satisfaction_summary(satisfaction_counts(project))


def share_text(value: Any) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"


@dataclass(frozen=True)
class ArchiveRow:
    """One kind of document the archive must hold, with the documents filed under it."""

    kind: str
    label: str
    items: list[ArchiveItem]

    @property
    def present(self) -> bool:
        return bool(self.items)


def archive_checklist(project: Project) -> list[ArchiveRow]:
    """Every `ArchiveKind` with the documents filed (Zhanhe 001: 做好项目资料的存档管理)."""
    items: dict[str, list[ArchiveItem]] = {k: [] for k in ArchiveKind.values}
    for item in ArchiveItem.objects.filter(project=project).select_related("uploaded_by").order_by("kind", "id"):
        items.setdefault(item.kind, []).append(item)
    return [ArchiveRow(kind, str(ArchiveKind(kind).label), items[kind]) for kind in ArchiveKind.values]


def acceptance_state(*, project: Project) -> dict[str, Any]:
    """Everything the acceptance page shows: the rounds with one row per party (who signed, verdict, when), the
    parties still to sign, the defects (open first), the inspections, the archive checklist, the handover, the
    final accounts with their totals, the post-evaluation and the satisfaction figures."""
    rounds: list[dict[str, Any]] = []
    for rnd in (
        AcceptanceRound.objects.filter(project=project).prefetch_related("signatures__signer").order_by("-number")
    ):
        by_party = {s.party: s for s in rnd.signatures.all()}
        rows = [
            {"party": p, "label": Party(p).label, "signature": by_party.get(p), "required": p in rnd.required_parties}
            for p in PARTIES
            if p in rnd.required_parties or p in by_party
        ]
        rounds.append(
            {
                "round": rnd,
                "rows": rows,
                "missing": [p for p in rnd.required_parties if p not in by_party],
                "missing_labels": [str(Party(p).label) for p in rnd.required_parties if p not in by_party],
            }
        )
    defects = list(
        Defect.objects.filter(project=project)
        .select_related("inspection", "acceptance", "closed_by")
        .order_by("status", "due_on", "id")
    )
    checklist = archive_checklist(project)
    account = getattr(project, "final_account", None)
    totals = final_account_totals(project)
    today = timezone.localdate()
    return {
        "rounds": rounds,
        "current": rounds[0] if rounds else None,
        "passed": bool(rounds) and rounds[0]["round"].status == AcceptanceStatus.PASSED,
        "open_round": next((r for r in rounds if r["round"].status == AcceptanceStatus.OPEN), None),
        "defects": defects,
        "open_defects": [d for d in defects if d.status == DefectStatus.OPEN],
        "overdue_defects": [d for d in defects if d.status == DefectStatus.OPEN and d.due_on < today],
        "inspections": list(
            Inspection.objects.filter(project=project).prefetch_related("defects").order_by("-held_on", "-id")
        ),
        "archive": checklist,
        "archive_missing": [row.label for row in checklist if not row.present],
        "handover": getattr(project, "handover", None),
        "final_account": account,
        "totals": totals,
        "difference": (account.final_amount - totals["adjusted_total"]) if account is not None else None,
        "evaluation": getattr(project, "evaluation", None),
        "satisfaction": satisfaction_figures(project),
    }


def _scoped(user: Any, queryset: QuerySet[Any], project: Project | None) -> QuerySet[Any]:
    """`queryset` as the user may see it: by jurisdiction, or one project the user reaches."""
    if project is None:
        return visible_to(user, queryset)
    if not user_reaches(user, project):
        return queryset.none()
    return queryset.filter(project=project)


def defect_list(*, user: Any, project: Project | None = None) -> QuerySet[Defect]:
    """The defects (rectification list, 整改清单) the user may see, open first."""
    qs = _scoped(user, Defect.objects.select_related("project", "inspection", "acceptance", "closed_by"), project)
    return qs.order_by("status", "due_on", "id")


def inspection_list(*, user: Any, project: Project | None = None) -> QuerySet[Inspection]:
    """Inspections the user may see (of one project when given), newest first."""
    qs = _scoped(user, Inspection.objects.select_related("project"), project)
    return qs.prefetch_related("defects").order_by("-held_on", "-id")


def round_list(*, user: Any, project: Project | None = None) -> QuerySet[AcceptanceRound]:
    """Joint acceptance rounds the user may see, with their signatures."""
    qs = _scoped(user, AcceptanceRound.objects.select_related("project"), project)
    return qs.prefetch_related("signatures").order_by("project_id", "number")


def round_get(*, user: Any, pk: Any) -> AcceptanceRound:
    """One round whose project the user reaches (404 otherwise)."""
    found = AcceptanceRound.objects.select_related("project").filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None or not user_reaches(user, found.project):
        raise Http404
    return found


def defect_get(*, user: Any, pk: Any) -> Defect:
    """One defect the user may see (404 otherwise)."""
    return get_visible_or_404(user, Defect.objects.select_related("project"), pk=pk)


def archive_list(*, user: Any, project: Project | None = None) -> QuerySet[ArchiveItem]:
    """Archive documents the user may see."""
    qs = _scoped(user, ArchiveItem.objects.select_related("project", "uploaded_by"), project)
    return qs.order_by("project_id", "kind", "id")


def pass_rate_kpi(*, user: Any, jurisdiction: Any = None, on: dt.date | None = None) -> dict[str, Any]:
    """The acceptance pass rate of the projects the user sees under `jurisdiction` (default: the user's own),
    against the `projects.acceptance_pass_rate` of the profile in force there (Guyuan 003: 100 %): the rule's
    decision with its reasons and source, and one row per project (first round, last round, rounds held)."""
    projects = visible_to(user, Project.objects.all())
    node = jurisdiction if jurisdiction is not None else getattr(user, "jurisdiction", None)
    if node is not None:
        projects = projects.filter(jurisdiction__path__startswith=node.path)
    rounds = list(
        AcceptanceRound.objects.filter(project__in=projects.values("pk"))
        .select_related("project")
        .order_by("project__code", "number")
    )
    by_project: dict[int, list[AcceptanceRound]] = {}
    for rnd in rounds:
        by_project.setdefault(rnd.project_id, []).append(rnd)
    policy = effective_policy(jurisdiction=node, on=on) if node is not None else None
    decision = pass_rate(
        [RoundOutcome(str(r.project_id), r.number, r.status) for r in rounds],
        policy if policy is not None else Policy(jurisdiction_code="", on=on or timezone.localdate()),
    )
    rows = []
    for items in by_project.values():
        first, last = items[0], items[-1]
        rows.append(
            {
                "project": first.project,
                "code": first.project.code,
                "name": first.project.name,
                "rounds": len(items),
                "first_status": AcceptanceStatus(first.status).label,
                "first_passed": first.status == AcceptanceStatus.PASSED,
                "last_status": AcceptanceStatus(last.status).label,
                "accepted_on": first.project.accepted_on,
            }
        )
    figures = decision.figures
    return {
        "jurisdiction": node,
        "decision": decision,
        "rows": rows,
        "rate_text": share_text(figures.get("rate")),
        "target_text": share_text(figures.get("target")),
        "eventual_text": share_text(figures.get("eventual_share")),
    }


def acceptance_public_summary(*, project: Project) -> dict[str, Any]:
    """What the public page may show about acceptance: the result and its date, how many rounds, who took the
    estate over and the satisfaction figures. No names of signers, no comments, nothing personal."""
    rnd = latest_round(project)
    handover = getattr(project, "handover", None)
    figures = satisfaction_figures(project).figures
    reached = STAGE_ORDER.index(project.stage) >= STAGE_ORDER.index(Stage.HANDED_OVER)
    return {
        "result": rnd.status if rnd is not None else None,
        "result_label": str(AcceptanceStatus(rnd.status).label) if rnd is not None else _("Not held yet"),
        "rounds": AcceptanceRound.objects.filter(project=project).count(),
        "accepted_on": project.accepted_on,
        "handover": (
            {
                "receiver_kind": handover.receiver_kind,
                "receiver_label": str(handover.get_receiver_kind_display()),
                "receiver_name": handover.receiver_name,
                "signed_on": handover.signed_on,
            }
            if handover is not None
            else None
        ),
        "survey_open": reached,
        "satisfaction": {
            "total": figures["total"],
            "satisfied": figures["satisfied"],
            "basically": figures["basically"],
            "dissatisfied": figures["dissatisfied"],
            "satisfied_share": figures["satisfied_share"],
            "satisfied_share_text": share_text(figures["satisfied_share"]),
        },
    }
