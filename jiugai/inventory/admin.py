from __future__ import annotations

from django.contrib import admin

from .models import Building, Estate, Household, RenovationArea


@admin.register(RenovationArea)
class RenovationAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "jurisdiction", "stated_households", "stated_buildings", "stated_area"]
    search_fields = ["name", "jurisdiction__name"]
    raw_id_fields = ["jurisdiction"]


class BuildingInline(admin.TabularInline):
    model = Building
    extra = 0
    fields = ["number", "floors", "stairwells", "stated_households", "area", "structure", "build_year", "has_elevator"]


@admin.register(Estate)
class EstateAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "street", "jurisdiction", "build_year", "stated_households", "management_status"]
    list_filter = ["management_status", "build_year"]
    search_fields = ["code", "name", "name_pinyin", "address"]
    raw_id_fields = ["jurisdiction", "street", "area"]
    readonly_fields = ["name_pinyin"]
    inlines = [BuildingInline]


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ["estate", "number", "floors", "stairwells", "stated_households", "has_elevator"]
    list_filter = ["has_elevator", "structure"]
    search_fields = ["estate__name", "number"]
    raw_id_fields = ["estate"]


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["building", "stairwell", "floor", "room", "area", "owner_name", "hardship"]
    list_filter = ["hardship", "developer_held"]
    search_fields = ["building__estate__name", "room", "owner_name"]
    raw_id_fields = ["building"]
