"""Project registration, deadlines from the profile, and the stage gates up to the start of works."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jiugai.core.models import AuditEntry
from jiugai.projects.choices import Stage
from jiugai.projects.selectors.project import project_history, project_next_steps, project_overdue
from jiugai.projects.services import project as services

pytestmark = pytest.mark.django_db


def test_registered_from_plan_entry_with_profile_deadlines(site):
    project = site.project
    assert project.stage == Stage.REGISTERED
    assert project.jurisdiction == site.tree.street_a
    assert project.start_due == dt.date(2022, 3, 15)
    assert project.deadline_sources["start_due"]["reference"] == "seeds/003_54d0b71b4a1e2a82.txt"
    assert list(project.estates.all()) == [site.estate]
    with pytest.raises(ValidationError):
        services.project_create_from_entry(actor=site.east, entry=site.entry)


def test_gates_block_until_met(site):
    steps = project_next_steps(project=site.project, actor=site.east)
    assert steps[0]["target"] == Stage.PRELIMINARY and len(steps[0]["blockers"]) == 3
    with pytest.raises(ValidationError):
        services.project_advance(actor=site.east, project=site.project, target=Stage.PRELIMINARY)
    with pytest.raises(ValidationError):  # skipping a stage is not in the table
        services.project_advance(actor=site.office, project=site.project, target=Stage.CONSTRUCTION)
    project = site.ready_for_construction()
    assert project.stage == Stage.PRELIMINARY
    services.project_advance(
        actor=site.east, project=project, target=Stage.CONSTRUCTION, reason="开工", on=dt.date(2022, 3, 20)
    )
    project.refresh_from_db()
    assert project.stage == Stage.CONSTRUCTION and project.started_on == dt.date(2022, 3, 20)
    assert [c.to_status for c in project_history(project=project)] == [Stage.PRELIMINARY, Stage.CONSTRUCTION]
    assert AuditEntry.objects.filter(action="projects.project.construction").exists()
    flags = project_overdue(project, today=dt.date(2022, 4, 1))
    assert [f.code for f in flags] == ["start"]  # preliminary work is closed by the contract's date, not the start


def test_other_street_and_wrong_role_refused(site):
    with pytest.raises(PermissionDenied):
        services.project_advance(actor=site.west, project=site.project, target=Stage.PRELIMINARY)
    with pytest.raises(PermissionDenied):
        services.project_advance(actor=site.contractor, project=site.project, target=Stage.PRELIMINARY)


def test_future_date_refused(site):
    project = site.ready_for_construction()
    with pytest.raises(ValidationError):
        services.project_advance(
            actor=site.east, project=project, target=Stage.CONSTRUCTION, on=dt.date.today() + dt.timedelta(days=3)
        )
    project.refresh_from_db()
    assert project.stage == Stage.PRELIMINARY


def test_overdue_start_when_not_started(site):
    assert [f.code for f in project_overdue(site.project, today=dt.date(2022, 3, 16))] == ["preliminary", "start"]
    assert project_overdue(site.project, today=dt.date(2022, 2, 1)) == []
