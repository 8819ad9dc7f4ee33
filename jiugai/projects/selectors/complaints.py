"""Reads for residents' complaints and the estates' mediation groups (Guyuan 003: a mediation group per estate;
Jincheng 004: answers to construction complaints). Staff see what `complaints_visible_to` lets them see; the
public sees one complaint by its reference and a project's figures without personal data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import BooleanField, Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from jiugai.core.permissions import can
from jiugai.core.scoping import NOTHING, scope_path_for, visible_to
from jiugai.core.text import mask_name, mask_phone
from jiugai.rules.coordination import complaint_late, satisfaction_shares

from ..choices import ComplaintCategory, ComplaintStatus, MediatorKind, Satisfaction
from ..models import Complaint, MediationGroup, Project

SETTLED = (ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED)
# The annotation `complaint_list` adds: unanswered past the deadline (filter with **{OVERDUE: True}).
OVERDUE = "is_overdue"
# Guyuan 003: 司法、公安、居委会、物业公司、企业 sit in every estate's mediation group.
GUYUAN_KINDS = (
    MediatorKind.JUSTICE,
    MediatorKind.POLICE,
    MediatorKind.COMMUNITY,
    MediatorKind.PROPERTY,
    MediatorKind.ENTERPRISE,
)


def complaints_visible_to(user: Any, queryset: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """Complaints `user` may see: those of projects in their jurisdiction (`visible_to`), and also those about
    an estate in their jurisdiction (a community residents' committee sits below the street that runs the
    project) or routed to a mediation group they are a member of (Guyuan 003)."""
    path = scope_path_for(user)
    base = visible_to(user, queryset)
    if path is None or path == NOTHING:
        return base
    extra = queryset.filter(
        Q(project__estate__jurisdiction__path__startswith=path) | Q(mediation_group__members__user=user)
    )
    return queryset.filter(Q(pk__in=base.order_by().values("pk")) | Q(pk__in=extra.order_by().values("pk")))


def may_see_contacts(user: Any) -> bool:
    """Whether the user's role handles complaints and so sees the reporter's name and phone unmasked."""
    return can(user, "projects.handle_complaint")


def contact_of(user: Any, complaint: Complaint) -> dict[str, str]:
    """The reporter's name and phone as `user` may see them (masked for roles that do not handle complaints)."""
    if may_see_contacts(user):
        return {"name": complaint.reporter_name, "phone": complaint.reporter_phone}
    return {"name": mask_name(complaint.reporter_name), "phone": mask_phone(complaint.reporter_phone)}


