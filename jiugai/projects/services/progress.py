"""Writes for progress: the weekly report with quantities per BoQ line (percent complete computed, never typed),
site photos with time and place, and the office's weekly digest.

Jiyuan 000 (seeds/000_f9b901b302fa6203.txt): the street offices report every Friday to the leading-group office
(工作专报制度) and works are tendered on the bill of quantities; Zhanhe 001 (seeds/001_f6a39a551d1fc451.txt): the
supervision judges progress (看进度). Bad input — a quantity beyond a line, a week in the future or off the report
day, a second report for a week, a file of the wrong type or too large — is a translated ValidationError and
changes nothing.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiugai.accounts.models import Jurisdiction
from jiugai.core.audit import audit_entry_append
from jiugai.core.permissions import require
from jiugai.core.scoping import scope_path_for
from jiugai.policy.selectors import effective_policy
from jiugai.rules.progress import (
    WEEKDAY_KEY,
    percent_complete,
    progress_check,
    report_date_decide,
    reporter_decide,
    week_ending_on_or_before,
)

from ..choices import ContractKind, Stage
from ..models import ProgressPhoto, Project, ReportLine, WeeklyDigest, WeeklyReport
from ..selectors.progress import digest_figures, progress_lines
from .common import PHOTO_EXTENSIONS, PHOTO_MAX_BYTES, file_check, within

# A week's evidence, not an album: more photos than this in one report are refused.
PHOTOS_PER_REPORT = 30
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}


def _firms(project: Project) -> dict[str, list[str]]:
    """The firms contracted for the works: the project's own fields and its signed contracts."""
    firms: dict[str, list[str]] = {
        "construction": [project.construction_firm] if project.construction_firm else [],
        "supervision": [project.supervision_firm] if project.supervision_firm else [],
    }
    for kind, counterparty in project.contracts.filter(
        kind__in=[ContractKind.CONSTRUCTION, ContractKind.SUPERVISION]
    ).values_list("kind", "counterparty"):
        firms[kind].append(counterparty)
    return firms


def _reporter_check(actor: Any, project: Project) -> None:
    """A firm reports only for the project that contracted it (the street office for any of its projects)."""
    if actor is None or getattr(actor, "is_platform_admin", False):
        return
    decision = reporter_decide(actor.role, getattr(actor, "organisation", "") or "", _firms(project))
    if not decision.passed:
        raise PermissionDenied(" ".join(r.message for r in decision.reasons))


def _quantities(lines: Mapping[Any, Any]) -> dict[int, Decimal]:
    """The posted quantities by BoQ line id; text is read as a decimal number, blanks as nothing done."""
    errors = []
    out: dict[int, Decimal] = {}
    for key, raw in lines.items():
        try:
            line_id = int(key)
        except (TypeError, ValueError):
            errors.append(_("Line %(line)s is not in this project's bill of quantities.") % {"line": key})
            continue
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        try:
            value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip().replace(",", ""))
        except (InvalidOperation, ValueError):
            errors.append(_("Line %(line)s: %(value)s is not a number.") % {"line": key, "value": raw})
            continue
        if isinstance(raw, float) or not value.is_finite():
            errors.append(_("Line %(line)s: %(value)s is not a number.") % {"line": key, "value": raw})
            continue
        out[line_id] = value
    if errors:
        raise ValidationError({"lines": errors})
    return out


def _percent_at(project: Project, week_ending: dt.date) -> Decimal:
    return percent_complete(progress_lines(project=project, until=week_ending))


