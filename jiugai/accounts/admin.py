from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from jiugai.core.admin import ReadOnlyAdmin

from .models import Jurisdiction, User


@admin.register(Jurisdiction)
class JurisdictionAdmin(ReadOnlyAdmin):
    """Viewable only: a node's path (and every descendant's) depends on its code and parent, so nodes are
    created through the accounts service and the management commands."""

    list_display = ["code", "name", "level", "parent", "path"]
    list_filter = ["level"]
    search_fields = ["code", "name", "name_pinyin"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path", "name_pinyin"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "role", "jurisdiction", "organisation", "is_active"]
    list_filter = ["role", "is_active", "department_type", "utility_type"]
    search_fields = ["username", "first_name", "last_name", "organisation", "jurisdiction__name"]
    raw_id_fields = ["jurisdiction"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            _("Role and jurisdiction"),
            {"fields": ("role", "jurisdiction", "organisation", "department_type", "utility_type", "phone")},
        ),
    )
    add_fieldsets = (
        *(DjangoUserAdmin.add_fieldsets or ()),
        (_("Role and jurisdiction"), {"fields": ("role", "jurisdiction", "organisation")}),
    )
