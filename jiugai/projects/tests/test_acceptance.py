"""Quality and acceptance services (Zhanhe 001: joint acceptance by six parties, problems rectified, handover,
final accounts, archive, evaluation; Guyuan 003: pass rate 100 %). Every refusal changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from jiugai.accounts.choices import Role
from jiugai.core.models import AuditEntry
from jiugai.projects.choices import (
    AcceptanceStatus,
    ArchiveKind,
    ContractKind,
    DefectStatus,
    FinalAccountStatus,
    Party,
    Stage,
    VariationStatus,
)
from jiugai.projects.models import (
    AcceptanceRound,
    AcceptanceSignature,
    ArchiveItem,
    Contract,
    Defect,
    FinalAccount,
    Handover,
    PostEvaluation,
    Project,
    SatisfactionResponse,
    Variation,
)
from jiugai.projects.selectors import acceptance as selectors
from jiugai.projects.services import acceptance as services
from jiugai.projects.services.project import project_advance

pytestmark = pytest.mark.django_db

HELD = dt.date(2022, 10, 10)


@pytest.fixture(autouse=True)
def _english() -> Any:
    """The refusals are matched by their English wording."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def at_acceptance(site: Any, project: Project | None = None) -> Project:
    """The site's project with its works complete, awaiting acceptance, with its three firms named (`project`:
    the site's project already made ready for construction)."""
    project = project or site.ready_for_construction()
    project_advance(actor=site.east, project=project, target=Stage.CONSTRUCTION, on=dt.date(2022, 3, 10))
    Project.objects.filter(pk=project.pk).update(
        percent_complete=Decimal("100"),
        construction_firm="固原建工集团",
        design_firm="固原设计院",
        supervision_firm="宁夏监理公司",
    )
    project.refresh_from_db()
    project_advance(actor=site.east, project=project, target=Stage.ACCEPTANCE, on=dt.date(2022, 9, 25))
    project.refresh_from_db()
    return project


def signers(site: Any) -> dict[str, Any]:
    return {
        Party.OWNER_UNIT: site.office,
        Party.STREET_OFFICE: site.east,
        Party.OWNERS: site.owners,
        Party.CONTRACTOR: site.contractor,
        Party.DESIGNER: site.designer,
        Party.SUPERVISOR: site.supervisor,
    }


def sign_all(site: Any, rnd: AcceptanceRound, skip: tuple[str, ...] = ()) -> None:
    for party, user in signers(site).items():
        if party not in skip:
            services.acceptance_sign(actor=user, round=rnd, party=party, verdict="pass")


def pdf(name: str = "agreement.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 scanned", content_type="application/pdf")


class Huge:
    """An upload that says it is larger than the limit."""

    name = "huge.pdf"
    size = 21 * 1024 * 1024


def accepted(site: Any) -> tuple[Project, AcceptanceRound]:
    project = at_acceptance(site)
    rnd = services.acceptance_open(actor=site.east, project=project, held_on=HELD)
    sign_all(site, rnd)
    rnd.refresh_from_db()
    project.refresh_from_db()
    return project, rnd


