"""Pages for quality and acceptance (Zhanhe 001, Guyuan 003): inspections and the rectification list, the joint
acceptance signing sheet, the handover agreement, the archive checklist, the final accounts and the
post-evaluation with the residents' satisfaction; a printable acceptance record; the pass-rate KPI; and the
residents' phone survey (no login, under /p/). Thin: parse input, call one service or selector, render."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jiugai.consultation.selectors import public_post_blocked
from jiugai.consultation.services import public_post_record
from jiugai.core.exporting import FORMATS, Column, export_response
from jiugai.core.permissions import can, require
from jiugai.core.text import mask_phone
from jiugai.core.views import form_errors_text, service_post
from jiugai.inventory.selectors import jurisdiction_for_user

from ..choices import (
    FinalAccountStatus,
    Party,
    Satisfaction,
    Stage,
)
from ..forms.acceptance import (
    ArchiveForm,
    DefectCloseForm,
    DefectForm,
    EvaluationForm,
    FinalAccountForm,
    HandoverForm,
    InspectionForm,
    RoundOpenForm,
    SignForm,
    SurveyForm,
)
from ..selectors import acceptance as selectors
from ..selectors.project import project_next_steps, project_public_get
from ..services import acceptance as services

SURVEY_COOKIE = "jg_survey"
SURVEY_COOKIE_AGE = 365 * 24 * 3600
SURVEY_SCOPE = "projects-survey"
PAGE_ROWS = 500  # rows a KPI page lists; the export has them all
SATISFACTION_COLOURS = {
    Satisfaction.SATISFIED: "#198754",
    Satisfaction.BASICALLY: "#ffc107",
    Satisfaction.DISSATISFIED: "#dc3545",
}

# --- helpers ----------------------------------------------------------------------------------------------


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _form_errors(form: forms.Form) -> str:
    return form_errors_text(form)


def _back(pk: int, anchor: str) -> HttpResponse:
    return redirect(f"{reverse('projects:acceptance', args=[pk])}#{anchor}")


def _run(
    request: HttpRequest,
    pk: int,
    anchor: str,
    action: Callable[[], Any],
    success: str,
    *,
    form: forms.Form | None = None,
) -> HttpResponse:
    """`service_post` that goes back to one section of the acceptance page."""
    back = f"{reverse('projects:acceptance', args=[pk])}#{anchor}"
    return service_post(request, action=action, success=success, back=back, form=form)


def _defect_rows(text: str, default_due: dt.date | None) -> list[dict[str, Any]]:
    """'problem | where | date' lines (full-width ｜ too) → rows for the service, which checks them."""
    rows = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.replace("｜", "|").split("|")]
        if not any(parts):
            continue
        rows.append(
            {
                "description": parts[0],
                "place": parts[1] if len(parts) > 1 else "",
                "due_on": (parts[2] if len(parts) > 2 and parts[2] else default_due),
            }
        )
    return rows


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise Http404


# --- the acceptance page ----------------------------------------------------------------------------------


def _satisfaction_chart(figures: dict[str, Any]) -> dict[str, Any]:
    return {
        "data": [
            {"name": str(Satisfaction(a).label), "value": figures[a], "colour": SATISFACTION_COLOURS[Satisfaction(a)]}
            for a in Satisfaction.values
        ],
        "total": figures["total"],
    }


@login_required
def acceptance(request: HttpRequest, pk: int) -> HttpResponse:
    """Quality and acceptance of one project: inspections and defects, the joint acceptance signing sheet,
    handover, archive checklist, final accounts and post-evaluation with the satisfaction chart."""
    require(request.user, "projects.view")
    project = selectors.acceptance_project_get(user=request.user, pk=pk)
    state = selectors.acceptance_state(project=project)
    user = request.user
    stage = project.stage
    open_round = state["open_round"]["round"] if state["open_round"] else None
    signable = selectors.signable_parties(user=user, project=project, round=open_round) if open_round else []
    show_phones = can(user, "projects.manage")
    for entry in state["rounds"]:
        for row in entry["rows"]:
            signature = row["signature"]
            phone = signature.signer.phone if signature is not None else ""
            row["phone"] = phone if show_phones else mask_phone(phone)
            row["may_sign"] = entry["round"] is open_round and row["party"] in signable
    account = state["final_account"]
    figures = state["satisfaction"].figures
    handover_steps = [s for s in project_next_steps(project=project, actor=user) if s["target"] == Stage.HANDED_OVER]
    return render(
        request,
        "projects/acceptance/acceptance.html",
        {
            "project": project,
            "state": state,
            "signable": signable,
            "inspection_form": InspectionForm(),
            "defect_form": DefectForm(),
            "round_form": RoundOpenForm(),
            "handover_form": HandoverForm(),
            "archive_form": ArchiveForm(),
            "final_form": FinalAccountForm(
                initial={
                    "final_amount": account.final_amount if account else state["totals"]["adjusted_total"],
                    "status": account.status if account else FinalAccountStatus.DRAFT,
                    "auditor": account.auditor if account else "",
                    "note": account.note if account else "",
                }
            ),
            "evaluation_form": EvaluationForm(),
            "can_inspect": can(user, "projects.inspect") and stage in services.INSPECTION_STAGES,
            "can_open": can(user, "projects.manage")
            and stage == Stage.ACCEPTANCE
            and open_round is None
            and not state["passed"],
            "can_handover": can(user, "projects.handover")
            and stage == Stage.ACCEPTANCE
            and state["passed"]
            and state["handover"] is None,
            "can_archive": can(user, "projects.archive") and stage != Stage.CLOSED,
            "can_final": can(user, "projects.final_accounts")
            and stage in services.FINAL_ACCOUNT_STAGES
            and (account is None or account.status != FinalAccountStatus.AUDITED),
            "can_evaluate": can(user, "projects.evaluate")
            and stage == Stage.HANDED_OVER
            and state["evaluation"] is None,
            "handover_blockers": handover_steps[0]["blockers"] if handover_steps else [],
            "chart": _satisfaction_chart(figures),
            "satisfied_share": selectors.share_text(figures["satisfied_share"]),
            "survey_url": request.build_absolute_uri(reverse("projects_public:survey", args=[project.public_id])),
        },
    )


@login_required
@require_POST
def inspection_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record an inspection with the problems it found."""
    project = selectors.acceptance_project_get(user=request.user, pk=pk)
    form = InspectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(pk, "inspections")
    data = form.cleaned_data
    return _run(
        request,
        pk,
        "inspections",
        lambda: services.inspection_record(
            actor=request.user,
            project=project,
            kind=data["kind"],
            held_on=data["held_on"],
            inspector=data["inspector"],
            findings=data["findings"],
            defects=_defect_rows(data["defects"], data["due_on"]),
        ),
        _("Inspection recorded."),
    )


