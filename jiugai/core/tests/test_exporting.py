"""Generic export: streamed CSV with BOM, write-only .xlsx, formula-safe text, masked personal data."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from python_calamine import CalamineWorkbook

from jiugai.accounts.choices import Role
from jiugai.core.exporting import Column, export_response
from jiugai.inventory.imports.exports import household_columns
from jiugai.inventory.models import Building, Household

ROWS = [
    {
        "name": "花园小区",
        "area": Decimal("72.50"),
        "day": dt.date(2024, 5, 1),
        "ok": True,
        "note": "=1+1",
        "none": None,
    },
    {"name": "银行宿舍", "area": Decimal("60"), "day": None, "ok": False, "note": "", "none": None},
]
COLUMNS = [
    Column("名称", "name"),
    ("面积", "area"),
    Column("日期", "day"),
    Column("是否", "ok"),
    Column("备注", "note"),
    Column("长度", lambda r: len(r["name"])),
]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_csv_has_bom_headers_and_rows():
    response = export_response(rows=ROWS, columns=COLUMNS, filename="小区", fmt="csv")
    data = body(response)
    assert response["Content-Type"].startswith("text/csv")
    assert "filename*=UTF-8''%E5%B0%8F%E5%8C%BA.csv" in response["Content-Disposition"]
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["名称", "面积", "日期", "是否", "备注", "长度"]
    assert rows[1][:3] == ["花园小区", "72.50", "2024-05-01"]
    assert rows[1][4] == "'=1+1"  # never a formula
    assert rows[2][2] == ""


def test_xlsx_keeps_numbers_and_dates_and_never_writes_formulas():
    response = export_response(rows=iter(ROWS), columns=COLUMNS, filename="estates", fmt="xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(body(response))).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "名称"
    assert rows[1][1] == 72.5 and rows[1][2] == dt.date(2024, 5, 1) and rows[1][5] == 4
    assert rows[1][4] == "=1+1"
    assert len(rows) == 3


def test_unknown_format():
    assert export_response(rows=[], columns=COLUMNS, filename="x", fmt="pdf").status_code == 400


@pytest.mark.django_db
def test_household_export_masks_personal_data_for_roles_without_access(tree, make_user, make_estate):
    estate = make_estate("花园小区", tree.community_a, tree.street_a, code="E1")
    building = Building.objects.create(estate=estate, number="1号楼", floors=6)
    Household.objects.create(
        building=building,
        floor=3,
        room="301",
        area=Decimal("72.5"),
        phone="13812345678",
        id_number="11010519491231002X",
    )
    queryset = Household.objects.select_related("building__estate")
    department = make_user("dept", Role.DEPARTMENT, tree.city, department_type="housing")
    office = make_user("east", Role.STREET_OFFICE, tree.street_a)
    for fmt in ("csv", "xlsx"):
        masked = export_response(rows=queryset, columns=household_columns(department), filename="h", fmt=fmt)
        full = export_response(rows=queryset, columns=household_columns(office), filename="h", fmt=fmt)
        masked_body, full_body = body(masked), body(full)
        masked_rows: list[list]
        full_rows: list[list]
        if fmt == "xlsx":
            masked_rows = CalamineWorkbook.from_filelike(io.BytesIO(masked_body)).get_sheet_by_index(0).to_python()
            full_rows = CalamineWorkbook.from_filelike(io.BytesIO(full_body)).get_sheet_by_index(0).to_python()
        else:
            masked_rows = [list(r) for r in csv.reader(io.StringIO(masked_body.decode("utf-8-sig")))]
            full_rows = [list(r) for r in csv.reader(io.StringIO(full_body.decode("utf-8-sig")))]
        assert masked_rows[1][7] == "138****5678" and masked_rows[1][8] == "1****************X"
        assert full_rows[1][7] == "13812345678" and full_rows[1][8] == "11010519491231002X"