def test_whole_path_from_inspection_to_close_out(site):
    project = at_acceptance(site)
    inspection = services.inspection_record(
        actor=site.supervisor,
        project=project,
        kind="pre_acceptance",
        held_on=dt.date(2022, 9, 28),
        inspector="监理 张工",
        defects=[
            {"description": "3号楼外墙保温脱落", "place": "3号楼", "due_on": "2022-10-05"},
            {"description": "雨水管未接通", "due_on": dt.date(2022, 10, 5)},
        ],
    )
    assert inspection.defects.count() == 2
    for defect in inspection.defects.all():
        services.defect_close(
            actor=site.east, defect=defect, rectification="已整改并复查", closed_on=dt.date(2022, 10, 6)
        )
    rnd = services.acceptance_open(actor=site.east, project=project, held_on=HELD)
    assert rnd.number == 1 and rnd.required_parties == list(Party.values)
    sign_all(site, rnd, skip=(Party.SUPERVISOR,))
    rnd.refresh_from_db()
    assert rnd.status == AcceptanceStatus.OPEN
    state = selectors.acceptance_state(project=project)
    assert state["current"]["missing"] == [Party.SUPERVISOR]
    services.acceptance_sign(actor=site.supervisor, round=rnd, party=Party.SUPERVISOR, verdict="pass")
    rnd.refresh_from_db()
    project.refresh_from_db()
    assert rnd.status == AcceptanceStatus.PASSED and project.accepted_on == HELD
    assert AuditEntry.objects.filter(action="projects.acceptance.passed").exists()
    assert AuditEntry.objects.filter(action="projects.acceptance.sign").count() == 6

    services.handover_record(
        actor=site.east,
        project=project,
        receiver_kind="community",
        receiver_name="东街道办事处、东一社区",
        signed_on=dt.date(2022, 10, 20),
        document=pdf(),
    )
    project_advance(actor=site.east, project=project, target=Stage.HANDED_OVER, on=dt.date(2022, 10, 21))
    project.refresh_from_db()
    assert project.stage == Stage.HANDED_OVER

    for n, answer in enumerate(["satisfied", "satisfied", "basically", "dissatisfied"]):
        services.satisfaction_answer(project=project, answer=answer, respondent_key=f"cookie-{n}")
    evaluation = services.evaluation_record(
        actor=site.office, project=project, summary="群众满意度较高", evaluated_on=dt.date(2022, 12, 1)
    )
    assert evaluation.figures["figures"]["satisfied_share"] == "3/4"
    assert evaluation.figures["figures"]["total"] == 4

    totals = services.final_account_record(
        actor=site.east,
        project=project,
        final_amount="812000.00",
        status=FinalAccountStatus.AUDITED,
        auditor="固原审计事务所",
        audited_on=dt.date(2022, 12, 10),
    )
    assert totals.contract_total == Decimal("800000.00")
    for kind in ArchiveKind.values:
        services.archive_add(actor=site.east, project=project, kind=kind, document=pdf(f"{kind}.pdf"))
    assert selectors.acceptance_state(project=project)["archive_missing"] == []
    project_advance(actor=site.office, project=project, target=Stage.CLOSED, on=dt.date(2022, 12, 20))
    project.refresh_from_db()
    assert project.stage == Stage.CLOSED


def test_signing_for_another_party_is_refused(site):
    project = at_acceptance(site)
    rnd = services.acceptance_open(actor=site.east, project=project, held_on=HELD)
    cases = [
        (site.contractor, Party.SUPERVISOR),  # a contractor signing as supervisor
        (site.supervisor, Party.CONTRACTOR),
        (site.east, Party.OWNERS),  # the street office signing for the owners
        (site.office, Party.STREET_OFFICE),
        (site.owners, Party.OWNER_UNIT),
    ]
    for user, party in cases:
        with pytest.raises(PermissionDenied):
            services.acceptance_sign(actor=user, round=rnd, party=party, verdict="pass")
    assert not AcceptanceSignature.objects.exists()


def test_wrong_role_other_street_and_other_firm_are_refused(site, make_user):
    project = at_acceptance(site)
    rnd = services.acceptance_open(actor=site.east, project=project, held_on=HELD)
    other_firm = make_user("other", Role.CONSTRUCTION_FIRM, site.tree.street_a, organisation="别的建筑公司")
    with pytest.raises(PermissionDenied, match="固原建工集团"):
        services.acceptance_sign(actor=other_firm, round=rnd, party=Party.CONTRACTOR, verdict="pass")
    with pytest.raises(PermissionDenied):  # community committee is not a party; 'sign_acceptance' refuses it
        services.acceptance_sign(actor=site.community, round=rnd, party=Party.OWNERS, verdict="pass")
    with pytest.raises(PermissionDenied):  # another street's office
        services.acceptance_sign(actor=site.west, round=rnd, party=Party.STREET_OFFICE, verdict="pass")
    west_owners = make_user("west-owners", Role.OWNERS_COMMITTEE, site.tree.community_b)
    with pytest.raises(PermissionDenied):
        services.acceptance_sign(actor=west_owners, round=rnd, party=Party.OWNERS, verdict="pass")
    with pytest.raises(PermissionDenied):
        services.acceptance_open(actor=site.west, project=project, held_on=HELD)
    with pytest.raises(PermissionDenied):
        services.acceptance_open(actor=site.contractor, project=project, held_on=HELD)
    assert not AcceptanceSignature.objects.exists()
    assert AcceptanceRound.objects.count() == 1


