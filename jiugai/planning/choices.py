"""Choices for planning: catalogue classes, quantity bases, Zhanhe's ten targets, tiers and statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemClass(models.TextChoices):
    """The three content classes of the national scheme (国办发〔2020〕23号; REFERENCE §1.2)."""

    BASIC = "basic", _("Basic")
    IMPROVEMENT = "improvement", _("Improvement")
    UPGRADE = "upgrade", _("Upgrade")


class QuantityBasis(models.TextChoices):
    """What a catalogue item's quantity is counted in when a proposal is pre-filled from an estate."""

    ESTATE = "estate", _("Per estate")
    BUILDING = "building", _("Per building")
    STAIRWELL = "stairwell", _("Per stairwell")
    HOUSEHOLD = "household", _("Per household")
    AREA = "area", _("Per m² of housing area")
    MANUAL = "manual", _("Entered by hand")


class Target(models.TextChoices):
    """Zhanhe's ten targets 十项目标 (平湛政办〔2020〕10号, seeds/001_f6a39a551d1fc451.txt)."""

    LEVEL_ROADS = "level_roads", _("Level roads")
    GREENERY = "greenery", _("Better greenery")
    BRIGHT_LIGHTS = "bright_lights", _("Bright street and corridor lights")
    CLEAR_SIGNS = "clear_signs", _("Clear building signs")
    ORDERLY_VEHICLES = "orderly_vehicles", _("Orderly vehicles")
    TIDY_LINES = "tidy_lines", _("Tidy lines and pipes")
    NEAT_FACADES = "neat_facades", _("Neat façades")
    COMPLETE_SECURITY = "complete_security", _("Complete security")
    SOUND_MANAGEMENT = "sound_management", _("Sound management organisation")
    STANDARD_PROPERTY_SERVICE = "standard_property_service", _("Standard property service")


class LineOrigin(models.TextChoices):
    """Why a proposal line is there."""

    SURVEY = "survey", _("Condition survey")
    RESIDENTS = "residents", _("Residents' wishes")
    STAFF = "staff", _("Added by staff")


class PlanStatus(models.TextChoices):
    """The annual plan lifecycle (see workflow.py)."""

    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class RunStatus(models.TextChoices):
    """The state of a plan's latest optimisation run."""

    NEVER = "never", _("Not run yet")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Could not be planned")


class Tier(models.TextChoices):
    """Implement a batch, plan a batch, reserve a batch 实施一批、谋划一批、储备一批 (Guyuan, seed 003)."""

    IMPLEMENT = "implement", _("Implement this year")
    PLAN = "plan", _("Plan (next batch)")
    RESERVE = "reserve", _("Reserve")


class BundleStatus(models.TextChoices):
    """An area bundle suggested by the platform and decided by staff."""

    SUGGESTED = "suggested", _("Suggested")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Indicator(models.TextChoices):
    """The indicators a priority score weighs (Jiyuan 000 and Xuchang 002 priorities)."""

    AGE = "age", _("Age (years since completion)")
    CONDITION = "condition", _("Condition severity")
    CONSENT = "consent", _("Residents' consent rate")
    COFUNDING = "cofunding", _("Residents' co-funding willingness")
    MUNICIPAL_READY = "municipal_ready", _("Municipal infrastructure ready")
    HOUSEHOLDS = "households", _("Households")
    ELDERLY = "elderly", _("Share of elderly residents")
