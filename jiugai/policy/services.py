"""Writes for policy profiles: every change is a new version with its own effective date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from jiugai.accounts.models import Jurisdiction
from jiugai.core.audit import audit_entry_append
from jiugai.rules.params import ParameterError, canonical, spec_for

from .models import PolicyProfile, PolicyValue

# value given as either the raw value or a mapping with "value" and source fields
ValueInput = Any


def _split(entry: ValueInput) -> tuple[Any, dict[str, str]]:
    if isinstance(entry, Mapping) and "value" in entry:
        source = {
            "source_title": str(entry.get("source_title", "")),
            "source_reference": str(entry.get("source_reference", "")),
            "source_url": str(entry.get("source_url", "")),
        }
        return entry["value"], source
    return entry, {"source_title": "", "source_reference": "", "source_url": ""}


@transaction.atomic
def policy_profile_create(
    *,
    jurisdiction: Jurisdiction,
    effective_from: dt.date,
    title: str,
    values: Mapping[str, ValueInput],
    note: str = "",
    actor: Any = None,
    inherit_previous: bool = True,
    remove_keys: tuple[str, ...] = (),
) -> PolicyProfile:
    """Create the next version of `jurisdiction`'s profile.

    The new version starts from the newest earlier version's values (unless `inherit_previous` is
    false), applies `values`, drops `remove_keys`, validates everything and saves. Nothing is
    overwritten: earlier versions stay as they were.
    """
    errors: dict[str, list[str]] = {}
    parsed: dict[str, tuple[Any, dict[str, str]]] = {}
    for key, entry in values.items():
        raw, source = _split(entry)
        try:
            parsed[key] = (canonical(spec_for(key), raw), source)
        except ParameterError as exc:
            errors.setdefault(key, []).append(_parameter_message(exc))
    if errors:
        raise ValidationError(errors)

    previous = (
        PolicyProfile.objects.filter(jurisdiction=jurisdiction).order_by("-effective_from", "-version").first()
        if inherit_previous
        else None
    )
    merged: dict[str, tuple[Any, dict[str, str]]] = {}
    if previous is not None:
        for pv in previous.values.all():
            merged[pv.key] = (
                pv.value,
                {"source_title": pv.source_title, "source_reference": pv.source_reference, "source_url": pv.source_url},
            )
    merged.update(parsed)
    for key in remove_keys:
        merged.pop(key, None)

    next_version = (PolicyProfile.objects.filter(jurisdiction=jurisdiction).aggregate(m=Max("version"))["m"] or 0) + 1
    profile = PolicyProfile(
        jurisdiction=jurisdiction,
        version=next_version,
        effective_from=effective_from,
        title=title,
        note=note,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    profile.full_clean()
    profile.save()
    rows = [
        PolicyValue(profile=profile, key=key, value=value, **source) for key, (value, source) in sorted(merged.items())
    ]
    for row in rows:
        row.full_clean(exclude=["profile"])
    PolicyValue.objects.bulk_create(rows)
    audit_entry_append(
        action="policy.profile_created",
        obj=profile,
        actor=actor,
        jurisdiction_code=jurisdiction.code,
        payload={
            "version": next_version,
            "effective_from": effective_from.isoformat(),
            "changed": {k: v for k, (v, _s) in parsed.items()},
            "removed": list(remove_keys),
            "note": note,
        },
    )
    return profile


def _parameter_message(exc: ParameterError) -> str:
    messages = {
        "zero_denominator": _("A fraction cannot have a zero denominator."),
        "not_a_fraction": _("Enter a fraction such as 2/3 or a decimal such as 0.15."),
        "not_exact": _("Enter the value as exact text (2/3 or 0.15), not as a floating-point number."),
        "not_a_number": _("Enter a number."),
        "not_an_integer": _("Enter a whole number."),
        "not_a_boolean": _("Enter true or false."),
        "not_a_date": _("Enter a date as YYYY-MM-DD."),
        "not_a_choice": _("Choose one of the allowed values."),
        "below_minimum": _("The value is below the allowed minimum."),
        "above_maximum": _("The value is above the allowed maximum."),
        "unknown_parameter": _("There is no such parameter."),
        "not_a_table": _("Enter a table of floor → coefficient."),
        "bad_floor": _("Floor numbers must be whole numbers from 1."),
        "missing_floor": _("A floor is missing from the table."),
        "negative": _("The value cannot be negative."),
        "out_of_range": _("The value is out of range."),
    }
    return f"{messages.get(exc.code, _('Invalid value.'))} ({exc.message})"
