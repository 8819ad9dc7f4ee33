"""The tenders tab and the tenders API: pages, exports, forms, scoping (another street gets 404 or a refusal),
roles (403) and the shared JSON error shape; bad input changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from jiugai.projects.choices import ContractKind, TenderStatus, VariationStatus
from jiugai.projects.models import Bid, BoQLine, Contract, Tender, Variation
from jiugai.projects.services import tenders as services

from .test_tenders import BILL_TOTAL, CLOSES, OPENED, PRICED_TOTAL, PRICES, awarded, contracted

pytestmark = pytest.mark.django_db
D = Decimal


def login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def xlsx(rows: list[list[Any]], name: str = "bill.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(["编码", "名称", "单位", "工程量", "控制单价"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def error_shape(response: Any, code: str) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["code"] == code and body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    return body["error"]


# --- pages ----------------------------------------------------------------------------------------------


def test_tab_renders_with_bill_tenders_contracts_and_variations(client: Any, site: Any) -> None:
    contract = contracted(site)
    line = BoQLine.objects.get(code="B01")
    services.variation_propose(
        actor=site.contractor,
        contract=contract,
        reason="现场变更",
        lines=[{"boq_line": line.pk, "quantity_delta": "-5"}],
    )
    login(client, site.office)
    page = client.get(f"/projects/{site.project.pk}/tenders/")
    assert page.status_code == 200
    html = page.content.decode()
    for text in ("B01", "固原建工集团", 'data-testid="winner"', 'data-testid="award-reasons"', "approve-"):
        assert text in html, text
    assert page.context["bill"].base_total == BILL_TOTAL
    assert page.context["totals"].contract_total == PRICED_TOTAL
    # The contractor sees the tab, but neither manages tenders nor decides variations.
    login(client, site.contractor)
    html = client.get(f"/projects/{site.project.pk}/tenders/").content.decode()
    assert 'data-testid="tender-form"' not in html and "approve-" not in html


def test_exports(client: Any, site: Any) -> None:
    contracted(site)
    login(client, site.east)
    for url in ("boq.xlsx", "boq-template.xlsx", "tenders/bids.xlsx", "contracts.xlsx", "variations.xlsx"):
        response = client.get(f"/projects/{site.project.pk}/{url}")
        assert response.status_code == 200, url
        data = b"".join(response.streaming_content) if response.streaming else response.content
        load_workbook(io.BytesIO(data))
    response = client.get(f"/projects/{site.project.pk}/boq.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:5] == ("B01", "供水管网改造", "户", 120, 2500)


def test_other_street_gets_404(client: Any, site: Any) -> None:
    tender = awarded(site)
    login(client, site.west)
    assert client.get(f"/projects/{site.project.pk}/tenders/").status_code == 404
    assert client.get(f"/projects/{site.project.pk}/boq.xlsx").status_code == 404
    assert client.post(f"/projects/{site.project.pk}/tenders/{tender.pk}/cancel/", {"reason": "x"}).status_code == 404
    response = client.post(
        f"/projects/{site.project.pk}/boq/lines/",
        {"code": "X1", "name": "x", "unit": "m", "quantity": "1", "unit_price": "1"},
    )
    assert response.status_code == 404
    assert not BoQLine.objects.filter(code="X1").exists()
    tender.refresh_from_db()
    assert tender.status == TenderStatus.AWARDED


def test_page_flow_from_bill_to_contract(client: Any, site: Any) -> None:
    login(client, site.east)
    base = f"/projects/{site.project.pk}"
    good = xlsx(
        [
            ["B01", "供水管网改造", "户", 120, 2500],
            ["B02", "外墙保温", "m²", 3000.5, 99.99],
            ["B03", "楼道照明", "处", 48, 350],
        ]
    )
    assert client.post(f"{base}/boq/import/", {"file": good}).status_code == 302
    assert BoQLine.objects.count() == 3
    bad = client.post(f"{base}/boq/import/", {"file": xlsx([["C1", "", "m", -1, 1]])})
    assert bad.status_code == 200 and {p["column"] for p in bad.context["problems"]} == {"name", "quantity"}
    assert BoQLine.objects.count() == 3
    assert client.post(f"{base}/tenders/new/", {"kind": "construction"}).status_code == 302
    tender = Tender.objects.get()
    client.post(f"{base}/tenders/{tender.pk}/open/", {"opened_on": OPENED, "closes_on": CLOSES})
    lines = {line.code: line.pk for line in BoQLine.objects.all()}
    prefix = f"t{tender.pk}"
    for bidder, prices in (
        ("固原建工集团", PRICES),
        ("宁夏路桥公司", {"B01": "2450", "B02": "98", "B03": "320"}),
        ("银川市政公司", {"B01": "2500", "B02": "99.99", "B03": "350"}),
    ):
        data = {f"{prefix}-bidder": bidder, f"{prefix}-submitted_on": "2022-02-05"}
        data.update({f"{prefix}-line_{lines[code]}": price for code, price in prices.items()})
        assert client.post(f"{base}/tenders/{tender.pk}/bids/", data).status_code == 302
    assert Bid.objects.count() == 3
    # A priced bill returned by the bidder, one line over the control price in total: refused, nothing saved.
    priced = xlsx([["B01", "", "", "", 9999], ["B02", "", "", "", 95], ["B03", "", "", "", 300]])
    refused = client.post(
        f"{base}/tenders/{tender.pk}/bids/",
        {f"{prefix}-bidder": "某公司", f"{prefix}-submitted_on": "2022-02-05", f"{prefix}-priced_bill": priced},
        follow=True,
    )
    assert Bid.objects.count() == 3 and list(refused.context["messages"])
    client.post(f"{base}/tenders/{tender.pk}/award/", {"awarded_on": "2022-02-12"})
    tender.refresh_from_db()
    assert (
        tender.status == TenderStatus.AWARDED
        and Bid.objects.get(tender=tender, pk=tender.awarded_bid_id or 0).bidder == "固原建工集团"
    )
    notice = client.post(f"{base}/tenders/{tender.pk}/price-notice/", {"window_days": "5"})
    assert notice.status_code == 302 and "/consultation/" in notice["Location"]
    client.post(
        f"{base}/contracts/", {"kind": "construction", "tender": tender.pk, "signed_on": "2022-02-15", "number": "C-1"}
    )
    assert Contract.objects.get().amount == PRICED_TOTAL
    client.post(
        f"{base}/variations/",
        {"contract": Contract.objects.get().pk, "reason": "现场变更", "line_1": lines["B03"], "delta_1": "-8"},
    )
    variation = Variation.objects.get()
    assert variation.cost_delta == D("-2400.00")
    client.post(f"{base}/variations/{variation.pk}/decide/", {"decision": "approve"})
    variation.refresh_from_db()
    assert variation.status == VariationStatus.PROPOSED  # the street office may not approve: nothing changed
    login(client, site.office)
    client.post(f"{base}/variations/{variation.pk}/decide/", {"decision": "reject"})
    variation.refresh_from_db()
    assert variation.status == VariationStatus.PROPOSED  # a rejection needs a note
    client.post(f"{base}/variations/{variation.pk}/decide/", {"decision": "approve", "note": "同意"})
    variation.refresh_from_db()
    assert variation.status == VariationStatus.APPROVED


def test_wrong_role_post_changes_nothing(client: Any, site: Any) -> None:
    login(client, site.contractor)
    response = client.post(
        f"/projects/{site.project.pk}/boq/lines/",
        {"code": "X1", "name": "x", "unit": "m", "quantity": "1", "unit_price": "1"},
        follow=True,
    )
    assert response.status_code == 200 and list(response.context["messages"])
    assert not BoQLine.objects.exists()


# --- API ------------------------------------------------------------------------------------------------


def test_api_flow(client: Any, site: Any) -> None:
    login(client, site.east)
    pid = site.project.pk
    for code, name, unit, qty, price in (
        ("B01", "供水", "户", "120", "2500"),
        ("B02", "保温", "m²", "3000.5", "99.99"),
    ):
        made = client.post(
            f"/api/v1/projects/projects/{pid}/boq/",
            {"code": code, "name": name, "unit": unit, "quantity": qty, "unit_price": price},
            content_type="application/json",
        )
        assert made.status_code == 201, made.content
    bill = client.get(f"/api/v1/projects/projects/{pid}/boq/").json()
    assert bill["base_total"] == "600020.00" and len(bill["lines"]) == 2
    made = client.post(
        "/api/v1/projects/tenders/", {"project": pid, "kind": "construction"}, content_type="application/json"
    )
    assert made.status_code == 201, made.content
    tid = made.json()["id"]
    assert made.json()["control_price"] == "600020.00" and made.json()["method"] == "open"
    opened = client.post(
        f"/api/v1/projects/tenders/{tid}/open/",
        {"opened_on": "2022-01-20", "closes_on": "2022-02-10"},
        content_type="application/json",
    )
    assert opened.json()["status"] == "open"
    for bidder, b01 in (("甲公司", "2400"), ("乙公司", "2450"), ("丙公司", "2500")):
        bid = client.post(
            f"/api/v1/projects/tenders/{tid}/bids/",
            {"bidder": bidder, "line_prices": {"B01": b01, "B02": "95"}, "submitted_on": "2022-02-05"},
            content_type="application/json",
        )
        assert bid.status_code == 201, bid.content
    over = client.post(
        f"/api/v1/projects/tenders/{tid}/bids/",
        {
            "bidder": "丁公司",
            "price": "700000",
            "line_prices": {"B01": "3000", "B02": "99"},
            "submitted_on": "2022-02-05",
        },
        content_type="application/json",
    )
    error = error_shape(over, "invalid")
    assert "price" in error["fields"]
    assert len(client.get(f"/api/v1/projects/tenders/{tid}/bids/").json()) == 3
    award = client.post(
        f"/api/v1/projects/tenders/{tid}/award/", {"awarded_on": "2022-02-12"}, content_type="application/json"
    )
    assert award.json()["winner"] == "甲公司"
    notice = client.post(
        f"/api/v1/projects/tenders/{tid}/price-notice/", {"window_days": 5}, content_type="application/json"
    )
    assert notice.status_code == 201 and notice.json()["subject"] == "tender_price"
    contract = client.post(
        "/api/v1/projects/contracts/",
        {"project": pid, "kind": "construction", "tender": tid, "signed_on": "2022-02-15"},
        content_type="application/json",
    )
    assert contract.status_code == 201, contract.content
    cid = contract.json()["id"]
    b02 = BoQLine.objects.get(code="B02").pk
    variation = client.post(
        "/api/v1/projects/variations/",
        {"contract": cid, "reason": "增加保温面积", "lines": [{"boq_line": b02, "quantity_delta": "10"}]},
        content_type="application/json",
    )
    assert variation.status_code == 201, variation.content
    assert variation.json()["cost_delta"] == "950.00"
    vid = variation.json()["id"]
    denied = client.post(
        f"/api/v1/projects/variations/{vid}/decide/", {"approve": True}, content_type="application/json"
    )
    error_shape(denied, "permission_denied")
    assert denied.status_code == 403
    login(client, site.office)
    decided = client.post(
        f"/api/v1/projects/variations/{vid}/decide/", {"approve": True}, content_type="application/json"
    )
    assert decided.json()["status"] == "approved"
    bill = client.get(f"/api/v1/projects/projects/{pid}/boq/").json()
    line = next(line for line in bill["lines"] if line["code"] == "B02")
    assert line["quantity_in_force"] == "3010.50"
    assert client.get(f"/api/v1/projects/contracts/?project={pid}").json()["count"] == 1


def test_api_import_problems_in_error_shape(client: Any, site: Any) -> None:
    login(client, site.east)
    bad = xlsx([["C1", "", "m", "x", 1], ["C1", "二", "m", 1, 1]])
    response = client.post(f"/api/v1/projects/projects/{site.project.pk}/boq/import/", {"file": bad})
    error = error_shape(response, "invalid")
    assert {(p["row"], p["column"]) for p in error["problems"]} == {(2, "name"), (2, "quantity"), (3, "code")}
    assert not BoQLine.objects.exists()
    good = client.post(
        f"/api/v1/projects/projects/{site.project.pk}/boq/import/", {"file": xlsx([["C1", "一", "m", 2, 3]])}
    )
    assert good.status_code == 201 and good.json()[0]["amount"] == "6.00"


def test_api_other_street_and_wrong_role(client: Any, site: Any) -> None:
    tender = awarded(site)
    contract = services.contract_sign(
        actor=site.east,
        project=site.project,
        kind=ContractKind.CONSTRUCTION,
        tender=tender,
        signed_on=dt.date(2022, 2, 15),
    )
    login(client, site.west)
    assert client.get("/api/v1/projects/tenders/").json()["count"] == 0
    error_shape(client.get(f"/api/v1/projects/tenders/{tender.pk}/"), "not_found")
    error_shape(client.get(f"/api/v1/projects/projects/{site.project.pk}/boq/"), "not_found")
    refused = client.post(
        "/api/v1/projects/tenders/",
        {"project": site.project.pk, "kind": "design", "control_price": "9"},
        content_type="application/json",
    )
    assert "project" in error_shape(refused, "invalid")["fields"]
    cancelled = client.post(
        f"/api/v1/projects/tenders/{tender.pk}/cancel/", {"reason": "x"}, content_type="application/json"
    )
    assert cancelled.status_code == 404
    bad = client.post(
        "/api/v1/projects/variations/",
        {"contract": contract.pk, "reason": "x", "lines": []},
        content_type="application/json",
    )
    assert "contract" in error_shape(bad, "invalid")["fields"]
    login(client, site.contractor)
    denied = client.post(
        "/api/v1/projects/tenders/",
        {"project": site.project.pk, "kind": "design", "control_price": "9"},
        content_type="application/json",
    )
    assert denied.status_code == 403
    error_shape(denied, "permission_denied")
    assert Tender.objects.count() == 1
    malformed = client.post("/api/v1/projects/tenders/", "{", content_type="application/json")
    error_shape(malformed, "malformed_request")
    login(client, site.east)
    assert client.get("/api/v1/projects/tenders/?project=x").status_code == 400
    negative = client.post(
        "/api/v1/projects/variations/",
        {
            "contract": contract.pk,
            "reason": "x",
            "lines": [{"boq_line": BoQLine.objects.get(code="B03").pk, "quantity_delta": "-49"}],
        },
        content_type="application/json",
    )
    assert "lines" in error_shape(negative, "invalid")["fields"]
    assert not Variation.objects.exists()


def test_schema_has_no_warnings_for_tenders(client: Any, site: Any) -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    names = set(schema["components"]["schemas"])
    assert {"Tender", "TenderBid", "TenderContract", "TenderVariation", "BoqTotals"} <= names
    assert any(path.startswith("/api/v1/projects/tenders/") for path in schema["paths"])
