"""Projects: created from accepted plan entries, their headquarters and sign-offs, and stage transitions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiugai.consultation.choices import NoticeSubject
from jiugai.consultation.services import notice_create
from jiugai.core.audit import audit_entry_append
from jiugai.core.models import StatusChange
from jiugai.core.permissions import require
from jiugai.core.workflow import workflow_transition
from jiugai.planning.choices import BundleStatus, PlanStatus, Tier
from jiugai.planning.models import PlanEntry
from jiugai.policy.selectors import effective_policy

from ..choices import MemberRole, SignoffKind
from ..models import Project, ProjectMember, ProjectSignoff
from ..workflow import PROJECT_WORKFLOW, STAGE_DATE_FIELD
from .common import DOCUMENT_EXTENSIONS, DOCUMENT_MAX_BYTES, file_check, not_future, within

# Profile parameters that set a project's deadlines (Guyuan 003: preliminary work by 28 February, every
# project started by 15 March, completion acceptance by the end of November).
DEADLINE_PARAMETERS = {
    "preliminary_due": "projects.preliminary_deadline",
    "start_due": "projects.start_deadline",
    "completion_due": "projects.completion_deadline",
    "acceptance_due": "projects.acceptance_deadline",
}


def project_deadlines(*, jurisdiction: Any, on: dt.date) -> tuple[dict[str, dt.date | None], dict[str, Any]]:
    """The deadlines the policy profile in force on `on` sets, and where each came from."""
    policy = effective_policy(jurisdiction=jurisdiction, on=on)
    dates: dict[str, dt.date | None] = {}
    sources: dict[str, Any] = {}
    for field, key in DEADLINE_PARAMETERS.items():
        value = policy.get(key)
        dates[field] = value
        if value is not None:
            source = policy.source(key)
            sources[field] = {"parameter": key, "title": source.title, "reference": source.reference}
    return dates, sources


def _next_code(year: int, estate_code: str) -> str:
    base = f"P{year}-{estate_code}"
    code, n = base, 1
    while Project.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


@transaction.atomic
def project_create_from_entry(
    *, actor: Any, entry: PlanEntry, registered_on: dt.date | None = None, name: str = ""
) -> Project:
    """Register the project for a plan entry in the implement tier: the estate alone, or the whole accepted
    bundle it is planned with. Deadlines come from the policy profile in force on the registration day."""
    require(actor, "projects.manage")
    entry = PlanEntry.objects.select_related("plan__jurisdiction", "estate__street", "estate__jurisdiction").get(
        pk=entry.pk
    )
    if entry.tier != Tier.IMPLEMENT:
        raise ValidationError({"entry": [_("Only an estate in the implement tier becomes a project.")]})
    if (
        Project.objects.filter(plan_entry=entry).exists()
        or Project.objects.filter(plan=entry.plan, estates=entry.estate).exists()
    ):
        raise ValidationError({"entry": [_("This estate already has a project in this plan.")]})
    estate = entry.estate
    bundle = estate.planning_bundles.filter(status=BundleStatus.ACCEPTED).first()
    estates = list(bundle.estates.all()) if bundle is not None else [estate]
    entries = list(PlanEntry.objects.filter(plan=entry.plan, estate__in=estates))
    registered_on = registered_on or timezone.localdate()
    dates, sources = project_deadlines(jurisdiction=estate.jurisdiction, on=registered_on)
    project = Project(
        code=_next_code(entry.plan.year, estate.code),
        name=name or (bundle.name if bundle is not None else estate.name),
        jurisdiction=estate.street if estate.street_id else estate.jurisdiction,
        estate=estate,
        plan=entry.plan,
        plan_entry=entry,
        bundle=bundle,
        year=entry.plan.year,
        street_office=(estate.street.name if estate.street_id else ""),
        budget=sum((e.cost for e in entries), start=Decimal("0")),
        latitude=estate.latitude,
        longitude=estate.longitude,
        registered_on=registered_on,
        deadline_sources=sources,
        created_by=actor if getattr(actor, "pk", None) else None,
        **dates,
    )
    project.full_clean()
    project.save()
    project.estates.set(estates)
    audit_entry_append(
        action="projects.project.register",
        obj=project,
        actor=actor,
        payload={"code": project.code, "plan": entry.plan_id, "estates": [e.code for e in estates]},
    )
    return project


@transaction.atomic
def project_update(*, actor: Any, project: Project, **fields: Any) -> Project:
    """Change a project's descriptive fields (content, firms, utilities, deadlines)."""
    require(actor, "projects.manage")
    within(actor, project)
    allowed = {
        "name",
        "content",
        "utilities",
        "design_firm",
        "construction_firm",
        "supervision_firm",
        "preliminary_due",
        "start_due",
        "completion_due",
        "acceptance_due",
        "street_office",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({sorted(unknown)[0]: [_("This field cannot be changed here.")]})
    project = Project.objects.select_for_update().get(pk=project.pk)
    for key, value in fields.items():
        setattr(project, key, value)
        if key in {"preliminary_due", "start_due", "completion_due", "acceptance_due"}:
            project.deadline_sources[key] = {"parameter": "", "title": _("Set on the project"), "reference": ""}
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def project_member_add(
    *, actor: Any, project: Project, role: str, name: str, organisation: str = "", phone: str = ""
) -> ProjectMember:
    """Add a person to the project headquarters."""
    require(actor, "projects.manage")
    within(actor, project)
    if role not in MemberRole.values:
        raise ValidationError({"role": [_("Unknown role.")]})
    member = ProjectMember(project=project, role=role, name=name.strip(), organisation=organisation, phone=phone)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def project_signoff_record(
    *,
    actor: Any,
    project: Project,
    kind: str,
    signed_on: dt.date,
    signer_name: str,
    document: Any = None,
    note: str = "",
) -> ProjectSignoff:
    """Record a sign-off the works wait for (owners' committee, leading group, drawing review); audited."""
    require(actor, "projects.record_signoff")
    within(actor, project)
    if kind not in SignoffKind.values:
        raise ValidationError({"kind": [_("Unknown sign-off.")]})
    not_future(signed_on, field="signed_on")
    if ProjectSignoff.objects.filter(project=project, kind=kind).exists():
        raise ValidationError({"kind": [_("This sign-off has already been recorded.")]})
    if document is not None:
        file_check(document, field="document", extensions=DOCUMENT_EXTENSIONS, max_bytes=DOCUMENT_MAX_BYTES)
    signoff = ProjectSignoff(
        project=project,
        kind=kind,
        signed_on=signed_on,
        signer_name=signer_name.strip(),
        note=note,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    if document is not None:
        signoff.document = document
    signoff.full_clean()
    signoff.save()
    audit_entry_append(
        action="projects.signoff", obj=project, actor=actor, payload={"kind": kind, "signed_on": signed_on.isoformat()}
    )
    return signoff


@transaction.atomic
def project_advance(
    *, actor: Any, project: Project, target: str, reason: str = "", on: dt.date | None = None
) -> StatusChange:
    """Move the project to `target` if the transition table, the actor's role and every gate allow it, and
    stamp the date the stage was entered (a date in the future is refused)."""
    require(actor, "projects.advance")
    within(actor, project)
    on = on or timezone.localdate()
    not_future(on, field="on")
    change = workflow_transition(workflow=PROJECT_WORKFLOW, obj=project, target=target, actor=actor, reason=reason)
    date_field = STAGE_DATE_FIELD.get(target)
    if date_field:
        Project.objects.filter(pk=project.pk).update(**{date_field: on})
        setattr(project, date_field, on)
    return change


def projects_register_from_plan(*, actor: Any, plan: Any, registered_on: dt.date | None = None) -> list[Project]:
    """Register a project for every implement-tier estate of an approved plan that has none yet (estates in an
    accepted bundle share one project)."""
    require(actor, "projects.manage")
    if plan.status != PlanStatus.APPROVED:
        raise ValidationError({"plan": [_("Only an approved plan's estates become projects.")]})
    created = []
    for entry in plan.entries.filter(tier=Tier.IMPLEMENT).select_related("estate").order_by("estate__code"):
        if Project.objects.filter(plan=plan, estates=entry.estate).exists():
            continue
        created.append(project_create_from_entry(actor=actor, entry=entry, registered_on=registered_on))
    return created


@transaction.atomic
def project_plan_notice_draft(
    *, actor: Any, project: Project, title: str, content: str, window_days: int | None = None
) -> Any:
    """Draft the public notice of the project's renovation plan, about the project itself, so the start of works
    waits for its window to close and its objections to be answered (seed digest §3)."""
    within(actor, project)
    return notice_create(
        actor=actor,
        jurisdiction=project.estate.jurisdiction,
        estate=project.estate,
        title=title,
        content=content,
        subject=NoticeSubject.PLAN,
        subject_label=project.name,
        subject_object=project,
        issuer=project.street_office,
        window_days=window_days,
    )
