"""Reads for utility coordination: the tasks and meetings a user may see, the clashes of a project's works
(Jincheng 004: dig once), the shared calendar of an estate and the Gantt data of a project (Jiyuan 000: one
schedule for the utilities and the other contractors)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from jiugai.accounts.choices import UtilityType
from jiugai.core.scoping import get_visible_or_404, visible_to
from jiugai.inventory.models import Estate
from jiugai.rules.coordination import Clash, TaskSpan, task_clashes

from ..models import ActionItem, Meeting, Project, UtilityTask


def task_span(task: UtilityTask, *, depends_on: Iterable[int] | None = None) -> TaskSpan:
    """The rule's view of a task (ids for the estate and the dependencies)."""
    deps = tuple(depends_on) if depends_on is not None else tuple(d.pk for d in task.depends_on.all())
    return TaskSpan(
        id=task.pk,
        estate=task.estate_id,
        place=task.place,
        starts_on=task.starts_on,
        ends_on=task.ends_on,
        excavation=task.excavation,
        title=task.title,
        depends_on=deps,
        status=task.status,
    )


def utility_task_list(*, user: Any, project: Project | None = None) -> QuerySet[UtilityTask]:
    """Utility tasks the user may see (of one project when given)."""
    queryset = visible_to(user, UtilityTask.objects.select_related("project", "estate").prefetch_related("depends_on"))
    return queryset.filter(project=project) if project is not None else queryset


def utility_task_get(*, user: Any, pk: Any) -> UtilityTask:
    """One task the user may see (404 otherwise)."""
    return get_visible_or_404(user, UtilityTask.objects.select_related("project", "estate"), pk=pk)


def meeting_list(*, user: Any, project: Project | None = None) -> QuerySet[Meeting]:
    """Coordination meetings the user may see, newest first, with their actions."""
    queryset = visible_to(
        user,
        Meeting.objects.select_related("project").prefetch_related(
            Prefetch("actions", queryset=ActionItem.objects.order_by("due_on", "id"))
        ),
    )
    return queryset.filter(project=project) if project is not None else queryset


def meeting_get(*, user: Any, pk: Any) -> Meeting:
    """One meeting the user may see (404 otherwise)."""
    return get_visible_or_404(user, Meeting.objects.select_related("project"), pk=pk)


def action_item_get(*, user: Any, pk: Any) -> ActionItem:
    """One action item the user may see (404 otherwise)."""
    return get_visible_or_404(user, ActionItem.objects.select_related("meeting__project"), pk=pk)


def actions_overdue(*, project: Project, today: dt.date | None = None) -> QuerySet[ActionItem]:
    """The project's meeting actions past their due date and not done."""
    today = today or timezone.localdate()
    return ActionItem.objects.filter(meeting__project=project, done_on__isnull=True, due_on__lt=today).select_related(
        "meeting"
    )


def _estate_tasks(estate_ids: Any) -> list[UtilityTask]:
    return list(
        UtilityTask.objects.filter(estate_id__in=estate_ids)
        .select_related("project", "estate")
        .prefetch_related("depends_on")
        .order_by("starts_on", "id")
    )


def _clash_rows(tasks: list[UtilityTask], keep: Any = None) -> list[dict[str, Any]]:
    by_id: dict[Any, UtilityTask] = {t.pk: t for t in tasks}
    rows = []
    clash: Clash
    for clash in task_clashes(task_span(t) for t in tasks):
        first, second = by_id[clash.first], by_id[clash.second]
        if keep is not None and not keep(first, second):
            continue
        rows.append(
            {
                "first": first,
                "second": second,
                "place": clash.place,
                "weeks": clash.weeks,
                "message": clash.reason.message,
                "source": clash.reason.source,
            }
        )
    return rows


def clashes_for(*, project: Project) -> list[dict[str, Any]]:
    """Every clash involving a work of this project: two works at the same place of one of its estates in the
    same ISO week, at least one digging — works of other projects on the same estate count too."""
    tasks = _estate_tasks(project.estates.values("pk"))
    return _clash_rows(tasks, keep=lambda a, b: project.pk in (a.project_id, b.project_id))


def _month_start(month: dt.date) -> dt.date:
    return month.replace(day=1)