def test_signing_twice_and_bad_verdicts_are_refused(site):
    project = at_acceptance(site)
    rnd = services.acceptance_open(actor=site.east, project=project, held_on=HELD)
    services.acceptance_sign(actor=site.contractor, round=rnd, party=Party.CONTRACTOR, verdict="pass")
    with pytest.raises(ValidationError, match="already signed"):
        services.acceptance_sign(actor=site.contractor, round=rnd, party=Party.CONTRACTOR, verdict="fail", note="x")
    with pytest.raises(ValidationError) as exc:
        services.acceptance_sign(actor=site.designer, round=rnd, party=Party.DESIGNER, verdict="maybe")
    assert "verdict" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # a 'fail' must say what is wrong
        services.acceptance_sign(actor=site.designer, round=rnd, party=Party.DESIGNER, verdict="fail", note="  ")
    assert "note" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.acceptance_sign(actor=site.designer, round=rnd, party="nobody", verdict="pass")
    assert AcceptanceSignature.objects.count() == 1
    assert not Defect.objects.exists()
    rnd.refresh_from_db()
    assert rnd.status == AcceptanceStatus.OPEN


def test_a_fail_creates_a_defect_fails_the_round_and_a_new_round_follows(site):
    project = at_acceptance(site)
    rnd = services.acceptance_open(actor=site.east, project=project, held_on=HELD)
    services.acceptance_sign(
        actor=site.owners,
        round=rnd,
        party=Party.OWNERS,
        verdict="fail",
        note="单元门禁未安装",
        due_on=dt.date(2022, 11, 1),
    )
    rnd.refresh_from_db()
    assert rnd.status == AcceptanceStatus.FAILED
    defect = Defect.objects.get()
    assert defect.acceptance == rnd and defect.description == "单元门禁未安装" and defect.due_on == dt.date(2022, 11, 1)
    with pytest.raises(ValidationError, match="closed"):  # a decided round takes no more signatures
        services.acceptance_sign(actor=site.contractor, round=rnd, party=Party.CONTRACTOR, verdict="pass")
    # The handover gate waits for a passed round and the rectification.
    with pytest.raises(ValidationError):
        project_advance(actor=site.east, project=project, target=Stage.HANDED_OVER)
    services.defect_close(actor=site.supervisor, defect=defect, rectification="已安装门禁")
    second = services.acceptance_open(actor=site.east, project=project, held_on=dt.date(2022, 11, 2))
    assert second.number == 2
    sign_all(site, second)
    second.refresh_from_db()
    assert second.status == AcceptanceStatus.PASSED
    assert AuditEntry.objects.filter(action="projects.acceptance.failed").count() == 1


def test_opening_acceptance_is_refused_when_it_should_be(site):
    project = site.ready_for_construction()
    with pytest.raises(ValidationError) as exc:  # not awaiting acceptance yet
        services.acceptance_open(actor=site.east, project=project, held_on=HELD)
    assert "project" in exc.value.message_dict
    project = at_acceptance(site, project)
    future = timezone.localdate() + dt.timedelta(days=2)
    for kwargs, field in (
        ({"held_on": future}, "held_on"),
        ({"held_on": dt.date(2022, 9, 1)}, "held_on"),  # before the works were completed
        ({"held_on": HELD, "required_parties": []}, "required_parties"),
        ({"held_on": HELD, "required_parties": ["owners", "owners"]}, "required_parties"),
        ({"held_on": HELD, "required_parties": ["mayor"]}, "required_parties"),
    ):
        with pytest.raises(ValidationError) as exc:
            services.acceptance_open(actor=site.east, project=project, **kwargs)
        assert field in exc.value.message_dict
    assert not AcceptanceRound.objects.exists()
    # Guyuan 003 names fewer parties: the lead bureau, the contractor and the supervisor.
    rnd = services.acceptance_open(
        actor=site.east, project=project, held_on=HELD, required_parties=["supervisor", "owner_unit", "contractor"]
    )
    assert rnd.required_parties == ["owner_unit", "contractor", "supervisor"]
    with pytest.raises(ValidationError, match="still open"):
        services.acceptance_open(actor=site.east, project=project, held_on=HELD)
    with pytest.raises(ValidationError, match="does not sign"):
        services.acceptance_sign(actor=site.east, round=rnd, party=Party.STREET_OFFICE, verdict="pass")
    for party in ("owner_unit", "contractor", "supervisor"):
        services.acceptance_sign(actor=signers(site)[party], round=rnd, party=party, verdict="pass")
    with pytest.raises(ValidationError, match="already passed"):
        services.acceptance_open(actor=site.east, project=project, held_on=HELD)


