"""Spreadsheet exports of the estate list and of screening results (xlsx or csv, via core.exporting).

Estates carry no personal data; household exports (phone, ID number) mask them through
`personal_data_for` like every other household view.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiugai.core.exporting import Column, export_response

from .choices import Eligibility
from .models import Estate
from .selectors import QUALITY_LABELS, latest_screenings_for, quality_badge

CHUNK = 2000


def _chunks(queryset: QuerySet[Estate]) -> Iterator[list[Estate]]:
    """Estates in id order, a chunk at a time (keyset pagination, so memory stays flat)."""
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def _stamped(name: str) -> str:
    return f"{name}-{timezone.localtime().strftime('%Y%m%d-%H%M')}"


def estate_list_export(queryset: QuerySet[Estate], *, fmt: str) -> HttpResponse | StreamingHttpResponse | FileResponse:
    badges = {"ok": _("OK"), "warning": _("Warnings"), "error": _("Errors")}
    columns = [
        Column(_("Code"), "code"),
        Column(_("Name"), "name"),
        Column(_("Aliases"), "aliases"),
        Column(_("Street"), "street.name"),
        Column(_("Community or street"), "jurisdiction.name"),
        Column(_("Address"), "address"),
        Column(_("Build year"), "build_year"),
        Column(_("Households"), "stated_households"),
        Column(_("Buildings"), "stated_buildings"),
        Column(_("Housing area (m²)"), "total_area"),
        Column(_("Management"), "get_management_status_display"),
        Column(_("Eligibility"), "get_eligibility_display"),
        Column(_("Data quality"), lambda e: badges[quality_badge(e.quality_issues)]),
        Column(
            _("Issues"),
            lambda e: "；".join(str(QUALITY_LABELS.get(i.get("code"), i.get("code"))) for i in e.quality_issues or []),
        ),
    ]
    rows = (
        e for chunk in _chunks(queryset.select_related("street", "jurisdiction", "eligibility_status")) for e in chunk
    )
    return export_response(rows=rows, columns=columns, filename=_stamped("estates"), fmt=fmt)


def reasons_text(reasons: Sequence[dict[str, Any]]) -> str:
    """Reasons as one cell: message (fact = value; parameter = threshold; source)."""
    parts = []
    for r in reasons:
        details = []
        if r.get("fact"):
            details.append(f"{r['fact']} = {r.get('value')}")
        if r.get("parameter"):
            details.append(f"{r['parameter']} = {r.get('threshold')}")
        source = r.get("source") or {}
        if source:
            details.append(" ".join(str(v) for v in source.values()))
        message = str(r.get("message", r.get("code")))
        parts.append(f"{message} ({'; '.join(details)})" if details else message)
    return "\n".join(parts)


def screening_export(queryset: QuerySet[Estate], *, fmt: str) -> HttpResponse | StreamingHttpResponse | FileResponse:
    def rows() -> Iterator[dict[str, Any]]:
        texts: dict[int, str] = {}  # decisions are shared by many estates: format each once
        for chunk in _chunks(queryset.select_related("street")):
            results = latest_screenings_for(e.pk for e in chunk)
            for e in chunk:
                result = results.get(e.pk)
                if result is not None and result.decision_id not in texts:
                    texts[result.decision_id] = reasons_text(result.reasons)
                yield {
                    "estate": e,
                    "result": result,
                    "outcome": result.get_outcome_display() if result else Eligibility.UNSCREENED.label,
                    "reasons": texts[result.decision_id] if result else "",
                }

    columns = [
        Column(_("Code"), "estate.code"),
        Column(_("Name"), "estate.name"),
        Column(_("Street"), "estate.street.name"),
        Column(_("Build year"), "estate.build_year"),
        Column(_("Outcome"), "outcome"),
        Column(_("Policy date"), "result.policy_date"),
        Column(_("Screened at"), "result.screened_at"),
        Column(_("Reasons"), "reasons"),
    ]
    return export_response(rows=rows(), columns=columns, filename=_stamped("screening"), fmt=fmt)