@login_required
@require_POST
def defect_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a problem on the rectification list."""
    project = selectors.acceptance_project_get(user=request.user, pk=pk)
    form = DefectForm(request.POST)
    return _run(
        request,
        pk,
        "defects",
        lambda: services.defect_add(actor=request.user, project=project, **form.cleaned_data),
        _("Defect added to the rectification list."),
        form=form,
    )


@login_required
@require_POST
def defect_close(request: HttpRequest, pk: int, defect_pk: int) -> HttpResponse:
    """Close a defect with its rectification."""
    project = selectors.acceptance_project_get(user=request.user, pk=pk)
    defect = selectors.defect_list(user=request.user, project=project).filter(pk=defect_pk).first()
    if defect is None:
        raise Http404
    form = DefectCloseForm(request.POST)
    return _run(
        request,
        pk,
        "defects",
        lambda: services.defect_close(actor=request.user, defect=defect, **form.cleaned_data),
        _("Defect closed."),
        form=form,
    )


DEFECT_COLUMNS = [
    Column(gettext_lazy("Problem"), "description"),
    Column(gettext_lazy("Where"), "place"),
    Column(
        gettext_lazy("Found by"),
        lambda d: (
            f"{d.inspection.get_kind_display()} {d.inspection.held_on}"
            if d.inspection_id
            else (_("Joint acceptance round %(n)d") % {"n": d.acceptance.number} if d.acceptance_id else "")
        ),
    ),
    Column(gettext_lazy("Rectify by"), "due_on"),
    Column(gettext_lazy("Status"), "get_status_display"),
    Column(gettext_lazy("What was done"), "rectification"),
    Column(gettext_lazy("Closed on"), "closed_on"),
    Column(gettext_lazy("Checked by"), lambda d: str(d.closed_by) if d.closed_by_id else ""),
]


@login_required
def defect_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """The project's rectification list (整改清单) as Excel or CSV."""
    require(request.user, "projects.view")
    _check_format(fmt)
    project = selectors.acceptance_project_get(user=request.user, pk=pk)
    return export_response(
        rows=selectors.defect_list(user=request.user, project=project),
        columns=DEFECT_COLUMNS,
        filename=f"rectification-{project.code}",
        fmt=fmt,
    )


