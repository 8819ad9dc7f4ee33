"""Weekly reports, photos and the weekly digest (Jiyuan seeds/000: reports every Friday, BoQ tendering)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from jiugai.core.models import AuditEntry
from jiugai.projects.choices import ContractKind, Stage, VariationStatus
from jiugai.projects.models import BoQLine, Contract, ProgressPhoto, ReportLine, Variation, VariationLine, WeeklyReport
from jiugai.projects.selectors.progress import progress_lines, progress_public_summary, report_lines
from jiugai.projects.services import progress as services
from jiugai.projects.services import project as project_services
from jiugai.projects.tasks import digest_build_all

pytestmark = pytest.mark.django_db

D = Decimal
FRIDAY_1 = dt.date(2022, 3, 25)
FRIDAY_2 = dt.date(2022, 4, 1)
FRIDAY_3 = dt.date(2022, 4, 8)


def boq(project, code: str, quantity: str, price: str, position: int = 0) -> BoQLine:
    line = BoQLine(
        project=project,
        code=code,
        name=f"项目{code}",
        unit="m²",
        quantity=D(quantity),
        unit_price=D(price),
        position=position,
    )
    line.full_clean()
    line.save()
    return line


def works_setup(site):
    """The site's project under construction since Sunday 20 March 2022, with two BoQ lines:
    01 façade 1,000 m² at 100 yuan (100,000) and 02 pipes 100 m at 1,000 yuan (100,000)."""
    project = site.ready_for_construction()
    project_services.project_advance(
        actor=site.east, project=project, target=Stage.CONSTRUCTION, reason="开工", on=dt.date(2022, 3, 20)
    )
    project.refresh_from_db()
    site.project = project
    site.facade = boq(project, "01", "1000", "100", 1)
    site.pipes = boq(project, "02", "100", "1000", 2)
    return site


@pytest.fixture
def works(site):
    return works_setup(site)


def submit(site, week=FRIDAY_1, actor=None, **lines):
    return services.report_submit(
        actor=actor or site.east,
        project=site.project,
        week_ending=week,
        lines={getattr(site, name).pk: value for name, value in lines.items()},
        summary="外墙保温施工",
    )


def jpeg(name: str = "site.jpg", size: tuple[int, int] = (40, 30), fmt: str = "JPEG") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def test_report_computes_percent_from_quantities(works):
    report = submit(works, facade="500", pipes="10")
    assert report.percent_complete == D("30.00")  # (50,000 + 10,000) / 200,000
    works.project.refresh_from_db()
    assert works.project.percent_complete == D("30.00")
    assert works.project.last_report_on == FRIDAY_1
    assert ReportLine.objects.filter(report=report).count() == 2
    entry = AuditEntry.objects.get(action="projects.report.submit")
    assert entry.payload["percent_complete"] == "30.00"
    second = submit(works, week=FRIDAY_2, facade="500", pipes="90")
    assert second.percent_complete == D("100.00")
    works.project.refresh_from_db()
    assert works.project.percent_complete == D("100.00") and works.project.last_report_on == FRIDAY_2
    rows = report_lines(report=second)
    assert [(r["line"].code, r["this_week"], r["percent"]) for r in rows] == [
        ("01", D("500"), D("100.00")),
        ("02", D("90"), D("100.00")),
    ]
    # 100 % opens the acceptance gate (works_complete_gate).
    project_services.project_advance(actor=works.east, project=works.project, target=Stage.ACCEPTANCE)


def test_contractor_and_supervisor_report_for_their_project(works):
    report = submit(works, actor=works.contractor, facade="100")
    assert report.submitted_by == works.contractor
    works.project.supervision_firm = "宁夏监理公司"
    works.project.save()
    submit(works, week=FRIDAY_2, actor=works.supervisor, facade="100")


def test_late_report_for_an_earlier_week_updates_later_figures(works):
    later = submit(works, week=FRIDAY_2, facade="200")
    assert later.percent_complete == D("10.00")
    earlier = submit(works, week=FRIDAY_1, facade="100")
    assert earlier.percent_complete == D("5.00")
    later.refresh_from_db()
    assert later.percent_complete == D("15.00")
    works.project.refresh_from_db()
    assert works.project.last_report_on == FRIDAY_2 and works.project.percent_complete == D("15.00")


def test_approved_variation_raises_the_limit(works):
    contract = Contract.objects.get(project=works.project, kind=ContractKind.CONSTRUCTION)
    variation = Variation.objects.create(
        contract=contract, number=1, reason="增加管道", status=VariationStatus.APPROVED
    )
    VariationLine.objects.create(
        variation=variation, boq_line=works.pipes, quantity_delta=D("20"), unit_price=D("1000")
    )
    proposed = Variation.objects.create(contract=contract, number=2, reason="再加", status=VariationStatus.PROPOSED)
    VariationLine.objects.create(variation=proposed, boq_line=works.pipes, quantity_delta=D("50"), unit_price=D("1000"))
    lines = {line.code: line for line in progress_lines(project=works.project)}
    assert lines["02"].quantity == D("120")  # the proposed variation does not count
    submit(works, pipes="120")
    with pytest.raises(ValidationError) as exc:
        submit(works, week=FRIDAY_2, pipes="1")
    assert "lines" in exc.value.message_dict


def _nothing_changed(site, reports: int = 0) -> None:
    assert WeeklyReport.objects.filter(project=site.project).count() == reports
    site.project.refresh_from_db()
    if reports == 0:
        assert site.project.percent_complete == D("0") and site.project.last_report_on is None


def test_over_quantity_refused_and_nothing_changes(works):
    with pytest.raises(ValidationError) as exc:
        submit(works, facade="1000.01", pipes="5")
    message = " ".join(exc.value.message_dict["lines"])
    assert "01" in message and "1000.01" in message
    _nothing_changed(works)
    assert not ReportLine.objects.exists()
    submit(works, facade="600")
    with pytest.raises(ValidationError):  # cumulative: 600 + 401 > 1,000
        submit(works, week=FRIDAY_2, facade="401")
    _nothing_changed(works, reports=1)
    works.project.refresh_from_db()
    assert works.project.percent_complete == D("30.00")


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ({"facade": "-1"}, "lines"),
        ({"facade": "abc"}, "lines"),
        ({"facade": "1.005"}, "lines"),
        ({"facade": "NaN"}, "lines"),
    ],
)
def test_bad_quantities_refused(works, lines, field):
    with pytest.raises(ValidationError) as exc:
        submit(works, **lines)
    assert field in exc.value.message_dict
    _nothing_changed(works)


def test_line_of_another_project_refused(works, site, make_estate):
    with pytest.raises(ValidationError):
        services.report_submit(actor=works.east, project=works.project, week_ending=FRIDAY_1, lines={999999: "1"})
    _nothing_changed(works)


@pytest.mark.parametrize(
    "week",
    [
        dt.date(2022, 3, 24),  # a Thursday: Jiyuan reports on Fridays
        dt.date(2022, 3, 18),  # a Friday before the works started on 20 March
    ],
)
def test_bad_week_refused(works, week):
    with pytest.raises(ValidationError) as exc:
        submit(works, week=week, facade="1")
    assert "week_ending" in exc.value.message_dict
    _nothing_changed(works)


def test_future_week_refused(works):
    today = timezone.localdate()
    friday = today + dt.timedelta(days=(5 - today.isoweekday()) % 7 or 7)
    with pytest.raises(ValidationError) as exc:
        submit(works, week=friday, facade="1")
    assert "week_ending" in exc.value.message_dict
    _nothing_changed(works)


def test_duplicate_week_refused(works):
    submit(works, facade="1")
    with pytest.raises(ValidationError) as exc:
        submit(works, facade="1")
    assert "already" in " ".join(exc.value.message_dict["week_ending"]) or "已" in " ".join(
        exc.value.message_dict["week_ending"]
    )
    _nothing_changed(works, reports=1)


def test_overlapping_week_refused_after_the_report_day_changes(works):
    from jiugai.policy.services import policy_profile_create

    # From 26 March the street reports on Wednesdays: a Wednesday five days after a Friday report overlaps it.
    policy_profile_create(
        jurisdiction=works.tree.street_a,
        effective_from=dt.date(2022, 3, 26),
        title="street reports on Wednesdays",
        values={"projects.weekly_report_weekday": {"value": 3, "source_title": "街道通知"}},
    )
    submit(works, facade="1")
    with pytest.raises(ValidationError) as exc:
        submit(works, week=dt.date(2022, 3, 30), facade="1")
    assert len(exc.value.message_dict["week_ending"]) == 1  # on the new report day, but overlapping
    _nothing_changed(works, reports=1)
    submit(works, week=dt.date(2022, 4, 6), facade="1")  # a full week later is fine


def test_wrong_role_other_street_and_wrong_firm_refused(works):
    for actor in (works.owners, works.community, works.utility, works.designer):
        with pytest.raises(PermissionDenied):
            submit(works, actor=actor, facade="1")
    with pytest.raises(PermissionDenied):
        submit(works, actor=works.west, facade="1")
    # The supervisor's firm is not recorded on the project: it may not report.
    with pytest.raises(PermissionDenied):
        submit(works, actor=works.supervisor, facade="1")
    works.contractor.organisation = "别的建筑公司"
    works.contractor.save()
    with pytest.raises(PermissionDenied):
        submit(works, actor=works.contractor, facade="1")
    _nothing_changed(works)


def test_only_under_construction(site):
    boq(site.project, "01", "10", "1")
    with pytest.raises(ValidationError) as exc:
        services.report_submit(actor=site.east, project=site.project, week_ending=FRIDAY_1, lines={}, summary="未开工")
    assert "project" in exc.value.message_dict
    assert not WeeklyReport.objects.exists()


# --- photos -------------------------------------------------------------------------------------------------------


def test_photo_with_time_and_place(works):
    report = submit(works, facade="10")
    taken = timezone.make_aware(dt.datetime(2022, 3, 24, 10, 30))
    photo = services.photo_add(
        actor=works.contractor,
        report=report,
        image=jpeg(),
        taken_at=taken,
        place="3号楼东侧",
        lat="36.015",
        lon="106.242",
        caption="外墙保温",
    )
    assert photo.latitude == D("36.015000") and photo.place == "3号楼东侧"
    png = services.photo_add(actor=works.east, report=report, image=jpeg("b.png", fmt="PNG"), taken_at=taken)
    webp = services.photo_add(actor=works.east, report=report, image=jpeg("c.webp", fmt="WEBP"), taken_at=taken)
    assert png.pk and webp.pk
    works.project.refresh_from_db()
    summary = progress_public_summary(project=works.project)
    assert summary["percent_complete"] == D("0.50") and summary["last_report_on"] == FRIDAY_1
    assert summary["photos"][0]["caption"] in {"外墙保温", ""}
    assert all("url" in p and "submitted_by" not in p for p in summary["photos"])


@pytest.mark.parametrize(
    ("upload", "field"),
    [
        (SimpleUploadedFile("plan.pdf", b"%PDF-1.4 ...", content_type="application/pdf"), "image"),
        (SimpleUploadedFile("fake.jpg", b"%PDF-1.4 not a picture", content_type="image/jpeg"), "image"),
        (SimpleUploadedFile("anim.gif", b"GIF89a....", content_type="image/gif"), "image"),
    ],
)
def test_photo_wrong_type_refused(works, upload, field):
    report = submit(works, facade="10")
    with pytest.raises(ValidationError) as exc:
        services.photo_add(actor=works.east, report=report, image=upload, taken_at=timezone.now())
    assert field in exc.value.message_dict
    assert not ProgressPhoto.objects.exists()


def test_photo_too_large_future_and_bad_place_refused(works, monkeypatch):
    report = submit(works, facade="10")
    big = jpeg()
    big.size = services.PHOTO_MAX_BYTES + 1
    with pytest.raises(ValidationError) as exc:
        services.photo_add(actor=works.east, report=report, image=big, taken_at=timezone.now())
    assert "image" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.photo_add(
            actor=works.east, report=report, image=jpeg(), taken_at=timezone.now() + dt.timedelta(days=1)
        )
    assert "taken_at" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.photo_add(actor=works.east, report=report, image=jpeg(), taken_at=timezone.now(), lat="91", lon="1")
    assert "lat" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.photo_add(actor=works.east, report=report, image=jpeg(), taken_at=timezone.now(), lat="36")
    assert "lat" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.photo_add(actor=works.west, report=report, image=jpeg(), taken_at=timezone.now())
    with pytest.raises(PermissionDenied):
        services.photo_add(actor=works.owners, report=report, image=jpeg(), taken_at=timezone.now())
    monkeypatch.setattr(services, "PHOTOS_PER_REPORT", 1)
    services.photo_add(actor=works.east, report=report, image=jpeg(), taken_at=timezone.now())
    with pytest.raises(ValidationError):
        services.photo_add(actor=works.east, report=report, image=jpeg(), taken_at=timezone.now())
    assert ProgressPhoto.objects.count() == 1


# --- the digest --------------------------------------------------------------------------------------------------


def test_digest_counts_reports_overdue_and_streets(works, make_estate):
    submit(works, facade="500")
    digest = services.digest_build(jurisdiction=works.tree.city, week_ending=FRIDAY_1)
    data = digest.data
    totals = data["totals"]
    assert totals["projects"] == 1 and totals["by_stage"][Stage.CONSTRUCTION] == 1
    assert totals["reports_expected"] == 1 and totals["reports_received"] == 1 and totals["reports_missing"] == 0
    # Started on 20 March, after the 15 March deadline (and preliminary work due 28 February).
    assert totals["overdue"] == 1 and totals["overdue_by_kind"]["start"] == 1
    assert {d["label"]: d["count"] for d in data["distribution"]}["0-25"] == 1
    assert data["streets"][0]["name"] == works.tree.street_a.name and data["streets"][0]["received"] == 1
    assert data["overdue_projects"][0]["flags"][0]["code"] in {"preliminary", "start"}
    assert digest.build_seconds >= 0
    # The next week nobody reported: the report is missing.
    again = services.digest_build(jurisdiction=works.tree.city, week_ending=FRIDAY_2)
    assert again.data["totals"]["reports_missing"] == 1
    assert again.data["missing_projects"][0]["code"] == works.project.code
    # Rebuilding a week replaces its figures (one digest per jurisdiction and week).
    submit(works, week=FRIDAY_2, facade="1")
    rebuilt = services.digest_build(jurisdiction=works.tree.city, week_ending=FRIDAY_2)
    assert rebuilt.pk == again.pk and rebuilt.data["totals"]["reports_missing"] == 0


def test_digest_build_permissions(works):
    with pytest.raises(PermissionDenied):
        services.digest_build(jurisdiction=works.tree.city, week_ending=FRIDAY_1, actor=works.east)
    with pytest.raises(PermissionDenied):
        services.digest_build(jurisdiction=works.tree.city, week_ending=FRIDAY_1, actor=works.contractor)
    with pytest.raises(ValidationError):
        services.digest_build(
            jurisdiction=works.tree.city, week_ending=timezone.localdate() + dt.timedelta(days=7), actor=works.office
        )
    digest = services.digest_build(jurisdiction=works.tree.street_a, week_ending=FRIDAY_1, actor=works.east)
    assert digest.jurisdiction == works.tree.street_a


def test_digest_task_builds_city_and_district(works):
    result = digest_build_all(on="2022-03-27")
    assert set(result["built"]) == {works.tree.city.code, works.tree.district.code}
    assert result["built"][works.tree.city.code]["week_ending"] == "2022-03-25"  # the Friday before
    assert result["failed"] == {}


def test_digest_documents(works):
    from docx import Document
    from openpyxl import load_workbook

    from jiugai.projects.documents import digest_docx, digest_xlsx

    submit(works, facade="500")
    digest = services.digest_build(jurisdiction=works.tree.city, week_ending=FRIDAY_1)
    document = Document(io.BytesIO(digest_docx(digest)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "2022-03-25" in text
    assert any(works.tree.street_a.name in c.text for t in document.tables for r in t.rows for c in r.cells)
    book = load_workbook(io.BytesIO(digest_xlsx(digest)))
    assert len(book.sheetnames) == 4
    values = list(book.worksheets[1].iter_rows(min_row=3, values_only=True))
    assert values[0][0] == works.tree.street_a.name and values[0][3] == 1