def _annotated(queryset: QuerySet[Complaint], now: dt.datetime) -> QuerySet[Complaint]:
    return queryset.annotate(
        is_overdue=Case(
            When(Q(status=ComplaintStatus.OPEN, replied_at__isnull=True, due_at__lt=now), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        settled=Case(When(status__in=SETTLED, then=Value(1)), default=Value(0), output_field=IntegerField()),
    )


def complaint_list(*, user: Any, now: dt.datetime | None = None) -> QuerySet[Complaint]:
    """Complaints the user may see, each with `is_overdue` (unanswered past its deadline) and `settled`."""
    now = now or timezone.now()
    queryset = Complaint.objects.select_related("project__jurisdiction", "project__estate", "mediation_group")
    return _annotated(complaints_visible_to(user, queryset), now)


def complaint_queue(*, user: Any, now: dt.datetime | None = None) -> QuerySet[Complaint]:
    """The handling queue: unanswered complaints past their deadline first, then the other unsettled ones by
    due time, then resolved and closed ones by due time."""
    return complaint_list(user=user, now=now).order_by(F(OVERDUE).desc(), F("settled").asc(), "due_at", "id")


def complaint_get(*, user: Any, pk: Any) -> Complaint:
    """One complaint the user may see (404 otherwise)."""
    try:
        return complaint_list(user=user).get(pk=pk)
    except (Complaint.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def complaint_public_get(*, reference: str) -> Complaint | None:
    """The complaint behind a resident's reference, or None."""
    if not reference or len(reference) > 24:
        return None
    return Complaint.objects.select_related("project").filter(reference=reference).first()


def complaint_is_late(complaint: Complaint, now: dt.datetime | None = None) -> bool:
    """Whether the complaint missed its answer deadline (answered late, or still unanswered past it)."""
    return complaint_late(
        due_at=complaint.due_at,
        answered_at=complaint.replied_at,
        now=now or timezone.now(),
        answered=complaint.status in SETTLED,
    )


def complaint_public_view(complaint: Complaint) -> dict[str, Any]:
    """What the resident's status page shows: no name, no phone, no staff name."""
    return {
        "reference": complaint.reference,
        "project": complaint.project.name,
        "category": complaint.get_category_display(),
        "description": complaint.description,
        "place": complaint.place,
        "status": complaint.status,
        "status_label": complaint.get_status_display(),
        "received_at": complaint.received_at,
        "due_at": complaint.due_at,
        "reply": complaint.reply,
        "replied_at": complaint.replied_at,
        "resolution": complaint.resolution,
        "resolved_at": complaint.resolved_at,
        "satisfaction": complaint.satisfaction,
        "satisfaction_label": complaint.get_satisfaction_display() if complaint.satisfaction else "",
        "group": complaint.mediation_group.name if complaint.mediation_group_id else "",  # type: ignore[union-attr]
        "can_rate": complaint.status == ComplaintStatus.RESOLVED and not complaint.satisfaction,
    }


def complaints_public_summary(*, project: Project, now: dt.datetime | None = None) -> dict[str, Any]:
    """A project's complaints in figures for the public page: counts by category and status, the share resolved,
    the share answered on time and residents' satisfaction. No personal data, no text."""
    now = now or timezone.now()
    rows = list(Complaint.objects.filter(project=project).values("category", "status", "satisfaction"))
    total = len(rows)
    by_category = dict.fromkeys(ComplaintCategory.values, 0)
    by_status = dict.fromkeys(ComplaintStatus.values, 0)
    answers = dict.fromkeys(Satisfaction.values, 0)
    for row in rows:
        by_category[row["category"]] += 1
        by_status[row["status"]] += 1
        if row["satisfaction"]:
            answers[row["satisfaction"]] += 1
    resolved = by_status[ComplaintStatus.RESOLVED] + by_status[ComplaintStatus.CLOSED]
    # Complaints whose deadline is decided: answered, or unanswered past it.
    timed = Complaint.objects.filter(project=project).filter(Q(replied_at__isnull=False) | Q(due_at__lt=now))
    figures = timed.aggregate(n=Count("id"), on_time=Count("id", filter=Q(replied_at__lte=F("due_at"))))
    timed_n, on_time = figures["n"], figures["on_time"]
    rated = sum(answers.values())
    shares = satisfaction_shares(answers, Satisfaction.values)
    return {
        "total": total,
        "resolved": resolved,
        "percent_resolved": round(resolved * 100 / total, 1) if total else None,
        "answered_on_time": on_time,
        "percent_on_time": round(on_time * 100 / timed_n, 1) if timed_n else None,
        "by_category": [
            {"category": c, "label": ComplaintCategory(c).label, "n": n} for c, n in by_category.items() if n
        ],
        "by_status": [{"status": s, "label": ComplaintStatus(s).label, "n": n} for s, n in by_status.items()],
        "satisfaction": [
            {"answer": a, "label": Satisfaction(a).label, "n": answers[a], "percent": shares[a]}
            for a in Satisfaction.values
        ],
        "rated": rated,
    }


def complaint_counts(*, user: Any, now: dt.datetime | None = None) -> dict[str, int]:
    """How many visible complaints are overdue, unsettled and in total (for the queue's header)."""
    queryset = complaint_list(user=user, now=now).order_by()
    return queryset.aggregate(
        overdue=Count("id", filter=Q(**{OVERDUE: True})),
        pending=Count("id", filter=~Q(status__in=SETTLED)),
        total=Count("id"),
    )


def mediation_group_for(*, project: Project) -> MediationGroup | None:
    """The mediation group complaints about the project go to: its main estate's, else one of its estates'."""
    group = MediationGroup.objects.filter(estate_id=project.estate_id).first()
    if group is None:
        group = MediationGroup.objects.filter(estate__in=project.estates.all()).order_by("id").first()
    return group


def mediation_group_gaps(group: MediationGroup | None) -> list[str]:
    """The Guyuan 003 member kinds the group still lacks (all of them when there is no group)."""
    have = set(group.members.values_list("kind", flat=True)) if group is not None else set()
    return [str(MediatorKind(k).label) for k in GUYUAN_KINDS if k not in have]
