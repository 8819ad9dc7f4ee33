from django.db import models
from django.utils.translation import gettext_lazy as _


class ManagementStatus(models.TextChoices):
    """How an estate is managed today (seed digest §8)."""

    PROFESSIONAL = "professional", _("Professional property company")
    SELF_GOVERNED = "self_governed", _("Self-governed by owners")
    ENTRUSTED = "entrusted", _("Entrusted to street or community")
    NONE = "none", _("No management")


class PropertyRight(models.TextChoices):
    """Property-right types found in old estates."""

    COMMERCIAL = "commercial", _("Commercial housing")
    REFORMED = "reformed", _("Reformed housing (房改房)")
    FUND_RAISED = "fund_raised", _("Fund-raised housing (集资房)")
    UNIT_MANAGED = "unit_managed", _("Unit-managed housing")
    PUBLIC_RENTAL = "public_rental", _("Public rental housing")
    OTHER = "other", _("Other")


class Structure(models.TextChoices):
    BRICK_CONCRETE = "brick_concrete", _("Brick and concrete")
    FRAME = "frame", _("Reinforced-concrete frame")
    BRICK_WOOD = "brick_wood", _("Brick and wood")
    OTHER = "other", _("Other")
