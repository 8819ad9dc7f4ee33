"""Health check, the audit log and the generic object-history page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from .filters import (
    AuditEntryFilter,
    audit_entries_for,
    audit_entries_visible_to,
    change_records_for,
    visible_object_or_404,
)


def _broker_status() -> dict[str, Any]:
    url = settings.CELERY_BROKER_URL
    if not url:
        return {"ok": True, "mode": "in-process"}
    try:
        from jiugai.celery import app

        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True, "mode": "broker"}
    except Exception as exc:  # noqa: BLE001 - a health check reports any failure
        return {"ok": False, "mode": "broker", "error": exc.__class__.__name__}


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker status as JSON; 503 when either is down."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database: dict[str, Any] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # noqa: BLE001
        database = {"ok": False, "vendor": connection.vendor, "error": exc.__class__.__name__}
    broker = _broker_status()
    ok = database["ok"] and broker["ok"]
    return JsonResponse(
        {"status": "ok" if ok else "degraded", "database": database, "broker": broker}, status=200 if ok else 503
    )


def querystring_without_page(request: HttpRequest) -> str:
    """The current query string without `page`, ending in '&' when not empty (for pagination links)."""
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """The append-only audit log, newest first, limited to what the user may read."""
    filterset = AuditEntryFilter(request.GET or None, queryset=audit_entries_visible_to(request.user).order_by("-seq"))
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit_log.html",
        {"filter": filterset, "page_obj": page, "querystring": querystring_without_page(request)},
    )


@login_required
def object_history(request: HttpRequest, object_type: str, pk: str) -> HttpResponse:
    """Every recorded change of one object the user may see (404 for anything else)."""
    obj = visible_object_or_404(request.user, object_type, pk)
    return render(
        request,
        "core/object_history.html",
        {
            "object": obj,
            "object_type": obj._meta.label_lower,
            "verbose_name": obj._meta.verbose_name,
            "records": change_records_for(obj)[:500],
            "entries": audit_entries_for(request.user, obj).order_by("-seq")[:200],
        },
    )


def form_errors_text(form: Any) -> str:
    """A form's errors as one message line, each prefixed with its field's label."""
    return " ".join(
        f"{form.fields[name].label if name in form.fields else ''}: {e}".lstrip(": ")
        for name, errors in form.errors.items()
        for e in errors
    )


def service_post(
    request: HttpRequest, *, action: Callable[[], Any], success: str, back: str, form: Any = None
) -> HttpResponse:
    """The body of a page's POST: check the posted `form` (if any), call one service, and go back to `back` with
    the form's errors, the service's translated refusal or `success`. When the service call returns a URL (a
    string starting with "/"), go there instead."""
    if form is not None and not form.is_valid():
        messages.error(request, form_errors_text(form))
        return redirect(back)
    try:
        result = action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
        if isinstance(result, str) and result.startswith("/"):
            return redirect(result)
    return redirect(back)
