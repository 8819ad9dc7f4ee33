"""Consultation pages: staff campaign pages (list, create, detail with live tally, progress, paper entry,
QR sheets, certificate, tally export) and the residents' phone page reached through a ballot link; public
notices (公示) with their poster; drafts put to public comment (Guyuan, seed 003); opinions with the keyword
dictionary, the demand summary and its export; and the public notice, draft and opinion pages (no login).

Thin: parse input, call one service or selector, render.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiugai.core.exporting import Column, export_response
from jiugai.core.permissions import can, require
from jiugai.core.scoping import get_visible_or_404
from jiugai.core.text import mask_name
from jiugai.inventory.models import Building

from . import forms, selectors, services
from .choices import Adoption, CampaignStatus, DecisionRule, NoticeStatus, OpinionChannel
from .documents import pdf_render, qr_svg
from .extensions import ballot_extras
from .forms import BallotForm, CampaignForm, PaperBatchForm, StaffBallotForm, VerifyForm, answers_from
from .models import Campaign, DraftDocument, Notice
from .paper import paper_sheet_read, paper_sheet_xlsx

SESSION_KEY = "consultation_verified"


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- staff pages ------------------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "consultation.view_campaign")
    campaigns = selectors.campaign_list(user=request.user)[:200]
    return render(
        request,
        "consultation/campaign_list.html",
        {"campaigns": campaigns, "can_manage": can(request.user, "consultation.manage_campaign")},
    )


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "consultation.manage_campaign")
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                actor=request.user,
                estate=data["estate"],
                title=data["title"],
                matter=data["matter"],
                rule=data["rule"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                scope_type=data["scope_type"],
                building=data["building"],
                stairwell=data["stairwell"],
                questions=form.questions(),
                policy_date=data["policy_date"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Campaign created as a draft."))
            return redirect("consultation:campaign_detail", pk=campaign.pk)
    return render(request, "consultation/campaign_form.html", {"form": form})


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    require(request.user, "consultation.view_campaign")
    return selectors.campaign_get(user=request.user, pk=pk)


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    tally = selectors.tally_get(campaign=campaign)
    buildings = Building.objects.filter(estate=campaign.estate)
    if campaign.building_id:
        buildings = buildings.filter(pk=campaign.building_id)
    return render(
        request,
        "consultation/campaign_detail.html",
        {
            "campaign": campaign,
            "summary": selectors.tally_summary(tally=tally) if tally else None,
            "buildings": buildings,
            "can_manage": can(request.user, "consultation.manage_campaign"),
            "can_enter": can(request.user, "consultation.enter_ballot"),
            "can_issue": can(request.user, "consultation.issue_links"),
            "can_progress": can(request.user, "consultation.view_progress"),
            "is_open": campaign.status == CampaignStatus.OPEN,
            "questions": campaign.questions or {},
        },
    )


@login_required
def campaign_tally(request: HttpRequest, pk: int) -> HttpResponse:
    """The live counters (htmx polls this fragment); reads one row, never the ballots."""
    campaign = _campaign(request, pk)
    tally = selectors.tally_get(campaign=campaign)
    return render(
        request,
        "consultation/_tally.html",
        {"campaign": campaign, "summary": selectors.tally_summary(tally=tally) if tally else None},
    )


@login_required
@require_POST
def campaign_open(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    try:
        services.campaign_open(actor=request.user, campaign=campaign)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The campaign is open."))
    return redirect("consultation:campaign_detail", pk=pk)


@login_required
@require_POST
def campaign_decide(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    try:
        services.campaign_close_and_decide(actor=request.user, campaign=campaign)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The campaign is closed and decided."))
    return redirect("consultation:campaign_detail", pk=pk)


@login_required
def campaign_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Households that have not voted yet, names masked, for street staff's door-to-door visits."""
    campaign = _campaign(request, pk)
    require(request.user, "consultation.view_progress")
    tally = selectors.tally_get(campaign=campaign)
    return render(
        request,
        "consultation/campaign_progress.html",
        {
            "campaign": campaign,
            "summary": selectors.tally_summary(tally=tally) if tally else None,
            "rows": selectors.progress_not_voted(campaign=campaign),
        },
    )