@transaction.atomic
def report_submit(
    *,
    actor: Any,
    project: Project,
    week_ending: dt.date,
    lines: Mapping[Any, Any],
    summary: str = "",
    problems: str = "",
    next_week: str = "",
) -> WeeklyReport:
    """File the project's weekly report (周报) for the week ending `week_ending` with the quantity done this week
    per BoQ line (`lines`: line id → quantity). Percent complete is computed from the quantities, weighted by
    amount, and written to the report and to the project (the ledger reads it) in the same transaction; audited.

    Refused, with nothing saved: a role that does not report, a project outside the actor's jurisdiction, a firm
    the project did not contract, a project not under construction, a week in the future, off the profile's report
    day (Jiyuan: Friday), before the works started, already reported or overlapping another report, a line not in
    the bill, and a quantity that takes a line beyond its quantity including approved variations."""
    require(actor, "projects.report_progress")
    within(actor, project)
    # One report at a time per project: cumulative quantities are checked against what is already saved.
    project = Project.objects.select_for_update().select_related("jurisdiction").get(pk=project.pk)
    _reporter_check(actor, project)
    if project.stage != Stage.CONSTRUCTION:
        raise ValidationError(
            {
                "project": [
                    _(
                        "Weekly reports are filed while the works are under way; this project is at the stage: %(stage)s."
                    )
                    % {"stage": Stage(project.stage).label}
                ]
            }
        )
    if not isinstance(week_ending, dt.date) or isinstance(week_ending, dt.datetime):
        raise ValidationError({"week_ending": [_("Enter the date the week ends.")]})
    policy = effective_policy(jurisdiction=project.jurisdiction, on=week_ending)
    weekday = policy.get(WEEKDAY_KEY)
    others = WeeklyReport.objects.filter(
        project=project,
        week_ending__gt=week_ending - dt.timedelta(days=7),
        week_ending__lt=week_ending + dt.timedelta(days=7),
    ).values_list("week_ending", flat=True)
    dated = report_date_decide(
        week_ending,
        today=timezone.localdate(),
        weekday=weekday,
        weekday_source=policy.source(WEEKDAY_KEY) if weekday is not None else None,
        other_weeks=list(others),
        started_on=project.started_on,
    )
    if not dated.passed:
        raise ValidationError({"week_ending": [r.message for r in dated.reasons]})
    quantities = _quantities(lines)
    bill = progress_lines(project=project)
    checked = progress_check(bill, quantities)
    if not checked.passed:
        raise ValidationError({"lines": [r.message for r in checked.reasons]})
    report = WeeklyReport(
        project=project,
        week_ending=week_ending,
        summary=summary.strip(),
        problems=problems.strip(),
        next_week=next_week.strip(),
        submitted_by=actor if getattr(actor, "pk", None) else None,
    )
    report.full_clean()
    report.save()
    rows = [
        ReportLine(report=report, boq_line_id=line_id, quantity=quantity)
        for line_id, quantity in quantities.items()
        if quantity > 0
    ]
    for row in rows:
        row.full_clean(exclude=["report", "boq_line"])
    ReportLine.objects.bulk_create(rows)
    # The report's own figure counts the quantities of reports up to its week; a report filed late for an earlier
    # week changes the figure of every later report, which are recomputed.
    report.percent_complete = _percent_at(project, week_ending)
    WeeklyReport.objects.filter(pk=report.pk).update(percent_complete=report.percent_complete)
    for later in WeeklyReport.objects.filter(project=project, week_ending__gt=week_ending).order_by("week_ending"):
        WeeklyReport.objects.filter(pk=later.pk).update(percent_complete=_percent_at(project, later.week_ending))
    overall = checked.figures["percent_after"]
    last = max(project.last_report_on or week_ending, week_ending)
    Project.objects.filter(pk=project.pk).update(percent_complete=overall, last_report_on=last)
    audit_entry_append(
        action="projects.report.submit",
        obj=project,
        actor=actor,
        payload={
            "report": report.pk,
            "week_ending": week_ending.isoformat(),
            "percent_complete": str(overall),
            "lines": {str(row.boq_line_id): str(row.quantity) for row in rows},
        },
    )
    return report


def _image_check(image: Any, field: str) -> None:
    """The upload must really be a JPEG, PNG or WebP picture, whatever its name says."""
    from PIL import Image, UnidentifiedImageError

    position = image.tell() if hasattr(image, "tell") else 0
    try:
        with Image.open(image) as picture:
            kind = picture.format
            picture.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ValidationError({field: [_("The file is not a readable JPEG, PNG or WebP picture.")]}) from exc
    finally:
        if hasattr(image, "seek"):
            image.seek(position)
    if kind not in IMAGE_FORMATS:
        raise ValidationError({field: [_("The file is not a readable JPEG, PNG or WebP picture.")]})


