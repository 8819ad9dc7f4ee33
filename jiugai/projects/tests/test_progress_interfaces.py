"""Progress pages and API: the weekly report form with one quantity per BoQ line, errors that change nothing,
photos, the digest pages with Word and Excel downloads, the chart script, and the API's one error shape."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from jiugai.projects.models import ProgressPhoto, WeeklyDigest, WeeklyReport
from jiugai.projects.services import progress as services

from .test_progress import FRIDAY_1, FRIDAY_2, submit, works_setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def works(site):
    """The site's project under construction with two BoQ lines (see `test_progress.works_setup`)."""
    return works_setup(site)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _png(name: str = "site.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 120, 200)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def _form(works, week: dt.date, **lines: str) -> dict[str, str]:
    data = {"week_ending": week.isoformat(), "summary": "外墙保温", "problems": "", "next_week": "屋面防水"}
    for name, value in lines.items():
        data[f"line_{getattr(works, name).pk}"] = value
    return data


# --- the weekly report page --------------------------------------------------------------------------------------


def test_report_page_form_and_submit(works):
    client = _client(works.east)
    url = f"/projects/{works.project.pk}/reports/"
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert f'name="line_{works.facade.pk}"' in html and f'name="line_{works.pipes.pk}"' in html
    assert 'data-testid="report-form"' in html and 'data-testid="progress-bar"' in html
    response = client.post(url, _form(works, FRIDAY_1, facade="500", pipes="10"))
    report = WeeklyReport.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/reports/{report.pk}/")
    assert report.percent_complete == Decimal("30.00") and report.next_week == "屋面防水"
    detail = client.get(response["Location"]).content.decode()
    assert "30.00%" in detail and 'data-testid="photo-form"' in detail
    listing = client.get(url).content.decode()
    assert "2022-03-25" in listing and "30.00%" in listing


@pytest.mark.parametrize(
    ("week", "lines", "needle"),
    [
        (FRIDAY_1, {"facade": "1000.01"}, "1000.01"),  # more than the line's 1,000 m²
        (dt.date(2022, 3, 24), {"facade": "1"}, "2022-03-25"),  # a Thursday: the page names the next Friday
        (dt.date(2032, 3, 26), {"facade": "1"}, "2032-03-26"),  # in the future
        (FRIDAY_1, {"facade": "-5"}, 'name="line_'),  # negative: refused by the form, typed values kept
    ],
)
def test_report_page_errors_change_nothing(works, week, lines, needle):
    client = _client(works.east)
    response = client.post(f"/projects/{works.project.pk}/reports/", _form(works, week, **lines))
    assert response.status_code == 400
    assert needle in response.content.decode()
    assert not WeeklyReport.objects.exists()
    works.project.refresh_from_db()
    assert works.project.percent_complete == 0


def test_report_page_duplicate_and_scope(works):
    client = _client(works.east)
    client.post(f"/projects/{works.project.pk}/reports/", _form(works, FRIDAY_1, facade="1"))
    again = client.post(f"/projects/{works.project.pk}/reports/", _form(works, FRIDAY_1, facade="1"))
    assert again.status_code == 400 and WeeklyReport.objects.count() == 1
    assert _client(works.west).get(f"/projects/{works.project.pk}/reports/").status_code == 404
    # A role that does not report sees no form, and a post is refused with its reason.
    owners = _client(works.designer)
    assert 'data-testid="report-form"' not in owners.get(f"/projects/{works.project.pk}/reports/").content.decode()
    refused = owners.post(f"/projects/{works.project.pk}/reports/", _form(works, FRIDAY_2, facade="1"))
    assert refused.status_code == 400 and WeeklyReport.objects.count() == 1
    export = client.get(f"/projects/{works.project.pk}/reports.xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    assert client.get(f"/projects/{works.project.pk}/reports.pdf").status_code == 404


def test_photo_upload_page(works):
    report = submit(works, facade="10")
    client = _client(works.contractor)
    url = f"/projects/{works.project.pk}/reports/{report.pk}/photos/"
    ok = client.post(
        url,
        {
            "image": _png(),
            "taken_at": "2022-03-24T10:30",
            "place": "2号楼",
            "lat": "36.01",
            "lon": "106.24",
            "caption": "脚手架",
        },
    )
    assert ok.status_code == 302 and ProgressPhoto.objects.count() == 1
    page = client.get(ok["Location"]).content.decode()
    assert "脚手架" in page and "2号楼" in page
    bad = client.post(
        url,
        {
            "image": SimpleUploadedFile("virus.exe", b"MZ...", content_type="application/octet-stream"),
            "taken_at": "2022-03-24T10:30",
        },
    )
    assert bad.status_code == 400 and ".jpg" in bad.content.decode()
    future = client.post(url, {"image": _png(), "taken_at": "2099-01-01T10:00"})
    assert future.status_code == 400 and "2099-01-01" in future.content.decode()
    assert ProgressPhoto.objects.count() == 1


# --- digests ----------------------------------------------------------------------------------------------------------


def test_digest_pages_build_and_downloads(works):
    submit(works, facade="500")
    office = _client(works.office)
    listing = office.get("/projects/digests/")
    assert listing.status_code == 200 and 'data-testid="digest-build-form"' in listing.content.decode()
    built = office.post("/projects/digests/", {"jurisdiction": works.tree.city.code, "week_ending": "2022-03-25"})
    digest = WeeklyDigest.objects.get()
    assert built.status_code == 302 and built["Location"].endswith(f"/digests/{digest.pk}/")
    page = office.get(built["Location"]).content.decode()
    assert works.tree.street_a.name in page and 'id="digest-chart-data"' in page and works.project.code in page
    docx = office.get(f"/projects/digests/{digest.pk}.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    xlsx = office.get(f"/projects/digests/{digest.pk}.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert office.get(f"/projects/digests/{digest.pk}.pdf").status_code == 404
    assert office.get("/projects/digests.xlsx").status_code == 200
    assert finders.find("jiugai/project_digest.js")
    # A future week is refused with the reason; nothing is added.
    future = office.post("/projects/digests/", {"jurisdiction": works.tree.city.code, "week_ending": "2099-01-02"})
    assert future.status_code == 400 and WeeklyDigest.objects.count() == 1
    # The street office may not build the city's digest (not in its form), nor read it.
    east = _client(works.east)
    refused = east.post("/projects/digests/", {"jurisdiction": works.tree.city.code})
    assert refused.status_code == 400 and WeeklyDigest.objects.count() == 1
    assert east.get(f"/projects/digests/{digest.pk}/").status_code == 404
    contractor = _client(works.contractor)
    assert 'data-testid="digest-build-form"' not in contractor.get("/projects/digests/").content.decode()
    assert contractor.post("/projects/digests/", {"jurisdiction": works.tree.street_a.code}).status_code == 403


# --- API --------------------------------------------------------------------------------------------------------------


def test_api_reports_photos_and_errors(works):
    client = _client(works.east)
    url = f"/api/v1/projects/projects/{works.project.pk}/reports/"
    created = client.post(
        url,
        {"week_ending": "2022-03-25", "lines": {str(works.facade.pk): "500", str(works.pipes.pk): "10"}},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["percent_complete"] == "30.00"
    assert [line["this_week"] for line in body["lines"]] == ["500.00", "10.00"]
    listed = client.get(url).json()
    assert listed["count"] == 1 and listed["results"][0]["week_ending"] == "2022-03-25"
    over = client.post(
        url,
        {"week_ending": "2022-04-01", "lines": {str(works.facade.pk): "501"}},
        content_type="application/json",
    )
    assert over.status_code == 400
    error = over.json()["error"]
    assert error["code"] == "invalid" and "lines" in error["fields"]
    assert WeeklyReport.objects.count() == 1
    dup = client.post(url, {"week_ending": "2022-03-25", "lines": {}}, content_type="application/json")
    assert dup.status_code == 400 and "week_ending" in dup.json()["error"]["fields"]
    report_id = body["id"]
    photo = client.post(
        f"/api/v1/projects/reports/{report_id}/photos/",
        {"image": _png(), "taken_at": "2022-03-24T10:30:00+08:00", "place": "3号楼"},
    )
    assert photo.status_code == 201 and photo.json()["place"] == "3号楼"
    wrong = client.post(
        f"/api/v1/projects/reports/{report_id}/photos/",
        {
            "image": SimpleUploadedFile("a.gif", b"GIF89a", content_type="image/gif"),
            "taken_at": "2022-03-24T10:30:00+08:00",
        },
    )
    assert wrong.status_code == 400 and "image" in wrong.json()["error"]["fields"]
    detail = client.get(f"/api/v1/projects/reports/{report_id}/").json()
    assert len(detail["photos"]) == 1 and detail["project_code"] == works.project.code
    # Other street: 404; a role that does not report: 403; no login: 401 — all in the one error shape.
    west = _client(works.west)
    assert west.get(url).status_code == 404
    assert west.get(f"/api/v1/projects/reports/{report_id}/").status_code == 404
    refused = _client(works.designer).post(
        url, {"week_ending": "2022-04-01", "lines": {}}, content_type="application/json"
    )
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    assert Client().get(url).status_code == 401


def test_api_digests(works):
    submit(works, facade="500")
    office = _client(works.office)
    built = office.post(
        "/api/v1/projects/digests/",
        {"jurisdiction": works.tree.city.code, "week_ending": "2022-03-25"},
        content_type="application/json",
    )
    assert built.status_code == 201
    assert built.json()["data"]["totals"]["reports_received"] == 1
    listed = office.get("/api/v1/projects/digests/").json()
    assert listed["count"] == 1 and "data" not in listed["results"][0]
    assert office.get(f"/api/v1/projects/digests/{built.json()['id']}/").json()["week_ending"] == "2022-03-25"
    unknown = office.post("/api/v1/projects/digests/", {"jurisdiction": "NOPE"}, content_type="application/json")
    assert unknown.status_code == 400 and "jurisdiction" in unknown.json()["error"]["fields"]
    east = _client(works.east)
    outside = east.post(
        "/api/v1/projects/digests/", {"jurisdiction": works.tree.city.code}, content_type="application/json"
    )
    assert outside.status_code == 400
    assert east.get(f"/api/v1/projects/digests/{built.json()['id']}/").status_code == 404
    assert WeeklyDigest.objects.count() == 1
    services.digest_build(jurisdiction=works.tree.street_a, week_ending=FRIDAY_1)
    assert east.get("/api/v1/projects/digests/").json()["count"] == 1
