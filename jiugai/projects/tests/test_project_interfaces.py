"""Project pages, API and CLI: scoping, gates as errors, the public page without personal data."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from jiugai.projects.choices import MemberRole, Stage
from jiugai.projects.models import Project
from jiugai.projects.services import project as services

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_list_detail_map_and_export(site):
    client = _client(site.east)
    page = client.get("/projects/")
    assert page.status_code == 200 and site.project.code in page.content.decode()
    overdue = client.get("/projects/?overdue=on")
    assert site.project.code in overdue.content.decode()  # not started by 2022-03-15
    detail = client.get(f"/projects/{site.project.pk}/").content.decode()
    assert "2022-03-15" in detail and "seeds/003_54d0b71b4a1e2a82.txt" in detail
    assert 'data-testid="blockers-preliminary"' in detail and 'data-testid="project-funding"' in detail
    points = client.get("/projects/map/points.json").json()
    assert points["features"][0]["properties"]["stage"]
    export = client.get("/projects/list.xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    assert client.get(f"/projects/{site.project.pk}/", HTTP_ACCEPT="text/html").status_code == 200
    assert _client(site.west).get(f"/projects/{site.project.pk}/").status_code == 404


def test_advance_from_page_blocked_then_allowed(site):
    client = _client(site.east)
    response = client.post(f"/projects/{site.project.pk}/advance/", {"target": Stage.PRELIMINARY}, follow=True)
    site.project.refresh_from_db()
    assert site.project.stage == Stage.REGISTERED
    assert "street leader" in response.content.decode() or "街道领导" in response.content.decode()
    for role in (MemberRole.STREET_LEADER, MemberRole.COMMUNITY_HEAD, MemberRole.OWNER_REPRESENTATIVE):
        client.post(f"/projects/{site.project.pk}/members/", {"role": role, "name": "某人", "phone": "13912345678"})
    client.post(f"/projects/{site.project.pk}/advance/", {"target": Stage.PRELIMINARY, "reason": "ok"})
    site.project.refresh_from_db()
    assert site.project.stage == Stage.PRELIMINARY
    # A role that only views sees masked phones.
    page = _client(site.contractor).get(f"/projects/{site.project.pk}/").content.decode()
    assert "13912345678" not in page


def test_api_next_steps_advance_errors_and_scope(site):
    client = _client(site.east)
    listing = client.get("/api/v1/projects/projects/").json()
    assert listing["count"] == 1 and listing["results"][0]["overdue"]
    steps = client.get(f"/api/v1/projects/projects/{site.project.pk}/next-steps/").json()
    assert steps[0]["target"] == "preliminary" and steps[0]["blockers"]
    refused = client.post(
        f"/api/v1/projects/projects/{site.project.pk}/advance/",
        {"target": "preliminary"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["error"]["fields"]["stage"]
    skipped = client.post(
        f"/api/v1/projects/projects/{site.project.pk}/advance/", {"target": "closed"}, content_type="application/json"
    )
    assert skipped.status_code == 400
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    bad_date = client.post(
        f"/api/v1/projects/projects/{site.project.pk}/signoffs/",
        {"kind": "owners_plan", "signed_on": future, "signer_name": "x"},
        content_type="application/json",
    )
    assert bad_date.status_code == 400 and "signed_on" in bad_date.json()["error"]["fields"]
    assert _client(site.west).get(f"/api/v1/projects/projects/{site.project.pk}/").status_code == 404
    assert _client(site.west).get("/api/v1/projects/projects/").json()["count"] == 0


def test_register_from_plan_is_idempotent(site):
    Project.objects.all().delete()
    client = _client(site.office)
    first = client.post("/api/v1/projects/projects/register/", {"plan": site.plan.pk}, content_type="application/json")
    assert first.status_code == 201 and len(first.json()) == 1
    again = client.post("/api/v1/projects/projects/register/", {"plan": site.plan.pk}, content_type="application/json")
    assert again.status_code == 201 and again.json() == []


def test_cli_show_and_advance(site):
    out = StringIO()
    call_command("project", "show", site.project.code, "--user", "east", "--json", stdout=out)
    shown = json.loads(out.getvalue())
    assert shown["stage"] == "registered" and shown["next"][0]["blockers"]
    with pytest.raises(CommandError):
        call_command("project", "advance", site.project.code, "preliminary", "--user", "east")
    for role in (MemberRole.STREET_LEADER, MemberRole.COMMUNITY_HEAD, MemberRole.OWNER_REPRESENTATIVE):
        services.project_member_add(actor=site.east, project=site.project, role=role, name="某人")
    out = StringIO()
    call_command("project", "advance", site.project.code, "preliminary", "--user", "east", "--json", stdout=out)
    assert json.loads(out.getvalue())["stage"] == "preliminary"


def test_public_page_without_login_and_personal_data(site):
    services.project_member_add(
        actor=site.east, project=site.project, role=MemberRole.OWNER_REPRESENTATIVE, name="赵业主", phone="13912345678"
    )
    page = Client().get(f"/p/{site.project.public_id}/")
    body = page.content.decode()
    assert page.status_code == 200 and site.project.name in body
    assert "13912345678" not in body and "赵业主" not in body
    assert Client().get("/p/not-a-project/").status_code == 404


def test_plan_notice_drafted_from_the_project_page(site):
    client = _client(site.east)
    response = client.post(
        f"/projects/{site.project.pk}/plan-notice/", {"title": "改造方案公示", "content": "内容", "window_days": 5}
    )
    from jiugai.consultation.selectors import notices_for

    notice = notices_for(obj=site.project).get()
    assert response.status_code == 302 and response["Location"] == f"/consultation/notices/{notice.pk}/"
    refused = client.post(f"/projects/{site.project.pk}/plan-notice/", {"title": "", "content": ""})
    assert refused.status_code == 302 and refused["Location"] == f"/projects/{site.project.pk}/"
    assert notices_for(obj=site.project).count() == 1
    wrong = client.post(f"/projects/{site.project.pk}/advance/", {"target": "closed"}, follow=True)
    site.project.refresh_from_db()
    assert site.project.stage == "registered" and wrong.status_code == 200