def _coordinate(value: Any, field: str, limit: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    if not number.is_finite() or abs(number) > limit:
        raise ValidationError({field: [_("Enter a number between -%(limit)d and %(limit)d.") % {"limit": limit}]})
    return number.quantize(Decimal("0.000001"))


@transaction.atomic
def photo_add(
    *,
    actor: Any,
    report: WeeklyReport,
    image: Any,
    taken_at: dt.datetime,
    place: str = "",
    lat: Any = None,
    lon: Any = None,
    caption: str = "",
) -> ProgressPhoto:
    """Attach a site photo (现场照片) to a weekly report, with when (`taken_at`, not in the future) and where (a
    place name and/or the coordinates, both or neither) it was taken — the evidence behind the week's quantities
    that inspections and the public page rely on (seed digest §7: inspections, transparency to residents). JPEG, PNG or WebP only, at most 10 MB, and checked to
    be a picture; at most `PHOTOS_PER_REPORT` per report."""
    require(actor, "projects.report_progress")
    report = WeeklyReport.objects.select_for_update().select_related("project__jurisdiction").get(pk=report.pk)
    within(actor, report.project)
    _reporter_check(actor, report.project)
    if image is None:
        raise ValidationError({"image": [_("Choose a photo to upload.")]})
    file_check(image, field="image", extensions=PHOTO_EXTENSIONS, max_bytes=PHOTO_MAX_BYTES)
    _image_check(image, "image")
    if not isinstance(taken_at, dt.datetime):
        raise ValidationError({"taken_at": [_("Enter when the photo was taken.")]})
    if timezone.is_naive(taken_at):
        taken_at = timezone.make_aware(taken_at)
    if taken_at > timezone.now() + dt.timedelta(minutes=5):  # a phone's clock may run a little ahead
        raise ValidationError(
            {
                "taken_at": [
                    _("The date %(day)s is in the future.")
                    % {"day": timezone.localtime(taken_at).strftime("%Y-%m-%d %H:%M")}
                ]
            }
        )
    latitude = _coordinate(lat, "lat", 90)
    longitude = _coordinate(lon, "lon", 180)
    if (latitude is None) != (longitude is None):
        raise ValidationError({"lat": [_("Give both latitude and longitude, or neither.")]})
    if report.photos.count() >= PHOTOS_PER_REPORT:
        raise ValidationError({"image": [_("A report holds at most %(count)d photos.") % {"count": PHOTOS_PER_REPORT}]})
    photo = ProgressPhoto(
        report=report,
        image=image,
        taken_at=taken_at,
        place=place.strip(),
        latitude=latitude,
        longitude=longitude,
        caption=caption.strip(),
    )
    photo.full_clean()
    photo.save()
    return photo


def digest_week_ending(*, jurisdiction: Jurisdiction, on: dt.date | None = None) -> dt.date:
    """The week a digest built on `on` reports on: the latest report day of the jurisdiction's profile
    (`projects.weekly_report_weekday`; Jiyuan 000: Friday)."""
    on = on or timezone.localdate()
    weekday = effective_policy(jurisdiction=jurisdiction, on=on).get(WEEKDAY_KEY)
    return week_ending_on_or_before(on, weekday)


@transaction.atomic
def digest_build(*, jurisdiction: Jurisdiction, week_ending: dt.date | None = None, actor: Any = None) -> WeeklyDigest:
    """Build (or rebuild) the leading-group office's weekly digest (工作专报; Jiyuan 000: the streets report every
    Friday to the office; seed digest §7: periodic bulletins) of `jurisdiction` for the week ending `week_ending` (by
    default the latest report day): projects by stage, reports received and missing, overdue projects, the
    distribution of percent complete and a table per street, aggregated in SQL. Run by the weekly beat task
    without an actor; an office user may build it now for a jurisdiction in their scope."""
    if actor is not None:
        require(actor, "projects.manage")
        base = scope_path_for(actor)
        if base is not None and not jurisdiction.path.startswith(base):
            raise PermissionDenied(_("You may not change projects outside your jurisdiction."))
    week_ending = week_ending or digest_week_ending(jurisdiction=jurisdiction)
    if week_ending > timezone.localdate():
        raise ValidationError(
            {"week_ending": [_("The date %(day)s is in the future.") % {"day": week_ending.isoformat()}]}
        )
    started = time.perf_counter()
    data = digest_figures(jurisdiction=jurisdiction, week_ending=week_ending)
    seconds = round(time.perf_counter() - started, 3)
    digest = WeeklyDigest.objects.select_for_update().filter(jurisdiction=jurisdiction, week_ending=week_ending).first()
    if digest is None:
        digest = WeeklyDigest(jurisdiction=jurisdiction, week_ending=week_ending)
    digest.data = data
    digest.build_seconds = seconds
    digest.full_clean()
    digest.save()
    return digest
