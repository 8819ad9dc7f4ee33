"""Reads for projects: lists, one project, what blocks its next step, overdue flags and its timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jiugai.consultation.selectors import notice_window_state, notices_for
from jiugai.core.models import StatusChange
from jiugai.core.scoping import get_visible_or_404, visible_to
from jiugai.funding.choices import SourceKind
from jiugai.funding.models import Allocation

from ..choices import STAGE_ORDER, Stage
from ..models import Project
from ..workflow import PROJECT_WORKFLOW


def project_list(*, user: Any) -> QuerySet[Project]:
    """The projects `user` may see."""
    return visible_to(user, Project.objects.select_related("jurisdiction", "estate", "plan"))


def project_get(*, user: Any, pk: Any) -> Project:
    """One project the user may see (404 otherwise)."""
    return get_visible_or_404(user, Project.objects.select_related("jurisdiction", "estate", "plan"), pk=pk)


def project_public_get(*, public_id: str) -> Project | None:
    """The project behind a public page id, or None."""
    return Project.objects.select_related("estate", "jurisdiction").filter(public_id=public_id).first()


def project_next_steps(*, project: Project, actor: Any) -> list[dict[str, Any]]:
    """Each stage the project may move to next, with what still blocks it (empty list: the move is open)."""
    return [
        {
            "target": target,
            "label": Stage(target).label,
            "forward": STAGE_ORDER.index(target) > STAGE_ORDER.index(project.stage),
            "blockers": PROJECT_WORKFLOW.blockers(project, target, actor),
        }
        for target in PROJECT_WORKFLOW.targets_from(project.stage)
    ]


@dataclass(frozen=True)
class Overdue:
    """A deadline a project missed or is missing."""

    code: str
    message: str
    due: dt.date
    done: dt.date | None


def _stage_reached(project: Project, stage: str) -> bool:
    return STAGE_ORDER.index(project.stage) >= STAGE_ORDER.index(stage)


def project_overdue(project: Project, today: dt.date | None = None) -> list[Overdue]:
    """The deadlines the project missed: not reached by the due date, or reached after it (Guyuan 003: every
    project started by 15 March). Reads only the project row, so the ledger can call it for every project."""
    today = today or timezone.localdate()
    checks = [
        (
            "preliminary",
            project.preliminary_due,
            project.preliminary_done_on,
            Stage.CONSTRUCTION,
            _("Preliminary work not finished by %(due)s"),
        ),
        ("start", project.start_due, project.started_on, Stage.CONSTRUCTION, _("Not started by %(due)s")),
        (
            "completion",
            project.completion_due,
            project.completed_on,
            Stage.ACCEPTANCE,
            _("Works not completed by %(due)s"),
        ),
        ("acceptance", project.acceptance_due, project.handed_over_on, Stage.HANDED_OVER, _("Not accepted by %(due)s")),
    ]
    flags = []
    for code, due, done, stage, message in checks:
        if due is None:
            continue
        late = (done is not None and done > due) or (not _stage_reached(project, stage) and today > due)
        if late:
            flags.append(Overdue(code, message % {"due": due.isoformat()}, due, done))
    return flags


def project_history(*, project: Project) -> QuerySet[StatusChange]:
    """Every stage change of the project: who, when and why."""
    return StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(Project), object_id=str(project.pk)
    ).select_related("actor")


def project_timeline(*, project: Project) -> list[dict[str, Any]]:
    """Gantt rows: each stage's planned window (from the deadlines) and its actual dates."""
    today = timezone.localdate()
    rows = [
        (
            Stage.PRELIMINARY,
            project.registered_on,
            project.preliminary_due,
            project.registered_on,
            project.preliminary_done_on or project.started_on,
        ),
        (
            Stage.CONSTRUCTION,
            project.preliminary_due or project.registered_on,
            project.completion_due,
            project.started_on,
            project.completed_on,
        ),
        (
            Stage.ACCEPTANCE,
            project.completion_due,
            project.acceptance_due,
            project.completed_on,
            project.handed_over_on,
        ),
        (Stage.HANDED_OVER, project.acceptance_due, None, project.handed_over_on, project.closed_on),
    ]
    out = []
    for stage, plan_start, plan_end, start, end in rows:
        out.append(
            {
                "stage": stage.value,
                "label": str(stage.label),
                "planned_start": plan_start.isoformat() if plan_start else None,
                "planned_end": plan_end.isoformat() if plan_end else None,
                "start": start.isoformat() if start else None,
                "end": end.isoformat() if end else (today.isoformat() if start else None),
                "done": end is not None,
            }
        )
    return out


