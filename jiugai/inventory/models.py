"""Estates (小区), their buildings (楼栋) and households (户), and planning areas (片区)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiugai.accounts.models import Jurisdiction
from jiugai.core.models import AuditedModel, TimeStampedModel

from .choices import ConditionItem, Eligibility, ImportKind, ImportStatus, ManagementStatus, Severity, Structure


class RenovationArea(AuditedModel):
    """A 片区: neighbouring estates planned as one area (Guyuan plans by area), with its stated totals."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, verbose_name=_("jurisdiction"))
    name = models.CharField(_("name"), max_length=100)
    lanes = models.PositiveIntegerField(_("lanes outside estates"), default=0)
    stated_households = models.PositiveIntegerField(_("stated households"), null=True, blank=True)
    stated_buildings = models.PositiveIntegerField(_("stated buildings"), null=True, blank=True)
    stated_area = models.DecimalField(
        _("stated housing area (m²)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=200, blank=True)

    scope_field = "jurisdiction"

    class Meta:
        verbose_name = _("renovation area")
        verbose_name_plural = _("renovation areas")
        ordering = ["jurisdiction__path", "name"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "name"], name="area_unique_name")]

    def __str__(self) -> str:
        return self.name


class Estate(AuditedModel):
    """A residential estate (小区), possibly a single building, as surveyed by its street office."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, db_index=True)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    name_pinyin = models.CharField(_("pinyin"), max_length=300, blank=True, db_index=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="estates", verbose_name=_("community or street")
    )
    street = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="street_estates", verbose_name=_("street")
    )
    area = models.ForeignKey(
        RenovationArea, null=True, blank=True, on_delete=models.SET_NULL, related_name="estates", verbose_name=_("area")
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    build_year = models.PositiveSmallIntegerField(_("build year"), null=True, blank=True)
    completed_on = models.DateField(_("completion date"), null=True, blank=True)
    property_rights = models.JSONField(_("property-right types"), default=list, blank=True)
    original_unit = models.CharField(_("original property-right unit"), max_length=200, blank=True)
    total_area = models.DecimalField(_("housing area (m²)"), max_digits=12, decimal_places=2, null=True, blank=True)
    stated_households = models.PositiveIntegerField(_("stated households"), null=True, blank=True)
    stated_buildings = models.PositiveIntegerField(_("stated buildings"), null=True, blank=True)
    management_status = models.CharField(
        _("management"), max_length=20, choices=ManagementStatus.choices, default=ManagementStatus.NONE
    )
    in_shantytown_plan = models.BooleanField(_("in a shanty-town or demolition plan"), default=False)
    expropriation_planned = models.BooleanField(_("expropriation planned"), default=False)
    self_built_area = models.BooleanField(_("mainly self-built housing"), default=False)
    urban_village = models.BooleanField(_("urban village"), default=False)
    three_supplies_done = models.BooleanField(_("三供一业 handover done"), default=False)
    central_funded_year = models.PositiveSmallIntegerField(_("centrally funded in year"), null=True, blank=True)
    central_funded_programme = models.CharField(_("central programme"), max_length=200, blank=True)
    municipal_ready = models.BooleanField(
        _("municipal infrastructure outside the red line ready"),
        default=True,
        help_text=_("Jiyuan ranks estates whose surroundings are not ready later"),
    )
    quality_issues = models.JSONField(_("data-quality issues"), default=list, blank=True)

    scope_field = "jurisdiction"

    class Meta:
        verbose_name = _("estate")
        verbose_name_plural = _("estates")
        ordering = ["street__path", "name"]
        indexes = [models.Index(fields=["build_year"], name="estate_build_year_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def eligibility(self) -> str:
        """The latest screening outcome ("" when never screened).

        Read from the narrow EstateEligibility row: select_related("eligibility_status") in lists.
        """
        status = getattr(self, "eligibility_status", None)
        return status.outcome if status is not None else Eligibility.UNSCREENED.value

    def get_eligibility_display(self) -> str:
        return str(Eligibility(self.eligibility).label)


class Building(AuditedModel):
    """A residential building (楼栋) of an estate."""

    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="buildings", verbose_name=_("estate"))
    number = models.CharField(_("number"), max_length=20)
    floors = models.PositiveSmallIntegerField(_("floors"))
    stairwells = models.PositiveSmallIntegerField(_("stairwells (单元)"), default=1)
    stated_households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    area = models.DecimalField(_("housing area (m²)"), max_digits=12, decimal_places=2, null=True, blank=True)
    structure = models.CharField(
        _("structure"), max_length=20, choices=Structure.choices, default=Structure.BRICK_CONCRETE
    )
    build_year = models.PositiveSmallIntegerField(_("build year"), null=True, blank=True)
    has_elevator = models.BooleanField(_("has elevator"), default=False)

    scope_field = "estate__jurisdiction"

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["estate", "number"]
        constraints = [models.UniqueConstraint(fields=["estate", "number"], name="building_unique_number")]

    def __str__(self) -> str:
        return f"{self.estate.name} {self.number}"


class Household(AuditedModel):
    """A household (户): one dwelling unit and its owner(s); co-owners of one unit are one household."""

    # No index of its own: the unique (building, stairwell, room) index starts with building_id and
    # serves every look-up and join by building.
    building = models.ForeignKey(
        Building, on_delete=models.CASCADE, related_name="households", verbose_name=_("building"), db_index=False
    )
    stairwell = models.PositiveSmallIntegerField(_("stairwell"), default=1)
    floor = models.SmallIntegerField(_("floor"))
    room = models.CharField(_("room"), max_length=20)
    area = models.DecimalField(_("exclusive area (m²)"), max_digits=8, decimal_places=2)
    owner_name = models.CharField(_("owner"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    id_number = models.CharField(_("ID number"), max_length=32, blank=True)
    owner_key = models.CharField(
        _("owner identity key"),
        max_length=64,
        blank=True,
        help_text=_("Same key for every unit of one owner (an owner of several units counts once)"),
    )
    developer_held = models.BooleanField(_("unsold, held by the developer"), default=False)
    hardship = models.BooleanField(_("hardship household (低保/特困)"), default=False)
    # Households are never listed by creation time; without that index a census import writes one
    # index less per row.
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_field = "building__estate__jurisdiction"
    history_masked_fields = ("phone", "id_number")

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["building", "stairwell", "floor", "room"]
        constraints = [models.UniqueConstraint(fields=["building", "stairwell", "room"], name="household_unique_room")]
        # owner_key (a hex digest) is only ever compared for equality: a plain index, without the
        # LIKE-pattern twin that db_index=True adds on PostgreSQL.
        indexes = [models.Index(fields=["owner_key"], name="household_owner_key")]

    def __str__(self) -> str:
        return f"{self.building} {self.stairwell}-{self.room}"


class ConditionSurvey(AuditedModel):
    """A condition survey (摸底调查) of one estate on one date."""

    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="surveys", verbose_name=_("estate"))
    surveyed_on = models.DateField(_("surveyed on"))
    surveyor = models.CharField(_("surveyor"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    scope_field = "estate__jurisdiction"

    class Meta:
        verbose_name = _("condition survey")
        verbose_name_plural = _("condition surveys")
        ordering = ["estate", "-surveyed_on"]
        constraints = [models.UniqueConstraint(fields=["estate", "surveyed_on"], name="survey_unique_date")]

    def __str__(self) -> str:
        return f"{self.estate} {self.surveyed_on}"


class ConditionFinding(AuditedModel):
    """One checklist item of a survey: how bad it is, what was seen."""

    survey = models.ForeignKey(
        ConditionSurvey, on_delete=models.CASCADE, related_name="findings", verbose_name=_("survey")
    )
    item = models.CharField(_("item"), max_length=30, choices=ConditionItem.choices)
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices, default=Severity.NONE)
    notes = models.TextField(_("notes"), blank=True)
    photo = models.FileField(_("photo"), upload_to="surveys/%Y/%m/", blank=True)

    scope_field = "survey__estate__jurisdiction"

    class Meta:
        verbose_name = _("condition finding")
        verbose_name_plural = _("condition findings")
        ordering = ["survey", "item"]
        constraints = [models.UniqueConstraint(fields=["survey", "item"], name="finding_unique_item")]

    def __str__(self) -> str:
        return f"{self.get_item_display()}: {self.get_severity_display()}"


class ScreeningDecision(models.Model):
    """One distinct screening decision (outcome and reasons), stored once however many estates share it.

    A nation's estates fall into a few hundred distinct decisions; storing each once (keyed by the SHA-256
    of its canonical JSON) keeps a screening of 220,000 estates to narrow rows.
    """

    outcome = models.CharField(_("outcome"), max_length=20, choices=Eligibility.choices, blank=True)
    reasons = models.JSONField(_("reasons"), default=list)
    digest = models.CharField(_("digest"), max_length=64, unique=True, help_text=_("SHA-256 of outcome and reasons"))

    class Meta:
        verbose_name = _("screening decision")
        verbose_name_plural = _("screening decisions")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.digest[:12]})"


class ScreeningRun(models.Model):
    """One screening of a jurisdiction (or of one estate) under the policy in force on a date."""

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="screening_runs",
        verbose_name=_("jurisdiction"),
    )
    policy_date = models.DateField(_("policy date"))
    screened_at = models.DateTimeField(_("screened at"), default=timezone.now, db_index=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("screened by")
    )
    estates = models.PositiveIntegerField(_("estates"), default=0)
    counts = models.JSONField(_("estates per outcome"), default=dict, blank=True)

    scope_field = "jurisdiction"

    class Meta:
        verbose_name = _("screening run")
        verbose_name_plural = _("screening runs")
        ordering = ["-screened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.jurisdiction or '—'} {self.policy_date}"


# The two tables below get one row per estate per screening (220,000 for the nation), written in bulk
# only by the screening service, with the run and the decisions it has just stored and the estates it has
# just read. A database foreign-key constraint would check every row with a per-row trigger at commit
# (about 5 µs each, seconds per screening), so they have none: on_delete is enforced by Django as usual.
# See docs/adr/0003-screening-storage.md.


class ScreeningResult(models.Model):
    """The outcome of screening one estate in one run: the run says when and under which policy date,
    the shared decision holds the outcome and its reasons."""

    run = models.ForeignKey(
        ScreeningRun, on_delete=models.CASCADE, db_constraint=False, related_name="results", verbose_name=_("run")
    )
    estate = models.ForeignKey(
        Estate, on_delete=models.CASCADE, db_constraint=False, related_name="screenings", verbose_name=_("estate")
    )
    # Decisions are never deleted while used; no index keeps each run's bulk write narrow.
    decision = models.ForeignKey(
        ScreeningDecision,
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name=_("decision"),
    )

    scope_field = "estate__jurisdiction"

    class Meta:
        verbose_name = _("screening result")
        verbose_name_plural = _("screening results")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.estate}: {self.decision.get_outcome_display()}"

    @property
    def outcome(self) -> str:
        return self.decision.outcome

    @property
    def reasons(self) -> list[dict[str, Any]]:
        return self.decision.reasons

    @property
    def policy_date(self) -> dt.date:
        return self.run.policy_date

    @property
    def screened_at(self) -> dt.datetime:
        return self.run.screened_at

    def get_outcome_display(self) -> str:
        return self.decision.get_outcome_display()


class EstateEligibility(models.Model):
    """An estate's latest screening outcome (one narrow row per screened estate).

    Kept apart from the wide estate table so that screening a nation rewrites small rows with two indexes
    instead of 220,000 wide estate rows with all of theirs; filters and lists join it.
    """

    estate = models.OneToOneField(
        Estate,
        primary_key=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="eligibility_status",
        verbose_name=_("estate"),
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Eligibility.choices, blank=True)
    # Not indexed, so re-screening with unchanged outcomes updates rows in place (PostgreSQL HOT updates,
    # helped by the table's fillfactor of 50 set in its migration).
    decision = models.ForeignKey(
        ScreeningDecision,
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name=_("decision"),
    )
    run = models.ForeignKey(
        ScreeningRun,
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name=_("run"),
    )
    screened_at = models.DateTimeField(_("screened at"))

    scope_field = "estate__jurisdiction"

    class Meta:
        verbose_name = _("estate eligibility")
        verbose_name_plural = _("estate eligibilities")
        ordering = ["estate"]
        # A plain index (no second pattern-matching index, which db_index adds on PostgreSQL).
        indexes = [models.Index(fields=["outcome"], name="estate_eligibility_outcome_idx")]

    def __str__(self) -> str:
        return f"{self.estate_id}: {self.get_outcome_display()}"

    @property
    def reasons(self) -> list[dict[str, Any]]:
        return self.decision.reasons

    @property
    def policy_date(self) -> dt.date:
        return self.run.policy_date


class ImportJob(TimeStampedModel):
    """One uploaded workbook on its way in: validation report, preview, progress and outcome."""

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, verbose_name=_("jurisdiction"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, verbose_name=_("uploaded by")
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    scope_field = "jurisdiction"

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        return int(self.processed_rows * 100 / self.total_rows) if self.total_rows else 0