@login_required
def paper_batch(request: HttpRequest, pk: int) -> HttpResponse:
    """Paper ballots in bulk: download the register sheet, fill it in at the doors, upload it with the scan."""
    campaign = _campaign(request, pk)
    require(request.user, "consultation.enter_ballot")
    form = PaperBatchForm(request.POST or None, request.FILES or None)
    problems: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["workbook"]
        sheet = paper_sheet_read(campaign=campaign, data=upload.read(), filename=upload.name)
        problems = sheet.problems
        if not problems:
            try:
                written = services.paper_ballots_import(
                    actor=request.user, campaign=campaign, ballots=sheet.ballots, scan=form.cleaned_data["scan"]
                )
            except services.PaperBallotsInvalid as exc:
                problems = exc.problems
            except ValidationError as exc:
                problems = [{"row": 0, "message": _error_text(exc)}]
            else:
                messages.success(request, _("%(n)d paper ballots recorded.") % {"n": written})
                return redirect("consultation:campaign_detail", pk=pk)
    return render(request, "consultation/paper_batch.html", {"campaign": campaign, "form": form, "problems": problems})


@login_required
def paper_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    require(request.user, "consultation.enter_ballot")
    response = HttpResponse(
        paper_sheet_xlsx(campaign=campaign),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="paper-ballots-{campaign.pk}.xlsx"'
    return response


@login_required
def ballot_enter(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    require(request.user, "consultation.enter_ballot")
    households = selectors.households_in_scope(campaign=campaign).select_related("building")
    form = StaffBallotForm(request.POST or None, request.FILES or None, campaign=campaign, households=households)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.ballot_enter(
                actor=request.user,
                campaign=campaign,
                household=data["household"],
                answer=data["answer"],
                channel=data["channel"],
                answers=answers_from(data),
                attachment=data.get("attachment"),
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _error_text(exc) if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("Ballot recorded."))
            return redirect("consultation:ballot_enter", pk=pk)
    return render(request, "consultation/ballot_enter.html", {"campaign": campaign, "form": form})


@login_required
@require_POST
def campaign_qr_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue fresh links for one building's households and return the printable sheet of QR slips."""
    campaign = _campaign(request, pk)
    building = get_visible_or_404(
        request.user, Building.objects.filter(estate=campaign.estate), pk=request.POST.get("building")
    )
    try:
        links = services.campaign_links_issue(actor=request.user, campaign=campaign, building=building)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("consultation:campaign_detail", pk=pk)
    slips = []
    for link in links:
        url = request.build_absolute_uri(f"/b/{link.token}/")
        slips.append({"household": link.household, "code": link.short_code, "url": url, "svg": qr_svg(url)})
    pdf = pdf_render(
        "consultation/pdf/qr_sheet.html",
        {
            "campaign": campaign,
            "building": building,
            "slips": slips,
            "mode": selectors.verification_mode(campaign=campaign),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ballot-slips-{campaign.pk}-{building.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def campaign_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The consent certificate: tallies, rule, thresholds, reasons and the SHA-256 of the ballot list."""
    campaign = _campaign(request, pk)
    if campaign.status != CampaignStatus.DECIDED or not campaign.decision:
        messages.error(request, _("The certificate is available once the campaign is decided."))
        return redirect("consultation:campaign_detail", pk=pk)
    tally = selectors.tally_get(campaign=campaign)
    pdf = pdf_render(
        "consultation/pdf/certificate.html",
        {
            "campaign": campaign,
            "summary": selectors.tally_summary(tally=tally) if tally else None,
            "decision": campaign.decision,
            "is_consent": campaign.rule == DecisionRule.CONSENT,
            "generated_at": timezone.localtime(),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="consent-certificate-{campaign.pk}.pdf"'
    return response


# --- the resident's phone page -----------------------------------------------------------------------


def client_of(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def _public_error(request: HttpRequest, status: int, message: str) -> HttpResponse:
    return render(request, "consultation/public_error.html", {"message": message}, status=status)


def _token_or_error(request: HttpRequest, token: str) -> Any:
    """The link's token row, or an error response (rate limit 429, unknown 404, expired 410)."""
    client = client_of(request)
    if selectors.token_rate_limited(client=client):
        return _public_error(request, 429, _("Too many failed attempts. Please try again in a few minutes."))
    found = selectors.token_find(raw_token=token)
    if found is None:
        services.token_failure_record(client=client, reason="unknown_token")
        return _public_error(
            request, 404, _("This ballot link is not valid. Please check it or ask your community office.")
        )
    if found.expires_at <= timezone.now() or found.campaign.status in (CampaignStatus.CLOSED, CampaignStatus.DECIDED):
        return _public_error(request, 410, _("This consultation has closed; ballots can no longer be cast or changed."))
    return found


def _verified(request: HttpRequest, found: Any) -> bool:
    return request.session.get(SESSION_KEY, {}).get(found.token_hash) == found.household_id


def _ballot_initial(current: Any) -> dict[str, Any]:
    """The household's earlier answers, to start the form from."""
    if current is None:
        return {}
    initial = {"answer": current.answer, "items": current.answers.get("items", [])}
    if "cofund" in current.answers:
        initial["cofund"] = "yes" if current.answers["cofund"] else "no"
    initial["cofund_amount"] = current.answers.get("cofund_amount")
    if "remove_illegal" in current.answers:
        initial["remove_illegal"] = "yes" if current.answers["remove_illegal"] else "no"
    return initial


def ballot_page(request: HttpRequest, token: str) -> HttpResponse:
    """The link a household scans: verify, then see the question and its own details, and vote."""
    found = _token_or_error(request, token)
    if isinstance(found, HttpResponse):
        return found
    campaign = found.campaign
    if not _verified(request, found):
        mode = selectors.verification_mode(campaign=campaign)
        form = VerifyForm(request.POST or None, mode=mode)
        if request.method == "POST" and form.is_valid():
            if selectors.token_verify(
                token=found,
                mode=mode,
                short_code=form.cleaned_data["short_code"],
                secret=form.cleaned_data.get("secret", ""),
            ):
                verified = request.session.get(SESSION_KEY, {})
                verified[found.token_hash] = found.household_id
                request.session[SESSION_KEY] = verified
                request.session.cycle_key()
                return redirect("ballot:page", token=token)
            services.token_failure_record(client=client_of(request), reason="verification_failed")
            form.add_error(None, _("The code or the digits do not match. Please check your slip."))
        return render(request, "consultation/public_verify.html", {"campaign": campaign, "form": form})

    household = found.household
    current = None
    if request.method == "POST":
        # The cast path reads no earlier ballot here: the service finds and changes it under its lock.
        ballot_form = BallotForm(request.POST, campaign=campaign)
    else:
        current = selectors.ballot_of(campaign=campaign, household=household)
        ballot_form = BallotForm(campaign=campaign, initial=_ballot_initial(current))
    if request.method == "POST" and ballot_form.is_valid():
        try:
            services.ballot_cast_online(
                token=found, answer=ballot_form.cleaned_data["answer"], answers=answers_from(ballot_form.cleaned_data)
            )
        except services.TokenInvalid:
            return _public_error(
                request, 404, _("This ballot link is not valid. Please check it or ask your community office.")
            )
        except services.TokenExpired:
            return _public_error(
                request, 410, _("This consultation has closed; ballots can no longer be cast or changed.")
            )
        except (ValidationError, PermissionDenied) as exc:
            ballot_form.add_error(None, _error_text(exc) if isinstance(exc, ValidationError) else str(exc))
        else:
            return redirect("ballot:done", token=token)
    if request.method == "POST":  # shown again with its errors
        current = selectors.ballot_of(campaign=campaign, household=household)
    return render(
        request,
        "consultation/public_ballot.html",
        {
            "campaign": campaign,
            "household": household,
            "owner": mask_name(household.owner_name),
            "current": current,
            "form": ballot_form,
            "extras": ballot_extras(campaign=campaign, household=household),
        },
    )


def ballot_done(request: HttpRequest, token: str) -> HttpResponse:
    found = _token_or_error(request, token)
    if isinstance(found, HttpResponse):
        return found
    if not _verified(request, found):
        return redirect("ballot:page", token=token)
    current = selectors.ballot_of(campaign=found.campaign, household=found.household)
    return render(
        request,
        "consultation/public_done.html",
        {"campaign": found.campaign, "household": found.household, "current": current, "token": token},
    )


# --- exports ---------------------------------------------------------------------------------------


@login_required
def campaign_tally_export(
    request: HttpRequest, pk: int, fmt: str
) -> HttpResponse | StreamingHttpResponse | FileResponse:
    """The campaign's tally as a spreadsheet: households, exclusive area and owners by answer."""
    campaign = _campaign(request, pk)
    require(request.user, "consultation.export_tally")
    tally = selectors.tally_get(campaign=campaign)
    if tally is None:
        messages.error(request, _("Counting starts when the campaign opens."))
        return redirect("consultation:campaign_detail", pk=pk)
    rows = [
        {
            "answer": label,
            "households": getattr(tally, f"{key}_households"),
            "area": getattr(tally, f"{key}_area"),
            "heads": getattr(tally, f"{key}_heads"),
        }
        for key, label in (("yes", _("Agree")), ("no", _("Disagree")), ("abstain", _("Abstain")))
    ]
    rows.append(
        {
            "answer": _("Not voted"),
            "households": tally.total_households - tally.voted_households,
            "area": tally.total_area - tally.voted_area,
            "heads": tally.total_heads - tally.voted_heads,
        }
    )
    rows.append(
        {
            "answer": _("In scope"),
            "households": tally.total_households,
            "area": tally.total_area,
            "heads": tally.total_heads,
        }
    )
    columns = [
        Column(_("Answer"), "answer"),
        Column(_("Households"), "households"),
        Column(_("Exclusive area (m²)"), "area"),
        Column(_("Owners (one per owner)"), "heads"),
    ]
    return export_response(rows=rows, columns=columns, filename=f"tally-{campaign.pk}", fmt=fmt)


# --- public notices (staff) -------------------------------------------------------------------------


def _form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _notice(request: HttpRequest, pk: int) -> Notice:
    require(request.user, "consultation.view_notice")
    return selectors.notice_get(user=request.user, pk=pk)


def notice_public_url(request: HttpRequest, notice: Notice) -> str:
    return request.build_absolute_uri(reverse("ballot:notice", args=[notice.public_id]))


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "consultation.view_notice")
    notices = selectors.notice_list(user=request.user)[:200]
    return render(
        request,
        "consultation/notice_list.html",
        {"notices": notices, "can_manage": can(request.user, "consultation.manage_notice")},
    )


@login_required
def notice_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "consultation.manage_notice")
    form = forms.NoticeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.notice_create(
                actor=request.user,
                jurisdiction=data["jurisdiction"],
                estate=data["estate"],
                subject=data["subject"],
                subject_label=data["subject_label"],
                title=data["title"],
                content=data["content"],
                issuer=data["issuer"],
                window_days=data["window_days"],
                day_count=data["day_count"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Notice saved as a draft."))
            return redirect("consultation:notice_detail", pk=notice.pk)
    return render(request, "consultation/notice_form.html", {"form": form})


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    return render(
        request,
        "consultation/notice_detail.html",
        {
            "notice": notice,
            "state": selectors.notice_window_state(notice=notice),
            "comments": selectors.notice_comments(notice=notice),
            "counts": selectors.notice_comment_counts(notice=notice),
            "gate": selectors.notice_gate(notice),
            "public_url": notice_public_url(request, notice),
            "can_manage": can(request.user, "consultation.manage_notice"),
            "can_respond": can(request.user, "consultation.respond_notice"),
            "attachment_form": forms.NoticeAttachmentForm(),
            "comment_form": forms.StaffNoticeCommentForm(),
            "response_form": forms.ResponseForm(),
        },
    )


@login_required
@require_POST
def notice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    try:
        services.notice_publish(actor=request.user, notice=notice)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The notice is published."))
    return redirect("consultation:notice_detail", pk=pk)


@login_required
@require_POST
def notice_attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    form = forms.NoticeAttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Give a title and choose a file."))
    else:
        try:
            services.notice_attachment_add(
                actor=request.user, notice=notice, title=form.cleaned_data["title"], file=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Attachment added."))
    return redirect("consultation:notice_detail", pk=pk)


@login_required
@require_POST
def notice_comment_enter(request: HttpRequest, pk: int) -> HttpResponse:
    """A letter, e-mail or visit recorded by staff."""
    notice = _notice(request, pk)
    form = forms.StaffNoticeCommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please check the comment form."))
    else:
        data = form.cleaned_data
        try:
            services.notice_comment_submit(
                actor=request.user,
                notice=notice,
                kind=data["kind"],
                text=data["text"],
                channel=data["channel"],
                name=data["name"],
                contact=data["contact"],
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Comment recorded."))
    return redirect("consultation:notice_detail", pk=pk)


@login_required
@require_POST
def notice_comment_respond(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    comment = get_object_or_404(selectors.notice_comments(notice=notice), pk=comment_pk)
    form = forms.ResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please write the response."))
    else:
        try:
            services.notice_comment_respond(actor=request.user, comment=comment, response=form.cleaned_data["response"])
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Response recorded."))
    return redirect("consultation:notice_detail", pk=pk)


@login_required
def notice_poster(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable poster to post in the estate, with a QR code to the online notice and its comment form."""
    notice = _notice(request, pk)
    if notice.status != NoticeStatus.PUBLISHED:
        messages.error(request, _("The poster is available once the notice is published."))
        return redirect("consultation:notice_detail", pk=pk)
    url = notice_public_url(request, notice)
    pdf = pdf_render(
        "consultation/pdf/notice_poster.html",
        {
            "notice": notice,
            "url": url,
            "svg": qr_svg(url, scale=6),
            "last_day": selectors.last_day_of(notice.closes_at),
            "attachments": notice.attachments.all(),
            "generated_at": timezone.localtime(),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{notice.pk}.pdf"'
    return response


# --- drafts for public comment (staff) --------------------------------------------------------------


def _draft(request: HttpRequest, pk: int) -> DraftDocument:
    require(request.user, "consultation.view_draft")
    return selectors.draft_get(user=request.user, pk=pk)


@login_required
def draft_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "consultation.view_draft")
    return render(
        request,
        "consultation/draft_list.html",
        {
            "drafts": selectors.draft_list(user=request.user)[:200],
            "can_manage": can(request.user, "consultation.manage_draft"),
        },
    )


@login_required
def draft_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "consultation.manage_draft")
    form = forms.DraftForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        opens_at = timezone.make_aware(dt.datetime.combine(data["opens_on"], dt.time.min))
        try:
            draft = services.draft_create(
                actor=request.user,
                jurisdiction=data["jurisdiction"],
                title=data["title"],
                issuer=data["issuer"],
                introduction=data["introduction"],
                opens_at=opens_at,
                closes_at=selectors.end_of_day(data["closes_on"]) if data.get("closes_on") else None,
                window_days=data.get("window_days"),
                day_count=data["day_count"],
                sections=form.section_list(),
                email=data["email"],
                email_subject=data["email_subject"],
                postal_address=data["postal_address"],
                postal_code=data["postal_code"],
                letter_note=data["letter_note"],
                contact_phone=data["contact_phone"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Draft saved; publish it to open the comment period."))
            return redirect("consultation:draft_detail", pk=draft.pk)
    return render(request, "consultation/draft_form.html", {"form": form})


@login_required
def draft_detail(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    return render(
        request,
        "consultation/draft_detail.html",
        {
            "draft": draft,
            "state": selectors.draft_window_state(draft=draft),
            "sections": draft.sections.all(),
            "comments": selectors.draft_comments(draft=draft),
            "figures": draft.summary_figures or selectors.draft_summary_figures(draft=draft),
            "public_url": request.build_absolute_uri(reverse("ballot:draft", args=[draft.public_id])),
            "can_manage": can(request.user, "consultation.manage_draft"),
            "comment_form": forms.StaffDraftCommentForm(draft=draft),
            "adoption_form": forms.AdoptionForm(),
            "summary_form": forms.DraftSummaryForm(),
        },
    )


@login_required
@require_POST
def draft_open(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    try:
        services.draft_open(actor=request.user, draft=draft)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The draft is published for comment."))
    return redirect("consultation:draft_detail", pk=pk)


@login_required
@require_POST
def draft_comment_enter(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    form = forms.StaffDraftCommentForm(request.POST, draft=draft)
    if not form.is_valid():
        messages.error(request, _("Please check the comment form."))
    else:
        data = form.cleaned_data
        try:
            services.draft_comment_submit(
                actor=request.user,
                draft=draft,
                section=data["section"],
                text=data["text"],
                channel=data["channel"],
                name=data["name"],
                contact=data["contact"],
                received_at=data.get("received_at"),
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Comment recorded."))
    return redirect("consultation:draft_detail", pk=pk)


@login_required
@require_POST
def draft_comment_respond(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    comment = get_object_or_404(selectors.draft_comments(draft=draft), pk=comment_pk)
    form = forms.AdoptionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what became of the comment."))
    else:
        try:
            services.draft_comment_respond(
                actor=request.user,
                comment=comment,
                adoption=form.cleaned_data["adoption"],
                response=form.cleaned_data["response"],
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Response recorded."))
    return redirect("consultation:draft_detail", pk=pk)


@login_required
@require_POST
def draft_summary_publish(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    form = forms.DraftSummaryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please write the summary."))
    else:
        try:
            services.draft_summary_publish(actor=request.user, draft=draft, summary=form.cleaned_data["summary"])
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("The summary of responses is published."))
    return redirect("consultation:draft_detail", pk=pk)


# --- opinions (staff) -------------------------------------------------------------------------------


def _opinions(request: HttpRequest) -> Any:
    require(request.user, "consultation.view_opinions")
    qs = selectors.opinion_list(user=request.user)
    estate = request.GET.get("estate")
    if estate and estate.isdigit():
        qs = qs.filter(estate_id=int(estate))
    item = request.GET.get("item")
    if item in selectors.ITEM_LABELS:
        # The JSON list as text contains the quoted code (works alike on SQLite and PostgreSQL).
        qs = qs.filter(items__icontains=f'"{item}"')
    return qs


@login_required
def opinion_list(request: HttpRequest) -> HttpResponse:
    """Opinions heard (scoped), with the staff entry form for meetings, WeChat groups and visits."""
    require(request.user, "consultation.view_opinions")
    can_enter = can(request.user, "consultation.enter_opinion")
    form = forms.StaffOpinionForm(request.POST or None, user=request.user) if can_enter else None
    if request.method == "POST":
        require(request.user, "consultation.enter_opinion")
        if form is not None and form.is_valid():
            data = form.cleaned_data
            try:
                opinion = services.opinion_submit(
                    actor=request.user,
                    estate=data["estate"],
                    text=data["text"],
                    channel=data["channel"],
                    heard_on=data.get("heard_on"),
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                labels = [str(selectors.ITEM_LABELS.get(i, i)) for i in opinion.items]
                messages.success(
                    request,
                    _("Opinion recorded: %(items)s") % {"items": "、".join(labels) or _("no item recognised")},
                )
                return redirect("consultation:opinion_list")
    return render(
        request,
        "consultation/opinion_list.html",
        {
            "rows": [
                {
                    "opinion": o,
                    "items": [(selectors.ITEM_LABELS.get(i, i), "、".join(o.matches.get(i, []))) for i in o.items],
                }
                for o in _opinions(request).order_by("-heard_on", "-id")[:300]
            ],
            "form": form,
            "can_keywords": can(request.user, "consultation.manage_keywords"),
        },
    )


@login_required
def opinion_summary(request: HttpRequest) -> HttpResponse:
    """The demand summary per estate or per area, with a bar chart (data from opinion_summary_data)."""
    require(request.user, "consultation.view_opinions")
    by = "area" if request.GET.get("by") == "area" else "estate"
    summary = selectors.demand_summary(opinions=selectors.opinion_list(user=request.user), by=by)
    return render(request, "consultation/opinion_summary.html", {"summary": summary, "by": by})


@login_required
def opinion_summary_data(request: HttpRequest) -> JsonResponse:
    require(request.user, "consultation.view_opinions")
    by = "area" if request.GET.get("by") == "area" else "estate"
    return JsonResponse(selectors.demand_summary(opinions=selectors.opinion_list(user=request.user), by=by))


@login_required
def opinion_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse | FileResponse:
    """The opinions the caller may see (filtered as on the list), with their items and matched keywords."""
    qs = _opinions(request).order_by("estate__name", "-heard_on", "id")
    labels = selectors.ITEM_LABELS
    columns = [
        Column(_("Estate"), "estate.name"),
        Column(_("Area"), lambda o: o.estate.area.name if o.estate.area_id else ""),
        Column(_("Channel"), lambda o: o.get_channel_display()),
        Column(_("Heard on"), "heard_on"),
        Column(_("Opinion"), "text"),
        Column(_("Catalogue items"), lambda o: [str(labels.get(i, i)) for i in o.items]),
        Column(_("Matched keywords"), lambda o: [k for words in o.matches.values() for k in words]),
    ]
    return export_response(rows=qs, columns=columns, filename="opinions", fmt=fmt)


@login_required
def keyword_list(request: HttpRequest) -> HttpResponse:
    """The keyword dictionary; staff add the words residents use for an item."""
    require(request.user, "consultation.view_opinions")
    can_manage = can(request.user, "consultation.manage_keywords")
    form = forms.KeywordForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "consultation.manage_keywords")
        if form.is_valid():
            try:
                services.opinion_keyword_add(
                    actor=request.user, keyword=form.cleaned_data["keyword"], item=form.cleaned_data["item"]
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Keyword added. Reclassify the opinions to apply it to earlier ones."))
                return redirect("consultation:keyword_list")
    return render(
        request,
        "consultation/keyword_list.html",
        {"keywords": selectors.keyword_list(), "form": form, "can_manage": can_manage},
    )


@login_required
@require_POST
def opinions_reclassify(request: HttpRequest) -> HttpResponse:
    changed = services.opinions_reclassify(actor=request.user)
    messages.success(request, _("%(count)d opinion(s) reclassified.") % {"count": changed})
    return redirect("consultation:keyword_list")


# --- public pages: notice, draft, opinion (no login) --------------------------------------------------


def _rate_limited(request: HttpRequest, scope: str) -> HttpResponse | None:
    """Answer 429 when this client has posted too often; otherwise count this post."""
    client = client_of(request)
    if selectors.public_post_blocked(client=client, scope=scope):
        return _public_error(request, 429, _("Too many submissions. Please try again in a few minutes."))
    services.public_post_record(client=client, scope=scope)
    return None


def notice_public(request: HttpRequest, public_id: str) -> HttpResponse:
    """The notice on a phone: text, attachments, the window, and the comment / objection form."""
    notice = selectors.notice_public_get(public_id=public_id)
    if notice is None:
        return _public_error(request, 404, _("This notice does not exist or is no longer posted."))
    state = selectors.notice_window_state(notice=notice)
    form = forms.NoticeCommentForm(request.POST or None)
    sent = request.GET.get("sent") == "1"
    if request.method == "POST":
        limited = _rate_limited(request, "notice")
        if limited is not None:
            return limited
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.notice_comment_submit(
                    notice=notice,
                    kind=data["kind"],
                    text=data["text"],
                    name=data["name"],
                    contact=data["contact"],
                    client=client_of(request),
                )
            except ValidationError as exc:
                if getattr(exc, "code", None) == "closed":
                    return _public_error(request, 410, _("The notice period has ended; comments are closed."))
                _form_errors(form, exc)
            else:
                return redirect(f"{reverse('ballot:notice', args=[public_id])}?sent=1")
    return render(
        request,
        "consultation/public_notice.html",
        {
            "notice": notice,
            "state": state,
            "form": form,
            "sent": sent,
            "counts": selectors.notice_comment_counts(notice=notice),
            "attachments": notice.attachments.all(),
            "last_day": selectors.last_day_of(notice.closes_at),
        },
    )


def draft_public(request: HttpRequest, public_id: str) -> HttpResponse:
    """The draft for comment: its sections, the channels with the required subject line, the comment form,
    and the summary of responses once published."""
    draft = selectors.draft_public_get(public_id=public_id)
    if draft is None:
        return _public_error(request, 404, _("This draft does not exist or is not published."))
    state = selectors.draft_window_state(draft=draft)
    form = forms.DraftCommentForm(request.POST or None, draft=draft)
    if request.method == "POST":
        limited = _rate_limited(request, "draft")
        if limited is not None:
            return limited
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.draft_comment_submit(
                    draft=draft,
                    section=data["section"],
                    text=data["text"],
                    name=data["name"],
                    contact=data["contact"],
                    client=client_of(request),
                )
            except ValidationError as exc:
                if getattr(exc, "code", None) == "closed":
                    return _public_error(request, 410, _("The comment period has ended."))
                _form_errors(form, exc)
            else:
                return redirect(f"{reverse('ballot:draft', args=[public_id])}?sent=1")
    return render(
        request,
        "consultation/public_draft.html",
        {
            "draft": draft,
            "state": state,
            "form": form,
            "sent": request.GET.get("sent") == "1",
            "sections": draft.sections.all(),
            "figures": draft.summary_figures,
            "adoption_labels": dict(Adoption.choices),
            "last_day": selectors.last_day_of(draft.closes_at),
        },
    )


def opinion_public(request: HttpRequest, code: str) -> HttpResponse:
    """The phone page where residents write what they want renovated in their estate."""
    estate = selectors.estate_public_get(code=code)
    if estate is None:
        return _public_error(request, 404, _("This page does not exist."))
    form = forms.OpinionForm(request.POST or None)
    if request.method == "POST":
        limited = _rate_limited(request, "opinion")
        if limited is not None:
            return limited
        if form.is_valid():
            try:
                services.opinion_submit(
                    estate=estate,
                    text=form.cleaned_data["text"],
                    channel=OpinionChannel.PHONE,
                    client=client_of(request),
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                return redirect(f"{reverse('ballot:opinion', args=[code])}?sent=1")
    return render(
        request,
        "consultation/public_opinion.html",
        {"estate": estate, "form": form, "sent": request.GET.get("sent") == "1"},
    )
