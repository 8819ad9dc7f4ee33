"""Residents' complaints about the works and the estates' mediation groups.

Guyuan 003 (seeds/003_54d0b71b4a1e2a82.txt), 各街道办事处: "每个改造小区由街道办事处成立以分管领导为组长，司法、公安、
居委会、物业公司、企业为成员的矛盾调解小组，协调解决项目实施中的与居民的矛盾纠纷" — `mediation_group_set`; each
complaint is routed to its estate's group. Jincheng 004 (seeds/004_391429ce0bbb685b.txt), 回应群众关切: traffic safety,
noise in rest hours (停止大型机械作业), sanitation — the complaint categories. The answer deadline is our operating
rule in `jiugai.rules.coordination.complaint_due`. A resident needs no account: the complaint's reference lets them
follow it and give their view (满意 / 基本满意 / 不满意) once it is resolved.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiugai.accounts.models import User
from jiugai.core.audit import audit_entry_append
from jiugai.core.permissions import require
from jiugai.core.scoping import visible_to
from jiugai.inventory.models import Estate
from jiugai.rules.coordination import complaint_due

from ..choices import ComplaintCategory, ComplaintStatus, MediatorKind, Satisfaction, Stage
from ..models import Complaint, MediationGroup, Mediator, Project
from ..selectors.complaints import complaints_visible_to, mediation_group_for

DESCRIPTION_MAX = 2000
REPLY_MAX = 4000
MAX_MEMBERS = 30
# A resident who taps "send" twice on a slow connection: the same text within this many minutes is one complaint.
DUPLICATE_WINDOW = dt.timedelta(minutes=10)
PHONE = re.compile(r"^\+?[0-9][0-9\- ]{4,19}$")


def _text(value: Any, *, field: str, limit: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: [_("Please write something.")]})
    if len(text) > limit:
        raise ValidationError({field: [_("Please keep it under %(limit)d characters.") % {"limit": limit}]})
    return text


def _phone(value: Any, *, field: str) -> str:
    phone = str(value or "").strip()
    if phone and not PHONE.match(phone):
        raise ValidationError({field: [_("Please give a phone number in digits (or leave it empty).")]})
    return phone


def _may_handle(actor: Any, complaint: Complaint) -> None:
    """Staff whose role handles complaints act on the complaints they may see (404-free: PermissionDenied)."""
    require(actor, "projects.handle_complaint")
    if not complaints_visible_to(actor, Complaint.objects.filter(pk=complaint.pk)).exists():
        raise PermissionDenied(_("You may not handle complaints outside your jurisdiction."))


# --- mediation groups -------------------------------------------------------------------------------


@transaction.atomic
def mediation_group_set(
    *, actor: Any, estate: Estate, name: str = "", members: Iterable[Mapping[str, Any]] = ()
) -> MediationGroup:
    """Set up (or replace the members of) an estate's mediation group (矛盾调解小组, Guyuan 003): the street office
    names it and its members from the judicial office, police station, residents' committee, property company and
    the contractor. Open complaints of the estate's projects that had no group are routed to it. Audited."""
    require(actor, "projects.manage")
    if estate is None or not visible_to(actor, Estate.objects.filter(pk=estate.pk)).exists():
        raise PermissionDenied(_("You may not change estates outside your jurisdiction."))
    name = _text(name, field="name", limit=200, required=False) or _("%(estate)s mediation group") % {
        "estate": estate.name
    }
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for n, member in enumerate(members or (), start=1):
        kind = str(member.get("kind") or "").strip()
        person = str(member.get("name") or "").strip()
        if not kind and not person:
            continue  # an empty row of the form
        if kind not in MediatorKind.values:
            raise ValidationError({"members": [_("Member %(n)d: choose where the member comes from.") % {"n": n}]})
        if not person or len(person) > 100:
            raise ValidationError({"members": [_("Member %(n)d: give the member's name.") % {"n": n}]})
        if (kind, person) in seen:
            raise ValidationError({"members": [_("Member %(n)d is listed twice.") % {"n": n}]})
        seen.add((kind, person))
        user = member.get("user")
        if user is not None and not isinstance(user, User):
            raise ValidationError({"members": [_("Member %(n)d: unknown account.") % {"n": n}]})
        rows.append({"kind": kind, "name": person, "phone": _phone(member.get("phone"), field="members"), "user": user})
    if not rows:
        raise ValidationError({"members": [_("A mediation group needs at least one member.")]})
    if len(rows) > MAX_MEMBERS:
        raise ValidationError({"members": [_("At most %(n)d members.") % {"n": MAX_MEMBERS}]})
    group = MediationGroup.objects.select_for_update().filter(estate=estate).first()
    if group is None:
        group = MediationGroup(estate=estate, name=name)
    group.name = name
    group.full_clean()
    group.save()
    group.members.all().delete()
    mediators = [Mediator(group=group, **row) for row in rows]
    for mediator in mediators:
        mediator.full_clean(exclude=["group"])
    Mediator.objects.bulk_create(mediators)
    routed = Complaint.objects.filter(
        project__estate=estate, mediation_group__isnull=True, status__in=[ComplaintStatus.OPEN, ComplaintStatus.REPLIED]
    ).update(mediation_group=group)
    audit_entry_append(
        action="projects.mediation_group.set",
        obj=group,
        actor=actor,
        payload={"estate": estate.code, "kinds": sorted({r["kind"] for r in rows}), "routed": routed},
    )
    return group


