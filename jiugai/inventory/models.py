"""Estates (小区), their buildings (楼栋) and households (户), and planning areas (片区)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
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
    eligibility = models.CharField(
        _("eligibility"),
        max_length=20,
        choices=Eligibility.choices,
        default=Eligibility.UNSCREENED,
        blank=True,
        db_index=True,
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

    building = models.ForeignKey(
        Building, on_delete=models.CASCADE, related_name="households", verbose_name=_("building")
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
        db_index=True,
        help_text=_("Same key for every unit of one owner (an owner of several units counts once)"),
    )
    developer_held = models.BooleanField(_("unsold, held by the developer"), default=False)
    hardship = models.BooleanField(_("hardship household (低保/特困)"), default=False)

    scope_field = "building__estate__jurisdiction"
    history_masked_fields = ("phone", "id_number")

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["building", "stairwell", "floor", "room"]
        constraints = [models.UniqueConstraint(fields=["building", "stairwell", "room"], name="household_unique_room")]

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


class ScreeningResult(models.Model):
    """The outcome of screening one estate for eligibility, with the reasons and the policy it used."""

    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="screenings", verbose_name=_("estate"))
    screened_at = models.DateTimeField(_("screened at"), auto_now_add=True, db_index=True)
    policy_date = models.DateField(_("policy date"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Eligibility.choices)
    reasons = models.JSONField(_("reasons"), default=list)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("screened by")
    )

    scope_field = "estate__jurisdiction"

    class Meta:
        verbose_name = _("screening result")
        verbose_name_plural = _("screening results")
        ordering = ["-screened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.estate}: {self.get_outcome_display()}"


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
