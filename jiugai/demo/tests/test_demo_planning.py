"""The planning demo: Guyuan's 2022 plan reproduced to the yuan, with the 84-vs-81 building warning and its
official Word and Excel tables."""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.utils import translation
from docx import Document
from openpyxl import load_workbook

from jiugai.accounts.models import User
from jiugai.demo import seeds
from jiugai.demo.services import DemoReport, demo_load
from jiugai.planning import selectors
from jiugai.planning.choices import RunStatus, Tier
from jiugai.planning.documents import plan_document_data, plan_docx, plan_xlsx
from jiugai.planning.models import AnnualPlan, RenovationProposal

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[DemoReport]:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield demo_load()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _plan(demo: DemoReport) -> AnnualPlan:
    assert demo.planning is not None and demo.planning.plan is not None
    return demo.planning.plan


def test_plan_selects_all_26_estates_at_the_stated_totals(demo: DemoReport) -> None:
    plan = _plan(demo)
    stated = seeds.GUYUAN_PLAN_2022
    assert plan.run_status == RunStatus.DONE
    assert plan.result["status"] == "optimal"
    summary = selectors.plan_summary(plan=plan, tier=Tier.IMPLEMENT)
    assert (summary.estates, summary.projects, summary.households) == (26, 3, stated.households)
    assert summary.area == stated.housing_area_m2
    assert summary.investment == stated.investment_yuan == Decimal("178086800")
    assert summary.buildings == 81
    # Proposals, not the plan, carry the money: 26 of them add up to the stated investment exactly.
    total = sum(p.total for p in RenovationProposal.objects.filter(estate__code__startswith="640402-2022-"))
    assert total == stated.investment_yuan
    # Guyuan's 15 % post-2000 cap comes from its profile (seed 003), and the plan keeps it.
    assert plan.result["post2000_cap"] == "3/20"
    assert 0 < plan.result["post2000_households"] * 100 <= 15 * stated.households


def test_checks_catch_84_stated_against_81_buildings(demo: DemoReport) -> None:
    plan = _plan(demo)
    summary = selectors.plan_summary(plan=plan)
    decisions = selectors.plan_consistency(plan=plan, summary=summary)
    assert [d.outcome for d in decisions] == ["inconsistent", "inconsistent"]
    for decision in decisions:
        mismatches = {r.fact: (r.threshold, r.value) for r in decision.reasons if r.code.endswith("_mismatch")}
        assert mismatches == {"buildings": (84, 81)}
        funding = next(r for r in decision.reasons if r.code.startswith("funding_"))
        assert funding.code == "funding_consistent"  # 93,812,690 + 84,274,110 = 178,086,800


def test_word_and_excel_tables(demo: DemoReport) -> None:
    plan = _plan(demo)
    with translation.override("zh-hans"):
        document = plan_document_data(plan=plan, doc_number="原建发〔2022〕1号")
        word = Document(io.BytesIO(plan_docx(document)))
        book = load_workbook(io.BytesIO(plan_xlsx(document)))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "原州区住房和城乡建设局" in text
    assert "原建发〔2022〕1号" in text
    assert "总投资17,808.68万元" in text
    assert "9,381.269" in text and "8,427.411" in text  # 万元, exactly as the seed writes them
    assert "载明 84 栋楼" in text
    section = word.sections[0]
    assert section.top_margin is not None and section.left_margin is not None
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    table = word.tables[0]
    assert len(table.rows) == 1 + 26 + 3 + 1  # header, estates, one subtotal per area, total
    assert [c.text for c in table.rows[-1].cells][5:8] == ["81", "3081", "247,891.00"]
    sheet = book.worksheets[0]
    total_row = [c.value for c in sheet[sheet.max_row]]
    assert total_row[0] == "合计" and total_row[6] == 3081 and total_row[9] == pytest.approx(17808.68)


def test_document_pages_need_a_run_plan_and_scope(demo: DemoReport) -> None:
    plan = _plan(demo)
    client = Client()
    client.force_login(User.objects.get(username="guyuan_office"))
    response = client.get(f"/planning/plans/{plan.pk}/document.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert client.get(f"/planning/plans/{plan.pk}/document.xlsx").status_code == 200
    assert client.get(f"/planning/plans/{plan.pk}/document.pdf").status_code == 404
    outsider = Client()
    outsider.force_login(User.objects.get(username="zhanhe_street"))
    assert outsider.get(f"/planning/plans/{plan.pk}/document.docx").status_code == 404


def test_plan_page_marks_the_stated_84_buildings(demo: DemoReport) -> None:
    plan = _plan(demo)
    client = Client()
    client.force_login(User.objects.get(username="guyuan_office"))
    client.cookies["django_language"] = "en"
    html = client.get(f"/planning/plans/{plan.pk}/").content.decode()
    assert "Stated totals against computed ones" in html
    assert "✗ 原州区2022年城镇老旧小区改造计划: 84 buildings stated" in html
    assert "✓ 原州区2022年城镇老旧小区改造计划: 3081 households stated" in html
