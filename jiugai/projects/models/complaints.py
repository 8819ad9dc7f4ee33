"""Mediation groups per estate and residents' complaints about the works (Guyuan 003, Jincheng 004)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiugai.core.models import AuditedModel, TimeStampedModel
from jiugai.inventory.models import Estate

from ..choices import ComplaintCategory, ComplaintStatus, MediatorKind, Satisfaction
from .project import Project


def complaint_ref_new() -> str:
    """The reference a resident keeps to follow a complaint without an account."""
    return secrets.token_urlsafe(12)


class MediationGroup(TimeStampedModel):
    """An estate's mediation group (矛盾调解小组): justice, police, committee, property company, contractor."""

    estate = models.OneToOneField(
        Estate, on_delete=models.CASCADE, related_name="mediation_group", verbose_name=_("estate")
    )
    name = models.CharField(_("name"), max_length=200)

    scope_field = "estate__jurisdiction"

    class Meta:
        verbose_name = _("mediation group")
        verbose_name_plural = _("mediation groups")

    def __str__(self) -> str:
        return self.name


class Mediator(models.Model):
    """A member of a mediation group."""

    group = models.ForeignKey(MediationGroup, on_delete=models.CASCADE, related_name="members", verbose_name=_("group"))
    kind = models.CharField(_("from"), max_length=12, choices=MediatorKind.choices)
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("account")
    )

    scope_field = "group__estate__jurisdiction"

    class Meta:
        verbose_name = _("mediator")
        verbose_name_plural = _("mediators")
        ordering = ["group", "kind", "id"]

    def __str__(self) -> str:
        return self.name


class Complaint(AuditedModel):
    """A resident's complaint about the works, routed to the estate's mediation group with a deadline."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="complaints", verbose_name=_("project"))
    category = models.CharField(_("about"), max_length=12, choices=ComplaintCategory.choices)
    description = models.TextField(_("what happened"))
    place = models.CharField(_("where"), max_length=200, blank=True)
    reporter_name = models.CharField(_("name"), max_length=100, blank=True)
    reporter_phone = models.CharField(_("phone"), max_length=32, blank=True)
    reference = models.CharField(_("reference"), max_length=24, unique=True, default=complaint_ref_new, editable=False)
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("answer due"))
    status = models.CharField(_("status"), max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN)
    mediation_group = models.ForeignKey(
        MediationGroup,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
        verbose_name=_("routed to"),
    )
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    satisfaction = models.CharField(_("resident's view"), max_length=12, choices=Satisfaction.choices, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("handled by")
    )

    scope_field = "project__jurisdiction"

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["due_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.project.code}"