def test_a_defect_found_after_acceptance_reopens_it(site):
    project, rnd = accepted(site)
    assert project.accepted_on == HELD
    services.defect_add(actor=site.supervisor, project=project, description="屋面渗水", due_on=dt.date(2022, 10, 30))
    rnd.refresh_from_db()
    project.refresh_from_db()
    assert rnd.status == AcceptanceStatus.FAILED and project.accepted_on is None
    assert AuditEntry.objects.filter(action="projects.acceptance.reopened").exists()
    with pytest.raises(ValidationError):
        services.handover_record(
            actor=site.east, project=project, receiver_kind="community", receiver_name="社区", signed_on=HELD
        )
    assert not Handover.objects.exists()
    defect = Defect.objects.get()
    services.defect_close(actor=site.east, defect=defect, rectification="已修补")
    with pytest.raises(ValidationError, match="already been closed"):
        services.defect_close(actor=site.east, defect=defect, rectification="again")
    rnd2 = services.acceptance_open(actor=site.east, project=project, held_on=dt.date(2022, 10, 31))
    sign_all(site, rnd2)
    project.refresh_from_db()
    assert project.accepted_on == dt.date(2022, 10, 31)


def test_defect_after_handover_does_not_reopen(site):
    project, rnd = accepted(site)
    services.handover_record(
        actor=site.east, project=project, receiver_kind="community", receiver_name="社区", signed_on=HELD
    )
    project_advance(actor=site.east, project=project, target=Stage.HANDED_OVER, on=HELD)
    project.refresh_from_db()
    services.defect_add(actor=site.east, project=project, description="保修期内渗水", due_on=dt.date(2022, 12, 1))
    rnd.refresh_from_db()
    assert rnd.status == AcceptanceStatus.PASSED


def test_inspection_and_defect_bad_input(site):
    project = site.ready_for_construction()
    with pytest.raises(ValidationError):  # works not started yet
        services.inspection_record(actor=site.east, project=project, kind="routine", held_on=HELD, inspector="x")
    project = at_acceptance(site, project)
    bad: list[tuple[dict[str, Any], str]] = [
        ({"kind": "party"}, "kind"),
        ({"held_on": timezone.localdate() + dt.timedelta(days=1)}, "held_on"),
        ({"held_on": dt.date(2022, 3, 1)}, "held_on"),  # before the works started
        ({"inspector": " "}, "inspector"),
        ({"defects": [{"description": "", "due_on": "2022-10-01"}]}, "defects"),
        ({"defects": [{"description": "x", "due_on": "soon"}]}, "defects"),
        ({"defects": [{"description": "x", "due_on": "2022-09-01"}]}, "defects"),  # before the inspection
    ]
    for change, field in bad:
        kwargs: dict[str, Any] = {"kind": "routine", "held_on": dt.date(2022, 9, 28), "inspector": "张工", **change}
        with pytest.raises(ValidationError) as exc:
            services.inspection_record(actor=site.east, project=project, **kwargs)
        assert field in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.inspection_record(
            actor=site.contractor, project=project, kind="routine", held_on=HELD, inspector="自查"
        )
    with pytest.raises(PermissionDenied):
        services.inspection_record(actor=site.west, project=project, kind="routine", held_on=HELD, inspector="x")
    with pytest.raises(ValidationError):
        services.defect_add(actor=site.east, project=project, description="", due_on=HELD)
    with pytest.raises(ValidationError):
        services.defect_add(actor=site.east, project=project, description="x", due_on=dt.date(2022, 1, 1))
    defect = services.defect_add(actor=site.east, project=project, description="x", due_on=HELD)
    with pytest.raises(ValidationError):
        services.defect_close(actor=site.east, defect=defect, rectification="")
    with pytest.raises(ValidationError):
        services.defect_close(
            actor=site.east, defect=defect, rectification="ok", closed_on=timezone.localdate() + dt.timedelta(days=1)
        )
    with pytest.raises(PermissionDenied):
        services.defect_close(actor=site.west, defect=defect, rectification="ok")
    with pytest.raises(PermissionDenied):
        services.defect_close(actor=site.owners, defect=defect, rectification="ok")
    defect.refresh_from_db()
    assert defect.status == DefectStatus.OPEN
    assert Defect.objects.count() == 1 and not project.inspections.exists()


