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


class ConditionItem(models.TextChoices):
    """Checklist of a condition survey, following the renovation catalogue (国办发〔2020〕23号 three classes)."""

    WATER = "water", _("Water supply")
    DRAINAGE = "drainage", _("Drainage and rain/sewage separation")
    POWER = "power", _("Power supply")
    GAS = "gas", _("Gas")
    HEATING = "heating", _("Heating")
    TELECOM = "telecom", _("Telecom and overhead lines")
    ROADS = "roads", _("Roads")
    LIGHTING = "lighting", _("Street and corridor lighting")
    BUILDING_ENVELOPE = "building_envelope", _("Roofs, façades and stairs")
    SECURITY = "security", _("Security and surveillance")
    FIRE_SAFETY = "fire_safety", _("Fire safety")
    GARBAGE = "garbage", _("Garbage sorting")
    PARKING = "parking", _("Parking")
    CHARGING = "charging", _("E-bike and car charging")
    BARRIER_FREE = "barrier_free", _("Elderly-friendly and barrier-free facilities")
    GREENERY = "greenery", _("Greenery")
    PROPERTY_ROOMS = "property_rooms", _("Property-management rooms")
    ELEVATOR = "elevator", _("Elevators")
    SERVICES = "services", _("Community services (elderly care, childcare, shops)")


class Severity(models.IntegerChoices):
    """How bad an item is, as surveyed."""

    NONE = 0, _("No problem")
    MINOR = 1, _("Minor")
    MODERATE = 2, _("Moderate")
    SEVERE = 3, _("Severe")


class Eligibility(models.TextChoices):
    """The latest screening outcome of an estate (see jiugai/rules/eligibility.py)."""

    UNSCREENED = "", _("Not screened")
    ELIGIBLE = "eligible", _("Eligible")
    ELIGIBLE_CAPPED = "eligible_capped", _("Eligible within the post-2000 cap")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")


class ImportKind(models.TextChoices):
    ESTATES = "estates", _("Estates")
    BUILDINGS = "buildings", _("Buildings")
    HOUSEHOLDS = "households", _("Households")
    SURVEY = "survey", _("Condition survey")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    VALIDATING = "validating", _("Validating")
    INVALID = "invalid", _("Has errors")
    VALID = "valid", _("Ready to import")
    COMMITTING = "committing", _("Importing")
    COMMITTED = "committed", _("Imported")
    FAILED = "failed", _("Failed")