def stage_counts(queryset: QuerySet[Project]) -> list[dict[str, Any]]:
    """How many projects of `queryset` stand in each stage (one grouped query)."""
    return [dict(row) for row in queryset.order_by().values("stage").annotate(n=Count("id"))]


def project_deadline_rows(*, project: Project) -> list[dict[str, Any]]:
    """Each deadline with the date reached, whether it was missed, and the rule and document that set it."""
    reached = {
        "preliminary_due": project.preliminary_done_on,
        "start_due": project.started_on,
        "completion_due": project.completed_on,
        "acceptance_due": project.handed_over_on,
    }
    labels = {
        "preliminary_due": _("Preliminary work finished"),
        "start_due": _("Works started"),
        "completion_due": _("Works completed"),
        "acceptance_due": _("Accepted and handed over"),
    }
    today = timezone.localdate()
    rows = []
    for field, label in labels.items():
        due = getattr(project, field)
        done = reached[field]
        rows.append(
            {
                "label": label,
                "due": due,
                "done": done,
                "late": due is not None and ((done is not None and done > due) or (done is None and today > due)),
                "source": project.deadline_sources.get(field, {}),
            }
        )
    return rows


def gantt_bars(timeline: list[dict[str, Any]]) -> dict[str, Any]:
    """Place the timeline's planned and actual windows on one axis, as percentages, for a CSS Gantt chart."""
    dates = [
        dt.date.fromisoformat(row[key])
        for row in timeline
        for key in ("planned_start", "planned_end", "start", "end")
        if row[key]
    ]
    if not dates:
        return {"rows": [], "start": None, "end": None}
    first, last = min(dates), max(dates)
    span = max((last - first).days, 1)

    def bar(start: str | None, end: str | None) -> dict[str, float] | None:
        if not start:
            return None
        a = dt.date.fromisoformat(start)
        b = dt.date.fromisoformat(end) if end else a
        return {"left": round((a - first).days * 100 / span, 2), "width": max(round((b - a).days * 100 / span, 2), 0.8)}

    return {
        "start": first,
        "end": last,
        "rows": [
            {
                "label": row["label"],
                "planned": bar(row["planned_start"], row["planned_end"]),
                "actual": bar(row["start"], row["end"]),
                "done": row["done"],
                "planned_text": f"{row['planned_start'] or '—'} → {row['planned_end'] or '—'}",
                "actual_text": f"{row['start'] or '—'} → {row['end'] or '—'}",
            }
            for row in timeline
        ],
    }


def project_notices(*, project: Project) -> list[Any]:
    """The public notices posted about the project, with their window state."""
    return [
        {"notice": n, "state": notice_window_state(notice=n)}
        for n in notices_for(obj=project).order_by("-published_at", "-id")
    ]


def project_funding(*, project: Project) -> list[dict[str, Any]]:
    """The money allocated to the project's estates, by source kind: amount, received and paid (seed digest §6;
    the funding app keeps received and paid on each allocation)."""
    rows = (
        Allocation.objects.filter(estate__in=project.estates.all())
        .values("source__kind")
        .annotate(amount=Sum("amount"), received=Sum("received"), paid=Sum("paid"))
        .order_by("source__kind")
    )
    return [
        {"kind": SourceKind(row["source__kind"]).label, **{k: row[k] for k in ("amount", "received", "paid")}}
        for row in rows
    ]
