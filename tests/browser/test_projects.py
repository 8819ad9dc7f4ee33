"""A project from the plan to handover in the browser, blocked at each gate until its condition is met: the
headquarters, sign-offs, the start of works, a weekly report that completes every quantity, a resident's
complaint from the phone page answered and resolved, joint acceptance signed by each party under their own
login, the handover agreement, and the public page showing it all (seed digest §7; Guyuan 003)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from jiugai.consultation import services as consultation
from jiugai.consultation.choices import NoticeSubject
from jiugai.projects.choices import AcceptanceStatus, ContractKind, Stage
from jiugai.projects.models import Complaint, Project
from jiugai.projects.services import tenders
from jiugai.projects.tests.conftest import Site, site  # noqa: F401  (the project test site fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _advance(page: Any, target: str, on: str = "") -> None:
    step = page.get_by_test_id(f"step-{target}")
    if on:
        step.locator("input[name=on]").fill(on)
    step.get_by_test_id(f"advance-{target}").click()
    page.wait_for_load_state("domcontentloaded")


def _outside_the_browser(world: Site) -> None:
    """What cannot happen in one sitting: a bill of quantities, the direct construction contract and the plan's
    public notice whose window closed weeks ago."""
    project = world.project
    for code, name, unit, qty, price in (
        ("B01", "雨污管网改造", "米", "120", "350"),
        ("B02", "屋面防水", "平方米", "800", "95"),
    ):
        tenders.boq_line_add(
            actor=world.east,
            project=project,
            code=code,
            name=name,
            unit=unit,
            quantity=Decimal(qty),
            unit_price=Decimal(price),
        )
    for kind, firm in (
        (ContractKind.CONSTRUCTION, "固原建工集团"),
        (ContractKind.DESIGN, "固原设计院"),
        (ContractKind.SUPERVISION, "宁夏监理公司"),
    ):
        tenders.contract_sign(
            actor=world.east,
            project=project,
            kind=kind,
            signed_on=dt.date(2022, 2, 25),
            counterparty=firm,
            amount=Decimal("100000"),
        )
    notice = consultation.notice_create(
        actor=world.east,
        jurisdiction=project.estate.jurisdiction,
        title="改造方案公示",
        content="改造内容",
        subject=NoticeSubject.PLAN,
        subject_label=project.name,
        estate=project.estate,
        subject_object=project,
        window_days=5,
    )
    consultation.notice_publish(actor=world.east, notice=notice, now=timezone.now() - dt.timedelta(days=30))


def test_plan_to_handover(page: Any, login: Any, site: Site) -> None:  # noqa: F811
    project = site.project
    detail = f"/projects/{project.pk}/"
    login("east")
    page.goto(detail)
    # Gate 1: the headquarters.
    expect(page.get_by_test_id("advance-preliminary")).to_be_disabled()
    expect(page.get_by_test_id("blockers-preliminary")).to_be_visible()
    for role, name in (("street_leader", "王主任"), ("community_head", "李书记"), ("owner_rep", "赵业主")):
        form = page.get_by_test_id("member-form")
        form.locator("select[name=role]").select_option(role)
        form.locator("input[name=name]").fill(name)
        form.locator("button[type=submit]").click()
        page.wait_for_load_state("domcontentloaded")
    _advance(page, "preliminary", "2022-01-30")
    expect(page.get_by_test_id("project-stage")).to_have_text(str(Stage.PRELIMINARY.label))

    # Gate 2: sign-offs, a contract and the closed plan notice.
    expect(page.get_by_test_id("advance-construction")).to_be_disabled()
    for kind in ("owners_plan", "leading_group"):
        form = page.get_by_test_id("signoff-form")
        form.locator("select[name=kind]").select_option(kind)
        form.locator("input[name=signed_on]").fill("2022-02-20")
        form.locator("input[name=signer_name]").fill("签字人")
        form.locator("button[type=submit]").click()
        page.wait_for_load_state("domcontentloaded")
    expect(page.get_by_test_id("blockers-construction")).to_contain_text(
        _("No construction contract has been recorded.")
    )
    _outside_the_browser(site)
    page.goto(detail)
    _advance(page, "construction", "2022-03-20")
    expect(page.get_by_test_id("project-stage")).to_have_text(str(Stage.CONSTRUCTION.label))
    expect(page.get_by_test_id("overdue").first).to_contain_text("2022-03-15")  # started after 15 March

    # Gate 3: the works are complete only by the weekly reports' quantities.
    expect(page.get_by_test_id("advance-acceptance")).to_be_disabled()
    page.goto(f"/projects/{project.pk}/reports/")
    form = page.get_by_test_id("report-form")
    form.locator("input[name=week_ending]").fill("2022-03-25")
    for line in project.boq_lines.all():
        form.locator(f"input[name=line_{line.pk}]").fill(str(line.quantity))
    form.locator("textarea[name=summary]").fill("全部完成")
    page.get_by_test_id("report-submit").click()
    page.wait_for_load_state("domcontentloaded")
    page.goto(detail)
    expect(page.get_by_test_id("percent")).to_contain_text("100")

    # A resident complains from the phone page; the street office answers and resolves it.
    page.goto(f"/p/{project.public_id}/")
    page.get_by_test_id("public-complain").click()
    page.locator("input[name=category][value=noise]").check()
    page.locator("textarea[name=description]").fill("夜里十一点还在施工")
    page.get_by_test_id("complaint-submit").click()
    page.wait_for_load_state("domcontentloaded")
    complaint = Complaint.objects.get(project=project)
    page.goto(f"/projects/complaints/{complaint.pk}/")
    page.get_by_test_id("reply-form").locator("textarea").fill("已责令夜间停工")
    page.get_by_test_id("reply-submit").click()
    page.wait_for_load_state("domcontentloaded")
    page.get_by_test_id("resolve-form").locator("textarea").fill("调整作业时间")
    page.get_by_test_id("resolve-submit").click()
    page.wait_for_load_state("domcontentloaded")
    complaint.refresh_from_db()
    assert complaint.status == "resolved"

    page.goto(detail)
    _advance(page, "acceptance", "2022-09-20")
    expect(page.get_by_test_id("project-stage")).to_have_text(str(Stage.ACCEPTANCE.label))

    # Gate 4: joint acceptance, each party under its own login, then the handover agreement.
    expect(page.get_by_test_id("advance-handed_over")).to_be_disabled()
    page.goto(f"/projects/{project.pk}/acceptance/")
    page.get_by_test_id("round-form").locator("input[name=held_on]").fill("2022-09-26")
    page.get_by_test_id("round-form").locator("button[type=submit]").click()
    page.wait_for_load_state("domcontentloaded")
    signers = (
        ("east", "street_office"),
        ("office", "owner_unit"),
        ("owners", "owners"),
        ("builder", "contractor"),
        ("designer", "designer"),
        ("supervisor", "supervisor"),
    )
    for username, party in signers:
        page.context.clear_cookies()
        login(username)
        page.goto(f"/projects/{project.pk}/acceptance/")
        form = page.get_by_test_id(f"sign-form-{party}")
        expect(form).to_have_count(1)
        for other in {p for _u, p in signers} - {party}:  # nobody signs for another party
            expect(page.get_by_test_id(f"sign-form-{other}")).to_have_count(0)
        form.locator(f"#v-{party}-pass").check()
        page.get_by_test_id(f"sign-{party}").click()
        page.wait_for_load_state("domcontentloaded")
    expect(page.get_by_test_id("round-status").first).to_contain_text(str(AcceptanceStatus.PASSED.label))
    page.context.clear_cookies()
    login("east")
    page.goto(f"/projects/{project.pk}/acceptance/")
    form = page.get_by_test_id("handover-form")
    form.locator("select[name=receiver_kind]").select_option("property_company")
    form.locator("input[name=receiver_name]").fill("示例物业公司")
    form.locator("input[name=signed_on]").fill("2022-10-10")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("domcontentloaded")
    page.goto(detail)
    _advance(page, "handed_over", "2022-10-12")
    expect(page.get_by_test_id("project-stage")).to_have_text(str(Stage.HANDED_OVER.label))
    assert Project.objects.get(pk=project.pk).stage == Stage.HANDED_OVER

    # The public page shows it, without personal data.
    page.context.clear_cookies()
    page.goto(f"/p/{project.public_id}/")
    expect(page.get_by_test_id("public-stage")).to_have_text(str(Stage.HANDED_OVER.label))
    expect(page.get_by_test_id("public-acceptance")).to_contain_text("示例物业公司")
    expect(page.get_by_test_id("public-complaints")).to_be_visible()
    assert "赵业主" not in page.content()
