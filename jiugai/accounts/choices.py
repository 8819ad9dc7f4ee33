"""Roles, department and utility types, jurisdiction levels (seed digest §1)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """Administrative levels of the jurisdiction tree."""

    NATION = "nation", _("Nation")
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    DISTRICT = "district", _("District / county")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")


LEVEL_ORDER = [Level.NATION, Level.PROVINCE, Level.CITY, Level.DISTRICT, Level.STREET, Level.COMMUNITY]


class Role(models.TextChoices):
    """Who a user acts as (seed digest §1: leading group, departments, street offices, …)."""

    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")
    LEADING_GROUP_OFFICE = "leading_group_office", _("Leading-group office")
    DEPARTMENT = "department", _("Department")
    STREET_OFFICE = "street_office", _("Street office")
    COMMUNITY_COMMITTEE = "community_committee", _("Community residents' committee")
    UTILITY = "utility", _("Utility")
    DESIGN_FIRM = "design_firm", _("Design firm")
    CONSTRUCTION_FIRM = "construction_firm", _("Construction firm")
    SUPERVISION_FIRM = "supervision_firm", _("Supervision firm")
    PROPERTY_COMPANY = "property_company", _("Property company")
    DEPUTY = "deputy", _("Deputy or CPPCC member")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee member")


class DepartmentType(models.TextChoices):
    """Government departments named in the seeds (Zhanhe lists 14)."""

    HOUSING = "housing", _("Housing and urban-rural development")
    DEVELOPMENT_REFORM = "development_reform", _("Development and reform")
    FINANCE = "finance", _("Finance")
    PLANNING = "planning", _("Natural resources and planning")
    URBAN_MANAGEMENT = "urban_management", _("Urban management / law enforcement")
    INDUSTRY_IT = "industry_it", _("Industry and information technology")
    POLICE = "police", _("Public security")
    EMERGENCY = "emergency", _("Emergency management")
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs")
    CULTURE = "culture", _("Culture and tourism")
    HEALTH = "health", _("Health")
    EDUCATION_SPORTS = "education_sports", _("Education and sports")
    APPROVALS = "approvals", _("Administrative approvals")
    ORGANISATION = "organisation", _("Party organisation department")
    PUBLICITY = "publicity", _("Publicity department")
    OTHER = "other", _("Other")


class UtilityType(models.TextChoices):
    """Utilities (专营单位) that renovate what they own."""

    WATER = "water", _("Water")
    POWER = "power", _("Power")
    GAS = "gas", _("Gas")
    HEATING = "heating", _("Heating")
    TELECOM = "telecom", _("Telecom")
    CABLE_TV = "cable_tv", _("Cable TV")


# Roles whose work is tied to one place and who therefore see only their own jurisdiction subtree.
STAFF_ROLES_ABOVE_STREET = {Role.PLATFORM_ADMIN, Role.LEADING_GROUP_OFFICE, Role.DEPARTMENT, Role.DEPUTY}
