"""Pages for utility coordination (Jiyuan 000: a coordination working group schedules the utilities and the other
contractors and meets regularly; Jincheng 004: dig once): the project's works with a Gantt chart (ECharts) and
clashes in red, the estate's shared month calendar, the coordination meetings with their minutes and actions,
and the forms. Thin: parse input, call one service or selector, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jiugai.core.exporting import FORMATS, Column, export_response
from jiugai.core.permissions import can, require

from ..forms.coordination import ActionDoneForm, ActionItemFormSet, MeetingForm, UtilityTaskForm
from ..models import Project, UtilityTask
from ..selectors import coordination as selectors
from ..selectors.project import project_get
from ..services import coordination as services

# --- helpers ----------------------------------------------------------------------------------------


def _form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _month(value: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(f"{value}-01") if value else default
    except ValueError:
        return default


def _calendar(request: HttpRequest, project: Project, tasks: list[UtilityTask]) -> dict[str, Any] | None:
    estates = list(selectors.estates_of(project=project))
    if not estates:
        return None
    chosen = next((e for e in estates if str(e.pk) == request.GET.get("estate")), None)
    main = next((e for e in estates if e.pk == project.estate_id), estates[0])
    estate = chosen or main
    today = timezone.localdate()
    default = min((t.starts_on for t in tasks if t.ends_on >= today), default=None) or today
    if tasks and all(t.ends_on < today for t in tasks):
        default = tasks[-1].starts_on
    cal = selectors.estate_calendar(
        estate=estate, month=_month(request.GET.get("month", ""), default), user=request.user
    )
    cal["estates"] = estates
    return cal


# --- pages ------------------------------------------------------------------------------------------


@login_required
def coordination(request: HttpRequest, pk: int) -> HttpResponse:
    """The project's works (table and Gantt chart with clashes in red), the estate's month calendar and the
    coordination meetings; roles that coordinate add works and record meetings here."""
    require(request.user, "projects.view")
    project = project_get(user=request.user, pk=pk)
    may_coordinate = can(request.user, "projects.coordinate")
    posted = request.POST.get("form") if request.method == "POST" else None
    task_form = UtilityTaskForm(request.POST if posted == "task" else None, project=project)
    meeting_form = MeetingForm(request.POST if posted == "meeting" else None)
    action_formset = ActionItemFormSet(request.POST if posted == "meeting" else None, prefix="actions")
    if posted:
        require(request.user, "projects.coordinate")
    if posted == "task" and task_form.is_valid():
        try:
            task = services.utility_task_create(actor=request.user, project=project, **task_form.cleaned_data)
        except ValidationError as exc:
            _form_errors(task_form, exc)
        except PermissionDenied as exc:
            task_form.add_error(None, str(exc))
        else:
            clash = [c for c in selectors.clashes_for(project=project) if task in (c["first"], c["second"])]
            if clash:
                messages.warning(request, " ".join(c["message"] for c in clash))
            messages.success(request, _("Work added to the schedule."))
            return redirect("projects:coordination", pk=pk)
    if posted == "meeting" and meeting_form.is_valid() and action_formset.is_valid():
        actions = [f.cleaned_data for f in action_formset.forms if f.cleaned_data]
        try:
            services.meeting_record(actor=request.user, project=project, actions=actions, **meeting_form.cleaned_data)
        except ValidationError as exc:
            _form_errors(meeting_form, exc)
        except PermissionDenied as exc:
            meeting_form.add_error(None, str(exc))
        else:
            messages.success(request, _("Meeting recorded."))
            return redirect("projects:coordination", pk=pk)
    tasks = list(selectors.utility_task_list(user=request.user, project=project).order_by("starts_on", "id"))
    clashes = selectors.clashes_for(project=project)
    clashing = {c["first"].pk for c in clashes} | {c["second"].pk for c in clashes}
    status = 400 if posted else 200
    return render(
        request,
        "projects/coordination/coordination.html",
        {
            "project": project,
            "tasks": [(t, t.pk in clashing) for t in tasks],
            "clashes": clashes,
            "gantt": selectors.project_gantt(project=project, clashes=clashes),
            "calendar": _calendar(request, project, tasks),
            "meetings": selectors.meeting_list(user=request.user, project=project),
            "overdue_actions": selectors.actions_overdue(project=project),
            "late_tasks": selectors.tasks_needing_attention(project=project),
            "task_form": task_form,
            "meeting_form": meeting_form,
            "action_formset": action_formset,
            "can_coordinate": may_coordinate,
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
def utility_task_edit(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    """Change one work's dates, place, status or what it waits for."""
    require(request.user, "projects.view")
    project = project_get(user=request.user, pk=pk)
    task = selectors.utility_task_get(user=request.user, pk=task_pk)
    if task.project_id != project.pk:
        raise Http404
    initial = {
        "estate": task.estate,
        "utility": task.utility,
        "title": task.title,
        "place": task.place,
        "excavation": task.excavation,
        "starts_on": task.starts_on,
        "ends_on": task.ends_on,
        "depends_on": list(task.depends_on.all()),
        "status": task.status,
    }
    form = UtilityTaskForm(request.POST or None, project=project, task=task, initial=initial)
    if request.method == "POST":
        require(request.user, "projects.coordinate")
        if form.is_valid():
            try:
                services.utility_task_update(actor=request.user, task=task, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Work updated."))
                return redirect("projects:coordination", pk=pk)
    return render(
        request,
        "projects/coordination/task_form.html",
        {"project": project, "task": task, "form": form, "can_coordinate": can(request.user, "projects.coordinate")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def action_item_done(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Mark a meeting's action as done."""
    project = project_get(user=request.user, pk=pk)
    item = selectors.action_item_get(user=request.user, pk=item_pk)
    if item.meeting.project_id != project.pk:
        raise Http404
    form = ActionDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("projects:coordination", pk=pk)
    try:
        services.action_item_done(actor=request.user, item=item, done_on=form.cleaned_data["done_on"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Action marked done."))
    return redirect("projects:coordination", pk=pk)


def _deps(task: UtilityTask) -> str:
    return "；".join(d.title for d in task.depends_on.all())


TASK_COLUMNS = [
    Column(gettext_lazy("Estate"), "estate.name"),
    Column(gettext_lazy("Utility"), lambda t: t.get_utility_display() if t.utility else _("Main contractor")),
    Column(gettext_lazy("Work"), "title"),
    Column(gettext_lazy("Place"), "place"),
    Column(gettext_lazy("Digs the ground"), "excavation"),
    Column(gettext_lazy("Starts on"), "starts_on"),
    Column(gettext_lazy("Ends on"), "ends_on"),
    Column(gettext_lazy("Starts after"), _deps),
    Column(gettext_lazy("Status"), lambda t: t.get_status_display()),
]


@login_required
def utility_task_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """The project's works as Excel or CSV, with a column saying which clash each is in."""
    require(request.user, "projects.view")
    if fmt not in FORMATS:
        raise Http404
    project = project_get(user=request.user, pk=pk)
    clashes = selectors.clashes_for(project=project)
    notes: dict[int, list[str]] = {}
    for c in clashes:
        for task in (c["first"], c["second"]):
            notes.setdefault(task.pk, []).append(c["message"])
    columns = [*TASK_COLUMNS, Column(_("Clash"), lambda t: "；".join(notes.get(t.pk, [])))]
    rows = selectors.utility_task_list(user=request.user, project=project).order_by("starts_on", "id")
    return export_response(rows=rows, columns=columns, filename=f"utility-tasks-{project.code}", fmt=fmt)


@login_required
def action_item_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """The actions of the project's coordination meetings as Excel or CSV."""
    require(request.user, "projects.view")
    if fmt not in FORMATS:
        raise Http404
    project = project_get(user=request.user, pk=pk)
    rows = [a for m in selectors.meeting_list(user=request.user, project=project) for a in m.actions.all()]
    columns = [
        Column(_("Meeting"), "meeting.title"),
        Column(_("Held on"), "meeting.held_on"),
        Column(_("Action"), "text"),
        Column(_("Responsible"), "owner"),
        Column(_("Due on"), "due_on"),
        Column(_("Done on"), "done_on"),
    ]
    return export_response(rows=rows, columns=columns, filename=f"meeting-actions-{project.code}", fmt=fmt)


urlpatterns: list[URLPattern] = [
    path("<int:pk>/coordination/", coordination, name="coordination"),
    path("<int:pk>/coordination/tasks/<int:task_pk>/", utility_task_edit, name="utility_task_edit"),
    path("<int:pk>/coordination/tasks.<str:fmt>", utility_task_export, name="utility_task_export"),
    path("<int:pk>/coordination/actions.<str:fmt>", action_item_export, name="action_item_export"),
    path("<int:pk>/coordination/actions/<int:item_pk>/done/", action_item_done, name="action_item_done"),
]
# Pages residents and the public open without an account (mounted under /p/).
public_urlpatterns: list[URLPattern] = []
