"""The project demo: Guyuan's 2022 plan as projects, 福平苑 handed over through every gate, the public page
showing it without personal data, and the ledger flagging starts after 15 March (Guyuan 003)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import Client

from jiugai.accounts.models import User
from jiugai.demo.services import DemoReport, demo_load
from jiugai.projects.choices import AcceptanceStatus, ComplaintStatus, Party, Stage
from jiugai.projects.models import AcceptanceRound, Project
from jiugai.projects.selectors.project import project_overdue

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[DemoReport]:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield demo_load()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_every_estate_of_the_plan_is_a_project(demo: DemoReport) -> None:
    assert demo.projects is not None
    projects = Project.objects.filter(plan=demo.planning.plan)  # type: ignore[union-attr]
    assert projects.count() == 26
    assert {p.start_due for p in projects} == {dt.date(2022, 3, 15)}
    assert all(p.deadline_sources["start_due"]["reference"] == "seeds/003_54d0b71b4a1e2a82.txt" for p in projects)


def test_showcase_handed_over_through_every_gate(demo: DemoReport) -> None:
    project = demo.projects.showcase  # type: ignore[union-attr]
    assert project is not None and project.stage == Stage.HANDED_OVER
    assert project.percent_complete == 100
    assert project.reports.exists() and project.complaints.get().status == ComplaintStatus.CLOSED
    round_ = AcceptanceRound.objects.get(project=project)
    assert round_.status == AcceptanceStatus.PASSED
    assert set(round_.signatures.values_list("party", flat=True)) == set(Party.values)
    assert project.handover.receiver_name
    assert project_overdue(project) == []


def test_public_page_and_overdue_ledger(demo: DemoReport) -> None:
    project = demo.projects.showcase  # type: ignore[union-attr]
    page = Client().get(f"/p/{project.public_id}/").content.decode()  # type: ignore[union-attr]
    assert project.name in page and "原州示范建设工程公司" in page  # type: ignore[union-attr]
    assert "业主代表（示例）" not in page
    client = Client()
    client.force_login(User.objects.get(username="guyuan_office"))
    ledger = client.get("/api/v1/projects/ledger/?overdue=true")
    assert ledger.status_code == 200
    assert len(demo.projects.overdue) == 8  # type: ignore[union-attr]
    late = Project.objects.get(estate__name="信合小区")
    assert "start" in [f.code for f in project_overdue(late)]  # started 21 March
    browser = demo.projects.for_browser  # type: ignore[union-attr]
    assert browser is not None and browser.stage == Stage.REGISTERED
