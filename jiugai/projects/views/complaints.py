"""Pages for residents' complaints and the estates' mediation groups (Guyuan 003: a mediation group per estate;
Jincheng 004: answers to construction complaints — traffic safety, noise in rest hours, sanitation).

Staff: a project's complaints, the queue of every visible complaint (overdue first, filters, export), one
complaint with the reply and resolve forms, the mediation-group editor of an estate. Public (no account, mounted
under /p/): the phone form a resident reports on, and the status page of their complaint by its reference, where
they give their view once it is resolved. Public posts are rate-limited per client like the ballot pages; names
and phones are masked for roles that do not handle complaints. Thin: parse input, call one service or selector."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiugai.consultation import selectors as consultation_selectors
from jiugai.consultation import services as consultation_services
from jiugai.core.exporting import FORMATS, Column, export_response
from jiugai.core.forms import BootstrapForm
from jiugai.core.permissions import can, require
from jiugai.core.scoping import get_visible_or_404
from jiugai.core.text import mask_phone
from jiugai.core.views import querystring_without_page
from jiugai.inventory.models import Estate

# --- helpers ----------------------------------------------------------------------------------------
from ..forms.complaints import (
    ComplaintFilter,
    ComplaintForm,
    MediationGroupForm,
    MediatorFormSet,
    RateForm,
    ReplyForm,
    ResolveForm,
)
from ..models import MediationGroup
from ..selectors import complaints as selectors
from ..selectors.project import project_get, project_public_get
from ..services import complaints as services


def _form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def client_of(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def _public_error(request: HttpRequest, status: int, message: str) -> HttpResponse:
    return render(request, "projects/complaints/public_error.html", {"message": message}, status=status)


def _rate_limited(request: HttpRequest, scope: str) -> HttpResponse | None:
    """Answer 429 when this client has posted too often to this kind of public form; otherwise count the post
    (the ballot pages' counter: `consultation.selectors.public_post_blocked`)."""
    client = client_of(request)
    if consultation_selectors.public_post_blocked(client=client, scope=scope):
        return _public_error(request, 429, _("Too many submissions. Please try again in a few minutes."))
    consultation_services.public_post_record(client=client, scope=scope)
    return None


def _rows(user: Any, complaints: Any) -> list[dict[str, Any]]:
    return [{"c": c, "contact": selectors.contact_of(user, c)} for c in complaints]


def _columns(user: Any) -> list[Column]:
    def contact(field: str) -> Any:
        return lambda c: selectors.contact_of(user, c)[field]

    return [
        Column(gettext_lazy("Project code"), "project.code"),
        Column(gettext_lazy("Estate"), "project.estate.name"),
        Column(gettext_lazy("About"), lambda c: c.get_category_display()),
        Column(gettext_lazy("What happened"), "description"),
        Column(gettext_lazy("Where"), "place"),
        Column(gettext_lazy("Name"), contact("name")),
        Column(gettext_lazy("Phone"), contact("phone")),
        Column(gettext_lazy("Received at"), "received_at"),
        Column(gettext_lazy("Answer due"), "due_at"),
        Column(gettext_lazy("Overdue"), lambda c: bool(getattr(c, "is_overdue", False))),
        Column(gettext_lazy("Status"), lambda c: c.get_status_display()),
        Column(gettext_lazy("Routed to"), lambda c: c.mediation_group.name if c.mediation_group else ""),
        Column(gettext_lazy("Reply"), "reply"),
        Column(gettext_lazy("Replied at"), "replied_at"),
        Column(gettext_lazy("Resolution"), "resolution"),
        Column(gettext_lazy("Resolved at"), "resolved_at"),
        Column(gettext_lazy("Resident's view"), lambda c: c.get_satisfaction_display() if c.satisfaction else ""),
    ]


def _qr(url: str) -> str:
    return str(segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=2))


# --- staff pages ------------------------------------------------------------------------------------


