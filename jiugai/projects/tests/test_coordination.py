"""Utility coordination services and selectors: tasks with dependencies, clashes, the estate calendar, meetings
with action items (Jiyuan seeds/000, Guyuan seeds/003, Jincheng seeds/004)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jiugai.core.models import AuditEntry
from jiugai.projects.choices import Stage, TaskStatus
from jiugai.projects.models import ActionItem, Meeting, Project, UtilityTask
from jiugai.projects.selectors import coordination as selectors
from jiugai.projects.services import coordination as services

pytestmark = pytest.mark.django_db
D = dt.date


def _task(site, actor=None, **fields):
    values: dict[str, Any] = {
        "title": "供水管网改造",
        "place": "北侧道路",
        "utility": "water",
        "excavation": True,
        "starts_on": D(2022, 3, 21),
        "ends_on": D(2022, 3, 25),
    }
    values.update(fields)
    return services.utility_task_create(actor=actor or site.east, project=site.project, estate=site.estate, **values)


def test_task_created_with_dependency_and_clash_flagged(site):
    water = _task(site, actor=site.utility)
    assert water.utility == "water" and water.estate == site.estate
    road = _task(
        site,
        title="道路铺装",
        utility="",
        place="北侧 道路",
        excavation=False,
        starts_on=D(2022, 3, 26),
        ends_on=D(2022, 4, 2),
        depends_on=[water],
    )
    assert list(road.depends_on.all()) == [water]
    clashes = selectors.clashes_for(project=site.project)
    # The water works dig on Friday 25 March; the paving starts Saturday 26 March: same ISO week 2022-W12.
    assert len(clashes) == 1
    assert {clashes[0]["first"], clashes[0]["second"]} == {water, road}
    assert clashes[0]["weeks"] == ("2022-W12",)
    gantt = selectors.project_gantt(project=site.project, clashes=clashes)
    assert [r["clash"] for r in gantt["rows"]] == [True, True]
    assert gantt["links"] == [[0, 1]]
    assert gantt["rows"][0]["end"] == "2022-03-26"  # drawn to the start of the day after the last day


def test_clash_with_another_projects_work_on_the_same_estate(site):
    other = Project.objects.get(pk=site.project.pk)
    other.pk = None
    other.code, other.public_id = "P-OTHER", "other-public"
    other.save()
    other.estates.set([site.estate])
    _task(site, title="燃气管道", utility="gas")
    UtilityTask.objects.create(
        project=other,
        estate=site.estate,
        title="雨污分流",
        place="北侧道路",
        excavation=True,
        starts_on=D(2022, 3, 24),
        ends_on=D(2022, 3, 30),
    )
    assert len(selectors.clashes_for(project=site.project)) == 1
    assert len(selectors.clashes_for(project=other)) == 1


def test_no_clash_in_another_week_or_place_or_without_digging(site):
    _task(site)
    _task(site, title="电力", utility="power", starts_on=D(2022, 3, 28), ends_on=D(2022, 4, 1))
    _task(site, title="通信", utility="telecom", place="南侧道路")
    _task(
        site,
        title="外墙",
        utility="",
        place="北侧道路",
        excavation=False,
        starts_on=D(2022, 4, 4),
        ends_on=D(2022, 4, 8),
    )
    _task(site, title="暖气", utility="heating", excavation=False, starts_on=D(2022, 4, 4), ends_on=D(2022, 4, 8))
    assert selectors.clashes_for(project=site.project) == []


def test_schedule_refusals_change_nothing(site):
    water = _task(site)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"ends_on": D(2022, 3, 20)}, "ends_on"),  # ends before it starts
        ({"starts_on": D(2022, 3, 25), "ends_on": D(2022, 3, 30), "depends_on": [water]}, "starts_on"),  # same day
        (
            {
                "starts_on": D(2022, 3, 28),
                "depends_on": [water],
                "status": TaskStatus.IN_PROGRESS,
                "ends_on": D(2022, 4, 1),
            },
            "status",
        ),
        ({"title": "  "}, "title"),
        ({"place": ""}, "place"),
        ({"utility": "steam"}, "utility"),
        ({"status": "stalled"}, "status"),
        ({"starts_on": "2022-03-21"}, "starts_on"),
        ({}, "title"),  # the same work at the same place and dates again
    ]
    for fields, field in cases:
        with pytest.raises(ValidationError) as exc:
            _task(site, **fields)
        assert field in exc.value.message_dict, (fields, exc.value.message_dict)
    assert UtilityTask.objects.count() == 1


def test_dependency_outside_project_and_estate_outside_project(site, make_estate):
    other = Project.objects.get(pk=site.project.pk)
    other.pk = None
    other.code, other.public_id = "P-OTHER", "other-public"
    other.save()
    foreign = UtilityTask.objects.create(
        project=other, estate=site.estate, title="x", place="y", starts_on=D(2022, 3, 1), ends_on=D(2022, 3, 2)
    )
    with pytest.raises(ValidationError) as exc:
        _task(site, depends_on=[foreign])
    assert "depends_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _task(site, depends_on=["abc"])
    stranger = make_estate("西苑小区", site.tree.community_a, site.tree.street_a)
    with pytest.raises(ValidationError) as exc:
        services.utility_task_create(
            actor=site.east,
            project=site.project,
            estate=stranger,
            title="t",
            place="p",
            starts_on=D(2022, 3, 1),
            ends_on=D(2022, 3, 2),
        )
    assert "estate" in exc.value.message_dict
    assert UtilityTask.objects.filter(project=site.project).count() == 0


def test_update_cycle_and_dependent_refused_then_moved(site):
    a = _task(site, title="A", starts_on=D(2022, 3, 1), ends_on=D(2022, 3, 5))
    b = _task(site, title="B", starts_on=D(2022, 3, 7), ends_on=D(2022, 3, 10), depends_on=[a])
    c = _task(site, title="C", starts_on=D(2022, 3, 12), ends_on=D(2022, 3, 15), depends_on=[b])
    with pytest.raises(ValidationError) as exc:  # A waits for C, which waits (through B) for A
        services.utility_task_update(actor=site.east, task=a, depends_on=[c])
    assert any("→" in m for m in exc.value.message_dict["depends_on"])
    with pytest.raises(ValidationError) as exc:  # A now ends after B (which waits for it) starts
        services.utility_task_update(actor=site.east, task=a, ends_on=D(2022, 3, 8))
    assert "ends_on" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.utility_task_update(actor=site.east, task=a, project=None)  # not a field that can change
    a.refresh_from_db()
    assert a.ends_on == D(2022, 3, 5) and list(a.depends_on.all()) == []
    # Moving B later is fine; starting C while B is not done is not.
    services.utility_task_update(actor=site.east, task=b, starts_on=D(2022, 3, 8))
    with pytest.raises(ValidationError) as exc:
        services.utility_task_update(actor=site.east, task=c, status=TaskStatus.IN_PROGRESS)
    assert "status" in exc.value.message_dict
    services.utility_task_update(actor=site.east, task=a, status=TaskStatus.DONE)
    services.utility_task_update(actor=site.east, task=b, status=TaskStatus.DONE)
    services.utility_task_update(actor=site.east, task=c, status=TaskStatus.IN_PROGRESS)
    c.refresh_from_db()
    assert c.status == TaskStatus.IN_PROGRESS


def test_roles_scope_and_own_utility(site, make_user):
    with pytest.raises(PermissionDenied):
        _task(site, actor=site.west)  # another street
    with pytest.raises(PermissionDenied):
        _task(site, actor=site.contractor)  # role may not coordinate
    with pytest.raises(PermissionDenied):
        _task(site, actor=site.utility, utility="gas")  # the water company plans only water works
    own = _task(site, actor=site.utility, utility="")
    assert own.utility == "water"  # filled in from the account
    gas = make_user("gas", "utility", site.tree.city, utility_type="gas")
    with pytest.raises(PermissionDenied):
        services.utility_task_update(actor=gas, task=own, place="南侧")
    services.utility_task_update(actor=site.utility, task=own, place="南侧道路")
    own.refresh_from_db()
    assert own.place == "南侧道路"
    assert UtilityTask.objects.count() == 1


def test_closed_project_schedule_frozen(site):
    Project.objects.filter(pk=site.project.pk).update(stage=Stage.CLOSED)
    with pytest.raises(ValidationError) as exc:
        _task(site)
    assert "project" in exc.value.message_dict


def test_estate_calendar_month_grid(site):
    water = _task(site)
    _task(site, title="燃气", utility="gas", starts_on=D(2022, 3, 24), ends_on=D(2022, 4, 6))
    _task(site, title="明年", utility="power", starts_on=D(2023, 3, 1), ends_on=D(2023, 3, 2))
    cal = selectors.estate_calendar(estate=site.estate, month=D(2022, 3, 15))
    assert cal["month"] == D(2022, 3, 1) and cal["prev"] == D(2022, 2, 1) and cal["next"] == D(2022, 4, 1)
    assert cal["weeks"][0]["days"][0]["day"] == D(2022, 2, 28)  # grid starts on a Monday
    assert all(len(w["days"]) == 7 for w in cal["weeks"]) and cal["weeks"][-1]["days"][-1]["day"] == D(2022, 4, 3)
    assert len(cal["tasks"]) == 2
    w12 = next(w for w in cal["weeks"] if w["label"] == "2022-W12")
    assert len(w12["clashes"]) == 1
    friday = w12["days"][4]
    assert friday["day"] == D(2022, 3, 25) and set(friday["clashing"]) == {water.pk, w12["clashes"][0]["second"].pk}
    # A user of another street sees nothing of this estate's works.
    assert selectors.estate_calendar(estate=site.estate, month=D(2022, 3, 1), user=site.west)["tasks"] == []


def test_meeting_with_actions_and_done(site):
    meeting = services.meeting_record(
        actor=site.east,
        project=site.project,
        held_on=D(2022, 3, 18),
        title="管线协调碰头会",
        attendees="街道、供水公司、燃气公司、施工单位",
        minutes="北侧道路统一开挖。",
        actions=[
            {"text": "供水与燃气同沟施工", "owner": "供水公司", "due_on": D(2022, 3, 20)},
            {"text": "", "owner": "", "due_on": None},  # an empty form row
            {"text": "恢复路面", "owner": "施工单位", "due_on": D(2022, 4, 10)},
        ],
    )
    assert [a.text for a in meeting.actions.order_by("due_on")] == ["供水与燃气同沟施工", "恢复路面"]
    assert AuditEntry.objects.filter(action="projects.meeting.record").count() == 1
    first = meeting.actions.order_by("due_on").first()
    assert first is not None
    assert [a.pk for a in selectors.actions_overdue(project=site.project, today=D(2022, 3, 21))] == [first.pk]
    services.action_item_done(actor=site.east, item=first, done_on=D(2022, 3, 20))
    first.refresh_from_db()
    assert first.done_on == D(2022, 3, 20)
    with pytest.raises(ValidationError):  # only once
        services.action_item_done(actor=site.east, item=first)
    second = meeting.actions.get(text="恢复路面")
    with pytest.raises(ValidationError):  # not in the future
        services.action_item_done(actor=site.east, item=second, done_on=dt.date.today() + dt.timedelta(days=2))
    with pytest.raises(ValidationError):  # not before the meeting
        services.action_item_done(actor=site.east, item=second, done_on=D(2022, 3, 1))
    with pytest.raises(PermissionDenied):
        services.action_item_done(actor=site.west, item=second)
    second.refresh_from_db()
    assert second.done_on is None


def test_meeting_bad_input_changes_nothing(site):
    good: dict[str, Any] = {"held_on": D(2022, 3, 18), "title": "碰头会"}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"held_on": dt.date.today() + dt.timedelta(days=1)}, "held_on"),
        ({"title": " "}, "title"),
        ({"actions": [{"text": "x", "owner": "", "due_on": D(2022, 3, 20)}]}, "actions"),
        ({"actions": [{"text": "x", "owner": "y", "due_on": None}]}, "actions"),
        ({"actions": [{"text": "x", "owner": "y", "due_on": D(2022, 3, 1)}]}, "actions"),  # before the meeting
        ({"actions": [{"text": "x", "owner": "y", "due_on": D(2022, 3, 20)}] * 51}, "actions"),
    ]
    for fields, field in cases:
        with pytest.raises(ValidationError) as exc:
            services.meeting_record(actor=site.east, project=site.project, **{**good, **fields})
        assert field in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.meeting_record(actor=site.west, project=site.project, **good)
    with pytest.raises(PermissionDenied):
        services.meeting_record(actor=site.supervisor, project=site.project, **good)
    assert Meeting.objects.count() == 0 and ActionItem.objects.count() == 0
    services.meeting_record(actor=site.utility, project=site.project, **good)
    with pytest.raises(ValidationError) as exc:  # the same meeting twice
        services.meeting_record(actor=site.east, project=site.project, **good)
    assert "title" in exc.value.message_dict
    assert Meeting.objects.count() == 1


def test_visibility_of_lists(site):
    _task(site)
    services.meeting_record(actor=site.east, project=site.project, held_on=D(2022, 3, 18), title="会")
    assert selectors.utility_task_list(user=site.east, project=site.project).count() == 1
    assert selectors.utility_task_list(user=site.west).count() == 0
    assert selectors.meeting_list(user=site.west).count() == 0
    assert selectors.meeting_list(user=site.office).count() == 1
