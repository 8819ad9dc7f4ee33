"""/healthz reports database and broker status as JSON."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_ok_in_process(client, settings) -> None:
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["database"]["vendor"] in {"sqlite", "postgresql"}
    assert body["broker"] == {"ok": True, "mode": "in-process"}


def test_healthz_reports_an_unreachable_broker(client, settings, monkeypatch) -> None:
    from jiugai.core import views

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"

    class Down:
        def __enter__(self):
            raise ConnectionRefusedError

        def __exit__(self, *exc: object) -> None:
            return None

    from jiugai.celery import app

    monkeypatch.setattr(app, "connection_for_write", lambda: Down())
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["broker"] == {"ok": False, "mode": "broker", "error": "ConnectionRefusedError"}
    assert views  # the view module is the one under test


def test_healthz_needs_no_login(client) -> None:
    assert client.get("/healthz").status_code == 200