@login_required
def project_complaints(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's complaints (overdue first), its estates' mediation groups and the link (and QR code) of the
    public complaint form to post at the site."""
    require(request.user, "projects.view")
    project = project_get(user=request.user, pk=pk)
    complaints = selectors.complaint_queue(user=request.user).filter(project=project)
    groups = []
    for estate in project.estates.order_by("name"):
        group = MediationGroup.objects.filter(estate=estate).prefetch_related("members").first()
        groups.append({"estate": estate, "group": group, "gaps": selectors.mediation_group_gaps(group)})
    public_url = request.build_absolute_uri(reverse("projects_public:complaint_new", args=[project.public_id]))
    return render(
        request,
        "projects/complaints/project_complaints.html",
        {
            "project": project,
            "rows": _rows(request.user, complaints[:500]),
            "summary": selectors.complaints_public_summary(project=project),
            "groups": groups,
            "public_url": public_url,
            "qr": _qr(public_url),
            "can_manage": can(request.user, "projects.manage"),
            "see_contacts": selectors.may_see_contacts(request.user),
        },
    )


@login_required
def project_complaint_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """A project's complaints as Excel or CSV (names and phones masked for roles that do not handle them)."""
    require(request.user, "projects.view")
    if fmt not in FORMATS:
        raise Http404
    project = project_get(user=request.user, pk=pk)
    rows = selectors.complaint_queue(user=request.user).filter(project=project)
    return export_response(rows=rows, columns=_columns(request.user), filename=f"complaints-{project.code}", fmt=fmt)


def _filtered(request: HttpRequest) -> ComplaintFilter:
    return ComplaintFilter(request.GET or None, queryset=selectors.complaint_queue(user=request.user))


@login_required
def complaint_queue(request: HttpRequest) -> HttpResponse:
    """Every complaint the user may see: unanswered ones past their deadline first, then by due time."""
    require(request.user, "projects.view")
    filterset = _filtered(request)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/complaints/queue.html",
        {
            "filter": filterset,
            "page_obj": page,
            "rows": _rows(request.user, page.object_list),
            "counts": selectors.complaint_counts(user=request.user),
            "querystring": querystring_without_page(request),
            "see_contacts": selectors.may_see_contacts(request.user),
        },
    )