def test_handover_bad_input(site):
    project = at_acceptance(site)
    with pytest.raises(ValidationError, match="only after joint acceptance"):
        services.handover_record(
            actor=site.east, project=project, receiver_kind="community", receiver_name="社区", signed_on=HELD
        )
    rnd = services.acceptance_open(actor=site.east, project=project, held_on=HELD)
    sign_all(site, rnd)
    base: dict[str, Any] = {
        "receiver_kind": "property_company",
        "receiver_name": "东苑物业",
        "signed_on": dt.date(2022, 10, 15),
    }
    handover_cases: list[tuple[dict[str, Any], str]] = [
        ({"receiver_kind": "mayor"}, "receiver_kind"),
        ({"receiver_name": ""}, "receiver_name"),
        ({"signed_on": timezone.localdate() + dt.timedelta(days=1)}, "signed_on"),
        ({"signed_on": dt.date(2022, 10, 1)}, "signed_on"),  # before the acceptance
        ({"document": SimpleUploadedFile("agreement.exe", b"MZ")}, "document"),
        ({"document": Huge()}, "document"),
    ]
    for change, field in handover_cases:
        with pytest.raises(ValidationError) as exc:
            services.handover_record(actor=site.east, project=project, **{**base, **change})
        assert field in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.handover_record(actor=site.contractor, project=project, **base)
    with pytest.raises(PermissionDenied):
        services.handover_record(actor=site.west, project=project, **base)
    assert not Handover.objects.exists()
    services.handover_record(actor=site.east, project=project, **base)
    with pytest.raises(ValidationError, match="already"):
        services.handover_record(actor=site.east, project=project, **base)
    assert AuditEntry.objects.filter(action="projects.handover").count() == 1


def test_archive_bad_input(site):
    project = at_acceptance(site)
    for kwargs, field in (
        ({"kind": "gossip", "document": pdf()}, "kind"),
        ({"kind": "plan", "document": None}, "document"),
        ({"kind": "plan", "document": SimpleUploadedFile("plan.html", b"<html>")}, "document"),
        ({"kind": "plan", "document": Huge()}, "document"),
    ):
        with pytest.raises(ValidationError) as exc:
            services.archive_add(actor=site.east, project=project, **kwargs)
        assert field in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.archive_add(actor=site.contractor, project=project, kind="plan", document=pdf())
    with pytest.raises(PermissionDenied):
        services.archive_add(actor=site.west, project=project, kind="plan", document=pdf())
    assert not ArchiveItem.objects.exists()
    item = services.archive_add(actor=site.east, project=project, kind="plan", document=pdf("方案.pdf"))
    assert item.title == str(ArchiveKind.PLAN.label) and item.uploaded_by == site.east
    checklist = selectors.archive_checklist(project)
    assert [row.present for row in checklist].count(True) == 1


