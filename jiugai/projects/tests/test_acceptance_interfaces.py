"""Acceptance pages, API and the public survey: scoping, the signing sheet per party, refusals as messages or
the one JSON error shape, exports, the printable record and the phone survey (one answer per phone, 429)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jiugai.projects.choices import AcceptanceStatus, Party, Stage
from jiugai.projects.models import AcceptanceRound, AcceptanceSignature, Defect, Handover, SatisfactionResponse
from jiugai.projects.services import acceptance as services
from jiugai.projects.services.project import project_advance

from .test_acceptance import HELD, accepted, at_acceptance, sign_all

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_and_cache(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _handed_over(site: Any) -> Any:
    project, _rnd = accepted(site)
    services.handover_record(
        actor=site.east, project=project, receiver_kind="property_company", receiver_name="东苑物业", signed_on=HELD
    )
    project_advance(actor=site.east, project=project, target=Stage.HANDED_OVER, on=HELD)
    project.refresh_from_db()
    return project


def test_page_shows_the_sign_form_only_for_the_users_own_party(site):
    project = at_acceptance(site)
    rnd = services.acceptance_open(actor=site.east, project=project, held_on=HELD)
    url = f"/projects/{project.pk}/acceptance/"
    page = _client(site.contractor).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="sign-form-contractor"' in html
    assert 'data-testid="sign-form-supervisor"' not in html and 'data-testid="sign-form-owners"' not in html
    assert 'data-testid="round-form"' not in html  # a firm does not open acceptance
    owners = _client(site.owners).get(url).content.decode()  # the owners' committee sits at community level
    assert 'data-testid="sign-form-owners"' in owners and 'data-testid="sign-form-contractor"' not in owners
    assert _client(site.west).get(url).status_code == 404
    # Sign from the page: the contractor's own row.
    response = _client(site.contractor).post(
        f"/projects/{project.pk}/acceptance/rounds/{rnd.pk}/sign/",
        {"prefix": "contractor", "contractor-party": "contractor", "contractor-verdict": "pass"},
        follow=True,
    )
    assert response.status_code == 200
    assert AcceptanceSignature.objects.filter(party=Party.CONTRACTOR, signer=site.contractor).exists()
    # Signing for another party by posting its name is refused with a message, nothing saved.
    forged = _client(site.contractor).post(
        f"/projects/{project.pk}/acceptance/rounds/{rnd.pk}/sign/",
        {"prefix": "supervisor", "supervisor-party": "supervisor", "supervisor-verdict": "pass"},
        follow=True,
    )
    assert forged.status_code == 200 and 'class="alert alert-error"' in forged.content.decode()
    assert AcceptanceSignature.objects.count() == 1


def test_page_flow_open_sign_fail_defect_close_export_and_record(site):
    project = at_acceptance(site)
    client = _client(site.east)
    base = f"/projects/{project.pk}/acceptance/"
    client.post(f"{base}rounds/", {"held_on": "2022-10-10", "required_parties": list(Party.values)})
    rnd = AcceptanceRound.objects.get()
    assert rnd.status == AcceptanceStatus.OPEN
    html = client.get(base).content.decode()
    assert 'data-testid="sign-form-street_office"' in html and 'data-testid="round-1"' in html
    # A 'fail' without a note is refused; with one it records a defect and fails the round.
    refused = client.post(
        f"{base}rounds/{rnd.pk}/sign/",
        {"prefix": "street_office", "street_office-party": "street_office", "street_office-verdict": "fail"},
        follow=True,
    )
    assert not AcceptanceSignature.objects.exists() and "alert-error" in refused.content.decode()
    client.post(
        f"{base}rounds/{rnd.pk}/sign/",
        {
            "prefix": "street_office",
            "street_office-party": "street_office",
            "street_office-verdict": "fail",
            "street_office-note": "楼道灯不亮",
            "street_office-due_on": "2022-10-20",
        },
    )
    rnd.refresh_from_db()
    assert rnd.status == AcceptanceStatus.FAILED
    defect = Defect.objects.get()
    export = client.get(f"{base}defects.xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    csv = b"".join(client.get(f"{base}defects.csv").streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert csv.count("楼道灯不亮") == 1
    assert client.get(f"{base}defects.pdf").status_code == 404
    record = client.get(f"{base}rounds/{rnd.pk}/record/").content.decode()
    assert 'data-testid="acceptance-record"' in record and "楼道灯不亮" in record
    client.post(f"{base}defects/{defect.pk}/close/", {"rectification": "已更换灯具", "closed_on": "2022-10-15"})
    defect.refresh_from_db()
    assert defect.status == "closed"
    # Inspection with defects typed one per line.
    client.post(
        f"{base}inspections/",
        {
            "kind": "special",
            "held_on": "2022-10-16",
            "inspector": "质监站",
            "defects": "消防通道堆物 | 2号楼 | 2022-10-25\n井盖松动｜小区入口",
            "due_on": "2022-10-30",
        },
    )
    assert Defect.objects.filter(status="open").count() == 2
    assert Defect.objects.filter(description="井盖松动", due_on=dt.date(2022, 10, 30)).exists()
    bad = client.post(
        f"{base}inspections/",
        {"kind": "special", "held_on": "2022-10-16", "inspector": "质监站", "defects": "没有期限的问题"},
        follow=True,
    )
    assert "alert-error" in bad.content.decode() and Defect.objects.count() == 3


def test_page_handover_archive_final_accounts_evaluation(site):
    project, _rnd = accepted(site)
    client = _client(site.east)
    base = f"/projects/{project.pk}/acceptance/"
    wrong = client.post(
        f"{base}handover/",
        {
            "receiver_kind": "community",
            "receiver_name": "社区",
            "signed_on": "2022-10-15",
            "document": SimpleUploadedFile("x.exe", b"MZ"),
        },
        follow=True,
    )
    assert "alert-error" in wrong.content.decode() and not Handover.objects.exists()
    client.post(
        f"{base}handover/",
        {
            "receiver_kind": "community",
            "receiver_name": "社区",
            "signed_on": "2022-10-15",
            "document": SimpleUploadedFile("协议.pdf", b"%PDF-1.4"),
        },
    )
    assert str(Handover.objects.get().document.name).endswith(".pdf")
    client.post(f"{base}archive/", {"kind": "plan", "document": SimpleUploadedFile("方案.pdf", b"%PDF-1.4")})
    assert project.archive.count() == 1
    export = client.get(f"{base}archive.xlsx")
    assert export.status_code == 200
    client.post(f"{base}final-accounts/", {"final_amount": "801,000.00", "status": "draft"})
    page = client.get(base).content.decode()
    assert 'data-testid="final-difference">1,000.00' in page or 'data-testid="final-difference">1000.00' in page
    project_advance(actor=site.east, project=project, target=Stage.HANDED_OVER, on=HELD)
    response = client.post(f"{base}evaluation/", {"summary": "居民满意", "evaluated_on": "2022-12-01"}, follow=True)
    assert 'data-testid="evaluation"' in response.content.decode()
    # Firms see no forms for these sections.
    firm = _client(site.contractor).get(base).content.decode()
    for form in ("handover-form", "archive-form", "final-form", "evaluation-form", "defect-form"):
        assert f'data-testid="{form}"' not in firm


def test_chart_script_and_pass_rate_page(site):
    project, _rnd = accepted(site)
    client = _client(site.office)
    script = finders.find("jiugai/project_satisfaction.js")
    assert script and "echarts.init" in open(script, encoding="utf-8").read()
    page = client.get("/projects/acceptance/pass-rate/").content.decode()
    assert 'data-testid="kpi-rate">100.0%' in page and "projects.acceptance_pass_rate" in page
    assert "seeds/003_54d0b71b4a1e2a82.txt" in page
    export = client.get("/projects/acceptance/pass-rate.xlsx")
    assert export.status_code == 200
    assert client.get("/projects/acceptance/pass-rate/?jurisdiction=NOPE").status_code == 404
    assert (
        _client(site.west).get(f"/projects/acceptance/pass-rate/?jurisdiction={site.tree.street_a.code}").status_code
        == 404
    )
    assert project.code in page


def test_public_survey_one_answer_per_phone_and_rate_limit(site):
    project = at_acceptance(site)
    url = f"/p/{project.public_id}/survey/"
    closed = Client().get(url)
    assert closed.status_code == 200 and 'data-testid="survey-closed"' in closed.content.decode()
    early = Client().post(url, {"answer": "satisfied"})
    assert early.status_code == 400 and not SatisfactionResponse.objects.exists()
    project = _handed_over_from(site, project)
    phone = Client()
    page = phone.get(url)
    assert 'data-testid="answer-satisfied"' in page.content.decode() and "jg_survey" in page.cookies
    done = phone.post(url, {"answer": "basically", "comment": "电梯很好"}, follow=True)
    assert 'data-testid="survey-done"' in done.content.decode()
    again = phone.post(url, {"answer": "dissatisfied"})
    assert again.status_code == 400 and SatisfactionResponse.objects.count() == 1
    assert Client().post(url, {"answer": "love"}).status_code == 400
    # Another phone answers; the public page of the answers carries no comment and no key.
    Client().get(url)
    other = Client()
    other.get(url)
    other.post(url, {"answer": "satisfied"})
    assert SatisfactionResponse.objects.count() == 2
    summary = Client().get(url).content.decode()
    assert "电梯很好" not in summary
    # Too many posts from one address.
    flood = Client()
    flood.get(url)
    codes = [flood.post(url, {"answer": "satisfied"}).status_code for _ in range(6)]
    assert codes[-1] == 429
    assert Client().get("/p/nope/survey/").status_code == 404


def _handed_over_from(site: Any, project: Any) -> Any:
    rnd = services.acceptance_open(actor=site.east, project=project, held_on=HELD)
    sign_all(site, rnd)
    services.handover_record(
        actor=site.east, project=project, receiver_kind="community", receiver_name="东一社区", signed_on=HELD
    )
    project_advance(actor=site.east, project=project, target=Stage.HANDED_OVER, on=HELD)
    project.refresh_from_db()
    return project


def _json(client: Client, method: str, url: str, data: Any = None) -> Any:
    call = getattr(client, method)
    return call(url, data, content_type="application/json") if data is not None else call(url)


def test_api_open_sign_and_errors(site):
    project = at_acceptance(site)
    east = _client(site.east)
    api = f"/api/v1/projects/projects/{project.pk}"
    opened = _json(east, "post", f"{api}/acceptance-rounds/", {"held_on": "2022-10-10"})
    assert opened.status_code == 201 and opened.json()["required_parties"] == list(Party.values)
    again = _json(east, "post", f"{api}/acceptance-rounds/", {"held_on": "2022-10-10"})
    assert again.status_code == 400 and "round" in again.json()["error"]["fields"]
    rnd_id = opened.json()["id"]
    contractor = _client(site.contractor)
    forged = _json(
        contractor,
        "post",
        f"/api/v1/projects/acceptance-rounds/{rnd_id}/sign/",
        {"party": "supervisor", "verdict": "pass"},
    )
    assert forged.status_code == 403 and forged.json()["error"]["message"]
    signed = _json(
        contractor,
        "post",
        f"/api/v1/projects/acceptance-rounds/{rnd_id}/sign/",
        {"party": "contractor", "verdict": "pass"},
    )
    assert signed.status_code == 201 and signed.json()["signatures"][0]["party"] == "contractor"
    assert "contractor" not in signed.json()["missing"]
    twice = _json(
        contractor,
        "post",
        f"/api/v1/projects/acceptance-rounds/{rnd_id}/sign/",
        {"party": "contractor", "verdict": "pass"},
    )
    assert twice.status_code == 400
    no_note = _json(
        _client(site.designer),
        "post",
        f"/api/v1/projects/acceptance-rounds/{rnd_id}/sign/",
        {"party": "designer", "verdict": "fail"},
    )
    assert no_note.status_code == 400 and "note" in no_note.json()["error"]["fields"]
    west = _client(site.west)
    assert _json(west, "get", f"{api}/acceptance/").status_code == 404
    assert (
        _json(
            west,
            "post",
            f"/api/v1/projects/acceptance-rounds/{rnd_id}/sign/",
            {"party": "street_office", "verdict": "pass"},
        ).status_code
        == 404
    )
    state = _json(_client(site.owners), "get", f"{api}/acceptance/").json()
    assert state["stage"] == "acceptance" and state["rounds"][0]["status"] == "open"
    assert len(state["archive"]) == 9 and state["satisfaction"]["total"] == 0
    assert Client().get(f"{api}/acceptance/").status_code in (401, 403)


def test_api_inspections_defects_handover_archive_money_evaluation_kpi(site):
    project = at_acceptance(site)
    east = _client(site.east)
    api = f"/api/v1/projects/projects/{project.pk}"
    made = _json(
        _client(site.supervisor),
        "post",
        f"{api}/inspections/",
        {
            "kind": "routine",
            "held_on": "2022-09-28",
            "inspector": "监理",
            "defects": [{"description": "栏杆松动", "due_on": "2022-10-05"}],
        },
    )
    assert made.status_code == 201 and made.json()["defects"][0]["status"] == "open"
    bad = _json(east, "post", f"{api}/inspections/", {"kind": "routine", "held_on": "2099-01-01", "inspector": "x"})
    assert bad.status_code == 400 and "held_on" in bad.json()["error"]["fields"]
    defect_id = made.json()["defects"][0]["id"]
    assert _json(east, "get", f"{api}/defects/").json()[0]["id"] == defect_id
    other = _json(east, "post", f"{api}/defects/", {"description": "x", "due_on": "2022-10-05", "inspection": 999999})
    assert other.status_code == 400 and "inspection" in other.json()["error"]["fields"]
    closed = _json(east, "post", f"/api/v1/projects/defects/{defect_id}/close/", {"rectification": "已紧固"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert (
        _json(
            _client(site.west), "post", f"/api/v1/projects/defects/{defect_id}/close/", {"rectification": "x"}
        ).status_code
        == 404
    )
    # Handover before acceptance is refused.
    early = _json(
        east,
        "post",
        f"{api}/handover/",
        {"receiver_kind": "community", "receiver_name": "社区", "signed_on": "2022-10-12"},
    )
    assert early.status_code == 400
    rnd = AcceptanceRound.objects.create(project=project, number=1, held_on=HELD, required_parties=list(Party.values))
    sign_all(site, rnd)
    upload = east.post(
        f"{api}/handover/",
        {
            "receiver_kind": "community",
            "receiver_name": "社区",
            "signed_on": "2022-10-12",
            "document": SimpleUploadedFile("a.pdf", b"%PDF"),
        },
    )
    assert upload.status_code == 201, upload.content
    assert _json(east, "get", f"{api}/handover/").json()["receiver_name"] == "社区"
    filed = east.post(f"{api}/archive/", {"kind": "design", "document": SimpleUploadedFile("d.pdf", b"%PDF")})
    assert filed.status_code == 201
    wrong = east.post(f"{api}/archive/", {"kind": "design", "document": SimpleUploadedFile("d.bat", b"x")})
    assert wrong.status_code == 400 and "document" in wrong.json()["error"]["fields"]
    assert len(_json(east, "get", f"{api}/archive/").json()) == 1
    money = _json(east, "post", f"{api}/final-accounts/", {"final_amount": "790000"})
    assert money.status_code == 200 and money.json()["difference"] == "-10000.00"
    assert _json(east, "post", f"{api}/final-accounts/", {"final_amount": "x"}).status_code == 400
    assert _json(east, "get", f"{api}/evaluation/").status_code == 404
    project_advance(actor=site.east, project=project, target=Stage.HANDED_OVER, on=HELD)
    evaluation = _json(_client(site.office), "post", f"{api}/evaluation/", {"summary": "好"})
    assert evaluation.status_code == 201 and evaluation.json()["figures"]["outcome"] == "no_answers"
    kpi = _json(_client(site.office), "get", "/api/v1/projects/acceptance/pass-rate/").json()
    assert kpi["decision"]["outcome"] == "passed" and kpi["decision"]["figures"]["rate"] == "1/1"
    assert kpi["rows"][0]["project"] == project.code
    assert _json(east, "get", "/api/v1/projects/acceptance/pass-rate/?jurisdiction=NOPE").status_code == 404