@login_required
@require_POST
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a round of joint acceptance."""
    project = selectors.acceptance_project_get(user=request.user, pk=pk)
    form = RoundOpenForm(request.POST)
    return _run(
        request,
        pk,
        "joint",
        lambda: services.acceptance_open(actor=request.user, project=project, **form.cleaned_data),
        _("Joint acceptance opened for signatures."),
        form=form,
    )


@login_required
@require_POST
def round_sign(request: HttpRequest, pk: int, round_pk: int) -> HttpResponse:
    """One party's signature on the open round (the form names the party; the service checks the signer)."""
    project = selectors.acceptance_project_get(user=request.user, pk=pk)
    rnd = selectors.round_list(user=request.user, project=project).filter(pk=round_pk).first()
    if rnd is None:
        raise Http404
    prefix = request.POST.get("prefix", "")
    form = SignForm(request.POST, prefix=prefix if prefix in Party.values else None)
    return _run(
        request,
        pk,
        "joint",
        lambda: services.acceptance_sign(actor=request.user, round=rnd, **form.cleaned_data),
        _("Signature recorded."),
        form=form,
    )


@login_required
def acceptance_record(request: HttpRequest, pk: int, round_pk: int) -> HttpResponse:
    """The printable record of one round of joint acceptance (联合验收记录), with each party's verdict and the
    problems it found, and blank lines for the wet signatures."""
    require(request.user, "projects.view")
    project = selectors.acceptance_project_get(user=request.user, pk=pk)
    rnd = selectors.round_list(user=request.user, project=project).filter(pk=round_pk).first()
    if rnd is None:
        raise Http404
    by_party = {s.party: s for s in rnd.signatures.select_related("signer")}
    return render(
        request,
        "projects/acceptance/record.html",
        {
            "project": project,
            "round": rnd,
            "rows": [
                {"label": Party(p).label, "signature": by_party.get(p)}
                for p in Party.values
                if p in rnd.required_parties
            ],
            "defects": rnd.defects.all(),
            "estates": project.estates.all(),
        },
    )


