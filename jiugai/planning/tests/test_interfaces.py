"""Planning pages, API and CLI: scoping, the plan page, exports, catalogue import and the `plan` command."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation
from openpyxl import Workbook, load_workbook

from jiugai.planning import catalogue_io, services
from jiugai.planning.models import AnnualPlan, CatalogueVersion

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def planned(world: Any) -> Any:
    world.estate("A1", households=300, proposal=Decimal("2000000"), lat="35.0", lon="113.0")
    world.estate("A2", households=160, proposal=Decimal("1200000"), lat="35.001", lon="113.0")
    world.estate("B1", street="b", households=160, proposal=Decimal("1200000"))
    plan = services.plan_create(jurisdiction=world.tree.city, year=2024, budget=Decimal("2500000"), actor=world.office)
    return services.plan_optimise(plan=plan, user=world.office)


def test_plan_page_shows_methods_exclusions_and_map(world: Any, planned: Any) -> None:
    client = login(world.office)
    with translation.override("en"):
        page = client.get(f"/planning/plans/{planned.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="optimal-plan"' in html and 'data-testid="spreadsheet-plan"' in html
    assert 'data-testid="exclusion-row"' in html
    points = client.get(f"/planning/plans/{planned.pk}/points/").json()
    assert {f["properties"]["tier"] for f in points["features"]} <= {"implement", "plan", "reserve"}
    export = client.get(f"/planning/plans/{planned.pk}/entries.xlsx")
    assert export.status_code == 200
    body = b"".join(export.streaming_content) if export.streaming else export.content  # type: ignore[attr-defined]
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    rows = list(sheet.values)
    assert len(rows) == 4
    assert client.get(f"/planning/plans/{planned.pk}/entries.csv").status_code == 200


def test_plan_run_from_page_with_new_budget(world: Any, planned: Any) -> None:
    client = login(world.office)
    response = client.post(f"/planning/plans/{planned.pk}/run/", {"budget": "5000000"})
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.budget == Decimal("5000000") and planned.run_status == "done"
    assert planned.entries.filter(tier="implement").count() == 3
    bad = client.post(f"/planning/plans/{planned.pk}/run/", {"budget": "0"})
    planned.refresh_from_db()
    assert bad.status_code in (302, 400) and planned.budget == Decimal("5000000")


def test_street_office_sees_only_its_plans(world: Any, planned: Any) -> None:
    east = login(world.east)
    assert east.get(f"/planning/plans/{planned.pk}/").status_code == 404
    assert east.get("/api/v1/planning/plans/").json()["results"] == []
    office = login(world.office)
    assert office.get("/api/v1/planning/plans/").json()["count"] == 1
    proposals = east.get("/api/v1/planning/proposals/").json()["results"]
    assert {p["estate_code"] for p in proposals} == {"A1", "A2"}


def test_other_pages_render(world: Any, planned: Any) -> None:
    client = login(world.office)
    estate = world.estates["A1"]
    for url in (
        "/planning/",
        "/planning/catalogue/",
        "/planning/proposals/",
        f"/planning/proposals/estate/{estate.pk}/",
        "/planning/scores/",
        "/planning/weights/",
        "/planning/bundles/",
        f"/planning/compare/?a={planned.pk}&b={planned.pk}",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get("/planning/scores.xlsx").status_code == 200
    assert client.get("/planning/catalogue/template.xlsx").status_code == 200


def test_proposal_formset_refuses_negative_quantity(world: Any, planned: Any) -> None:
    client = login(world.east)
    estate = world.estates["A1"]
    version = CatalogueVersion.objects.get(jurisdiction=None)
    item = version.items.get(code="B09")
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-item": str(item.pk),
        "form-0-quantity": "-5",
    }
    with translation.override("en"):
        response = client.post(f"/planning/proposals/estate/{estate.pk}/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert estate.proposals.count() == 1


def catalogue_workbook(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(catalogue_io.headers())
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_catalogue_import_all_or_nothing(world: Any) -> None:
    client = login(world.office)
    bad = catalogue_workbook(
        [
            ["X1", "道路", "basic", "m²", "area", 1, 100, "", "roads", "", ""],
            ["X2", "灯", "gold", "个", "", 1, -3, "", "", "", ""],
        ]
    )
    upload = io.BytesIO(bad)
    upload.name = "c.xlsx"
    response = client.post(
        f"/planning/catalogue/import/?jurisdiction={world.tree.city.code}",
        {"file": upload, "effective_from": "2024-01-01", "title": "城市清单"},
    )
    assert response.status_code == 400 and b"catalogue-problems" in response.content
    assert not CatalogueVersion.objects.filter(jurisdiction=world.tree.city).exists()
    good = io.BytesIO(
        catalogue_workbook([["X1", "道路", "basic", "m²", "area", 1, 100, "", "roads", "level_roads", ""]])
    )
    good.name = "c.xlsx"
    response = client.post(
        f"/planning/catalogue/import/?jurisdiction={world.tree.city.code}",
        {"file": good, "effective_from": "2024-01-01", "title": "城市清单"},
    )
    assert response.status_code == 302
    version = CatalogueVersion.objects.get(jurisdiction=world.tree.city)
    assert version.items.get().targets == ["level_roads"]
    exported = client.get(f"/planning/catalogue/{version.pk}/items.csv")
    assert exported.status_code == 200


def test_api_plan_create_optimise_and_conflict(world: Any) -> None:
    world.estate("C1", proposal=Decimal("900000"))
    world.estate("C2", proposal=Decimal("950000"), households=50)
    client = login(world.office)
    created = client.post(
        "/api/v1/planning/plans/",
        {"jurisdiction": world.tree.city.code, "year": 2025, "budget": "1000000", "must_include": ["C1"]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    ok = client.post(f"/api/v1/planning/plans/{pk}/optimise/")
    assert ok.status_code == 200 and ok.json()["run_status"] == "done"
    entries = client.get(f"/api/v1/planning/plans/{pk}/entries/").json()
    assert entries["results"][0]["estate_code"] == "C1"
    client.patch(f"/api/v1/planning/plans/{pk}/", {"budget": "100"}, content_type="application/json")
    conflict = client.post(f"/api/v1/planning/plans/{pk}/optimise/")
    assert conflict.status_code == 400
    body = conflict.json()
    assert body["error"]["code"] == "plan_conflict" if "error" in body else body["code"] == "plan_conflict"
    scores = client.get(f"/api/v1/planning/scores/?jurisdiction={world.tree.city.code}").json()
    assert scores[0]["lines"] and scores[0]["estate_code"] == "C1"
    assert client.get("/api/v1/planning/catalogue/in-force/").json()["items"]


def test_api_schema_documents_planning(world: Any) -> None:
    client = login(world.office)
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    assert "/api/v1/planning/plans/{id}/optimise/" in json.loads(schema.content)["paths"]


def test_cli_plan_optimise_json_and_conflict(world: Any, capsys: Any) -> None:
    world.estate("D1", proposal=Decimal("900000"))
    world.estate("D2", proposal=Decimal("900000"))
    call_command(
        "plan", "optimise", "--jurisdiction", world.tree.city.code, "--year", "2025", "--budget", "1000000", "--json"
    )
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] and len([e for e in data["entries"] if e["tier"] == "implement"]) == 1
    assert AnnualPlan.objects.count() == 1
    call_command("plan", "optimise", "--jurisdiction", world.tree.city.code, "--year", "2025", "--budget", "2000000")
    out = capsys.readouterr().out
    assert "implement: 2 estates" in out and AnnualPlan.objects.count() == 1
    with pytest.raises(CommandError):
        call_command("plan", "optimise", "--jurisdiction", "NOPE", "--year", "2025", "--budget", "1")
    with pytest.raises(CommandError):
        call_command("plan", "optimise", "--jurisdiction", world.tree.city.code, "--year", "2025", "--budget", "0")
