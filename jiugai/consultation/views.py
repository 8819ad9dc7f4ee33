"""Consultation pages: staff campaign pages (list, create, detail with live tally, progress, paper entry,
QR sheets, certificate) and the residents' phone page reached through a ballot link.

Thin: parse input, call one service or selector, render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiugai.core.permissions import can, require
from jiugai.core.scoping import get_visible_or_404
from jiugai.core.text import mask_name
from jiugai.inventory.models import Building

from . import selectors, services
from .choices import CampaignStatus, DecisionRule
from .documents import pdf_render, qr_svg
from .forms import BallotForm, CampaignForm, StaffBallotForm, VerifyForm, answers_from
from .models import Campaign

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


def ballot_page(request: HttpRequest, token: str) -> HttpResponse:
    """The link a household scans: verify, then see the question and its own details, and vote."""
    found = _token_or_error(request, token)
    if isinstance(found, HttpResponse):
        return found
    campaign = found.campaign
    mode = selectors.verification_mode(campaign=campaign)
    if not _verified(request, found):
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
    current = selectors.ballot_of(campaign=campaign, household=household)
    initial: dict[str, Any] = {}
    if current is not None:
        initial = {"answer": current.answer, "items": current.answers.get("items", [])}
        if "cofund" in current.answers:
            initial["cofund"] = "yes" if current.answers["cofund"] else "no"
        initial["cofund_amount"] = current.answers.get("cofund_amount")
        if "remove_illegal" in current.answers:
            initial["remove_illegal"] = "yes" if current.answers["remove_illegal"] else "no"
    ballot_form = BallotForm(request.POST or None, campaign=campaign, initial=initial)
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
    return render(
        request,
        "consultation/public_ballot.html",
        {
            "campaign": campaign,
            "household": household,
            "owner": mask_name(household.owner_name),
            "current": current,
            "form": ballot_form,
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