@login_required
@require_POST
def handover_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the handover agreement with its scan."""
    project = selectors.acceptance_project_get(user=request.user, pk=pk)
    form = HandoverForm(request.POST, request.FILES)
    return _run(
        request,
        pk,
        "handover",
        lambda: services.handover_record(actor=request.user, project=project, **form.cleaned_data),
        _("Handover agreement recorded."),
        form=form,
    )


@login_required
@require_POST
def archive_add(request: HttpRequest, pk: int) -> HttpResponse:
    """File a document in the archive."""
    project = selectors.acceptance_project_get(user=request.user, pk=pk)
    form = ArchiveForm(request.POST, request.FILES)
    return _run(
        request,
        pk,
        "archive",
        lambda: services.archive_add(actor=request.user, project=project, **form.cleaned_data),
        _("Document filed."),
        form=form,
    )


@login_required
def archive_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """The archive checklist: each kind of document, present or missing, with the titles filed."""
    require(request.user, "projects.view")
    _check_format(fmt)
    project = selectors.acceptance_project_get(user=request.user, pk=pk)
    columns = [
        Column(gettext_lazy("Document"), "label"),
        Column(gettext_lazy("Present"), "present"),
        Column(gettext_lazy("Files"), lambda row: "；".join(i.title for i in row.items)),
        Column(gettext_lazy("Filed on"), lambda row: "；".join(str(i.created_at.date()) for i in row.items)),
    ]
    return export_response(
        rows=selectors.archive_checklist(project), columns=columns, filename=f"archive-{project.code}", fmt=fmt
    )


@login_required
@require_POST
def final_accounts(request: HttpRequest, pk: int) -> HttpResponse:
    """Draw up, correct or mark audited the final accounts."""
    project = selectors.acceptance_project_get(user=request.user, pk=pk)
    form = FinalAccountForm(request.POST)
    return _run(
        request,
        pk,
        "final",
        lambda: services.final_account_record(actor=request.user, project=project, **form.cleaned_data),
        _("Final accounts saved."),
        form=form,
    )


@login_required
@require_POST
def evaluation_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the post-evaluation with today's satisfaction figures."""
    project = selectors.acceptance_project_get(user=request.user, pk=pk)
    form = EvaluationForm(request.POST)
    return _run(
        request,
        pk,
        "evaluation",
        lambda: services.evaluation_record(actor=request.user, project=project, **form.cleaned_data),
        _("Post-evaluation recorded."),
        form=form,
    )


# --- the pass-rate KPI ------------------------------------------------------------------------------------


def _kpi(request: HttpRequest) -> dict[str, Any]:
    code = request.GET.get("jurisdiction", "").strip() or None
    node = jurisdiction_for_user(user=request.user, code=code)
    if code and node is None:
        raise Http404
    return selectors.pass_rate_kpi(user=request.user, jurisdiction=node)


@login_required
def pass_rate(request: HttpRequest) -> HttpResponse:
    """The acceptance pass rate of the projects in view against the profile's target, with its source."""
    require(request.user, "projects.view")
    kpi = _kpi(request)
    return render(
        request,
        "projects/acceptance/pass_rate.html",
        {
            "kpi": kpi,
            "rows": kpi["rows"][:PAGE_ROWS],
            "more": max(len(kpi["rows"]) - PAGE_ROWS, 0),
            "querystring": request.GET.urlencode(),
        },
    )


