from __future__ import annotations

from typing import Any

from django.contrib import admin

from .models import PolicyProfile, PolicyValue


class PolicyValueInline(admin.TabularInline):
    model = PolicyValue
    extra = 0
    fields = ["key", "value", "source_title", "source_reference", "source_url"]
    readonly_fields = ("key", "value", "source_title", "source_reference", "source_url")

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(PolicyProfile)
class PolicyProfileAdmin(admin.ModelAdmin):
    """Read-only: a change is a new version, written through the policy pages or API (never an overwrite)."""

    list_display = ["jurisdiction", "version", "effective_from", "title", "created_by", "created_at"]
    list_filter = ["effective_from"]
    search_fields = ["jurisdiction__name", "jurisdiction__code", "title"]
    inlines = [PolicyValueInline]

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
