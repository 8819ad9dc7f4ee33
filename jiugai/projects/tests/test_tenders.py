"""Bill of quantities, tenders and bids, the award and its price notice, contracts and variations (Jiyuan 000:
BoQ tendering, prices posted in the estate; variations change quantity and cost). Bad input changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from openpyxl import Workbook

from jiugai.consultation.choices import NoticeSubject
from jiugai.consultation.selectors import notices_for
from jiugai.core.models import AuditEntry
from jiugai.planning import services as planning
from jiugai.planning.models import CatalogueItem
from jiugai.policy.services import policy_profile_create
from jiugai.projects.choices import ContractKind, Stage, TenderMethod, TenderStatus, VariationStatus
from jiugai.projects.models import Bid, BoQLine, Contract, Project, Tender, Variation
from jiugai.projects.selectors import tenders as sel
from jiugai.projects.services import tenders as services
from jiugai.projects.workflow import notices_gate

pytestmark = pytest.mark.django_db
D = Decimal
OPENED = dt.date(2022, 1, 20)
CLOSES = dt.date(2022, 2, 10)
BILL = [
    ("B01", "供水管网改造", "户", "120", "2500"),
    ("B02", "外墙保温", "m²", "3000.5", "99.99"),
    ("B03", "楼道照明", "处", "48", "350"),
]
# 300000 + 300019.995→300020.00 + 16800 = 616820.00
BILL_TOTAL = D("616820.00")
PRICES = {"B01": "2400", "B02": "95", "B03": "300"}  # 288000 + 285047.50 + 14400
PRICED_TOTAL = D("587447.50")


def add_bill(site: Any) -> list[BoQLine]:
    return [
        services.boq_line_add(actor=site.east, project=site.project, code=c, name=n, unit=u, quantity=q, unit_price=p)
        for c, n, u, q, p in BILL
    ]


def workbook(rows: list[list[Any]], name: str = "bill.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(["编码", "名称", "单位", "工程量", "控制单价"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def open_tender(site: Any, kind: str = ContractKind.CONSTRUCTION, **extra: Any) -> Tender:
    tender = services.tender_create(actor=site.east, project=site.project, kind=kind, **extra)
    return services.tender_open(actor=site.east, tender=tender, opened_on=OPENED, closes_on=CLOSES)


def bid(site: Any, tender: Tender, bidder: str, prices: dict[str, str] | None = None, **extra: Any) -> Bid:
    return services.bid_submit(
        actor=site.east,
        tender=tender,
        bidder=bidder,
        line_prices=prices,
        submitted_on=extra.pop("submitted_on", dt.date(2022, 2, 5)),
        **extra,
    )


def awarded(site: Any) -> Tender:
    add_bill(site)
    tender = open_tender(site)
    bid(site, tender, "固原建工集团", PRICES)
    bid(site, tender, "宁夏路桥公司", {"B01": "2450", "B02": "98", "B03": "320"})
    bid(site, tender, "银川市政公司", {"B01": "2500", "B02": "99.99", "B03": "350"})
    return services.tender_award(actor=site.east, tender=tender, awarded_on=dt.date(2022, 2, 12))


def contracted(site: Any) -> Contract:
    tender = awarded(site)
    return services.contract_sign(
        actor=site.east,
        project=site.project,
        kind=ContractKind.CONSTRUCTION,
        tender=tender,
        signed_on=dt.date(2022, 2, 15),
        number="GY-2022-01",
    )


def thresholds(site: Any, construction: str = "500000", services_: str = "100000") -> None:
    policy_profile_create(
        jurisdiction=site.tree.street_a,
        effective_from=dt.date(2020, 1, 1),
        title="Street tender thresholds",
        values={
            "projects.construction_tender_threshold": {"value": construction, "source_title": "东街道招标办法"},
            "projects.services_tender_threshold": {"value": services_, "source_title": "东街道招标办法"},
        },
    )


# --- the bill -------------------------------------------------------------------------------------------


def test_bill_lines_and_totals(site: Any) -> None:
    lines = add_bill(site)
    summary = sel.boq_lines_with_totals(site.project)
    assert summary.base_total == BILL_TOTAL == summary.current_total
    assert [r.line.code for r in summary.rows] == ["B01", "B02", "B03"]
    assert lines[1].amount == D("300020.00")  # 3000.5 × 99.99 = 300019.995, half-up
    assert sel.boq_quantities(site.project) == {lines[0].pk: D("120"), lines[1].pk: D("3000.5"), lines[2].pk: D("48")}


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("code", {"code": "B01"}),  # duplicate
        ("code", {"code": "  "}),
        ("quantity", {"quantity": "0"}),
        ("quantity", {"quantity": "-3"}),
        ("quantity", {"quantity": "1.234"}),
        ("quantity", {"quantity": "abc"}),
        ("unit_price", {"unit_price": "-1"}),
        ("name", {"name": ""}),
    ],
)
def test_bad_bill_line_changes_nothing(site: Any, field: str, values: dict[str, str]) -> None:
    add_bill(site)
    data = {"code": "B09", "name": "围墙", "unit": "m", "quantity": "10", "unit_price": "50", **values}
    with pytest.raises(ValidationError) as exc:
        services.boq_line_add(actor=site.east, project=site.project, **data)
    assert field in exc.value.message_dict
    assert BoQLine.objects.filter(project=site.project).count() == 3


def test_bill_wrong_role_and_other_street(site: Any) -> None:
    for actor in (site.west, site.contractor, site.owners):
        with pytest.raises(PermissionDenied):
            services.boq_line_add(
                actor=actor, project=site.project, code="X", name="x", unit="m", quantity="1", unit_price="1"
            )
    assert not BoQLine.objects.exists()


def test_bill_import_all_or_nothing(site: Any) -> None:
    good = workbook([[c, n, u, float(q), float(p)] for c, n, u, q, p in BILL] + [[None, None, None, None, None]])
    created = services.boq_import(actor=site.east, project=site.project, file=good)
    assert len(created) == 3 and sel.boq_lines_with_totals(site.project).base_total == BILL_TOTAL
    assert AuditEntry.objects.filter(action="projects.boq.import").count() == 1
    bad = workbook(
        [
            ["C01", "新行", "m", 10, 5],
            ["C01", "重复", "m", 1, 1],
            ["C02", "", "m", "x", -2],
            ["C03", "三", "", 0, 1.234],
        ]
    )
    with pytest.raises(services.BoqImportInvalid) as exc:
        services.boq_import(actor=site.east, project=site.project, file=bad)
    where = {(p["row"], p["column"]) for p in exc.value.problems}
    assert where == {
        (3, "code"),
        (4, "name"),
        (4, "quantity"),
        (4, "unit_price"),
        (5, "unit"),
        (5, "quantity"),
        (5, "unit_price"),
    }
    assert all(p["column_label"] for p in exc.value.problems)
    assert sorted(BoQLine.objects.values_list("code", flat=True)) == ["B01", "B02", "B03"]  # unchanged
    with pytest.raises(services.BoqImportInvalid) as exc:
        services.boq_import(actor=site.east, project=site.project, file=SimpleUploadedFile("bill.docx", b"PK\x03\x04x"))
    assert exc.value.problems[0]["row"] is None
    with pytest.raises(services.BoqImportInvalid):
        services.boq_import(actor=site.east, project=site.project, file=workbook([]))
    # Adding instead of replacing: a code already in the bill is a problem.
    with pytest.raises(services.BoqImportInvalid):
        services.boq_import(
            actor=site.east, project=site.project, file=workbook([["B01", "again", "户", 1, 1]]), replace=False
        )
    services.boq_import(
        actor=site.east, project=site.project, file=workbook([["B04", "绿化", "m²", 10, 30]]), replace=False
    )
    assert BoQLine.objects.filter(project=site.project).count() == 4


def test_template_reads_back(site: Any) -> None:
    template = SimpleUploadedFile("template.xlsx", services.boq_template_workbook())
    created = services.boq_import(actor=site.east, project=site.project, file=template)
    assert [(line.code, line.quantity, line.unit_price) for line in created] == [("B01", D("120"), D("2500"))]


def test_prefill_from_newest_proposal(site: Any) -> None:
    items = list(CatalogueItem.objects.filter(catalogue__jurisdiction=None).order_by("position", "code")[:2])
    assert len(items) == 2
    planning.proposal_save(estate=site.estate, lines=[{"item": items[0].code, "quantity": "1"}])
    planning.proposal_save(
        estate=site.estate,
        lines=[
            {"item": items[0].code, "quantity": "10", "unit_cost": "100"},
            {"item": items[1].code, "quantity": "0"},
        ],
    )
    created = services.boq_prefill_from_proposal(actor=site.east, project=site.project)
    assert [(line.code, line.quantity, line.unit_price) for line in created] == [(items[0].code, D("10"), D("100"))]
    assert created[0].catalogue_item == items[0]
    with pytest.raises(ValidationError):  # the bill is no longer empty
        services.boq_prefill_from_proposal(actor=site.east, project=site.project)


def test_prefill_without_proposal_refused(site: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.boq_prefill_from_proposal(actor=site.east, project=site.project)
    assert "boq" in exc.value.message_dict


# --- tenders and bids -----------------------------------------------------------------------------------


def test_tender_flow_award_lowest(site: Any) -> None:
    add_bill(site)
    tender = services.tender_create(actor=site.east, project=site.project, kind=ContractKind.CONSTRUCTION)
    assert tender.control_price == BILL_TOTAL and tender.method == TenderMethod.OPEN
    method = tender.decision["method"]
    assert method["figures"]["parameter"] == "projects.construction_tender_threshold"
    assert method["figures"]["threshold_defaulted"] is True  # no profile value: the national floor
    tender = services.tender_open(actor=site.east, tender=tender, opened_on=OPENED, closes_on=CLOSES)
    first = bid(site, tender, "固原建工集团", PRICES)
    assert first.price == PRICED_TOTAL and first.line_prices["B02"] == "95.00"
    bid(site, tender, "宁夏路桥公司", {"B01": "2450", "B02": "98", "B03": "320"}, price="603409.00")
    with pytest.raises(ValidationError):  # too few bids: tender again
        services.tender_award(actor=site.east, tender=tender, awarded_on=dt.date(2022, 2, 12))
    bid(site, tender, "银川市政公司", price=str(BILL_TOTAL), prices={"B01": "2500", "B02": "99.99", "B03": "350"})
    with pytest.raises(ValidationError):  # bids are still open
        services.tender_award(actor=site.east, tender=tender, awarded_on=dt.date(2022, 2, 9))
    tender = services.tender_award(actor=site.east, tender=tender, awarded_on=dt.date(2022, 2, 12))
    assert tender.status == TenderStatus.AWARDED and tender.awarded_bid == first
    assert tender.decision["award"]["reasons"][0]["code"] == "lowest_valid_bid"
    site.project.refresh_from_db()
    assert site.project.construction_firm == "固原建工集团"
    assert AuditEntry.objects.filter(action="projects.tender.award").count() == 1
    # The bill is frozen while bids are priced against it.
    with pytest.raises(ValidationError):
        services.boq_line_add(
            actor=site.east, project=site.project, code="B09", name="x", unit="m", quantity="1", unit_price="1"
        )


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"prices": {"B01": "2400", "B02": "95"}}, "line_prices"),  # a line left unpriced
        ({"prices": {**PRICES, "Z9": "1"}}, "line_prices"),  # a line not in the bill
        ({"prices": PRICES, "price": str(PRICED_TOTAL + D("0.01"))}, "price"),  # total one cent off
        ({"prices": {"B01": "9999", "B02": "95", "B03": "300"}}, "price"),  # above the control price
        ({"prices": {**PRICES, "B03": "abc"}}, "line_prices"),
        ({"prices": None}, "price"),  # neither a price nor line prices
        ({"prices": None, "price": "500000"}, "line_prices"),  # a price alone: the lines are missing
        ({"prices": PRICES, "submitted_on": dt.date(2022, 1, 19)}, "submitted_on"),  # before opening
        ({"prices": PRICES, "submitted_on": dt.date(2022, 2, 11)}, "submitted_on"),  # after closing
        ({"prices": PRICES, "submitted_on": timezone.localdate() + dt.timedelta(days=1)}, "submitted_on"),
        ({"prices": PRICES, "bidder": " 固原建工 集团"}, "bidder"),  # the same bidder again
    ],
)
def test_bad_bids_refused(site: Any, extra: dict[str, Any], field: str) -> None:
    add_bill(site)
    tender = open_tender(site)
    bid(site, tender, "固原建工集团", PRICES)
    prices = extra.pop("prices")
    bidder = extra.pop("bidder", "宁夏路桥公司")
    with pytest.raises(ValidationError) as exc:
        bid(site, tender, bidder, prices, **extra)
    assert field in exc.value.message_dict, exc.value.message_dict
    assert tender.bids.count() == 1


def test_bids_only_while_open_and_by_the_office(site: Any) -> None:
    add_bill(site)
    draft = services.tender_create(actor=site.east, project=site.project, kind=ContractKind.CONSTRUCTION)
    with pytest.raises(ValidationError):
        bid(site, draft, "固原建工集团", PRICES)
    tender = services.tender_open(actor=site.east, tender=draft, opened_on=OPENED, closes_on=CLOSES)
    for actor in (site.west, site.contractor):
        with pytest.raises(PermissionDenied):
            services.bid_submit(actor=actor, tender=tender, bidder="某公司", line_prices=PRICES, submitted_on=OPENED)
    assert not Bid.objects.exists()


def test_tender_refusals(site: Any) -> None:
    with pytest.raises(ValidationError) as exc:  # no bill yet
        services.tender_create(actor=site.east, project=site.project, kind=ContractKind.CONSTRUCTION)
    assert "boq" in exc.value.message_dict
    add_bill(site)
    with pytest.raises(ValidationError):  # above the bill total
        services.tender_create(
            actor=site.east, project=site.project, kind=ContractKind.CONSTRUCTION, control_price="700000"
        )
    with pytest.raises(ValidationError):
        services.tender_create(actor=site.east, project=site.project, kind=ContractKind.DESIGN)  # no control price
    with pytest.raises(ValidationError):
        services.tender_create(
            actor=site.east, project=site.project, kind=ContractKind.DESIGN, control_price="9", method="direct"
        )
    with pytest.raises(ValidationError):
        services.tender_create(actor=site.east, project=site.project, kind="roads", control_price="9")
    with pytest.raises(PermissionDenied):
        services.tender_create(actor=site.west, project=site.project, kind=ContractKind.DESIGN, control_price="9")
    with pytest.raises(PermissionDenied):
        services.tender_create(actor=site.contractor, project=site.project, kind=ContractKind.DESIGN, control_price="9")
    assert not Tender.objects.exists()
    tender = services.tender_create(actor=site.east, project=site.project, kind=ContractKind.CONSTRUCTION)
    with pytest.raises(ValidationError):  # one live tender per contract
        services.tender_create(actor=site.east, project=site.project, kind=ContractKind.CONSTRUCTION)
    with pytest.raises(ValidationError):  # closes before it opens
        services.tender_open(actor=site.east, tender=tender, opened_on=OPENED, closes_on=dt.date(2022, 1, 1))
    with pytest.raises(ValidationError):  # a future opening
        services.tender_open(actor=site.east, tender=tender, opened_on=timezone.localdate() + dt.timedelta(days=2))
    tender.refresh_from_db()
    assert tender.status == TenderStatus.DRAFT


def test_required_tender_thresholds_from_profile(site: Any) -> None:
    thresholds(site)
    add_bill(site)
    with pytest.raises(ValidationError) as exc:  # invited without a reason
        services.tender_create(
            actor=site.east, project=site.project, kind=ContractKind.CONSTRUCTION, method=TenderMethod.INVITED
        )
    assert "method" in exc.value.message_dict
    tender = services.tender_create(actor=site.east, project=site.project, kind=ContractKind.CONSTRUCTION)
    assert tender.decision["method"]["figures"]["required"] is True
    assert tender.decision["method"]["reasons"][0]["source"]["title"] == "东街道招标办法"
    with pytest.raises(ValidationError) as exc:  # 19 days: Bidding Law Art. 24 asks for 20
        services.tender_open(actor=site.east, tender=tender, opened_on=OPENED, closes_on=dt.date(2022, 2, 8))
    assert "closes_on" in exc.value.message_dict
    with pytest.raises(ValidationError):  # a required tender needs a deadline
        services.tender_open(actor=site.east, tender=tender, opened_on=OPENED)
    services.tender_open(actor=site.east, tender=tender, opened_on=OPENED, closes_on=CLOSES)
    # A direct award at or above the threshold is refused; below it, allowed.
    with pytest.raises(ValidationError) as exc:
        services.contract_sign(
            actor=site.east,
            project=site.project,
            kind=ContractKind.SUPERVISION,
            counterparty="宁夏监理公司",
            amount="100000",
            signed_on=dt.date(2022, 2, 1),
        )
    assert "amount" in exc.value.message_dict
    contract = services.contract_sign(
        actor=site.east,
        project=site.project,
        kind=ContractKind.SUPERVISION,
        counterparty="宁夏监理公司",
        amount="99999.99",
        signed_on=dt.date(2022, 2, 1),
    )
    assert contract.tender is None
    entry = AuditEntry.objects.get(action="projects.contract.sign")
    assert entry.payload["method"]["figures"]["method"] == "direct"


def test_invited_tender_with_reason(site: Any) -> None:
    thresholds(site)
    tender = services.tender_create(
        actor=site.east,
        project=site.project,
        kind=ContractKind.DESIGN,
        control_price="200000",
        method=TenderMethod.INVITED,
        method_reason="本地具备资质的设计单位仅三家",
    )
    assert tender.method == TenderMethod.INVITED and tender.method_reason == "本地具备资质的设计单位仅三家"


def test_cancel_and_tender_again(site: Any) -> None:
    add_bill(site)
    tender = open_tender(site)
    bid(site, tender, "固原建工集团", PRICES)
    with pytest.raises(ValidationError):
        services.tender_cancel(actor=site.east, tender=tender, reason=" ")
    services.tender_cancel(actor=site.east, tender=tender, reason="投标人不足三家")
    tender.refresh_from_db()
    assert tender.status == TenderStatus.CANCELLED and tender.decision["cancel"]["bids"] == 1
    with pytest.raises(ValidationError):
        services.tender_cancel(actor=site.east, tender=tender, reason="again")
    # The bill may change again, and a new tender be held.
    services.boq_line_add(
        actor=site.east, project=site.project, code="B04", name="绿化", unit="m²", quantity="10", unit_price="30"
    )
    again = services.tender_create(actor=site.east, project=site.project, kind=ContractKind.CONSTRUCTION)
    assert again.control_price == BILL_TOTAL + D("300")


def test_price_notice_posted_about_the_project(site: Any) -> None:
    tender = awarded(site)
    past = timezone.now() - dt.timedelta(days=30)
    notice = services.tender_price_notice_post(actor=site.east, tender=tender, window_days=5, now=past)
    assert notice.subject == NoticeSubject.TENDER_PRICE and notice.status == "published"
    assert "固原建工集团" in notice.content and str(PRICED_TOTAL) in notice.content
    assert list(notices_for(obj=site.project)) == [notice]
    with translation.override("en"):
        assert not [p for p in notices_gate(site.project) if "bid price" in p]
    with pytest.raises(ValidationError):
        services.tender_price_notice_post(actor=site.east, tender=tender, window_days=5)
    assert notices_for(obj=site.project).count() == 1


def test_price_notice_only_after_award(site: Any) -> None:
    add_bill(site)
    tender = open_tender(site)
    with pytest.raises(ValidationError):
        services.tender_price_notice_post(actor=site.east, tender=tender, window_days=5)
    with pytest.raises(PermissionDenied):
        services.tender_price_notice_post(actor=site.west, tender=tender, window_days=5)
    assert notices_for(obj=site.project).count() == 0


# --- contracts ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"amount": "600000"}, "amount"),  # not the winning price
        ({"counterparty": "宁夏路桥公司"}, "counterparty"),  # not the winner
        ({"signed_on": dt.date(2022, 2, 11)}, "signed_on"),  # before the award
        ({"signed_on": timezone.localdate() + dt.timedelta(days=1)}, "signed_on"),
        ({"document": SimpleUploadedFile("contract.exe", b"MZ")}, "document"),
        ({"kind": ContractKind.DESIGN}, "tender"),  # the tender is for construction
    ],
)
def test_bad_contract_changes_nothing(site: Any, extra: dict[str, Any], field: str) -> None:
    tender = awarded(site)
    data = {"kind": ContractKind.CONSTRUCTION, "signed_on": dt.date(2022, 2, 15), **extra}
    with pytest.raises(ValidationError) as exc:
        services.contract_sign(actor=site.east, project=site.project, tender=tender, **data)
    assert field in exc.value.message_dict
    assert not Contract.objects.exists()


def test_contract_from_award(site: Any) -> None:
    contract = contracted(site)
    assert contract.amount == PRICED_TOTAL and contract.counterparty == "固原建工集团"
    site.project.refresh_from_db()
    assert site.project.preliminary_done_on == dt.date(2022, 2, 15)
    assert AuditEntry.objects.filter(action="projects.contract.sign").exists()
    with pytest.raises(ValidationError):  # one construction contract
        services.contract_sign(
            actor=site.east,
            project=site.project,
            kind=ContractKind.CONSTRUCTION,
            counterparty="x",
            amount="1",
            signed_on=dt.date(2022, 2, 15),
        )


def test_direct_award_while_tender_live_refused(site: Any) -> None:
    add_bill(site)
    open_tender(site)
    with pytest.raises(ValidationError) as exc:
        services.contract_sign(
            actor=site.east,
            project=site.project,
            kind=ContractKind.CONSTRUCTION,
            counterparty="某公司",
            amount="1000",
            signed_on=dt.date(2022, 2, 15),
        )
    assert "tender" in exc.value.message_dict


def test_direct_design_contract_with_document(site: Any) -> None:
    large = SimpleUploadedFile("design.pdf", b"%PDF" + b"0" * 10)
    large.size = services.DOCUMENT_MAX_BYTES + 1
    with pytest.raises(ValidationError):
        services.contract_sign(
            actor=site.east,
            project=site.project,
            kind=ContractKind.DESIGN,
            counterparty="固原设计院",
            amount="80000",
            signed_on=dt.date(2022, 1, 15),
            document=large,
        )
    contract = services.contract_sign(
        actor=site.east,
        project=site.project,
        kind=ContractKind.DESIGN,
        counterparty="固原设计院",
        amount="80000",
        signed_on=dt.date(2022, 1, 15),
        document=SimpleUploadedFile("design.pdf", b"%PDF-1.4"),
    )
    assert str(contract.document.name).endswith(".pdf")
    site.project.refresh_from_db()
    assert site.project.design_firm == "固原设计院"
    with pytest.raises(ValidationError):  # before registration
        services.contract_sign(
            actor=site.east,
            project=site.project,
            kind=ContractKind.SUPERVISION,
            counterparty="监理",
            amount="1000",
            signed_on=dt.date(2021, 1, 1),
        )


# --- variations -----------------------------------------------------------------------------------------


def test_variation_propose_and_approve(site: Any) -> None:
    contract = contracted(site)
    b01, b02 = BoQLine.objects.get(code="B01"), BoQLine.objects.get(code="B02")
    variation = services.variation_propose(
        actor=site.contractor,
        contract=contract,
        reason="现场管网走向与图纸不符",
        lines=[
            {"boq_line": b01.pk, "quantity_delta": "-20"},
            {"boq_line": b02, "quantity_delta": "10.5", "unit_price": "90"},
        ],
        new_lines=[{"code": "N01", "name": "化粪池清掏", "unit": "座", "quantity": "2", "unit_price": "1500.25"}],
    )
    # B01 at the contract's unit price 2400 (the winning bid), B02 at 90, the new line at its price.
    assert variation.cost_delta == D("-48000") + D("945") + D("3000.50")
    assert variation.status == VariationStatus.PROPOSED and variation.number == 1
    new = BoQLine.objects.get(code="N01")
    quantities = sel.boq_quantities(site.project)
    assert quantities[b01.pk] == D("120") and quantities[new.pk] == D("0")  # not approved yet
    with pytest.raises(PermissionDenied):  # the street office does not approve variations
        services.variation_decide(actor=site.east, variation=variation, approve=True)
    with pytest.raises(ValidationError):  # a rejection says why
        services.variation_decide(actor=site.office, variation=variation, approve=False)
    services.variation_decide(actor=site.office, variation=variation, approve=True, note="同意")
    quantities = sel.boq_quantities(site.project)
    assert quantities[b01.pk] == D("100") and quantities[b02.pk] == D("3011.0") and quantities[new.pk] == D("2")
    totals = sel.contract_totals(site.project)
    assert totals.contract_total == PRICED_TOTAL
    assert totals.variations_total == variation.cost_delta
    assert totals.total == PRICED_TOTAL + variation.cost_delta
    summary = sel.boq_lines_with_totals(site.project)
    assert summary.base_total == BILL_TOTAL
    assert summary.approved_total == variation.cost_delta
    assert AuditEntry.objects.filter(action="projects.variation.approve").count() == 1
    with pytest.raises(ValidationError):  # decided already
        services.variation_decide(actor=site.office, variation=variation, approve=False, note="x")


def test_variations_together_cannot_go_negative(site: Any) -> None:
    contract = contracted(site)
    b03 = BoQLine.objects.get(code="B03")
    first = services.variation_propose(
        actor=site.east, contract=contract, reason="减少", lines=[{"boq_line": b03.pk, "quantity_delta": "-40"}]
    )
    second = services.variation_propose(
        actor=site.east, contract=contract, reason="再减少", lines=[{"boq_line": b03.pk, "quantity_delta": "-10"}]
    )
    services.variation_decide(actor=site.office, variation=first, approve=True)
    with pytest.raises(ValidationError) as exc:
        services.variation_decide(actor=site.office, variation=second, approve=True)
    assert "lines" in exc.value.message_dict
    second.refresh_from_db()
    assert second.status == VariationStatus.PROPOSED
    assert sel.boq_quantities(site.project)[b03.pk] == D("8")


@pytest.mark.parametrize(
    ("lines", "new_lines", "field"),
    [
        ([{"boq_line": "B01", "quantity_delta": "-121"}], [], "lines"),  # below zero (by id below)
        ([{"boq_line": "B01", "quantity_delta": "0"}], [], "lines"),
        ([{"boq_line": "B01", "quantity_delta": "x"}], [], "lines"),
        ([{"boq_line": 999999, "quantity_delta": "1"}], [], "lines"),
        ([{"boq_line": "B01", "quantity_delta": "1"}, {"boq_line": "B01", "quantity_delta": "2"}], [], "lines"),
        ([], [], "lines"),
        ([], [{"code": "B01", "name": "重复", "unit": "m", "quantity": "1", "unit_price": "1"}], "new_lines"),
        ([], [{"code": "N1", "name": "新", "unit": "m", "quantity": "-1", "unit_price": "1"}], "new_lines"),
        ([], [{"code": "N1", "name": "", "unit": "m", "quantity": "1", "unit_price": "1"}], "new_lines"),
    ],
)
def test_bad_variation_changes_nothing(site: Any, lines: list, new_lines: list, field: str) -> None:
    contract = contracted(site)
    ids = {line.code: line.pk for line in BoQLine.objects.all()}
    lines = [{**row, "boq_line": ids.get(row["boq_line"], row["boq_line"])} for row in lines]
    with pytest.raises(ValidationError) as exc:
        services.variation_propose(actor=site.east, contract=contract, reason="变更", lines=lines, new_lines=new_lines)
    assert field in exc.value.message_dict
    assert not Variation.objects.exists() and BoQLine.objects.count() == 3


def test_variation_who_may_propose_and_decide(site: Any) -> None:
    contract = contracted(site)
    b01 = BoQLine.objects.get(code="B01")
    change: dict[str, Any] = {"reason": "变更", "lines": [{"boq_line": b01.pk, "quantity_delta": "1"}]}
    for actor in (site.west, site.owners, site.community):
        with pytest.raises(PermissionDenied):
            services.variation_propose(actor=actor, contract=contract, **change)
    site.designer.organisation = "别的设计院"  # a firm not contracted on this project
    with pytest.raises(PermissionDenied):
        services.variation_propose(actor=site.designer, contract=contract, **change)
    variation = services.variation_propose(actor=site.office, contract=contract, **change)
    with pytest.raises(PermissionDenied):  # whoever proposed it does not decide it
        services.variation_decide(actor=site.office, variation=variation, approve=True)
    assert not Variation.objects.exclude(status=VariationStatus.PROPOSED).exists()


def test_design_variation_states_its_cost(site: Any) -> None:
    contract = services.contract_sign(
        actor=site.east,
        project=site.project,
        kind=ContractKind.DESIGN,
        counterparty="固原设计院",
        amount="80000",
        signed_on=dt.date(2022, 1, 15),
    )
    with pytest.raises(ValidationError):
        services.variation_propose(actor=site.east, contract=contract, reason="补充设计")
    with pytest.raises(ValidationError):
        services.variation_propose(actor=site.east, contract=contract, reason="补充设计", cost_delta="0")
    variation = services.variation_propose(
        actor=site.east, contract=contract, reason="减少设计范围", cost_delta="-5000"
    )
    services.variation_decide(actor=site.office, variation=variation, approve=True)
    assert sel.contract_totals(site.project).total == D("75000")


def test_variation_stage_closed(site: Any) -> None:
    contract = contracted(site)
    Project.objects.filter(pk=site.project.pk).update(stage=Stage.HANDED_OVER)
    with pytest.raises(ValidationError):
        services.variation_propose(
            actor=site.east,
            contract=contract,
            reason="x",
            lines=[{"boq_line": BoQLine.objects.get(code="B01").pk, "quantity_delta": "1"}],
        )


def test_public_summary_has_firms_and_prices(site: Any) -> None:
    contracted(site)
    summary = sel.tenders_public_summary(site.project)
    tender = summary["tenders"][0]
    assert tender["winner"] == "固原建工集团" and tender["winning_price"] == PRICED_TOTAL
    assert [b["bidder"] for b in tender["bids"]] == ["固原建工集团", "宁夏路桥公司", "银川市政公司"]
    assert summary["contracts"][0]["amount"] == PRICED_TOTAL and summary["total"] == PRICED_TOTAL
    text = repr(summary)
    assert "east" not in text and "builder" not in text  # no user names
