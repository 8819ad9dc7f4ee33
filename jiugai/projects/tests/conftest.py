"""Fixtures for project tests: a city with Guyuan-like dated deadlines and Jiyuan's Friday report day, an
approved plan with one estate in the implement tier, a registered project, and a user per party."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from jiugai.accounts.choices import Role
from jiugai.consultation import services as consultation
from jiugai.consultation.choices import NoticeSubject
from jiugai.planning.choices import PlanStatus, Tier
from jiugai.planning.models import AnnualPlan, PlanEntry
from jiugai.policy.services import policy_profile_create
from jiugai.projects.choices import ContractKind, MemberRole, SignoffKind
from jiugai.projects.models import Project
from jiugai.projects.services import project as project_services

GUYUAN = {"source_title": "固原市2022年城镇老旧小区改造实施方案", "source_reference": "seeds/003_54d0b71b4a1e2a82.txt"}
JIYUAN = {"source_title": "济源市政协提案第105049号答复", "source_reference": "seeds/000_f9b901b302fa6203.txt"}


@dataclass
class Site:
    """Everything a project test needs: the tree, the plan and its entry, the project and one user per party."""

    tree: Any
    estate: Any
    plan: Any
    entry: Any
    project: Project
    office: Any  # leading-group office (city)
    east: Any  # street office of the estate's street
    west: Any  # street office of another street
    contractor: Any
    supervisor: Any
    designer: Any
    owners: Any
    community: Any
    utility: Any

    def ready_for_construction(self) -> Project:
        """Give the project everything the start of works waits for (headquarters, sign-offs, contract,
        plan notice with a closed window) and move it to preliminary work."""
        project = self.project
        for role, name in (
            (MemberRole.STREET_LEADER, "王主任"),
            (MemberRole.COMMUNITY_HEAD, "李书记"),
            (MemberRole.OWNER_REPRESENTATIVE, "赵业主"),
        ):
            project_services.project_member_add(actor=self.east, project=project, role=role, name=name)
        project_services.project_advance(actor=self.east, project=project, target="preliminary", reason="test")
        for kind in (SignoffKind.OWNERS_PLAN, SignoffKind.LEADING_GROUP):
            project_services.project_signoff_record(
                actor=self.east, project=project, kind=kind, signed_on=dt.date(2022, 2, 20), signer_name="签字人"
            )
        from jiugai.projects.models import Contract

        contract = Contract(
            project=project,
            kind=ContractKind.CONSTRUCTION,
            counterparty="固原建工集团",
            amount=Decimal("800000.00"),
            signed_on=dt.date(2022, 2, 25),
        )
        contract.full_clean()
        contract.save()
        notice = consultation.notice_create(
            actor=self.east,
            jurisdiction=project.estate.jurisdiction,
            title="改造方案公示",
            content="改造内容",
            subject=NoticeSubject.PLAN,
            subject_label=project.name,
            estate=project.estate,
            subject_object=project,
            window_days=5,
        )
        consultation.notice_publish(actor=self.east, notice=notice, now=timezone.now() - dt.timedelta(days=30))
        project.refresh_from_db()
        return project


@pytest.fixture
def site(tree: Any, make_user: Any, make_estate: Any) -> Site:
    policy_profile_create(
        jurisdiction=tree.city,
        effective_from=dt.date(2020, 1, 1),
        title="Guyuan-like dates, Jiyuan's report day",
        values={
            "projects.preliminary_deadline": {"value": "2022-02-28", **GUYUAN},
            "projects.start_deadline": {"value": "2022-03-15", **GUYUAN},
            "projects.completion_deadline": {"value": "2022-09-30", **GUYUAN},
            "projects.acceptance_deadline": {"value": "2022-11-30", **GUYUAN},
            "projects.acceptance_pass_rate": {"value": "1", **GUYUAN},
            "projects.weekly_report_weekday": {"value": 5, **JIYUAN},
        },
    )
    estate = make_estate(
        "东苑小区",
        tree.community_a,
        tree.street_a,
        code="GY-001",
        build_year=1995,
        latitude=Decimal("36.015"),
        longitude=Decimal("106.242"),
    )
    plan = AnnualPlan(
        jurisdiction=tree.city, year=2022, title="2022年改造计划", budget=Decimal("1000000"), status=PlanStatus.APPROVED
    )
    plan.full_clean()
    plan.save()
    entry = PlanEntry(
        plan=plan,
        estate=estate,
        unit_key=estate.code,
        tier=Tier.IMPLEMENT,
        cost=Decimal("900000.00"),
        benefit=Decimal("1"),
        households=120,
    )
    entry.full_clean()
    entry.save()
    office = make_user("office", Role.LEADING_GROUP_OFFICE, tree.city)
    east = make_user("east", Role.STREET_OFFICE, tree.street_a)
    project = project_services.project_create_from_entry(actor=east, entry=entry, registered_on=dt.date(2022, 1, 10))
    return Site(
        tree=tree,
        estate=estate,
        plan=plan,
        entry=entry,
        project=project,
        office=office,
        east=east,
        west=make_user("west", Role.STREET_OFFICE, tree.street_b),
        contractor=make_user("builder", Role.CONSTRUCTION_FIRM, tree.street_a, organisation="固原建工集团"),
        supervisor=make_user("supervisor", Role.SUPERVISION_FIRM, tree.street_a, organisation="宁夏监理公司"),
        designer=make_user("designer", Role.DESIGN_FIRM, tree.street_a, organisation="固原设计院"),
        owners=make_user("owners", Role.OWNERS_COMMITTEE, tree.community_a),
        community=make_user("community", Role.COMMUNITY_COMMITTEE, tree.community_a),
        utility=make_user("water", Role.UTILITY, tree.city, utility_type="water"),
    )
