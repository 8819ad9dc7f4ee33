"""Versioned per-jurisdiction policy profiles: a new version is written for every change, never an overwrite."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiugai.accounts.models import Jurisdiction
from jiugai.core.models import AuditedModel


class PolicyProfile(AuditedModel):
    """One version of a jurisdiction's own policy numbers, in force from a date (e.g. Xuchang's consent rule)."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="policy_profiles", verbose_name=_("jurisdiction")
    )
    version = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("effective from"))
    title = models.CharField(_("title"), max_length=200)
    note = models.TextField(_("reason for this version"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("created by")
    )

    scope_field = "jurisdiction"

    class Meta:
        verbose_name = _("policy profile")
        verbose_name_plural = _("policy profiles")
        ordering = ["jurisdiction__path", "-effective_from", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "version"], name="policy_profile_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction} v{self.version} ({self.effective_from})"


class PolicyValue(models.Model):
    """One parameter value in a profile version, with the document it comes from."""

    profile = models.ForeignKey(
        PolicyProfile, on_delete=models.CASCADE, related_name="values", verbose_name=_("profile")
    )
    key = models.CharField(_("parameter"), max_length=100)
    value = models.JSONField(_("value"))
    source_title = models.CharField(_("source"), max_length=300, blank=True)
    source_reference = models.CharField(_("document number or seed file"), max_length=200, blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("policy value")
        verbose_name_plural = _("policy values")
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["profile", "key"], name="policy_value_unique_key")]

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"