def test_final_accounts_against_contracts_and_approved_variations(site):
    project = at_acceptance(site)
    contract = Contract.objects.get(project=project)
    design = Contract(
        project=project, kind=ContractKind.DESIGN, counterparty="固原设计院", amount=Decimal("50000"), signed_on=HELD
    )
    design.full_clean()
    design.save()
    for number, delta, status in (
        (1, "12000.50", VariationStatus.APPROVED),
        (2, "-2000", VariationStatus.APPROVED),
        (3, "99999", VariationStatus.PROPOSED),
        (4, "5000", VariationStatus.REJECTED),
    ):
        Variation.objects.create(
            contract=contract, number=number, reason="变更", cost_delta=Decimal(delta), status=status
        )
    account = services.final_account_record(actor=site.east, project=project, final_amount="861000.50")
    assert account.contract_total == Decimal("850000.00")
    assert account.variations_total == Decimal("10000.50")
    assert account.status == FinalAccountStatus.DRAFT
    state = selectors.acceptance_state(project=project)
    assert state["difference"] == Decimal("1000.00")
    for kwargs, field in (
        ({"final_amount": "abc"}, "final_amount"),
        ({"final_amount": "-1"}, "final_amount"),
        ({"final_amount": "1.001"}, "final_amount"),
        ({"final_amount": "1", "status": "signed"}, "status"),
        ({"final_amount": "1", "status": "audited"}, "auditor"),
        ({"final_amount": "1", "status": "audited", "auditor": "审计局"}, "audited_on"),
        (
            {
                "final_amount": "1",
                "status": "audited",
                "auditor": "审计局",
                "audited_on": timezone.localdate() + dt.timedelta(days=1),
            },
            "audited_on",
        ),
    ):
        with pytest.raises(ValidationError) as exc:
            services.final_account_record(actor=site.east, project=project, **kwargs)
        assert field in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.final_account_record(actor=site.contractor, project=project, final_amount="1")
    account.refresh_from_db()
    assert account.final_amount == Decimal("861000.50")
    services.final_account_record(
        actor=site.east,
        project=project,
        final_amount="860000",
        status="audited",
        auditor="审计局",
        audited_on="2022-10-30",
    )
    with pytest.raises(ValidationError, match="audited"):
        services.final_account_record(actor=site.east, project=project, final_amount="1")
    assert FinalAccount.objects.get().final_amount == Decimal("860000.00")
    assert AuditEntry.objects.filter(action="projects.final_accounts").count() == 2


def test_final_accounts_wait_for_the_works(site):
    project = site.ready_for_construction()
    with pytest.raises(ValidationError):
        services.final_account_record(actor=site.east, project=project, final_amount="1")
    assert not FinalAccount.objects.exists()


def test_satisfaction_survey_rules(site):
    project, _rnd = accepted(site)
    with pytest.raises(ValidationError, match="handed over"):
        services.satisfaction_answer(project=project, answer="satisfied", respondent_key="phone-1")
    services.handover_record(
        actor=site.east, project=project, receiver_kind="owners_committee", receiver_name="业委会", signed_on=HELD
    )
    project_advance(actor=site.east, project=project, target=Stage.HANDED_OVER, on=HELD)
    project.refresh_from_db()
    answer = services.satisfaction_answer(project=project, answer="basically", respondent_key="phone-1", comment="好")
    assert answer.respondent_key != "phone-1" and len(answer.respondent_key) == 64  # only a hash is kept
    with pytest.raises(ValidationError, match="already answered"):
        services.satisfaction_answer(project=project, answer="dissatisfied", respondent_key="phone-1")
    for kwargs, field in (
        ({"answer": "love", "respondent_key": "phone-2"}, "answer"),
        ({"answer": "satisfied", "respondent_key": ""}, "respondent_key"),
        ({"answer": "satisfied", "respondent_key": "phone-2", "comment": "长" * 501}, "comment"),
    ):
        with pytest.raises(ValidationError) as exc:
            services.satisfaction_answer(project=project, **kwargs)
        assert field in exc.value.message_dict
    assert SatisfactionResponse.objects.count() == 1
    figures = selectors.satisfaction_figures(project).figures
    assert figures["satisfied_share"] == Fraction(1) and figures["basically"] == 1


