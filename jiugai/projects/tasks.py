"""Background work of projects: the weekly digest for the leading-group offices (Jiyuan 000, seeds/000_f9b901b302fa6203.txt:
street offices report every Friday to the office; seed digest §7: periodic bulletins).

`digest_build_all` runs from Celery beat every Friday evening (`CELERY_BEAT_SCHEDULE` in the settings); without
CELERY_BROKER_URL it runs in-process when called."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef

from jiugai.accounts.choices import Level
from jiugai.accounts.models import Jurisdiction

from .models import Project
from .services.progress import digest_build

# The offices that get a digest: the city (leading-group office) and each district or county.
DIGEST_LEVELS = (Level.CITY, Level.DISTRICT)


@shared_task(name="jiugai.projects.digest_build_all")
def digest_build_all(on: str | None = None) -> dict[str, Any]:
    """Build this week's digest of every city and district that has projects; `on` (YYYY-MM-DD) picks another
    day, whose latest report day is the week reported on. A digest that cannot be built is named, not raised,
    so one jurisdiction never stops the others."""
    import datetime as dt

    day = dt.date.fromisoformat(on) if on else None
    has_projects = Exists(Project.objects.filter(jurisdiction__path__startswith=OuterRef("path")))
    built: dict[str, Any] = {}
    failed: dict[str, list[str]] = {}
    for node in Jurisdiction.objects.filter(level__in=DIGEST_LEVELS).filter(has_projects).order_by("path"):
        week_ending = None
        if day is not None:
            from .services.progress import digest_week_ending

            week_ending = digest_week_ending(jurisdiction=node, on=day)
        try:
            digest = digest_build(jurisdiction=node, week_ending=week_ending)
        except ValidationError as exc:
            failed[node.code] = [str(m) for m in exc.messages]
            continue
        built[node.code] = {"id": digest.pk, "week_ending": digest.week_ending.isoformat(), "s": digest.build_seconds}
    return {"built": built, "failed": failed}
