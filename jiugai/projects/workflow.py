"""The project lifecycle as data: registered → preliminary → construction → acceptance → handed over → closed.

Zhanhe 001 names the stages (organise & publicise → plan → implement → acceptance → property takeover →
evaluation); Guyuan 003 dates them. Each step has gates — the conditions the seeds put before it — and every
step writes a status-change row (who, when, why); the start of works, acceptance, handover and close-out are
audited. A project may also step back from construction to preliminary work (e.g. a contract annulled).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from jiugai.accounts.choices import Role
from jiugai.consultation.choices import NoticeSubject
from jiugai.consultation.selectors import notice_gate, notices_for
from jiugai.core.workflow import Workflow
from jiugai.planning.choices import PlanStatus

from .choices import (
    AcceptanceStatus,
    ArchiveKind,
    ContractKind,
    DefectStatus,
    FinalAccountStatus,
    MemberRole,
    SignoffKind,
    Stage,
    TenderStatus,
)

OFFICES = [Role.STREET_OFFICE, Role.LEADING_GROUP_OFFICE, Role.DEPARTMENT]
HUNDRED = Decimal("100")


def headquarters_gate(project: Any) -> list[str]:
    """Zhanhe 001: a project headquarters of the street leader, the residents' committee head and owner
    representatives runs the works."""
    roles = set(project.members.values_list("role", flat=True))
    labels = {
        MemberRole.STREET_LEADER: _("a street leader"),
        MemberRole.COMMUNITY_HEAD: _("the residents' committee head"),
        MemberRole.OWNER_REPRESENTATIVE: _("an owner representative"),
    }
    return [
        _("The project headquarters needs %(who)s.") % {"who": label}
        for role, label in labels.items()
        if role not in roles
    ]


def plan_gate(project: Any) -> list[str]:
    """The project's annual plan must be approved (seed digest §5)."""
    if project.plan_id is not None and project.plan.status != PlanStatus.APPROVED:
        return [_("The annual plan “%(plan)s” is not approved yet.") % {"plan": project.plan.title}]
    return []


def signoffs_gate(project: Any) -> list[str]:
    """Seed digest §3, §7: the owners' committee signs the plan and the leading group approves it before works."""
    have = set(project.signoffs.values_list("kind", flat=True))
    return [
        _("Missing sign-off: %(kind)s.") % {"kind": SignoffKind(kind).label}
        for kind in (SignoffKind.OWNERS_PLAN, SignoffKind.LEADING_GROUP)
        if kind not in have
    ]


def contract_gate(project: Any) -> list[str]:
    """Works start only under a signed construction contract."""
    if not project.contracts.filter(kind=ContractKind.CONSTRUCTION).exists():
        return [_("No construction contract has been recorded.")]
    return []


def notices_gate(project: Any) -> list[str]:
    """The plan and, where a construction tender was held, its bid price are posted in the estate and their
    windows closed with every objection answered (seed digest §3; Jiyuan 000: bid prices posted)."""
    subjects = set(notices_for(obj=project).values_list("subject", flat=True))
    problems = []
    if NoticeSubject.PLAN not in subjects:
        problems.append(_("The renovation plan has not been posted as a public notice."))
    if (
        project.tenders.filter(kind=ContractKind.CONSTRUCTION, status=TenderStatus.AWARDED).exists()
        and NoticeSubject.TENDER_PRICE not in subjects
    ):
        problems.append(_("The winning bid price has not been posted as a public notice."))
    if subjects:
        problems.extend(notice_gate(project))
    return problems


def works_complete_gate(project: Any) -> list[str]:
    """Acceptance is asked for when the weekly reports show every BoQ quantity done."""
    if project.percent_complete < HUNDRED:
        return [
            _("The works are %(pct)s%% complete by the weekly reports; acceptance needs 100%%.")
            % {"pct": project.percent_complete}
        ]
    return []


def acceptance_gate(project: Any) -> list[str]:
    """Zhanhe 001, Guyuan 003: joint acceptance signed 'pass' by every required party, every defect rectified."""
    problems = []
    if not project.acceptances.filter(status=AcceptanceStatus.PASSED).exists():
        problems.append(_("No joint acceptance has been passed by every required party."))
    open_defects = project.defects.filter(status=DefectStatus.OPEN).count()
    if open_defects:
        problems.append(_("%(count)d defect(s) are not rectified.") % {"count": open_defects})
    if not hasattr(project, "handover"):
        problems.append(_("No handover agreement has been recorded."))
    return problems


def close_out_gate(project: Any) -> list[str]:
    """Zhanhe 001: final accounts audited, the archive complete and the project evaluated before close-out."""
    problems = []
    account = getattr(project, "final_account", None)
    if account is None or account.status != FinalAccountStatus.AUDITED:
        problems.append(_("The final accounts are not audited."))
    present = set(project.archive.values_list("kind", flat=True))
    missing = [ArchiveKind(k).label for k in ArchiveKind.values if k not in present]
    if missing:
        problems.append(_("The archive lacks: %(kinds)s.") % {"kinds": "、".join(str(m) for m in missing)})
    if not hasattr(project, "evaluation"):
        problems.append(_("The post-evaluation has not been recorded."))
    return problems


PROJECT_WORKFLOW = (
    Workflow(name="projects.project", status_field="stage")
    .add(Stage.REGISTERED, Stage.PRELIMINARY, roles=OFFICES, gates=[plan_gate, headquarters_gate])
    .add(
        Stage.PRELIMINARY,
        Stage.CONSTRUCTION,
        roles=OFFICES,
        gates=[signoffs_gate, contract_gate, notices_gate],
        audited=True,
    )
    .add(Stage.CONSTRUCTION, Stage.PRELIMINARY, roles=[Role.LEADING_GROUP_OFFICE, Role.DEPARTMENT], audited=True)
    .add(Stage.CONSTRUCTION, Stage.ACCEPTANCE, roles=OFFICES, gates=[works_complete_gate], audited=True)
    .add(Stage.ACCEPTANCE, Stage.HANDED_OVER, roles=OFFICES, gates=[acceptance_gate], audited=True)
    .add(
        Stage.HANDED_OVER,
        Stage.CLOSED,
        roles=[Role.LEADING_GROUP_OFFICE, Role.DEPARTMENT],
        gates=[close_out_gate],
        audited=True,
    )
)

# The date field each stage stamps when it is entered.
STAGE_DATE_FIELD: dict[str, str] = {
    Stage.CONSTRUCTION: "started_on",
    Stage.ACCEPTANCE: "completed_on",
    Stage.HANDED_OVER: "handed_over_on",
    Stage.CLOSED: "closed_on",
}