def test_evaluation_rules(site):
    project, _rnd = accepted(site)
    with pytest.raises(ValidationError):  # not handed over yet
        services.evaluation_record(actor=site.office, project=project, summary="x")
    services.handover_record(
        actor=site.east, project=project, receiver_kind="community", receiver_name="社区", signed_on=HELD
    )
    project_advance(actor=site.east, project=project, target=Stage.HANDED_OVER, on=HELD)
    project.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.evaluation_record(actor=site.contractor, project=project, summary="x")
    with pytest.raises(PermissionDenied):
        services.evaluation_record(actor=site.west, project=project, summary="x")
    for kwargs, field in (
        ({"summary": ""}, "summary"),
        ({"summary": "x", "evaluated_on": timezone.localdate() + dt.timedelta(days=1)}, "evaluated_on"),
        ({"summary": "x", "evaluated_on": dt.date(2022, 10, 1)}, "evaluated_on"),  # before the handover
    ):
        with pytest.raises(ValidationError) as exc:
            services.evaluation_record(actor=site.office, project=project, **kwargs)
        assert field in exc.value.message_dict
    evaluation = services.evaluation_record(actor=site.east, project=project, summary="无人作答")
    assert evaluation.figures["outcome"] == "no_answers"
    with pytest.raises(ValidationError, match="already"):
        services.evaluation_record(actor=site.east, project=project, summary="again")
    assert PostEvaluation.objects.count() == 1


def test_owners_reach_their_estate_and_others_do_not(site, make_user):
    project = at_acceptance(site)
    assert selectors.acceptance_project_get(user=site.owners, pk=project.pk) == project
    rnd = services.acceptance_open(actor=site.east, project=project, held_on=HELD)
    assert selectors.signable_parties(user=site.owners, project=project, round=rnd) == [Party.OWNERS]
    assert selectors.signable_parties(user=site.contractor, project=project, round=rnd) == [Party.CONTRACTOR]
    assert selectors.signable_parties(user=site.community, project=project, round=rnd) == []
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.acceptance_project_get(user=site.west, pk=project.pk)
    west_owners = make_user("west-owners", Role.OWNERS_COMMITTEE, site.tree.community_b)
    with pytest.raises(Http404):
        selectors.acceptance_project_get(user=west_owners, pk=project.pk)
    assert not selectors.round_list(user=site.west, project=project).exists()
    assert selectors.round_list(user=site.owners, project=project).count() == 1


def test_pass_rate_kpi_against_the_profile(site):
    project = at_acceptance(site)
    rnd = services.acceptance_open(actor=site.east, project=project, held_on=HELD)
    services.acceptance_sign(actor=site.owners, round=rnd, party=Party.OWNERS, verdict="fail", note="门禁未装")
    kpi = selectors.pass_rate_kpi(user=site.office)
    decision = kpi["decision"]
    assert decision.outcome == "failed"  # first round failed: 0 of 1 against the 100 % target
    assert decision.figures["rate"] == Fraction(0) and decision.figures["target"] == Fraction(1)
    reason = decision.reasons[0]
    assert reason.parameter == "projects.acceptance_pass_rate"
    assert reason.source.reference == "seeds/003_54d0b71b4a1e2a82.txt"
    assert kpi["rows"][0]["rounds"] == 1 and kpi["rows"][0]["first_passed"] is False
    # A street office outside sees nothing.
    assert selectors.pass_rate_kpi(user=site.west)["decision"].outcome == "no_data"


def test_public_summary_has_no_personal_data(site):
    project, _rnd = accepted(site)
    services.handover_record(
        actor=site.east, project=project, receiver_kind="property_company", receiver_name="东苑物业", signed_on=HELD
    )
    summary = selectors.acceptance_public_summary(project=project)
    assert summary["result"] == AcceptanceStatus.PASSED and summary["accepted_on"] == HELD
    assert summary["handover"]["receiver_name"] == "东苑物业"
    text = repr(summary)
    for user in signers(site).values():
        assert user.username not in text
    assert summary["satisfaction"]["total"] == 0
