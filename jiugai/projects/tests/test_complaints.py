"""Mediation groups and residents' complaints: routing, deadlines, replies, resolution, the resident's view, the
queue and the public figures (Guyuan seeds/003, Jincheng seeds/004)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jiugai.accounts.choices import Role
from jiugai.core.models import AuditEntry
from jiugai.projects.choices import ComplaintStatus, Stage
from jiugai.projects.models import Complaint, MediationGroup, Project
from jiugai.projects.selectors import complaints as selectors
from jiugai.projects.services import complaints as services

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2022, 3, 21, 10, 0, tzinfo=SH)
MEMBERS = [
    {"kind": "justice", "name": "司法所 张"},
    {"kind": "police", "name": "派出所 王", "phone": "0954-2021234"},
    {"kind": "community", "name": "居委会 李", "phone": "13912345678"},
    {"kind": "property", "name": "物业 赵"},
    {"kind": "enterprise", "name": "施工单位 钱"},
]


def _group(site, members=MEMBERS, actor=None):
    return services.mediation_group_set(
        actor=actor or site.east, estate=site.estate, name="东苑调解小组", members=members
    )


def _complaint(site, now=MONDAY, **fields):
    values = {
        "category": "noise",
        "description": "中午12点还在用电镐施工，影响午休。",
        "place": "3号楼",
        "reporter_name": "陈女士",
        "reporter_phone": "13812345678",
    }
    values.update(fields)
    return services.complaint_submit(project=site.project, now=now, **values)


def test_mediation_group_set_and_replace(site):
    group = _group(site)
    assert group.name == "东苑调解小组" and group.members.count() == 5
    assert selectors.mediation_group_gaps(group) == []
    again = _group(site, members=[{"kind": "community", "name": "居委会 李"}, {"kind": "", "name": ""}])
    assert again.pk == group.pk and again.members.count() == 1
    assert len(selectors.mediation_group_gaps(again)) == 4
    assert AuditEntry.objects.filter(action="projects.mediation_group.set").count() == 2


def test_mediation_group_bad_input_and_roles(site):
    cases = [
        [],
        [{"kind": "", "name": ""}],
        [{"kind": "mayor", "name": "x"}],
        [{"kind": "police", "name": ""}],
        [{"kind": "police", "name": "王"}, {"kind": "police", "name": "王"}],
        [{"kind": "police", "name": "王", "phone": "call me"}],
        [{"kind": "police", "name": f"人{i}"} for i in range(31)],
    ]
    for members in cases:
        with pytest.raises(ValidationError) as exc:
            _group(site, members=members)
        assert "members" in exc.value.message_dict
    for actor in (site.west, site.contractor, site.community):
        with pytest.raises(PermissionDenied):
            _group(site, actor=actor)
    assert MediationGroup.objects.count() == 0
    default = services.mediation_group_set(actor=site.east, estate=site.estate, members=MEMBERS[:1])
    assert site.estate.name in default.name


def test_submit_routes_to_group_with_deadline(site):
    group = _group(site)
    complaint = _complaint(site)
    assert complaint.mediation_group == group and complaint.status == ComplaintStatus.OPEN
    assert complaint.due_at == dt.datetime(2022, 3, 24, 23, 59, 59, tzinfo=SH)  # 3 working days
    safety = _complaint(site, category="safety", description="沟槽没有围挡，孩子差点掉进去。")
    assert safety.due_at == dt.datetime(2022, 3, 22, 23, 59, 59, tzinfo=SH)  # 1 working day
    assert len(complaint.reference) >= 16 and complaint.reference != safety.reference
    entry = AuditEntry.objects.get(action="projects.complaint.receive", payload__complaint=complaint.pk)
    assert "13812345678" not in str(entry.payload) and complaint.reference not in str(entry.payload)


def test_submit_without_group_is_routed_when_group_is_set(site):
    complaint = _complaint(site, reporter_phone="", reporter_name="")
    assert complaint.mediation_group is None
    group = _group(site)
    complaint.refresh_from_db()
    assert complaint.mediation_group == group


def test_submit_bad_input_changes_nothing(site):
    cases = [
        ({"category": "weather"}, "category"),
        ({"category": ""}, "category"),
        ({"description": "   "}, "description"),
        ({"description": "长" * 2001}, "description"),
        ({"reporter_phone": "not a phone"}, "reporter_phone"),
        ({"reporter_name": "名" * 101}, "reporter_name"),
        ({"place": "地" * 201}, "place"),
    ]
    for fields, field in cases:
        with pytest.raises(ValidationError) as exc:
            _complaint(site, **fields)
        assert field in exc.value.message_dict
    assert Complaint.objects.count() == 0
    _complaint(site)
    with pytest.raises(ValidationError) as exc:  # the same text again a minute later
        _complaint(site, now=MONDAY + dt.timedelta(minutes=1))
    assert "description" in exc.value.message_dict
    _complaint(site, now=MONDAY + dt.timedelta(minutes=11))  # later: a new complaint
    Project.objects.filter(pk=site.project.pk).update(stage=Stage.CLOSED)
    with pytest.raises(ValidationError) as exc:
        _complaint(site, description="新的问题")
    assert exc.value.code == "closed"
    assert Complaint.objects.count() == 2


def test_reply_resolve_rate(site):
    complaint = _complaint(site)
    services.complaint_reply(actor=site.east, complaint=complaint, reply="已要求施工单位午休时间停止机械作业。")
    complaint.refresh_from_db()
    first_reply_at = complaint.replied_at
    assert complaint.status == ComplaintStatus.REPLIED and complaint.handled_by == site.east
    services.complaint_reply(actor=site.east, complaint=complaint, reply="补充：已约谈施工单位。")
    complaint.refresh_from_db()
    assert complaint.replied_at == first_reply_at and complaint.reply.startswith("补充")
    with pytest.raises(ValidationError) as exc:  # a resident cannot rate before resolution
        services.complaint_rate(reference=complaint.reference, satisfaction="satisfied")
    assert "satisfaction" in exc.value.message_dict
    services.complaint_resolve(actor=site.east, complaint=complaint, resolution="施工单位调整作业时间。")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RESOLVED and complaint.resolved_at is not None
    with pytest.raises(ValidationError):  # resolved once
        services.complaint_resolve(actor=site.east, complaint=complaint, resolution="again")
    with pytest.raises(ValidationError):  # no more replies
        services.complaint_reply(actor=site.east, complaint=complaint, reply="again")
    with pytest.raises(ValidationError) as exc:
        services.complaint_rate(reference=complaint.reference, satisfaction="happy")
    assert "satisfaction" in exc.value.message_dict
    services.complaint_rate(reference=complaint.reference, satisfaction="basically")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED and complaint.satisfaction == "basically"
    with pytest.raises(ValidationError) as exc:  # only once
        services.complaint_rate(reference=complaint.reference, satisfaction="dissatisfied")
    complaint.refresh_from_db()
    assert complaint.satisfaction == "basically"
    with pytest.raises(ValidationError) as exc:
        services.complaint_rate(reference="nope", satisfaction="satisfied")
    assert "reference" in exc.value.message_dict
    actions = set(AuditEntry.objects.filter(action__startswith="projects.complaint").values_list("action", flat=True))
    assert actions == {
        "projects.complaint.receive",
        "projects.complaint.reply",
        "projects.complaint.resolve",
        "projects.complaint.rate",
    }


def test_resolve_without_reply_counts_as_answer(site):
    complaint = _complaint(site)
    services.complaint_resolve(actor=site.east, complaint=complaint, resolution="已清理渣土。")
    complaint.refresh_from_db()
    assert complaint.replied_at == complaint.resolved_at and complaint.reply == "已清理渣土。"


def test_handling_roles_and_scope(site, make_user):
    complaint = _complaint(site)
    for actor in (site.west, site.contractor, site.utility):
        with pytest.raises(PermissionDenied):
            services.complaint_reply(actor=actor, complaint=complaint, reply="x")
        with pytest.raises(PermissionDenied):
            services.complaint_resolve(actor=actor, complaint=complaint, resolution="x")
    with pytest.raises(ValidationError):
        services.complaint_reply(actor=site.east, complaint=complaint, reply="  ")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.OPEN and complaint.reply == ""
    # The estate's residents' committee (below the street that runs the project) handles its estate's complaints.
    services.complaint_reply(actor=site.community, complaint=complaint, reply="居委会已协调。")
    other_community = make_user("west-community", Role.COMMUNITY_COMMITTEE, site.tree.community_b)
    with pytest.raises(PermissionDenied):
        services.complaint_resolve(actor=other_community, complaint=complaint, resolution="x")


def test_queue_overdue_first_then_due(site):
    now = dt.datetime(2022, 3, 28, 9, 0, tzinfo=SH)
    old = _complaint(site, now=MONDAY, description="旧的：扬尘", category="dust")  # due 24 March: overdue
    safety = _complaint(site, now=dt.datetime(2022, 3, 25, 9, tzinfo=SH), category="safety", description="井盖")
    fresh = _complaint(site, now=dt.datetime(2022, 3, 27, 9, tzinfo=SH), description="新的：噪音")  # due 30 March
    answered = _complaint(site, now=MONDAY, description="已回复", category="parking")
    services.complaint_reply(actor=site.east, complaint=answered, reply="已回复")
    done = _complaint(site, now=MONDAY, description="已解决", category="damage")
    services.complaint_resolve(actor=site.east, complaint=done, resolution="已赔偿")
    queue = list(selectors.complaint_queue(user=site.east, now=now))
    # Overdue (old: due 24th, safety: due Monday 28th 23:59 — not yet), then by due time, settled last.
    assert [c.pk for c in queue] == [old.pk, answered.pk, safety.pk, fresh.pk, done.pk]
    assert [getattr(c, "is_overdue") for c in queue] == [True, False, False, False, False]  # noqa: B009
    assert selectors.complaint_counts(user=site.east, now=now) == {"overdue": 1, "pending": 4, "total": 5}
    assert list(selectors.complaint_queue(user=site.west, now=now)) == []
    assert selectors.complaint_is_late(old, now=now) and not selectors.complaint_is_late(fresh, now=now)


def test_contacts_masked_for_roles_that_do_not_handle(site):
    complaint = _complaint(site)
    assert selectors.contact_of(site.east, complaint) == {"name": "陈女士", "phone": "13812345678"}
    masked = selectors.contact_of(site.contractor, complaint)
    assert masked["phone"] == "138****5678" and masked["name"] != "陈女士"


def test_public_summary_has_no_personal_data(site):
    _group(site)
    a = _complaint(site)
    b = _complaint(site, category="safety", description="沟槽", now=MONDAY + dt.timedelta(hours=1))
    _complaint(site, category="dust", description="扬尘", now=MONDAY + dt.timedelta(hours=2))
    services.complaint_resolve(actor=site.east, complaint=a, resolution="ok", now=MONDAY + dt.timedelta(hours=5))
    services.complaint_rate(reference=a.reference, satisfaction="satisfied")
    services.complaint_reply(actor=site.east, complaint=b, reply="r", now=MONDAY + dt.timedelta(days=5))  # late
    summary = selectors.complaints_public_summary(project=site.project, now=MONDAY + dt.timedelta(days=6))
    assert summary["total"] == 3 and summary["resolved"] == 1 and summary["percent_resolved"] == 33.3
    assert {row["category"]: row["n"] for row in summary["by_category"]} == {"noise": 1, "safety": 1, "dust": 1}
    # a: answered on time; b: answered late; the dust complaint: unanswered past its deadline.
    assert summary["answered_on_time"] == 1 and summary["percent_on_time"] == 33.3
    satisfied = summary["satisfaction"][0]
    assert (satisfied["answer"], satisfied["n"], satisfied["percent"]) == ("satisfied", 1, 100.0)
    assert summary["rated"] == 1
    text = str(summary)
    assert "陈女士" not in text and "13812345678" not in text and a.reference not in text and "沟槽" not in text
    view = selectors.complaint_public_view(a)
    assert "13812345678" not in str(view) and "陈女士" not in str(view)
    assert selectors.complaint_public_get(reference=a.reference) == a
    assert selectors.complaint_public_get(reference="x" * 40) is None
