"""Quality and acceptance: inspections and defects, joint acceptance signed by each party, handover, archive,
final accounts and the post-evaluation with residents' satisfaction (Zhanhe 001, Guyuan 003)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiugai.core.models import AuditedModel, TimeStampedModel

from ..choices import (
    AcceptanceStatus,
    ArchiveKind,
    DefectStatus,
    FinalAccountStatus,
    InspectionKind,
    Party,
    Receiver,
    Satisfaction,
    Verdict,
)
from .project import Project

ZERO = Decimal("0")


class Inspection(TimeStampedModel):
    """A quality or safety inspection of the works, with its findings (Guyuan 003: 对重点部位和重点环节的质量安全进行监督检查)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="inspections", verbose_name=_("project")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=InspectionKind.choices)
    held_on = models.DateField(_("held on"))
    inspector = models.CharField(_("inspector"), max_length=200)
    findings = models.TextField(_("findings"), blank=True)

    scope_field = "project__jurisdiction"

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["project", "-held_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class AcceptanceRound(AuditedModel):
    """One joint acceptance (联合验收) of a project; passes when every required party signs 'pass' (Zhanhe 001)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="acceptances", verbose_name=_("project")
    )
    number = models.PositiveSmallIntegerField(_("round"))
    held_on = models.DateField(_("held on"))
    required_parties = models.JSONField(_("required parties"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=AcceptanceStatus.choices, default=AcceptanceStatus.OPEN
    )

    scope_field = "project__jurisdiction"

    class Meta:
        verbose_name = _("joint acceptance")
        verbose_name_plural = _("joint acceptances")
        ordering = ["project", "number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="projects_acceptance_unique_round")]

    def __str__(self) -> str:
        return f"{self.project.code} · {self.number}"


class AcceptanceSignature(TimeStampedModel):
    """One party's signature on a joint acceptance, with its verdict (Zhanhe 001: each party signs for itself)."""

    round = models.ForeignKey(
        AcceptanceRound, on_delete=models.CASCADE, related_name="signatures", verbose_name=_("acceptance")
    )
    party = models.CharField(_("party"), max_length=16, choices=Party.choices)
    verdict = models.CharField(_("verdict"), max_length=8, choices=Verdict.choices)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("signed by"))
    signer_name = models.CharField(_("name"), max_length=150)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    note = models.TextField(_("remarks"), blank=True)

    scope_field = "round__project__jurisdiction"

    class Meta:
        verbose_name = _("acceptance signature")
        verbose_name_plural = _("acceptance signatures")
        ordering = ["round", "party"]
        constraints = [models.UniqueConstraint(fields=["round", "party"], name="projects_signature_unique_party")]

    def __str__(self) -> str:
        return f"{self.get_party_display()}: {self.get_verdict_display()}"


class Defect(TimeStampedModel):
    """A problem found by an inspection or an acceptance that must be rectified (整改) and checked (Zhanhe 001)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="defects", verbose_name=_("project"))
    inspection = models.ForeignKey(
        Inspection,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="defects",
        verbose_name=_("inspection"),
    )
    acceptance = models.ForeignKey(
        AcceptanceRound,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="defects",
        verbose_name=_("acceptance"),
    )
    description = models.TextField(_("problem"))
    place = models.CharField(_("where"), max_length=200, blank=True)
    due_on = models.DateField(_("rectify by"))
    status = models.CharField(_("status"), max_length=8, choices=DefectStatus.choices, default=DefectStatus.OPEN)
    rectification = models.TextField(_("what was done"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("checked by")
    )

    scope_field = "project__jurisdiction"

    class Meta:
        verbose_name = _("defect")
        verbose_name_plural = _("defects")
        ordering = ["project", "status", "due_on"]

    def __str__(self) -> str:
        return self.description[:60]


class Handover(AuditedModel):
    """The handover agreement (移交协议) that gives the renovated estate to its manager (Guyuan 003, Zhanhe 001)."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="handover", verbose_name=_("project")
    )
    receiver_kind = models.CharField(_("handed to"), max_length=20, choices=Receiver.choices)
    receiver_name = models.CharField(_("receiver"), max_length=200)
    signed_on = models.DateField(_("signed on"))
    terms = models.TextField(_("terms"), blank=True)
    document = models.FileField(_("agreement"), upload_to="projects/handovers/%Y/", blank=True)

    scope_field = "project__jurisdiction"

    class Meta:
        verbose_name = _("handover agreement")
        verbose_name_plural = _("handover agreements")

    def __str__(self) -> str:
        return f"{self.project.code} → {self.receiver_name}"


class ArchiveItem(TimeStampedModel):
    """A document filed in the project archive (档案; Zhanhe 001: 做好项目资料的存档管理)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="archive", verbose_name=_("project"))
    kind = models.CharField(_("kind"), max_length=16, choices=ArchiveKind.choices)
    title = models.CharField(_("title"), max_length=200)
    document = models.FileField(_("file"), upload_to="projects/archive/%Y/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("uploaded by")
    )

    scope_field = "project__jurisdiction"

    class Meta:
        verbose_name = _("archive document")
        verbose_name_plural = _("archive documents")
        ordering = ["project", "kind", "id"]

    def __str__(self) -> str:
        return self.title


class FinalAccount(AuditedModel):
    """The final accounts (决算) of a project against its contracts and approved variations (Zhanhe 001)."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="final_account", verbose_name=_("project")
    )
    contract_total = models.DecimalField(_("contracts (yuan)"), max_digits=16, decimal_places=2, default=ZERO)
    variations_total = models.DecimalField(
        _("approved variations (yuan)"), max_digits=16, decimal_places=2, default=ZERO
    )
    final_amount = models.DecimalField(
        _("final amount (yuan)"), max_digits=16, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    auditor = models.CharField(_("audited by"), max_length=200, blank=True)
    audited_on = models.DateField(_("audited on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=FinalAccountStatus.choices, default=FinalAccountStatus.DRAFT
    )
    note = models.TextField(_("note"), blank=True)

    scope_field = "project__jurisdiction"

    class Meta:
        verbose_name = _("final accounts")
        verbose_name_plural = _("final accounts")

    def __str__(self) -> str:
        return f"{self.project.code} {self.final_amount}"


class SatisfactionResponse(TimeStampedModel):
    """One resident's answer to the post-renovation satisfaction survey (满意 / 基本满意 / 不满意; Zhanhe 001)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="satisfaction", verbose_name=_("project")
    )
    answer = models.CharField(_("answer"), max_length=12, choices=Satisfaction.choices)
    comment = models.TextField(_("comment"), blank=True)
    respondent_key = models.CharField(
        _("respondent"), max_length=64, help_text=_("A hash that stops one phone answering twice")
    )

    scope_field = "project__jurisdiction"

    class Meta:
        verbose_name = _("satisfaction answer")
        verbose_name_plural = _("satisfaction answers")
        ordering = ["project", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "respondent_key"], name="projects_satisfaction_unique")
        ]

    def __str__(self) -> str:
        return self.get_answer_display()


class PostEvaluation(AuditedModel):
    """The post-evaluation (后评价) of a finished project, with the satisfaction figures it used (Zhanhe 001)."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="evaluation", verbose_name=_("project")
    )
    evaluated_on = models.DateField(_("evaluated on"))
    summary = models.TextField(_("summary"))
    figures = models.JSONField(_("satisfaction figures"), default=dict)

    scope_field = "project__jurisdiction"

    class Meta:
        verbose_name = _("post-evaluation")
        verbose_name_plural = _("post-evaluations")

    def __str__(self) -> str:
        return f"{self.project.code} {self.evaluated_on}"
