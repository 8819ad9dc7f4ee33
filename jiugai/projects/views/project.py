"""Pages for projects: the list with filters and export, the map by stage, one project with its gates, timeline,
headquarters, sign-offs and history, and the public disclosure page (阳光操作, no login, no personal data)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiugai.core.exporting import FORMATS, Column, export_response
from jiugai.core.permissions import can, require
from jiugai.core.text import mask_phone
from jiugai.core.views import querystring_without_page, service_post

from .. import forms
from ..choices import STAGE_ORDER, Stage
from ..filters import ProjectFilter
from ..selectors import project as selectors
from ..selectors.public import project_public_summary
from ..services import project as services

STAGE_COLOURS = {
    Stage.REGISTERED: "#6c757d",
    Stage.PRELIMINARY: "#0dcaf0",
    Stage.CONSTRUCTION: "#fd7e14",
    Stage.ACCEPTANCE: "#ffc107",
    Stage.HANDED_OVER: "#198754",
    Stage.CLOSED: "#0d6efd",
}


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _filtered(request: HttpRequest) -> ProjectFilter:
    return ProjectFilter(request.GET or None, queryset=selectors.project_list(user=request.user))


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    """All visible projects, filterable, with their overdue flags; office roles register projects from a plan."""
    require(request.user, "projects.view")
    register_form = forms.RegisterFromPlanForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST":
        require(request.user, "projects.manage")
        if register_form.is_valid():
            try:
                created = services.projects_register_from_plan(
                    actor=request.user, plan=register_form.cleaned_data["plan"]
                )
            except ValidationError as exc:
                register_form.add_error(None, _errors(exc))
            else:
                messages.success(request, _("%(count)d project(s) registered.") % {"count": len(created)})
                return redirect("projects:list")
    filterset = _filtered(request)
    page = Paginator(filterset.qs.order_by("-year", "code"), 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(p, selectors.project_overdue(p, today)) for p in page.object_list]
    counts = {row["stage"]: row["n"] for row in selectors.stage_counts(filterset.qs)}
    return render(
        request,
        "projects/project_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "rows": rows,
            "querystring": querystring_without_page(request),
            "register_form": register_form,
            "can_manage": can(request.user, "projects.manage"),
            "stage_counts": [(Stage(s).label, counts.get(s, 0), STAGE_COLOURS[Stage(s)]) for s in STAGE_ORDER],
        },
    )


def _overdue_text(project: Any) -> str:
    return "；".join(f.message for f in selectors.project_overdue(project))


PROJECT_COLUMNS = [
    Column(_("Project code"), "code"),
    Column(_("Name"), "name"),
    Column(_("Street"), "jurisdiction.name"),
    Column(_("Estate"), "estate.name"),
    Column(_("Plan year"), "year"),
    Column(_("Stage"), lambda p: p.get_stage_display()),
    Column(_("Planned investment (yuan)"), "budget"),
    Column(_("Complete (%)"), "percent_complete"),
    Column(_("Registered on"), "registered_on"),
    Column(_("Start due"), "start_due"),
    Column(_("Started on"), "started_on"),
    Column(_("Handed over on"), "handed_over_on"),
    Column(_("Closed out on"), "closed_on"),
    Column(_("Overdue"), _overdue_text),
]


@login_required
def project_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The filtered list as Excel or CSV."""
    require(request.user, "projects.view")
    if fmt not in FORMATS:
        raise Http404
    return export_response(rows=_filtered(request).qs, columns=PROJECT_COLUMNS, filename="projects", fmt=fmt)


@login_required
def project_map(request: HttpRequest) -> HttpResponse:
    """Projects on a map, coloured by stage."""
    require(request.user, "projects.view")
    return render(
        request,
        "projects/project_map.html",
        {
            "filter": _filtered(request),
            "querystring": request.GET.urlencode(),
            "tile_url": getattr(settings, "MAP_TILE_URL", ""),
            "legend": [(Stage(s).label, STAGE_COLOURS[Stage(s)]) for s in STAGE_ORDER],
        },
    )


