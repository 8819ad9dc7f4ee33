"""Weekly reports with quantities per BoQ line, photos, and the office's weekly digest (Jiyuan 000, Zhanhe 001)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiugai.accounts.models import Jurisdiction
from jiugai.core.models import TimeStampedModel

from .project import Project
from .tenders import BoQLine

ZERO = Decimal("0")


class WeeklyReport(TimeStampedModel):
    """A project's weekly progress report (周报), for the week ending on the profile's report day."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports", verbose_name=_("project"))
    week_ending = models.DateField(_("week ending"))
    summary = models.TextField(_("work this week"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    next_week = models.TextField(_("plan for next week"), blank=True)
    percent_complete = models.DecimalField(_("complete (%)"), max_digits=5, decimal_places=2, default=ZERO)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("submitted by")
    )

    scope_field = "project__jurisdiction"

    class Meta:
        verbose_name = _("weekly report")
        verbose_name_plural = _("weekly reports")
        ordering = ["project", "-week_ending"]
        constraints = [models.UniqueConstraint(fields=["project", "week_ending"], name="projects_report_unique_week")]

    def __str__(self) -> str:
        return f"{self.project.code} · {self.week_ending}"


class ReportLine(models.Model):
    """The quantity of one BoQ line completed in the week of a report."""

    report = models.ForeignKey(WeeklyReport, on_delete=models.CASCADE, related_name="lines", verbose_name=_("report"))
    boq_line = models.ForeignKey(BoQLine, on_delete=models.PROTECT, related_name="report_lines", verbose_name=_("line"))
    quantity = models.DecimalField(
        _("quantity this week"), max_digits=14, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )

    scope_field = "report__project__jurisdiction"

    class Meta:
        verbose_name = _("report line")
        verbose_name_plural = _("report lines")
        ordering = ["report", "boq_line__position"]
        constraints = [models.UniqueConstraint(fields=["report", "boq_line"], name="projects_report_line_unique")]

    def __str__(self) -> str:
        return f"{self.boq_line.code} {self.quantity}"


class ProgressPhoto(TimeStampedModel):
    """A site photo attached to a weekly report, with when and where it was taken."""

    report = models.ForeignKey(WeeklyReport, on_delete=models.CASCADE, related_name="photos", verbose_name=_("report"))
    image = models.FileField(_("photo"), upload_to="projects/photos/%Y/%m/")
    taken_at = models.DateTimeField(_("taken at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    scope_field = "report__project__jurisdiction"

    class Meta:
        verbose_name = _("progress photo")
        verbose_name_plural = _("progress photos")
        ordering = ["report", "taken_at"]

    def __str__(self) -> str:
        return self.caption or str(self.image.name)


class WeeklyDigest(TimeStampedModel):
    """The office's weekly digest of every project in a jurisdiction, built automatically each week."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, related_name="project_digests", verbose_name=_("jurisdiction")
    )
    week_ending = models.DateField(_("week ending"))
    data = models.JSONField(_("figures"), default=dict)
    build_seconds = models.FloatField(_("build time (s)"), default=0)

    scope_field = "jurisdiction"

    class Meta:
        verbose_name = _("weekly digest")
        verbose_name_plural = _("weekly digests")
        ordering = ["-week_ending", "jurisdiction"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "week_ending"], name="projects_digest_unique_week")
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction} · {self.week_ending}"
