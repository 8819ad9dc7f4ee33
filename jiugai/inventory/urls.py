from django.urls import include, path

from . import views

app_name = "inventory"
urlpatterns = [
    path("", views.estate_list, name="estate_list"),
    path("export/", views.estate_export, name="estate_export"),
    path("<int:pk>/", views.estate_detail, name="estate_detail"),
    path("<int:pk>/screen/", views.estate_screen, name="estate_screen"),
    path("map/", views.estate_map, name="estate_map"),
    path("map/points.json", views.estate_points, name="estate_points"),
    path("charts/", views.estate_charts, name="estate_charts"),
    path("charts/data.json", views.estate_chart_data, name="estate_chart_data"),
    path("quality/", views.quality_report, name="quality_report"),
    path("screening/", views.screening, name="screening"),
    path("screening/export/", views.screening_export, name="screening_export"),
    path("imports/", include("jiugai.inventory.imports.urls")),
]
