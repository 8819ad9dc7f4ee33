"""Health check and small shared views."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache


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
    return JsonResponse({"status": "ok" if ok else "degraded", "database": database, "broker": broker}, status=200 if ok else 503)
