"""Imports: templates, validation of every bad-input case, all-or-nothing commit, re-import, near-duplicates."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.translation import override
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from jiugai.accounts.choices import Role
from jiugai.core.models import AuditEntry
from jiugai.inventory.choices import ConditionItem, ImportKind, ImportStatus, ManagementStatus, Severity
from jiugai.inventory.imports import validation
from jiugai.inventory.imports.commit import (
    file_from_bytes,
    import_job_commit,
    import_job_create,
    import_job_process,
    import_job_resolve,
    import_job_validate,
)
from jiugai.inventory.imports.templates import template_workbook
from jiugai.inventory.imports.validation import names_similar
from jiugai.inventory.models import Building, ConditionFinding, Estate, Household
from jiugai.inventory.services import id_number_valid

pytestmark = pytest.mark.django_db

ESTATE_HEADERS = ["小区编码", "小区名称", "别名", "街道", "社区", "建成年份", "房屋总面积(㎡)", "管理方式"]
BUILDING_HEADERS = ["小区编码", "楼栋号", "层数", "单元数"]
HOUSEHOLD_HEADERS = [
    "小区编码",
    "楼栋号",
    "单元",
    "楼层",
    "房号",
    "面积(㎡)",
    "业主姓名",
    "联系电话",
    "身份证号",
    "低保/特困",
]
SURVEY_HEADERS = ["小区编码", "调查日期", "调查项目", "严重程度", "情况说明"]
VALID_ID = "11010519491231002X"


def zh(choice) -> str:
    with override("zh-hans"):
        return str(choice.label)


def workbook(sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for ref in (merges or {}).get(title, []):
            sheet.merge_cells(ref)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def estates_sheet(*rows: list) -> dict[str, list[list]]:
    return {"小区": [ESTATE_HEADERS, *rows]}


def run(tree, data: bytes, *, kind=ImportKind.ESTATES, name="data.xlsx", commit=True, jurisdiction=None, **kw):
    job = import_job_create(
        kind=kind, file=file_from_bytes(data, name), original_name=name, jurisdiction=jurisdiction or tree.street_a
    )
    return import_job_process(job=job, commit=commit, **kw)


def full_set() -> dict[str, list[list]]:
    return {
        "小区": [
            ESTATE_HEADERS,
            ["E1", "花园小区", "老花园、花园院", "东街道", "东一社区", 1995, 12000.5, zh(ManagementStatus.NONE)],
            ["E2", "银行宿舍", "", "T310101", "", 2001, "", "Professional property company"],
        ],
        "楼栋": [BUILDING_HEADERS, ["E1", "1号楼", 6, 2], ["E2", "1号楼", 5, 1]],
        "住户": [
            HOUSEHOLD_HEADERS,
            ["E1", "1号楼", 1, 3, "301", 72.5, "张三", "13812345678", VALID_ID, "否"],
            ["E1", "1号楼", 2, 3, "302", 80, "李四", "0371-66661234", "", "是"],
            ["E2", "1号楼", "", 1, 101, 55.25, "", "", "", ""],
        ],
    }


def test_templates_have_headers_example_lists_and_instructions(tree):
    for kind in ImportKind.values:
        book = load_workbook(io.BytesIO(template_workbook(kind=kind, jurisdiction=tree.street_a)))
        data, lists, guide = book.worksheets
        assert lists.sheet_state == "hidden"
        assert guide.title == "说明"
        headers = [cell.value for cell in data[1]]
        assert headers[0] == "小区编码*"
        assert str(data["A2"].value).startswith("示例")
    book = load_workbook(io.BytesIO(template_workbook(kind=ImportKind.ESTATES, jurisdiction=tree.street_a)))
    data, lists, _guide = book.worksheets
    formulas = {dv.formula1 for dv in data.data_validations.dataValidation}
    assert any("选项" in f for f in formulas)
    values = {cell.value for column in lists.iter_cols() for cell in column}
    assert "东街道" in values and "西街道" not in values
    assert "是" in values and zh(ManagementStatus.NONE) in values


def test_template_as_downloaded_imports_nothing_and_no_errors(tree):
    job = run(tree, template_workbook(kind=ImportKind.ESTATES, jurisdiction=tree.street_a), commit=False)
    assert job.status == ImportStatus.VALID, job.errors
    assert job.summary["counts"]["estates"] == {"create": 0, "update": 0}


def test_good_import_of_estates_buildings_households_and_reimport(tree):
    job = run(tree, workbook(full_set()))
    assert job.status == ImportStatus.COMMITTED, job.errors
    garden = Estate.objects.get(code="E1")
    assert garden.jurisdiction == tree.community_a and garden.street == tree.street_a
    assert garden.aliases == ["老花园", "花园院"] and garden.total_area == Decimal("12000.50")
    assert garden.management_status == "none"
    assert Estate.objects.get(code="E2").management_status == "professional"
    assert Building.objects.count() == 2 and Household.objects.count() == 3
    household = Household.objects.get(room="301")
    assert household.id_number == VALID_ID and household.owner_key
    assert Household.objects.get(room="101").stairwell == 1
    assert job.summary["written"]["households"]["create"] == 3
    entry = AuditEntry.objects.get(action="inventory.import_committed")
    assert entry.payload["counts"]["estates"]["create"] == 2

    again = run(tree, workbook(full_set()))
    assert again.status == ImportStatus.COMMITTED
    assert Estate.objects.count() == 2 and Building.objects.count() == 2 and Household.objects.count() == 3
    assert again.summary["written"]["households"] == {"create": 0, "update": 0, "unchanged": 3}

    changed = full_set()
    changed["住户"][1][5] = 99
    changed["小区"][1][1] = "花园新村"
    third = run(tree, workbook(changed))
    assert third.summary["written"]["households"]["update"] == 1
    assert Household.objects.get(room="301").area == Decimal("99.00")
    assert Estate.objects.get(code="E1").name == "花园新村"
    assert Household.objects.count() == 3


def test_households_point_at_buildings_in_the_system(tree):
    run(tree, workbook(full_set()))
    data = workbook({"住户": [HOUSEHOLD_HEADERS, ["E1", "1号楼", 1, 4, "401", 60, "", "", "", ""]]})
    job = run(tree, data, kind=ImportKind.HOUSEHOLDS)
    assert job.status == ImportStatus.COMMITTED, job.errors
    assert Household.objects.count() == 4


def test_text_with_tabs_newlines_and_backslashes_survives_the_bulk_write(tree):
    data = full_set()
    data["住户"][1][6] = "王\t五\\二\n号"
    job = run(tree, workbook(data))
    assert job.status == ImportStatus.COMMITTED, job.errors
    assert Household.objects.get(room="301").owner_name == "王\t五\\二\n号"


def test_csv_households(tree):
    run(tree, workbook(full_set()))
    text = ",".join(HOUSEHOLD_HEADERS) + "\nE1,1号楼,1,5,501,61.5,王五,13900000000,,否\n"
    job = run(tree, text.encode("utf-8-sig"), kind=ImportKind.HOUSEHOLDS, name="h.csv")
    assert job.status == ImportStatus.COMMITTED, job.errors
    assert Household.objects.filter(room="501").exists()


def test_survey_import_and_reimport(tree):
    run(tree, workbook(full_set()))
    data = workbook(
        {
            "摸底调查": [
                SURVEY_HEADERS,
                ["E1", "2025-03-01", zh(ConditionItem.WATER), zh(Severity.SEVERE), "爆管"],
                ["E1", "2025-03-01", "roads", 1, ""],
            ]
        }
    )
    job = run(tree, data, kind=ImportKind.SURVEY)
    assert job.status == ImportStatus.COMMITTED, job.errors
    assert ConditionFinding.objects.count() == 2
    assert ConditionFinding.objects.get(item="water").severity == 3
    run(tree, data, kind=ImportKind.SURVEY)
    assert ConditionFinding.objects.count() == 2


# --- bad input: a clear error, nothing written --------------------------------------------------------


def errors_of(job):
    assert job.status == ImportStatus.INVALID
    assert Estate.objects.count() == 0 and Household.objects.count() == 0
    return job.errors


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"%PDF-1.4 not a workbook", "report.pdf", "file_type"),
        (b"PK\x03\x04garbage-that-is-not-a-zip", "broken.xlsx", "corrupt"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64,
            "secret.xlsx",
            "encrypted",
        ),
        (b"", "empty.xlsx", "empty"),
    ],
)
def test_unreadable_files(tree, data, name, code):
    (error,) = errors_of(run(tree, data, name=name))
    assert error["code"] == code and error["message"]


def test_word_document_is_not_a_workbook(tree):
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    (error,) = errors_of(run(tree, buffer.getvalue(), name="notice.xlsx"))
    assert error["code"] == "file_type"


def test_file_over_the_size_limit(tree, settings):
    settings.IMPORT_MAX_BYTES = 1000
    (error,) = errors_of(run(tree, workbook(full_set())))
    assert error["code"] == "too_large"


def test_missing_and_renamed_columns(tree):
    headers = ["编码", "小区名称", "街道"]  # 小区编码 renamed
    errors = errors_of(run(tree, workbook({"小区": [headers, ["E1", "花园", "东街道"]]})))
    assert any(e["column"] == "小区编码" and e["row"] == 1 for e in errors)
    errors = errors_of(run(tree, workbook({"小区": [["小区编码", "小区名称"], ["E1", "花园"]]})))
    assert any(e["column"] == "街道" for e in errors)


def test_wrong_types_and_impossible_values_are_all_listed(tree):
    data = workbook(
        {
            "小区": [ESTATE_HEADERS, ["E1", "花园", "", "东街道", "", 2999, -5, "不知道"]],
            "楼栋": [BUILDING_HEADERS, ["E1", "1号楼", 0, 1]],
            "住户": [HOUSEHOLD_HEADERS, ["E1", "1号楼", 1, "三", "301", 0, "", "12345", "110105194912310021", "也许"]],
        }
    )
    errors = errors_of(run(tree, data))
    where = {(e["sheet"], e["row"], e["letter"]) for e in errors}
    assert ("小区", 2, "F") in where  # build year in the future
    assert ("小区", 2, "G") in where  # area ≤ 0
    assert ("小区", 2, "H") in where  # unknown management status
    assert ("楼栋", 2, "C") in where  # floors 0
    assert ("住户", 2, "D") in where  # floor "三"
    assert ("住户", 2, "F") in where  # area 0
    assert ("住户", 2, "H") in where  # phone
    assert ("住户", 2, "I") in where  # ID checksum
    assert ("住户", 2, "J") in where  # yes/no
    assert all(e["message"] for e in errors)


def test_merged_cells(tree):
    data = workbook(
        estates_sheet(["E1", "花园", "", "东街道", "", 1995, 100, ""], ["E2", "", "", "东街道"]), {"小区": ["B2:B3"]}
    )
    errors = errors_of(run(tree, data))
    assert any(e["row"] == 2 and e["letter"] == "B" and "B2:B3" in e["message"] for e in errors)


def test_duplicate_codes_within_the_file(tree):
    data = workbook(estates_sheet(["E1", "花园", "", "东街道"], ["E1", "银行", "", "东街道"]))
    (error,) = errors_of(run(tree, data))
    assert (error["row"], error["letter"], error["column"]) == (3, "A", "小区编码")
    assert "2" in error["message"]


def test_unknown_street_and_community(tree):
    data = workbook(estates_sheet(["E1", "花园", "", "北街道"], ["E2", "银行", "", "东街道", "西一社区"]))
    errors = errors_of(run(tree, data))
    assert {(e["row"], e["column"]) for e in errors} == {(2, "街道"), (3, "社区")}


def test_street_user_cannot_import_into_another_street(tree):
    data = workbook(estates_sheet(["E1", "花园", "", "西街道"]))
    (error,) = errors_of(run(tree, data, jurisdiction=tree.street_a))
    assert error["column"] == "街道"


def test_households_pointing_at_missing_buildings(tree):
    run(tree, workbook({"小区": full_set()["小区"]}))
    estates = Estate.objects.count()
    data = workbook({"住户": [HOUSEHOLD_HEADERS, ["E1", "9号楼", 1, 1, "101", 50], ["E9", "1号楼", 1, 1, "101", 50]]})
    job = run(tree, data, kind=ImportKind.HOUSEHOLDS)
    assert job.status == ImportStatus.INVALID
    assert {(e["row"], e["column"]) for e in job.errors} == {(2, "楼栋号"), (3, "小区编码")}
    assert Household.objects.count() == 0 and Estate.objects.count() == estates


def test_a_late_error_leaves_the_early_sheets_unwritten(tree):
    data = full_set()
    data["住户"].append(["E1", "1号楼", 3, 1, "101", 50])  # stairwell 3 of a two-stairwell building
    errors = errors_of(run(tree, workbook(data)))
    assert errors == [
        {
            "sheet": "住户",
            "row": 5,
            "column": "单元",
            "letter": "C",
            "message": errors[0]["message"],
            "code": "",
        }
    ]
    assert Building.objects.count() == 0


# --- near-duplicates ------------------------------------------------------------------------------------


def test_names_similar():
    assert names_similar("信合小区", "信和小区")
    assert not names_similar("花园小区", "银行宿舍")


@pytest.fixture
def xinhe(tree, make_estate):
    return make_estate("信合小区", tree.community_a, tree.street_a, code="XH1")


def near_duplicate_job(tree):
    data = workbook(estates_sheet(["XH2", "信和小区", "", "东街道", "东一社区"]))
    job = run(tree, data, commit=False)
    assert job.status == ImportStatus.VALID
    (warning,) = [w for w in job.warnings if w["code"] == "near_duplicate"]
    assert warning["source_code"] == "XH2" and warning["target_code"] == "XH1"
    assert (warning["row"], warning["column"]) == (2, "小区名称")
    return job


def test_near_duplicate_merge_adds_an_alias(tree, xinhe):
    job = near_duplicate_job(tree)
    import_job_resolve(job=job, resolutions={"XH2": "merge"})
    job = import_job_commit(job=job)
    assert job.status == ImportStatus.COMMITTED, job.errors
    assert list(Estate.objects.values_list("code", flat=True)) == ["XH1"]
    xinhe.refresh_from_db()
    assert "信和小区" in xinhe.aliases


def test_near_duplicate_keep_both(tree, xinhe):
    job = near_duplicate_job(tree)
    import_job_resolve(job=job, resolutions={"XH2": "keep"})
    job = import_job_commit(job=job)
    assert sorted(Estate.objects.values_list("code", flat=True)) == ["XH1", "XH2"]


def test_commit_validates_again(tree):
    job = import_job_create(
        kind=ImportKind.ESTATES,
        file=file_from_bytes(workbook(estates_sheet(["E1", "花园", "", "东街道"])), "e.xlsx"),
        original_name="e.xlsx",
        jurisdiction=tree.street_a,
    )
    job = import_job_validate(job=job)
    assert job.status == ImportStatus.VALID and job.processed_rows == 1
    job = import_job_commit(job=job)
    assert job.status == ImportStatus.COMMITTED
    assert Estate.objects.get(code="E1").name == "花园"


# --- command line ----------------------------------------------------------------------------------------


def test_command(tree, tmp_path, capsys):
    path = tmp_path / "e.xlsx"
    path.write_bytes(workbook(full_set()))
    call_command("import_inventory", "estates", str(path), "--jurisdiction", tree.street_a.code)
    assert Estate.objects.count() == 0
    call_command("import_inventory", "estates", str(path), "--jurisdiction", tree.street_a.code, "--commit", "--json")
    assert Household.objects.count() == 3
    assert '"committed"' in capsys.readouterr().out
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook(estates_sheet(["E9", "x", "", "北街道"])))
    with pytest.raises(CommandError):
        call_command("import_inventory", "estates", str(bad), "--jurisdiction", tree.street_a.code, "--commit")


def test_exported_households_reimport(tree, make_user):
    from jiugai.core.exporting import export_response
    from jiugai.inventory.imports.exports import household_columns

    run(tree, workbook(full_set()))
    user = make_user("east", Role.STREET_OFFICE, tree.street_a)
    response = export_response(
        rows=Household.objects.select_related("building__estate"),
        columns=household_columns(user),
        filename="households",
        fmt="xlsx",
    )
    data = b"".join(response.streaming_content)  # type: ignore[union-attr, arg-type]
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert rows[0][:2] == ["小区编码", "楼栋号"]
    job = run(tree, data, kind=ImportKind.HOUSEHOLDS)
    assert job.status == ImportStatus.COMMITTED, job.errors
    assert job.summary["written"]["households"]["create"] == 0


# --- one pass: households written chunk by chunk while later chunks are checked ----------------------


def _many_households(count: int) -> dict[str, list[list]]:
    data = full_set()
    data["楼栋"].append(["E1", "2号楼", 30, 2])
    data["住户"] += [["E1", "2号楼", 1 + n % 2, 1 + n // 20, f"{n:04d}", 60, "", "", "", ""] for n in range(count)]
    return data


def test_an_error_in_a_late_chunk_rolls_back_the_households_already_streamed(tree, monkeypatch):
    monkeypatch.setattr(validation, "HOUSEHOLD_CHUNK", 4)
    data = _many_households(20)
    data["住户"].append(["E1", "2号楼", 3, 1, "9999", 60, "", "", "", ""])  # no stairwell 3
    data["住户"].append(["E1", "2号楼", 1, 1, "0000", 60, "", "", "", ""])  # duplicate of an early row
    job = run(tree, workbook(data))
    assert job.status == ImportStatus.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [(25, "单元"), (26, "房号")]
    assert Household.objects.count() == 0 and Building.objects.count() == 0 and Estate.objects.count() == 0
    assert not AuditEntry.objects.filter(action="inventory.import_committed").exists()


def test_chunked_import_and_reimport_write_every_row_once(tree, monkeypatch):
    monkeypatch.setattr(validation, "HOUSEHOLD_CHUNK", 4)
    data = workbook(_many_households(21))
    job = run(tree, data)
    assert job.status == ImportStatus.COMMITTED, job.errors
    assert job.summary["written"]["households"] == {"create": 24, "update": 0, "unchanged": 0}
    assert job.processed_rows == job.total_rows == 2 + 3 + 24
    again = run(tree, data)
    assert again.summary["written"]["households"] == {"create": 0, "update": 0, "unchanged": 24}
    assert Household.objects.count() == 24


def test_commit_of_a_validated_job_reads_validates_and_writes_in_one_pass(tree, monkeypatch):
    monkeypatch.setattr(validation, "HOUSEHOLD_CHUNK", 4)
    job = run(tree, workbook(_many_households(12)), commit=False)
    assert job.status == ImportStatus.VALID and Household.objects.count() == 0
    job = import_job_commit(job=job)
    assert job.status == ImportStatus.COMMITTED, job.errors
    assert Household.objects.count() == 15


def _with_check(body: str) -> str:
    from stdnum.cn import ric

    return body + ric.calc_check_digit(body + "0")


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        (VALID_ID, True),
        (VALID_ID.lower(), True),  # a lower-case check letter
        (f" {VALID_ID} ", True),  # surrounding spaces are stripped
        ("110105 19491231 002X", False),  # inner spaces are not, as in stdnum
        (VALID_ID[:17] + "Y", False),
        (_with_check("11010519490231002"), False),  # 31 February
        (_with_check("11010320090101001"), True),  # 崇文区, before it was merged away in 2010
        (_with_check("11010320110101001"), False),  # 崇文区, after
        (_with_check("11999919900101001"), False),  # province known, county not (stdnum raises KeyError)
        ("１１０１０５１９４９１２３１００２Ｘ", False),  # full-width digits
    ],
)
def test_id_number_valid_agrees_with_stdnum(number, valid):
    assert id_number_valid(number) is valid
