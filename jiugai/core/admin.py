from __future__ import annotations

from typing import Any

from django.contrib import admin

from .models import AuditEntry, ChangeRecord


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that are written by services only: viewable, never added, changed or deleted here."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["seq", "at", "actor_name", "action", "object_type", "object_id", "jurisdiction_code"]
    list_filter = ["action"]
    search_fields = ["action", "object_type", "object_id", "jurisdiction_code", "actor_name"]
    date_hierarchy = "at"


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "content_type", "object_id", "object_repr", "actor"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_id", "object_repr"]
    date_hierarchy = "at"
