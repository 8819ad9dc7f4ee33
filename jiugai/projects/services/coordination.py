"""Utility coordination: each utility's tasks on an estate with dates, places and dependencies, the coordination
meetings (碰头会) and what they decided.

Jiyuan 000 (seeds/000_f9b901b302fa6203.txt): street offices and the pipeline utilities form a coordination
working group that "统一协调管线单位和其他施工企业之间的施工进度，科学安排各自施工时间，定期召开…碰头会". Guyuan 003
(seeds/003_54d0b71b4a1e2a82.txt): 工作例会 and regular reporting. Jincheng 004 (seeds/004_391429ce0bbb685b.txt):
road excavation is organised once, never dug at random after renovation — clashes are flagged by
`jiugai.rules.coordination.task_clashes` (read through `selectors.coordination.clashes_for`); schedules are checked
by `dependency_decide`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiugai.accounts.choices import Role, UtilityType
from jiugai.core.audit import audit_entry_append
from jiugai.core.permissions import require
from jiugai.inventory.models import Estate
from jiugai.rules.coordination import TaskSpan, dependency_decide

from ..choices import Stage, TaskStatus
from ..models import ActionItem, Meeting, Project, UtilityTask
from ..selectors.coordination import task_span
from .common import not_future, within

# Where each refusal of the schedule rule is shown on the task form.
DEPENDENCY_FIELDS = {
    "ends_before_start": "ends_on",
    "unknown_dependency": "depends_on",
    "cycle": "depends_on",
    "starts_before_dependency": "starts_on",
    "dependency_not_done": "status",
    "dependent_starts_before_end": "ends_on",
}
TASK_FIELDS = {"estate", "utility", "title", "place", "excavation", "starts_on", "ends_on", "depends_on", "status"}
MAX_ACTIONS = 50


def _project_spans(project: Project) -> dict[Any, TaskSpan]:
    tasks = UtilityTask.objects.filter(project=project).prefetch_related("depends_on")
    return {t.pk: task_span(t) for t in tasks}


def _open_project(actor: Any, project: Project) -> Project:
    """Lock the project row (schedule edits of one project are serialised, so no two edits can close a cycle
    between them) and refuse a closed-out project."""
    require(actor, "projects.coordinate")
    within(actor, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.stage == Stage.CLOSED:
        raise ValidationError({"project": [_("The project is closed out; its schedule can no longer change.")]})
    return project


def _own_utility(actor: Any, utility: str) -> str:
    """A utility's user plans only its own utility's works; other roles name any utility (empty: the main
    contractor)."""
    if utility and utility not in UtilityType.values:
        raise ValidationError({"utility": [_("Unknown utility.")]})
    if getattr(actor, "role", None) == Role.UTILITY and not getattr(actor, "is_platform_admin", False):
        own = getattr(actor, "utility_type", "") or ""
        if not own:
            raise PermissionDenied(_("Your account is not linked to a utility."))
        if utility and utility != own:
            raise PermissionDenied(_("You may only plan the works of your own utility."))
        return str(own)
    return utility


def _may_edit(actor: Any, task: UtilityTask) -> None:
    if getattr(actor, "role", None) == Role.UTILITY and not getattr(actor, "is_platform_admin", False):
        own = getattr(actor, "utility_type", "") or ""
        if not own or task.utility != own:
            raise PermissionDenied(_("You may only change the works of your own utility."))


def _text(value: Any, *, field: str, limit: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: [_("This field is required.")]})
    if len(text) > limit:
        raise ValidationError({field: [_("Please keep it under %(limit)d characters.") % {"limit": limit}]})
    return text


def _dependencies(project: Project, depends_on: Iterable[Any]) -> list[UtilityTask]:
    ids = []
    for dep in depends_on or ():
        pk = getattr(dep, "pk", dep)
        try:
            ids.append(int(pk))
        except (TypeError, ValueError) as exc:
            raise ValidationError({"depends_on": [_("Unknown task.")]}) from exc
    found = list(UtilityTask.objects.filter(project=project, pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"depends_on": [_("A task it waits for is not a task of this project.")]})
    return found


def _check_schedule(project: Project, task: UtilityTask, deps: list[UtilityTask]) -> None:
    """Refuse dates and dependencies that do not fit (`jiugai.rules.coordination.dependency_decide`), every
    reason under its own field."""
    spans = _project_spans(project)
    span = task_span(task, depends_on=[d.pk for d in deps]) if task.pk else None
    if span is None:
        span = TaskSpan(
            id="new",
            estate=task.estate_id,
            place=task.place,
            starts_on=task.starts_on,
            ends_on=task.ends_on,
            excavation=task.excavation,
            title=task.title,
            depends_on=tuple(d.pk for d in deps),
            status=task.status,
        )
    decision = dependency_decide(span, spans)
    if decision.passed:
        return
    errors: dict[str, list[str]] = {}
    for reason in decision.reasons:
        errors.setdefault(DEPENDENCY_FIELDS.get(reason.code, "depends_on"), []).append(reason.message)
    raise ValidationError(errors)


def _dates(starts_on: Any, ends_on: Any) -> None:
    if not isinstance(starts_on, dt.date):
        raise ValidationError({"starts_on": [_("Enter a valid date.")]})
    if not isinstance(ends_on, dt.date):
        raise ValidationError({"ends_on": [_("Enter a valid date.")]})


@transaction.atomic
def utility_task_create(
    *,
    actor: Any,
    project: Project,
    estate: Estate,
    title: str,
    place: str,
    starts_on: dt.date,
    ends_on: dt.date,
    utility: str = "",
    excavation: bool = False,
    depends_on: Iterable[Any] = (),
    status: str = TaskStatus.PLANNED,
) -> UtilityTask:
    """Put a utility's (or the main contractor's) work on the estate's shared schedule (Jiyuan 000: the
    coordination group arranges each party's time). The estate must be one of the project's; the work ends on or
    after its start; what it waits for is in the same project, ends before it starts, and no chain of waits comes
    back to it. Clashes with other works at the same place are flagged, not refused (`clashes_for`)."""
    project = _open_project(actor, project)
    utility = _own_utility(actor, utility)
    if estate is None or not project.estates.filter(pk=estate.pk).exists():
        raise ValidationError({"estate": [_("This estate is not part of the project.")]})
    _dates(starts_on, ends_on)
    if status not in TaskStatus.values:
        raise ValidationError({"status": [_("Unknown status.")]})
    task = UtilityTask(
        project=project,
        estate=estate,
        utility=utility,
        title=_text(title, field="title", limit=200),
        place=_text(place, field="place", limit=100),
        excavation=bool(excavation),
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
    )
    if UtilityTask.objects.filter(
        project=project,
        estate=estate,
        utility=utility,
        title=task.title,
        place=task.place,
        starts_on=starts_on,
        ends_on=ends_on,
    ).exists():
        raise ValidationError({"title": [_("This work is already on the schedule with the same place and dates.")]})
    deps = _dependencies(project, depends_on)
    _check_schedule(project, task, deps)
    task.full_clean()
    task.save()
    task.depends_on.set(deps)
    return task


@transaction.atomic
def utility_task_update(*, actor: Any, task: UtilityTask, **fields: Any) -> UtilityTask:
    """Change a task's dates, place, status or what it waits for; the whole schedule of the project is checked
    again (works waiting for it must still start after it ends). A utility changes only its own works."""
    unknown = set(fields) - TASK_FIELDS
    if unknown:
        raise ValidationError({sorted(unknown)[0]: [_("This field cannot be changed here.")]})
    project = _open_project(actor, task.project)
    task = UtilityTask.objects.select_for_update().get(pk=task.pk)
    _may_edit(actor, task)
    if "utility" in fields:
        fields["utility"] = _own_utility(actor, fields["utility"] or "")
    if "estate" in fields and not project.estates.filter(pk=getattr(fields["estate"], "pk", None) or 0).exists():
        raise ValidationError({"estate": [_("This estate is not part of the project.")]})
    if "status" in fields and fields["status"] not in TaskStatus.values:
        raise ValidationError({"status": [_("Unknown status.")]})
    for key in ("title", "place"):
        if key in fields:
            fields[key] = _text(fields[key], field=key, limit=200 if key == "title" else 100)
    deps = _dependencies(project, fields.pop("depends_on")) if "depends_on" in fields else list(task.depends_on.all())
    for key, value in fields.items():
        setattr(task, key, bool(value) if key == "excavation" else value)
    _dates(task.starts_on, task.ends_on)
    _check_schedule(project, task, deps)
    task.full_clean()
    task.save()
    task.depends_on.set(deps)
    return task


def _action_rows(actions: Iterable[Mapping[str, Any]], held_on: dt.date) -> list[dict[str, Any]]:
    rows = []
    for n, action in enumerate(actions or (), start=1):
        text = str(action.get("text") or "").strip()
        owner = str(action.get("owner") or "").strip()
        due_on = action.get("due_on")
        if not text and not owner and not due_on:
            continue  # an empty row of the form
        problem = ""
        if not text:
            problem = _("Action %(n)d: say what must be done.")
        elif not owner:
            problem = _("Action %(n)d: say who is responsible.")
        elif not isinstance(due_on, dt.date):
            problem = _("Action %(n)d: give the date it is due.")
        elif due_on < held_on:
            problem = _("Action %(n)d: it cannot be due before the meeting.")
        elif len(text) > 300 or len(owner) > 200:
            problem = _("Action %(n)d: the text is too long.")
        if problem:
            raise ValidationError({"actions": [problem % {"n": n}]})
        rows.append({"text": text, "owner": owner, "due_on": due_on})
    if len(rows) > MAX_ACTIONS:
        raise ValidationError({"actions": [_("At most %(n)d actions per meeting.") % {"n": MAX_ACTIONS}]})
    return rows


@transaction.atomic
def meeting_record(
    *,
    actor: Any,
    project: Project,
    held_on: dt.date,
    title: str,
    attendees: str = "",
    minutes: str = "",
    actions: Iterable[Mapping[str, Any]] = (),
) -> Meeting:
    """Record a coordination meeting (碰头会, Jiyuan 000; 工作例会, Guyuan 003) with its minutes and the actions it
    decided (what, who, by when). Not dated in the future; each action is due on or after the meeting; the same
    meeting is not recorded twice. Audited: the minutes are what the parties agreed."""
    project = _open_project(actor, project)
    if not isinstance(held_on, dt.date):
        raise ValidationError({"held_on": [_("Enter a valid date.")]})
    not_future(held_on, field="held_on")
    title = _text(title, field="title", limit=200)
    rows = _action_rows(actions, held_on)
    if Meeting.objects.filter(project=project, held_on=held_on, title=title).exists():
        raise ValidationError({"title": [_("A meeting with this title on this day is already recorded.")]})
    meeting = Meeting(
        project=project,
        held_on=held_on,
        title=title,
        attendees=_text(attendees, field="attendees", limit=2000, required=False),
        minutes=_text(minutes, field="minutes", limit=20000, required=False),
    )
    meeting.full_clean()
    meeting.save()
    items = [ActionItem(meeting=meeting, **row) for row in rows]
    for item in items:
        item.full_clean(exclude=["meeting"])
    ActionItem.objects.bulk_create(items)
    audit_entry_append(
        action="projects.meeting.record",
        obj=project,
        actor=actor,
        payload={"meeting": meeting.pk, "held_on": held_on.isoformat(), "actions": len(items)},
    )
    return meeting


@transaction.atomic
def action_item_done(*, actor: Any, item: ActionItem, done_on: dt.date | None = None) -> ActionItem:
    """Mark a meeting's action as done on a day (today by default): not in the future, not before the meeting,
    and only once."""
    require(actor, "projects.coordinate")
    item = ActionItem.objects.select_for_update().select_related("meeting__project__jurisdiction").get(pk=item.pk)
    within(actor, item.meeting.project)
    done_on = done_on or timezone.localdate()
    not_future(done_on, field="done_on")
    if item.done_on is not None:
        raise ValidationError(
            {"done_on": [_("This action was already marked done on %(day)s.") % {"day": item.done_on}]}
        )
    if done_on < item.meeting.held_on:
        raise ValidationError({"done_on": [_("An action cannot be done before the meeting that decided it.")]})
    item.done_on = done_on
    item.full_clean()
    item.save(update_fields=["done_on", "updated_at"])
    return item