@login_required
def complaint_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The filtered queue as Excel or CSV."""
    require(request.user, "projects.view")
    if fmt not in FORMATS:
        raise Http404
    return export_response(rows=_filtered(request).qs, columns=_columns(request.user), filename="complaints", fmt=fmt)


@login_required
def complaint_detail(request: HttpRequest, complaint_pk: int) -> HttpResponse:
    """One complaint: what, where, when due, who it went to, the reply and the resolution forms."""
    require(request.user, "projects.view")
    complaint = selectors.complaint_get(user=request.user, pk=complaint_pk)
    posted = request.POST.get("form") if request.method == "POST" else None
    reply_form = ReplyForm(request.POST if posted == "reply" else None, initial={"reply": complaint.reply})
    resolve_form = ResolveForm(request.POST if posted == "resolve" else None)
    if posted:
        require(request.user, "projects.handle_complaint")
    form: BootstrapForm | None = {"reply": reply_form, "resolve": resolve_form}.get(posted or "")
    if form is not None and form.is_valid():
        try:
            if posted == "reply":
                services.complaint_reply(actor=request.user, complaint=complaint, reply=form.cleaned_data["reply"])
                done = _("Reply saved; the resident sees it under their reference.")
            else:
                services.complaint_resolve(
                    actor=request.user, complaint=complaint, resolution=form.cleaned_data["resolution"]
                )
                done = _("Complaint resolved.")
        except ValidationError as exc:
            _form_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect("projects:complaint_detail", complaint_pk=complaint.pk)
    handles = can(request.user, "projects.handle_complaint")
    members = []
    if complaint.mediation_group_id:
        for m in complaint.mediation_group.members.all():  # type: ignore[union-attr]
            members.append({"m": m, "phone": m.phone if handles else mask_phone(m.phone)})
    return render(
        request,
        "projects/complaints/detail.html",
        {
            "complaint": complaint,
            "project": complaint.project,
            "contact": selectors.contact_of(request.user, complaint),
            "late": selectors.complaint_is_late(complaint),
            "members": members,
            "reply_form": reply_form,
            "resolve_form": resolve_form,
            "can_handle": handles and complaint.status not in selectors.SETTLED,
            "status_url": request.build_absolute_uri(
                reverse("projects_public:complaint_status", args=[complaint.reference])
            )
            if handles
            else "",
        },
        status=400 if posted else 200,
    )


@login_required
def mediation_group_edit(request: HttpRequest, estate_pk: int) -> HttpResponse:
    """Set up an estate's mediation group (Guyuan 003: judicial office, police, residents' committee, property
    company, contractor), replacing its members."""
    require(request.user, "projects.view")
    estate = get_visible_or_404(request.user, Estate.objects.all(), pk=estate_pk)
    group = MediationGroup.objects.filter(estate=estate).prefetch_related("members").first()
    if group is not None:
        initial = [{"kind": m.kind, "name": m.name, "phone": m.phone} for m in group.members.all()]
    else:
        initial = [{"kind": k} for k in selectors.GUYUAN_KINDS]
    form = MediationGroupForm(
        request.POST or None,
        initial={"name": group.name if group else _("%(estate)s mediation group") % {"estate": estate.name}},
    )
    formset = MediatorFormSet(request.POST or None, prefix="members", initial=initial)
    if request.method == "POST":
        require(request.user, "projects.manage")
        if form.is_valid() and formset.is_valid():
            members = [f.cleaned_data for f in formset.forms if f.cleaned_data]
            try:
                services.mediation_group_set(
                    actor=request.user, estate=estate, name=form.cleaned_data["name"], members=members
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Mediation group saved."))
                back = request.GET.get("project", "")
                if back.isdigit():
                    return redirect("projects:complaints", pk=int(back))
                return redirect("projects:mediation_group", estate_pk=estate.pk)
    return render(
        request,
        "projects/complaints/mediation_group.html",
        {
            "estate": estate,
            "group": group,
            "form": form,
            "formset": formset,
            "gaps": selectors.mediation_group_gaps(group),
            "can_manage": can(request.user, "projects.manage"),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- public pages (no account) ----------------------------------------------------------------------


def complaint_new(request: HttpRequest, public_id: str) -> HttpResponse:
    """The phone form a resident reports a problem with the works on (no login; CSRF-protected; rate-limited
    per client). After sending, the resident is taken to their complaint's status page."""
    project = project_public_get(public_id=public_id)
    if project is None:
        return _public_error(request, 404, _("This page does not exist."))
    form = ComplaintForm(request.POST or None)
    if request.method == "POST":
        limited = _rate_limited(request, "complaint")
        if limited is not None:
            return limited
        if form.is_valid():
            try:
                complaint = services.complaint_submit(project=project, **form.cleaned_data)
            except ValidationError as exc:
                if getattr(exc, "code", None) == "closed":
                    return _public_error(request, 410, exc.messages[0])
                _form_errors(form, exc)
            else:
                return redirect(f"{reverse('projects_public:complaint_status', args=[complaint.reference])}?sent=1")
    return render(
        request,
        "projects/complaints/public_new.html",
        {"project": project, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def complaint_status(request: HttpRequest, reference: str) -> HttpResponse:
    """A resident's complaint by its reference: status, reply, resolution, and the satisfaction question once it
    is resolved (answered once). Unknown references count against the client like failed ballot links."""
    client = client_of(request)
    if consultation_selectors.public_post_blocked(client=client, scope="complaint-lookup"):
        return _public_error(request, 429, _("Too many failed attempts. Please try again in a few minutes."))
    complaint = selectors.complaint_public_get(reference=reference)
    if complaint is None:
        consultation_services.public_post_record(client=client, scope="complaint-lookup")
        return _public_error(request, 404, _("This complaint reference is not valid. Please check it."))
    form = RateForm(request.POST or None)
    if request.method == "POST":
        limited = _rate_limited(request, "complaint-rate")
        if limited is not None:
            return limited
        if form.is_valid():
            try:
                services.complaint_rate(reference=reference, satisfaction=form.cleaned_data["satisfaction"])
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                return redirect(f"{reverse('projects_public:complaint_status', args=[reference])}?rated=1")
    return render(
        request,
        "projects/complaints/public_status.html",
        {
            "c": selectors.complaint_public_view(complaint),
            "form": form,
            "sent": request.GET.get("sent") == "1",
            "rated": request.GET.get("rated") == "1",
            "url": request.build_absolute_uri(request.path),
            "project_url": reverse("projects_public:project", args=[complaint.project.public_id]),
        },
        status=400 if request.method == "POST" else 200,
    )


urlpatterns: list[URLPattern] = [
    path("<int:pk>/complaints/", project_complaints, name="complaints"),
    path("<int:pk>/complaints.<str:fmt>", project_complaint_export, name="complaint_project_export"),
    path("complaints/", complaint_queue, name="complaint_queue"),
    path("complaints/list.<str:fmt>", complaint_export, name="complaint_export"),
    path("complaints/<int:complaint_pk>/", complaint_detail, name="complaint_detail"),
    path("estates/<int:estate_pk>/mediation-group/", mediation_group_edit, name="mediation_group"),
]
# Pages residents and the public open without an account (mounted under /p/).
public_urlpatterns: list[URLPattern] = [
    path("<str:public_id>/complaint/", complaint_new, name="complaint_new"),
    path("c/<str:reference>/", complaint_status, name="complaint_status"),
]
