"""Complaint and coordination pages, public pages and API: the resident's phone form without login (CSRF,
rate limit, bad input), the status page and the satisfaction answer, the staff queue (overdue first, export,
masking), the mediation-group editor, the coordination page with its Gantt data and calendar, and the API."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.test import Client
from openpyxl import load_workbook

from jiugai.core.models import AuditEntry
from jiugai.projects.choices import ComplaintStatus
from jiugai.projects.models import ActionItem, Complaint, MediationGroup, Meeting, UtilityTask
from jiugai.projects.services import complaints as services
from jiugai.projects.services import coordination as coordination_services

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
PHONE = "13812345678"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _submit(site, **fields) -> Complaint:
    values: dict[str, Any] = {
        "category": "noise",
        "description": "中午用电镐施工。",
        "place": "3号楼",
        "reporter_name": "陈女士",
        "reporter_phone": PHONE,
    }
    values.update(fields)
    return services.complaint_submit(project=site.project, **values)


def _xlsx(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# --- public pages -----------------------------------------------------------------------------------


def test_public_form_without_login_then_status_page(site):
    services.mediation_group_set(actor=site.east, estate=site.estate, members=[{"kind": "police", "name": "王"}])
    client = Client(enforce_csrf_checks=True)
    url = f"/p/{site.project.public_id}/complaint/"
    page = client.get(url)
    assert page.status_code == 200 and 'name="csrfmiddlewaretoken"' in page.content.decode()
    token = page.cookies["csrftoken"].value
    response = client.post(
        url,
        {
            "csrfmiddlewaretoken": token,
            "category": "safety",
            "description": "沟槽没有围挡",
            "place": "北门",
            "reporter_phone": "",
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.reporter_phone == "" and complaint.mediation_group is not None
    assert response["Location"] == f"/p/c/{complaint.reference}/?sent=1"
    status = client.get(response["Location"]).content.decode()
    assert 'data-testid="complaint-sent"' in status and "沟槽没有围挡" in status
    assert 'data-testid="rate-form"' not in status  # not resolved yet


def test_public_form_refuses_missing_csrf(site):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/p/{site.project.public_id}/complaint/", {"category": "noise", "description": "x"})
    assert response.status_code == 403
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"category": "weather", "description": "太吵"}, "category"),
        ({"category": "", "description": "太吵"}, "category"),
        ({"category": "noise", "description": "   "}, "description"),
        ({"category": "noise", "description": "太吵", "reporter_phone": "abc"}, "reporter_phone"),
    ],
)
def test_public_form_bad_input(site, data, field):
    response = Client().post(f"/p/{site.project.public_id}/complaint/", data)
    assert response.status_code == 400
    assert f'data-testid="error-{field}"' in response.content.decode()
    assert Complaint.objects.count() == 0


def test_public_form_unknown_project_and_rate_limit(site):
    assert Client().get("/p/no-such-project/complaint/").status_code == 404
    client = Client(REMOTE_ADDR="10.9.9.9")
    url = f"/p/{site.project.public_id}/complaint/"
    codes = [client.post(url, {"category": "noise", "description": f"第{i}次投诉"}).status_code for i in range(6)]
    assert codes == [302] * 5 + [429]
    assert Complaint.objects.count() == 5
    assert Client(REMOTE_ADDR="10.9.9.8").post(url, {"category": "noise", "description": "别人"}).status_code == 302


def test_rating_after_resolution_once(site):
    complaint = _submit(site)
    client = Client()
    url = f"/p/c/{complaint.reference}/"
    early = client.post(url, {"satisfaction": "satisfied"})  # before resolution
    assert early.status_code == 400 and 'data-testid="rate-errors"' in early.content.decode()
    services.complaint_reply(actor=site.east, complaint=complaint, reply="已约谈施工单位")
    services.complaint_resolve(actor=site.east, complaint=complaint, resolution="午休时段停工")
    page = client.get(url).content.decode()
    assert "已约谈施工单位" in page and "午休时段停工" in page and 'data-testid="rate-form"' in page
    assert PHONE not in page and "陈女士" not in page and "east" not in page
    assert client.post(url, {"satisfaction": "great"}).status_code == 400
    response = client.post(url, {"satisfaction": "satisfied"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.satisfaction == "satisfied" and complaint.status == ComplaintStatus.CLOSED
    twice = client.post(url, {"satisfaction": "dissatisfied"})
    assert twice.status_code == 400
    complaint.refresh_from_db()
    assert complaint.satisfaction == "satisfied"


def test_unknown_reference_404_then_rate_limited(site):
    client = Client(REMOTE_ADDR="10.1.1.1")
    codes = [client.get(f"/p/c/guess{i}/").status_code for i in range(6)]
    assert codes == [404] * 5 + [429]


# --- staff pages ------------------------------------------------------------------------------------


def test_queue_overdue_first_masking_and_export(site):
    old = _submit(site, description="早就该回复", category="dust")
    Complaint.objects.filter(pk=old.pk).update(
        received_at=dt.datetime(2022, 3, 21, 9, tzinfo=SH), due_at=dt.datetime(2022, 3, 24, 23, 59, 59, tzinfo=SH)
    )
    fresh = _submit(site, description="刚刚发生")
    page = _client(site.east).get("/projects/complaints/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index(f'data-testid="complaint-{old.pk}"') < html.index(f'data-testid="complaint-{fresh.pk}"')
    assert 'data-overdue="1"' in html and PHONE in html
    assert _client(site.east).get("/projects/complaints/?overdue=on").content.decode().count('data-overdue="1"') == 1
    masked = _client(site.contractor).get("/projects/complaints/").content.decode()
    assert PHONE not in masked and "138****5678" in masked
    export = _client(site.east).get("/projects/complaints/list.xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    rows = _xlsx(export)
    assert rows[1][3] == "早就该回复" and PHONE in rows[1]
    masked_rows = _xlsx(_client(site.contractor).get("/projects/complaints/list.xlsx"))
    assert PHONE not in [cell for row in masked_rows for cell in row]
    assert _client(site.east).get("/projects/complaints/list.pdf").status_code == 404
    west = _client(site.west).get("/projects/complaints/").content.decode()
    assert f'data-testid="complaint-{old.pk}"' not in west and f'data-testid="complaint-{fresh.pk}"' not in west


def test_project_complaints_page_detail_reply_resolve(site):
    complaint = _submit(site)
    client = _client(site.east)
    page = client.get(f"/projects/{site.project.pk}/complaints/").content.decode()
    assert 'data-testid="complaint-qr"' in page and f"/p/{site.project.public_id}/complaint/" in page
    assert client.get(f"/projects/{site.project.pk}/complaints.xlsx").status_code == 200
    detail = f"/projects/complaints/{complaint.pk}/"
    assert client.get(detail).status_code == 200
    empty = client.post(detail, {"form": "reply", "reply": ""})
    assert empty.status_code == 400
    assert client.post(detail, {"form": "reply", "reply": "已回复居民"}).status_code == 302
    assert client.post(detail, {"form": "resolve", "resolution": "已解决"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RESOLVED and complaint.reply == "已回复居民"
    again = client.post(detail, {"form": "resolve", "resolution": "再次"})
    assert again.status_code == 400
    assert AuditEntry.objects.filter(action="projects.complaint.resolve").count() == 1


def test_other_street_staff_404_and_viewer_cannot_handle(site):
    complaint = _submit(site)
    west = _client(site.west)
    assert west.get(f"/projects/complaints/{complaint.pk}/").status_code == 404
    assert west.post(f"/projects/complaints/{complaint.pk}/", {"form": "reply", "reply": "x"}).status_code == 404
    assert west.get(f"/projects/{site.project.pk}/complaints/").status_code == 404
    assert west.get(f"/projects/{site.project.pk}/coordination/").status_code == 404
    contractor = _client(site.contractor)
    assert contractor.get(f"/projects/complaints/{complaint.pk}/").status_code == 200
    assert contractor.post(f"/projects/complaints/{complaint.pk}/", {"form": "reply", "reply": "x"}).status_code == 403
    complaint.refresh_from_db()
    assert complaint.reply == ""
    assert Client().get("/projects/complaints/").status_code == 302  # login required


def test_mediation_group_editor(site):
    client = _client(site.east)
    url = f"/projects/estates/{site.estate.pk}/mediation-group/?project={site.project.pk}"
    page = client.get(url).content.decode()
    assert 'data-testid="group-gaps"' in page
    management = {"members-TOTAL_FORMS": "2", "members-INITIAL_FORMS": "0", "members-MAX_NUM_FORMS": "30"}
    bad = client.post(url, {**management, "name": "", "members-0-kind": "police", "members-0-name": ""})
    assert bad.status_code == 400 and 'data-testid="group-errors"' in bad.content.decode()
    assert MediationGroup.objects.count() == 0
    good = client.post(
        url,
        {
            **management,
            "name": "东苑调解小组",
            "members-0-kind": "police",
            "members-0-name": "派出所 王",
            "members-1-kind": "justice",
            "members-1-name": "司法所 张",
        },
    )
    assert good.status_code == 302 and good["Location"] == f"/projects/{site.project.pk}/complaints/"
    assert MediationGroup.objects.get().members.count() == 2
    assert _client(site.contractor).post(url, {**management, "name": "x"}).status_code == 403
    assert _client(site.west).get(url).status_code == 404


# --- coordination page ------------------------------------------------------------------------------


def test_coordination_page_forms_gantt_calendar_and_export(site):
    client = _client(site.east)
    url = f"/projects/{site.project.pk}/coordination/"
    assert client.get(url).status_code == 200
    task = {
        "form": "task",
        "estate": site.estate.pk,
        "utility": "water",
        "title": "供水管网",
        "place": "北侧道路",
        "excavation": "on",
        "starts_on": "2022-03-21",
        "ends_on": "2022-03-25",
        "status": "planned",
    }
    assert client.post(url, task).status_code == 302
    clash = client.post(url, {**task, "utility": "gas", "title": "燃气管道"}, follow=True)
    assert "2022-W12" in clash.content.decode()  # the warning names the shared week
    bad = client.post(url, {**task, "title": "错日期", "ends_on": "2022-03-01"})
    assert bad.status_code == 400 and 'data-testid="error-ends_on"' in bad.content.decode()
    assert UtilityTask.objects.count() == 2
    page = client.get(f"{url}?month=2022-03").content.decode()
    assert page.count('data-clash="1"') == 2 and 'data-clash-week="2022-W12"' in page
    assert 'id="coordination-gantt-data"' in page and '"clash": true' in page
    assert re.search(r'<script src="/static/jiugai/project_gantt\.js">', page)
    script = finders.find("jiugai/project_gantt.js")
    assert script and "echarts.init" in open(script, encoding="utf-8").read()
    rows = _xlsx(client.get(f"/projects/{site.project.pk}/coordination/tasks.xlsx"))
    assert len(rows) == 3 and all("2022-W12" in (row[-1] or "") for row in rows[1:])
    first = UtilityTask.objects.get(title="供水管网")
    edit = f"/projects/{site.project.pk}/coordination/tasks/{first.pk}/"
    assert client.get(edit).status_code == 200
    moved = client.post(
        edit,
        {
            "estate": site.estate.pk,
            "utility": "water",
            "title": "供水管网",
            "place": "北侧道路",
            "excavation": "on",
            "starts_on": "2022-04-04",
            "ends_on": "2022-04-08",
            "status": "planned",
        },
    )
    assert moved.status_code == 302
    assert client.get(url).content.decode().count('data-clash="1"') == 0
    assert _client(site.contractor).post(url, task).status_code == 403


def test_meeting_form_with_actions_and_done(site):
    client = _client(site.east)
    url = f"/projects/{site.project.pk}/coordination/"
    management = {"actions-TOTAL_FORMS": "3", "actions-INITIAL_FORMS": "0", "actions-MAX_NUM_FORMS": "50"}
    meeting = {
        **management,
        "form": "meeting",
        "held_on": "2022-03-18",
        "title": "管线碰头会",
        "minutes": "统一开挖",
        "actions-0-text": "同沟施工",
        "actions-0-owner": "供水公司",
        "actions-0-due_on": "2022-03-20",
    }
    bad = client.post(url, {**meeting, "actions-0-due_on": "2022-03-01"})
    assert bad.status_code == 400 and Meeting.objects.count() == 0
    future = client.post(url, {**meeting, "held_on": (dt.date.today() + dt.timedelta(days=3)).isoformat()})
    assert future.status_code == 400 and 'data-testid="error-held_on"' in future.content.decode()
    assert client.post(url, meeting).status_code == 302
    item = ActionItem.objects.get()
    assert (
        client.post(
            f"/projects/{site.project.pk}/coordination/actions/{item.pk}/done/", {"done_on": "2022-03-19"}
        ).status_code
        == 302
    )
    item.refresh_from_db()
    assert item.done_on == dt.date(2022, 3, 19)
    export = _xlsx(client.get(f"/projects/{site.project.pk}/coordination/actions.xlsx"))
    assert export[1][2] == "同沟施工"


# --- API --------------------------------------------------------------------------------------------


def test_api_tasks_meetings_clashes(site):
    client = _client(site.east)
    base = "/api/v1/projects/"
    created = client.post(
        f"{base}utility-tasks/",
        {
            "project": site.project.pk,
            "estate": site.estate.code,
            "utility": "water",
            "title": "供水",
            "place": "北侧道路",
            "excavation": True,
            "starts_on": "2022-03-21",
            "ends_on": "2022-03-25",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    first = created.json()["id"]
    second = client.post(
        f"{base}utility-tasks/",
        {
            "project": site.project.pk,
            "estate": site.estate.code,
            "title": "路面",
            "place": "北侧道路",
            "starts_on": "2022-03-25",
            "ends_on": "2022-03-30",
            "depends_on": [first],
        },
        content_type="application/json",
    )
    assert second.status_code == 400
    error = second.json()["error"]
    assert error["code"] == "invalid" and "starts_on" in error["fields"]
    ok = client.post(
        f"{base}utility-tasks/",
        {
            "project": site.project.pk,
            "estate": site.estate.code,
            "title": "路面",
            "place": "北侧道路",
            "starts_on": "2022-03-26",
            "ends_on": "2022-03-30",
            "depends_on": [first],
        },
        content_type="application/json",
    )
    assert ok.status_code == 201
    clashes = client.get(f"{base}utility-tasks/clashes/?project={site.project.pk}").json()
    assert len(clashes) == 1 and clashes[0]["weeks"] == ["2022-W12"]
    cycle = client.patch(
        f"{base}utility-tasks/{first}/", {"depends_on": [ok.json()["id"]]}, content_type="application/json"
    )
    assert cycle.status_code == 400 and "depends_on" in cycle.json()["error"]["fields"]
    listed = client.get(f"{base}utility-tasks/?project={site.project.pk}").json()
    assert (listed["count"] if isinstance(listed, dict) else len(listed)) == 2
    west = _client(site.west)
    assert west.get(f"{base}utility-tasks/{first}/").status_code == 404
    assert (
        west.post(
            f"{base}utility-tasks/",
            {
                "project": site.project.pk,
                "estate": site.estate.code,
                "title": "x",
                "place": "y",
                "starts_on": "2022-03-01",
                "ends_on": "2022-03-02",
            },
            content_type="application/json",
        ).status_code
        == 400
    )
    meeting = client.post(
        f"{base}meetings/",
        {
            "project": site.project.pk,
            "held_on": "2022-03-18",
            "title": "碰头会",
            "actions": [{"text": "同沟施工", "owner": "供水公司", "due_on": "2022-03-20"}],
        },
        content_type="application/json",
    )
    assert meeting.status_code == 201 and len(meeting.json()["actions"]) == 1
    item = meeting.json()["actions"][0]["id"]
    done = client.post(
        f"{base}meetings/{meeting.json()['id']}/actions/{item}/done/",
        {"done_on": "2022-03-19"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["done_on"] == "2022-03-19"
    again = client.post(
        f"{base}meetings/{meeting.json()['id']}/actions/{item}/done/", {}, content_type="application/json"
    )
    assert again.status_code == 400


def test_api_complaints_queue_reply_resolve(site):
    complaint = _submit(site)
    client = _client(site.east)
    base = "/api/v1/projects/complaints/"
    listed = client.get(base).json()
    results = listed["results"] if isinstance(listed, dict) else listed
    assert results[0]["reporter_phone"] == PHONE and "reference" not in results[0]
    masked = _client(site.contractor).get(base).json()
    masked = masked["results"] if isinstance(masked, dict) else masked
    assert masked[0]["reporter_phone"] == "138****5678"
    assert (
        client.post(f"{base}{complaint.pk}/reply/", {"reply": ""}, content_type="application/json").status_code == 400
    )
    replied = client.post(f"{base}{complaint.pk}/reply/", {"reply": "已回复"}, content_type="application/json")
    assert replied.status_code == 200 and replied.json()["status"] == "replied"
    resolved = client.post(f"{base}{complaint.pk}/resolve/", {"resolution": "已解决"}, content_type="application/json")
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    twice = client.post(f"{base}{complaint.pk}/resolve/", {"resolution": "再次"}, content_type="application/json")
    assert twice.status_code == 400 and twice.json()["error"]["code"] == "invalid"
    forbidden = _client(site.contractor).post(
        f"{base}{complaint.pk}/reply/", {"reply": "x"}, content_type="application/json"
    )
    assert forbidden.status_code == 403
    assert _client(site.west).get(f"{base}{complaint.pk}/").status_code == 404
    assert client.get(f"{base}?category=weather").status_code == 400
    assert Client().get(base).status_code in (401, 403)


def test_public_project_summary_figures(site):
    complaint = _submit(site)
    coordination_services.meeting_record(
        actor=site.east, project=site.project, held_on=dt.date(2022, 3, 18), title="会"
    )
    services.complaint_resolve(actor=site.east, complaint=complaint, resolution="ok")
    from jiugai.projects.selectors.complaints import complaints_public_summary

    summary = complaints_public_summary(project=site.project)
    assert summary["total"] == 1 and summary["resolved"] == 1 and summary["percent_resolved"] == 100.0
