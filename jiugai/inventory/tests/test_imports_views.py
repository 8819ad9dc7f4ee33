"""Import pages: roles and jurisdictions, upload → preview → commit, the background path with progress."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiugai.accounts.choices import Role
from jiugai.inventory.choices import ImportKind, ImportStatus
from jiugai.inventory.models import Estate, Household, ImportJob

from .test_imports import HOUSEHOLD_HEADERS, estates_sheet, full_set, workbook

pytestmark = pytest.mark.django_db


def upload(client, data: bytes, *, kind=ImportKind.ESTATES, jurisdiction, name="data.xlsx"):
    return client.post(
        reverse("inventory:imports:new"),
        {"kind": kind, "jurisdiction": jurisdiction.pk, "file": SimpleUploadedFile(name, data)},
    )


@pytest.fixture
def east(tree, make_user, client):
    user = make_user("east", Role.STREET_OFFICE, tree.street_a)
    client.force_login(user)
    return user


def test_roles(tree, make_user, client):
    client.force_login(make_user("dept", Role.DEPARTMENT, tree.city, department_type="housing"))
    assert client.get(reverse("inventory:imports:list")).status_code == 403
    assert client.get(reverse("inventory:imports:new")).status_code == 403
    for role, place in [
        (Role.STREET_OFFICE, tree.street_a),
        (Role.COMMUNITY_COMMITTEE, tree.community_a),
        (Role.LEADING_GROUP_OFFICE, tree.city),
        (Role.PLATFORM_ADMIN, None),
    ]:
        client.force_login(make_user(f"u-{role}", role, place))
        assert client.get(reverse("inventory:imports:new")).status_code == 200
        assert client.get(reverse("inventory:imports:template", args=["households"])).status_code == 200


def test_upload_preview_commit(tree, east, client):
    response = upload(client, workbook(full_set()), jurisdiction=tree.street_a)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("inventory:imports:detail", args=[job.pk])
    assert job.status == ImportStatus.VALID and Estate.objects.count() == 0
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"import-commit" in page.content
    client.post(reverse("inventory:imports:commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED and Household.objects.count() == 3
    assert client.get(reverse("inventory:imports:list")).status_code == 200


def test_preview_lists_errors_by_sheet_row_column(tree, east, client):
    response = upload(client, workbook(estates_sheet(["E1", "花园", "", "西街道"])), jurisdiction=tree.street_a)
    page = client.get(response["Location"])
    assert b"import-errors" in page.content and "街道".encode() in page.content
    job = ImportJob.objects.get()
    assert client.post(reverse("inventory:imports:commit", args=[job.pk])).status_code == 302
    assert Estate.objects.count() == 0
    errors = client.get(reverse("inventory:imports:errors", args=[job.pk, "csv"]))
    assert "西街道".encode() in b"".join(errors.streaming_content)


def test_street_user_cannot_choose_another_street(tree, east, client):
    response = upload(client, workbook(estates_sheet(["E1", "花园", "", "西街道"])), jurisdiction=tree.street_b)
    assert response.status_code == 200 and "jurisdiction" in response.context["form"].errors
    assert ImportJob.objects.count() == 0


def test_other_street_cannot_see_the_job(tree, east, client, make_user):
    upload(client, workbook(estates_sheet(["E1", "花园", "", "东街道"])), jurisdiction=tree.street_a)
    job = ImportJob.objects.get()
    client.force_login(make_user("west", Role.STREET_OFFICE, tree.street_b))
    assert client.get(reverse("inventory:imports:detail", args=[job.pk])).status_code == 404
    assert client.post(reverse("inventory:imports:commit", args=[job.pk])).status_code == 404


def test_too_large_upload_is_refused(tree, east, client, settings):
    settings.IMPORT_MAX_BYTES = 100
    response = upload(client, workbook(full_set()), jurisdiction=tree.street_a)
    assert response.status_code == 200 and "file" in response.context["form"].errors
    assert ImportJob.objects.count() == 0


def test_large_file_runs_in_the_background_with_progress(tree, east, client, settings):
    settings.IMPORT_BACKGROUND_ROWS = 2
    data = full_set()
    for n in range(20):
        data["住户"].append(["E1", "1号楼", 1, 5, f"5{n:02d}", 60, "", "", "", ""])
    response = upload(client, workbook(data), jurisdiction=tree.street_a)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.VALID and job.total_rows == 27 and job.progress_percent == 100
    progress = client.get(reverse("inventory:imports:progress", args=[job.pk]))
    assert progress.status_code == 200 and progress["HX-Redirect"] == response["Location"]
    client.post(reverse("inventory:imports:commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED and job.progress_percent == 100
    assert Household.objects.count() == 23


def test_progress_page_polls_while_running(tree, east, client):
    upload(client, workbook(estates_sheet(["E1", "花园", "", "东街道"])), jurisdiction=tree.street_a)
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.COMMITTING, processed_rows=0)
    page = client.get(reverse("inventory:imports:detail", args=[job.pk]))
    assert b'hx-trigger="every 1s"' in page.content
    partial = client.get(reverse("inventory:imports:progress", args=[job.pk]))
    assert "HX-Redirect" not in partial


def test_households_upload_with_missing_building(tree, east, client):
    data = workbook({"住户": [HOUSEHOLD_HEADERS, ["E1", "1号楼", 1, 1, "101", 50]]})
    upload(client, data, kind=ImportKind.HOUSEHOLDS, jurisdiction=tree.street_a)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.INVALID
    assert job.errors[0]["sheet"] == "住户" and job.errors[0]["row"] == 2
