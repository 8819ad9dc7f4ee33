"""The project ledger (台账, registration and close-out; Jiyuan seeds/000): selector, page, export, API and CLI.
The done-when: the ledger shows an overdue start after 15 March (Guyuan seeds/003), at a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from jiugai.planning.models import PlanEntry
from jiugai.projects.choices import Stage
from jiugai.projects.models import Project
from jiugai.projects.selectors.progress import ledger_filters, ledger_row, ledger_rows
from jiugai.projects.services import project as project_services

pytestmark = pytest.mark.django_db

AFTER_DEADLINE = dt.date(2022, 3, 16)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _more_projects(site, make_estate, n: int, street=None) -> list[Project]:
    """`n` more registered projects (one estate each) in the site's plan."""
    created = []
    for i in range(n):
        estate = make_estate(
            f"西苑{i}号小区",
            street.children.first() if street is not None else site.tree.community_a,
            street or site.tree.street_a,
            code=f"XY-{street.code if street else 'A'}-{i:03d}",
            build_year=1990,
        )
        entry = PlanEntry(
            plan=site.plan,
            estate=estate,
            unit_key=estate.code,
            tier="implement",
            cost=Decimal("100000.00"),
            benefit=Decimal("1"),
            households=10,
        )
        entry.full_clean()
        entry.save()
        created.append(
            project_services.project_create_from_entry(
                actor=site.office, entry=entry, registered_on=dt.date(2022, 1, 11)
            )
        )
    return created


def test_ledger_flags_overdue_start_after_15_march(site):
    rows = list(ledger_rows(user=site.east, today=AFTER_DEADLINE))
    assert [p.code for p in rows] == [site.project.code]
    row = ledger_row(rows[0], AFTER_DEADLINE)
    assert row["registered_on"] == dt.date(2022, 1, 10) and row["closed_on"] is None
    assert [f["code"] for f in row["overdue"]][:2] == ["preliminary", "start"]
    assert "2022-03-15" in row["overdue"][1]["message"]
    # Before the deadline nothing is overdue, and the overdue filter agrees with the flags.
    assert ledger_row(rows[0], dt.date(2022, 2, 1))["overdue"] == []
    assert list(ledger_rows(user=site.east, filters={"overdue": "1"}, today=dt.date(2022, 2, 1))) == []
    assert len(ledger_rows(user=site.east, filters={"overdue": "1"}, today=AFTER_DEADLINE)) == 1


def test_ledger_filters_scope_and_bad_values(site, make_estate):
    _more_projects(site, make_estate, 2, street=site.tree.street_b)
    assert ledger_rows(user=site.office).count() == 3
    assert ledger_rows(user=site.east).count() == 1  # the other street's projects are not visible
    assert ledger_rows(user=site.office, filters={"street": site.tree.street_b.code}).count() == 2
    assert ledger_rows(user=site.office, filters={"stage": Stage.CONSTRUCTION}).count() == 0
    assert ledger_rows(user=site.office, filters={"year": "2022", "closed": "no"}).count() == 3
    assert ledger_rows(user=site.office, filters={"closed": "yes"}).count() == 0
    assert ledger_rows(user=site.office, filters={"q": "东苑"}).count() == 1
    for bad in ({"stage": "built"}, {"year": "twenty"}, {"overdue": "maybe"}, {"street": "NOPE"}):
        with pytest.raises(ValidationError) as exc:
            ledger_rows(user=site.office, filters=bad)
        assert set(exc.value.message_dict) == set(bad)
    with pytest.raises(ValidationError):  # a street outside the user's scope is unknown to them
        ledger_filters({"street": site.tree.street_b.code}, user=site.east)


def test_ledger_page_fixed_queries_highlight_and_export(site, make_estate):
    client = _client(site.office)
    client.get("/projects/ledger/")  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        page = client.get("/projects/ledger/")
    assert page.status_code == 200
    _more_projects(site, make_estate, 6)
    _more_projects(site, make_estate, 5, street=site.tree.street_b)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/projects/ledger/")
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    html = page.content.decode()
    assert 'data-overdue="1"' in html and "2022-03-15" in html  # every project missed the 15 March start
    assert f'data-testid="ledger-row-{site.project.code}"' in html
    filtered = client.get(f"/projects/ledger/?street={site.tree.street_b.code}&overdue=on").content.decode()
    assert filtered.count('data-testid="ledger-row-') == 5
    bad = client.get("/projects/ledger/?year=abc")
    assert bad.status_code == 200 and 'data-testid="ledger-row-' not in bad.content.decode()
    export = client.get(f"/projects/ledger.xlsx?street={site.tree.street_b.code}")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 5 and "2022-03-15" in rows[1][-1]
    assert client.get("/projects/ledger.pdf").status_code == 404
    assert _client(site.west).get("/projects/ledger/").content.decode().count('data-testid="ledger-row-') == 5
    assert Client().get("/projects/ledger/").status_code == 302  # login required


