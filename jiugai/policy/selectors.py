"""Reads for policy: the parameters in force for a jurisdiction on a date, and where each came from."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from jiugai.accounts.models import Jurisdiction
from jiugai.rules.decision import Source
from jiugai.rules.policy import Layer, Policy, resolve

from .models import PolicyProfile


def profile_in_force(*, jurisdiction: Jurisdiction, on: dt.date) -> PolicyProfile | None:
    return (
        PolicyProfile.objects.filter(jurisdiction=jurisdiction, effective_from__lte=on)
        .order_by("-effective_from", "-version")
        .first()
    )


def effective_policy(*, jurisdiction: Jurisdiction, on: dt.date | None = None) -> Policy:
    """Merge the profiles in force on `on` from the root of the tree down to `jurisdiction`."""
    on = on or timezone.localdate()
    layers: list[Layer] = []
    for node in jurisdiction.ancestors(include_self=True):
        profile = profile_in_force(jurisdiction=node, on=on)
        if profile is None:
            continue
        layers.append(
            Layer(
                jurisdiction_code=node.code,
                jurisdiction_name=node.name,
                version=profile.version,
                effective_from=profile.effective_from,
                values={
                    v.key: (
                        v.value,
                        Source(
                            title=v.source_title,
                            reference=v.source_reference,
                            url=v.source_url,
                            jurisdiction=node.name,
                        ),
                    )
                    for v in profile.values.all()
                },
            )
        )
    return resolve(layers, code=jurisdiction.code, on=on)


def profile_list(*, user: Any, jurisdiction: Jurisdiction | None = None) -> QuerySet[PolicyProfile]:
    """Policy profiles are published rules: every signed-in user may read every jurisdiction's."""
    qs = PolicyProfile.objects.select_related("jurisdiction", "created_by")
    if jurisdiction is not None:
        qs = qs.filter(jurisdiction=jurisdiction)
    return qs


def profile_history(*, jurisdiction: Jurisdiction) -> QuerySet[PolicyProfile]:
    return PolicyProfile.objects.filter(jurisdiction=jurisdiction).prefetch_related("values").order_by("-version")