@login_required
def project_points(request: HttpRequest) -> JsonResponse:
    """GeoJSON of the filtered projects that have a location (for the map)."""
    require(request.user, "projects.view")
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(p.longitude), float(p.latitude)]},
            "properties": {
                "id": p.pk,
                "name": f"{p.code} {p.name}",
                "street": p.jurisdiction.name,
                "stage": p.get_stage_display(),
                "colour": STAGE_COLOURS.get(Stage(p.stage)),
                "url": f"/projects/{p.pk}/",
            },
        }
        for p in _filtered(request).qs.exclude(latitude=None).exclude(longitude=None)[:20000]
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One project: facts, deadlines and their sources, overdue flags, next steps with what blocks them, the
    timeline, the headquarters, sign-offs, notices and the stage history."""
    require(request.user, "projects.view")
    project = selectors.project_get(user=request.user, pk=pk)
    manage = can(request.user, "projects.manage")
    members = [(m, m.phone if manage else mask_phone(m.phone)) for m in project.members.all()]
    timeline = selectors.project_timeline(project=project)
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "steps": selectors.project_next_steps(project=project, actor=request.user),
            "overdue": selectors.project_overdue(project),
            "deadlines": selectors.project_deadline_rows(project=project),
            "timeline": timeline,
            "gantt": selectors.gantt_bars(timeline),
            "members": members,
            "signoffs": project.signoffs.all(),
            "notices": selectors.project_notices(project=project),
            "history": [
                (c, Stage(c.from_status).label, Stage(c.to_status).label)
                for c in selectors.project_history(project=project)
            ],
            "member_form": forms.MemberForm(),
            "signoff_form": forms.SignoffForm(),
            "notice_form": forms.PlanNoticeForm(
                initial={"title": _("Public notice of the renovation plan of %(name)s") % {"name": project.name}}
            ),
            "can_manage": manage,
            "can_signoff": can(request.user, "projects.record_signoff"),
            "can_advance": can(request.user, "projects.advance"),
            "estates": project.estates.all(),
            "funding": selectors.project_funding(project=project),
        },
    )


def _form_post(request: HttpRequest, pk: int, form: Any, action: Any, success: str) -> HttpResponse:
    """`service_post` with the form's cleaned data passed to `action`, back to the project page (or to the URL the
    action returns)."""
    return service_post(
        request,
        action=lambda: action(form.cleaned_data),
        success=success,
        back=reverse("projects:detail", args=[pk]),
        form=form,
    )


@login_required
@require_POST
def project_advance(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the project to the stage posted, if every gate is met."""
    project = selectors.project_get(user=request.user, pk=pk)
    return _form_post(
        request,
        pk,
        forms.AdvanceForm(request.POST),
        lambda data: services.project_advance(actor=request.user, project=project, **data),
        _("Stage changed."),
    )


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a person to the project headquarters."""
    project = selectors.project_get(user=request.user, pk=pk)
    return _form_post(
        request,
        pk,
        forms.MemberForm(request.POST),
        lambda data: services.project_member_add(actor=request.user, project=project, **data),
        _("Member added."),
    )


@login_required
@require_POST
def signoff_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a sign-off with its document."""
    project = selectors.project_get(user=request.user, pk=pk)
    return _form_post(
        request,
        pk,
        forms.SignoffForm(request.POST, request.FILES),
        lambda data: services.project_signoff_record(actor=request.user, project=project, **data),
        _("Sign-off recorded."),
    )


@login_required
@require_POST
def plan_notice_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Draft the plan's public notice about this project, then publish it from the notice page."""
    project = selectors.project_get(user=request.user, pk=pk)
    return _form_post(
        request,
        pk,
        forms.PlanNoticeForm(request.POST),
        lambda data: reverse(
            "consultation:notice_detail",
            args=[services.project_plan_notice_draft(actor=request.user, project=project, **data).pk],
        ),
        _("Notice saved as a draft; publish it to start its window."),
    )


def public_project(request: HttpRequest, public_id: str) -> HttpResponse:
    """The public disclosure page of a project (阳光操作): content, money, design, organisation, contractors,
    notices and progress, without any personal data. No login."""
    project = selectors.project_public_get(public_id=public_id)
    if project is None:
        raise Http404
    return render(request, "projects/public_project.html", project_public_summary(project=project, request=request))


urlpatterns: list[URLPattern] = [
    path("", project_list, name="list"),
    path("list.<str:fmt>", project_export, name="export"),
    path("map/", project_map, name="map"),
    path("map/points.json", project_points, name="points"),
    path("<int:pk>/", project_detail, name="detail"),
    path("<int:pk>/advance/", project_advance, name="advance"),
    path("<int:pk>/members/", member_add, name="member_add"),
    path("<int:pk>/signoffs/", signoff_add, name="signoff_add"),
    path("<int:pk>/plan-notice/", plan_notice_add, name="plan_notice_add"),
]
# Pages residents and the public open without an account (mounted under /p/).
public_urlpatterns: list[URLPattern] = [
    path("<str:public_id>/", public_project, name="project"),
]