@login_required
def pass_rate_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The projects behind the KPI as Excel or CSV."""
    require(request.user, "projects.view")
    _check_format(fmt)
    columns = [
        Column(gettext_lazy("Project code"), "code"),
        Column(gettext_lazy("Name"), "name"),
        Column(gettext_lazy("Rounds held"), "rounds"),
        Column(gettext_lazy("First round"), "first_status"),
        Column(gettext_lazy("Passed first time"), "first_passed"),
        Column(gettext_lazy("Latest round"), "last_status"),
        Column(gettext_lazy("Accepted on"), "accepted_on"),
    ]
    return export_response(rows=_kpi(request)["rows"], columns=columns, filename="acceptance-pass-rate", fmt=fmt)


# --- the residents' survey (no login) ---------------------------------------------------------------------


def _client(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def _respondent(request: HttpRequest) -> tuple[str, str | None]:
    """The respondent key: the survey cookie (set on first sight), or, for a phone that refuses cookies, its
    address and browser. Returns the key and a new cookie value to set, if any."""
    value = request.COOKIES.get(SURVEY_COOKIE, "")
    if value and 16 <= len(value) <= 64:
        return f"cookie:{value}", None
    new = secrets.token_urlsafe(24)
    return f"client:{_client(request)}:{request.META.get('HTTP_USER_AGENT', '')[:200]}", new


def survey(request: HttpRequest, public_id: str) -> HttpResponse:
    """The residents' satisfaction survey on a phone: three big buttons and an optional comment. One answer per
    phone; too many posts from one address are answered 429, like the public ballot pages."""
    project = project_public_get(public_id=public_id)
    if project is None:
        raise Http404
    key, new_cookie = _respondent(request)
    form = SurveyForm(request.POST or None)
    status = 200
    error = ""
    if request.method == "POST":
        client = _client(request)
        if public_post_blocked(client=client, scope=SURVEY_SCOPE):
            error, status = _("Too many submissions. Please try again in a few minutes."), 429
        else:
            public_post_record(client=client, scope=SURVEY_SCOPE)
            if not form.is_valid():
                error, status = _("Choose one of the three answers."), 400
            else:
                try:
                    services.satisfaction_answer(
                        project=project,
                        answer=form.cleaned_data["answer"],
                        comment=form.cleaned_data["comment"],
                        respondent_key=key,
                    )
                except ValidationError as exc:
                    error, status = _errors(exc), 400
                else:
                    done = redirect(f"{reverse('projects_public:survey', args=[public_id])}?done=1")
                    if new_cookie:
                        done.set_cookie(
                            SURVEY_COOKIE, new_cookie, max_age=SURVEY_COOKIE_AGE, httponly=True, samesite="Lax"
                        )
                    return done
    summary = selectors.acceptance_public_summary(project=project)
    response = render(
        request,
        "projects/acceptance/survey.html",
        {
            "project": project,
            "summary": summary,
            "form": form,
            "error": error,
            "done": request.GET.get("done") == "1",
            "open": project.stage in services.SURVEY_STAGES,
            "answers": [(a, Satisfaction(a).label) for a in Satisfaction.values],
        },
        status=status,
    )
    if new_cookie:
        response.set_cookie(SURVEY_COOKIE, new_cookie, max_age=SURVEY_COOKIE_AGE, httponly=True, samesite="Lax")
    return response


urlpatterns: list[URLPattern] = [
    path("<int:pk>/acceptance/", acceptance, name="acceptance"),
    path("<int:pk>/acceptance/inspections/", inspection_add, name="acceptance_inspection_add"),
    path("<int:pk>/acceptance/defects/", defect_add, name="acceptance_defect_add"),
    path("<int:pk>/acceptance/defects/<int:defect_pk>/close/", defect_close, name="acceptance_defect_close"),
    path("<int:pk>/acceptance/defects.<str:fmt>", defect_export, name="acceptance_defect_export"),
    path("<int:pk>/acceptance/rounds/", round_open, name="acceptance_round_open"),
    path("<int:pk>/acceptance/rounds/<int:round_pk>/sign/", round_sign, name="acceptance_sign"),
    path("<int:pk>/acceptance/rounds/<int:round_pk>/record/", acceptance_record, name="acceptance_record"),
    path("<int:pk>/acceptance/handover/", handover_add, name="acceptance_handover"),
    path("<int:pk>/acceptance/archive/", archive_add, name="acceptance_archive_add"),
    path("<int:pk>/acceptance/archive.<str:fmt>", archive_export, name="acceptance_archive_export"),
    path("<int:pk>/acceptance/final-accounts/", final_accounts, name="acceptance_final_accounts"),
    path("<int:pk>/acceptance/evaluation/", evaluation_add, name="acceptance_evaluation"),
    path("acceptance/pass-rate/", pass_rate, name="acceptance_pass_rate"),
    path("acceptance/pass-rate.<str:fmt>", pass_rate_export, name="acceptance_pass_rate_export"),
]
# Pages residents and the public open without an account (mounted under /p/).
public_urlpatterns: list[URLPattern] = [
    path("<str:public_id>/survey/", survey, name="survey"),
]
