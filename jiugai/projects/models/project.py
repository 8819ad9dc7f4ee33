"""The project itself, its headquarters and the sign-offs it needs before work starts (seed digest §7)."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiugai.accounts.models import Jurisdiction
from jiugai.core.models import AuditedModel, TimeStampedModel
from jiugai.inventory.models import Estate
from jiugai.planning.models import AnnualPlan, Bundle, PlanEntry

from ..choices import MemberRole, SignoffKind, Stage

ZERO = Decimal("0")


def public_id_new() -> str:
    """An unguessable id for the project's public page (no login)."""
    return secrets.token_urlsafe(9)


class Project(AuditedModel):
    """A renovation project (改造项目): one estate, or a bundle of estates, from the plan to close-out (销号)."""

    code = models.CharField(_("project code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="projects", verbose_name=_("jurisdiction")
    )
    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="projects", verbose_name=_("estate"))
    estates = models.ManyToManyField(Estate, related_name="+", verbose_name=_("estates"))
    plan = models.ForeignKey(
        AnnualPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="projects", verbose_name=_("plan")
    )
    plan_entry = models.ForeignKey(
        PlanEntry,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("plan entry"),
    )
    bundle = models.ForeignKey(
        Bundle, null=True, blank=True, on_delete=models.PROTECT, related_name="projects", verbose_name=_("bundle")
    )
    year = models.PositiveSmallIntegerField(_("plan year"))
    street_office = models.CharField(_("street office"), max_length=200, blank=True)
    content = models.TextField(_("renovation content"), blank=True)
    budget = models.DecimalField(_("planned investment (yuan)"), max_digits=16, decimal_places=2, default=ZERO)
    utilities = models.JSONField(_("utilities involved"), default=list, blank=True)
    design_firm = models.CharField(_("design firm"), max_length=200, blank=True)
    construction_firm = models.CharField(_("construction firm"), max_length=200, blank=True)
    supervision_firm = models.CharField(_("supervision firm"), max_length=200, blank=True)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.REGISTERED, db_index=True)
    registered_on = models.DateField(_("registered on"))
    # Deadlines come from the plan or the policy profile (Guyuan 003 dates); `deadline_sources` says which.
    preliminary_due = models.DateField(_("preliminary work due"), null=True, blank=True)
    start_due = models.DateField(_("start due"), null=True, blank=True)
    completion_due = models.DateField(_("completion due"), null=True, blank=True)
    acceptance_due = models.DateField(_("acceptance due"), null=True, blank=True)
    deadline_sources = models.JSONField(_("sources of the deadlines"), default=dict, blank=True)
    # Guyuan 003 lists tendering as the last preliminary step: the construction contract's date closes it.
    preliminary_done_on = models.DateField(_("preliminary work finished on"), null=True, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    completed_on = models.DateField(_("works completed on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    handed_over_on = models.DateField(_("handed over on"), null=True, blank=True)
    closed_on = models.DateField(_("closed out on"), null=True, blank=True)
    # Kept by the weekly-report service so the ledger never has to read the reports.
    percent_complete = models.DecimalField(_("complete (%)"), max_digits=5, decimal_places=2, default=ZERO)
    last_report_on = models.DateField(_("last weekly report"), null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    public_id = models.CharField(_("public id"), max_length=16, unique=True, default=public_id_new, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("created by")
    )

    scope_field = "jurisdiction"

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-year", "code"]
        indexes = [models.Index(fields=["jurisdiction", "stage"], name="projects_juris_stage_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProjectMember(TimeStampedModel):
    """A person in the project headquarters (项目指挥部): street leader, committee head, owner representative."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members", verbose_name=_("project"))
    role = models.CharField(_("role"), max_length=24, choices=MemberRole.choices)
    name = models.CharField(_("name"), max_length=100)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    scope_field = "project__jurisdiction"

    class Meta:
        verbose_name = _("headquarters member")
        verbose_name_plural = _("headquarters members")
        ordering = ["project", "role", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class ProjectSignoff(TimeStampedModel):
    """An approval the project needs before construction: owners' committee, leading group, drawing review."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="signoffs", verbose_name=_("project"))
    kind = models.CharField(_("kind"), max_length=20, choices=SignoffKind.choices)
    signed_on = models.DateField(_("signed on"))
    signer_name = models.CharField(_("signed by"), max_length=200)
    document = models.FileField(_("document"), upload_to="projects/signoffs/%Y/", blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("recorded by")
    )

    scope_field = "project__jurisdiction"

    class Meta:
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        ordering = ["project", "signed_on", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="projects_signoff_unique_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.signed_on})"
