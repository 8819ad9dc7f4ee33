"""Reads for policy: the parameters in force for a jurisdiction on a date, and where each came from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from jiugai.accounts.models import Jurisdiction
from jiugai.rules.decision import Source
from jiugai.rules.policy import Layer, Policy, resolve

from .models import PolicyProfile


def effective_policy(*, jurisdiction: Jurisdiction, on: dt.date | None = None) -> Policy:
    """Merge the profiles in force on `on` from the root of the tree down to `jurisdiction`."""
    return effective_policies(jurisdictions=[jurisdiction], on=on)[jurisdiction.pk]


def effective_policies(*, jurisdictions: Iterable[Jurisdiction], on: dt.date | None = None) -> dict[int, Policy]:
    """`effective_policy` of many jurisdictions at once (by primary key), in three queries however many:
    every ancestor, the profiles in force at those ancestors, and their values."""
    on = on or timezone.localdate()
    wanted = {j.pk: j for j in jurisdictions}
    chains = {pk: [c for c in j.path.strip("/").split("/") if c] for pk, j in wanted.items()}
    codes = {code for chain in chains.values() for code in chain}
    nodes = {j.code: j for j in Jurisdiction.objects.filter(code__in=codes)}
    newest: dict[int, PolicyProfile] = {}
    for profile in (
        PolicyProfile.objects.filter(jurisdiction__in=list(nodes.values()), effective_from__lte=on)
        .prefetch_related("values")
        .order_by("jurisdiction_id", "-effective_from", "-version")
    ):
        newest.setdefault(profile.jurisdiction_id, profile)
    layers: dict[str, Layer] = {}
    for code, node in nodes.items():
        in_force = newest.get(node.pk)
        if in_force is not None:
            layers[code] = Layer(
                jurisdiction_code=node.code,
                jurisdiction_name=node.name,
                version=in_force.version,
                effective_from=in_force.effective_from,
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
                    for v in in_force.values.all()
                },
            )
    return {pk: resolve([layers[c] for c in chains[pk] if c in layers], code=wanted[pk].code, on=on) for pk in wanted}


def profile_list(*, user: Any, jurisdiction: Jurisdiction | None = None) -> QuerySet[PolicyProfile]:
    """Policy profiles are published rules: every signed-in user may read every jurisdiction's."""
    qs = PolicyProfile.objects.select_related("jurisdiction", "created_by")
    if jurisdiction is not None:
        qs = qs.filter(jurisdiction=jurisdiction)
    return qs


def profile_history(*, jurisdiction: Jurisdiction) -> QuerySet[PolicyProfile]:
    return PolicyProfile.objects.filter(jurisdiction=jurisdiction).prefetch_related("values").order_by("-version")
