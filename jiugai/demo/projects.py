"""The project part of the demo: Guyuan's 2022 plan becomes 26 projects (seed 003; seed digest §7).

- The leading-group office approves the plan and registers a project for each estate on 28 January 2022; the
  deadlines come from Guyuan's profile (preliminary work by 28 February, every project started by 15 March,
  completion by 30 September, acceptance by 30 November).
- 福平苑 goes the whole way to handover: headquarters, sign-offs, the plan posted publicly, a bill of quantities
  priced from its proposal, a construction tender with three bids and the winning price posted, contracts,
  utility tasks (with a clash), a coordination meeting, weekly reports with a photo, a noise complaint answered and
  resolved, joint acceptance signed by each of the six parties, and the handover agreement.
- 税务小区 stays registered so a person can drive it through its gates in the browser (log in as guyuan_street).
- Of the other estates, most start on or before 15 March; four start late and three have not started, so the
  ledger flags an overdue start after 15 March.

Everything goes through the services, so every gate is checked. Loading twice creates nothing new. The firms,
people, bids and quantities are illustrative: the seed names none of them.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jiugai.accounts.models import User
from jiugai.consultation.services import notice_publish
from jiugai.planning.choices import PlanStatus
from jiugai.planning.models import AnnualPlan
from jiugai.planning.services import plan_transition
from jiugai.projects.choices import (
    ComplaintCategory,
    ContractKind,
    MediatorKind,
    MemberRole,
    Party,
    Receiver,
    Satisfaction,
    SignoffKind,
    Stage,
    Verdict,
)
from jiugai.projects.models import BoQLine, Project
from jiugai.projects.services import acceptance, complaints, coordination, progress, tenders
from jiugai.projects.services import project as projects

REGISTERED_ON = dt.date(2022, 1, 28)  # the day Guyuan's implementation plan took effect
SHOWCASE = "福平苑"
FOR_THE_BROWSER = "税务小区"
LATE_STARTS = {
    "信合小区": dt.date(2022, 3, 21),
    "紫薇花园": dt.date(2022, 3, 24),
    "吉祥苑": dt.date(2022, 3, 28),
    "民族小区": dt.date(2022, 4, 1),
}
NOT_STARTED = ("阳光小区", "妇幼小区", "绿源小区")
BUILDER = "原州示范建设工程公司（示例）"
RIVAL_BUILDERS = ("宁夏示例建工集团", "固原示例市政工程公司")
DESIGNER = "原州示范设计院（示例）"
SUPERVISOR = "原州示范工程监理公司（示例）"
NOTICE_DAYS = 3  # the seed gives no number of days for Guyuan's notices; three is the demo's choice
TENDER_OPENS = dt.date(2022, 2, 3)  # bids close 20 days later, the legal minimum (招标投标法 Art. 24)


@dataclass
class ProjectsDemo:
    """What the project demo shows."""

    showcase: Project | None = None
    for_browser: Project | None = None
    overdue: list[str] = field(default_factory=list)
    street_username: str = "guyuan_street"


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def _headquarters(project: Project, actor: Any, street_leader: str) -> None:
    for role, name, organisation in (
        (MemberRole.STREET_LEADER, street_leader, project.street_office),
        (MemberRole.COMMUNITY_HEAD, "社区书记（示例）", ""),
        (MemberRole.OWNER_REPRESENTATIVE, "业主代表（示例）", ""),
    ):
        projects.project_member_add(actor=actor, project=project, role=role, name=name, organisation=organisation)


def _plan_notice(project: Project, actor: Any, on: dt.date) -> None:
    notice = projects.project_plan_notice_draft(
        actor=actor,
        project=project,
        title=f"{project.name}改造方案公示",
        content=f"{project.name}拟实施老旧小区改造，改造内容及投资见附件，公示期间如有异议请向街道办事处反映。",
        window_days=NOTICE_DAYS,
    )
    notice_publish(actor=actor, notice=notice, now=_at(on, 9))


def _signoffs(project: Project, actor: Any, on: dt.date) -> None:
    projects.project_signoff_record(
        actor=actor, project=project, kind=SignoffKind.OWNERS_PLAN, signed_on=on, signer_name="业主委员会（示例）"
    )
    projects.project_signoff_record(
        actor=actor,
        project=project,
        kind=SignoffKind.LEADING_GROUP,
        signed_on=on + dt.timedelta(days=3),
        signer_name="原州区老旧小区改造工作领导小组",
    )


def _tender_and_contracts(project: Project, actor: Any, opened: dt.date) -> None:
    """BoQ from the proposal, an open construction tender with three bids (the lowest wins), the winning price
    posted in the estate, then the construction, design and supervision contracts."""
    tenders.boq_prefill_from_proposal(actor=actor, project=project)
    lines = list(BoQLine.objects.filter(project=project))
    tender = tenders.tender_create(actor=actor, project=project, kind=ContractKind.CONSTRUCTION)
    tender = tenders.tender_open(actor=actor, tender=tender, opened_on=opened, closes_on=opened + dt.timedelta(days=20))
    for bidder, factor in (
        (BUILDER, Decimal("0.92")),
        (RIVAL_BUILDERS[0], Decimal("0.95")),
        (RIVAL_BUILDERS[1], Decimal("0.97")),
    ):
        tenders.bid_submit(
            actor=actor,
            tender=tender,
            bidder=bidder,
            line_prices={line.code: (line.unit_price * factor).quantize(Decimal("0.01")) for line in lines},
            submitted_on=opened + dt.timedelta(days=19),
        )
    awarded = opened + dt.timedelta(days=21)
    tender = tenders.tender_award(actor=actor, tender=tender, awarded_on=awarded)
    tenders.tender_price_notice_post(actor=actor, tender=tender, window_days=NOTICE_DAYS, now=_at(awarded, 15))
    signed = awarded + dt.timedelta(days=1)
    tenders.contract_sign(actor=actor, project=project, kind=ContractKind.CONSTRUCTION, signed_on=signed, tender=tender)
    design_fee = (project.budget * Decimal("0.02")).quantize(Decimal("0.01"))
    tenders.contract_sign(
        actor=actor,
        project=project,
        kind=ContractKind.DESIGN,
        signed_on=opened - dt.timedelta(days=3),
        counterparty=DESIGNER,
        amount=design_fee,
    )
    tenders.contract_sign(
        actor=actor,
        project=project,
        kind=ContractKind.SUPERVISION,
        signed_on=signed,
        counterparty=SUPERVISOR,
        amount=(project.budget * Decimal("0.015")).quantize(Decimal("0.01")),
    )


def _ready_and_start(project: Project, actor: Any, start: dt.date | None) -> None:
    """Everything before the works; then start on `start` (None: stays in preliminary work)."""
    _headquarters(project, actor, "街道分管领导（示例）")
    projects.project_advance(
        actor=actor, project=project, target=Stage.PRELIMINARY, reason="指挥部组建", on=dt.date(2022, 1, 30)
    )
    _plan_notice(project, actor, dt.date(2022, 1, 31))
    _signoffs(project, actor, dt.date(2022, 2, 8))
    _tender_and_contracts(project, actor, TENDER_OPENS)
    if start is not None:
        projects.project_advance(actor=actor, project=project, target=Stage.CONSTRUCTION, reason="开工", on=start)


def _fridays(start: dt.date, count: int) -> list[dt.date]:
    first = start + dt.timedelta(days=(4 - start.weekday()) % 7 or 7)
    return [first + dt.timedelta(weeks=i) for i in range(count)]


def _reports(project: Project, actor: Any, start: dt.date, shares: list[Decimal]) -> list[Any]:
    """Weekly reports whose cumulative quantities reach each share of every BoQ line in turn."""
    lines = list(BoQLine.objects.filter(project=project))
    done = {line.pk: Decimal("0") for line in lines}
    reports = []
    for friday, share in zip(_fridays(start, len(shares)), shares, strict=True):
        week = {}
        for line in lines:
            target = (line.quantity * share).quantize(Decimal("0.01"))
            week[line.pk] = max(target - done[line.pk], Decimal("0"))
            done[line.pk] += week[line.pk]
        reports.append(
            progress.report_submit(
                actor=actor,
                project=project,
                week_ending=friday,
                lines=week,
                summary="按计划推进管网、屋面及道路施工。",
                next_week="继续施工，做好围挡和扬尘防治。",
            )
        )
    return reports


def _photo() -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 190, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile("site.png", buffer.getvalue(), content_type="image/png")


def _showcase(project: Project, office: Any, street: Any, users: dict[str, Any]) -> None:
    """福平苑 from registration to handover, through every gate."""
    projects.project_update(
        actor=street,
        project=project,
        content="雨污分流改造、屋面防水、外墙保温、楼道照明、道路硬化、停车位施划、绿化提升、安防监控。",
        utilities=["water", "power", "gas"],
    )
    _headquarters(project, street, "古雁街道办事处分管副主任（示例）")
    projects.project_member_add(
        actor=street, project=project, role=MemberRole.CONTRACTOR_MANAGER, name="项目经理（示例）", organisation=BUILDER
    )
    projects.project_advance(
        actor=street, project=project, target=Stage.PRELIMINARY, reason="指挥部组建", on=dt.date(2022, 1, 30)
    )
    _plan_notice(project, street, dt.date(2022, 1, 31))
    _signoffs(project, office, dt.date(2022, 2, 8))
    _tender_and_contracts(project, street, TENDER_OPENS)
    complaints.mediation_group_set(
        actor=street,
        estate=project.estate,
        name=f"{project.estate.name}矛盾纠纷调解小组",
        members=[
            {"kind": MediatorKind.JUSTICE, "name": "司法所调解员（示例）"},
            {"kind": MediatorKind.POLICE, "name": "派出所社区民警（示例）"},
            {"kind": MediatorKind.COMMUNITY, "name": "社区居委会主任（示例）"},
            {"kind": MediatorKind.ENTERPRISE, "name": "施工单位现场负责人（示例）"},
        ],
    )
    start = dt.date(2022, 3, 8)
    projects.project_advance(actor=street, project=project, target=Stage.CONSTRUCTION, reason="开工仪式", on=start)
    water = coordination.utility_task_create(
        actor=street,
        project=project,
        estate=project.estate,
        utility="water",
        title="供水管网更换",
        place="北侧道路",
        excavation=True,
        starts_on=dt.date(2022, 3, 14),
        ends_on=dt.date(2022, 4, 8),
    )
    coordination.utility_task_create(
        actor=street,
        project=project,
        estate=project.estate,
        utility="",
        title="道路破除与硬化",
        place="北侧道路",
        excavation=True,
        starts_on=dt.date(2022, 4, 4),
        ends_on=dt.date(2022, 4, 29),
    )  # overlaps the water works in the week of 4 April: flagged as a clash for the coordination meeting
    coordination.utility_task_create(
        actor=street,
        project=project,
        estate=project.estate,
        utility="power",
        title="架空线入地",
        place="南侧绿地",
        excavation=True,
        starts_on=dt.date(2022, 4, 11),
        ends_on=dt.date(2022, 5, 6),
        depends_on=[water.pk],
    )
    coordination.meeting_record(
        actor=street,
        project=project,
        held_on=dt.date(2022, 3, 10),
        title="管线单位施工协调会",
        attendees="古雁街道、六盘山水务公司、施工单位、监理单位",
        minutes="明确北侧道路先埋管后硬化的施工顺序。",
        actions=[{"text": "水务公司提交管网施工方案", "owner": "六盘山水务公司", "due_on": dt.date(2022, 3, 12)}],
    )
    reports = _reports(project, users["builder"], start, [Decimal(s) for s in ("0.15", "0.4", "0.7", "1")])
    progress.photo_add(
        actor=users["builder"],
        report=reports[0],
        image=_photo(),
        taken_at=_at(reports[0].week_ending, 11),
        place="北侧道路",
        caption="管网开挖",
    )
    complaint = complaints.complaint_submit(
        project=project,
        category=ComplaintCategory.NOISE,
        description="晚上十点后还在切割，影响休息。",
        place="3号楼北侧",
        reporter_name="居民（示例）",
        now=_at(dt.date(2022, 3, 16), 22),
    )
    complaints.complaint_reply(
        actor=street,
        complaint=complaint,
        reply="已要求施工单位22:00后停止高噪声作业。",
        now=_at(dt.date(2022, 3, 17), 9),
    )
    complaints.complaint_resolve(
        actor=street, complaint=complaint, resolution="调整作业时间，夜间不再施工。", now=_at(dt.date(2022, 3, 18), 17)
    )
    complaints.complaint_rate(reference=complaint.reference, satisfaction=Satisfaction.SATISFIED)
    projects.project_advance(
        actor=street, project=project, target=Stage.ACCEPTANCE, reason="完工", on=dt.date(2022, 9, 20)
    )
    round_ = acceptance.acceptance_open(actor=street, project=project, held_on=dt.date(2022, 9, 26))
    signers = {
        Party.OWNER_UNIT: office,
        Party.STREET_OFFICE: street,
        Party.OWNERS: users["owners"],
        Party.CONTRACTOR: users["builder"],
        Party.DESIGNER: users["designer"],
        Party.SUPERVISOR: users["supervisor"],
    }
    for party, user in signers.items():
        acceptance.acceptance_sign(actor=user, round=round_, party=party, verdict=Verdict.PASS, note="同意验收")
    acceptance.handover_record(
        actor=street,
        project=project,
        receiver_kind=Receiver.PROPERTY_COMPANY,
        receiver_name="原州区示例物业服务公司",
        signed_on=dt.date(2022, 10, 10),
        terms="移交道路、管网、照明、监控等设施，物业公司负责日常维护。",
    )
    projects.project_advance(
        actor=street, project=project, target=Stage.HANDED_OVER, reason="移交物业", on=dt.date(2022, 10, 12)
    )


def projects_demo_load(*, created: dict[str, int], plan: AnnualPlan | None) -> ProjectsDemo:
    """Build the project demo from Guyuan's optimised 2022 plan; idempotent."""
    demo = ProjectsDemo()
    if plan is None:
        return demo
    users = {u.username: u for u in User.objects.filter(username__startswith="guyuan_")}
    office, street = users["guyuan_office"], users["guyuan_street"]
    named = {
        "builder": users["guyuan_builder"],
        "owners": users["guyuan_owners"],
        "designer": users["guyuan_designer"],
        "supervisor": users["guyuan_supervisor"],
    }
    if not Project.objects.filter(plan=plan).exists():
        if plan.status != PlanStatus.APPROVED:
            plan = plan_transition(plan=plan, target=PlanStatus.APPROVED, actor=office, reason="区政府常务会议审定")
        registered = projects.projects_register_from_plan(actor=office, plan=plan, registered_on=REGISTERED_ON)
        created["projects"] = created.get("projects", 0) + len(registered)
        for project in registered:
            if project.estate.name == SHOWCASE:
                _showcase(project, office, street, named)
            elif project.estate.name == FOR_THE_BROWSER:
                continue
            elif project.estate.name in NOT_STARTED:
                _ready_and_start(project, office, None)
            else:
                start = LATE_STARTS.get(project.estate.name, dt.date(2022, 3, 1) + dt.timedelta(days=project.pk % 14))
                _ready_and_start(project, office, start)
                _reports(project, named["builder"], start, [Decimal("0.2"), Decimal("0.45")])
    projects_of_plan = Project.objects.filter(plan=plan)
    demo.showcase = projects_of_plan.filter(estate__name=SHOWCASE).first()
    demo.for_browser = projects_of_plan.filter(estate__name=FOR_THE_BROWSER).first()
    demo.overdue = sorted(
        p.name for p in projects_of_plan if p.started_on is None or (p.start_due and p.started_on > p.start_due)
    )
    return demo