def estate_calendar(*, estate: Estate, month: dt.date, user: Any = None) -> dict[str, Any]:
    """The shared calendar of an estate's works for one month, Monday to Sunday rows covering the month: each
    day with the works under way, each week with its clashes (works of every project on the estate; only those
    the user may see when `user` is given)."""
    first = _month_start(month)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    grid_start = first - dt.timedelta(days=first.weekday())
    grid_end = last + dt.timedelta(days=6 - last.weekday())
    all_tasks = _estate_tasks([estate.pk])
    if user is not None:
        visible = set(visible_to(user, UtilityTask.objects.filter(estate=estate)).values_list("pk", flat=True))
        all_tasks = [t for t in all_tasks if t.pk in visible]
    clashes = _clash_rows(all_tasks)
    in_view = [t for t in all_tasks if t.starts_on <= grid_end and t.ends_on >= grid_start]
    today = timezone.localdate()
    weeks = []
    day = grid_start
    while day <= grid_end:
        monday = day
        days = []
        for _offset in range(7):
            days.append(
                {
                    "day": day,
                    "in_month": day.month == first.month,
                    "today": day == today,
                    "tasks": [t for t in in_view if t.starts_on <= day <= t.ends_on],
                }
            )
            day += dt.timedelta(days=1)
        year, week, _weekday = monday.isocalendar()
        label = f"{year}-W{week:02d}"
        week_clashes = [c for c in clashes if label in c["weeks"]]
        clash_ids = {c["first"].pk for c in week_clashes} | {c["second"].pk for c in week_clashes}
        for entry in days:
            entry["clashing"] = [t.pk for t in entry["tasks"] if t.pk in clash_ids]  # type: ignore[attr-defined]
        weeks.append({"label": label, "days": days, "clashes": week_clashes})
    prev_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = last + dt.timedelta(days=1)
    return {
        "estate": estate,
        "month": first,
        "prev": prev_month,
        "next": next_month,
        "weeks": weeks,
        "tasks": in_view,
        "clashes": [c for c in clashes if any(w["label"] in c["weeks"] for w in weeks)],
    }


def project_gantt(*, project: Project, clashes: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The project's works as ECharts Gantt rows (category axis of works, time axis of days), clashing works
    marked, with the dependencies as pairs of row indexes."""
    tasks = list(
        UtilityTask.objects.filter(project=project)
        .select_related("estate")
        .prefetch_related("depends_on")
        .order_by("starts_on", "id")
    )
    clashes = clashes if clashes is not None else clashes_for(project=project)
    clashing = {c["first"].pk for c in clashes} | {c["second"].pk for c in clashes}
    index = {t.pk: i for i, t in enumerate(tasks)}
    utilities = dict(UtilityType.choices)
    rows = [
        {
            "id": t.pk,
            "label": f"{t.title} · {t.place}",
            "utility": str(utilities.get(t.utility, "")) if t.utility else "",
            "estate": t.estate.name,
            "start": t.starts_on.isoformat(),
            # ECharts draws to the start of the end day: the bar runs to the day after so the last day shows.
            "end": (t.ends_on + dt.timedelta(days=1)).isoformat(),
            "last_day": t.ends_on.isoformat(),
            "status": t.status,
            "status_label": str(t.get_status_display()),
            "excavation": t.excavation,
            "clash": t.pk in clashing,
        }
        for t in tasks
    ]
    links = [[index[d.pk], index[t.pk]] for t in tasks for d in t.depends_on.all() if d.pk in index]
    return {"rows": rows, "links": links, "today": timezone.localdate().isoformat()}


def task_choices(*, project: Project, exclude: Any = None) -> QuerySet[UtilityTask]:
    """The tasks another task of the project may wait for."""
    queryset = UtilityTask.objects.filter(project=project).order_by("starts_on", "id")
    return queryset.exclude(pk=exclude) if exclude is not None else queryset


def estates_of(*, project: Project) -> QuerySet[Estate]:
    """The project's estates (for the calendar picker and the task form)."""
    return project.estates.order_by("name")


def tasks_needing_attention(*, project: Project, today: dt.date | None = None) -> QuerySet[UtilityTask]:
    """Works that should have started or ended by now but have not (still planned after their start, or not
    done after their end)."""
    today = today or timezone.localdate()
    return UtilityTask.objects.filter(project=project).filter(
        Q(status="planned", starts_on__lt=today) | Q(ends_on__lt=today) & ~Q(status="done")
    )
