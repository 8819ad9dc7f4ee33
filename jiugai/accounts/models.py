"""Jurisdictions (province → city → district → street → community) and users with roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiugai.core.models import AuditedModel

from .choices import DepartmentType, Level, Role, UtilityType


class Jurisdiction(AuditedModel):
    """An administrative area: nation, province, city, district/county, street (街道) or community (社区)."""

    code = models.CharField(
        _("code"), max_length=32, unique=True, help_text=_("National administrative division code where known")
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent")
    )
    path = models.CharField(
        _("path"),
        max_length=400,
        db_index=True,
        editable=False,
        help_text=_("Codes from the root, for subtree queries"),
    )
    name_pinyin = models.CharField(_("pinyin"), max_length=300, blank=True, db_index=True)

    scope_field = ""

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def full_name(self) -> str:
        names = [j.name for j in self.ancestors(include_self=True) if j.level != Level.NATION]
        return "".join(names)

    def ancestors(self, *, include_self: bool = False) -> list[Jurisdiction]:
        codes = [c for c in self.path.strip("/").split("/") if c]
        if not include_self:
            codes = codes[:-1]
        found = {j.code: j for j in Jurisdiction.objects.filter(code__in=codes)}
        return [found[c] for c in codes if c in found]

    def is_within(self, other: Jurisdiction) -> bool:
        return self.path.startswith(other.path)

    def descendants(self, *, include_self: bool = True) -> models.QuerySet[Jurisdiction]:
        qs = Jurisdiction.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)


class User(AbstractUser):
    """A staff account: who acts, in which role, over which part of the jurisdiction tree."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.STREET_OFFICE)
    department_type = models.CharField(_("department type"), max_length=32, choices=DepartmentType.choices, blank=True)
    utility_type = models.CharField(_("utility type"), max_length=16, choices=UtilityType.choices, blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("jurisdiction"),
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_platform_admin(self) -> bool:
        return self.is_superuser or self.role == Role.PLATFORM_ADMIN

    def scope_path(self) -> str | None:
        """The jurisdiction path this user may see below; None means everything (platform admin)."""
        if self.is_platform_admin:
            return None
        if self.jurisdiction_id is None:
            return "//nowhere//"
        return self.jurisdiction.path  # type: ignore[union-attr]