# --- complaints -------------------------------------------------------------------------------------


@transaction.atomic
def complaint_submit(
    *,
    project: Project,
    category: str,
    description: str,
    place: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    now: dt.datetime | None = None,
) -> Complaint:
    """A resident's complaint from the public phone page (no account): routed to the estate's mediation group,
    with its answer deadline from `complaint_due`. The view rate-limits each client; the same text sent twice
    within ten minutes is one complaint. The phone is optional (a reply is also posted under the reference)."""
    now = now or timezone.now()
    if category not in ComplaintCategory.values:
        raise ValidationError({"category": [_("Choose what the complaint is about.")]})
    description = _text(description, field="description", limit=DESCRIPTION_MAX)
    place = _text(place, field="place", limit=200, required=False)
    reporter_name = _text(reporter_name, field="reporter_name", limit=100, required=False)
    reporter_phone = _phone(reporter_phone, field="reporter_phone")
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.stage == Stage.CLOSED:
        raise ValidationError(_("This project is closed out; please contact your residents' committee."), code="closed")
    if Complaint.objects.filter(
        project=project,
        category=category,
        description=description,
        reporter_phone=reporter_phone,
        received_at__gte=now - DUPLICATE_WINDOW,
    ).exists():
        raise ValidationError(
            {"description": [_("This complaint has just been received; there is no need to send it again.")]}
        )
    decision = complaint_due(now, category, tz=timezone.get_current_timezone())
    complaint = Complaint(
        project=project,
        category=category,
        description=description,
        place=place,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        received_at=now,
        due_at=decision.figures["due_at"],
        mediation_group=mediation_group_for(project=project),
    )
    complaint.full_clean()
    complaint.save()
    audit_entry_append(
        action="projects.complaint.receive",
        obj=project,
        payload={"complaint": complaint.pk, "category": category, "due_at": complaint.due_at.isoformat()},
    )
    return complaint


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().select_related("project").get(pk=complaint.pk)


@transaction.atomic
def complaint_reply(*, actor: Any, complaint: Complaint, reply: str, now: dt.datetime | None = None) -> Complaint:
    """Answer a complaint (the resident reads it under their reference). The first answer's time is what the
    deadline is measured against; a later reply replaces the text. Not once it is resolved. Audited."""
    _may_handle(actor, complaint)
    complaint = _locked(complaint)
    if complaint.status in (ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED):
        raise ValidationError({"reply": [_("This complaint is already resolved.")]})
    complaint.reply = _text(reply, field="reply", limit=REPLY_MAX)
    complaint.replied_at = complaint.replied_at or now or timezone.now()
    complaint.status = ComplaintStatus.REPLIED
    complaint.handled_by = actor if getattr(actor, "pk", None) else None
    complaint.full_clean()
    complaint.save()
    audit_entry_append(
        action="projects.complaint.reply",
        obj=complaint,
        actor=actor,
        payload={"replied_at": complaint.replied_at.isoformat(), "late": complaint.replied_at > complaint.due_at},
    )
    return complaint


@transaction.atomic
def complaint_resolve(
    *, actor: Any, complaint: Complaint, resolution: str, now: dt.datetime | None = None
) -> Complaint:
    """Record how the complaint was resolved; the resident may then give their view. A complaint resolved without
    an earlier reply counts as answered now, with the resolution as the answer. Only once. Audited."""
    _may_handle(actor, complaint)
    complaint = _locked(complaint)
    if complaint.status in (ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED):
        raise ValidationError({"resolution": [_("This complaint is already resolved.")]})
    now = now or timezone.now()
    complaint.resolution = _text(resolution, field="resolution", limit=REPLY_MAX)
    complaint.resolved_at = now
    if complaint.replied_at is None:
        complaint.replied_at = now
        complaint.reply = complaint.reply or complaint.resolution
    complaint.status = ComplaintStatus.RESOLVED
    complaint.handled_by = actor if getattr(actor, "pk", None) else None
    complaint.full_clean()
    complaint.save()
    audit_entry_append(
        action="projects.complaint.resolve",
        obj=complaint,
        actor=actor,
        payload={"resolved_at": now.isoformat(), "late": complaint.replied_at > complaint.due_at},
    )
    return complaint


@transaction.atomic
def complaint_rate(*, reference: str, satisfaction: str) -> Complaint:
    """The resident's view of how their complaint was resolved (满意 / 基本满意 / 不满意), given with the complaint's
    reference: only after it is resolved, and only once; the complaint is then closed. Audited (no personal data)."""
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": [_("Choose satisfied, basically satisfied or dissatisfied.")]})
    complaint = Complaint.objects.select_for_update().filter(reference=str(reference or "")[:24]).first()
    if complaint is None:
        raise ValidationError({"reference": [_("Unknown reference.")]})
    if complaint.satisfaction or complaint.status == ComplaintStatus.CLOSED:
        raise ValidationError({"satisfaction": [_("You have already given your view on this complaint.")]})
    if complaint.status != ComplaintStatus.RESOLVED:
        raise ValidationError({"satisfaction": [_("You can give your view once the complaint is resolved.")]})
    complaint.satisfaction = satisfaction
    complaint.status = ComplaintStatus.CLOSED
    complaint.full_clean()
    complaint.save()
    audit_entry_append(action="projects.complaint.rate", obj=complaint, payload={"satisfaction": satisfaction})
    return complaint
