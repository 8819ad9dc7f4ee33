"""Policy pages: the rules in force for any jurisdiction on any day, version history, and new versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from jiugai.accounts.models import Jurisdiction
from jiugai.accounts.selectors import jurisdiction_get
from jiugai.core.permissions import require
from jiugai.rules.params import CATALOGUE, parse_value, spec_for

from .forms import (
    EffectivePolicyForm,
    PolicyVersionForm,
    display_value,
    group_label,
    jurisdiction_search,
    parameter_label,
    unit_label,
)
from .permissions import can_create_profile_for
from .selectors import effective_policy, profile_history, profile_list
from .services import policy_profile_create


def effective_rows(jurisdiction: Jurisdiction, on: dt.date) -> list[dict[str, Any]]:
    """Every catalogue parameter, grouped, with the value in force and where it came from."""
    policy = effective_policy(jurisdiction=jurisdiction, on=on)
    groups: dict[str, list[dict[str, Any]]] = {}
    for spec in CATALOGUE:
        item = policy.values.get(spec.key)
        groups.setdefault(spec.group, []).append(
            {
                "key": spec.key,
                "label": parameter_label(spec),
                "unit": unit_label(spec),
                "value": display_value(spec, item.value) if item else "",
                "item": item,
            }
        )
    return [{"group": group, "label": group_label(group), "rows": rows} for group, rows in groups.items()]


def _default_jurisdiction(request: HttpRequest) -> Jurisdiction | None:
    user: Any = request.user
    return getattr(user, "active_jurisdiction", None) or user.jurisdiction


@login_required
def effective(request: HttpRequest) -> HttpResponse:
    """GET ?q=<code or name>&on=<date>: one match shows its rules; several matches are listed to pick from."""
    require(request.user, "policy.view_profile")
    form = EffectivePolicyForm(request.GET or None)
    on = timezone.localdate()
    jurisdiction: Jurisdiction | None = None
    matches: list[Jurisdiction] = []
    if form.is_bound and form.is_valid():
        on = form.cleaned_data["on"]
        text = form.cleaned_data["q"].strip()
        if text:
            matches = list(jurisdiction_search(text))
            exact = [j for j in matches if j.code == text]
            if exact or len(matches) == 1:
                jurisdiction = (exact or matches)[0]
                matches = []
    elif not form.is_bound:
        jurisdiction = _default_jurisdiction(request)
        if jurisdiction is None:
            matches = list(jurisdiction_search(""))
    context = {
        "form": form,
        "on": on,
        "jurisdiction": jurisdiction,
        "matches": matches,
        "searched": form.is_bound and bool(request.GET.get("q", "").strip()),
        "groups": effective_rows(jurisdiction, on) if jurisdiction is not None else [],
        "can_create": jurisdiction is not None and can_create_profile_for(request.user, jurisdiction),
    }
    return render(request, "policy/effective.html", context)


@login_required
def history(request: HttpRequest, code: str) -> HttpResponse:
    """All versions of one jurisdiction's own profile, newest first, with who wrote them and why."""
    require(request.user, "policy.view_profile")
    jurisdiction = jurisdiction_get(code=code)
    versions = []
    for profile in profile_history(jurisdiction=jurisdiction).select_related("created_by"):
        rows = []
        for value in profile.values.all():
            try:
                spec = spec_for(value.key)
                label, shown = parameter_label(spec), display_value(spec, parse_value(spec, value.value))
            except ValueError:
                label, shown = value.key, value.value
            rows.append({"key": value.key, "label": label, "value": shown, "row": value})
        versions.append({"profile": profile, "rows": rows})
    context = {
        "jurisdiction": jurisdiction,
        "versions": versions,
        "can_create": can_create_profile_for(request.user, jurisdiction),
    }
    return render(request, "policy/history.html", context)


@login_required
def new_version(request: HttpRequest, code: str) -> HttpResponse:
    """Write the next version of a jurisdiction's profile; invalid input re-shows the form and saves nothing."""
    jurisdiction = jurisdiction_get(code=code)
    if not can_create_profile_for(request.user, jurisdiction):
        raise PermissionDenied(_("You may not change the policy profile of this jurisdiction."))
    latest = profile_list(user=request.user, jurisdiction=jurisdiction).order_by("-effective_from", "-version").first()
    current = {v.key: v.value for v in latest.values.all()} if latest else {}
    today = timezone.localdate()
    inherited: dict[str, str] = {}
    if jurisdiction.parent is not None:
        parent_policy = effective_policy(jurisdiction=jurisdiction.parent, on=today)
        inherited = {
            key: f"{display_value(spec_for(key), item.value)} ({item.jurisdiction_name})"
            for key, item in parent_policy.values.items()
        }
    initial = {
        "effective_from": today,
        "title": latest.title if latest else _("%(name)s policy profile") % {"name": jurisdiction.name},
    }
    form = PolicyVersionForm(request.POST or None, initial=initial, current=current, inherited=inherited)
    if request.method == "POST" and form.is_valid():
        try:
            profile = policy_profile_create(
                jurisdiction=jurisdiction,
                effective_from=form.cleaned_data["effective_from"],
                title=form.cleaned_data["title"],
                note=form.cleaned_data["note"],
                values=form.service_values(),
                remove_keys=tuple(form.cleaned_data["removed"]),
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages})
        else:
            messages.success(
                request, _("Version %(version)s of the policy profile was saved.") % {"version": profile.version}
            )
            return redirect("policy:history", code=jurisdiction.code)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "policy/version_form.html",
        {"form": form, "jurisdiction": jurisdiction, "latest": latest},
        status=status,
    )
