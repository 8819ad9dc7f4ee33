"""The public disclosure page of a project (阳光操作; seed digest §7: content, money, design, construction
organisation, services and fees are published to residents). Built only from fields without personal data."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from jiugai.consultation.choices import NoticeStatus
from jiugai.consultation.selectors import notice_window_state, notices_for

from ..choices import MemberRole
from ..models import Project
from .acceptance import acceptance_public_summary
from .complaints import complaints_public_summary
from .progress import progress_public_summary
from .project import project_funding, project_timeline
from .tenders import tenders_public_summary


def project_public_summary(*, project: Project, request: Any = None) -> dict[str, Any]:
    """Everything the public page shows. Headquarters members appear by role and organisation only."""
    notices = [
        {
            "title": n.title,
            "subject": n.get_subject_display(),
            "published_at": n.published_at,
            "closes_at": n.closes_at,
            "state": notice_window_state(notice=n),
            "url": reverse("ballot:notice", args=[n.public_id]),
        }
        for n in notices_for(obj=project).filter(status=NoticeStatus.PUBLISHED).order_by("-published_at")
    ]
    organisation = [
        {"role": MemberRole(m.role).label, "organisation": m.organisation}
        for m in project.members.all()
        if m.role != MemberRole.OWNER_REPRESENTATIVE
    ]
    funding = project_funding(project=project)
    tenders = tenders_public_summary(project)
    progress = progress_public_summary(project=project)
    acceptance = acceptance_public_summary(project=project)
    return {
        "project": project,
        "funding": funding,
        "tenders": tenders,
        "boq": list(project.boq_lines.values("name", "quantity", "unit")),
        "progress": progress,
        "photos": progress["photos"],
        "complaints": complaints_public_summary(project=project),
        "acceptance": acceptance,
        "complaint_url": reverse("projects_public:complaint_new", args=[project.public_id]),
        "survey_url": reverse("projects_public:survey", args=[project.public_id]) if acceptance["survey_open"] else "",
        "estates": list(project.estates.values_list("name", flat=True)),
        "notices": notices,
        "organisation": organisation,
        "timeline": project_timeline(project=project),
        "firms": [
            (label, name)
            for label, name in (
                ("design", project.design_firm),
                ("construction", project.construction_firm),
                ("supervision", project.supervision_firm),
            )
            if name
        ],
    }