def test_ledger_api_paginated_filtered_and_errors(site, make_estate):
    _more_projects(site, make_estate, 3, street=site.tree.street_b)
    client = _client(site.office)
    body = client.get("/api/v1/projects/ledger/?page_size=2").json()
    assert body["count"] == 4 and len(body["results"]) == 2 and body["next"]
    row = client.get(f"/api/v1/projects/ledger/?q={site.project.code}").json()["results"][0]
    assert row["registered_on"] == "2022-01-10" and row["stage"] == Stage.REGISTERED
    assert [f["code"] for f in row["overdue"]][:2] == ["preliminary", "start"]
    assert client.get(f"/api/v1/projects/ledger/?street={site.tree.street_b.code}").json()["count"] == 3
    bad = client.get("/api/v1/projects/ledger/?stage=nope&year=x")
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"stage", "year"}
    assert _client(site.east).get("/api/v1/projects/ledger/").json()["count"] == 1
    assert Client().get("/api/v1/projects/ledger/").status_code == 401
    with CaptureQueriesContext(connection) as first:
        client.get("/api/v1/projects/ledger/")
    _more_projects(site, make_estate, 4)
    with CaptureQueriesContext(connection) as second:
        client.get("/api/v1/projects/ledger/")
    assert len(first) == len(second)


def test_ledger_cli(site, make_estate):
    _more_projects(site, make_estate, 2, street=site.tree.street_b)
    out = StringIO()
    call_command("ledger", "--json", "--today", "2022-03-16", stdout=out)
    data = json.loads(out.getvalue())
    assert data["count"] == 3
    mine = next(p for p in data["projects"] if p["code"] == site.project.code)
    assert mine["registered_on"] == "2022-01-10" and mine["overdue"][1]["code"] == "start"
    out = StringIO()
    call_command("ledger", "--json", "--jurisdiction", site.tree.street_a.code, "--overdue", stdout=out)
    data = json.loads(out.getvalue())
    assert data["count"] == 1 and data["jurisdiction"] == site.tree.street_a.code
    out = StringIO()
    call_command("ledger", "--overdue", "--today", "2022-02-01", stdout=out)
    assert out.getvalue().strip().endswith("0 projects")
    out = StringIO()
    call_command("ledger", "--user", site.east.username, stdout=out)
    text = out.getvalue()
    assert site.project.code in text and "! " in text and text.strip().endswith("1 projects")
    with pytest.raises(CommandError):
        call_command("ledger", "--jurisdiction", "NOPE")
    with pytest.raises(CommandError):
        call_command("ledger", "--user", "nobody")
    with pytest.raises(CommandError):  # a street outside the user's scope
        call_command("ledger", "--user", site.east.username, "--jurisdiction", site.tree.street_b.code)


def test_overdue_filter_matches_project_overdue(site, make_estate):
    """The SQL filter of the ledger and the digest says "overdue" exactly when `project_overdue` flags the row."""
    from jiugai.projects.selectors.progress import overdue_q
    from jiugai.projects.selectors.project import project_overdue

    projects = [site.project, *_more_projects(site, make_estate, 11)]
    d = dt.date
    scenarios: list[tuple[str, dict[str, Any]]] = [
        (Stage.REGISTERED, {}),
        (Stage.PRELIMINARY, {"preliminary_done_on": d(2022, 2, 20)}),
        (Stage.PRELIMINARY, {"preliminary_done_on": d(2022, 3, 2)}),
        (Stage.CONSTRUCTION, {"preliminary_done_on": d(2022, 2, 1), "started_on": d(2022, 3, 10)}),
        (Stage.CONSTRUCTION, {"preliminary_done_on": d(2022, 2, 1), "started_on": d(2022, 3, 20)}),
        (Stage.CONSTRUCTION, {"started_on": d(2022, 3, 1)}),
        (Stage.ACCEPTANCE, {"started_on": d(2022, 3, 1), "completed_on": d(2022, 9, 1)}),
        (Stage.ACCEPTANCE, {"started_on": d(2022, 3, 1), "completed_on": d(2022, 10, 9)}),
        (
            Stage.HANDED_OVER,
            {"started_on": d(2022, 3, 1), "completed_on": d(2022, 9, 1), "handed_over_on": d(2022, 11, 1)},
        ),
        (
            Stage.HANDED_OVER,
            {"started_on": d(2022, 3, 1), "completed_on": d(2022, 9, 1), "handed_over_on": d(2022, 12, 9)},
        ),
        (
            Stage.CLOSED,
            {
                "started_on": d(2022, 3, 1),
                "completed_on": d(2022, 9, 1),
                "handed_over_on": d(2022, 11, 1),
                "closed_on": d(2023, 1, 5),
            },
        ),
        (Stage.CONSTRUCTION, {"started_on": d(2022, 3, 1), "start_due": None, "preliminary_due": None}),
    ]
    for project, (stage, fields) in zip(projects, scenarios, strict=True):
        Project.objects.filter(pk=project.pk).update(stage=stage, **fields)
    for today in (d(2022, 2, 1), d(2022, 3, 1), d(2022, 3, 16), d(2022, 10, 1), d(2022, 12, 1), d(2024, 1, 1)):
        rows = list(ledger_rows(user=site.office, today=today))
        flagged = {p.code for p in rows if project_overdue(p, today)}
        filtered = set(Project.objects.filter(overdue_q(today)).values_list("code", flat=True))
        assert flagged == filtered, today
        assert {p.code for p in ledger_rows(user=site.office, filters={"overdue": True}, today=today)} == flagged
